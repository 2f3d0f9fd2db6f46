/**
 * The GPU instance families the package knows, for the GPU policies: a copy of
 * `components/gpu-nodepool/catalog.ts` (the node pools' catalogue). The pack is published on its
 * own (only this folder is uploaded), so it imports nothing; test/policy-shared.test.ts proves
 * the copy equal to the original. Change both together.
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
    /** The GPU's accelerator type in Ray (`ray.util.accelerators`), Serve LLM's `accelerator_type`. */
    rayAcceleratorType: string;
    /** Memory of one GPU in MiB. */
    gpuMemoryMiB: number;
    /** The CPU architecture, the value of `kubernetes.io/arch`. */
    arch: string;
    /** GPUs, vCPUs and memory (GiB) per instance, by size (the part of the instance type after the dot). */
    sizes: Readonly<Record<string, InstanceSize>>;
}

/** One instance size: what a worker pod that takes the whole node can be given. */
export interface InstanceSize {
    gpus: number;
    vcpus: number;
    memoryGiB: number;
}

function sizes(table: Record<string, [number, number, number]>): Readonly<Record<string, InstanceSize>> {
    return Object.fromEntries(Object.entries(table).map(([size, [gpus, vcpus, memoryGiB]]) => [size, { gpus, vcpus, memoryGiB }]));
}

// [GPUs, vCPUs, memory GiB] of each size (https://aws.amazon.com/ec2/instance-types/#Accelerated_Computing).
const G5_G6_SIZES = sizes({
    "xlarge": [1, 4, 16], "2xlarge": [1, 8, 32], "4xlarge": [1, 16, 64], "8xlarge": [1, 32, 128], "16xlarge": [1, 64, 256],
    "12xlarge": [4, 48, 192], "24xlarge": [4, 96, 384], "48xlarge": [8, 192, 768],
});
const G6E_SIZES = sizes({
    "xlarge": [1, 4, 32], "2xlarge": [1, 8, 64], "4xlarge": [1, 16, 128], "8xlarge": [1, 32, 256], "16xlarge": [1, 64, 512],
    "12xlarge": [4, 48, 384], "24xlarge": [4, 96, 768], "48xlarge": [8, 192, 1536],
});

export const GPU_INSTANCE_FAMILIES: Readonly<Record<string, GpuInstanceFamily>> = {
    g5: { family: "g5", gpuModel: "NVIDIA A10G", gpuName: "a10g", rayAcceleratorType: "A10G", gpuMemoryMiB: 22888, arch: "amd64", sizes: G5_G6_SIZES },
    g6: { family: "g6", gpuModel: "NVIDIA L4", gpuName: "l4", rayAcceleratorType: "L4", gpuMemoryMiB: 22888, arch: "amd64", sizes: G5_G6_SIZES },
    g6e: { family: "g6e", gpuModel: "NVIDIA L40S", gpuName: "l40s", rayAcceleratorType: "L40S", gpuMemoryMiB: 45776, arch: "amd64", sizes: G6E_SIZES },
    p4d: { family: "p4d", gpuModel: "NVIDIA A100 40GB", gpuName: "a100", rayAcceleratorType: "A100-40G", gpuMemoryMiB: 40960, arch: "amd64", sizes: sizes({ "24xlarge": [8, 96, 1152] }) },
    p4de: { family: "p4de", gpuModel: "NVIDIA A100 80GB", gpuName: "a100", rayAcceleratorType: "A100-80G", gpuMemoryMiB: 81920, arch: "amd64", sizes: sizes({ "24xlarge": [8, 96, 1152] }) },
    p5: { family: "p5", gpuModel: "NVIDIA H100", gpuName: "h100", rayAcceleratorType: "H100", gpuMemoryMiB: 81920, arch: "amd64", sizes: sizes({ "4xlarge": [1, 16, 256], "48xlarge": [8, 192, 2048] }) },
    p5e: { family: "p5e", gpuModel: "NVIDIA H200", gpuName: "h200", rayAcceleratorType: "H200", gpuMemoryMiB: 144384, arch: "amd64", sizes: sizes({ "48xlarge": [8, 192, 2048] }) },
    p5en: { family: "p5en", gpuModel: "NVIDIA H200", gpuName: "h200", rayAcceleratorType: "H200", gpuMemoryMiB: 144384, arch: "amd64", sizes: sizes({ "48xlarge": [8, 192, 2048] }) },
};

/** The family of an instance type ("g6e.12xlarge" → g6e), if it is in the catalogue. */
export function familyOfInstanceType(instanceType: string): GpuInstanceFamily | undefined {
    const [family, size] = instanceType.split(".");
    const f = GPU_INSTANCE_FAMILIES[family];
    return f && size !== undefined && size in f.sizes ? f : undefined;
}

/** GPUs of an instance type in the catalogue, or undefined. */
export function gpusOfInstanceType(instanceType: string): number | undefined {
    return instanceSizeOf(instanceType)?.gpus;
}

/** GPUs, vCPUs and memory of an instance type in the catalogue, or undefined. */
export function instanceSizeOf(instanceType: string): InstanceSize | undefined {
    const f = familyOfInstanceType(instanceType);
    return f?.sizes[instanceType.split(".")[1]];
}

/** Every instance type of the catalogue's families, as "family.size". */
export function instanceTypesOf(families: readonly string[]): string[] {
    return families.flatMap((f) => Object.keys(GPU_INSTANCE_FAMILIES[f]?.sizes ?? {}).map((size) => `${f}.${size}`));
}
