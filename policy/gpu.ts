/**
 * GPU limits: every GPU NodePool has a GPU budget within the platform's maximum, carries the
 * GPU taint, and launches only allowed instance families.
 */
import { EnforcementLevel, ResourceValidationPolicy } from "@pulumi/policy";

import { GPU_INSTANCE_FAMILIES } from "../components/gpu-nodepool/catalog";
import { at, GPU, isGpuNodePool, NODEPOOL_TYPE, quantity, requirements } from "./common";

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

/** The GPU-limit policies, in the order the pack lists them. */
export const gpuPolicies: ResourceValidationPolicy[] = [gpuNodePoolLimit, gpuNodePoolTaint, gpuInstanceFamilies];
