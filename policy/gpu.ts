/**
 * GPU limits: every GPU NodePool has a GPU budget within the platform's maximum, carries the
 * GPU taint, and launches only allowed instance families.
 */
import { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { GPU_INSTANCE_FAMILIES } from "../components/gpu-nodepool/catalog";
import { at, containersOf, GPU, gpusOf, isGpuNodePool, NODEPOOL_TYPE, podSpecsOf, quantity, requirements } from "./common";

const FAMILIES = Object.keys(GPU_INSTANCE_FAMILIES);
const mandatory: EnforcementLevel = "mandatory";

/** A GPU NodePool has an `nvidia.com/gpu` limit, at most `maxGpus`. */
export const gpuNodePoolLimit: ResourceValidationPolicy = {
    name: "gpu-nodepool-limit",
    description: "A Karpenter NodePool that launches GPU nodes has an nvidia.com/gpu limit, at most the configured maximum.",
    enforcementLevel: mandatory,
    configSchema: { properties: { maxGpus: { type: "integer", minimum: 1, default: 64 } } },
    validateResource: (args, reportViolation) => {
        if (args.type !== NODEPOOL_TYPE || !isGpuNodePool(args.props, FAMILIES)) {
            return;
        }
        const { maxGpus } = args.getConfig<{ maxGpus: number }>();
        const limit = at(args.props, "spec", "limits", GPU);
        if (limit === undefined) {
            reportViolation(`NodePool has no ${GPU} limit, so Karpenter may launch GPUs without bound: set spec.limits["${GPU}"] to the pool's GPU budget (at most ${maxGpus}).`);
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
    description: "A Karpenter NodePool that launches GPU nodes taints them nvidia.com/gpu:NoSchedule, so only GPU workloads use them.",
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        if (args.type !== NODEPOOL_TYPE || !isGpuNodePool(args.props, FAMILIES)) {
            return;
        }
        const taints = at(args.props, "spec", "template", "spec", "taints");
        const tainted = Array.isArray(taints) && taints.some((t) => at(t, "key") === GPU && at(t, "effect") === "NoSchedule");
        if (!tainted) {
            reportViolation(`NodePool's GPU nodes are not tainted: add { key: "${GPU}", value: "true", effect: "NoSchedule" } to spec.template.spec.taints so CPU pods cannot occupy them.`);
        }
    },
};

/** A GPU NodePool launches only the allowed instance families. */
export const gpuInstanceFamilies: ResourceValidationPolicy = {
    name: "gpu-instance-families",
    description: "A Karpenter NodePool that launches GPU nodes restricts them to the allowed instance families.",
    enforcementLevel: mandatory,
    configSchema: { properties: { allowedFamilies: { type: "array", items: { type: "string" }, default: FAMILIES } } },
    validateResource: (args, reportViolation) => {
        if (args.type !== NODEPOOL_TYPE || !isGpuNodePool(args.props, FAMILIES)) {
            return;
        }
        const { allowedFamilies } = args.getConfig<{ allowedFamilies: string[] }>();
        const reqs = requirements(args.props);
        const families = reqs.find((r) => r.key === "karpenter.k8s.aws/instance-family" && r.operator === "In")?.values;
        const types = reqs.find((r) => r.key === "node.kubernetes.io/instance-type" && r.operator === "In")?.values;
        const chosen = families ?? types?.map((t) => t.split(".")[0]);
        if (chosen === undefined) {
            reportViolation(`NodePool does not restrict instance families: add a requirement on karpenter.k8s.aws/instance-family with operator In and values from ${JSON.stringify(allowedFamilies)}.`);
            return;
        }
        const denied = [...new Set(chosen.filter((f) => !allowedFamilies.includes(f)))];
        if (denied.length > 0) {
            reportViolation(`NodePool allows instance families ${JSON.stringify(denied)}, which are not allowed: use ${JSON.stringify(allowedFamilies)}, or add them to this policy's allowedFamilies.`);
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

/**
 * GPUs the RayServices of a stack may hold at once (`total`: every GPU worker group at maxReplicas,
 * twice for NewCluster upgrades; `max` without upgrades) and hold with no traffic (`idle`: every
 * group at minReplicas).
 */
export function rayServiceGpuDemand(resources: { type: string; name: string; props: Record<string, unknown> }[]): { total: number; max: number; idle: number; parts: string[] } {
    let [total, max, idle] = [0, 0, 0];
    const parts: string[] = [];
    for (const r of resources.filter((x) => x.type === "kubernetes:ray.io/v1:RayService")) {
        let gpus = 0;
        for (const pod of podSpecsOf(r.type, r.props)) {
            const perPod = containersOf(pod.spec).reduce((sum, c) => sum + gpusOf(c), 0);
            gpus += (pod.maxReplicas ?? 0) * perPod;
            idle += (pod.minReplicas ?? 0) * perPod;
        }
        // KubeRay's default strategy, NewCluster, runs a second cluster during an upgrade.
        const strategy = at(r.props, "spec", "upgradeStrategy", "type") ?? "NewCluster";
        const demand = strategy === "NewCluster" ? 2 * gpus : gpus;
        max += gpus;
        if (demand > 0) {
            total += demand;
            parts.push(`${r.name}: ${gpus}${strategy === "NewCluster" ? " × 2 for NewCluster upgrades" : ""}`);
        }
    }
    return { total, max, idle, parts };
}

/** The GPU limits of a stack's GPU NodePools, summed. */
export function gpuNodePoolCapacity(resources: { type: string; props: Record<string, unknown> }[]): { pools: number; limit: number } {
    const pools = resources.filter((r) => r.type === NODEPOOL_TYPE && isGpuNodePool(r.props, FAMILIES));
    return { pools: pools.length, limit: pools.reduce((sum, p) => sum + (quantity(at(p.props, "spec", "limits", GPU)) ?? 0), 0) };
}

/** The RayServices' maximum GPU demand fits within the GPU NodePools' limits. */
export const gpuBudget: StackValidationPolicy = {
    name: "gpu-budget",
    description: "The RayServices' maximum GPU demand (max workers × GPUs per worker, doubled for NewCluster upgrades) fits within the GPU NodePools' nvidia.com/gpu limits.",
    enforcementLevel: mandatory,
    validateStack: (args, reportViolation) => {
        const { pools, limit } = gpuNodePoolCapacity(args.resources);
        if (pools === 0) {
            args.notApplicable("no GPU NodePool in this stack: the budget is checked where the NodePools are");
        }
        const demand = rayServiceGpuDemand(args.resources);
        if (demand.total > limit) {
            reportViolation(`the RayServices can demand ${demand.total} GPUs (${demand.parts.join("; ")}), more than the GPU NodePools' limits allow (${limit}): raise the NodePools' ${GPU} limits, lower maxReplicas, or use upgradeStrategy None.`);
        }
    },
};

/** The GPU-limit policies, in the order the pack lists them. */
export const gpuPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [gpuNodePoolLimit, gpuNodePoolTaint, gpuInstanceFamilies, gpuContainerLimits, gpuBudget];
