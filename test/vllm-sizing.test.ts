/**
 * KV-cache-aware sizing: what a replica's KV cache holds, and the Serve concurrency that follows.
 * Expected values are worked out by hand from the models' config.json and the GPU catalogue:
 * Qwen3-8B (8.19 B parameters, 36 layers, 8 KV heads of 128) on an L4 (22888 MiB):
 *   0.9 × 22888 / 1024 = 20.1164 GiB, less 8.19e9 × 2 B = 15.2551 GiB of weights and 1.5 GiB of
 *   activations = 3.3613 GiB; a token takes 2 × 36 × 8 × 128 × 2 = 147456 B, a 16-token block
 *   2359296 B, so 1529 blocks = 24464 tokens = 2.99 requests of 8192 tokens, or 11 of 2048.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";

import { resource, settle, valueOf, rejection as refusal } from "./support/mocks";

import {
    kvCacheBytesPerToken, kvHeadsPerGpu, MODEL_ARCHITECTURES, ModelArgs, resolveModel, servingCapacity, servingCapacityLine, targetOngoingRequestsFor,
    VllmRayService, vllmMaxNumSeqs, vllmServiceNotes, vllmServiceWarnings,
} from "../components/vllm-service";
import { servingCapacityLines } from "../plan/capacity";

const provider = new k8s.Provider("vllm-sizing-k8s", { kubeconfig: "{}" });

const QWEN3_8B = { parametersBillions: 8.19, dtype: "auto", gpuMemoryUtilization: 0.9, maxModelLength: 8192, architecture: { hiddenLayers: 36, keyValueHeads: 8, headDim: 128 } };
const DEV = { name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6.2xlarge" };

/** Runs `construct` and returns what it logged with pulumi.log.warn and pulumi.log.info, in order. */
async function logsOf(construct: () => void): Promise<{ warnings: string[]; notes: string[] }> {
    const logs = { warnings: [] as string[], notes: [] as string[] };
    const { warn, info } = pulumi.log;
    const log = pulumi.log as { warn: typeof warn; info: typeof info };
    log.warn = (message: string) => (logs.warnings.push(message), Promise.resolve());
    log.info = (message: string) => (logs.notes.push(message), Promise.resolve());
    try {
        construct();
    } finally {
        log.warn = warn;
        log.info = info;
    }
    await settle();
    return logs;
}

describe("KV cache sizing", () => {
    it("knows the architectures of the preset models, from their config.json", () => {
        assert.deepEqual(MODEL_ARCHITECTURES["Qwen/Qwen3-8B"], { hiddenLayers: 36, keyValueHeads: 8, headDim: 128 });
        assert.deepEqual(MODEL_ARCHITECTURES["Qwen/Qwen2.5-72B-Instruct"], { hiddenLayers: 80, keyValueHeads: 8, headDim: 128 });
        assert.deepEqual(MODEL_ARCHITECTURES["BAAI/bge-m3"], { hiddenLayers: 24, keyValueHeads: 16, headDim: 64, encoderOnly: true });
    });

    it("takes 2 × layers × KV heads per GPU × head dim × dtype bytes per token, tensor parallelism splitting the KV heads", () => {
        assert.equal(kvCacheBytesPerToken(MODEL_ARCHITECTURES["Qwen/Qwen3-8B"], "auto", 1), 147456);
        assert.equal(kvCacheBytesPerToken(MODEL_ARCHITECTURES["Qwen/Qwen3-8B"], "float32", 1), 294912);
        // Grouped-query attention: 8 KV heads, not 64; four GPUs hold 2 each.
        assert.equal(kvCacheBytesPerToken(MODEL_ARCHITECTURES["Qwen/Qwen2.5-72B-Instruct"], "auto", 4), 81920);
        // Fewer KV heads than GPUs: vLLM replicates them, one per GPU.
        assert.equal(kvHeadsPerGpu(4, 8), 1);
        assert.equal(kvCacheBytesPerToken(MODEL_ARCHITECTURES["Qwen/Qwen2.5-7B-Instruct"], "auto", 8), 14336);
    });

    it("reproduces the issue: Qwen3-8B on an L4 holds about three 8k-token requests", () => {
        const c = servingCapacity({ ...QWEN3_8B, accelerator: "g6.2xlarge", tensorParallelSize: 1 })!;
        assert.equal(c.kvCacheGiB.toFixed(4), "3.3613");
        assert.deepEqual({ ...c, kvCacheGiB: undefined }, { kvCacheGiB: undefined, tokens: 24464, sequences: 2.986328125, maxOngoingRequests: 11, targetOngoingRequests: 8 });
    });

    it("sizes the production models: Qwen3-8B on an L40S, Qwen2.5-72B on four", () => {
        const chat = servingCapacity({ ...QWEN3_8B, accelerator: "g6e.xlarge", tensorParallelSize: 1 })!;
        assert.deepEqual([chat.kvCacheGiB.toFixed(4), chat.tokens, chat.maxOngoingRequests, chat.targetOngoingRequests], ["23.4777", 170944, 83, 56]);
        const large = servingCapacity({ ...QWEN3_8B, parametersBillions: 72.7, architecture: MODEL_ARCHITECTURES["Qwen/Qwen2.5-72B-Instruct"], accelerator: "g6e.12xlarge", tensorParallelSize: 4 })!;
        assert.deepEqual([large.kvCacheGiB.toFixed(4), large.tokens, large.sequences, large.maxOngoingRequests, large.targetOngoingRequests], ["4.8792", 63952, 7.806640625, 31, 21]);
    });

    it("keeps no KV cache for an encoder-only model", () => {
        assert.equal(servingCapacity({ ...QWEN3_8B, parametersBillions: 0.568, architecture: MODEL_ARCHITECTURES["BAAI/bge-m3"], accelerator: "g6.xlarge", tensorParallelSize: 1 }), undefined);
    });

    it("caps max_ongoing_requests at vLLM's max_num_seqs: 1024 on H100 and H200, 256 on the others", () => {
        assert.deepEqual(["g6.xlarge", "g6e.xlarge", "p4d.24xlarge", "p4de.24xlarge", "p5.48xlarge", "p5e.48xlarge"].map(vllmMaxNumSeqs), [256, 256, 256, 256, 1024, 1024]);
        const c = servingCapacity({ ...QWEN3_8B, parametersBillions: 7.62, architecture: MODEL_ARCHITECTURES["Qwen/Qwen2.5-7B-Instruct"], accelerator: "p5e.48xlarge", tensorParallelSize: 8 })!;
        assert.deepEqual([c.tokens, c.maxOngoingRequests, c.targetOngoingRequests], [9259360, 1024, 683]);
    });

    it("sets the target two thirds of the maximum, below it", () => {
        assert.deepEqual([1, 2, 3, 11, 64, 83].map(targetOngoingRequestsFor), [1, 1, 2, 8, 43, 56]);
    });

    it("prints one line per model", () => {
        const serve = { embedding: false, maxOngoingRequests: 11, targetOngoingRequests: 8 };
        assert.equal(servingCapacityLine({ ...QWEN3_8B, ...serve, name: "qwen3-8b", accelerator: "g6.2xlarge", tensorParallelSize: 1 }),
            "qwen3-8b on g6.2xlarge (L4, tp 1): 3.4 GiB KV cache per GPU = 24,464 tokens = 2.99 sequences of 8192 tokens; max_ongoing_requests 11, target 8");
        assert.equal(servingCapacityLine({ ...QWEN3_8B, ...serve, name: "mine", accelerator: "g6.2xlarge", tensorParallelSize: 1, architecture: undefined }),
            "mine on g6.2xlarge (L4, tp 1): KV cache not sized (architecture unknown: give numHiddenLayers, numKeyValueHeads and headDim); max_ongoing_requests 11, target 8");
        const embedding = { ...serve, embedding: true, maxOngoingRequests: 64, targetOngoingRequests: 16 };
        assert.equal(servingCapacityLine({ ...QWEN3_8B, ...embedding, name: "bge-m3", parametersBillions: 0.568, architecture: MODEL_ARCHITECTURES["BAAI/bge-m3"], accelerator: "g6.xlarge", tensorParallelSize: 1 }),
            "bge-m3 on g6.xlarge (L4, tp 1): no KV cache (an encoder-only model); max_ongoing_requests 64, target 16");
        assert.equal(servingCapacityLine({ ...QWEN3_8B, ...embedding, name: "e5", parametersBillions: 7.11, architecture: MODEL_ARCHITECTURES["intfloat/e5-mistral-7b-instruct"], accelerator: "g6.xlarge", tensorParallelSize: 1 }),
            "e5 on g6.xlarge (L4, tp 1): 5.4 GiB KV cache per GPU = 44,000 tokens = 5.37 sequences of 8192 tokens (an embedding request holds it for one forward pass); max_ongoing_requests 64, target 16");
        assert.equal(servingCapacityLine({ ...QWEN3_8B, ...embedding, name: "emb", accelerator: "g6.xlarge", tensorParallelSize: 1, architecture: undefined }),
            "emb on g6.xlarge (L4, tp 1): KV cache not sized (architecture unknown); max_ongoing_requests 64, target 16");
    });
});

describe("Serve's concurrency defaults from the KV cache", () => {
    const serveOf = (m: ModelArgs): [number, number] => {
        const r = resolveModel(m);
        return [r.maxOngoingRequests, r.targetOngoingRequests];
    };

    it("derives max_ongoing_requests and target_ongoing_requests for generative models", () => {
        assert.deepEqual(serveOf(DEV), [11, 8]);
        assert.deepEqual(serveOf({ ...DEV, accelerator: "g6e.xlarge" }), [83, 56]);
        assert.deepEqual(serveOf({ ...DEV, gpuMemoryUtilization: 0.95 }), [15, 10]);
        // A longer window: a typical request (a quarter of it) is longer too, and one request of 32768 does not fit.
        assert.deepEqual(serveOf({ ...DEV, maxModelLength: 32768 }), [2, 1]);
        assert.deepEqual(serveOf({ name: "llama-70b", source: "meta-llama/Llama-3.3-70B-Instruct", accelerator: "g6e.12xlarge", tensorParallelSize: 4 }), [37, 25]);
    });

    it("sizes a model the catalogue does not know from the architecture given", () => {
        const mine = { name: "mine", source: "s3://models/qwen3-8b-ft/", accelerator: "g6.2xlarge", parametersBillions: 8.19 };
        assert.deepEqual(serveOf({ ...mine, numHiddenLayers: 36, numKeyValueHeads: 8, headDim: 128 }), [11, 8]);
        assert.deepEqual(serveOf(mine), [64, 16], "not sized: the fixed defaults");
    });

    it("keeps the fixed defaults for embedding models", () => {
        assert.deepEqual(serveOf({ name: "bge-m3", source: "BAAI/bge-m3", accelerator: "g6.xlarge", embedding: true }), [64, 16]);
        assert.deepEqual(serveOf({ name: "e5", source: "intfloat/e5-mistral-7b-instruct", accelerator: "g6.xlarge", embedding: true }), [64, 16]);
    });

    it("fills in the other value around one that is given", () => {
        assert.deepEqual(serveOf({ ...DEV, maxOngoingRequests: 6 }), [6, 4]);
        assert.deepEqual(serveOf({ ...DEV, targetOngoingRequests: 4 }), [11, 4]);
        // A target at or above the derived maximum raises the maximum 50% above it.
        assert.deepEqual(serveOf({ ...DEV, targetOngoingRequests: 20 }), [30, 20]);
        assert.deepEqual(serveOf({ name: "mine", source: "acme/x", accelerator: "g6.2xlarge", parametersBillions: 7, maxOngoingRequests: 8 }), [8, 6]);
        assert.deepEqual(serveOf({ name: "mine", source: "acme/x", accelerator: "g6.2xlarge", parametersBillions: 7, targetOngoingRequests: 100 }), [150, 100]);
    });
});

describe("VllmRayService with KV-cache-aware defaults", () => {
    it("renders the derived values and exposes the serving capacity, without warnings", async () => {
        let service: VllmRayService | undefined;
        const logs = await logsOf(() => {
            service = new VllmRayService("kv1", { models: [DEV, { name: "bge-m3", source: "BAAI/bge-m3", accelerator: "g6.xlarge", embedding: true }] }, { provider });
        });
        assert.deepEqual(logs, { warnings: [], notes: [] });
        assert.deepEqual(await valueOf(service!.servingCapacity), [
            "qwen3-8b on g6.2xlarge (L4, tp 1): 3.4 GiB KV cache per GPU = 24,464 tokens = 2.99 sequences of 8192 tokens; max_ongoing_requests 11, target 8",
            "bge-m3 on g6.xlarge (L4, tp 1): no KV cache (an encoder-only model); max_ongoing_requests 64, target 16",
        ]);
        const configs = YAML.parse((resource("kubernetes:ray.io/v1:RayService", "kv1-rayservice").inputs.spec as any).serveConfigV2).applications[0].args.llm_configs;
        assert.deepEqual(configs.map((c: any) => [c.deployment_config.max_ongoing_requests, c.deployment_config.autoscaling_config.target_ongoing_requests]), [[11, 8], [64, 16]]);
    });

    it("warns, naming the model and the values, when explicit values exceed what the KV cache runs at once (the issue's 64)", async () => {
        const logs = await logsOf(() => new VllmRayService("kv2", { models: [{ ...DEV, maxOngoingRequests: 64, targetOngoingRequests: 16 }] }, { provider }));
        assert.deepEqual(logs, {
            notes: [],
            warnings: [
                `VllmRayService kv2: models[0] "qwen3-8b" on g6.2xlarge (L4, tensorParallelSize 1) runs about 11 requests at once: its 3.4 GiB of KV cache per GPU holds 24464 tokens, 2.99 requests of maxModelLength 8192 or 11 of a typical 2048 tokens, and vLLM runs at most 256 (max_num_seqs). With maxOngoingRequests 64 and targetOngoingRequests 16, a replica takes more than it runs, and the rest queue inside vLLM, where Serve's autoscaler does not see them. Use maxOngoingRequests 11 and targetOngoingRequests 8 (the defaults), or give the model more GPU memory.`,
            ],
        });
    });

    it("warns when the KV cache cannot hold one request of maxModelLength, and notes a model it cannot size", async () => {
        const logs = await logsOf(() => new VllmRayService("kv3", {
            models: [{ ...DEV, maxModelLength: 32768 }, { name: "mine", source: "acme/private-7b", parametersBillions: 7, accelerator: "g6.2xlarge" }],
        }, { provider }));
        assert.deepEqual(logs, {
            warnings: [
                `VllmRayService kv3: models[0] "qwen3-8b" on g6.2xlarge (L4, tensorParallelSize 1) has about 3.4 GiB of KV cache per GPU, 24464 tokens: less than one request of maxModelLength 32768, so vLLM refuses to start. Lower maxModelLength to 24464 or less, or give it more GPU memory (tensorParallelSize, gpuMemoryUtilization or a larger accelerator).`,
            ],
            notes: [
                `VllmRayService kv3: the KV cache of "mine" is not sized (MODEL_ARCHITECTURES does not know "acme/private-7b"), so maxOngoingRequests 64 and targetOngoingRequests 16 do not follow from it. Give numHiddenLayers, numKeyValueHeads and headDim (from the model's config.json) to size it.`,
            ],
        });
    });

    it("does not warn about values within the KV cache, nor about embedding models", () => {
        const given: ModelArgs[] = [{ ...DEV, maxOngoingRequests: 11, targetOngoingRequests: 10 }, { name: "e5", source: "intfloat/e5-mistral-7b-instruct", accelerator: "g6.xlarge", embedding: true, maxOngoingRequests: 128 }];
        assert.deepEqual(vllmServiceWarnings("kv4", given, given.map(resolveModel)), []);
        assert.deepEqual(vllmServiceNotes("kv4", given.map(resolveModel)), []);
    });

    it("refuses a partial or malformed architecture", async () => {
        assert.equal(await refusal("ray-vllm-eks:index:VllmRayService", "kv5", () => new VllmRayService("kv5", { models: [{ ...DEV, numHiddenLayers: 36 }] }, { provider })),
            `VllmRayService: models[0] gives numHiddenLayers without numKeyValueHeads and headDim: the KV cache is sized from all three (num_hidden_layers, num_key_value_heads and head_dim in the model's config.json); give them all, or none.`);
        assert.equal(await refusal("ray-vllm-eks:index:VllmRayService", "kv6", () => new VllmRayService("kv6", { models: [{ ...DEV, numHiddenLayers: 36, numKeyValueHeads: 8, headDim: 0.5 }] }, { provider })),
            `VllmRayService: models[0].headDim 0.5 must be a positive whole number, from the model's config.json.`);
    });
});

describe("the plan's serving capacity lines", () => {
    it("prints every VllmRayService's lines, and nothing for other resources", () => {
        assert.deepEqual(servingCapacityLines([
            { type: "ray-vllm-eks:index:VllmRayService", outputs: { servingCapacity: ["a on g6.xlarge (L4, tp 1): x", "b on g6.xlarge (L4, tp 1): y"] } },
            { type: "ray-vllm-eks:index:GpuNodePool", outputs: { servingCapacity: ["not a service"] } },
            { type: "ray-vllm-eks:index:VllmRayService", outputs: {} },
        ]), ["serving capacity: a on g6.xlarge (L4, tp 1): x", "serving capacity: b on g6.xlarge (L4, tp 1): y"]);
    });
});
