/**
 * Will a model fit on its accelerator, and what does the rest of the memory buy? Weights
 * (parameter count × bytes per parameter) split across the tensor-parallel GPUs, plus a floor of
 * GPU memory for the KV cache, must fit in the share of each GPU's memory that vLLM may use
 * (`gpu_memory_utilization`). What remains of that share, less activations, is the KV cache: it
 * bounds how many requests a replica runs at once, and so Serve's `max_ongoing_requests` and
 * `target_ongoing_requests` (`servingCapacity`).
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

/** GiB of one GPU of an instance type of the catalogue, as EC2 reports it. */
function gpuMemoryGiB(accelerator: string): number {
    return familyOfInstanceType(accelerator)!.gpuMemoryMiB / 1024;
}

/** GiB each GPU needs (its share of the weights plus the KV-cache floor) and GiB it offers. */
export function perGpu(s: SizingInput): { needGiB: number; haveGiB: number } {
    return {
        needGiB: weightsGiB(s.parametersBillions, s.dtype) / s.tensorParallelSize + KV_CACHE_FLOOR_GIB,
        haveGiB: gpuMemoryGiB(s.accelerator) * s.gpuMemoryUtilization,
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

/**
 * The attention shape of a model: what its KV cache holds for each token. The values are its
 * Hugging Face config.json's `num_hidden_layers`, `num_key_value_heads` (fewer than the attention
 * heads with grouped-query attention) and `head_dim` (or `hidden_size / num_attention_heads`).
 */
export interface ModelArchitecture {
    hiddenLayers: number;
    keyValueHeads: number;
    headDim: number;
    /**
     * An encoder-only model (BERT, XLM-RoBERTa): its attention runs once over the whole input, so
     * vLLM keeps no KV cache for it (`EncoderOnlyAttentionSpec` takes 0 bytes, vllm/v1/kv_cache_interface.py).
     */
    encoderOnly?: boolean;
}

/**
 * The architectures of the models of PARAMETER_PRESETS, from each model's config.json on Hugging
 * Face (https://huggingface.co/<source>/blob/main/config.json).
 */
export const MODEL_ARCHITECTURES: Readonly<Record<string, ModelArchitecture>> = {
    // LlamaForCausalLM: num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 8, hidden_size 4096.
    "meta-llama/Llama-3.1-8B-Instruct": { hiddenLayers: 32, keyValueHeads: 8, headDim: 128 },
    // LlamaForCausalLM: num_hidden_layers 80, num_attention_heads 64, num_key_value_heads 8, hidden_size 8192.
    "meta-llama/Llama-3.3-70B-Instruct": { hiddenLayers: 80, keyValueHeads: 8, headDim: 128 },
    // Qwen2ForCausalLM: num_hidden_layers 80, num_attention_heads 64, num_key_value_heads 8, hidden_size 8192.
    "Qwen/Qwen2.5-72B-Instruct": { hiddenLayers: 80, keyValueHeads: 8, headDim: 128 },
    // Qwen2ForCausalLM: num_hidden_layers 28, num_attention_heads 28, num_key_value_heads 4, hidden_size 3584.
    "Qwen/Qwen2.5-7B-Instruct": { hiddenLayers: 28, keyValueHeads: 4, headDim: 128 },
    // Qwen3ForCausalLM: num_hidden_layers 36, num_attention_heads 32, num_key_value_heads 8, head_dim 128.
    "Qwen/Qwen3-8B": { hiddenLayers: 36, keyValueHeads: 8, headDim: 128 },
    // XLMRobertaModel: num_hidden_layers 24, num_attention_heads 16, hidden_size 1024; an encoder.
    "BAAI/bge-m3": { hiddenLayers: 24, keyValueHeads: 16, headDim: 64, encoderOnly: true },
    // MistralModel: num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 8, hidden_size 4096.
    "intfloat/e5-mistral-7b-instruct": { hiddenLayers: 32, keyValueHeads: 8, headDim: 128 },
};

/**
 * GiB of each GPU that neither the weights nor the KV cache take: the activations of vLLM's
 * profiling forward pass (a batch of its default 2048 tokens, and the sampler's logits) and memory
 * allocated outside PyTorch (NCCL, cuBLAS). vLLM measures it at start-up: the KV cache gets
 * `total memory × gpu_memory_utilization − (weights + peak activations + non-torch memory)`
 * (`Worker.determine_available_memory`, vllm/v1/worker/gpu_worker.py). This is an estimate;
 * compare it with the engine's "Available KV cache memory" log line.
 */
export const ACTIVATION_OVERHEAD_GIB = 1.5;

/** Tokens per KV-cache block (vLLM's default `block_size` on CUDA): the cache holds whole blocks. */
export const KV_CACHE_BLOCK_TOKENS = 16;

/**
 * The share of `max_model_len` a typical request holds in the KV cache (its prompt and output so
 * far). `max_model_len` is the window of the longest request; vLLM allocates a request's blocks as
 * its tokens arrive (PagedAttention), so a typical chat request holds a fraction of it.
 */
export const TYPICAL_REQUEST_SHARE = 0.25;

/**
 * `max_ongoing_requests` over `target_ongoing_requests`: Ray's autoscaling guide sets the maximum
 * 20 to 50% above the target; the upper end leaves room for a burst while new replicas start
 * (https://docs.ray.io/en/latest/serve/advanced-guides/advanced-autoscaling.html).
 */
export const MAX_OVER_TARGET = 1.5;

/**
 * vLLM's default `max_num_seqs` (the requests it runs at once; the rest wait in its queue) on the
 * accelerator's GPU: 1024 on GPUs of 70 GiB or more other than the A100, 256 on the others
 * (`EngineArgs.get_batch_defaults`, vllm/engine/arg_utils.py).
 */
export function vllmMaxNumSeqs(accelerator: string): number {
    const family = familyOfInstanceType(accelerator)!;
    return family.gpuMemoryMiB >= 70 * 1024 && family.gpuName !== "a100" ? 1024 : 256;
}

/**
 * KV heads each GPU holds: vLLM splits them across the tensor-parallel GPUs, and replicates them
 * when there are fewer heads than GPUs (`ModelConfig.get_num_kv_heads`, vllm/config/model.py).
 */
export function kvHeadsPerGpu(keyValueHeads: number, tensorParallelSize: number): number {
    return Math.max(1, Math.floor(keyValueHeads / tensorParallelSize));
}

/**
 * Bytes of KV cache one token takes on each GPU: K and V (2) × layers × the GPU's KV heads × head
 * dim × bytes per value (`AttentionSpec.page_size_bytes` for one token, vllm/v1/kv_cache_interface.py;
 * the cache's dtype is the model's, `kv_cache_dtype` "auto").
 */
export function kvCacheBytesPerToken(a: ModelArchitecture, dtype: string, tensorParallelSize: number): number {
    return 2 * a.hiddenLayers * kvHeadsPerGpu(a.keyValueHeads, tensorParallelSize) * a.headDim * (DTYPE_BYTES[dtype] ?? 2);
}

/** GiB of each GPU vLLM gives the KV cache: its share of the GPU, less its share of the weights and the activations. */
export function kvCacheGiBPerGpu(s: SizingInput): number {
    return gpuMemoryGiB(s.accelerator) * s.gpuMemoryUtilization - weightsGiB(s.parametersBillions, s.dtype) / s.tensorParallelSize - ACTIVATION_OVERHEAD_GIB;
}

/** What a replica's KV cache holds, and the Serve settings that follow from it. */
export interface ServingCapacity {
    /** GiB of KV cache on each GPU of a replica. */
    kvCacheGiB: number;
    /** Tokens the replica's KV cache holds (whole blocks); each GPU holds its share of every token's heads. */
    tokens: number;
    /** Requests of `max_model_len` tokens that fit at once (vLLM logs it as "Maximum concurrency"). */
    sequences: number;
    /** Requests of a typical length that fit at once, at least 2 and at most vLLM's `max_num_seqs`. */
    maxOngoingRequests: number;
    /** The autoscaling target for that maximum. */
    targetOngoingRequests: number;
}

/** The `target_ongoing_requests` for a `max_ongoing_requests`: the maximum is 50% above it, and it stays below the maximum. */
export function targetOngoingRequestsFor(maxOngoingRequests: number): number {
    return Math.max(1, Math.min(maxOngoingRequests - 1, Math.ceil(maxOngoingRequests / MAX_OVER_TARGET)));
}

/**
 * What a replica's KV cache holds: tokens, requests of `max_model_len`, and the
 * `max_ongoing_requests` (requests of a typical length, TYPICAL_REQUEST_SHARE of `max_model_len`,
 * that fit at once) and `target_ongoing_requests` that let Serve's autoscaler see the pressure
 * before requests queue inside vLLM. Undefined for an encoder-only model (no KV cache).
 */
export function servingCapacity(s: SizingInput & { architecture: ModelArchitecture; maxModelLength: number }): ServingCapacity | undefined {
    if (s.architecture.encoderOnly) {
        return undefined;
    }
    const kvCacheGiB = kvCacheGiBPerGpu(s);
    const blockBytes = kvCacheBytesPerToken(s.architecture, s.dtype, s.tensorParallelSize) * KV_CACHE_BLOCK_TOKENS;
    const tokens = Math.max(0, Math.floor((kvCacheGiB * 2 ** 30) / blockBytes)) * KV_CACHE_BLOCK_TOKENS;
    const typical = Math.floor(tokens / (s.maxModelLength * TYPICAL_REQUEST_SHARE));
    const maxOngoingRequests = Math.min(vllmMaxNumSeqs(s.accelerator), Math.max(2, typical));
    return { kvCacheGiB, tokens, sequences: tokens / s.maxModelLength, maxOngoingRequests, targetOngoingRequests: targetOngoingRequestsFor(maxOngoingRequests) };
}

/** A model as the serving-capacity line reads it (a resolved model). */
export interface CapacityModel extends Omit<SizingInput, "parametersBillions"> {
    name: string;
    parametersBillions?: number;
    architecture?: ModelArchitecture;
    maxModelLength: number;
    embedding: boolean;
    maxOngoingRequests: number;
    targetOngoingRequests: number;
}

/** 24464 → "24,464". */
function thousands(n: number): string {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * One line of what a model's replica can serve, as `npm run plan` prints it: its KV cache per GPU,
 * the tokens and full-length requests it holds, and the Serve settings it runs with, such as
 * "qwen3-8b on g6.2xlarge (L4, tp 1): 3.4 GiB KV cache per GPU = 24,464 tokens = 2.99 sequences
 * of 8192 tokens; max_ongoing_requests 11, target 8".
 */
export function servingCapacityLine(m: CapacityModel): string {
    const where = `${m.name} on ${m.accelerator} (${familyOfInstanceType(m.accelerator)!.rayAcceleratorType}, tp ${m.tensorParallelSize})`;
    const serve = `max_ongoing_requests ${m.maxOngoingRequests}, target ${m.targetOngoingRequests}`;
    if (m.architecture === undefined || m.parametersBillions === undefined) {
        const fix = m.embedding ? "" : ": give numHiddenLayers, numKeyValueHeads and headDim";
        return `${where}: KV cache not sized (architecture unknown${fix}); ${serve}`;
    }
    const c = servingCapacity({ ...m, parametersBillions: m.parametersBillions, architecture: m.architecture });
    if (c === undefined) {
        return `${where}: no KV cache (an encoder-only model); ${serve}`;
    }
    const use = m.embedding ? " (an embedding request holds it for one forward pass)" : "";
    return `${where}: ${c.kvCacheGiB.toFixed(1)} GiB KV cache per GPU = ${thousands(c.tokens)} tokens = ${c.sequences.toFixed(2)} sequences of ${m.maxModelLength} tokens${use}; ${serve}`;
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
