/**
 * Where a pod may land among Karpenter NodePools: whether a NodePool can launch a node that the
 * pod's nodeSelector and required node affinity accept, whose taints the pod tolerates, and that
 * has the GPUs the pod asks for. Karpenter's own rules (https://karpenter.sh/docs/concepts/scheduling/):
 * a NodePool's nodes carry its template labels, `karpenter.sh/nodepool` (its name), the values
 * its requirements allow and the well-known labels of the instance type it picks; a label the
 * NodePool neither sets nor requires, and that is not well known, is absent from its nodes.
 *
 * The GPU catalogue (components/gpu-nodepool/catalog.ts) gives the labels of each instance type,
 * so a NodePool restricted to catalogued instance types or families is checked against its
 * actual instance types (a pod selecting g6.xlarge does not land in a g6e-only pool); otherwise
 * each label is checked on its own, which can only say "may land" more often (conservative).
 */
import { GPU_INSTANCE_FAMILIES, instanceSizeOf } from "./catalog";
import { at } from "./common";
import { categoryOf, integer, meets, Requirement } from "./karpenter-gpus";

type Props = Record<string, unknown>;

/** One node requirement: a nodeSelector entry, a NodePool requirement or a node affinity match expression. */
export type { Requirement };

const INSTANCE_TYPE = "node.kubernetes.io/instance-type";
const INSTANCE_FAMILY = "karpenter.k8s.aws/instance-family";
const GPU_COUNT = "karpenter.k8s.aws/instance-gpu-count";
export const NODEPOOL_LABEL = "karpenter.sh/nodepool";

/** Labels every Karpenter node carries with a value its instance or placement decides (Karpenter's well-known labels). */
const WELL_KNOWN = new Set([
    NODEPOOL_LABEL, "karpenter.sh/capacity-type", "topology.kubernetes.io/zone", "topology.kubernetes.io/region", "topology.k8s.aws/zone-id",
    INSTANCE_TYPE, "kubernetes.io/arch", "kubernetes.io/os", "node.kubernetes.io/windows-build",
]);

function wellKnown(key: string): boolean {
    return WELL_KNOWN.has(key) || key.startsWith("karpenter.k8s.aws/instance-");
}

/** The labels Karpenter gives a node of a catalogued instance type ("g6e.12xlarge"). */
export function instanceTypeLabels(instanceType: string): Record<string, string> | undefined {
    const size = instanceSizeOf(instanceType);
    if (size === undefined) {
        return undefined;
    }
    const [family, sizeName] = instanceType.split(".");
    const f = GPU_INSTANCE_FAMILIES[family];
    // Every catalogued family has a category and a generation ("g6e" → g, 6).
    const { category, generation } = categoryOf(family)!;
    return {
        [INSTANCE_TYPE]: instanceType,
        [INSTANCE_FAMILY]: family,
        "karpenter.k8s.aws/instance-size": sizeName,
        "karpenter.k8s.aws/instance-category": category,
        "karpenter.k8s.aws/instance-generation": generation,
        "karpenter.k8s.aws/instance-cpu": String(size.vcpus),
        "karpenter.k8s.aws/instance-memory": String(size.memoryGiB * 1024),
        [GPU_COUNT]: String(size.gpus),
        "karpenter.k8s.aws/instance-gpu-name": f.gpuName,
        "karpenter.k8s.aws/instance-gpu-manufacturer": "nvidia",
        "karpenter.k8s.aws/instance-gpu-memory": String(f.gpuMemoryMiB),
        "kubernetes.io/arch": f.arch,
    };
}

const CATALOGUE_TYPES = Object.values(GPU_INSTANCE_FAMILIES).flatMap((f) => Object.keys(f.sizes).map((size) => `${f.family}.${size}`));

/**
 * Whether one label can take a value that meets every requirement on it: `present` says whether
 * a node has the label at all (the NodePool sets or requires it, or it is well known).
 */
function satisfiable(reqs: Requirement[], present: boolean): boolean {
    if (!present) {
        return reqs.every((r) => meets(r, undefined));
    }
    const named = reqs.flatMap((r) => r.values ?? []);
    // Next to each number named: a satisfiable set of bounds and exclusions always admits one of these.
    const numbers = named.map(integer).filter((n) => !Number.isNaN(n)).flatMap((n) => [n - 1, n, n + 1].map(String));
    // A value none of the requirements names (longer than each) stands for "any other value".
    const other = `${named.join()}-other`;
    return [...named, ...numbers, other].some((v) => reqs.every((r) => meets(r, v)));
}

/**
 * A value that only names something (in messages, or a NodePool's own name): undefined when it is
 * unknown during preview (the engine's UnknownValueError), where the decision does not hang on it.
 */
export function nameIfKnown(read: () => unknown): string | undefined {
    try {
        const value = read();
        return typeof value === "string" ? value : undefined;
    } catch (e) {
        if (e instanceof Error && e.constructor.name === "UnknownValueError") {
            return undefined;
        }
        throw e;
    }
}

/** What a NodePool's nodes can be: their fixed labels, the requirements on the rest, and their taints. */
export interface NodePoolNodes {
    /** The NodePool's name (its `karpenter.sh/nodepool` label), when known. */
    name?: string;
    /** Template labels and requirements, as requirements (a label is `In [value]`). */
    requirements: Requirement[];
    /** The catalogued instance types it can launch, or undefined when it may launch others too. */
    instanceTypes?: string[];
    /** Taints whose effect keeps pods off (NoSchedule, NoExecute). */
    taints: Record<string, unknown>[];
}

function requirementsAt(value: unknown): Requirement[] {
    return Array.isArray(value) ? (value as Record<string, unknown>[]).map((r) => ({
        key: String(r.key),
        operator: String(r.operator),
        ...(Array.isArray(r.values) ? { values: (r.values as unknown[]).map(String) } : {}),
    })) : [];
}

function labelRequirements(labels: unknown): Requirement[] {
    return labels !== null && typeof labels === "object"
        ? Object.entries(labels as Props).map(([key, value]) => ({ key, operator: "In", values: [String(value)] }))
        : [];
}

/** A NodePool's nodes as Karpenter launches them. */
export function nodePoolNodes(nodePool: Props): NodePoolNodes {
    // Unknown, the name is any value: karpenter.sh/nodepool is then a well-known label like the others.
    const name = nameIfKnown(() => at(nodePool, "metadata", "name"));
    const requirements = [
        ...labelRequirements(at(nodePool, "spec", "template", "metadata", "labels")),
        ...requirementsAt(at(nodePool, "spec", "template", "spec", "requirements")),
        ...(typeof name === "string" ? [{ key: NODEPOOL_LABEL, operator: "In", values: [name] }] : []),
    ];
    // Only an In requirement on the instance type or family, with catalogued values, bounds the types.
    const bounded = requirements.some((r) => r.operator === "In" && (
        (r.key === INSTANCE_TYPE && (r.values ?? []).every((t) => CATALOGUE_TYPES.includes(t)))
        || (r.key === INSTANCE_FAMILY && (r.values ?? []).every((f) => f in GPU_INSTANCE_FAMILIES))));
    const instanceTypes = bounded
        ? CATALOGUE_TYPES.filter((t) => {
            const labels = instanceTypeLabels(t)!;
            return requirements.every((r) => !(r.key in labels) || meets(r, labels[r.key]));
        })
        : undefined;
    const taints = at(nodePool, "spec", "template", "spec", "taints");
    return {
        ...(typeof name === "string" ? { name } : {}),
        requirements,
        ...(instanceTypes ? { instanceTypes } : {}),
        taints: Array.isArray(taints) ? (taints as Record<string, unknown>[]).filter((t) => at(t, "effect") === "NoSchedule" || at(t, "effect") === "NoExecute") : [],
    };
}

/** Whether a toleration tolerates a taint (Kubernetes' rule: key, operator Exists or an equal value, effect). */
export function tolerates(toleration: Record<string, unknown>, taint: Record<string, unknown>): boolean {
    // The operator defaults to Equal: only Exists differs.
    const [key, effect, operator] = [at(toleration, "key"), at(toleration, "effect"), at(toleration, "operator")];
    if (effect !== undefined && effect !== "" && effect !== at(taint, "effect")) {
        return false;
    }
    if (key === undefined || key === "") {
        return operator === "Exists";
    }
    if (key !== at(taint, "key")) {
        return false;
    }
    return operator === "Exists" || String(at(toleration, "value") ?? "") === String(at(taint, "value") ?? "");
}

/**
 * The alternatives a pod's node selection allows: its nodeSelector with each term of its required
 * node affinity (the terms are alternatives; the expressions of a term all apply; matchFields
 * name nodes, not labels, and are left out). None when a term list is empty.
 */
export function podNodeRequirements(pod: Props): Requirement[][] {
    const selector = labelRequirements(at(pod, "nodeSelector"));
    const terms = at(pod, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms");
    if (!Array.isArray(terms)) {
        return [selector];
    }
    // An empty term matches no node (Kubernetes' NodeSelectorTerm).
    return (terms as unknown[])
        .map((t) => ({ expressions: requirementsAt(at(t, "matchExpressions")), fields: at(t, "matchFields") }))
        .filter((t) => t.expressions.length > 0 || (Array.isArray(t.fields) && t.fields.length > 0))
        .map((t) => [...selector, ...t.expressions]);
}

/**
 * Whether a pod that takes `gpus` GPUs may land on a node of the NodePool: some alternative of its
 * node selection is met by a node the NodePool can launch, and it tolerates the NodePool's taints.
 */
export function mayLandIn(pod: Props, gpus: number, pool: NodePoolNodes): boolean {
    const tolerations = at(pod, "tolerations");
    if (!pool.taints.every((taint) => Array.isArray(tolerations) && (tolerations as Record<string, unknown>[]).some((t) => tolerates(t, taint)))) {
        return false;
    }
    // Karpenter picks an instance type with the GPUs the pod asks for.
    const needs: Requirement[] = gpus > 0 ? [{ key: GPU_COUNT, operator: "Gt", values: [String(gpus - 1)] }] : [];
    return podNodeRequirements(pod).some((alternative) => {
        const all = [...pool.requirements, ...alternative, ...needs];
        // The instance type decides its labels together: one type must meet every requirement on them.
        const fits = pool.instanceTypes === undefined || pool.instanceTypes.some((t) => {
            const labels = instanceTypeLabels(t)!;
            return all.every((r) => !(r.key in labels) || meets(r, labels[r.key]));
        });
        // Each label on its own (a type that fits gives every label it decides a value that does).
        return fits && [...new Set(all.map((r) => r.key))].every((k) => satisfiable(all.filter((r) => r.key === k), isPresent(pool, k)));
    });
}

/** Whether a NodePool's nodes carry a label: it sets or requires it, or it is well known. */
function isPresent(pool: NodePoolNodes, key: string): boolean {
    return wellKnown(key) || pool.requirements.some((r) => r.key === key && r.operator !== "DoesNotExist" && r.operator !== "NotIn");
}
