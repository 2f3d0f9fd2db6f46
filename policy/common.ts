/**
 * What the policies share: recognising raw Kubernetes and AWS resources by their Pulumi type
 * (so the pack holds for any stack, not only ours) and reading Kubernetes quantities.
 */

/** The Pulumi type of a Karpenter NodePool declared as a raw custom resource. */
export const NODEPOOL_TYPE = "kubernetes:karpenter.sh/v1:NodePool";
import { GpuReach, MODELLED_KEYS, nvidiaGpuReach, Requirement } from "./karpenter-gpus";
import { RAY_KINDS } from "./ray";
import { GPU_RESOURCE } from "./shared";

/** The extended resource, taint key and label of NVIDIA GPUs. */
export const GPU = GPU_RESOURCE;

type Props = Record<string, unknown>;

/**
 * A component's inputs as its registration carries them, or undefined when it carries none.
 *
 * The analyzer never sees a program's registration of a remote component (pulumi-eks's
 * `eks:index:*`, awsx's, a Helm v4 Chart): that goes to the provider's Construct, and what is
 * analysed is the component as the provider registers it again, then its children. The SDKs
 * those providers bundle send no component inputs (@pulumi/pulumi before 3.202.0,
 * pulumi/pulumi#20357, sdk/nodejs/resource.ts `ComponentResource`; the Go SDK's
 * `RegisterComponentResource`), so there the component arrives as `{}`: nothing to check, and
 * its children (`aws:eks/cluster:Cluster`, `aws:eks/nodeGroup:NodeGroup`, ...) carry the values.
 * A registration that does carry inputs carries all of them, so an input it lacks is unset.
 */
export function componentInputs(props: Props): Props | undefined {
    return Object.keys(props).length === 0 ? undefined : props;
}

/** Why a component without inputs is not checked (for `notApplicable`). */
export function withoutInputs(type: string): string {
    return `${type} arrived without its inputs (its provider's SDK sends none): its children are checked instead`;
}

/** A nested property, or undefined when any step is missing. */
export function at(value: unknown, ...path: (string | number)[]): unknown {
    let v = value;
    for (const key of path) {
        if (v === null || typeof v !== "object") {
            return undefined;
        }
        v = (v as Record<string | number, unknown>)[key];
    }
    return v;
}

/** A Kubernetes quantity as a number ("8", 8, "500m" → 0.5, "2Gi" → bytes); undefined when it is not one. */
export function quantity(value: unknown): number | undefined {
    if (typeof value === "number") {
        return value;
    }
    if (typeof value !== "string") {
        return undefined;
    }
    const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(value.trim());
    if (!match) {
        return undefined;
    }
    const units: Record<string, number> = { "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
    const factor = units[match[2]];
    return factor === undefined ? undefined : Number(match[1]) * factor;
}

/** A NodePool's node requirements. */
export function requirements(nodePool: Props): { key: string; operator: string; values?: string[] }[] {
    const reqs = at(nodePool, "spec", "template", "spec", "requirements");
    return Array.isArray(reqs) ? (reqs as { key: string; operator: string; values?: string[] }[]) : [];
}

/**
 * What a NodePool's nodes are bound to on the labels that decide whether they have GPUs
 * (`MODELLED_KEYS` of policy/karpenter-gpus.ts): its requirements, and its template labels as
 * `In [value]` (Karpenter treats them alike). Other labels are left unread, so a value on them
 * that is unknown during preview does not stop the decision.
 */
export function gpuRequirements(nodePool: Props): Requirement[] {
    const out: Requirement[] = [];
    const labels = at(nodePool, "spec", "template", "metadata", "labels");
    if (labels !== null && typeof labels === "object") {
        for (const key of Object.keys(labels)) {
            if (MODELLED_KEYS.includes(key)) {
                out.push({ key, operator: "In", values: [String((labels as Props)[key])] });
            }
        }
    }
    for (const r of requirements(nodePool)) {
        const key = at(r, "key");
        if (typeof key === "string" && MODELLED_KEYS.includes(key)) {
            const values = at(r, "values");
            out.push({ key, operator: String(at(r, "operator")), ...(Array.isArray(values) ? { values: values.map(String) } : {}) });
        }
    }
    return out;
}

/** The NVIDIA GPU instances a NodePool can launch (policy/karpenter-gpus.ts). */
export function gpuReachOf(nodePool: Props): GpuReach {
    return nvidiaGpuReach(gpuRequirements(nodePool));
}

/**
 * Whether a NodePool launches GPU nodes: it limits or taints `nvidia.com/gpu`, or its
 * requirements let Karpenter launch an NVIDIA GPU instance, however they spell it (instance
 * category, family or type, GPU count, name, manufacturer or memory) or if they say nothing at
 * all. A NodePool that is not for GPUs rules them out, for instance with
 * `karpenter.k8s.aws/instance-gpu-count DoesNotExist` or an instance category or family list
 * without GPU ones.
 */
export function isGpuNodePool(nodePool: Props): boolean {
    const limits = at(nodePool, "spec", "limits");
    if (limits !== null && typeof limits === "object" && GPU in (limits as object)) {
        return true;
    }
    const taints = at(nodePool, "spec", "template", "spec", "taints");
    if (Array.isArray(taints) && taints.some((t) => at(t, "key") === GPU)) {
        return true;
    }
    const reach = gpuReachOf(nodePool);
    return reach.unbounded || reach.families.length > 0;
}

/** A pod spec inside a workload, with where it sits (for messages). */
export interface PodSpecAt {
    where: string;
    spec: Record<string, unknown>;
    /** For Ray worker groups: the group's maxReplicas (pods it may run). */
    maxReplicas?: number;
    /** For Ray worker groups: the group's minReplicas (pods that run with no traffic). */
    minReplicas?: number;
}

function rayClusterPods(cluster: unknown, prefix: string): PodSpecAt[] {
    const pods: PodSpecAt[] = [];
    const head = at(cluster, "headGroupSpec", "template", "spec");
    if (head !== undefined) {
        pods.push({ where: `${prefix}headGroupSpec`, spec: head as Record<string, unknown> });
    }
    const workers = at(cluster, "workerGroupSpecs");
    for (const [i, group] of (Array.isArray(workers) ? workers : []).entries()) {
        const spec = at(group, "template", "spec");
        if (spec !== undefined) {
            const [max, min] = [at(group, "maxReplicas"), at(group, "minReplicas")];
            pods.push({
                where: `${prefix}workerGroupSpecs[${i}]`,
                spec: spec as Record<string, unknown>,
                maxReplicas: typeof max === "number" ? max : undefined,
                minReplicas: typeof min === "number" ? min : undefined,
            });
        }
    }
    return pods;
}

/** Every pod spec a Kubernetes workload declares (Pods, controllers, Jobs, and KubeRay's kinds). */
export function podSpecsOf(type: string, props: Record<string, unknown>): PodSpecAt[] {
    const spec = at(props, "spec");
    switch (type) {
        case "kubernetes:core/v1:Pod":
            return spec === undefined ? [] : [{ where: "spec", spec: spec as Record<string, unknown> }];
        case "kubernetes:apps/v1:Deployment":
        case "kubernetes:apps/v1:StatefulSet":
        case "kubernetes:apps/v1:DaemonSet":
        case "kubernetes:apps/v1:ReplicaSet":
        case "kubernetes:batch/v1:Job": {
            const pod = at(spec, "template", "spec");
            return pod === undefined ? [] : [{ where: "spec.template", spec: pod as Record<string, unknown> }];
        }
        case "kubernetes:batch/v1:CronJob": {
            const pod = at(spec, "jobTemplate", "spec", "template", "spec");
            return pod === undefined ? [] : [{ where: "spec.jobTemplate.spec.template", spec: pod as Record<string, unknown> }];
        }
        default: {
            const kind = Object.values(RAY_KINDS).find((k) => k.type === type);
            return kind === undefined ? [] : rayClusterPods(at(props, ...kind.clusterSpec), `${kind.clusterSpec.join(".")}.`);
        }
    }
}

/** A pod spec's containers and init containers. */
export function containersOf(pod: Record<string, unknown>): Record<string, unknown>[] {
    const list = (key: string): Record<string, unknown>[] => (Array.isArray(pod[key]) ? (pod[key] as Record<string, unknown>[]) : []);
    return [...list("initContainers"), ...list("containers")];
}

/** GPUs a container asks for (its limit, else its request), or 0. */
export function gpusOf(container: Record<string, unknown>): number {
    return quantity(at(container, "resources", "limits", GPU)) ?? quantity(at(container, "resources", "requests", GPU)) ?? 0;
}

/** Every container of every pod spec a workload declares, with where its pod sits. */
export function containersIn(type: string, props: Record<string, unknown>): { where: string; container: Record<string, unknown> }[] {
    return podSpecsOf(type, props).flatMap(({ where, spec }) => containersOf(spec).map((container) => ({ where, container })));
}
