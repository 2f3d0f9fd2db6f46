import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { childDependsOn, withDefaults } from "../common/args";
import { checkKubernetesProvider, throwIfInvalid } from "../common/validation";
import { DISCOVERY_TAG_KEY } from "../cluster/karpenter";
import {
    amiFamilyOf,
    DEVICE_PLUGIN_CHART,
    DEVICE_PLUGIN_REPO,
    GPU_POOL_LABEL,
    GPU_PRESENT_LABEL,
    GPU_RESOURCE,
    GpuNodePoolArgs,
    gpuNodePoolDefaults,
    NODE_POOL_LABEL,
    ResolvedGpuNodePoolArgs,
    ResolvedGpuPoolArgs,
    validateGpuNodePoolArgs,
} from "./args";
import { GPU_INSTANCE_FAMILIES } from "./catalog";

export * from "./args";
export * from "./catalog";

/** The taint every GPU node carries: only pods that tolerate it (GPU workloads) land there. */
export const GPU_TAINT = { key: GPU_RESOURCE, value: "true", effect: "NoSchedule" } as const;
/** The toleration of that taint, for GPU workloads' pod specs. */
export const GPU_TOLERATION = { key: GPU_RESOURCE, operator: "Exists", effect: "NoSchedule" } as const;
/** The labels every node of a GpuNodePool carries (workloads select them). */
export const GPU_NODE_LABELS: Readonly<Record<string, string>> = { [NODE_POOL_LABEL]: "gpu", [GPU_PRESENT_LABEL]: "true" };

const KARPENTER_NODE_GROUP = "karpenter.k8s.aws";

/** The EC2NodeClass spec: pinned AMI alias, discovery-tag selectors, encrypted gp3 volume, IMDSv2 with hop limit 1. */
export function ec2NodeClassSpec(a: ResolvedGpuNodePoolArgs): Record<string, unknown> {
    const volume = {
        volumeSize: pulumi.output(a.volumeSizeGiB).apply((size) => `${size}Gi`),
        volumeType: "gp3",
        iops: a.volumeIops,
        throughput: a.volumeThroughput,
        encrypted: true,
        deleteOnTermination: true,
    };
    // Bottlerocket keeps its OS on /dev/xvda and images and pods on the data volume /dev/xvdb.
    const blockDeviceMappings = amiFamilyOf(a.amiAlias) === "bottlerocket"
        ? [
            { deviceName: "/dev/xvda", ebs: { volumeSize: "4Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
            { deviceName: "/dev/xvdb", ebs: volume },
        ]
        : [{ deviceName: "/dev/xvda", rootVolume: true, ebs: volume }];
    const discovery = [{ tags: { [DISCOVERY_TAG_KEY]: a.clusterName } }];
    return {
        role: a.nodeRoleName,
        amiSelectorTerms: [{ alias: a.amiAlias }],
        subnetSelectorTerms: discovery,
        securityGroupSelectorTerms: discovery,
        blockDeviceMappings,
        metadataOptions: {
            httpEndpoint: "enabled",
            httpProtocolIPv6: "disabled",
            httpTokens: "required",
            // Pods cannot reach the instance's credentials: they use EKS Pod Identity.
            httpPutResponseHopLimit: 1,
        },
        instanceStorePolicy: pulumi.output(a.instanceStoreRaid0).apply((raid) => (raid ? "RAID0" : undefined)),
        tags: a.tags,
    };
}

/** The NodePool spec of one pool. */
export function nodePoolSpec(nodeClassName: string, p: ResolvedGpuPoolArgs): Record<string, unknown> {
    const instanceRequirement = p.instanceTypes !== undefined
        ? { key: "node.kubernetes.io/instance-type", operator: "In", values: p.instanceTypes }
        : { key: `${KARPENTER_NODE_GROUP}/instance-family`, operator: "In", values: p.instanceFamilies };
    const arch = pulumi.output(p.instanceTypes ?? p.instanceFamilies).apply((values) => {
        const families = values.map((v) => v.split(".")[0]);
        return [...new Set(families.map((f) => GPU_INSTANCE_FAMILIES[f]?.arch ?? "amd64"))].sort();
    });
    const limits: Record<string, pulumi.Input<string>> = { [GPU_RESOURCE]: pulumi.output(p.gpuLimit).apply(String) };
    if (p.cpuLimit !== undefined) {
        limits.cpu = p.cpuLimit;
    }
    if (p.memoryLimit !== undefined) {
        limits.memory = p.memoryLimit;
    }
    return {
        template: {
            metadata: {
                labels: pulumi.output(p.labels).apply((extra) => ({ ...extra, ...GPU_NODE_LABELS, [GPU_POOL_LABEL]: p.name })),
            },
            spec: {
                nodeClassRef: { group: KARPENTER_NODE_GROUP, kind: "EC2NodeClass", name: nodeClassName },
                requirements: [
                    instanceRequirement,
                    { key: "karpenter.sh/capacity-type", operator: "In", values: p.capacityTypes },
                    { key: "kubernetes.io/arch", operator: "In", values: arch },
                    { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                    { key: `${KARPENTER_NODE_GROUP}/instance-gpu-count`, operator: "Gt", values: [pulumi.output(p.minGpusPerNode).apply((n) => String(n - 1))] },
                    { key: `${KARPENTER_NODE_GROUP}/instance-gpu-count`, operator: "Lt", values: [pulumi.output(p.maxGpusPerNode).apply((n) => String(n + 1))] },
                ],
                taints: [{ ...GPU_TAINT }],
                expireAfter: p.expireAfter,
                terminationGracePeriod: p.terminationGracePeriod,
            },
        },
        limits,
        disruption: {
            consolidationPolicy: p.consolidationPolicy,
            consolidateAfter: p.consolidateAfter,
            budgets: p.disruptionBudgets,
        },
        weight: p.weight,
    };
}

/** Values for the NVIDIA device plugin chart: it runs on GPU nodes only (their `nvidia.com/gpu.present` label) and tolerates their taint. */
export function devicePluginValues(): Record<string, unknown> {
    return {
        tolerations: [{ ...GPU_TOLERATION }, { key: "CriticalAddonsOnly", operator: "Exists" }],
        priorityClassName: "system-node-critical",
        gfd: { enabled: false },
    };
}

/**
 * GPU capacity from Karpenter: one EC2NodeClass, one NodePool per pool (each with its GPU
 * budget, the `nvidia.com/gpu=true:NoSchedule` taint and the labels GPU workloads select) and
 * the NVIDIA device plugin. Needs an explicit Kubernetes provider and Karpenter's CRDs
 * (`dependsOn` the `LlmCluster`).
 */
export class GpuNodePool extends pulumi.ComponentResource {
    /** The EC2NodeClass's name. */
    public readonly nodeClassName: pulumi.Output<string>;
    /** The NodePools' names, in the order of `pools`. */
    public readonly nodePoolNames: pulumi.Output<string[]>;
    /** The sum of the pools' GPU limits: the most GPUs this component's nodes may ever hold. */
    public readonly totalGpuLimit: pulumi.Output<number>;
    /** The labels on every GPU node, for workloads' node selectors. */
    public readonly nodeLabels: pulumi.Output<{ [key: string]: string }>;

    constructor(name: string, args: GpuNodePoolArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-vllm-eks:index:GpuNodePool", name, {}, opts);

        const { pool: poolDefaults, ...nodePoolDefaults } = gpuNodePoolDefaults;
        const a: ResolvedGpuNodePoolArgs = withDefaults(nodePoolDefaults, args);
        const pools: ResolvedGpuPoolArgs[] = (args?.pools ?? []).map((p) => withDefaults(poolDefaults, p));
        const providerProblem = checkKubernetesProvider("GpuNodePool", this);
        throwIfInvalid("GpuNodePool", [...(providerProblem ? [providerProblem] : []), ...validateGpuNodePoolArgs(name, a, pools)], this);

        const nodeClass = new k8s.apiextensions.CustomResource(`${name}-nodeclass`, {
            apiVersion: `${KARPENTER_NODE_GROUP}/v1`,
            kind: "EC2NodeClass",
            metadata: { name },
            spec: ec2NodeClassSpec(a),
        }, { parent: this, dependsOn: childDependsOn(opts) });

        const nodePools = pools.map((p) => new k8s.apiextensions.CustomResource(`${name}-${p.name}`, {
            apiVersion: "karpenter.sh/v1",
            kind: "NodePool",
            metadata: { name: `${name}-${p.name}` },
            spec: nodePoolSpec(name, p),
        }, { parent: this, dependsOn: childDependsOn(opts, nodeClass) }));

        const installDevicePlugin = args.installDevicePlugin ?? amiFamilyOf(a.amiAlias) === "al2023";
        if (installDevicePlugin) {
            new k8s.helm.v3.Release(`${name}-device-plugin`, {
                name: DEVICE_PLUGIN_CHART,
                chart: DEVICE_PLUGIN_CHART,
                version: a.devicePluginVersion,
                repositoryOpts: { repo: DEVICE_PLUGIN_REPO },
                namespace: "kube-system",
                values: devicePluginValues(),
            }, { parent: this, dependsOn: childDependsOn(opts) });
        }

        this.nodeClassName = nodeClass.metadata.name;
        this.nodePoolNames = pulumi.all(nodePools.map((np) => np.metadata.name));
        this.totalGpuLimit = pulumi.all(pools.map((p) => p.gpuLimit)).apply((limits) => limits.reduce((sum, l) => sum + l, 0));
        this.nodeLabels = pulumi.output({ ...GPU_NODE_LABELS });
        this.registerOutputs({
            nodeClassName: this.nodeClassName,
            nodePoolNames: this.nodePoolNames,
            totalGpuLimit: this.totalGpuLimit,
            nodeLabels: this.nodeLabels,
        });
    }
}
