/**
 * The production shape, shared by staging and prod (staging runs it at smaller limits, from its
 * Pulumi.staging.yaml): a multi-model OpenAI gateway (a small chat model, a 72B model with tensor
 * parallelism on four GPUs, an embedding model) behind an internal Network Load Balancer with TLS;
 * spot-first capacity for the small models and on-demand capacity for the large one, in two GPU
 * NodePools with their own budgets; GCS fault tolerance on a Multi-AZ ElastiCache Redis with TLS
 * and a generated auth token; monitoring; and every policy of the pack mandatory.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { EBS_STORAGE_CLASS, LlmCluster } from "../components/cluster";
import { GcsRedis } from "../components/gcs-redis";
import { GpuNodePool } from "../components/gpu-nodepool";
import { KubeRayOperator } from "../components/kuberay";
import { MonitoringStack } from "../components/monitoring";
import { VllmRayService } from "../components/vllm-service";
import { CLUSTER_CONFIG_ARGUMENTS, clusterArgsFromConfig, fromConfig } from "./config";
import { acceleratorsIn, huggingFaceTokenFromConfig, modelsFromConfig, servingArgsFromConfig, servingConfigArguments } from "./models";

/** The GPU pools of the production shape: spot first for the small models, on-demand for the large. */
export const PRODUCTION_POOLS: readonly string[] = ["shared", "large"];

/** Composes the production shape from the stack's configuration; returns the stack's outputs. */
export function productionShape(config: pulumi.Config): Record<string, pulumi.Output<unknown>> {
    // The models and the token first: a mistake in them is refused before anything is created.
    const huggingFaceToken = huggingFaceTokenFromConfig();
    const models = modelsFromConfig(config, PRODUCTION_POOLS, huggingFaceToken !== undefined);
    const tags = { "environment": pulumi.getStack(), "managed-by": "pulumi", "project": "ray-vllm-eks" };
    const cluster = fromConfig(CLUSTER_CONFIG_ARGUMENTS, () => new LlmCluster("llm", clusterArgsFromConfig(config, tags)));

    // Every in-cluster component deploys through this provider, never the ambient kubeconfig.
    const provider = new k8s.Provider("k8s", { kubeconfig: cluster.kubeconfig, enableServerSideApply: true });

    // Two budgets: spot first for the small models, on-demand only for the large one (a 4-GPU
    // node reclaimed by spot would take the model down for minutes). Each pool offers only its
    // models' instance types, so every worker group lands in its own pool; a pool no model uses
    // is left out. Instance-store NVMe (RAID0) holds the images and the model cache.
    const pools = [
        { name: "shared", gpuLimit: "gpuLimit", capacityTypes: config.getObject<string[]>("gpuCapacityTypes"), capacityKey: "gpuCapacityTypes" },
        { name: "large", gpuLimit: "largeGpuLimit", capacityTypes: ["on-demand"] },
    ].map((p) => ({ ...p, instanceTypes: acceleratorsIn(models, p.name) })).filter((p) => p.instanceTypes.length > 0);
    const gpu = fromConfig(Object.fromEntries(pools.flatMap((p, i) => [
        [`pools[${i}].gpuLimit`, p.gpuLimit],
        ...(p.capacityKey ? [[`pools[${i}].capacityTypes`, p.capacityKey]] : []),
    ])), () => new GpuNodePool("gpu", {
        clusterName: cluster.clusterName,
        nodeRoleName: cluster.nodeRoleName,
        instanceStoreRaid0: true,
        pools: pools.map((p) => ({ name: p.name, gpuLimit: config.requireNumber(p.gpuLimit), instanceTypes: p.instanceTypes, capacityTypes: p.capacityTypes })),
    }, { provider, dependsOn: [cluster] }));

    const kuberay = new KubeRayOperator("kuberay", {}, { provider, dependsOn: [cluster] });
    // Prometheus keeps its samples on an encrypted gp3 volume (LlmCluster's EBS CSI driver).
    const monitoring = fromConfig({
        storageSizeGiB: "prometheusStorageGiB",
        retention: "prometheusRetention",
        grafanaAdminSecretName: "grafanaAdminSecretName",
    }, () => new MonitoringStack("monitoring", {
        storageClassName: EBS_STORAGE_CLASS,
        storageSizeGiB: config.getNumber("prometheusStorageGiB"),
        retention: config.get("prometheusRetention"),
        grafanaAdminSecretName: config.get("grafanaAdminSecretName") || undefined,
    }, { provider, dependsOn: [cluster] }));

    // GCS fault tolerance: the head can restart without taking Serve down.
    const redis = fromConfig({ nodeType: "redisNodeType", deletionProtection: "deletionProtection" }, () => new GcsRedis("gcs", {
        vpcId: cluster.vpcId,
        subnetIds: cluster.privateSubnetIds,
        clientSecurityGroupIds: [cluster.clusterSecurityGroupId],
        nodeType: config.get("redisNodeType"),
        // Ray's GCS state is protected (and snapshotted when deleted, the default) until the
        // stack's deletionProtection is turned off, with the cluster's.
        deletionProtection: config.getBoolean("deletionProtection"),
        tags,
    }, { dependsOn: [cluster] }));

    const vpcCidr = config.get("vpcCidr") ?? "10.0.0.0/16";
    const llm = fromConfig({
        ...servingConfigArguments(models),
        serveTlsCertificateArn: "serveTlsCertificateArn",
        serveAllowedCidrs: "serveAllowedCidrs",
        serveClientNamespaces: "serveClientNamespaces",
    }, () => new VllmRayService("vllm", {
        // The model cache is on the node's NVMe.
        ...servingArgsFromConfig(config, models, huggingFaceToken),
        redisAddress: redis.address,
        redisPassword: redis.authToken,
        exposeServe: true,
        serveTlsCertificateArn: config.require("serveTlsCertificateArn"),
        serveAllowedCidrs: config.getObject<string[]>("serveAllowedCidrs"),
        serveClientCidrs: [vpcCidr],
        serveClientNamespaces: config.getObject<string[]>("serveClientNamespaces"),
        prometheusNamespace: monitoring.namespace,
        prometheusUrl: monitoring.prometheusUrl,
        grafanaUrl: monitoring.grafanaUrl,
    }, { provider, dependsOn: [kuberay, gpu, monitoring, redis] }));

    return {
        kubeconfig: cluster.kubeconfig,
        clusterName: cluster.clusterName,
        vpcId: cluster.vpcId,
        privateSubnetIds: cluster.privateSubnetIds,
        gpuNodePools: gpu.nodePoolNames,
        gpuLimit: gpu.totalGpuLimit,
        kuberayNamespace: kuberay.namespace,
        monitoringNamespace: monitoring.namespace,
        grafanaUrl: monitoring.grafanaUrl,
        redisAddress: redis.address,
        rayService: llm.serviceName,
        serveService: llm.serveServiceName,
        rayHeadService: llm.headServiceName,
        models: llm.modelNames,
        serviceMaxGpus: llm.maxGpus,
        serviceUpgradeGpus: llm.upgradeGpus,
        idleGpuFloor: llm.idleGpus,
    };
}
