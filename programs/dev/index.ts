/**
 * dev: the cheapest safe environment. A small cluster, one GPU node pool (spot first, L4/L40S
 * class, a small budget) and the KubeRay operator; later components add one small model that
 * scales to zero, and monitoring.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { LlmCluster } from "../../components/cluster";
import { GpuNodePool } from "../../components/gpu-nodepool";
import { KubeRayOperator } from "../../components/kuberay";
import { clusterArgsFromConfig, gpuPoolFromConfig } from "../config";

const config = new pulumi.Config();

const cluster = new LlmCluster("llm", clusterArgsFromConfig(config, {
    "environment": pulumi.getStack(),
    "managed-by": "pulumi",
    "project": "ray-vllm-eks",
}));

// Every in-cluster component deploys through this provider, never the ambient kubeconfig.
const provider = new k8s.Provider("k8s", { kubeconfig: cluster.kubeconfig, enableServerSideApply: true });

const gpu = new GpuNodePool("gpu", {
    clusterName: cluster.clusterName,
    nodeRoleName: cluster.nodeRoleName,
    pools: [gpuPoolFromConfig(config, "inference")],
}, { provider, dependsOn: [cluster] });

const kuberay = new KubeRayOperator("kuberay", {}, { provider, dependsOn: [cluster] });

export const kubeconfig = cluster.kubeconfig;
export const clusterName = cluster.clusterName;
export const vpcId = cluster.vpcId;
export const privateSubnetIds = cluster.privateSubnetIds;
export const nodeRoleName = cluster.nodeRoleName;
export const interruptionQueueName = cluster.interruptionQueueName;
export const gpuNodePools = gpu.nodePoolNames;
export const gpuLimit = gpu.totalGpuLimit;
export const kuberayNamespace = kuberay.namespace;
