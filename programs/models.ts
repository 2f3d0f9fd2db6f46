/**
 * The models an environment serves, and the Hugging Face token, from the stack's config: adding,
 * upgrading or removing a model is an edit of Pulumi.<stack>.yaml (docs/operations.md), never of
 * a program. Each model is checked here, field by field, before the program creates anything: a
 * misspelled field would otherwise be dropped on the way to the component, and the model would
 * silently keep a default (the same trap as an undeclared config key).
 */
import * as pulumi from "@pulumi/pulumi";

import { ModelArgs, validateModels, VllmRayServiceArgs } from "../components/vllm-service";
import { suggestKey } from "../plan/project";

/** The config key of the models (a list of objects, declared in Pulumi.yaml). */
export const MODELS_KEY = "models";
/** The config key of the Hugging Face token (set with `pulumi config set --secret`). */
export const HUGGING_FACE_TOKEN_KEY = "huggingFaceToken";

/**
 * The fields a model of the config may have, with their JSON types: VllmRayService's ModelArgs
 * (components/vllm-service/args.ts; test/programs-models.test.ts keeps the two in step), and
 * `pool`, the GPU pool of the environment its replicas run in.
 */
export const MODEL_CONFIG_FIELDS: Readonly<Record<string, "string" | "number" | "boolean">> = {
    name: "string",
    source: "string",
    accelerator: "string",
    pool: "string",
    tensorParallelSize: "number",
    parametersBillions: "number",
    numHiddenLayers: "number",
    numKeyValueHeads: "number",
    headDim: "number",
    dtype: "string",
    maxModelLength: "number",
    gpuMemoryUtilization: "number",
    enablePrefixCaching: "boolean",
    embedding: "boolean",
    gated: "boolean",
    minReplicas: "number",
    maxReplicas: "number",
    targetOngoingRequests: "number",
    maxOngoingRequests: "number",
    upscaleDelaySeconds: "number",
    downscaleDelaySeconds: "number",
    upscalingFactor: "number",
    downscalingFactor: "number",
};

/** The fields every model must give, with what each is. */
const REQUIRED_FIELDS: readonly (readonly [string, string])[] = [
    ["name", `the name clients send as "model", such as "qwen3-8b"`],
    ["source", `a Hugging Face model id such as "Qwen/Qwen3-8B", or an s3:// URI`],
    ["accelerator", `the GPU instance type its replicas run on, such as "g6.xlarge"`],
];

/** A model of the config: its arguments for VllmRayService, and the GPU pool it runs in. */
export interface ConfiguredModel {
    model: ModelArgs;
    pool: string;
}

function describe(value: unknown): string {
    return Array.isArray(value) ? "a list" : value === null ? "null" : typeof value === "object" ? "an object" : `${JSON.stringify(value)}`;
}

/**
 * Every problem with the `models` config value (as parsed from its JSON), each naming the model's
 * index and field, the value and the fix; empty when it is a list of valid models. `pools` are the
 * environment's GPU pools, the first the default.
 */
export function modelConfigProblems(value: unknown, pools: readonly string[]): string[] {
    if (!Array.isArray(value)) {
        return [`${MODELS_KEY} is ${describe(value)}, not a list: list the models, each with name, source and accelerator.`];
    }
    if (value.length === 0) {
        return [`${MODELS_KEY} is empty: list at least one model, such as {name: qwen3-8b, source: Qwen/Qwen3-8B, accelerator: g6.2xlarge}.`];
    }
    const fields = Object.keys(MODEL_CONFIG_FIELDS);
    return value.flatMap((m: unknown, i) => {
        const at = `${MODELS_KEY}[${i}]`;
        if (m === null || typeof m !== "object" || Array.isArray(m)) {
            return [`${at} is ${describe(m)}, not a model: give an object with name, source and accelerator.`];
        }
        const given = m as Record<string, unknown>;
        const unknown = Object.keys(given).filter((k) => !(k in MODEL_CONFIG_FIELDS)).map((k) => {
            const { closest, near } = suggestKey(k, fields);
            return `${at}.${k} is not a field of a model: ${near ? `did you mean ${closest}?` : `the fields are ${fields.join(", ")}.`}`;
        });
        const missing = REQUIRED_FIELDS.filter(([k]) => given[k] === undefined || given[k] === null || given[k] === "")
            .map(([k, what]) => `${at} has no ${k}: give ${what}.`);
        const mistyped = Object.entries(given).filter(([k, v]) => k in MODEL_CONFIG_FIELDS && v !== undefined && v !== null && typeof v !== MODEL_CONFIG_FIELDS[k])
            .map(([k, v]) => `${at}.${k} is ${describe(v)}, not a ${MODEL_CONFIG_FIELDS[k]}: write it as ${MODEL_CONFIG_FIELDS[k] === "string" ? "text" : `a YAML ${MODEL_CONFIG_FIELDS[k]}, without quotes`}.`);
        const pool = given.pool;
        const badPool = typeof pool === "string" && !pools.includes(pool)
            ? [`${at}.pool ${JSON.stringify(pool)} is not a GPU pool of this environment: use ${pools.join(" or ")} (the default is ${pools[0]}).`]
            : [];
        return [...unknown, ...missing, ...mistyped, ...badPool];
    });
}

/**
 * The environment's models from its config, each with its GPU pool (the first of `pools` unless
 * it names another). Refuses the config before anything is created when a model is not valid:
 * its fields here, then VllmRayService's checks of the models alone (validateModels: sizes,
 * replicas, a gated model without a token, `tokenGiven` saying whether the stack has one), so a
 * bad model never stops `pulumi up` half-way, after the cluster.
 */
export function modelsFromConfig(config: pulumi.Config, pools: readonly string[], tokenGiven: boolean): ConfiguredModel[] {
    const value = config.requireObject<unknown>(MODELS_KEY);
    const fields = modelConfigProblems(value, pools);
    const configured = fields.length > 0 ? [] : (value as Record<string, unknown>[]).map((given) => {
        const { pool, ...model } = given;
        return { model: model as unknown as ModelArgs, pool: (pool as string | undefined) ?? pools[0] };
    });
    const problems = fields.length > 0 ? fields : validateModels(configured.map((m) => m.model), tokenGiven);
    if (problems.length > 0) {
        const stack = pulumi.getStack();
        const token = problems.some((p) => p.includes("huggingFaceToken"))
            ? `\nSet the token with pulumi config set --secret ${HUGGING_FACE_TOKEN_KEY} <token> (huggingFaceTokenSecretName is for programs that pass an existing Secret).`
            : "";
        throw new pulumi.RunError(`stack "${stack}": the config key ${pulumi.getProject()}:${MODELS_KEY} (Pulumi.${stack}.yaml) is not valid:\n`
            + `${problems.map((p) => `  - ${p}`).join("\n")}\nEach model is an object of the fields docs/operations.md lists (Pulumi.yaml describes the key).${token}`);
    }
    return configured;
}

/** The distinct accelerators of the models that run in `pool`, in the models' order. */
export function acceleratorsIn(models: readonly ConfiguredModel[], pool: string): string[] {
    return [...new Set(models.filter((m) => m.pool === pool).map((m) => m.model.accelerator))];
}

/**
 * fromConfig's map for the models: each model as the component's errors name it (`models[1]`),
 * from the same place in the config, and the Hugging Face token.
 */
export function modelConfigArguments(models: readonly ConfiguredModel[]): Record<string, string> {
    return {
        ...Object.fromEntries(models.map((_, i) => [`models[${i}]`, `${MODELS_KEY}[${i}]`])),
        huggingFaceToken: HUGGING_FACE_TOKEN_KEY,
    };
}

/**
 * VllmRayService's arguments that every environment takes from the stack's config: the models,
 * the Hugging Face token, the model cache's size and the restart generation.
 */
export function servingArgsFromConfig(config: pulumi.Config, models: readonly ConfiguredModel[], huggingFaceToken: pulumi.Output<string> | undefined):
    Pick<VllmRayServiceArgs, "models" | "huggingFaceToken" | "modelCacheSizeGiB" | "restartGeneration"> {
    return {
        models: models.map((m) => m.model),
        huggingFaceToken,
        // It must hold the weights of every model on one accelerator.
        modelCacheSizeGiB: config.getNumber("modelCacheSizeGiB"),
        restartGeneration: config.getNumber("rayRestartGeneration"),
    };
}

/** fromConfig's map for servingArgsFromConfig's arguments. */
export function servingConfigArguments(models: readonly ConfiguredModel[]): Record<string, string> {
    return { ...modelConfigArguments(models), modelCacheSizeGiB: "modelCacheSizeGiB", restartGeneration: "rayRestartGeneration" };
}

/**
 * Whether the stack's config holds `key` encrypted. The SDK keeps this internal (@pulumi/pulumi
 * runtime/config.ts `isConfigSecret`, reading PULUMI_CONFIG_SECRET_KEYS, which the engine sets);
 * Config.get uses it to warn. Should a later SDK drop it, nothing is refused.
 */
function isConfigSecret(key: string): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
    return runtimeConfig.isConfigSecret?.(key) ?? true;
}

/**
 * The Hugging Face token from the stack's config as a secret, or undefined when the stack sets
 * none (Pulumi.yaml's default is ""). A token in plain text is refused: it would sit in
 * Pulumi.<stack>.yaml, in the repository, in clear.
 */
export function huggingFaceTokenFromConfig(): pulumi.Output<string> | undefined {
    const key = `${pulumi.getProject()}:${HUGGING_FACE_TOKEN_KEY}`;
    // The raw value: Config.get would warn that the value is a secret.
    const value = pulumi.runtime.getConfig(key);
    if (value === undefined || value === "") {
        return undefined;
    }
    if (!isConfigSecret(key)) {
        throw new pulumi.RunError(`stack "${pulumi.getStack()}": the config key ${key} holds a token in plain text: encrypt it with pulumi config set --secret ${HUGGING_FACE_TOKEN_KEY} <token> (it then reaches the cluster only as a Kubernetes Secret).`);
    }
    return pulumi.secret(value);
}
