/**
 * Edges of VllmRayService's builders (rayServiceSpec, serveLoadBalancer), of its constructor
 * (missing arguments, no provider, dependsOn, the dashboard Ingress) and of the sizing helpers:
 * what is rendered only when an argument is set, and the boundaries of the fit check.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { componentUrn, descendantsOf, resource, settle, valueOf, rejection as refusal } from "./support/mocks";

import {
    fits, minimumTensorParallelSize, perGpu, RayDashboardIngressArgs, rayServiceSpec, ResolvedModel, ResolvedServiceArgs, resolveModel, serveLoadBalancer,
    tensorParallelSizes, vllmServiceDefaults, VllmRayService, VllmRayServiceArgs, weightsGiB,
} from "../components/vllm-service";

const TYPE = "ray-vllm-eks:index:VllmRayService";
const provider = new k8s.Provider("vllm-edges-test-k8s", { kubeconfig: "{}" });

const { model: _modelDefaults, ...SERVICE_DEFAULTS } = vllmServiceDefaults;

/** The service's defaults with `overrides`: the arguments the builders get from the constructor. */
function resolved(overrides: Partial<ResolvedServiceArgs> = {}): ResolvedServiceArgs {
    return { ...SERVICE_DEFAULTS, ...overrides } as ResolvedServiceArgs;
}

/** Llama 3.3 70B on a g6e.12xlarge at tensor-parallel size 4: one worker pod takes a whole node. */
const CHAT_ARGS = { name: "llama-70b", source: "meta-llama/Llama-3.3-70B-Instruct", accelerator: "g6e.12xlarge", tensorParallelSize: 4 };
/** CHAT_ARGS resolved, at test time (not as the file loads, so mutation testing sees which tests use resolveModel). */
const chat = (): ResolvedModel => resolveModel(CHAT_ARGS);
const SMALL = { name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6.2xlarge", minReplicas: 0 };
const IMAGE = "rayproject/ray-llm:2.56.0-py312-cu130";

describe("rayServiceSpec: pod templates", () => {
    it("annotates no pod with a restart generation at restartGeneration 0 (the default), so the cluster's spec stays as it was", () => {
        const config = (rayServiceSpec(resolved(), [chat()], undefined) as any).rayClusterConfig;
        assert.deepStrictEqual(config.headGroupSpec.template.metadata, { annotations: { "karpenter.sh/do-not-disrupt": "true" } });
        assert.deepStrictEqual(config.workerGroupSpecs.map((g: any) => "metadata" in g.template), [false, false]);
    });

    it("annotates the head and every worker group's pods with restartGeneration when it is above 0", () => {
        const config = (rayServiceSpec(resolved({ restartGeneration: 3 }), [chat(), resolveModel(SMALL)], undefined) as any).rayClusterConfig;
        assert.deepStrictEqual(config.headGroupSpec.template.metadata, { annotations: { "karpenter.sh/do-not-disrupt": "true", "ray-vllm-eks.io/restart-generation": "3" } });
        assert.deepStrictEqual(config.workerGroupSpecs.map((g: any) => [g.groupName, g.template.metadata]), [
            ["cpu", { annotations: { "ray-vllm-eks.io/restart-generation": "3" } }],
            ["g6e-12xlarge", { annotations: { "ray-vllm-eks.io/restart-generation": "3" } }],
            ["g6-2xlarge", { annotations: { "ray-vllm-eks.io/restart-generation": "3" } }],
        ]);
    });


    it("names the head container ray-head and requests headCpu and headMemory, limiting memory to headMemory", () => {
        const spec = rayServiceSpec(resolved({ headCpu: "3", headMemory: "12Gi" }), [chat()], undefined) as any;
        const head = spec.rayClusterConfig.headGroupSpec.template.spec.containers[0];
        assert.equal(head.name, "ray-head");
        assert.deepStrictEqual(head.resources, { requests: { cpu: "3", memory: "12Gi" }, limits: { memory: "12Gi" } });
    });

    it("mounts the model cache volume (model-cache at /data/model-cache) in the head and the GPU workers, not the CPU workers", () => {
        const spec = rayServiceSpec(resolved(), [chat()], undefined) as any;
        const [cpu, gpu] = spec.rayClusterConfig.workerGroupSpecs;
        assert.deepStrictEqual(spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].volumeMounts, [{ name: "model-cache", mountPath: "/data/model-cache" }]);
        assert.deepStrictEqual(gpu.template.spec.containers[0].volumeMounts, [{ name: "model-cache", mountPath: "/data/model-cache" }]);
        assert.equal("volumeMounts" in cpu.template.spec.containers[0], false);
    });

    it("renders the GPU worker container ray-worker with the node's resources and no ephemeral-storage request when the cache is a PVC", () => {
        const spec = rayServiceSpec(resolved({ modelCachePvcName: "shared-cache" }), [chat()], undefined) as any;
        const gpu = spec.rayClusterConfig.workerGroupSpecs[1];
        assert.deepStrictEqual(gpu.template.spec.containers, [{
            name: "ray-worker",
            image: IMAGE,
            env: [{ name: "HF_HOME", value: "/data/model-cache" }],
            resources: {
                requests: { "nvidia.com/gpu": "4", "cpu": "47", "memory": "359595Mi" },
                limits: { "nvidia.com/gpu": "4", "cpu": "47", "memory": "359595Mi" },
            },
            volumeMounts: [{ name: "model-cache", mountPath: "/data/model-cache" }],
        }]);
        assert.deepStrictEqual(gpu.template.spec.volumes, [{ name: "model-cache", persistentVolumeClaim: { claimName: "shared-cache" } }]);
    });

    it("requests modelCacheSizeGiB of ephemeral storage on a GPU worker when the cache is on the node's disk", () => {
        const spec = rayServiceSpec(resolved({ modelCacheSizeGiB: 150 }), [chat()], undefined) as any;
        assert.deepStrictEqual(spec.rayClusterConfig.workerGroupSpecs[1].template.spec.containers[0].resources.requests, {
            "nvidia.com/gpu": "4", "cpu": "47", "memory": "359595Mi", "ephemeral-storage": "150Gi",
        });
    });

    it("sets no serviceAccountName key in any pod template when serviceAccountName is not given", () => {
        const spec = rayServiceSpec(resolved(), [chat()], undefined) as any;
        const [cpu, gpu] = spec.rayClusterConfig.workerGroupSpecs;
        assert.deepStrictEqual(Object.keys(spec.rayClusterConfig.headGroupSpec.template.spec), ["nodeSelector", "containers", "volumes"]);
        assert.deepStrictEqual(Object.keys(cpu.template.spec), ["nodeSelector", "containers"]);
        assert.deepStrictEqual(Object.keys(gpu.template.spec), ["nodeSelector", "tolerations", "containers", "volumes"]);
    });
});

describe("rayServiceSpec: GCS fault tolerance", () => {
    it("renders no gcsFaultToleranceOptions key without redisAddress", () => {
        const spec = rayServiceSpec(resolved(), [chat()], undefined) as any;
        assert.deepStrictEqual(Object.keys(spec.rayClusterConfig), [
            "rayVersion", "authOptions", "enableInTreeAutoscaling", "autoscalerOptions", "headGroupSpec", "workerGroupSpecs",
        ]);
    });

    it("renders only redisAddress in gcsFaultToleranceOptions when no redisPasswordSecretName is given", () => {
        const spec = rayServiceSpec(resolved({ redisAddress: "redis://redis.example.internal:6379" }), [chat()], undefined) as any;
        assert.deepStrictEqual(spec.rayClusterConfig.gcsFaultToleranceOptions, { redisAddress: "redis://redis.example.internal:6379" });
    });
});

describe("serveLoadBalancer", () => {
    it("renders an internet-facing NLB with TLS on 443 and the allowed CIDRs as source ranges", () => {
        assert.deepStrictEqual(serveLoadBalancer(resolved({
            exposeServe: true,
            serveInternetFacing: true,
            serveTlsCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/edge",
            serveAllowedCidrs: ["203.0.113.0/24"],
        })), {
            metadata: {
                annotations: {
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                    "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:us-west-2:123456789012:certificate/edge",
                    "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
                    "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                },
            },
            spec: {
                type: "LoadBalancer",
                loadBalancerClass: "service.k8s.aws/nlb",
                ports: [{ name: "serve", port: 443, targetPort: 8000, protocol: "TCP" }],
                loadBalancerSourceRanges: ["203.0.113.0/24"],
            },
        });
    });

    it("renders a plaintext internal NLB on 80 without TLS annotations or loadBalancerSourceRanges when no certificate and no CIDRs are given", () => {
        assert.deepStrictEqual(serveLoadBalancer(resolved({ exposeServe: true, serveAllowPlaintext: true })), {
            metadata: {
                annotations: {
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
                    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                },
            },
            spec: {
                type: "LoadBalancer",
                loadBalancerClass: "service.k8s.aws/nlb",
                ports: [{ name: "serve", port: 80, targetPort: 8000, protocol: "TCP" }],
            },
        });
    });
});

const OIDC: RayDashboardIngressArgs = {
    allowedCidrs: ["10.20.0.0/16"],
    loadBalancerSubnetCidrs: ["10.0.0.0/16"],
    certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/dash",
    host: "ray.edge.example.com",
    oidcIssuer: "https://idp.example.com",
    oidcAuthorizationEndpoint: "https://idp.example.com/authorize",
    oidcTokenEndpoint: "https://idp.example.com/token",
    oidcUserInfoEndpoint: "https://idp.example.com/userinfo",
    oidcSecretName: "vedge-oidc",
};
const DEP_URN = "urn:pulumi:test::ray-vllm-eks::kubernetes:core/v1:Namespace::vedge-dep";

describe("VllmRayService with dependsOn and an OIDC dashboard Ingress", () => {
    before(async () => {
        const dep = new k8s.core.v1.Namespace("vedge-dep", { metadata: { name: "vedge-dep" } }, { provider });
        const service = new VllmRayService("vedge1", { models: [SMALL], namespace: "llm-edge", dashboardIngress: OIDC }, { provider, dependsOn: [dep] });
        await valueOf(service.headServiceName);
        await settle();
    });

    it("registers its namespace as its child, depending on the component's dependsOn", () => {
        const namespace = resource("kubernetes:core/v1:Namespace", "vedge1-namespace");
        assert.equal(namespace.parent, "urn:pulumi:test::ray-vllm-eks::ray-vllm-eks:index:VllmRayService::vedge1");
        assert.deepStrictEqual(namespace.options, { dependsOn: [DEP_URN] });
        assert.deepStrictEqual(namespace.inputs, { apiVersion: "v1", kind: "Namespace", metadata: { name: "llm-edge" } });
    });

    it("registers the OIDC Secret's Role and RoleBinding and the dashboard Ingress, each depending on the component's dependsOn", () => {
        const dashboard = descendantsOf(componentUrn(TYPE, "vedge1")).filter((r) => r.name.startsWith("vedge1-dashboard"));
        assert.deepStrictEqual(dashboard.map((r) => `${r.type} ${r.name}`), [
            "kubernetes:networking.k8s.io/v1:Ingress vedge1-dashboard",
            "kubernetes:rbac.authorization.k8s.io/v1:Role vedge1-dashboard-oidc",
            "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding vedge1-dashboard-oidc",
        ]);
        for (const r of dashboard) {
            assert.deepStrictEqual(r.options, { dependsOn: [DEP_URN] }, r.name);
        }
        assert.deepStrictEqual(resource("kubernetes:rbac.authorization.k8s.io/v1:Role", "vedge1-dashboard-oidc").inputs, {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { name: "vedge1-dashboard-oidc", namespace: "llm-edge" },
            rules: [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["vedge-oidc"], verbs: ["get", "list", "watch"] }],
        });
        assert.deepStrictEqual(resource("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "vedge1-dashboard-oidc").inputs, {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: "vedge1-dashboard-oidc", namespace: "llm-edge" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "vedge1-dashboard-oidc" },
            subjects: [{ kind: "ServiceAccount", name: "aws-load-balancer-controller", namespace: "kube-system" }],
        });
        const ingress = resource("kubernetes:networking.k8s.io/v1:Ingress", "vedge1-dashboard").inputs as any;
        assert.deepStrictEqual([ingress.metadata.name, ingress.metadata.namespace], ["vedge1-dashboard", "llm-edge"]);
        assert.deepStrictEqual(ingress.spec, {
            ingressClassName: "alb",
            rules: [{
                host: "ray.edge.example.com",
                http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "vedge1-head-svc", port: { number: 8265 } } } }] },
            }],
        });
    });
});

describe("VllmRayService with a Redis password and dependsOn", () => {
    it("keeps the password's Secret below the component, waiting on the component's dependsOn, and registers its outputs", async () => {
        const marker = new pulumi.ComponentResource("test:index:Marker", "vredis-marker", {});
        const service = new VllmRayService("vredis", {
            models: [SMALL],
            redisAddress: "rediss://gcs.example:6379",
            redisPassword: pulumi.secret("p4ssw0rd-p4ssw0rd"),
        }, { provider, dependsOn: [marker] });
        await valueOf(service.serviceName);
        await settle();
        const secret = resource("kubernetes:core/v1:Secret", "vredis-redis-password");
        assert.equal(secret.parent, componentUrn(TYPE, "vredis"));
        assert.deepEqual(secret.options.dependsOn, [componentUrn("test:index:Marker", "vredis-marker")]);
        assert.deepEqual(secret.inputs.metadata, { name: "vredis-redis-password", namespace: "llm" });
        const outputs = resource(TYPE, "vredis").outputs!;
        assert.deepEqual(Object.keys(outputs).sort(), ["headServiceName", "idleGpus", "maxGpus", "modelNames", "namespace", "serveServiceName", "serviceName", "servingCapacity", "upgradeGpus"]);
        assert.deepEqual([outputs.serviceName, outputs.namespace, outputs.modelNames, outputs.idleGpus], ["vredis", "llm", ["qwen3-8b"], 0]);
    });
});

describe("VllmRayService refusals at the edges", () => {
    const MODELS_EMPTY = `VllmRayService: models is empty: give at least one model, such as { name: "llama-3.1-8b", source: "meta-llama/Llama-3.1-8B-Instruct", accelerator: "g6.xlarge" }.`;

    it("refuses undefined args with the empty-models message (a ResourceError, not a TypeError)", async () => {
        assert.equal(
            await refusal(TYPE, "vedge-bad-1", () => new VllmRayService("vedge-bad-1", undefined as unknown as VllmRayServiceArgs, { provider })),
            MODELS_EMPTY,
        );
    });

    it("refuses args without models with the empty-models message", async () => {
        assert.equal(await refusal(TYPE, "vedge-bad-2", () => new VllmRayService("vedge-bad-2", {} as VllmRayServiceArgs, { provider })), MODELS_EMPTY);
    });

    it("refuses otherwise valid args without a Kubernetes provider, naming VllmRayService", async () => {
        assert.equal(
            await refusal(TYPE, "vedge-bad-3", () => new VllmRayService("vedge-bad-3", { models: [SMALL] }, {})),
            "VllmRayService: provider is missing: pass { provider } (a k8s.Provider built from LlmCluster's kubeconfig) in the resource options of VllmRayService, so it never deploys to the cluster your ambient kubeconfig points at.",
        );
    });
});

describe("sizing edges", () => {
    // 9.663676416 B parameters × 2 bytes = 18 GiB; 18 GiB + the 2 GiB KV-cache floor = 20 GiB, and half
    // of an A100 40GB (40960 MiB) is 20 GiB.
    const EXACT = { parametersBillions: 9.663676416, dtype: "auto", accelerator: "p4d.24xlarge", tensorParallelSize: 1, gpuMemoryUtilization: 0.5 };

    it("fits a model that needs exactly the GPU memory it is offered (20 GiB of 20 GiB)", () => {
        assert.deepStrictEqual(perGpu(EXACT), { needGiB: 20, haveGiB: 20 });
        assert.equal(fits(EXACT), true);
        assert.equal(minimumTensorParallelSize({ parametersBillions: 9.663676416, dtype: "auto", accelerator: "p4d.24xlarge", gpuMemoryUtilization: 0.5 }), 1);
    });

    it("gives no tensor-parallel sizes for an accelerator outside the catalogue", () => {
        assert.deepStrictEqual(tensorParallelSizes("g4dn.xlarge"), []);
        assert.equal(minimumTensorParallelSize({ parametersBillions: 8.19, dtype: "auto", accelerator: "g4dn.xlarge", gpuMemoryUtilization: 0.9 }), undefined);
    });

    it("weighs 4 bytes per parameter for float32 and 2 for a dtype it does not know", () => {
        assert.equal(weightsGiB(9.663676416, "float32"), 36);
        assert.equal(weightsGiB(9.663676416, "int4"), 18);
    });
});
