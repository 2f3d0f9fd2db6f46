import * as assert from "node:assert/strict";

import { stackViolationsOf, violationsOf } from "./support/policy";

import {
    eksControlPlaneLogging,
    eksSecretsEncryption,
    noLatestImageTags,
    noLiteralSecretsInEnv,
    nodesRequireImdsv2,
    rayMinimumVersion,
    rayNamespaceDefaultDeny,
} from "../policy/baseline";
import { gpuContainerLimits } from "../policy/gpu";

const deployment = (containers: object[]) => ({ type: "kubernetes:apps/v1:Deployment", name: "app", props: { spec: { template: { spec: { containers } } } } });
const rayService = (opts: { version?: string; image?: string; gpus?: number; maxReplicas?: number; namespace?: string; env?: object[] } = {}) => ({
    type: "kubernetes:ray.io/v1:RayService",
    name: "llm",
    props: {
        metadata: { name: "llm", namespace: opts.namespace ?? "llm" },
        spec: {
            rayClusterConfig: {
                rayVersion: opts.version ?? "2.56.0",
                headGroupSpec: { template: { spec: { containers: [{ name: "ray-head", image: opts.image ?? "rayproject/ray-llm:2.56.0-py312-cu130", env: opts.env ?? [] }] } } },
                workerGroupSpecs: [{
                    groupName: "gpu",
                    maxReplicas: opts.maxReplicas ?? 2,
                    template: { spec: { containers: [{ name: "ray-worker", image: opts.image ?? "rayproject/ray-llm:2.56.0-py312-cu130", resources: { limits: { "nvidia.com/gpu": String(opts.gpus ?? 1) }, requests: { "nvidia.com/gpu": String(opts.gpus ?? 1) } } }] } },
                }],
            },
        },
    },
});
describe("policy gpu-container-limits", () => {
    it("passes GPU containers with limits equal to requests", async () => {
        assert.deepEqual(await violationsOf(gpuContainerLimits, rayService({ gpus: 4 })), []);
        assert.deepEqual(await violationsOf(gpuContainerLimits, deployment([{ name: "web", image: "nginx:1.27" }])), []);
    });

    it("flags a GPU request without a limit, requests that differ, and pods over the maximum", async () => {
        assert.deepEqual(await violationsOf(gpuContainerLimits, deployment([
            { name: "a", resources: { requests: { "nvidia.com/gpu": "1" } } },
            { name: "b", resources: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "2" } } },
        ])), [
            `spec.template: container "a" requests nvidia.com/gpu without a limit: GPUs are allocated by limit; set resources.limits["nvidia.com/gpu"] equal to the request.`,
            `spec.template: container "b" requests "1" nvidia.com/gpu but limits "2": GPUs cannot be overcommitted; make the request equal the limit.`,
        ]);
        assert.deepEqual(await violationsOf(gpuContainerLimits, rayService({ gpus: 8 }), { maxGpusPerPod: 4 }), [
            "spec.rayClusterConfig.workerGroupSpecs[0]: a pod takes 8 GPUs, more than 4: split the work, or raise this policy's maxGpusPerPod.",
        ]);
    });
});

describe("baseline policies", () => {
    it("eks-secrets-encryption: passes a KMS-encrypted cluster, flags one without", async () => {
        assert.deepEqual(await violationsOf(eksSecretsEncryption, { type: "eks:index:Cluster", props: { encryptionConfigKeyArn: "arn:aws:kms:us-west-2:1:key/x" } }), []);
        assert.deepEqual(await violationsOf(eksSecretsEncryption, { type: "aws:eks/cluster:Cluster", props: { encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:us-west-2:1:key/x" } } } }), []);
        assert.deepEqual(await violationsOf(eksSecretsEncryption, { type: "aws:eks/cluster:Cluster", props: {} }), [
            `the EKS cluster does not encrypt secrets with KMS: set encryptionConfig { resources: ["secrets"], provider: { keyArn } } with a key that rotates.`,
        ]);
    });

    it("eks-control-plane-logging: requires every configured log type", async () => {
        const all = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
        assert.deepEqual(await violationsOf(eksControlPlaneLogging, { type: "eks:index:Cluster", props: { enabledClusterLogTypes: all } }), []);
        assert.deepEqual(await violationsOf(eksControlPlaneLogging, { type: "aws:eks/cluster:Cluster", props: { enabledClusterLogTypes: ["api"] } }), [
            `the EKS cluster does not log ["audit","authenticator","controllerManager","scheduler"]: add them to enabledClusterLogTypes (the audit log is how you find out who did what).`,
        ]);
        assert.deepEqual(await violationsOf(eksControlPlaneLogging, { type: "aws:eks/cluster:Cluster", props: { enabledClusterLogTypes: ["api", "audit"] } }, { requiredLogTypes: ["audit"] }), []);
    });

    it("nodes-require-imdsv2: passes the defaults and IMDSv2 with hop limit 1, flags optional tokens or more hops", async () => {
        const nodeClass = (metadataOptions?: object) => ({ type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", props: { spec: metadataOptions ? { metadataOptions } : {} } });
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, nodeClass()), []);
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, nodeClass({ httpTokens: "required", httpPutResponseHopLimit: 1 })), []);
        const flagged = (tokens: string, hops: number) => `EC2NodeClass has metadataOptions httpTokens "${tokens}" and httpPutResponseHopLimit ${hops}: require IMDSv2 (httpTokens: "required") with a hop limit of 1, and give pods AWS access through EKS Pod Identity.`;
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, nodeClass({ httpTokens: "optional", httpPutResponseHopLimit: 1 })), [flagged("optional", 1)]);
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, nodeClass({ httpTokens: "required", httpPutResponseHopLimit: 2 })), [flagged("required", 2)]);
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, nodeClass({ httpTokens: "optional", httpPutResponseHopLimit: 2 })), [flagged("optional", 2)]);
    });

    it("ray-minimum-version: flags old Ray versions and images, and ray-ml", async () => {
        assert.deepEqual(await violationsOf(rayMinimumVersion, rayService()), []);
        assert.deepEqual(await violationsOf(rayMinimumVersion, rayService({ version: "2.41.0", image: "rayproject/ray-ml:2.41.0-gpu" })), [
            `rayVersion is "2.41.0": run Ray 2.54.0 or later (earlier versions have known critical CVEs) and set rayVersion to match the image.`,
            `spec.rayClusterConfig.headGroupSpec: image "rayproject/ray-ml:2.41.0-gpu" is a discontinued rayproject/ray-ml image: use rayproject/ray-llm (Ray with vLLM) at 2.54.0 or later.`,
            `spec.rayClusterConfig.workerGroupSpecs[0]: image "rayproject/ray-ml:2.41.0-gpu" is a discontinued rayproject/ray-ml image: use rayproject/ray-llm (Ray with vLLM) at 2.54.0 or later.`,
        ]);
        assert.deepEqual(await violationsOf(rayMinimumVersion, rayService({ image: "rayproject/ray-llm:2.50.0-py311-cu128" })), [
            `spec.rayClusterConfig.headGroupSpec: image "rayproject/ray-llm:2.50.0-py311-cu128" runs Ray 2.50.0: use 2.54.0 or later.`,
            `spec.rayClusterConfig.workerGroupSpecs[0]: image "rayproject/ray-llm:2.50.0-py311-cu128" runs Ray 2.50.0: use 2.54.0 or later.`,
        ]);
    });

    it("no-latest-image-tags: passes tags and digests, flags latest and untagged images", async () => {
        assert.deepEqual(await violationsOf(noLatestImageTags, deployment([{ name: "a", image: "nginx:1.27" }, { name: "b", image: "registry.local:5000/app@sha256:abc" }])), []);
        assert.deepEqual(await violationsOf(noLatestImageTags, deployment([{ name: "a", image: "nginx:latest" }, { name: "b", image: "registry.local:5000/app" }])), [
            `spec.template: container "a" uses image "nginx:latest", which is not pinned: use a version tag or a digest, so every node runs the same code.`,
            `spec.template: container "b" uses image "registry.local:5000/app", which is not pinned: use a version tag or a digest, so every node runs the same code.`,
        ]);
    });

    it("no-literal-secrets-in-env: passes secretKeyRef, flags literal tokens and passwords", async () => {
        const ok = rayService({ env: [{ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "hf", key: "token" } } }, { name: "HF_HOME", value: "/cache" }] });
        assert.deepEqual(await violationsOf(noLiteralSecretsInEnv, ok), []);
        assert.deepEqual(await violationsOf(noLiteralSecretsInEnv, rayService({ env: [{ name: "HF_TOKEN", value: "hf_abc" }, { name: "REDIS_PASSWORD", value: "x" }] })), [
            `spec.rayClusterConfig.headGroupSpec: container "ray-head" sets HF_TOKEN to a literal value, which lands in the manifest and the state in clear text: take it from a Secret with valueFrom.secretKeyRef.`,
            `spec.rayClusterConfig.headGroupSpec: container "ray-head" sets REDIS_PASSWORD to a literal value, which lands in the manifest and the state in clear text: take it from a Secret with valueFrom.secretKeyRef.`,
        ]);
    });

    it("ray-namespace-default-deny: requires a default-deny ingress NetworkPolicy where Ray runs", async () => {
        const deny = (namespace: string, extra: object = {}) => ({
            type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            name: `deny-${namespace}`,
            props: { metadata: { name: "default-deny", namespace }, spec: { podSelector: {}, policyTypes: ["Ingress"], ...extra } },
        });
        assert.deepEqual(await stackViolationsOf(rayNamespaceDefaultDeny, [rayService(), deny("llm")]), []);
        assert.deepEqual(await stackViolationsOf(rayNamespaceDefaultDeny, [rayService(), deny("other"), deny("llm", { ingress: [{}] })]), [
            `namespace "llm" runs Ray but has no default-deny ingress NetworkPolicy: add one (podSelector: {}, policyTypes: [Ingress]) and allow only the ports each client needs (VllmRayService renders them).`,
        ]);
    });
});
