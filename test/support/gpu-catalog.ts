/**
 * An Arm GPU family the catalogue (components/gpu-nodepool/catalog.ts) does not hold, for tests
 * of what only a second CPU architecture shows: every family of the catalogue is amd64 today.
 */
import { GPU_INSTANCE_FAMILIES, GpuInstanceFamily } from "../../components/gpu-nodepool/catalog";

/** g5g: Graviton2 with NVIDIA T4G (1 GPU from xlarge to 8xlarge, 2 on 16xlarge). */
export const G5G: GpuInstanceFamily = {
    family: "g5g",
    gpuModel: "NVIDIA T4G",
    gpuName: "t4g",
    rayAcceleratorType: "T4",
    gpuMemoryMiB: 15360,
    arch: "arm64",
    sizes: { "xlarge": { gpus: 1, vcpus: 4, memoryGiB: 8 }, "2xlarge": { gpus: 1, vcpus: 8, memoryGiB: 16 }, "16xlarge": { gpus: 2, vcpus: 64, memoryGiB: 128 } },
};

/** Runs `body` with g5g in the GPU instance catalogue, and takes it out again once `body` has settled. */
export async function withArmFamily<T>(body: () => T | Promise<T>): Promise<T> {
    const catalogue = GPU_INSTANCE_FAMILIES as Record<string, GpuInstanceFamily>;
    catalogue.g5g = G5G;
    try {
        return await body();
    } finally {
        delete catalogue.g5g;
    }
}
