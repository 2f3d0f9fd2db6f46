/**
 * dev: the cheapest safe environment. A small cluster, one GPU node pool (spot first, L4/L40S
 * class, a small budget), the KubeRay operator, monitoring, and the stack's models (one small
 * model that scales to zero when idle, in Pulumi.dev.yaml).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { LlmCluster } from "../../components/cluster";
import { GpuNodePool } from "../../components/gpu-nodepool";
import { KubeRayOperator } from "../../components/kuberay";
import { MonitoringStack } from "../../components/monitoring";
import { VllmRayService } from "../../components/vllm-service";
import { CLUSTER_CONFIG_ARGUMENTS, clusterArgsFromConfig, fromConfig, gpuPoolFromConfig } from "../config";
import { huggingFaceTokenFromConfig, modelsFromConfig, servingArgsFromConfig, servingConfigArguments } from "../models";

const config = new pulumi.Config();

// The models and the token first: a mistake in them is refused before anything is created. dev
// has one GPU pool.
const huggingFaceToken = huggingFaceTokenFromConfig();
const configured = modelsFromConfig(config, ["inference"], huggingFaceToken !== undefined);

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

const monitoring = fromConfig({ grafanaAdminSecretName: "grafanaAdminSecretName" }, () => new MonitoringStack("monitoring", {
    grafanaAdminSecretName: config.get("grafanaAdminSecretName") || undefined,
}, { provider, dependsOn: [cluster] }));

// The stack's models (Pulumi.dev.yaml), scaled to zero when idle.
const llm = fromConfig(servingConfigArguments(configured), () => new VllmRayService("vllm", {
    ...servingArgsFromConfig(config, configured, huggingFaceToken),
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
