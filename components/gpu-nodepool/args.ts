import * as pulumi from "@pulumi/pulumi";

import { Check, checkDuration, checkName, checkWholeNumber, collect, isKnown, show } from "../common/validation";
import { GPU_INSTANCE_FAMILIES, familyOfInstanceType, gpusOfInstanceType, instanceTypesOf } from "./catalog";

/** The pinned EKS-optimized AMI release (https://github.com/awslabs/amazon-eks-ami/releases); with the al2023 alias, Karpenter picks the NVIDIA variant for GPU instances. */
export const DEFAULT_AMI_ALIAS = "al2023@v20260714";
/** The NVIDIA device plugin chart (https://github.com/NVIDIA/k8s-device-plugin). */
export const DEVICE_PLUGIN_CHART = "nvidia-device-plugin";
export const DEVICE_PLUGIN_REPO = "https://nvidia.github.io/k8s-device-plugin";
export const DEVICE_PLUGIN_VERSION = "0.20.0";

/** The extended resource, taint key and label of GPU nodes. */
export const GPU_RESOURCE = "nvidia.com/gpu";
/** The label every GPU node carries; also the one the device plugin's default affinity selects. */
export const GPU_PRESENT_LABEL = "nvidia.com/gpu.present";
/** The label of the node pool family (system nodes carry "system"). */
export const NODE_POOL_LABEL = "ray-vllm-eks/node-pool";
/** The label naming the NodePool a GPU node came from. */
export const GPU_POOL_LABEL = "ray-vllm-eks/gpu-pool";

/** Capacity types a pool may use ("reserved" needs capacity reservation selectors, which this component does not render). */
export const CAPACITY_TYPES: readonly string[] = ["spot", "on-demand"];
export const CONSOLIDATION_POLICIES: readonly string[] = ["WhenEmpty", "WhenEmptyOrUnderutilized"];
export const AMI_FAMILIES: readonly string[] = ["al2023", "bottlerocket"];

/** Tag keys Karpenter sets itself and refuses in an EC2NodeClass. */
const RESERVED_TAG_KEYS = ["eks:eks-cluster-name", "karpenter.sh/nodepool", "karpenter.sh/nodeclaim", "karpenter.k8s.aws/ec2nodeclass"];

/** One Karpenter disruption budget: at most `nodes` nodes (a count or a percentage) disrupted at once. */
export interface DisruptionBudgetArgs {
    /**
     * How many nodes may be disrupted at once: a count ("1") or a percentage ("10%").
     * @see https://karpenter.sh/docs/concepts/disruption/#nodepool-disruption-budgets
     */
    nodes: pulumi.Input<string>;
    /**
     * When the budget applies, as a cron schedule (UTC); with `duration`.
     * @default always
     * @see https://karpenter.sh/docs/concepts/disruption/#schedule
     */
    schedule?: pulumi.Input<string>;
    /**
     * How long the budget applies after each `schedule` tick, such as "8h".
     * @default always
     * @see https://karpenter.sh/docs/concepts/disruption/#schedule
     */
    duration?: pulumi.Input<string>;
    /**
     * The disruption reasons it limits ("Underutilized", "Empty", "Drifted").
     * @default all reasons
     * @see https://karpenter.sh/docs/concepts/disruption/#reasons
     */
    reasons?: pulumi.Input<pulumi.Input<string>[]>;
}

/** One Karpenter NodePool of GPU nodes. */
export interface GpuPoolArgs {
    /**
     * The pool's name; the NodePool is named `<component name>-<name>`.
     * @see https://karpenter.sh/docs/concepts/nodepools/
     */
    name: string;
    /**
     * The most GPUs (`nvidia.com/gpu`) the pool's nodes may hold in total: the budget. Required.
     * @see https://karpenter.sh/docs/concepts/nodepools/#speclimits
     */
    gpuLimit: pulumi.Input<number>;
    /**
     * The most CPU the pool's nodes may hold, as a quantity such as "400".
     * @default no CPU limit
     * @see https://karpenter.sh/docs/concepts/nodepools/#speclimits
     */
    cpuLimit?: pulumi.Input<string>;
    /**
     * The most memory the pool's nodes may hold, as a quantity such as "2000Gi".
     * @default no memory limit
     * @see https://karpenter.sh/docs/concepts/nodepools/#speclimits
     */
    memoryLimit?: pulumi.Input<string>;
    /**
     * GPU instance families to launch (`karpenter.k8s.aws/instance-family`), from `GPU_INSTANCE_FAMILIES`.
     * Ignored when `instanceTypes` is set.
     * @default ["g6", "g6e", "g5"]
     * @see https://karpenter.sh/docs/reference/instance-types/
     */
    instanceFamilies?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Exact instance types to launch (`node.kubernetes.io/instance-type`), such as "g6e.12xlarge".
     * @default any size of `instanceFamilies`
     * @see https://karpenter.sh/docs/reference/instance-types/
     */
    instanceTypes?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Capacity types: "spot", "on-demand". With both, Karpenter prefers spot.
     * @default ["spot", "on-demand"]
     * @see https://karpenter.sh/docs/concepts/nodepools/#capacity-type
     */
    capacityTypes?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * The fewest GPUs a node of this pool has (for tensor-parallel models that need several per node).
     * @default 1
     * @see https://karpenter.sh/docs/reference/instance-types/
     */
    minGpusPerNode?: pulumi.Input<number>;
    /**
     * The most GPUs a node of this pool has.
     * @default 8
     * @see https://karpenter.sh/docs/reference/instance-types/
     */
    maxGpusPerNode?: pulumi.Input<number>;
    /**
     * Priority among NodePools (1-100, higher first), e.g. a spot pool above an on-demand fallback.
     * @default unset (0)
     * @see https://karpenter.sh/docs/concepts/scheduling/#weighted-nodepools
     */
    weight?: pulumi.Input<number>;
    /**
     * When Karpenter may consolidate nodes: "WhenEmpty" (only idle GPU nodes, never moving running
     * replicas) or "WhenEmptyOrUnderutilized".
     * @default "WhenEmpty"
     * @see https://karpenter.sh/docs/concepts/disruption/#consolidation
     */
    consolidationPolicy?: pulumi.Input<string>;
    /**
     * How long a node must stay empty (or underutilized) before it is removed, such as "10m".
     * @default "10m"
     * @see https://karpenter.sh/docs/concepts/disruption/#consolidation
     */
    consolidateAfter?: pulumi.Input<string>;
    /**
     * Disruption budgets; the default lets one GPU node at a time be disrupted.
     * @default [{ nodes: "1" }]
     * @see https://karpenter.sh/docs/concepts/disruption/#nodepool-disruption-budgets
     */
    disruptionBudgets?: pulumi.Input<pulumi.Input<DisruptionBudgetArgs>[]>;
    /**
     * A node's lifetime before Karpenter replaces it (keeps AMIs patched), such as "720h", or "Never".
     * @default "720h"
     * @see https://karpenter.sh/docs/concepts/disruption/#expiration
     */
    expireAfter?: pulumi.Input<string>;
    /**
     * How long Karpenter waits for a disrupted node's pods to drain before terminating it.
     * @default "1h"
     * @see https://karpenter.sh/docs/concepts/disruption/#terminationgraceperiod
     */
    terminationGracePeriod?: pulumi.Input<string>;
    /**
     * Extra labels on the pool's nodes.
     * @default {}
     * @see https://karpenter.sh/docs/concepts/nodepools/
     */
    labels?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

export interface GpuNodePoolArgs {
    /**
     * The EKS cluster's name: subnets and security groups are selected by its `karpenter.sh/discovery` tag (`LlmCluster.clusterName`).
     * @see https://karpenter.sh/docs/concepts/nodeclasses/#specsubnetselectorterms
     */
    clusterName: pulumi.Input<string>;
    /**
     * The IAM role of the nodes (`LlmCluster.nodeRoleName`).
     * @see https://karpenter.sh/docs/concepts/nodeclasses/#specrole
     */
    nodeRoleName: pulumi.Input<string>;
    /**
     * The NodePools, each with its own GPU budget; at least one.
     * @see https://karpenter.sh/docs/concepts/nodepools/
     */
    pools: GpuPoolArgs[];
    /**
     * The AMI, as a pinned Karpenter alias ("al2023@vYYYYMMDD" or "bottlerocket@vX.Y.Z"); "@latest" is refused because it drifts every node on each AMI release.
     * @default "al2023@v20260714"
     * @see https://karpenter.sh/docs/concepts/nodeclasses/#specamiselectorterms
     */
    amiAlias?: string;
    /**
     * Size of the root (AL2023) or data (Bottlerocket) volume in GiB: multi-GB inference images and model caches live there.
     * @default 200
     * @see https://karpenter.sh/docs/concepts/nodeclasses/#specblockdevicemappings
     */
    volumeSizeGiB?: pulumi.Input<number>;
    /**
     * Provisioned IOPS of that gp3 volume (3000-16000).
     * @default 3000
     * @see https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html
     */
    volumeIops?: pulumi.Input<number>;
    /**
     * Provisioned throughput of that gp3 volume in MiB/s (125-1000); image pulls are throughput-bound.
     * @default 250
     * @see https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html
     */
    volumeThroughput?: pulumi.Input<number>;
    /**
     * Stripe the instance's NVMe instance storage as RAID0 and use it for containers and pod
     * ephemeral storage (a fast cache for model weights); every family in the catalogue has it.
     * @default false
     * @see https://karpenter.sh/docs/concepts/nodeclasses/#specinstancestorepolicy
     */
    instanceStoreRaid0?: pulumi.Input<boolean>;
    /**
     * Install the NVIDIA device plugin, which advertises `nvidia.com/gpu`. The EKS AL2023 NVIDIA AMI does not ship it; Bottlerocket's NVIDIA variants do.
     * @default true for al2023, false for bottlerocket
     * @see https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-k8s-device-plugin.html
     */
    installDevicePlugin?: boolean;
    /**
     * The NVIDIA device plugin chart version.
     * @default "0.20.0"
     * @see https://github.com/NVIDIA/k8s-device-plugin/releases
     */
    devicePluginVersion?: pulumi.Input<string>;
    /**
     * Tags on the instances, volumes and network interfaces Karpenter launches.
     * @default {}
     * @see https://karpenter.sh/docs/concepts/nodeclasses/#spectags
     */
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

/** Defaults of `GpuNodePoolArgs`, and of each of its pools (`pool`). */
export const gpuNodePoolDefaults = {
    amiAlias: DEFAULT_AMI_ALIAS,
    volumeSizeGiB: 200,
    volumeIops: 3000,
    volumeThroughput: 250,
    instanceStoreRaid0: false,
    devicePluginVersion: DEVICE_PLUGIN_VERSION,
    tags: {} as { [key: string]: string },
    pool: {
        instanceFamilies: ["g6", "g6e", "g5"],
        capacityTypes: ["spot", "on-demand"],
        minGpusPerNode: 1,
        maxGpusPerNode: 8,
        consolidationPolicy: "WhenEmpty",
        consolidateAfter: "10m",
        disruptionBudgets: [{ nodes: "1" }] as DisruptionBudgetArgs[],
        expireAfter: "720h",
        terminationGracePeriod: "1h",
        labels: {} as { [key: string]: string },
    },
};

type NodePoolDefaults = Omit<typeof gpuNodePoolDefaults, "pool">;
type PoolDefaults = typeof gpuNodePoolDefaults.pool;

export type ResolvedGpuNodePoolArgs = Omit<GpuNodePoolArgs, keyof NodePoolDefaults> & {
    [K in keyof NodePoolDefaults]-?: NonNullable<GpuNodePoolArgs[K]>;
};
export type ResolvedGpuPoolArgs = Omit<GpuPoolArgs, keyof PoolDefaults> & {
    [K in keyof PoolDefaults]-?: NonNullable<GpuPoolArgs[K]>;
};

/** The AMI family of an alias ("al2023@v20260714" → "al2023"). */
export function amiFamilyOf(alias: string): string {
    return alias.split("@")[0];
}

function known<T>(values: pulumi.Input<pulumi.Input<T>[]>): T[] | undefined {
    return isKnown(values) && values.every((v) => isKnown(v)) ? (values as T[]) : undefined;
}

function poolChecks(at: string, p: ResolvedGpuPoolArgs, names: string[], componentName: string): Check[] {
    const families = known(p.instanceFamilies);
    const types = p.instanceTypes === undefined ? undefined : known(p.instanceTypes);
    return [
        () => checkName(`${at}.name`, p.name, 63 - componentName.length - 1, "so that the NodePool's name, <component name>-<pool name>, is a valid Kubernetes name"),
        () => (names.filter((n) => n === p.name).length > 1 ? `${at}.name ${show(p.name)} is used by more than one pool: give each pool its own name.` : undefined),
        () => {
            if (p.gpuLimit === undefined || p.gpuLimit === null) {
                return `${at}.gpuLimit is missing: set the most GPUs this pool may hold (its budget), such as 8.`;
            }
            return isKnown(p.gpuLimit) && (!Number.isInteger(p.gpuLimit) || p.gpuLimit < 1)
                ? `${at}.gpuLimit ${show(p.gpuLimit)} must be a whole number of GPUs of at least 1: it is the pool's budget (the most GPUs its nodes may hold).`
                : undefined;
        },
        () => {
            if (!families || p.instanceTypes !== undefined) {
                return undefined;
            }
            if (families.length === 0) {
                return `${at}.instanceFamilies is empty: list GPU instance families such as ["g6", "g6e"].`;
            }
            const unknown = families.filter((f) => !(f in GPU_INSTANCE_FAMILIES));
            return unknown.length > 0
                ? `${at}.instanceFamilies ${show(unknown)} ${unknown.length === 1 ? "is not a GPU instance family" : "are not GPU instance families"} this package knows: use ${Object.keys(GPU_INSTANCE_FAMILIES).join(", ")}.`
                : undefined;
        },
        () => {
            if (!types) {
                return undefined;
            }
            if (types.length === 0) {
                return `${at}.instanceTypes is empty: list instance types such as ["g6e.12xlarge"], or leave it unset to use instanceFamilies.`;
            }
            const unknown = types.filter((t) => !familyOfInstanceType(t));
            return unknown.length > 0
                ? `${at}.instanceTypes ${show(unknown)} ${unknown.length === 1 ? "is not a GPU instance type" : "are not GPU instance types"} this package knows: use a size of ${Object.keys(GPU_INSTANCE_FAMILIES).join(", ")}, such as "g6e.12xlarge".`
                : undefined;
        },
        () => {
            const chosen = types ?? (families ? instanceTypesOf(families) : undefined);
            const arches = new Set((chosen ?? []).map((t) => familyOfInstanceType(t)?.arch).filter((a) => a !== undefined));
            return arches.size > 1 ? `${at} mixes CPU architectures (${[...arches].sort().join(", ")}): put each architecture in its own pool.` : undefined;
        },
        () => {
            const capacity = known(p.capacityTypes);
            if (!capacity) {
                return undefined;
            }
            if (capacity.length === 0) {
                return `${at}.capacityTypes is empty: list "spot", "on-demand" or both (["spot", "on-demand"] prefers spot and falls back to on-demand).`;
            }
            const bad = capacity.filter((c) => !CAPACITY_TYPES.includes(c));
            return bad.length > 0 ? `${at}.capacityTypes ${show(bad)} is not a capacity type this component supports: use "spot" or "on-demand".` : undefined;
        },
        () => checkWholeNumber(`${at}.minGpusPerNode`, p.minGpusPerNode, 1, 8, ""),
        () => checkWholeNumber(`${at}.maxGpusPerNode`, p.maxGpusPerNode, 1, 8, ""),
        () => {
            const [min, max] = [p.minGpusPerNode, p.maxGpusPerNode];
            if (!isKnown(min) || !isKnown(max)) {
                return undefined;
            }
            if (min > max) {
                return `${at}.minGpusPerNode (${min}) is greater than ${at}.maxGpusPerNode (${max}): set minGpusPerNode to at most maxGpusPerNode.`;
            }
            const chosen = types ?? (families ? instanceTypesOf(families) : undefined);
            // Unknown types are reported on their own; check the range only against a known choice.
            if (chosen && chosen.length > 0 && chosen.every((t) => familyOfInstanceType(t)) && !chosen.some((t) => { const g = gpusOfInstanceType(t) ?? 0; return g >= min && g <= max; })) {
                return `${at}: no instance type of ${show(types ?? families)} has ${min === max ? min : `${min} to ${max}`} GPUs: widen minGpusPerNode/maxGpusPerNode or choose other instance types.`;
            }
            return undefined;
        },
        () => {
            const [limit, min] = [p.gpuLimit, p.minGpusPerNode];
            return isKnown(limit) && isKnown(min) && Number.isInteger(limit) && limit >= 1 && limit < min
                ? `${at}.gpuLimit (${limit}) is less than ${at}.minGpusPerNode (${min}): no node would fit the budget; raise gpuLimit or lower minGpusPerNode.`
                : undefined;
        },
        () => (p.weight === undefined ? undefined : checkWholeNumber(`${at}.weight`, p.weight, 1, 100, " (higher pools are tried first)")),
        () => (isKnown(p.consolidationPolicy) && !CONSOLIDATION_POLICIES.includes(p.consolidationPolicy)
            ? `${at}.consolidationPolicy ${show(p.consolidationPolicy)} is not a consolidation policy: use "WhenEmpty" (never moves running replicas) or "WhenEmptyOrUnderutilized".`
            : undefined),
        () => (isKnown(p.consolidateAfter) ? checkDuration(`${at}.consolidateAfter`, p.consolidateAfter, true) : undefined),
        () => (isKnown(p.expireAfter) ? checkDuration(`${at}.expireAfter`, p.expireAfter, true) : undefined),
        () => (isKnown(p.terminationGracePeriod) ? checkDuration(`${at}.terminationGracePeriod`, p.terminationGracePeriod, false) : undefined),
        () => {
            const budgets = known(p.disruptionBudgets);
            if (!budgets) {
                return undefined;
            }
            for (const [i, b] of budgets.entries()) {
                if (isKnown(b.nodes) && !/^((100|[0-9]{1,2})%|[0-9]+)$/.test(b.nodes)) {
                    return `${at}.disruptionBudgets[${i}].nodes ${show(b.nodes)} is not a node count or percentage: use a whole number such as "1" or a percentage such as "10%".`;
                }
                if ((b.schedule === undefined) !== (b.duration === undefined)) {
                    return `${at}.disruptionBudgets[${i}] sets ${b.schedule === undefined ? "duration without schedule" : "schedule without duration"}: set both (a cron schedule and how long the budget lasts), or neither.`;
                }
                if (isKnown(b.duration) && !/^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/.test(b.duration)) {
                    return `${at}.disruptionBudgets[${i}].duration ${show(b.duration)} is not a duration Karpenter accepts: use hours and minutes such as "8h" or "1h30m".`;
                }
            }
            return undefined;
        },
    ];
}

/**
 * Every problem with the arguments of `GpuNodePool` `name`, as messages that name the argument,
 * the value and the fix. Empty when the arguments are valid (or not yet known).
 */
export function validateGpuNodePoolArgs(name: string, a: ResolvedGpuNodePoolArgs, pools: ResolvedGpuPoolArgs[]): string[] {
    const checks: Check[] = [
        () => checkName("name", name, 40, "so that the EC2NodeClass and NodePool names derived from it are valid Kubernetes names"),
        () => (a.clusterName === undefined || a.clusterName === "" ? `clusterName is missing: pass LlmCluster's clusterName, whose discovery tag selects the subnets and security group.` : undefined),
        () => (a.nodeRoleName === undefined || a.nodeRoleName === "" ? `nodeRoleName is missing: pass LlmCluster's nodeRoleName, the role Karpenter's nodes run as.` : undefined),
        () => (pools.length === 0 ? `pools is empty: give at least one pool, such as [{ name: "gpu", gpuLimit: 8 }].` : undefined),
        () => {
            const alias = a.amiAlias;
            const family = amiFamilyOf(alias);
            if (!AMI_FAMILIES.includes(family) || !alias.includes("@")) {
                return `amiAlias ${show(alias)} is not an AMI alias for GPU nodes: use "al2023@v<release>" (such as "${DEFAULT_AMI_ALIAS}") or "bottlerocket@v<release>".`;
            }
            const version = alias.slice(family.length + 1);
            if (version === "latest") {
                return `amiAlias ${show(alias)} is not pinned: "@latest" replaces every GPU node whenever AWS publishes an AMI; pin a release such as "${DEFAULT_AMI_ALIAS}".`;
            }
            if (!/^v[0-9][0-9.]*$/.test(version) || alias.length > 30) {
                return `amiAlias ${show(alias)} has no valid release: write it as "${family}@v<release>", such as "${DEFAULT_AMI_ALIAS}".`;
            }
            return undefined;
        },
        () => checkWholeNumber("volumeSizeGiB", a.volumeSizeGiB, 50, 16384, " (inference images and model caches need room)"),
        () => checkWholeNumber("volumeIops", a.volumeIops, 3000, 16000, " (gp3's range)"),
        () => checkWholeNumber("volumeThroughput", a.volumeThroughput, 125, 1000, " (gp3's range, MiB/s)"),
        () => (isKnown(a.volumeThroughput) && isKnown(a.volumeIops) && a.volumeThroughput > a.volumeIops / 4
            ? `volumeThroughput ${a.volumeThroughput} MiB/s needs at least ${a.volumeThroughput * 4} IOPS (gp3 allows 0.25 MiB/s per IOPS), but volumeIops is ${a.volumeIops}: raise volumeIops or lower volumeThroughput, or EC2 refuses to launch the nodes.`
            : undefined),
        () => (isKnown(a.devicePluginVersion) && !/^\d+\.\d+\.\d+$/.test(a.devicePluginVersion)
            ? `devicePluginVersion ${show(a.devicePluginVersion)} is not an exact chart version: pin one such as "${DEVICE_PLUGIN_VERSION}".`
            : undefined),
        () => {
            if (!isKnown(a.tags)) {
                return undefined;
            }
            const bad = Object.keys(a.tags).filter((k) => k === "" || RESERVED_TAG_KEYS.includes(k) || k.startsWith("kubernetes.io/cluster"));
            return bad.length > 0 ? `tags ${show(bad)} uses keys Karpenter sets itself: remove them (${RESERVED_TAG_KEYS.join(", ")} and kubernetes.io/cluster/* are reserved).` : undefined;
        },
        ...pools.flatMap((p, i) => poolChecks(`pools[${i}]`, p, pools.map((x) => x.name), name)),
    ];
    return collect(checks);
}
