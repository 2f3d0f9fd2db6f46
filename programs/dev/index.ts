/**
 * dev: the cheapest safe environment. A small cluster, one GPU node pool (spot first, L4/L40S
 * class, a small budget), the KubeRay operator, monitoring, and one small model that scales to
 * zero when idle.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { LlmCluster } from "../../components/cluster";
import { GpuNodePool } from "../../components/gpu-nodepool";
import { KubeRayOperator } from "../../components/kuberay";
import { MonitoringStack } from "../../components/monitoring";
import { VllmRayService } from "../../components/vllm-service";
import { CLUSTER_CONFIG_ARGUMENTS, clusterArgsFromConfig, fromConfig, gpuPoolFromConfig } from "../config";

const config = new pulumi.Config();

const cluster = fromConfig(CLUSTER_CONFIG_ARGUMENTS, () => new LlmCluster("llm", clusterArgsFromConfig(config, {
    "environment": pulumi.getStack(),
    "managed-by": "pulumi",
    "project": "ray-vllm-eks",
})));

// Every in-cluster component deploys through this provider, never the ambient kubeconfig.
const provider = new k8s.Provider("k8s", { kubeconfig: cluster.kubeconfig, enableServerSideApply: true });

const gpu = fromConfig({
    "pools[0].gpuLimit": "gpuLimit",
    "pools[0].instanceFamilies": "gpuInstanceFamilies",
    "pools[0].capacityTypes": "gpuCapacityTypes",
}, () => new GpuNodePool("gpu", {
    clusterName: cluster.clusterName,
    nodeRoleName: cluster.nodeRoleName,
    pools: [gpuPoolFromConfig(config, "inference")],
}, { provider, dependsOn: [cluster] }));

const kuberay = new KubeRayOperator("kuberay", {}, { provider, dependsOn: [cluster] });

const monitoring = new MonitoringStack("monitoring", {}, { provider, dependsOn: [cluster] });

// One 8B instruct model on one L4 (g6.2xlarge: 24 GB of GPU memory, 32 GiB for loading weights),
// scaled to zero when idle. Qwen3-8B is not gated, so no Hugging Face token is needed.
const llm = fromConfig({ "models[0].maxReplicas": "modelMaxReplicas" }, () => new VllmRayService("vllm", {
    models: [{
        name: "qwen3-8b",
        source: "Qwen/Qwen3-8B",
        accelerator: "g6.2xlarge",
        minReplicas: 0,
        maxReplicas: config.getNumber("modelMaxReplicas") ?? 2,
    }],
    // Prometheus may scrape the Ray pods, and the Ray dashboard embeds Grafana's graphs.
    prometheusNamespace: monitoring.namespace,
    prometheusUrl: monitoring.prometheusUrl,
    grafanaUrl: monitoring.grafanaUrl,
}, { provider, dependsOn: [kuberay, gpu, monitoring] }));

export const kubeconfig = cluster.kubeconfig;
export const clusterName = cluster.clusterName;
export const vpcId = cluster.vpcId;
export const privateSubnetIds = cluster.privateSubnetIds;
export const nodeRoleName = cluster.nodeRoleName;
export const interruptionQueueName = cluster.interruptionQueueName;
export const gpuNodePools = gpu.nodePoolNames;
export const gpuLimit = gpu.totalGpuLimit;
export const kuberayNamespace = kuberay.namespace;
export const rayService = llm.serviceName;
export const serveService = llm.serveServiceName;
export const models = llm.modelNames;
export const rayHeadService = llm.headServiceName;
export const monitoringNamespace = monitoring.namespace;
export const grafanaUrl = monitoring.grafanaUrl;
export const serviceMaxGpus = llm.maxGpus;
export const serviceUpgradeGpus = llm.upgradeGpus;
export const idleGpuFloor = llm.idleGpus;
