import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as fs from "fs";
import * as path from "path";

import { BUILT_IN_GROUPS, groupOf } from "./support/builtin";
import { CrdConformance, loadYamlDocs } from "./support/conformance";
import { componentUrn, descendantsOf, settle, valueOf } from "./support/mocks";
import { environmentPlan, environments as listEnvironments } from "./support/plan";
import { upstreamPath } from "./support/upstream";

import { GpuNodePool, GpuNodePoolArgs } from "../components/gpu-nodepool";
import { VllmRayService } from "../components/vllm-service";
import { isKubernetesObject, toKubernetesObject } from "../plan/render";

const environments = listEnvironments();

/** The CRDs vendored in test/data/upstream/crds: those of the custom kinds the components render. */
const CRD_FILES = [
    "karpenter.k8s.aws_ec2nodeclasses.yaml",
    "karpenter.sh_nodepools.yaml",
    "monitoring.coreos.com_podmonitors.yaml",
    "monitoring.coreos.com_prometheusrules.yaml",
    "monitoring.coreos.com_servicemonitors.yaml",
    "ray.io_rayservices.yaml",
];

/** The vendored upstream CRDs: a missing file fails the suite by name (or skips it, with RAY_VLLM_EKS_SKIP_UPSTREAM=1). */
function upstreamCrds(ctx: Mocha.Context): CrdConformance {
    for (const file of CRD_FILES) {
        upstreamPath(ctx, "crds", file);
    }
    return CrdConformance.load(upstreamPath(ctx, "crds"));
}

describe("the vendored upstream CRDs", function () {
    let crds: CrdConformance;

    before(function () {
        crds = upstreamCrds(this);
    });

    it("define every served version of the kinds the components render, and no other", () => {
        assert.deepEqual(crds.kinds(), [
            "karpenter.k8s.aws/v1/EC2NodeClass",
            "karpenter.sh/v1/NodePool",
            "monitoring.coreos.com/v1/PodMonitor",
            "monitoring.coreos.com/v1/PrometheusRule",
            "monitoring.coreos.com/v1/ServiceMonitor",
            "ray.io/v1/RayService",
            "ray.io/v1alpha1/RayService",
        ]);
    });

    it("hold no CEL rule the checker cannot evaluate (transition rules aside)", () => {
        assert.deepEqual(crds.unsupportedRules(), []);
    });

    it("still declare the deprecated RayService spec.serviceUnhealthySecondThreshold (a schema check cannot catch it)", () => {
        // The KubeRay v1.7.0 CRD still declares this field (int32), so the schema accepts it.
        // Upstream marks it "Deprecated: This field is not used anymore" (kuberay#1685): the
        // operator ignores it, which only a review (or a test of the component) can catch.
        const rs = {
            apiVersion: "ray.io/v1", kind: "RayService", metadata: { name: "llm" },
            spec: { serviceUnhealthySecondThreshold: 900, rayClusterConfig: { headGroupSpec: { rayStartParams: {}, template: { spec: { containers: [{ name: "ray-head", image: "rayproject/ray:2.56.0" }] } } } } },
        };
        assert.deepEqual(crds.validate(rs), []);
        assert.deepEqual(crds.validate({ ...rs, spec: { ...rs.spec, serviceUnhealthySecondThreshold: "900" } }), [
            "RayService/llm: /spec/serviceUnhealthySecondThreshold: must be integer",
        ]);
    });
});

/** The custom kinds each environment renders: the check below must have something to check. */
const CUSTOM_KINDS: Record<string, string[]> = {
    dev: ["EC2NodeClass", "NodePool", "PodMonitor", "PrometheusRule", "RayService", "ServiceMonitor"],
    staging: ["EC2NodeClass", "NodePool", "PodMonitor", "PrometheusRule", "RayService", "ServiceMonitor"],
    prod: ["EC2NodeClass", "NodePool", "PodMonitor", "PrometheusRule", "RayService", "ServiceMonitor"],
};

describe("rendered custom resources conform to the upstream CRDs", function () {
    let crds: CrdConformance;
    const objects = new Map<string, { file: string; obj: any }[]>();

    before(async function () {
        crds = upstreamCrds(this);
        const runs = await Promise.all(environments.map((env) => environmentPlan(env)));
        runs.forEach((r, i) => assert.equal(r.code, 0, `plan ${environments[i]}: ${r.stderr}`));
        for (const [i, env] of environments.entries()) {
            const dir = path.join(runs[i].out, "manifests");
            objects.set(env, fs.readdirSync(dir).sort().flatMap((f) => loadYamlDocs(path.join(dir, f)).map((obj) => ({ file: f, obj }))));
        }
    });

    for (const env of environments) {
        it(`${env}: every custom resource validates (schema with unknown fields as errors, and CEL rules)`, () => {
            const problems: string[] = [];
            const kinds = new Set<string>();
            for (const { file, obj } of objects.get(env)!) {
                if (BUILT_IN_GROUPS.has(groupOf(obj.apiVersion))) {
                    continue;
                }
                kinds.add(obj.kind);
                if (!crds.covers(obj)) {
                    problems.push(`${file}: no upstream CRD for ${obj.apiVersion} ${obj.kind}: vendor its CRD in test/data/upstream/crds or do not render it`);
                    continue;
                }
                problems.push(...crds.validate(obj).map((e) => `${file}: ${e}`));
            }
            assert.deepEqual(problems, []);
            assert.deepEqual([...kinds].sort(), CUSTOM_KINDS[env] ?? [], `the custom kinds ${env} renders`);
        });
    }
});

describe("every GpuNodePool option renders objects the upstream CRDs accept", function () {
    let crds: CrdConformance;

    before(function () {
        crds = upstreamCrds(this);
    });

    it("Bottlerocket, RAID0, instance types, GPUs per node, weights, limits, budgets, Never", async () => {
        const provider = new k8s.Provider("conformance-k8s", { kubeconfig: "{}" });
        const variants: GpuNodePoolArgs[] = [
            { clusterName: "llm", nodeRoleName: "role", pools: [{ name: "gpu", gpuLimit: 8 }] },
            {
                clusterName: "llm",
                nodeRoleName: "role",
                amiAlias: "bottlerocket@v1.40.0",
                instanceStoreRaid0: true,
                volumeSizeGiB: 500,
                volumeIops: 6000,
                volumeThroughput: 500,
                tags: { team: "ml", "cost-center": "42" },
                pools: [
                    { name: "spot", gpuLimit: 16, capacityTypes: ["spot"], weight: 100, minGpusPerNode: 4, maxGpusPerNode: 8, labels: { tier: "a" } },
                    {
                        name: "od", gpuLimit: 8, capacityTypes: ["on-demand"], weight: 1, instanceTypes: ["p5.48xlarge", "p4d.24xlarge"], cpuLimit: "400", memoryLimit: "4000Gi",
                        consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "Never", expireAfter: "Never", terminationGracePeriod: "2h30m",
                        disruptionBudgets: [{ nodes: "0", schedule: "@daily", duration: "1h30m", reasons: ["Drifted", "Underutilized"] }, { nodes: "50%" }],
                    },
                ],
            },
        ];
        const pools = variants.map((args, i) => new GpuNodePool(`cv${i}`, args, { provider }));
        await Promise.all(pools.map((p) => valueOf(p.nodePoolNames)));
        await settle();
        const objects = pools.flatMap((_, i) => descendantsOf(componentUrn("ray-vllm-eks:index:GpuNodePool", `cv${i}`)))
            .filter(isKubernetesObject)
            .map(toKubernetesObject);
        assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort(), [
            "EC2NodeClass/cv0", "EC2NodeClass/cv1", "NodePool/cv0-gpu", "NodePool/cv1-od", "NodePool/cv1-spot",
        ]);
        assert.deepEqual(objects.flatMap((o) => crds.validate(o)), []);
    });
});

describe("every VllmRayService option renders a RayService the upstream CRD accepts", function () {
    let crds: CrdConformance;

    before(function () {
        crds = upstreamCrds(this);
    });

    it("multi-model, tensor parallel, embeddings, S3, token, GCS FT, PVC cache, a restart generation, exposed with TLS", async () => {
        const provider = new k8s.Provider("conformance-vllm-k8s", { kubeconfig: "{}" });
        const service = new VllmRayService("cvs", {
            namespace: "llm-conf",
            models: [
                { name: "llama-70b", source: "meta-llama/Llama-3.3-70B-Instruct", accelerator: "p5.48xlarge", tensorParallelSize: 8, minReplicas: 1, maxReplicas: 2, upscalingFactor: 2 },
                { name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6e.xlarge", minReplicas: 0, maxReplicas: 4 },
                { name: "bge-m3", source: "s3://models/bge-m3/", parametersBillions: 0.568, accelerator: "g6.xlarge", embedding: true },
            ],
            huggingFaceTokenSecretName: "hf",
            serviceAccountName: "model-reader",
            redisAddress: "rediss://redis:6379",
            redisPasswordSecretName: "redis",
            modelCachePvcName: "weights",
            upgradeStrategy: "None",
            restartGeneration: 3,
            exposeServe: true,
            serveTlsCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc",
            serveAllowedCidrs: ["10.0.0.0/8"],
            serveClientCidrs: ["10.0.0.0/16"],
            prometheusNamespace: "monitoring",
            grafanaUrl: "http://kps-grafana.monitoring.svc",
            prometheusUrl: "http://kps-prometheus.monitoring.svc:9090",
        }, { provider });
        await valueOf(service.serviceName);
        await settle();
        const objects = descendantsOf(componentUrn("ray-vllm-eks:index:VllmRayService", "cvs")).filter(isKubernetesObject).map(toKubernetesObject);
        const rayServices = objects.filter((o) => o.kind === "RayService");
        assert.equal(rayServices.length, 1);
        assert.deepEqual(crds.validate(rayServices[0]), []);
    });
});
