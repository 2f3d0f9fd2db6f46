/**
 * The models and the Hugging Face token from the stack's config (programs/models.ts): every field
 * a model may have, the problems refused before anything is created (each naming the model's index
 * and field, the value and the fix), the pools and the accelerators they offer, and the token,
 * accepted only encrypted.
 */
import * as assert from "node:assert/strict";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { isSecret, PROJECT, restoreSharedMocks, runErrorOf, valueOf } from "./support/mocks";

import { PlanResult, runProgram } from "../plan/engine";
import { resolveProgram } from "../plan/project";
import { ROOT, SOURCE_ALIASES } from "../scripts/repository";

import { fromConfig } from "../programs/config";
import {
    acceleratorsIn, ConfiguredModel, huggingFaceTokenFromConfig, MODEL_CONFIG_FIELDS, modelConfigArguments, modelConfigProblems, modelsFromConfig,
    servingArgsFromConfig, servingConfigArguments,
} from "../programs/models";

const POOLS = ["shared", "large"];
const QWEN = { name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6e.xlarge" };


/** Runs `body` with the stack's config set to `values` (namespaced), `secretKeys` encrypted, then clears it. */
function withConfig<T>(values: Record<string, string>, secretKeys: string[], body: () => T): T {
    pulumi.runtime.setAllConfig(values, secretKeys);
    try {
        return body();
    } finally {
        pulumi.runtime.setAllConfig({}, []);
    }
}

describe("programs/models.ts: the models from the stack's config", () => {
    it("knows every field of a model with its JSON type: ModelArgs's, and pool", () => {
        assert.deepEqual(MODEL_CONFIG_FIELDS, {
            name: "string", source: "string", accelerator: "string", pool: "string", tensorParallelSize: "number", parametersBillions: "number",
            numHiddenLayers: "number", numKeyValueHeads: "number", headDim: "number", dtype: "string", maxModelLength: "number",
            gpuMemoryUtilization: "number", enablePrefixCaching: "boolean", embedding: "boolean", gated: "boolean", minReplicas: "number",
            maxReplicas: "number", targetOngoingRequests: "number", maxOngoingRequests: "number", upscaleDelaySeconds: "number",
            downscaleDelaySeconds: "number", upscalingFactor: "number", downscalingFactor: "number",
        });
    });

    it("accepts models with every kind of field, and a null field as unset", () => {
        assert.deepEqual(modelConfigProblems([QWEN, { ...QWEN, name: "big", pool: "large", tensorParallelSize: 4, embedding: false, gated: true, minReplicas: null }], POOLS), []);
    });

    it("refuses a value that is not a list, and an empty list", () => {
        assert.deepEqual(modelConfigProblems({ name: "x" }, POOLS), ["models is an object, not a list: list the models, each with name, source and accelerator."]);
        assert.deepEqual(modelConfigProblems("qwen", POOLS), [`models is "qwen", not a list: list the models, each with name, source and accelerator.`]);
        assert.deepEqual(modelConfigProblems(undefined, POOLS), ["models is undefined, not a list: list the models, each with name, source and accelerator."]);
        assert.deepEqual(modelConfigProblems([], POOLS), ["models is empty: list at least one model, such as {name: qwen3-8b, source: Qwen/Qwen3-8B, accelerator: g6.2xlarge}."]);
    });

    it("refuses an item that is not an object, naming its index", () => {
        assert.deepEqual(modelConfigProblems([QWEN, "qwen", null, [QWEN], 3], POOLS), [
            `models[1] is "qwen", not a model: give an object with name, source and accelerator.`,
            "models[2] is null, not a model: give an object with name, source and accelerator.",
            "models[3] is a list, not a model: give an object with name, source and accelerator.",
            "models[4] is 3, not a model: give an object with name, source and accelerator.",
        ]);
    });

    it("refuses a misspelled field, naming the field it is closest to, and lists the fields for one far from any", () => {
        assert.deepEqual(modelConfigProblems([{ ...QWEN, maxReplica: 4, MinReplicas: 1, tensorParallel: 4, colour: "red" }], POOLS), [
            "models[0].maxReplica is not a field of a model: did you mean maxReplicas?",
            "models[0].MinReplicas is not a field of a model: did you mean minReplicas?",
            "models[0].tensorParallel is not a field of a model: did you mean tensorParallelSize?",
            "models[0].colour is not a field of a model: the fields are name, source, accelerator, pool, tensorParallelSize, parametersBillions, numHiddenLayers, "
                + "numKeyValueHeads, headDim, dtype, maxModelLength, gpuMemoryUtilization, enablePrefixCaching, embedding, gated, minReplicas, maxReplicas, "
                + "targetOngoingRequests, maxOngoingRequests, upscaleDelaySeconds, downscaleDelaySeconds, upscalingFactor, downscalingFactor.",
        ]);
    });

    it("refuses a model without name, source or accelerator (absent, null or empty), saying what each is", () => {
        assert.deepEqual(modelConfigProblems([{ name: "", source: null }], POOLS), [
            `models[0] has no name: give the name clients send as "model", such as "qwen3-8b".`,
            "models[0] has no source: give a Hugging Face model id such as \"Qwen/Qwen3-8B\", or an s3:// URI.",
            `models[0] has no accelerator: give the GPU instance type its replicas run on, such as "g6.xlarge".`,
        ]);
    });

    it("refuses a field of the wrong type: a quoted number or boolean, a number for text", () => {
        assert.deepEqual(modelConfigProblems([{ ...QWEN, maxReplicas: "4", embedding: "true", accelerator: 5 }], POOLS), [
            "models[0].accelerator is 5, not a string: write it as text.",
            `models[0].maxReplicas is "4", not a number: write it as a YAML number, without quotes.`,
            `models[0].embedding is "true", not a boolean: write it as a YAML boolean, without quotes.`,
        ]);
    });

    it("refuses a pool the environment does not have, naming its pools and the default", () => {
        assert.deepEqual(modelConfigProblems([{ ...QWEN, pool: "Large" }], POOLS), [
            `models[0].pool "Large" is not a GPU pool of this environment: use shared or large (the default is shared).`,
        ]);
        assert.deepEqual(modelConfigProblems([{ ...QWEN, pool: "shared" }], ["inference"]), [
            `models[0].pool "shared" is not a GPU pool of this environment: use inference (the default is inference).`,
        ]);
    });

    it("reports every problem of every model, model by model", () => {
        assert.deepEqual(modelConfigProblems([{ ...QWEN, maxReplica: 2 }, { name: "b", source: "x/y", accelerator: "g6.xlarge", pool: "tiny" }], POOLS), [
            "models[0].maxReplica is not a field of a model: did you mean maxReplicas?",
            `models[1].pool "tiny" is not a GPU pool of this environment: use shared or large (the default is shared).`,
        ]);
    });

    describe("modelsFromConfig", () => {
        it("returns each model's arguments without pool, and its pool (the first by default)", () => {
            const models = withConfig({ [`${PROJECT}:models`]: JSON.stringify([QWEN, { ...QWEN, name: "big", pool: "large", maxReplicas: 2 }]) }, [],
                () => modelsFromConfig(new pulumi.Config(), POOLS, false));
            assert.deepEqual(models, [
                { model: QWEN, pool: "shared" },
                { model: { ...QWEN, name: "big", maxReplicas: 2 }, pool: "large" },
            ]);
        });

        it("refuses invalid models with one RunError naming the stack, the config key and its file, each problem on its own line", () => {
            const models = JSON.stringify([{ ...QWEN, maxReplica: 2 }, { ...QWEN, pool: "tiny" }]);
            assert.equal(runErrorOf(() => withConfig({ [`${PROJECT}:models`]: models }, [], () => modelsFromConfig(new pulumi.Config(), POOLS, false))),
                `stack "test": the config key ray-vllm-eks:models (Pulumi.test.yaml) is not valid:\n`
                + "  - models[0].maxReplica is not a field of a model: did you mean maxReplicas?\n"
                + `  - models[1].pool "tiny" is not a GPU pool of this environment: use shared or large (the default is shared).\n`
                + "Each model is an object of the fields docs/operations.md lists (Pulumi.yaml describes the key).");
        });

        it("refuses models VllmRayService would refuse (validateModels), a gated one without a token with the command that sets it", () => {
            const models = JSON.stringify([QWEN, { name: "llama", source: "meta-llama/Llama-3.1-8B-Instruct", accelerator: "g6.2xlarge", minReplicas: 3, maxReplicas: 2 }]);
            assert.equal(runErrorOf(() => withConfig({ [`${PROJECT}:models`]: models }, [], () => modelsFromConfig(new pulumi.Config(), POOLS, false))),
                `stack "test": the config key ray-vllm-eks:models (Pulumi.test.yaml) is not valid:\n`
                + "  - models[1].minReplicas (3) is greater than models[1].maxReplicas (2): set minReplicas to at most maxReplicas.\n"
                + `  - models[1].source "meta-llama/Llama-3.1-8B-Instruct" is gated on Hugging Face, as meta-llama's models are: downloading it needs the token of an account that accepted its licence. `
                + "Give huggingFaceToken (a secret) or huggingFaceTokenSecretName, or set models[1].gated to false if this model is not gated.\n"
                + "Each model is an object of the fields docs/operations.md lists (Pulumi.yaml describes the key).\n"
                + "Set the token with pulumi config set --secret huggingFaceToken <token> (huggingFaceTokenSecretName is for programs that pass an existing Secret).");
            const gated = JSON.stringify([{ name: "llama", source: "meta-llama/Llama-3.1-8B-Instruct", accelerator: "g6.2xlarge" }]);
            assert.deepEqual(withConfig({ [`${PROJECT}:models`]: gated }, [], () => modelsFromConfig(new pulumi.Config(), ["inference"], true)),
                [{ model: { name: "llama", source: "meta-llama/Llama-3.1-8B-Instruct", accelerator: "g6.2xlarge" }, pool: "inference" }]);
        });

        it("refuses a stack without models with the SDK's missing-config error", () => {
            assert.throws(() => withConfig({}, [], () => modelsFromConfig(new pulumi.Config(), POOLS, false)), /Missing required configuration variable 'ray-vllm-eks:models'/);
        });
    });

    it("lists each pool's distinct accelerators in the models' order", () => {
        const models: ConfiguredModel[] = [
            { model: { ...QWEN, accelerator: "g6e.xlarge" }, pool: "shared" },
            { model: { ...QWEN, accelerator: "g6e.12xlarge" }, pool: "large" },
            { model: { ...QWEN, accelerator: "g6.xlarge" }, pool: "shared" },
            { model: { ...QWEN, accelerator: "g6e.xlarge" }, pool: "shared" },
        ];
        assert.deepEqual(acceleratorsIn(models, "shared"), ["g6e.xlarge", "g6.xlarge"]);
        assert.deepEqual(acceleratorsIn(models, "large"), ["g6e.12xlarge"]);
        assert.deepEqual(acceleratorsIn(models, "inference"), []);
    });

    it("maps each model and the token to their config keys, and fromConfig names them with the commands that set them", () => {
        const args = modelConfigArguments([{ model: QWEN, pool: "shared" }, { model: QWEN, pool: "large" }]);
        assert.deepEqual(args, { "models[0]": "models[0]", "models[1]": "models[1]", "huggingFaceToken": "huggingFaceToken" });
        const error = new pulumi.ResourceError("VllmRayService: models[1].source \"meta-llama/x\" is gated: give huggingFaceToken or huggingFaceTokenSecretName.", undefined);
        assert.throws(() => fromConfig(args, () => { throw error; }), (e: Error) => {
            assert.equal(e.message, `${error.message}\nSet by the stack's config:\n`
                + "  models[1]: config key ray-vllm-eks:models[1] (Pulumi.test.yaml, or pulumi config set --path 'models[1].<field>' <value>)\n"
                + "  huggingFaceToken: config key ray-vllm-eks:huggingFaceToken (Pulumi.test.yaml, or pulumi config set --secret huggingFaceToken <value>)");
            return true;
        });
    });

    it("gives VllmRayService the models without their pools, the token, and the cache size and restart generation from their config keys", () => {
        const models: ConfiguredModel[] = [{ model: QWEN, pool: "shared" }];
        const token = pulumi.secret("hf");
        assert.deepEqual(withConfig({ [`${PROJECT}:modelCacheSizeGiB`]: "150", [`${PROJECT}:rayRestartGeneration`]: "2" }, [], () => servingArgsFromConfig(new pulumi.Config(), models, token)),
            { models: [QWEN], huggingFaceToken: token, modelCacheSizeGiB: 150, restartGeneration: 2 });
        assert.deepEqual(withConfig({}, [], () => servingArgsFromConfig(new pulumi.Config(), models, undefined)),
            { models: [QWEN], huggingFaceToken: undefined, modelCacheSizeGiB: undefined, restartGeneration: undefined });
        assert.deepEqual(servingConfigArguments(models), { "models[0]": "models[0]", "huggingFaceToken": "huggingFaceToken", "modelCacheSizeGiB": "modelCacheSizeGiB", "restartGeneration": "rayRestartGeneration" });
    });

    describe("huggingFaceTokenFromConfig", () => {
        it("is undefined when the stack sets no token, or the empty default", () => {
            assert.equal(withConfig({}, [], () => huggingFaceTokenFromConfig()), undefined);
            assert.equal(withConfig({ [`${PROJECT}:huggingFaceToken`]: "" }, [], () => huggingFaceTokenFromConfig()), undefined);
        });

        it("gives an encrypted token as a secret output of its value", async () => {
            const token = withConfig({ [`${PROJECT}:huggingFaceToken`]: "hf_abc" }, [`${PROJECT}:huggingFaceToken`], () => huggingFaceTokenFromConfig());
            assert.ok(token !== undefined);
            assert.equal(await valueOf(token), "hf_abc");
            assert.equal(await isSecret(token), true);
        });

        it("refuses a token in plain text, saying how to encrypt it", () => {
            assert.equal(runErrorOf(() => withConfig({ [`${PROJECT}:huggingFaceToken`]: "hf_abc" }, [], () => huggingFaceTokenFromConfig())),
                `stack "test": the config key ray-vllm-eks:huggingFaceToken holds a token in plain text: encrypt it with pulumi config set --secret huggingFaceToken <token> (it then reaches the cluster only as a Kubernetes Secret).`);
        });
    });
});

describe("dev's program with a gated model and an encrypted token, in process", () => {
    const LLAMA = { name: "llama-3.1-8b", source: "meta-llama/Llama-3.1-8B-Instruct", accelerator: "g6.2xlarge", minReplicas: 0, maxReplicas: 1 };
    let plan: PlanResult;

    before(async () => {
        const program = resolveProgram(ROOT, "dev", [`models=${JSON.stringify([LLAMA])}`, "huggingFaceToken=hf_test_token"]);
        program.config.secretKeys.push("ray-vllm-eks:huggingFaceToken");
        // The programs load afresh: another test may have run them with other config.
        for (const loaded of Object.keys(require.cache)) {
            if (loaded.startsWith(path.join(ROOT, "programs") + path.sep)) {
                delete require.cache[loaded];
            }
        }
        try {
            plan = await runProgram(program, { aliases: SOURCE_ALIASES });
        } finally {
            restoreSharedMocks();
        }
    });

    it("stores the token in a Secret of the service's namespace, its value redacted", () => {
        const secrets = plan.resources.filter((r) => r.type === "kubernetes:core/v1:Secret" && r.name === "vllm-hf-token");
        assert.equal(secrets.length, 1);
        assert.deepEqual(secrets[0].inputs.metadata, { name: "vllm-hf-token", namespace: "llm" });
        assert.deepEqual(secrets[0].inputs.stringData, { token: "[secret]" });
    });

    it("serves the config's model, its workers reading HF_TOKEN from that Secret", () => {
        const service = plan.resources.find((r) => r.type === "kubernetes:ray.io/v1:RayService");
        const spec = service?.inputs.spec as { serveConfigV2: string; rayClusterConfig: { workerGroupSpecs: { template: { spec: { containers: { env: unknown[] }[] } } }[] } };
        assert.match(spec.serveConfigV2, /model_source: meta-llama\/Llama-3\.1-8B-Instruct/);
        const env = spec.rayClusterConfig.workerGroupSpecs.map((g) => g.template.spec.containers[0].env);
        assert.equal(env.length, 2);
        for (const e of env) {
            assert.deepEqual(e.filter((v) => (v as { name: string }).name === "HF_TOKEN"), [{ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "vllm-hf-token", key: "token" } } }]);
        }
    });
});
