/**
 * Will a model fit on its accelerator? Weights (parameter count × bytes per parameter) split
 * across the tensor-parallel GPUs, plus a floor of GPU memory for the KV cache, must fit in the
 * share of each GPU's memory that vLLM may use (`gpu_memory_utilization`).
 */
import { GPU_INSTANCE_FAMILIES, familyOfInstanceType, instanceSizeOf } from "../gpu-nodepool/catalog";

/** Parameter counts (billions) of models this package knows, from their model cards. */
export const PARAMETER_PRESETS: Readonly<Record<string, number>> = {
    "meta-llama/Llama-3.1-8B-Instruct": 8.03,
    "meta-llama/Llama-3.3-70B-Instruct": 70.6,
    "Qwen/Qwen2.5-72B-Instruct": 72.7,
    "Qwen/Qwen2.5-7B-Instruct": 7.62,
    "Qwen/Qwen3-8B": 8.19,
    "BAAI/bge-m3": 0.568,
    "intfloat/e5-mistral-7b-instruct": 7.11,
};

/** Bytes per parameter of vLLM's `dtype` values ("auto" loads the checkpoint's, bf16/fp16 for these models). */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
    auto: 2,
    bfloat16: 2,
    float16: 2,
    half: 2,
    float32: 4,
    float: 4,
};

/** GPU memory (GiB) each GPU keeps for the KV cache at the least: below it vLLM serves almost no context. */
export const KV_CACHE_FLOOR_GIB = 2;

export interface SizingInput {
    parametersBillions: number;
    dtype: string;
    /** An instance type of the GPU catalogue, such as "g6e.12xlarge". */
    accelerator: string;
    tensorParallelSize: number;
    gpuMemoryUtilization: number;
}

/** GiB of weights of a model. */
export function weightsGiB(parametersBillions: number, dtype: string): number {
    return (parametersBillions * 1e9 * (DTYPE_BYTES[dtype] ?? 2)) / 2 ** 30;
}

/** GiB each GPU needs (its share of the weights plus the KV-cache floor) and GiB it offers. */
export function perGpu(s: SizingInput): { needGiB: number; haveGiB: number } {
    const family = familyOfInstanceType(s.accelerator)!;
    return {
        needGiB: weightsGiB(s.parametersBillions, s.dtype) / s.tensorParallelSize + KV_CACHE_FLOOR_GIB,
        haveGiB: (family.gpuMemoryMiB / 1024) * s.gpuMemoryUtilization,
    };
}

export function fits(s: SizingInput): boolean {
    const { needGiB, haveGiB } = perGpu(s);
    return needGiB <= haveGiB;
}

/** Tensor-parallel sizes an instance type allows: the divisors of its GPU count. */
export function tensorParallelSizes(accelerator: string): number[] {
    const gpus = instanceSizeOf(accelerator)?.gpus ?? 0;
    return Array.from({ length: gpus }, (_, i) => i + 1).filter((n) => gpus % n === 0);
}

/** The smallest tensor-parallel size at which the model fits on the accelerator, if any does. */
export function minimumTensorParallelSize(s: Omit<SizingInput, "tensorParallelSize">): number | undefined {
    return tensorParallelSizes(s.accelerator).find((tp) => fits({ ...s, tensorParallelSize: tp }));
}

/** The catalogue's instance types whose GPUs can hold the model at some tensor-parallel size. */
export function acceleratorsThatFit(s: Omit<SizingInput, "tensorParallelSize" | "accelerator">): string[] {
    return Object.values(GPU_INSTANCE_FAMILIES)
        .flatMap((f) => Object.keys(f.sizes).map((size) => `${f.family}.${size}`))
        .filter((accelerator) => minimumTensorParallelSize({ ...s, accelerator }) !== undefined);
}

/** The CPU (millicores) EKS's AMIs and Karpenter reserve for the kubelet and system on a node of that many vCPUs. */
export function reservedCpuMillis(vcpus: number): number {
    const tiers = [60, 10, 5, 5];
    return Array.from({ length: vcpus }, (_, i) => tiers[i] ?? 2.5).reduce((sum, m) => sum + m, 0);
}

/** Pods per node assumed for the kubelet's memory reservation (11 MiB each, plus 255 MiB). */
export const ASSUMED_MAX_PODS = 250;

/**
 * What a worker pod that takes a whole GPU node can request: the node's allocatable capacity
 * (EKS's kube-reserved CPU and memory, the 100 MiB eviction threshold, and Karpenter's 7.5%
 * VM memory overhead) less room for daemonsets (500m CPU, 1 GiB).
 */
export function workerPodSize(vcpus: number, memoryGiB: number): { cpu: number; memoryMiB: number } {
    const cpu = Math.floor((vcpus * 1000 - reservedCpuMillis(vcpus) - 500) / 1000);
    const memoryMiB = Math.floor(memoryGiB * 1024 * 0.925 - (11 * ASSUMED_MAX_PODS + 255) - 100 - 1024);
    return { cpu: Math.max(1, cpu), memoryMiB };
}
