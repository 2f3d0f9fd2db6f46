/**
 * GPU limits: every GPU NodePool has a GPU budget within the platform's maximum, carries the
 * GPU taint, and launches only allowed instance families; GPU containers set limits; and each
 * pool's budget holds the RayService workers that can land in it.
 */
import { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { GPU_INSTANCE_FAMILIES } from "./catalog";
import { at, containersOf, GPU, gpuReachOf, gpuRequirements, gpusOf, isGpuNodePool, NODEPOOL_TYPE, podSpecsOf, quantity } from "./common";
import { GpuDemand, gpuDemand, sumGpuDemand } from "./gpu-demand";
import { GPU_COUNT, GPU_NAME, INSTANCE_TYPE, KARPENTER_NVIDIA_FAMILIES, onlyGpuInstances } from "./karpenter-gpus";
import { mayLandIn, nameIfKnown, NODEPOOL_LABEL, nodePoolNodes } from "./scheduling";

const FAMILIES = Object.keys(GPU_INSTANCE_FAMILIES);
const mandatory: EnforcementLevel = "mandatory";

/**
 * Why a NodePool that does not say it is for GPUs still launches them, for messages: undefined
 * when it says so (a GPU limit or taint, or requirements that admit only GPU instances).
 */
function launchesGpusUnsaid(nodePool: Record<string, unknown>): string | undefined {
    const reach = gpuReachOf(nodePool);
    if ((!reach.unbounded && reach.families.length === 0) || onlyGpuInstances(gpuRequirements(nodePool))) {
        return undefined;
    }
    const all = reach.unbounded && reach.families.length === Object.keys(KARPENTER_NVIDIA_FAMILIES).length;
    const named = reach.families.length > 0 ? `instance families ${reach.families.join(", ")}` : "";
    const which = all ? "its requirements do not rule them out"
        : reach.unbounded ? `${named}${named ? " and " : ""}any GPU family Karpenter adds later` : named;
    return `NodePool can launch NVIDIA GPU instances (${which})`;
}

/** How a NodePool that is not meant for GPUs keeps them out. */
const KEEP_GPUS_OUT = `or, if it is not meant for GPUs, keep them out with the requirement { key: "${GPU_COUNT}", operator: "DoesNotExist" }`;

/** A GPU NodePool has an `nvidia.com/gpu` limit, at most `maxGpus`. */
export const gpuNodePoolLimit: ResourceValidationPolicy = {
    name: "gpu-nodepool-limit",
    description: "A Karpenter NodePool that can launch GPU nodes (however its requirements spell it, or with none) has an nvidia.com/gpu limit, at most the configured maximum.",
    enforcementLevel: mandatory,
    configSchema: { properties: { maxGpus: { type: "integer", minimum: 1, default: 64 } } },
    validateResource: (args, reportViolation) => {
        if (args.type !== NODEPOOL_TYPE || !isGpuNodePool(args.props)) {
            return;
        }
        const { maxGpus } = args.getConfig<{ maxGpus: number }>();
        const limit = at(args.props, "spec", "limits", GPU);
        if (limit === undefined) {
            const unsaid = launchesGpusUnsaid(args.props);
            reportViolation(unsaid === undefined
                ? `NodePool has no ${GPU} limit, so Karpenter may launch GPUs without bound: set spec.limits["${GPU}"] to the pool's GPU budget (at most ${maxGpus}).`
                : `${unsaid} but has no ${GPU} limit, so Karpenter may launch GPUs without bound: set spec.limits["${GPU}"] to the pool's GPU budget (at most ${maxGpus}), ${KEEP_GPUS_OUT}.`);
            return;
        }
        const gpus = quantity(limit);
        if (gpus === undefined || gpus > maxGpus || gpus < 1) {
            reportViolation(`NodePool's ${GPU} limit is ${JSON.stringify(limit)}, outside 1 to ${maxGpus}: lower spec.limits["${GPU}"], or raise this policy's maxGpus if the budget really is larger.`);
        }
    },
};

/** A GPU NodePool taints its nodes so only GPU workloads land there. */
export const gpuNodePoolTaint: ResourceValidationPolicy = {
    name: "gpu-nodepool-taint",
    description: "A Karpenter NodePool that can launch GPU nodes (however its requirements spell it, or with none) taints them nvidia.com/gpu:NoSchedule, so only GPU workloads use them.",
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        if (args.type !== NODEPOOL_TYPE || !isGpuNodePool(args.props)) {
            return;
        }
        const taints = at(args.props, "spec", "template", "spec", "taints");
        const tainted = Array.isArray(taints) && taints.some((t) => at(t, "key") === GPU && at(t, "effect") === "NoSchedule");
        if (!tainted) {
            const taint = `{ key: "${GPU}", value: "true", effect: "NoSchedule" }`;
            const unsaid = launchesGpusUnsaid(args.props);
            reportViolation(unsaid === undefined
                ? `NodePool's GPU nodes are not tainted: add ${taint} to spec.template.spec.taints so CPU pods cannot occupy them.`
                : `${unsaid} but does not taint its nodes: add ${taint} to spec.template.spec.taints so CPU pods cannot occupy GPU nodes, ${KEEP_GPUS_OUT}.`);
        }
    },
};

/**
 * A GPU NodePool launches only the allowed instance families. Any bound that leaves only allowed
 * families will do: instance families, instance types, GPU names, categories, or a mix.
 */
export const gpuInstanceFamilies: ResourceValidationPolicy = {
    name: "gpu-instance-families",
    description: "A Karpenter NodePool that can launch GPU nodes bounds them to the allowed instance families (by instance family, instance type, GPU name or any other requirement that leaves only those).",
    enforcementLevel: mandatory,
    configSchema: { properties: { allowedFamilies: { type: "array", items: { type: "string" }, default: FAMILIES } } },
    validateResource: (args, reportViolation) => {
        if (args.type !== NODEPOOL_TYPE || !isGpuNodePool(args.props)) {
            return;
        }
        const { allowedFamilies } = args.getConfig<{ allowedFamilies: string[] }>();
        const reach = gpuReachOf(args.props);
        const bounds = `a requirement with operator In on karpenter.k8s.aws/instance-family, ${INSTANCE_TYPE} or ${GPU_NAME}`;
        if (reach.unbounded) {
            const keepOut = launchesGpusUnsaid(args.props) === undefined ? "" : `, ${KEEP_GPUS_OUT}`;
            reportViolation(`NodePool does not bound which GPU instance families Karpenter may launch for it (families it does not name, new ones included, would do): add ${bounds} that leaves only ${JSON.stringify(allowedFamilies)}${keepOut}.`);
            return;
        }
        const denied = reach.families.filter((f) => !allowedFamilies.includes(f));
        if (denied.length > 0) {
            reportViolation(`NodePool can launch GPU instances of families ${JSON.stringify(denied)}, which are not allowed: bound it to ${JSON.stringify(allowedFamilies)} (${bounds}), or add them to this policy's allowedFamilies.`);
        }
    },
};


/** GPU containers set a GPU limit (requests equal to it), at most `maxGpusPerPod`. */
export const gpuContainerLimits: ResourceValidationPolicy = {
    name: "gpu-container-limits",
    description: "A container that uses GPUs sets an nvidia.com/gpu limit, requests (if any) equal to it, and a pod takes at most the configured number of GPUs.",
    enforcementLevel: mandatory,
    configSchema: { properties: { maxGpusPerPod: { type: "integer", minimum: 1, default: 8 } } },
    validateResource: (args, reportViolation) => {
        const { maxGpusPerPod } = args.getConfig<{ maxGpusPerPod: number }>();
        for (const { where, spec } of podSpecsOf(args.type, args.props)) {
            let podGpus = 0;
            for (const c of containersOf(spec)) {
                const limit = at(c, "resources", "limits", GPU);
                const request = at(c, "resources", "requests", GPU);
                if (limit === undefined && request === undefined) {
                    continue;
                }
                const name = String(c.name ?? "?");
                if (limit === undefined) {
                    reportViolation(`${where}: container "${name}" requests ${GPU} without a limit: GPUs are allocated by limit; set resources.limits["${GPU}"] equal to the request.`);
                } else if (request !== undefined && quantity(request) !== quantity(limit)) {
                    reportViolation(`${where}: container "${name}" requests ${JSON.stringify(request)} ${GPU} but limits ${JSON.stringify(limit)}: GPUs cannot be overcommitted; make the request equal the limit.`);
                }
                podGpus += gpusOf(c);
            }
            if (podGpus > maxGpusPerPod) {
                reportViolation(`${where}: a pod takes ${podGpus} GPUs, more than ${maxGpusPerPod}: split the work, or raise this policy's maxGpusPerPod.`);
            }
        }
    },
};

/** One GPU worker group (or GPU head) of a RayService, and the GPU NodePools its pods may land in. */
export interface GpuGroupPlacement {
    /** The RayService, as namespace/name. */
    service: string;
    /** The RayService's URN (for reports). */
    urn?: string;
    /** The worker group's name ("head" for a head that takes GPUs). */
    group: string;
    gpusPerPod: number;
    /** Pods with no traffic (minReplicas × numOfHosts). */
    minReplicas: number;
    /** The most pods (maxReplicas × numOfHosts); undefined when the group sets no maxReplicas (KubeRay's default is unbounded). */
    maxReplicas?: number;
    /** The RayService's upgrade strategy (unset: KubeRay's default, NewCluster). */
    upgradeStrategy?: string;
    /** This group's demand (`gpuDemand`; 0 when it has no maxReplicas). */
    demand: GpuDemand;
    /** The GPU NodePools (names) its pods may land in. */
    pools: string[];
    /** The instance type its pods' nodeSelector pins (`node.kubernetes.io/instance-type`), if it pins one. */
    instanceType?: string;
}

/** One GPU NodePool's limit against the demand of the groups that may land in it, each counted in full. */
export interface GpuPoolBudget {
    /** The NodePool's name (its karpenter.sh/nodepool label). */
    pool: string;
    urn?: string;
    /** Its nvidia.com/gpu limit; undefined when it sets none (gpu-nodepool-limit's finding). */
    limit?: number;
    /** The sum of its groups' demands. */
    demand: GpuDemand;
    /** The groups that may land in it. */
    groups: GpuGroupPlacement[];
    /** The upgrade demand fits the limit, and no group in it is unbounded. */
    fits: boolean;
}

/** A stack's GPU budget: every GPU NodePool against the RayService groups that may land in it. */
export interface GpuBudget {
    pools: GpuPoolBudget[];
    /** Every GPU group of every RayService. */
    groups: GpuGroupPlacement[];
    /** The RayServices' demand (each service through `gpuDemand`, summed). */
    total: GpuDemand;
    /** The pools' limits summed (pools without a limit left out). */
    limit: number;
}

type StackResource = { type: string; name: string; urn?: string; props: Record<string, unknown> };

const RAY_SERVICE_TYPE = "kubernetes:ray.io/v1:RayService";

/** A resource's Kubernetes name (namespace/name with `withNamespace`), or its Pulumi name when that is unset or unknown. */
function nameOf(r: StackResource, withNamespace: boolean): string {
    const [name, namespace] = [nameIfKnown(() => at(r.props, "metadata", "name")), nameIfKnown(() => at(r.props, "metadata", "namespace"))];
    if (name === undefined) {
        return r.name;
    }
    return withNamespace && namespace !== undefined ? `${namespace}/${name}` : name;
}

/** A GPU group as found in a RayService, with its pod spec (not yet placed). */
type FoundGroup = Omit<GpuGroupPlacement, "pools"> & { pod: Record<string, unknown> };

/** The GPU groups of a RayService: workers (replicas × numOfHosts pods) and a head that takes GPUs (one pod). */
/** The instance type a pod's nodeSelector pins, as a field to spread (none when it pins none). */
function instanceTypeOf(pod: Record<string, unknown>): { instanceType?: string } {
    const type = at(pod, "nodeSelector", "node.kubernetes.io/instance-type");
    return typeof type === "string" ? { instanceType: type } : {};
}

function rayServiceGpuGroups(r: StackResource): { upgradeStrategy?: string; groups: FoundGroup[] } {
    const cluster = at(r.props, "spec", "rayClusterConfig");
    const strategy = at(r.props, "spec", "upgradeStrategy", "type");
    const upgradeStrategy = typeof strategy === "string" ? strategy : undefined;
    const gpusIn = (pod: Record<string, unknown>): number => containersOf(pod).reduce((sum, c) => sum + gpusOf(c), 0);
    const found: { group: string; pod: Record<string, unknown>; gpusPerPod: number; minReplicas: number; maxReplicas?: number }[] = [];
    const head = at(cluster, "headGroupSpec", "template", "spec") as Record<string, unknown> | undefined;
    if (head !== undefined && gpusIn(head) > 0) {
        found.push({ group: "head", pod: head, gpusPerPod: gpusIn(head), minReplicas: 1, maxReplicas: 1 });
    }
    const workers = at(cluster, "workerGroupSpecs");
    for (const [i, spec] of (Array.isArray(workers) ? workers : []).entries()) {
        const pod = at(spec, "template", "spec") as Record<string, unknown> | undefined;
        if (pod === undefined || gpusIn(pod) === 0) {
            continue;
        }
        const [name, min, max, hosts] = [at(spec, "groupName"), at(spec, "minReplicas"), at(spec, "maxReplicas"), at(spec, "numOfHosts")];
        const podsPerReplica = typeof hosts === "number" && hosts > 0 ? hosts : 1;
        found.push({
            group: typeof name === "string" ? name : `workerGroupSpecs[${i}]`,
            pod,
            gpusPerPod: gpusIn(pod),
            minReplicas: (typeof min === "number" ? min : 0) * podsPerReplica,
            ...(typeof max === "number" ? { maxReplicas: max * podsPerReplica } : {}),
        });
    }
    const groups = found.map((g) => ({
        ...g,
        ...instanceTypeOf(g.pod),
        service: nameOf(r, true),
        ...(r.urn ? { urn: r.urn } : {}),
        ...(upgradeStrategy ? { upgradeStrategy } : {}),
        // A group without maxReplicas has no bound: it is reported on its own, not summed.
        demand: gpuDemand([{ gpusPerPod: g.gpusPerPod, minReplicas: g.minReplicas, maxReplicas: g.maxReplicas ?? 0 }], upgradeStrategy),
    }));
    return { ...(upgradeStrategy ? { upgradeStrategy } : {}), groups };
}

/**
 * The stack's GPU budget: each GPU NodePool's limit against the RayService groups whose pods may
 * land in it (nodeSelector, including karpenter.sh/nodepool, required node affinity, tolerations,
 * GPUs per pod: policy/scheduling.ts). A group that may land in several pools counts in full
 * against each, since nothing keeps it to one.
 */
export function gpuBudgetOf(resources: StackResource[]): GpuBudget {
    const nodePools = resources.filter((r) => r.type === NODEPOOL_TYPE && isGpuNodePool(r.props))
        .map((r) => ({ r, name: nameOf(r, false), nodes: nodePoolNodes(r.props) }));
    const groups: GpuGroupPlacement[] = [];
    const services: GpuDemand[] = [];
    for (const service of resources.filter((r) => r.type === RAY_SERVICE_TYPE)) {
        const found = rayServiceGpuGroups(service);
        const bounded = found.groups.filter((g) => g.maxReplicas !== undefined);
        services.push(gpuDemand(bounded.map((g) => ({ gpusPerPod: g.gpusPerPod, minReplicas: g.minReplicas, maxReplicas: g.maxReplicas! })), found.upgradeStrategy));
        for (const { pod, ...g } of found.groups) {
            groups.push({ ...g, pools: nodePools.filter((p) => mayLandIn(pod, g.gpusPerPod, p.nodes)).map((p) => p.name) });
        }
    }
    const pools = nodePools.map(({ r, name }) => {
        const limit = quantity(at(r.props, "spec", "limits", GPU));
        const inPool = groups.filter((g) => g.pools.includes(name));
        const demand = sumGpuDemand(inPool.map((g) => g.demand));
        return {
            pool: name,
            ...(r.urn ? { urn: r.urn } : {}),
            ...(limit !== undefined ? { limit } : {}),
            demand,
            groups: inPool,
            fits: inPool.every((g) => g.maxReplicas !== undefined) && (limit === undefined || demand.upgradeGpus <= limit),
        };
    });
    return { pools, groups, total: sumGpuDemand(services), limit: pools.reduce((sum, p) => sum + (p.limit ?? 0), 0) };
}

function gpus(n: number): string {
    return `${n} GPU${n === 1 ? "" : "s"}`;
}

/** A group's share, for messages: "llm/vllm's worker group g6e-12xlarge: up to 2 pods × 4 GPUs, × 2 during NewCluster upgrades". */
export function describeGroup(g: GpuGroupPlacement): string {
    const who = g.group === "head" ? `${g.service}'s head` : `${g.service}'s worker group ${g.group}`;
    const doubled = g.demand.upgradeGpus > g.demand.maxGpus ? ", × 2 during NewCluster upgrades" : "";
    return `${who}: up to ${g.maxReplicas} pod${g.maxReplicas === 1 ? "" : "s"} × ${gpus(g.gpusPerPod)}${doubled}`;
}

/** The RayServices' GPU demand fits, pool by pool, within the limits of the GPU NodePools their workers can land in. */
export const gpuBudget: StackValidationPolicy = {
    name: "gpu-budget",
    description: "Each GPU NodePool's nvidia.com/gpu limit holds the RayService GPU groups that can land in it (max pods × GPUs per pod, doubled for NewCluster upgrades; a group that can land in several pools counts against each), and every GPU group can land in a pool.",
    enforcementLevel: mandatory,
    validateStack: (args, reportViolation) => {
        const budget = gpuBudgetOf(args.resources);
        if (budget.pools.length === 0) {
            args.notApplicable("no GPU NodePool in this stack: the budget is checked where the NodePools are");
        }
        for (const pool of budget.pools) {
            if (pool.limit === undefined || pool.demand.upgradeGpus <= pool.limit) {
                continue;
            }
            // A group without maxReplicas has no demand here (it is reported on its own below).
            const counted = pool.groups.filter((g) => g.demand.maxGpus > 0);
            const parts = counted.map((g) => {
                const others = g.pools.filter((p) => p !== pool.pool);
                return others.length === 0 ? describeGroup(g)
                    : `${describeGroup(g)}; it can also land in NodePool ${others.join(", ")} and counts in full against each`;
            });
            const fixes = [`raise this NodePool's spec.limits["${GPU}"] to at least ${pool.demand.upgradeGpus}`, counted.length === 1 ? "lower that group's maxReplicas" : "lower those groups' maxReplicas"];
            if (counted.some((g) => g.demand.upgradeGpus > g.demand.maxGpus)) {
                fixes.push("use upgradeStrategy None");
            }
            if (counted.some((g) => g.pools.length > 1)) {
                fixes.push(`pin a group to one NodePool (nodeSelector ${NODEPOOL_LABEL})`);
            }
            reportViolation(`NodePool ${pool.pool} allows ${gpus(pool.limit)}, but the RayService GPU groups that can land in it may need ${pool.demand.upgradeGpus} at once (${parts.join("; ")}): ${fixes.slice(0, -1).join(", ")}, or ${fixes[fixes.length - 1]}.`, pool.urn);
        }
        for (const g of budget.groups.filter((x) => x.pools.length === 0)) {
            const who = g.group === "head" ? `RayService ${g.service}'s head` : `RayService ${g.service}'s worker group ${g.group}`;
            reportViolation(`${who} takes ${gpus(g.gpusPerPod)} per pod but can land in no GPU NodePool of this stack (none launches a node with ${gpus(g.gpusPerPod)} that its nodeSelector and required node affinity accept and whose taints it tolerates), so its pods would stay pending: add a NodePool that offers such nodes, or change the group's nodeSelector, affinity or tolerations.`, g.urn);
        }
        for (const g of budget.groups.filter((x) => x.maxReplicas === undefined)) {
            reportViolation(`RayService ${g.service}'s worker group ${g.group} takes ${gpus(g.gpusPerPod)} per pod but sets no maxReplicas (KubeRay's default is 2147483647), so no GPU budget can hold it: set maxReplicas.`, g.urn);
        }
    },
};

/** The GPU-limit policies, in the order the pack lists them. */
export const gpuPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [gpuNodePoolLimit, gpuNodePoolTaint, gpuInstanceFamilies, gpuContainerLimits, gpuBudget];
