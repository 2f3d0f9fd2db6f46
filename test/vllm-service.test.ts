import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";

import { componentUrn, descendantsOf, resource, settle, valueOf, rejection as refusal } from "./support/mocks";

import { minimumTensorParallelSize, VllmRayService, VllmRayServiceArgs, workerGroups, resolveModel } from "../components/vllm-service";
import { gpuBudgetOf } from "../policy/gpu";

const TYPE = "ray-vllm-eks:index:VllmRayService";
const provider = new k8s.Provider("vllm-test-k8s", { kubeconfig: "{}" });

const CHAT = { name: "llama-70b", source: "meta-llama/Llama-3.3-70B-Instruct", accelerator: "g6e.12xlarge", tensorParallelSize: 4, minReplicas: 1, maxReplicas: 3 };
const SMALL = { name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6e.12xlarge", minReplicas: 0, maxReplicas: 4, targetOngoingRequests: 8, maxOngoingRequests: 32 };
const EMBED = { name: "bge-m3", source: "s3://models/bge-m3/", parametersBillions: 0.568, accelerator: "g6.xlarge", embedding: true, maxModelLength: 8192 };

describe("VllmRayService", () => {
    let service: VllmRayService;
    let spec: any;
    let serve: any;

    before(async () => {
        service = new VllmRayService("vs1", {
            models: [CHAT, SMALL, EMBED],
            huggingFaceToken: pulumi.secret("hf_test_token"),
            serviceAccountName: "model-reader",
            modelCacheSizeGiB: 160,
            redisAddress: "rediss://redis.example.internal:6379",
            redisPasswordSecretName: "redis-auth",
        }, { provider });
        await valueOf(service.serviceName);
        await settle();
        spec = resource("kubernetes:ray.io/v1:RayService", "vs1-rayservice").inputs.spec;
        serve = YAML.parse(spec.serveConfigV2);
    });

    it("registers its namespace, the token Secret and the RayService", () => {
        assert.deepEqual(descendantsOf(componentUrn(TYPE, "vs1")).map((r) => `${r.type} ${r.name}`), [
            "kubernetes:core/v1:Namespace vs1-namespace",
            "kubernetes:core/v1:Secret vs1-hf-token",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy vs1-netpol-default-deny",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy vs1-netpol-kuberay-operator",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy vs1-netpol-ray-internal",
            "kubernetes:ray.io/v1:RayService vs1-rayservice",
        ]);
        assert.deepEqual(resource("kubernetes:core/v1:Secret", "vs1-hf-token").inputs, {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "vs1-hf-token", namespace: "llm" },
            // The key the RayService's secretKeyRef names; only its value is redacted.
            stringData: { token: "[secret]" },
            type: "Opaque",
        });
        assert.deepEqual(resource("kubernetes:ray.io/v1:RayService", "vs1-rayservice").inputs.metadata, { name: "vs1", namespace: "llm" });
    });

    it("serves every model from one Ray Serve LLM OpenAI app, with Serve's current autoscaling keys", () => {
        assert.deepEqual(Object.keys(serve), ["proxy_location", "http_options", "applications"]);
        assert.deepEqual(serve.http_options, { host: "0.0.0.0", port: 8000, request_timeout_s: 600 });
        assert.equal(serve.applications.length, 1);
        const { args, ...app } = serve.applications[0];
        assert.deepEqual(app, { name: "llm", route_prefix: "/", import_path: "ray.serve.llm:build_openai_app" });
        assert.deepEqual(Object.keys(args), ["llm_configs", "ingress_deployment_config"]);
        // The ingress asks for the CPU group's mark: it runs only on the CPU workers.
        assert.deepEqual(args.ingress_deployment_config, { ray_actor_options: { resources: { "ray-vllm-eks-group-cpu": 0.001 } } });
        const tp4 = { "GPU": 1, "ray-vllm-eks-group-g6e-12xlarge-tp4": 1 };
        assert.deepEqual(args.llm_configs, [
            {
                model_loading_config: { model_id: "llama-70b", model_source: "meta-llama/Llama-3.3-70B-Instruct" },
                accelerator_type: "L40S",
                // Its own group's mark in every bundle, the four GPUs on one node.
                placement_group_config: { bundles: [tp4, tp4, tp4, tp4], strategy: "STRICT_PACK" },
                engine_kwargs: { tensor_parallel_size: 4, max_model_len: 8192, gpu_memory_utilization: 0.9, enable_prefix_caching: true, dtype: "auto" },
                log_engine_metrics: true,
                // From its KV cache: 5.9 GiB per GPU, 76768 tokens, 37 requests of 2048 tokens.
                deployment_config: {
                    autoscaling_config: { min_replicas: 1, max_replicas: 3, target_ongoing_requests: 25, upscale_delay_s: 30, downscale_delay_s: 600 },
                    max_ongoing_requests: 37,
                },
            },
            {
                model_loading_config: { model_id: "qwen3-8b", model_source: "Qwen/Qwen3-8B" },
                accelerator_type: "L40S",
                placement_group_config: { bundles: [{ "GPU": 1, "ray-vllm-eks-group-g6e-12xlarge-tp1": 1 }], strategy: "STRICT_PACK" },
                engine_kwargs: { tensor_parallel_size: 1, max_model_len: 8192, gpu_memory_utilization: 0.9, enable_prefix_caching: true, dtype: "auto" },
                log_engine_metrics: true,
                deployment_config: {
                    autoscaling_config: { min_replicas: 0, max_replicas: 4, target_ongoing_requests: 8, upscale_delay_s: 30, downscale_delay_s: 600 },
                    max_ongoing_requests: 32,
                },
            },
            {
                model_loading_config: { model_id: "bge-m3", model_source: { bucket_uri: "s3://models/bge-m3/" } },
                accelerator_type: "L4",
                placement_group_config: { bundles: [{ "GPU": 1, "ray-vllm-eks-group-g6-xlarge": 1 }], strategy: "STRICT_PACK" },
                engine_kwargs: { tensor_parallel_size: 1, max_model_len: 8192, gpu_memory_utilization: 0.9, dtype: "auto", runner: "pooling" },
                log_engine_metrics: true,
                deployment_config: {
                    autoscaling_config: { min_replicas: 1, max_replicas: 2, target_ongoing_requests: 16, upscale_delay_s: 30, downscale_delay_s: 600 },
                    max_ongoing_requests: 64,
                },
            },
        ]);
    });

    it("keeps the head safe: ClusterIP, no ingress, token auth, no tasks on it, never disrupted by Karpenter", () => {
        assert.deepEqual(Object.keys(spec).sort(), ["rayClusterConfig", "serveConfigV2", "upgradeStrategy"]);
        assert.deepEqual(spec.upgradeStrategy, { type: "NewCluster" });
        const c = spec.rayClusterConfig;
        assert.deepEqual(c.authOptions, { mode: "token" });
        assert.equal(c.rayVersion, "2.56.0");
        assert.equal(c.enableInTreeAutoscaling, true);
        assert.deepEqual(c.autoscalerOptions, { idleTimeoutSeconds: 300, upscalingMode: "Default", version: "v2" });
        const head = c.headGroupSpec;
        assert.deepEqual(Object.keys(head).sort(), ["rayStartParams", "serviceType", "template"], "no headService, no enableIngress");
        assert.equal(head.serviceType, "ClusterIP");
        assert.deepEqual(head.rayStartParams, { "num-cpus": "0" });
        assert.deepEqual(head.template.metadata.annotations, { "karpenter.sh/do-not-disrupt": "true" });
        assert.deepEqual(head.template.spec.nodeSelector, { "ray-vllm-eks/node-pool": "system" });
        const container = head.template.spec.containers[0];
        assert.equal(container.image, "rayproject/ray-llm:2.56.0-py312-cu130");
        assert.deepEqual(container.ports.map((p: any) => `${p.name}:${p.containerPort}`), [
            "gcs-server:6379", "dashboard:8265", "client:10001", "serve:8000", "metrics:8080", "as-metrics:44217", "dash-metrics:44227",
        ]);
        assert.deepEqual(container.env, [
            { name: "HF_HOME", value: "/data/model-cache" },
            { name: "HF_TOKEN", valueFrom: { secretKeyRef: { key: "token", name: "vs1-hf-token" } } },
            // The GCS verifies the TLS Redis with the image's CA bundle (Ray's own OpenSSL misses it).
            { name: "RAY_REDIS_CA_CERT", value: "/etc/ssl/certs/ca-certificates.crt" },
        ]);
        assert.deepEqual(c.gcsFaultToleranceOptions, {
            redisAddress: "rediss://redis.example.internal:6379",
            redisPassword: { valueFrom: { secretKeyRef: { key: "password", name: "redis-auth" } } },
        });
    });

    it("runs a CPU group for Serve's ingress on the system nodes, so GPU nodes can all go idle", () => {
        const cpu = spec.rayClusterConfig.workerGroupSpecs[0];
        assert.deepEqual(cpu, {
            groupName: "cpu",
            maxReplicas: 2,
            minReplicas: 1,
            // The CPU group's mark, as single-quoted JSON (what both KubeRay and Ray's autoscaler parse).
            rayStartParams: { resources: `'{"ray-vllm-eks-group-cpu":1}'` },
            replicas: 1,
            template: {
                spec: {
                    containers: [{
                        env: [
                            { name: "HF_HOME", value: "/data/model-cache" },
                            { name: "HF_TOKEN", valueFrom: { secretKeyRef: { key: "token", name: "vs1-hf-token" } } },
                        ],
                        image: "rayproject/ray-llm:2.56.0-py312-cu130",
                        name: "ray-worker",
                        resources: { limits: { memory: "4Gi" }, requests: { cpu: "2", memory: "4Gi" } },
                    }],
                    nodeSelector: { "ray-vllm-eks/node-pool": "system" },
                    serviceAccountName: "model-reader",
                },
            },
        });
    });

    it("runs one worker group per accelerator and tensor-parallel size, each pod taking a whole GPU node", () => {
        const groups = spec.rayClusterConfig.workerGroupSpecs.slice(1);
        assert.deepEqual(groups.map((g: any) => [g.groupName, g.replicas, g.minReplicas, g.maxReplicas]), [
            // 8B: 0..4 replicas of 1 GPU, four to a 4-GPU node: 0..1 nodes.
            ["g6e-12xlarge-tp1", 0, 0, 1],
            // 70B: 1..3 replicas of 4 GPUs, one to a node: 1..3 nodes.
            ["g6e-12xlarge-tp4", 1, 1, 3],
            ["g6-xlarge", 1, 1, 2],
        ]);
        const g6e = groups[1];
        // The group's mark, one per GPU, and the GPU's accelerator type, as single-quoted JSON.
        assert.deepEqual(g6e.rayStartParams, { resources: `'{"ray-vllm-eks-group-g6e-12xlarge-tp4":4,"accelerator_type:L40S":1}'` });
        assert.deepEqual(groups[2].rayStartParams, { resources: `'{"ray-vllm-eks-group-g6-xlarge":1,"accelerator_type:L4":1}'` });
        assert.deepEqual(g6e.template.spec.nodeSelector, { "node.kubernetes.io/instance-type": "g6e.12xlarge", "nvidia.com/gpu.present": "true", "ray-vllm-eks/node-pool": "gpu" });
        assert.deepEqual(g6e.template.spec.tolerations, [{ effect: "NoSchedule", key: "nvidia.com/gpu", operator: "Exists" }]);
        const resources = g6e.template.spec.containers[0].resources;
        // What a g6e.12xlarge (48 vCPUs, 384 GiB) can allocate, less room for daemonsets.
        assert.deepEqual(resources.limits, { "cpu": "47", "memory": "359595Mi", "nvidia.com/gpu": "4" });
        assert.deepEqual(resources.requests, { ...resources.limits, "ephemeral-storage": "160Gi" }, "requests equal limits, plus the model cache on the node's disk");
        assert.deepEqual(g6e.template.spec.volumes, [{ emptyDir: { sizeLimit: "160Gi" }, name: "model-cache" }]);
        assert.equal(g6e.template.spec.serviceAccountName, "model-reader");
        assert.equal(spec.rayClusterConfig.headGroupSpec.template.spec.serviceAccountName, "model-reader");
    });

    it("exposes names, its GPU demand (at most, idle, and during a NewCluster upgrade) and its serving capacity", async () => {
        assert.equal(await valueOf(service.serviceName), "vs1");
        assert.equal(await valueOf(service.namespace), "llm");
        assert.equal(await valueOf(service.serveServiceName), "vs1-serve-svc");
        assert.deepEqual(await valueOf(service.modelNames), ["llama-70b", "qwen3-8b", "bge-m3"]);
        assert.equal(await valueOf(service.maxGpus), 18);
        assert.equal(await valueOf(service.idleGpus), 5);
        assert.equal(await valueOf(service.upgradeGpus), 36);
        assert.deepEqual(await valueOf(service.servingCapacity), [
            "llama-70b on g6e.12xlarge (L40S, tp 4): 5.9 GiB KV cache per GPU = 76,768 tokens = 9.37 sequences of 8192 tokens; max_ongoing_requests 37, target 25",
            "qwen3-8b on g6e.12xlarge (L40S, tp 1): 23.5 GiB KV cache per GPU = 170,944 tokens = 20.87 sequences of 8192 tokens; max_ongoing_requests 32, target 8",
            "bge-m3 on g6.xlarge (L4, tp 1): KV cache not sized (architecture unknown); max_ongoing_requests 64, target 16",
        ]);
        // The policy pack's gpu-budget (and the plan) find the same demand in the rendered RayService.
        const rendered = resource("kubernetes:ray.io/v1:RayService", "vs1-rayservice");
        assert.deepEqual(gpuBudgetOf([{ type: rendered.type, name: rendered.name, props: rendered.inputs }]).total, { maxGpus: 18, idleGpus: 5, upgradeGpus: 36 });
    });

    it("exposes Serve only when asked: an internal NLB with TLS 1.3/1.2 on 443, open to the listed CIDRs", async () => {
        const exposed = new VllmRayService("vs2", {
            models: [{ ...SMALL, upscalingFactor: 2, downscalingFactor: 0.5 }],
            namespace: "llm2",
            exposeServe: true,
            serveTlsCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc",
            serveAllowedCidrs: ["10.20.0.0/16"],
            serveClientCidrs: ["10.0.0.0/16"],
            modelCachePvcName: "model-cache",
        }, { provider });
        await valueOf(exposed.serviceName);
        await settle();
        const s2 = resource("kubernetes:ray.io/v1:RayService", "vs2-rayservice").inputs.spec as any;
        assert.deepEqual(s2.serveService, {
            metadata: {
                annotations: {
                    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
                    "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:us-west-2:123456789012:certificate/abc",
                    "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                    "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
                },
            },
            spec: {
                loadBalancerClass: "service.k8s.aws/nlb",
                loadBalancerSourceRanges: ["10.20.0.0/16"],
                ports: [{ name: "serve", port: 443, protocol: "TCP", targetPort: 8000 }],
                type: "LoadBalancer",
            },
        });
        assert.deepEqual(s2.rayClusterConfig.workerGroupSpecs[1].template.spec.volumes, [{ name: "model-cache", persistentVolumeClaim: { claimName: "model-cache" } }]);
        const autoscaling = YAML.parse(s2.serveConfigV2).applications[0].args.llm_configs[0].deployment_config.autoscaling_config;
        assert.deepEqual(autoscaling, { min_replicas: 0, max_replicas: 4, target_ongoing_requests: 8, upscale_delay_s: 30, downscale_delay_s: 600, upscaling_factor: 2, downscaling_factor: 0.5 });
        assert.equal("serveService" in spec, false, "vs1 did not ask to be exposed");
    });

    it("sizes models: the smallest tensor-parallel size that fits", () => {
        const sizing = { parametersBillions: 70.6, dtype: "auto", gpuMemoryUtilization: 0.9 };
        assert.equal(minimumTensorParallelSize({ ...sizing, accelerator: "g6e.12xlarge" }), 4);
        assert.equal(minimumTensorParallelSize({ ...sizing, accelerator: "p5.48xlarge" }), 2);
        assert.equal(minimumTensorParallelSize({ ...sizing, accelerator: "g6.xlarge" }), undefined);
        assert.deepEqual(workerGroups([resolveModel({ ...SMALL, minReplicas: 0, maxReplicas: 0 + 1 })]).map((g) => [g.minReplicas, g.maxReplicas]), [[0, 1]]);
    });
});

function rejection(name: string, args: VllmRayServiceArgs): Promise<string> {
    return refusal(TYPE, name, () => new VllmRayService(name, args, { provider }));
}

const cases: { title: string; name?: string; args: VllmRayServiceArgs; message: string }[] = [
    {
        title: "a service name over 47 characters",
        args: { serviceName: "x".repeat(48), models: [SMALL] },
        message: `serviceName "${"x".repeat(48)}" is 48 characters long; the limit is 47 (KubeRay derives its Services' names from the RayService's). Use a shorter name.`,
    },
    {
        title: "duplicate model names",
        args: { models: [SMALL, { ...SMALL, source: "Qwen/Qwen2.5-7B-Instruct" }] },
        message: [
            "2 invalid arguments:",
            `  - models[0].name "qwen3-8b" is used by more than one model: clients pick a model by name, so give each its own.`,
            `  - models[1].name "qwen3-8b" is used by more than one model: clients pick a model by name, so give each its own.`,
        ].join("\n"),
    },
    {
        title: "a tensor-parallel size that does not divide the node's GPUs",
        args: { models: [{ ...CHAT, tensorParallelSize: 3 }], modelCacheSizeGiB: 140, huggingFaceTokenSecretName: "hf-token" },
        message: "models[0].tensorParallelSize 3 does not divide the 4 GPUs of a g6e.12xlarge node: use 1, 2, 4.",
    },
    {
        title: "a model that does not fit at its tensor-parallel size",
        args: { models: [{ ...CHAT, tensorParallelSize: 2 }], modelCacheSizeGiB: 140, huggingFaceTokenSecretName: "hf-token" },
        message: `models[0] "llama-70b" does not fit on g6e.12xlarge (NVIDIA L40S) at tensorParallelSize 2: it needs 67.8 GiB per GPU (weights plus a KV-cache floor) and a GPU offers 40.2 GiB; use tensorParallelSize 4 or more.`,
    },
    {
        title: "a model that fits on no tensor-parallel size of its accelerator",
        args: { models: [{ ...CHAT, accelerator: "g6.xlarge", tensorParallelSize: 1 }], modelCacheSizeGiB: 140, huggingFaceTokenSecretName: "hf-token" },
        message: `models[0] "llama-70b" does not fit on g6.xlarge (NVIDIA L4) at tensorParallelSize 1: it needs 133.5 GiB per GPU (weights plus a KV-cache floor) and a GPU offers 20.1 GiB; no tensor-parallel size on g6.xlarge fits; use a larger accelerator such as ["g5.48xlarge","g6.48xlarge","g6e.12xlarge"].`,
    },
    {
        title: "min > max replicas",
        args: { models: [{ ...SMALL, minReplicas: 3, maxReplicas: 2 }] },
        message: "models[0].minReplicas (3) is greater than models[0].maxReplicas (2): set minReplicas to at most maxReplicas.",
    },
    {
        title: "a non-positive autoscaling target",
        args: { models: [{ ...SMALL, targetOngoingRequests: 0 }] },
        message: "models[0].targetOngoingRequests 0 must be positive: the ongoing requests per replica the autoscaler aims for, such as 16.",
    },
    {
        title: "an inline Hugging Face token",
        args: { models: [SMALL], huggingFaceToken: "hf_plaintext" },
        message: `huggingFaceToken is a plain string: pass it as a secret (config.requireSecret("huggingFaceToken") or pulumi.secret(...)), or name an existing Secret with huggingFaceTokenSecretName; a token must never sit in the program or the stack's state in clear text.`,
    },
    {
        title: "a Ray version with known critical CVEs",
        args: { models: [SMALL], rayVersion: "2.41.0" },
        message: `rayVersion "2.41.0" is not allowed: use 2.54.0 or later (earlier versions have critical CVEs, such as CVE-2025-62593, and no token authentication), such as "2.56.0".`,
    },
    {
        title: "a discontinued ray-ml image",
        args: { models: [SMALL], image: "rayproject/ray-ml:2.9.0-gpu" },
        message: `image "rayproject/ray-ml:2.9.0-gpu" is a discontinued rayproject/ray-ml image: use rayproject/ray-llm, such as "rayproject/ray-llm:2.56.0-py312-cu130".`,
    },
    {
        title: "a model of unknown size",
        args: { models: [{ name: "mine", source: "acme/private-13b", accelerator: "g6e.xlarge" }] },
        message: `models[0].parametersBillions is missing for "acme/private-13b": give the model's parameter count in billions (from its model card) so its size can be checked against the accelerator.`,
    },
    {
        title: "an accelerator outside the catalogue",
        args: { models: [{ ...SMALL, accelerator: "g4dn.xlarge" }] },
        message: `models[0].accelerator "g4dn.xlarge" is not a GPU instance type of the catalogue: use a size of g5, g6, g6e, p4d, p4de, p5, p5e, p5en, such as "g6.xlarge" or "g6e.12xlarge".`,
    },
    {
        title: "an exposed endpoint without TLS",
        args: { models: [SMALL], exposeServe: true, serveClientCidrs: ["10.0.0.0/16"] },
        message: "exposeServe is set without serveTlsCertificateArn: give the ACM certificate the load balancer terminates TLS with, or set serveAllowPlaintext to accept plain HTTP.",
    },
    {
        title: "an internet-facing endpoint open to everyone",
        args: { models: [SMALL], exposeServe: true, serveClientCidrs: ["10.0.0.0/16"], serveTlsCertificateArn: "arn:aws:acm:us-west-2:1:certificate/x", serveInternetFacing: true },
        message: "serveInternetFacing is set without serveAllowedCidrs: an internet-facing endpoint must list the source CIDRs allowed to reach it.",
    },
    {
        title: "0.0.0.0/0 as a serve source range",
        args: { models: [SMALL], exposeServe: true, serveClientCidrs: ["10.0.0.0/16"], serveTlsCertificateArn: "arn:aws:acm:us-west-2:1:certificate/x", serveAllowedCidrs: ["0.0.0.0/0"] },
        message: `serveAllowedCidrs "0.0.0.0/0" allows everyone: list only the networks of your clients.`,
    },
    {
        title: "an empty TLS certificate (an unset config value)",
        args: { models: [SMALL], exposeServe: true, serveClientCidrs: ["10.0.0.0/16"], serveTlsCertificateArn: "" },
        message: `serveTlsCertificateArn "" is not an ACM certificate ARN: give one such as "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-...".`,
    },
    {
        title: "load balancer settings without exposeServe",
        args: { models: [SMALL], serveInternetFacing: true },
        message: "serve load balancer settings are given but exposeServe is not set: set exposeServe to true to expose the endpoint, or drop those settings.",
    },
    {
        title: "a non-positive scaling factor",
        args: { models: [{ ...SMALL, downscalingFactor: 0 }] },
        message: "models[0].downscalingFactor 0 must be positive, such as 1.",
    },
    {
        title: "no CPU worker",
        args: { models: [SMALL], cpuWorkerMaxReplicas: 0 },
        message: "cpuWorkerMaxReplicas 0 must be a whole number of at least 1: one CPU worker always runs Serve's ingress.",
    },
    {
        title: "CPU workers too small for the ingress",
        args: { models: [SMALL], cpuWorkerCpu: "500m" },
        message: `cpuWorkerCpu "500m" is less than 1 CPU: Serve's OpenAI ingress takes 1 CPU of a CPU worker (Serve's default for a replica) and runs nowhere else; use at least "1", such as "2".`,
    },
    {
        title: "a CPU worker size that is not a quantity",
        args: { models: [SMALL], cpuWorkerCpu: "two" },
        message: `cpuWorkerCpu "two" is not a CPU quantity: give cores or millicores, such as "2" or "1500m".`,
    },
    {
        title: "an unknown upgrade strategy",
        args: { models: [SMALL], upgradeStrategy: "BlueGreen" },
        message: `upgradeStrategy "BlueGreen" is not an upgrade strategy this component renders: use "NewCluster" (zero downtime, twice the GPUs during an upgrade) or "None".`,
    },
    {
        title: "the incremental upgrade, whose Gateway API options are not rendered",
        args: { models: [SMALL], upgradeStrategy: "NewClusterWithIncrementalUpgrade" },
        message: `upgradeStrategy "NewClusterWithIncrementalUpgrade" is not an upgrade strategy this component renders: use "NewCluster" (zero downtime, twice the GPUs during an upgrade) or "None".`,
    },
    {
        title: "a model in S3 without a service account that may read it",
        args: { models: [EMBED] },
        message: `models[0].source "s3://models/bge-m3/" is in S3 but serviceAccountName is not set: give the service account whose IAM role (EKS Pod Identity) may read the bucket; pods get no credentials from the node.`,
    },
    {
        title: "a model cache smaller than the weights",
        args: { models: [CHAT], huggingFaceTokenSecretName: "hf-token" },
        message: "modelCacheSizeGiB 100 cannot hold the 131.5 GiB of weights of the models on g6e.12xlarge: raise it to at least 132 (and GpuNodePool volumeSizeGiB with it), or use modelCachePvcName.",
    },
    {
        title: "a model of an organization that gates its models, without a token",
        args: { models: [CHAT], modelCacheSizeGiB: 140 },
        message: `models[0].source "meta-llama/Llama-3.3-70B-Instruct" is gated on Hugging Face, as meta-llama's models are: downloading it needs the token of an account that accepted its licence. Give huggingFaceToken (a secret) or huggingFaceTokenSecretName, or set models[0].gated to false if this model is not gated.`,
    },
    {
        title: "a model marked gated, without a token",
        args: { models: [SMALL, { ...SMALL, name: "private", source: "acme/private-8b", parametersBillions: 8, gated: true }] },
        message: `models[1].source "acme/private-8b" is gated on Hugging Face (models[1].gated is true): downloading it needs the token of an account that accepted its licence. Give huggingFaceToken (a secret) or huggingFaceTokenSecretName.`,
    },
];

describe("VllmRayService input validation", () => {
    cases.forEach((c, i) => {
        it(`refuses ${c.title} before registering any child`, async () => {
            assert.equal(await rejection(c.name ?? `vsbad-${i}`, c.args), `VllmRayService: ${c.message}`);
        });
    });
});
