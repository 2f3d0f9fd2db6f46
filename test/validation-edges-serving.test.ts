/**
 * Edges of VllmRayService's and MonitoringStack's argument validation that the mutation run
 * (npm run mutate) showed untested: each per-model and per-service message written out, the values
 * at and just past each boundary, the dashboard's sign-in detection, the KV-cache sizing guards
 * (architectureOf, capacityOf) and the version, duration and URL patterns of MonitoringStack.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

import { monitoringDefaults, ResolvedMonitoringArgs, validateMonitoringArgs } from "../components/monitoring/args";
import {
    architectureOf, capacityOf, dashboardSignIn, GATED_HUGGING_FACE_ORGANIZATIONS, isGated, ModelArgs, validateModels, RayDashboardIngressArgs, ResolvedModel, ResolvedServiceArgs, resolveModel, validateDashboardIngress,
    validateVllmServiceArgs, vllmServiceDefaults, vllmServiceWarnings,
} from "../components/vllm-service/args";

const { model: _modelDefaults, ...SERVICE_DEFAULTS } = vllmServiceDefaults;

/** Qwen3 8B on a g6.2xlarge (one L4): a model of the catalogue that fits, with a sized KV cache. */
const QWEN: ModelArgs = { name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6.2xlarge" };
/** A model the catalogue does not know: its KV cache is not sized, so it keeps the fixed Serve defaults. */
const UNKNOWN: ModelArgs = { name: "acme-7b", source: "acme/unknown-7b", accelerator: "g6.2xlarge", parametersBillions: 7 };

/** QWEN with `given` resolved as the constructor resolves it, then `resolved` set over the result. */
function model(given: Partial<ModelArgs> = {}, resolved: Partial<ResolvedModel> = {}): ResolvedModel {
    return { ...resolveModel({ ...QWEN, ...given }), ...resolved };
}

/** The messages for the service's defaults with `overrides`, serving `models`. */
function check(overrides: Partial<ResolvedServiceArgs>, models: ResolvedModel[] = [model()]): string[] {
    return validateVllmServiceArgs("svc", { ...SERVICE_DEFAULTS, ...overrides } as ResolvedServiceArgs, models);
}

describe("validateVllmServiceArgs: each model's messages", () => {
    it("accepts QWEN with every default (the baseline of the cases below)", () => {
        assert.deepStrictEqual(check({}), []);
    });

    it("refuses an empty model name with the message that asks for the name clients send", () => {
        assert.deepStrictEqual(check({}, [model({ name: "" })]), [
            `models[0].name is empty: give the name clients send as "model", such as "llama-3.1-8b".`,
        ]);
    });

    it("refuses an empty source with the message that asks for a Hugging Face id or an s3:// URI", () => {
        assert.deepStrictEqual(check({}, [model({ source: "", parametersBillions: 8 })]), [
            `models[0].source is empty: give a Hugging Face model id such as "meta-llama/Llama-3.1-8B-Instruct", or an s3:// URI.`,
        ]);
    });

    it("refuses a dtype the sizing check does not know, listing the known ones joined by \", \"", () => {
        assert.deepStrictEqual(check({}, [model({ dtype: "int8" })]), [
            `models[0].dtype "int8" is not a dtype the sizing check knows: use auto, bfloat16, float16, half, float32, float.`,
        ]);
    });

    it("accepts gpuMemoryUtilization exactly 1 and refuses 1.01 as outside (0, 1]", () => {
        assert.deepStrictEqual(check({}, [model({ gpuMemoryUtilization: 1 })]), []);
        assert.deepStrictEqual(check({}, [model({ gpuMemoryUtilization: 1.01 })]), [
            `models[0].gpuMemoryUtilization 1.01 must be in (0, 1]: the share of each GPU's memory vLLM may use, such as 0.9.`,
        ]);
    });

    it("refuses gpuMemoryUtilization 0 with its own message only, not a fit message that suggests no accelerator", () => {
        assert.deepStrictEqual(check({}, [model({ gpuMemoryUtilization: 0 })]), [
            `models[0].gpuMemoryUtilization 0 must be in (0, 1]: the share of each GPU's memory vLLM may use, such as 0.9.`,
        ]);
    });

    it("refuses minReplicas -1 as not a whole number of at least 0", () => {
        assert.deepStrictEqual(check({}, [model({}, { minReplicas: -1 })]), [
            `models[0].minReplicas -1 must be a whole number of at least 0 (0 scales to zero when idle).`,
        ]);
    });

    it("refuses maxReplicas 0 as not a whole number of at least 1", () => {
        assert.deepStrictEqual(check({}, [model({}, { minReplicas: 0, maxReplicas: 0 })]), [
            `models[0].maxReplicas 0 must be a whole number of at least 1.`,
        ]);
    });

    it("refuses maxOngoingRequests 2.5 as not a positive whole number", () => {
        assert.deepStrictEqual(check({}, [model({}, { maxOngoingRequests: 2.5, targetOngoingRequests: 2 })]), [
            `models[0].maxOngoingRequests 2.5 must be a positive whole number, such as 64.`,
        ]);
    });

    it("refuses maxOngoingRequests 10 below targetOngoingRequests 16, and accepts them equal at 16", () => {
        assert.deepStrictEqual(check({}, [model({}, { maxOngoingRequests: 10, targetOngoingRequests: 16 })]), [
            `models[0].maxOngoingRequests (10) is below targetOngoingRequests (16): a replica could never reach its target; raise maxOngoingRequests.`,
        ]);
        assert.deepStrictEqual(check({}, [model({}, { maxOngoingRequests: 16, targetOngoingRequests: 16 })]), []);
    });

    it("refuses maxModelLength 0 as not a positive whole number of tokens", () => {
        assert.deepStrictEqual(check({}, [model({}, { maxModelLength: 0 })]), [
            `models[0].maxModelLength 0 must be a positive whole number of tokens, such as 8192.`,
        ]);
    });

    it("refuses numHiddenLayers 0 given with the other two architecture numbers as not a positive whole number", () => {
        assert.deepStrictEqual(check({}, [model({ numHiddenLayers: 0, numKeyValueHeads: 8, headDim: 128 })]), [
            `models[0].numHiddenLayers 0 must be a positive whole number, from the model's config.json.`,
        ]);
    });
});

describe("gated models: isGated and the token they need", () => {
    const LLAMA = { source: "meta-llama/Llama-3.1-8B-Instruct" };

    it("lists the organizations that gate their models on Hugging Face", () => {
        assert.deepStrictEqual(GATED_HUGGING_FACE_ORGANIZATIONS, ["meta-llama", "mistralai", "google", "CohereLabs", "CohereForAI"]);
    });

    it("counts a Hugging Face id of each of those organizations as gated, whatever the case of its organization", () => {
        assert.deepStrictEqual(
            ["meta-llama/Llama-3.1-8B-Instruct", "mistralai/Mistral-7B-Instruct-v0.3", "google/gemma-3-27b-it", "CohereLabs/aya-expanse-8b", "CohereForAI/c4ai-command-r-v01", "Meta-Llama/Llama-3.1-8B-Instruct", "MISTRALAI/Mistral-7B-Instruct-v0.3"]
                .map((source) => isGated({ source })),
            [true, true, true, true, true, true, true],
        );
    });

    it("counts other organizations, S3 prefixes and ids without an organization as not gated", () => {
        assert.deepStrictEqual(
            ["Qwen/Qwen3-8B", "BAAI/bge-m3", "s3://meta-llama/Llama-3.1-8B-Instruct/", "meta-llama", "meta-llama/Llama/extra", "acme/meta-llama", "meta-llamas/x"].map((source) => isGated({ source })),
            [false, false, false, false, false, false, false],
        );
    });

    it("takes an explicit gated over the organization both ways", () => {
        assert.equal(isGated({ ...LLAMA, gated: false }), false);
        assert.equal(isGated({ source: "Qwen/Qwen3-8B", gated: true }), true);
    });

    it("accepts a gated model with a secret token, with the name of a token Secret, or marked gated: false", () => {
        const llama = model({ ...LLAMA, name: "llama-3.1-8b", parametersBillions: 8 });
        assert.deepStrictEqual(check({ huggingFaceToken: pulumi.secret("hf_token") }, [llama]), []);
        assert.deepStrictEqual(check({ huggingFaceTokenSecretName: "hf" }, [llama]), []);
        assert.deepStrictEqual(check({}, [model({ ...LLAMA, name: "llama-3.1-8b", parametersBillions: 8, gated: false })]), []);
    });

    it("validateModels: each model's own problems, then each gated one without a token; none with a token", () => {
        const llama: ModelArgs = { ...LLAMA, name: "llama-3.1-8b", accelerator: "g6.2xlarge", parametersBillions: 8, maxReplicas: 0 };
        assert.deepStrictEqual(validateModels([QWEN, llama], false), [
            "models[1].maxReplicas 0 must be a whole number of at least 1.",
            "models[1].minReplicas (1) is greater than models[1].maxReplicas (0): set minReplicas to at most maxReplicas.",
            `models[1].source "meta-llama/Llama-3.1-8B-Instruct" is gated on Hugging Face, as meta-llama's models are: downloading it needs the token of an account that accepted its licence. Give huggingFaceToken (a secret) or huggingFaceTokenSecretName, or set models[1].gated to false if this model is not gated.`,
        ]);
        assert.deepStrictEqual(validateModels([QWEN, { ...llama, maxReplicas: 2 }], true), []);
        assert.deepStrictEqual(validateModels([QWEN, { ...QWEN }], true), [
            `models[0].name "qwen3-8b" is used by more than one model: clients pick a model by name, so give each its own.`,
            `models[1].name "qwen3-8b" is used by more than one model: clients pick a model by name, so give each its own.`,
        ]);
    });

    it("refuses each gated model without a token, naming its index, and the others not", () => {
        assert.deepStrictEqual(check({}, [model(), model({ ...LLAMA, name: "llama-3.1-8b", parametersBillions: 8 }), model({ name: "mine", gated: true })]), [
            `models[1].source "meta-llama/Llama-3.1-8B-Instruct" is gated on Hugging Face, as meta-llama's models are: downloading it needs the token of an account that accepted its licence. Give huggingFaceToken (a secret) or huggingFaceTokenSecretName, or set models[1].gated to false if this model is not gated.`,
            `models[2].source "Qwen/Qwen3-8B" is gated on Hugging Face (models[2].gated is true): downloading it needs the token of an account that accepted its licence. Give huggingFaceToken (a secret) or huggingFaceTokenSecretName.`,
        ]);
    });
});

describe("validateVllmServiceArgs: the service's messages", () => {
    it("refuses an empty models list with the message that shows a model", () => {
        assert.deepStrictEqual(check({}, []), [
            `models is empty: give at least one model, such as { name: "llama-3.1-8b", source: "meta-llama/Llama-3.1-8B-Instruct", accelerator: "g6.xlarge" }.`,
        ]);
    });

    it("refuses an image without a tag as not pinned, naming the pinned image", () => {
        assert.deepStrictEqual(check({ image: "rayproject/ray-llm" }), [
            `image "rayproject/ray-llm" is not pinned: use a tag such as "rayproject/ray-llm:2.56.0-py312-cu130".`,
        ]);
    });

    it("refuses a secret huggingFaceToken together with huggingFaceTokenSecretName with the one-way-only message alone", () => {
        assert.deepStrictEqual(check({ huggingFaceToken: pulumi.secret("hf_token"), huggingFaceTokenSecretName: "hf" }), [
            `huggingFaceToken and huggingFaceTokenSecretName are both set: give the token one way only.`,
        ]);
    });

    it("accepts restartGeneration 0 and 1, and refuses -1 and 1.5 as not a whole number of at least 0", () => {
        assert.deepStrictEqual(check({ restartGeneration: 0 }), []);
        assert.deepStrictEqual(check({ restartGeneration: 1 }), []);
        assert.deepStrictEqual(check({ restartGeneration: -1 }), ["restartGeneration -1 must be a whole number of at least 0: raise it by one to roll the Ray cluster over."]);
        assert.deepStrictEqual(check({ restartGeneration: 1.5 }), ["restartGeneration 1.5 must be a whole number of at least 0: raise it by one to roll the Ray cluster over."]);
    });

    it("skips the cpuWorkerCpu checks when cpuWorkerCpu is not known yet (an Output)", () => {
        assert.deepStrictEqual(check({ cpuWorkerCpu: pulumi.output("0.5") as unknown as string }), []);
    });

    it("refuses modelCacheSizeGiB 9 as below 10 (and too small for QWEN's weights), and at 10 says only that the weights do not fit", () => {
        const tooSmall = (gib: number) => `modelCacheSizeGiB ${gib} cannot hold the 15.3 GiB of weights of the models on g6.2xlarge: raise it to at least 16 (and GpuNodePool volumeSizeGiB with it), or use modelCachePvcName.`;
        assert.deepStrictEqual(check({ modelCacheSizeGiB: 9 }), [
            `modelCacheSizeGiB 9 must be a whole number of at least 10: model weights are cached there.`,
            tooSmall(9),
        ]);
        assert.deepStrictEqual(check({ modelCacheSizeGiB: 10 }), [tooSmall(10)]);
    });

    it("accepts an internet-facing endpoint that lists serveAllowedCidrs", () => {
        assert.deepStrictEqual(check({
            exposeServe: true, serveInternetFacing: true, serveAllowedCidrs: ["203.0.113.0/24"], serveClientCidrs: ["10.0.0.0/16"],
            serveTlsCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-4e5f",
        }), []);
    });

    it("refuses a serveTlsCertificateArn with a path after the certificate id", () => {
        assert.deepStrictEqual(check({
            exposeServe: true, serveClientCidrs: ["10.0.0.0/16"], serveTlsCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc/def",
        }), [
            `serveTlsCertificateArn "arn:aws:acm:us-west-2:123456789012:certificate/abc/def" is not an ACM certificate ARN: give one such as "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-...".`,
        ]);
    });
});

describe("dashboardSignIn and validateDashboardIngress", () => {
    const COGNITO = { cognitoUserPoolArn: "arn:aws:cognito-idp:us-west-2:123456789012:userpool/us-west-2_abc", cognitoUserPoolClientId: "client", cognitoUserPoolDomain: "auth.example.com" };
    /** A complete Cognito ingress: every check passes. */
    const INGRESS: RayDashboardIngressArgs = {
        allowedCidrs: ["10.20.0.0/16"], loadBalancerSubnetCidrs: ["10.0.0.0/16"], certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d", ...COGNITO,
    };

    it("reads no field as no sign-in, Cognito fields alone as cognito, OIDC fields alone as oidc, and both as none", () => {
        assert.deepStrictEqual([
            dashboardSignIn({ allowedCidrs: [], loadBalancerSubnetCidrs: [], certificateArn: "" }),
            dashboardSignIn({ allowedCidrs: [], loadBalancerSubnetCidrs: [], certificateArn: "", cognitoUserPoolDomain: "auth.example.com" }),
            dashboardSignIn({ allowedCidrs: [], loadBalancerSubnetCidrs: [], certificateArn: "", oidcIssuer: "https://idp.example.com" }),
            dashboardSignIn({ allowedCidrs: [], loadBalancerSubnetCidrs: [], certificateArn: "", oidcIssuer: "https://idp.example.com", cognitoUserPoolDomain: "auth.example.com" }),
        ], [undefined, "cognito", "oidc", undefined]);
    });

    it("accepts the complete Cognito ingress", () => {
        assert.deepStrictEqual(validateDashboardIngress(INGRESS), []);
    });

    it("reads a missing allowedCidrs (untyped configuration) as empty, with the empty-allowlist message alone", () => {
        assert.deepStrictEqual(validateDashboardIngress({ ...INGRESS, allowedCidrs: undefined as unknown as string[] }), [
            `dashboardIngress.allowedCidrs is empty: whoever reaches the Ray dashboard can run code on the cluster (CVE-2023-48022); list the source CIDRs allowed to reach it, such as your VPN's "10.20.0.0/16".`,
        ]);
    });

    it("reads a missing loadBalancerSubnetCidrs (untyped configuration) as empty, with the empty-subnets message alone", () => {
        assert.deepStrictEqual(validateDashboardIngress({ ...INGRESS, loadBalancerSubnetCidrs: undefined as unknown as string[] }), [
            `dashboardIngress.loadBalancerSubnetCidrs is empty: the NetworkPolicy admits the dashboard port only from the load balancer's subnets; give them, such as your VPC's CIDR "10.0.0.0/16".`,
        ]);
    });
});

describe("architectureOf", () => {
    const QWEN3_8B = { hiddenLayers: 36, keyValueHeads: 8, headDim: 128 };

    it("takes the three given numbers when all three are given", () => {
        assert.deepStrictEqual(architectureOf({ ...QWEN, numHiddenLayers: 4, numKeyValueHeads: 2, headDim: 64 }), { hiddenLayers: 4, keyValueHeads: 2, headDim: 64 });
    });

    it("keeps the catalogue's architecture when only headDim is given", () => {
        assert.deepStrictEqual(architectureOf({ ...QWEN, headDim: 64 }), QWEN3_8B);
    });

    it("keeps the catalogue's architecture when numHiddenLayers is missing", () => {
        assert.deepStrictEqual(architectureOf({ ...QWEN, numKeyValueHeads: 2, headDim: 64 }), QWEN3_8B);
    });

    it("keeps the catalogue's architecture when numKeyValueHeads is missing", () => {
        assert.deepStrictEqual(architectureOf({ ...QWEN, numHiddenLayers: 4, headDim: 64 }), QWEN3_8B);
    });

    it("gives no architecture for a source the catalogue does not know when one number is missing", () => {
        assert.equal(architectureOf({ ...UNKNOWN, numHiddenLayers: 4, numKeyValueHeads: 2 }), undefined);
    });
});

describe("capacityOf: only arguments the validation accepts are sized", () => {
    let BASE: ResolvedModel;
    before(() => {
        BASE = resolveModel(QWEN);
    });

    it("sizes QWEN at gpuMemoryUtilization exactly 1: 40752 tokens, maxOngoingRequests 19, target 13", () => {
        assert.deepStrictEqual(capacityOf({ ...BASE, gpuMemoryUtilization: 1 }), {
            kvCacheGiB: 5.596498727798464, tokens: 40752, sequences: 4.974609375, maxOngoingRequests: 19, targetOngoingRequests: 13,
        });
    });

    it("sizes nothing at gpuMemoryUtilization 0 or 1.5", () => {
        assert.deepStrictEqual([capacityOf({ ...BASE, gpuMemoryUtilization: 0 }), capacityOf({ ...BASE, gpuMemoryUtilization: 1.5 })], [undefined, undefined]);
    });

    it("sizes nothing for parametersBillions 0", () => {
        assert.equal(capacityOf({ ...BASE, parametersBillions: 0 }), undefined);
    });

    it("sizes nothing for tensorParallelSize 3 on a g6e.12xlarge (3 does not divide its 4 GPUs)", () => {
        assert.equal(capacityOf({ ...BASE, accelerator: "g6e.12xlarge", tensorParallelSize: 3 }), undefined);
    });

    it("sizes nothing for maxModelLength 0", () => {
        assert.equal(capacityOf({ ...BASE, maxModelLength: 0 }), undefined);
    });

    it("sizes nothing for an architecture with keyValueHeads 0 or headDim 0", () => {
        assert.deepStrictEqual([
            capacityOf({ ...BASE, architecture: { hiddenLayers: 36, keyValueHeads: 0, headDim: 128 } }),
            capacityOf({ ...BASE, architecture: { hiddenLayers: 36, keyValueHeads: 8, headDim: 0 } }),
        ], [undefined, undefined]);
    });
});

describe("resolveModel and vllmServiceWarnings: targetOngoingRequests at the maximum", () => {
    it("raises maxOngoingRequests of a model whose cache is not sized from 64 to 96 for a target of exactly 64, not for 63", () => {
        const at = (target: number) => {
            const m = resolveModel({ ...UNKNOWN, targetOngoingRequests: target });
            return [m.maxOngoingRequests, m.targetOngoingRequests];
        };
        assert.deepStrictEqual([at(63), at(64)], [[64, 63], [96, 64]]);
    });

    it("does not raise maxOngoingRequests for a targetOngoingRequests that is not a number (a string from untyped configuration)", () => {
        assert.equal(resolveModel({ ...UNKNOWN, targetOngoingRequests: "100" as unknown as number }).maxOngoingRequests, 64);
    });

    it("warns of an explicit targetOngoingRequests of exactly QWEN's 11 requests at once, not of 10", () => {
        const warnings = (target: number) => {
            const given = { ...QWEN, targetOngoingRequests: target };
            return vllmServiceWarnings("svc", [given], [resolveModel(given)]);
        };
        assert.deepStrictEqual(warnings(10), []);
        assert.deepStrictEqual(warnings(11), [
            `VllmRayService svc: models[0] "qwen3-8b" on g6.2xlarge (L4, tensorParallelSize 1) runs about 11 requests at once: its 3.4 GiB of KV cache per GPU holds 24464 tokens, 2.99 requests of maxModelLength 8192 or 11 of a typical 2048 tokens, and vLLM runs at most 256 (max_num_seqs). With targetOngoingRequests 11, a replica takes more than it runs, and the rest queue inside vLLM, where Serve's autoscaler does not see them. Use maxOngoingRequests 11 and targetOngoingRequests 8 (the defaults), or give the model more GPU memory.`,
        ]);
    });
});

describe("validateMonitoringArgs: the version, duration and URL patterns", () => {
    const monitoring = (over: Partial<ResolvedMonitoringArgs>): string[] => validateMonitoringArgs({ ...monitoringDefaults, ...over });
    const notChart = (argument: string, v: string, pinned: string) => `${argument} "${v}" is not a chart version: pin one such as "${pinned}".`;

    it("accepts a chartVersion of multi-digit parts (10.20.30) and refuses one with a character before or after it", () => {
        assert.deepStrictEqual(monitoring({ chartVersion: "10.20.30" }), []);
        assert.deepStrictEqual(monitoring({ chartVersion: "x1.2.3" }), [notChart("chartVersion", "x1.2.3", "88.5.3")]);
        assert.deepStrictEqual(monitoring({ chartVersion: "1.2.3x" }), [notChart("chartVersion", "1.2.3x", "88.5.3")]);
    });

    it("accepts a dcgmExporterVersion of multi-digit parts (10.20.30) and refuses one with a character before or after it", () => {
        assert.deepStrictEqual(monitoring({ dcgmExporterVersion: "10.20.30" }), []);
        assert.deepStrictEqual(monitoring({ dcgmExporterVersion: "x1.2.3" }), [notChart("dcgmExporterVersion", "x1.2.3", "4.8.2")]);
        assert.deepStrictEqual(monitoring({ dcgmExporterVersion: "1.2.3x" }), [notChart("dcgmExporterVersion", "1.2.3x", "4.8.2")]);
    });

    it("accepts a retention of one or several durations (15d, 1d12h) and refuses one with a character before or after it", () => {
        const notDuration = (v: string) => `retention "${v}" is not a Prometheus duration: use one such as "15d" or "12h".`;
        assert.deepStrictEqual([monitoring({ retention: "15d" }), monitoring({ retention: "1d12h" })], [[], []]);
        assert.deepStrictEqual(monitoring({ retention: "x15d" }), [notDuration("x15d")]);
        assert.deepStrictEqual(monitoring({ retention: "15dx" }), [notDuration("15dx")]);
    });

    it("refuses a runbookBaseUrl with a character before https://", () => {
        assert.deepStrictEqual(monitoring({ runbookBaseUrl: "xhttps://a" }), [
            `runbookBaseUrl "xhttps://a" is not an https URL without a fragment: give the page of your runbooks, such as "https://github.com/ray-vllm-eks/ray-vllm-eks/blob/main/docs/runbooks.md".`,
        ]);
    });
});

describe("VllmRayService validation: the edges the re-measured mutation run left (npm run mutate, 2026-12-02)", () => {
    const OIDC: RayDashboardIngressArgs = {
        allowedCidrs: ["10.20.0.0/16"], loadBalancerSubnetCidrs: ["10.0.0.0/19"], certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc",
        oidcIssuer: "https://i", oidcAuthorizationEndpoint: "https://a", oidcTokenEndpoint: "https://t", oidcUserInfoEndpoint: "https://u", oidcSecretName: "s",
    };
    const divide = (tp: number): string => `models[0].tensorParallelSize ${tp} does not divide the 4 GPUs of a g6.12xlarge node: use 1, 2, 4.`;
    const NOT_ALLOWED = (v: string): string => `rayVersion "${v}" is not allowed: use 2.54.0 or later (earlier versions have critical CVEs, such as CVE-2025-62593, and no token authentication), such as "2.56.0".`;
    const BIG = { name: "big", source: "x/big", parametersBillions: 70, accelerator: "g6.xlarge" };
    const BIG_CACHE = "modelCacheSizeGiB 100 cannot hold the 130.4 GiB of weights of the models on g6.xlarge: raise it to at least 131 (and GpuNodePool volumeSizeGiB with it), or use modelCachePvcName.";

    it("counts an S3 prefix of a gated organization's name as not gated", () => {
        assert.equal(isGated({ source: "s3://meta-llama/Llama-3.1-8B-Instruct" }), false);
    });

    it("refuses a negative or fractional tensor-parallel size even when it divides the node's GPUs", () => {
        assert.deepStrictEqual(check({}, [model({ accelerator: "g6.12xlarge", tensorParallelSize: -1 })]), [divide(-1)]);
        assert.deepStrictEqual(check({}, [model({ accelerator: "g6.12xlarge", tensorParallelSize: 0.5 })])[0], divide(0.5));
    });

    it("checks the fit at a gpuMemoryUtilization of exactly 1, and not at one it refuses (1.5)", () => {
        assert.deepStrictEqual(check({}, [model({ ...BIG, gpuMemoryUtilization: 1 })]), [
            `models[0] "big" does not fit on g6.xlarge (NVIDIA L4) at tensorParallelSize 1: it needs 132.4 GiB per GPU (weights plus a KV-cache floor) and a GPU offers 22.4 GiB; no tensor-parallel size on g6.xlarge fits; use a larger accelerator such as ["g5.48xlarge","g6.48xlarge","g6e.12xlarge"].`,
            BIG_CACHE,
        ]);
        assert.deepStrictEqual(check({}, [model({ ...BIG, gpuMemoryUtilization: 1.5 })]), [
            "models[0].gpuMemoryUtilization 1.5 must be in (0, 1]: the share of each GPU's memory vLLM may use, such as 0.9.",
            BIG_CACHE,
        ]);
    });

    it("refuses maxOngoingRequests 0, upscalingFactor 0, and two of the three architecture numbers, naming both", () => {
        assert.deepStrictEqual(check({}, [model({ maxOngoingRequests: 0, targetOngoingRequests: 1 })]), [
            "models[0].maxOngoingRequests 0 must be a positive whole number, such as 64.",
            "models[0].maxOngoingRequests (0) is below targetOngoingRequests (1): a replica could never reach its target; raise maxOngoingRequests.",
        ]);
        assert.deepStrictEqual(check({}, [model({ upscalingFactor: 0 })]), ["models[0].upscalingFactor 0 must be positive, such as 1."]);
        assert.deepStrictEqual(check({}, [model({ numHiddenLayers: 36, numKeyValueHeads: 8 })]), [
            "models[0] gives numHiddenLayers, numKeyValueHeads without headDim: the KV cache is sized from all three (num_hidden_layers, num_key_value_heads and head_dim in the model's config.json); give them all, or none.",
        ]);
    });

    it("names the component's name when serviceName is unset and serviceName when set, at 48 characters", () => {
        const long = "n".repeat(48);
        assert.deepStrictEqual(validateVllmServiceArgs(long, { ...SERVICE_DEFAULTS } as ResolvedServiceArgs, [model()]), [
            `name "${long}" is 48 characters long; the limit is 47 (KubeRay derives its Services' names from the RayService's). Use a shorter name.`,
        ]);
        assert.deepStrictEqual(check({ serviceName: long }), [
            `serviceName "${long}" is 48 characters long; the limit is 47 (KubeRay derives its Services' names from the RayService's). Use a shorter name.`,
        ]);
    });

    it("bounds namespace, serveClientNamespaces and kubeRayOperatorNamespace at 63 characters, and refuses an empty namespace", () => {
        const [ok, long] = ["k".repeat(63), "k".repeat(64)];
        assert.deepStrictEqual(check({ namespace: ok }), []);
        assert.deepStrictEqual(check({ namespace: long }), [`namespace "${long}" is 64 characters long; the limit is 63 (a Kubernetes namespace name). Use a shorter name.`]);
        assert.deepStrictEqual(check({ namespace: "" }), [`namespace must not be empty: give a name of 1 to 63 lower-case letters, digits and hyphens, such as "llm-dev".`]);
        assert.deepStrictEqual(check({ serveClientNamespaces: [long] }), [`serveClientNamespaces[0] "${long}" is 64 characters long; the limit is 63 (a Kubernetes namespace name). Use a shorter name.`]);
        assert.deepStrictEqual(check({ kubeRayOperatorNamespace: long }), [`kubeRayOperatorNamespace "${long}" is 64 characters long; the limit is 63 (a Kubernetes namespace name). Use a shorter name.`]);
    });

    it("takes a rayVersion of three whole numbers from 2.54.0 on, whatever their digits, and nothing around them", () => {
        assert.deepStrictEqual(["x2.56.0", "3.2.56.0", "2.56.0-rc1", "10.0.0", "2.56.10", "2.54.0"].map((v) => check({ rayVersion: v })), [
            [NOT_ALLOWED("x2.56.0")], [NOT_ALLOWED("3.2.56.0")], [NOT_ALLOWED("2.56.0-rc1")], [], [], [],
        ]);
    });

    it("takes a tag that only begins with latest as pinned", () => {
        assert.deepStrictEqual(check({ image: "rayproject/ray-llm:latest-gpu" }), []);
    });

    it("names the load balancer's subnets for serveClientCidrs open to everyone, and refuses load balancer settings without exposeServe one by one", () => {
        assert.deepStrictEqual(check({ exposeServe: true, serveTlsCertificateArn: "arn:aws:acm:us-west-2:1:certificate/x", serveClientCidrs: ["0.0.0.0/0"] }), [
            `serveClientCidrs "0.0.0.0/0" allows everyone: list only the networks of the load balancer's subnets.`,
        ]);
        const lone = "serve load balancer settings are given but exposeServe is not set: set exposeServe to true to expose the endpoint, or drop those settings.";
        assert.deepStrictEqual(check({ serveTlsCertificateArn: "arn:aws:acm:us-west-2:1:certificate/x" }), [lone]);
        assert.deepStrictEqual(check({ serveAllowedCidrs: ["10.0.0.0/8"] }), [lone]);
    });

    it("accepts one CPU worker of one CPU", () => {
        assert.deepStrictEqual(check({ cpuWorkerMaxReplicas: 1, cpuWorkerCpu: "1" }), []);
    });

    it("sums the cached weights of the models whose size it knows, leaving out one of unknown size or dtype, and accepts a cache exactly their size", () => {
        const cache = "modelCacheSizeGiB 10 cannot hold the 15.3 GiB of weights of the models on g6.2xlarge: raise it to at least 16 (and GpuNodePool volumeSizeGiB with it), or use modelCachePvcName.";
        assert.deepStrictEqual(check({ modelCacheSizeGiB: 10 }, [model({ name: "u", source: "acme/unknown" }), model({ name: "q2" })]), [
            `models[0].parametersBillions is missing for "acme/unknown": give the model's parameter count in billions (from its model card) so its size can be checked against the accelerator.`,
            cache,
        ]);
        assert.deepStrictEqual(check({ modelCacheSizeGiB: 10 }, [model({ name: "u", dtype: "fp4" }), model({ name: "q2" })]), [
            "models[0].dtype \"fp4\" is not a dtype the sizing check knows: use auto, bfloat16, float16, half, float32, float.",
            cache,
        ]);
        // 8.589934592 billion parameters of 2 bytes: 16 GiB exactly.
        const exact = model({ name: "e", source: "acme/exact", parametersBillions: 8.589934592 });
        assert.deepStrictEqual(check({ modelCacheSizeGiB: 16 }, [exact]), []);
        assert.deepStrictEqual(check({ modelCacheSizeGiB: 15 }, [exact]), [
            "modelCacheSizeGiB 15 cannot hold the 16.0 GiB of weights of the models on g6.2xlarge: raise it to at least 16 (and GpuNodePool volumeSizeGiB with it), or use modelCachePvcName.",
        ]);
    });

    it("takes a certificate of another AWS partition, and nothing before arn:", () => {
        const exposed = { exposeServe: true, serveClientCidrs: ["10.0.0.0/16"] };
        assert.deepStrictEqual(check({ ...exposed, serveTlsCertificateArn: "arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc" }), []);
        assert.deepStrictEqual(check({ ...exposed, serveTlsCertificateArn: "xarn:aws:acm:us-west-2:123456789012:certificate/abc" }), [
            `serveTlsCertificateArn "xarn:aws:acm:us-west-2:123456789012:certificate/abc" is not an ACM certificate ARN: give one such as "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-...".`,
        ]);
    });

    it("checks the dashboard Ingress's subnets, an empty or malformed certificate, and lists both sign-ins' fields", () => {
        assert.deepStrictEqual(validateDashboardIngress({ ...OIDC, loadBalancerSubnetCidrs: ["0.0.0.0/0"] }), [
            `dashboardIngress.loadBalancerSubnetCidrs "0.0.0.0/0" allows everyone: list only the networks of the load balancer's subnets.`,
        ]);
        assert.deepStrictEqual(validateDashboardIngress({ ...OIDC, certificateArn: "" }), [
            "dashboardIngress.certificateArn is missing: the load balancer signs users in only on HTTPS; give an ACM certificate ARN.",
        ]);
        assert.deepStrictEqual(validateDashboardIngress({ ...OIDC, certificateArn: "cert" }), [
            `dashboardIngress.certificateArn "cert" is not an ACM certificate ARN: give one such as "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-...".`,
        ]);
        assert.deepStrictEqual(validateDashboardIngress({ ...OIDC, cognitoUserPoolArn: "arn:aws:cognito-idp:us-west-2:1:userpool/x", cognitoUserPoolClientId: "c" }), [
            "dashboardIngress sets both OIDC (oidcIssuer, oidcAuthorizationEndpoint, oidcTokenEndpoint, oidcUserInfoEndpoint, oidcSecretName) and Cognito (cognitoUserPoolArn, cognitoUserPoolClientId) fields: choose one sign-in.",
        ]);
    });

    it("fits a model whose weights and KV-cache floor fill its share of the GPU exactly (18 + 2 GiB of an A100 40GB at 0.5)", () => {
        assert.deepStrictEqual(check({}, [model({ name: "e", source: "acme/e", parametersBillions: 9.663676416, accelerator: "p4d.24xlarge", gpuMemoryUtilization: 0.5 })]), []);
    });

    it("warns of a maxModelLength one token above what the KV cache holds (24,464 for Qwen3-8B on a g6.2xlarge), not at it", () => {
        const at = (len: number) => ({ name: "q", source: "Qwen/Qwen3-8B", accelerator: "g6.2xlarge", maxModelLength: len });
        assert.deepStrictEqual(vllmServiceWarnings("s", [at(24464)], [resolveModel(at(24464))]), []);
        assert.deepStrictEqual(vllmServiceWarnings("s", [at(24465)], [resolveModel(at(24465))]), [
            `VllmRayService s: models[0] "q" on g6.2xlarge (L4, tensorParallelSize 1) has about 3.4 GiB of KV cache per GPU, 24464 tokens: less than one request of maxModelLength 24465, so vLLM refuses to start. Lower maxModelLength to 24464 or less, or give it more GPU memory (tensorParallelSize, gpuMemoryUtilization or a larger accelerator).`,
        ]);
    });

    it("names in its warning only the settings the program gave: maxOngoingRequests 64, not the targetOngoingRequests (43) derived from it", () => {
        const given = { name: "q", source: "Qwen/Qwen3-8B", accelerator: "g6.2xlarge", maxOngoingRequests: 64 };
        const resolved = resolveModel(given);
        assert.equal(resolved.targetOngoingRequests, 43);
        assert.deepStrictEqual(vllmServiceWarnings("s", [given], [resolved]), [
            `VllmRayService s: models[0] "q" on g6.2xlarge (L4, tensorParallelSize 1) runs about 11 requests at once: its 3.4 GiB of KV cache per GPU holds 24464 tokens, 2.99 requests of maxModelLength 8192 or 11 of a typical 2048 tokens, and vLLM runs at most 256 (max_num_seqs). With maxOngoingRequests 64, a replica takes more than it runs, and the rest queue inside vLLM, where Serve's autoscaler does not see them. Use maxOngoingRequests 11 and targetOngoingRequests 8 (the defaults), or give the model more GPU memory.`,
        ]);
    });
});

