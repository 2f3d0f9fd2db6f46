/**
 * ray-vllm-eks: Pulumi components for production LLM serving on Amazon EKS.
 *
 * Import the components into your own stack:
 *
 *     import { LlmCluster, GpuNodePool, KubeRayOperator } from "ray-vllm-eks";
 */
export * from "./components/cluster";
export * from "./components/gpu-nodepool";
export * from "./components/gcs-redis";
export * from "./components/kuberay";
export * from "./components/monitoring";
export * from "./components/vllm-service";
