/**
 * The GPU instance families this package knows: their GPU, GPUs per instance size and memory
 * per GPU. Node pools validate against it, and the model sizing check reuses it.
 *
 * Memory per GPU is what EC2's DescribeInstanceTypes reports (MiB), which is also the value of
 * Karpenter's `karpenter.k8s.aws/instance-gpu-memory` label
 * (https://karpenter.sh/docs/reference/instance-types/); GPU names are the values of
 * `karpenter.k8s.aws/instance-gpu-name`.
 */

export interface GpuInstanceFamily {
    /** The EC2 instance family, the value of `karpenter.k8s.aws/instance-family`. */
    family: string;
    /** The GPU's model, as NVIDIA names it. */
    gpuModel: string;
    /** The GPU's name in Karpenter's `karpenter.k8s.aws/instance-gpu-name` label. */
    gpuName: string;
    /** Memory of one GPU in MiB. */
    gpuMemoryMiB: number;
    /** The CPU architecture, the value of `kubernetes.io/arch`. */
    arch: string;
    /** GPUs per instance, by size (the part of the instance type after the dot). */
    gpusBySize: Readonly<Record<string, number>>;
}

const G_SIZES = { "xlarge": 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 1, "12xlarge": 4, "24xlarge": 4, "48xlarge": 8 };

export const GPU_INSTANCE_FAMILIES: Readonly<Record<string, GpuInstanceFamily>> = {
    g5: { family: "g5", gpuModel: "NVIDIA A10G", gpuName: "a10g", gpuMemoryMiB: 22888, arch: "amd64", gpusBySize: G_SIZES },
    g6: { family: "g6", gpuModel: "NVIDIA L4", gpuName: "l4", gpuMemoryMiB: 22888, arch: "amd64", gpusBySize: G_SIZES },
    g6e: { family: "g6e", gpuModel: "NVIDIA L40S", gpuName: "l40s", gpuMemoryMiB: 45776, arch: "amd64", gpusBySize: G_SIZES },
    p4d: { family: "p4d", gpuModel: "NVIDIA A100 40GB", gpuName: "a100", gpuMemoryMiB: 40960, arch: "amd64", gpusBySize: { "24xlarge": 8 } },
    p4de: { family: "p4de", gpuModel: "NVIDIA A100 80GB", gpuName: "a100", gpuMemoryMiB: 81920, arch: "amd64", gpusBySize: { "24xlarge": 8 } },
    p5: { family: "p5", gpuModel: "NVIDIA H100", gpuName: "h100", gpuMemoryMiB: 81920, arch: "amd64", gpusBySize: { "4xlarge": 1, "48xlarge": 8 } },
    p5e: { family: "p5e", gpuModel: "NVIDIA H200", gpuName: "h200", gpuMemoryMiB: 144384, arch: "amd64", gpusBySize: { "48xlarge": 8 } },
    p5en: { family: "p5en", gpuModel: "NVIDIA H200", gpuName: "h200", gpuMemoryMiB: 144384, arch: "amd64", gpusBySize: { "48xlarge": 8 } },
};

/** The family of an instance type ("g6e.12xlarge" → g6e), if it is in the catalogue. */
export function familyOfInstanceType(instanceType: string): GpuInstanceFamily | undefined {
    const [family, size] = instanceType.split(".");
    const f = GPU_INSTANCE_FAMILIES[family];
    return f && size !== undefined && size in f.gpusBySize ? f : undefined;
}

/** GPUs of an instance type in the catalogue, or undefined. */
export function gpusOfInstanceType(instanceType: string): number | undefined {
    const f = familyOfInstanceType(instanceType);
    return f?.gpusBySize[instanceType.split(".")[1]];
}

/** Every instance type of the catalogue's families, as "family.size". */
export function instanceTypesOf(families: readonly string[]): string[] {
    return families.flatMap((f) => Object.keys(GPU_INSTANCE_FAMILIES[f]?.gpusBySize ?? {}).map((size) => `${f}.${size}`));
}
