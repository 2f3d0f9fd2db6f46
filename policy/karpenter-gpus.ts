/**
 * Which NVIDIA GPU instances a Karpenter NodePool can launch, from its requirements alone. A
 * NodePool need not say "GPU" to launch GPUs: Karpenter picks any instance type its requirements
 * allow (with none, any type at all), and it picks a GPU type for a pod that asks for
 * `nvidia.com/gpu`. So a NodePool is judged by the instance types it can launch, however its
 * requirements spell them: instance category, family or type, GPU count, name, manufacturer or
 * memory, architecture, or nothing at all.
 *
 * The NVIDIA GPU instance types are those to which Karpenter 1.14.1 gives `nvidia.com/gpu`
 * capacity, with the labels it gives them (aws/karpenter-provider-aws v1.14.1,
 * website/content/en/docs/reference/instance-types.md). It gives none to g4ad (AMD's GPU) and to
 * g6f and gr6f (a fraction of an L4: `instance-gpu-count` 0), so they neither count against a
 * NodePool's `nvidia.com/gpu` limit nor serve a pod that asks for one. A family Karpenter learns
 * later is modelled too: any family of a GPU instance category (g, gr, p; Karpenter's category is
 * the leading letters of the instance type, pkg/providers/instancetype/types.go) the table does
 * not name, with a GPU the table does not name and any count, memory and architecture.
 *
 * Pure: no imports, so policy/common.ts can use it without a cycle.
 */

/** One node requirement (a NodePool requirement, or a template label as `In [value]`). */
export interface Requirement {
    key: string;
    operator: string;
    values?: string[];
}

const K = "karpenter.k8s.aws";
export const INSTANCE_TYPE = "node.kubernetes.io/instance-type";
export const INSTANCE_FAMILY = `${K}/instance-family`;
export const INSTANCE_CATEGORY = `${K}/instance-category`;
export const INSTANCE_GENERATION = `${K}/instance-generation`;
export const INSTANCE_SIZE = `${K}/instance-size`;
export const GPU_COUNT = `${K}/instance-gpu-count`;
export const GPU_NAME = `${K}/instance-gpu-name`;
export const GPU_MANUFACTURER = `${K}/instance-gpu-manufacturer`;
export const GPU_MEMORY = `${K}/instance-gpu-memory`;
const ARCH = "kubernetes.io/arch";
const ACCELERATOR_KEYS = [`${K}/instance-accelerator-name`, `${K}/instance-accelerator-manufacturer`, `${K}/instance-accelerator-count`];
const GPU_LABEL_KEYS = [GPU_COUNT, GPU_NAME, GPU_MANUFACTURER, GPU_MEMORY];

/** The labels this model decides; a requirement on any other label never rules a GPU instance out. */
export const MODELLED_KEYS: readonly string[] = [
    INSTANCE_TYPE, INSTANCE_FAMILY, INSTANCE_CATEGORY, INSTANCE_GENERATION, INSTANCE_SIZE, ...GPU_LABEL_KEYS, ARCH, ...ACCELERATOR_KEYS,
];

/** An NVIDIA GPU instance family as Karpenter labels it: the GPU's name, memory per GPU (MiB), the CPU architecture, and GPUs by size. */
export interface KarpenterGpuFamily {
    gpuName: string;
    gpuMemoryMiB: number;
    arch: "amd64" | "arm64";
    sizes: Readonly<Record<string, number>>;
}

const G_SIZES = { "xlarge": 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "12xlarge": 4, "16xlarge": 1, "24xlarge": 4, "48xlarge": 8 };

/** Every instance family Karpenter 1.14.1 gives `nvidia.com/gpu` capacity. */
export const KARPENTER_NVIDIA_FAMILIES: Readonly<Record<string, KarpenterGpuFamily>> = {
    "g4dn": { gpuName: "t4", gpuMemoryMiB: 16384, arch: "amd64", sizes: { "xlarge": 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "12xlarge": 4, "16xlarge": 1, "metal": 8 } },
    "g5": { gpuName: "a10g", gpuMemoryMiB: 22888, arch: "amd64", sizes: G_SIZES },
    "g5g": { gpuName: "t4g", gpuMemoryMiB: 16384, arch: "arm64", sizes: { "xlarge": 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 2, "metal": 2 } },
    "g6": { gpuName: "l4", gpuMemoryMiB: 22888, arch: "amd64", sizes: G_SIZES },
    "g6e": { gpuName: "l40s", gpuMemoryMiB: 45776, arch: "amd64", sizes: G_SIZES },
    "g7e": { gpuName: "rtx-pro-server-6000", gpuMemoryMiB: 98304, arch: "amd64", sizes: { "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "12xlarge": 2, "24xlarge": 4, "48xlarge": 8 } },
    "gr6": { gpuName: "l4", gpuMemoryMiB: 22888, arch: "amd64", sizes: { "4xlarge": 1, "8xlarge": 1 } },
    "p3dn": { gpuName: "v100", gpuMemoryMiB: 32768, arch: "amd64", sizes: { "24xlarge": 8 } },
    "p4d": { gpuName: "a100", gpuMemoryMiB: 40960, arch: "amd64", sizes: { "24xlarge": 8 } },
    "p4de": { gpuName: "a100", gpuMemoryMiB: 81920, arch: "amd64", sizes: { "24xlarge": 8 } },
    "p5": { gpuName: "h100", gpuMemoryMiB: 81920, arch: "amd64", sizes: { "4xlarge": 1, "48xlarge": 8 } },
    "p5e": { gpuName: "h200", gpuMemoryMiB: 144384, arch: "amd64", sizes: { "48xlarge": 8 } },
    "p5en": { gpuName: "h200", gpuMemoryMiB: 144384, arch: "amd64", sizes: { "48xlarge": 8 } },
    "p6-b200": { gpuName: "b200", gpuMemoryMiB: 183359, arch: "amd64", sizes: { "48xlarge": 8 } },
    "p6-b300": { gpuName: "b300", gpuMemoryMiB: 275040, arch: "amd64", sizes: { "48xlarge": 8 } },
};

/** Families of a GPU instance category that carry no `nvidia.com/gpu` in Karpenter: AMD's g4ad, and the fractional-L4 g6f and gr6f. */
export const NO_NVIDIA_GPU_FAMILIES: readonly string[] = ["g4ad", "g6f", "gr6f"];
/** The instance categories of GPU families (Karpenter's `instance-category`). */
export const GPU_CATEGORIES: readonly string[] = ["g", "gr", "p"];
const KNOWN_GPU_NAMES = [...new Set(Object.values(KARPENTER_NVIDIA_FAMILIES).map((f) => f.gpuName))];

/** Karpenter's category and generation of an instance family or type ("p6-b200" → p, 6; "gr6.4xlarge" → gr, 6). */
export function categoryOf(familyOrType: string): { category: string; generation: string } | undefined {
    const m = /^([a-z]+)(-[0-9]+tb)?([0-9]+)/.exec(familyOrType);
    return m ? { category: m[1], generation: m[3] } : undefined;
}

function familyOfType(instanceType: string): string {
    return instanceType.split(".")[0];
}

/** A label value as Gt and Lt compare it: a whole integer, else not a number (NaN, which no comparison meets), as is a missing one (undefined). */
export function integer(v: string | undefined): number {
    return /^-?\d+$/.test(String(v)) ? Number(v) : NaN;
}

/**
 * Whether a label value (undefined: the node lacks the label) meets a requirement, as Karpenter and
 * the scheduler read node selector operators; an operator this does not know never rules a node
 * out. Shared with policy/scheduling.ts.
 */
export function meets(r: Requirement, value: string | undefined): boolean {
    const values = r.values ?? [];
    switch (r.operator) {
        case "In": return values.some((v) => v === value);
        case "NotIn": return !values.some((v) => v === value);
        case "Exists": return value !== undefined;
        case "DoesNotExist": return value === undefined;
        case "Gt": return integer(value) > integer(values[0]);
        case "Gte": return integer(value) >= integer(values[0]);
        case "Lt": return integer(value) < integer(values[0]);
        case "Lte": return integer(value) <= integer(values[0]);
        default: return true;
    }
}

/** The values a label can take on an instance: a list (undefined: absent), or any value `accepts` takes. */
type Domain = (string | undefined)[] | { accepts: (v: string) => boolean; example: string };

const POSITIVE: Domain = { accepts: (v) => /^\d+$/.test(v) && Number(v) >= 1, example: "1" };

/** Whether one value of the domain meets every requirement on its label. */
function satisfiable(reqs: Requirement[], domain: Domain): boolean {
    if (Array.isArray(domain)) {
        return domain.some((v) => reqs.every((r) => meets(r, v)));
    }
    const named = reqs.flatMap((r) => r.values ?? []);
    // Each number's neighbours: enough for any bounds (the largest value under an upper bound or
    // an excluded value is one less than it, and one more than the largest number is above them all).
    const numbers = named.filter((v) => /^\d+$/.test(v)).map(Number).flatMap((n) => [n - 1, n, n + 1].filter((x) => x >= 0).map(String));
    return [...named, ...numbers, unnamed(domain.example, named)].filter(domain.accepts).some((v) => reqs.every((r) => meets(r, v)));
}

/**
 * A value like `example` that no requirement names: the example itself, else the example with a
 * suffix. Any value the requirements do not name meets them all alike (In fails, NotIn passes, a
 * comparison of a non-integer fails), so one stands for all of them, even when a NotIn excludes
 * the example itself (`instance-size NotIn [xlarge]` still admits a new family's 2xlarge).
 */
function unnamed(example: string, named: string[]): string {
    let value = example;
    for (let i = 1; named.includes(value); i++) {
        value = `${example}-${i}`;
    }
    return value;
}

/** Whether an instance with these label domains (one for each of `MODELLED_KEYS`) meets every requirement, all on modelled labels. */
function launchable(reqs: Requirement[], labels: Record<string, Domain>): boolean {
    const keys = [...new Set(reqs.map((r) => r.key))];
    return keys.every((k) => satisfiable(reqs.filter((r) => r.key === k), labels[k]));
}

const ABSENT: Domain = [undefined];

function knownTypeLabels(family: string, size: string, f: KarpenterGpuFamily): Record<string, Domain> {
    const { category, generation } = categoryOf(family)!;
    return {
        [INSTANCE_TYPE]: [`${family}.${size}`],
        [INSTANCE_FAMILY]: [family],
        [INSTANCE_CATEGORY]: [category],
        [INSTANCE_GENERATION]: [generation],
        [INSTANCE_SIZE]: [size],
        [GPU_COUNT]: [String(f.sizes[size])],
        [GPU_NAME]: [f.gpuName],
        [GPU_MANUFACTURER]: ["nvidia"],
        [GPU_MEMORY]: [String(f.gpuMemoryMiB)],
        [ARCH]: [f.arch],
        ...Object.fromEntries(ACCELERATOR_KEYS.map((k) => [k, ABSENT])),
    };
}

/** A family the table does not name: of `category`, and either `family` or (undefined) any family no requirement names. */
function newFamilyLabels(category: string, family: string | undefined, named: string[]): Record<string, Domain> {
    const isNew = (f: string): boolean => categoryOf(f)?.category === category && !(f in KARPENTER_NVIDIA_FAMILIES) && !NO_NVIDIA_GPU_FAMILIES.includes(f);
    const familyOk = family !== undefined ? (f: string): boolean => f === family : (f: string): boolean => isNew(f) && !named.includes(f);
    const example = family ?? `${category}99x`;
    return {
        [INSTANCE_TYPE]: { accepts: (t) => t.includes(".") && familyOk(familyOfType(t)), example: `${example}.xlarge` },
        [INSTANCE_FAMILY]: { accepts: familyOk, example },
        [INSTANCE_CATEGORY]: [category],
        [INSTANCE_GENERATION]: family !== undefined ? [categoryOf(family)!.generation] : { accepts: (v) => /^\d+$/.test(v), example: "99" },
        [INSTANCE_SIZE]: { accepts: (v) => v !== "", example: "xlarge" },
        [GPU_COUNT]: POSITIVE,
        // A new family is taken to carry a GPU the table does not name: a bound on GPU names bounds the families.
        [GPU_NAME]: { accepts: (v) => v !== "" && !KNOWN_GPU_NAMES.includes(v), example: "new-gpu" },
        [GPU_MANUFACTURER]: ["nvidia"],
        [GPU_MEMORY]: POSITIVE,
        [ARCH]: ["amd64", "arm64"],
        ...Object.fromEntries(ACCELERATOR_KEYS.map((k) => [k, ABSENT])),
    };
}

/** The NVIDIA GPU instances a NodePool can launch. */
export interface GpuReach {
    /** The families it can launch GPU instances of, in the table's order, then families it names that the table does not. */
    families: string[];
    /** It can launch GPU instances of a family no requirement names (one Karpenter may support later): its GPUs are not bounded. */
    unbounded: boolean;
}

/** The NVIDIA GPU instances a NodePool with these requirements (template labels included) can launch. */
export function nvidiaGpuReach(reqs: Requirement[]): GpuReach {
    const relevant = reqs.filter((r) => MODELLED_KEYS.includes(r.key));
    const known = Object.entries(KARPENTER_NVIDIA_FAMILIES)
        .filter(([family, f]) => Object.keys(f.sizes).some((size) => launchable(relevant, knownTypeLabels(family, size, f))))
        .map(([family]) => family);
    // Families the requirements name that the table does not (a family Karpenter supports later, or p6e-gb200).
    const named = [...new Set(relevant.filter((r) => r.operator === "In")
        .flatMap((r) => (r.key === INSTANCE_FAMILY ? r.values ?? [] : r.key === INSTANCE_TYPE ? (r.values ?? []).map(familyOfType) : [])))];
    const newFamilies = named.filter((f) => !(f in KARPENTER_NVIDIA_FAMILIES) && !NO_NVIDIA_GPU_FAMILIES.includes(f)
        && GPU_CATEGORIES.some((c) => categoryOf(f)?.category === c && launchable(relevant, newFamilyLabels(c, f, named))));
    const unbounded = GPU_CATEGORIES.some((c) => launchable(relevant, newFamilyLabels(c, undefined, named)));
    return { families: [...known, ...newFamilies], unbounded };
}

/**
 * Whether the requirements admit only instances with a GPU (of any maker, fractional ones
 * included): one of them needs a GPU label to be present, or bounds the category, family or
 * type to GPU ones. A NodePool that does not is a general-purpose pool that can also launch GPUs.
 */
export function onlyGpuInstances(reqs: Requirement[]): boolean {
    const gpuCategory = (familyOrType: string): boolean => GPU_CATEGORIES.some((c) => categoryOf(familyOrType)?.category === c);
    return reqs.some((r) => {
        const values = r.values ?? [];
        if (GPU_LABEL_KEYS.includes(r.key)) {
            return !meets(r, undefined);
        }
        if (r.operator !== "In" || values.length === 0) {
            return false;
        }
        return (r.key === INSTANCE_CATEGORY && values.every((c) => GPU_CATEGORIES.includes(c)))
            || ((r.key === INSTANCE_FAMILY || r.key === INSTANCE_TYPE) && values.every(gpuCategory));
    });
}
