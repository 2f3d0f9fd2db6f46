import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { componentUrn, descendantsOf, resource, settle, valueOf, rejection as refusal } from "./support/mocks";

import { KubeRayOperator, KubeRayOperatorArgs, mergedFeatureGates, retainCrds } from "../components/kuberay";

const TYPE = "ray-vllm-eks:index:KubeRayOperator";
const provider = new k8s.Provider("kuberay-test-k8s", { kubeconfig: "{}" });

const DEFAULT_GATES = [
    { name: "RayClusterStatusConditions", enabled: true },
    { name: "RayJobDeletionPolicy", enabled: true },
    { name: "RayMultiHostIndexing", enabled: true },
    { name: "RayServiceIncrementalUpgrade", enabled: true },
    { name: "RayCronJob", enabled: false },
    { name: "RayClusterMTLS", enabled: false },
    { name: "RayClusterNetworkPolicy", enabled: false },
    { name: "RayClusterHistoryServer", enabled: false },
    { name: "SidecarSubmitterRestart", enabled: false },
    { name: "GCSFaultToleranceEmbeddedStorage", enabled: false },
    { name: "KubernetesWAS", enabled: false },
];

describe("KubeRayOperator", () => {
    let operator: KubeRayOperator;

    before(async () => {
        operator = new KubeRayOperator("kr1", { featureGates: [{ name: "RayClusterNetworkPolicy", enabled: true }], watchNamespaces: ["llm"] }, { provider });
        await valueOf(operator.namespace);
        await settle();
    });

    it("registers its namespace and the pinned chart, through the explicit provider", () => {
        const children = descendantsOf(componentUrn(TYPE, "kr1"));
        assert.deepEqual(children.map((r) => `${r.type} ${r.name}`), [
            "kubernetes:core/v1:Namespace kr1-namespace",
            "kubernetes:helm.sh/v4:Chart kr1-chart",
        ]);
        for (const r of children) {
            assert.ok(r.provider?.startsWith("urn:pulumi:test::ray-vllm-eks::pulumi:providers:kubernetes::kuberay-test-k8s::"), `${r.name} uses the explicit provider`);
        }
        assert.deepEqual(resource("kubernetes:core/v1:Namespace", "kr1-namespace").inputs, {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { labels: { "app.kubernetes.io/part-of": "kuberay" }, name: "kuberay-system" },
        });
    });

    it("installs the chart with its CRDs (server-side), on the system nodes, with merged feature gates", () => {
        const chart = resource("kubernetes:helm.sh/v4:Chart", "kr1-chart");
        assert.deepEqual(chart.inputs, {
            chart: "kuberay-operator",
            name: "kuberay-operator",
            namespace: "kuberay-system",
            repositoryOpts: { repo: "https://ray-project.github.io/kuberay-helm/" },
            skipCrds: false,
            values: {
                featureGates: DEFAULT_GATES.map((g) => (g.name === "RayClusterNetworkPolicy" ? { ...g, enabled: true } : g)),
                nodeSelector: { "ray-vllm-eks/node-pool": "system" },
                resources: { limits: { cpu: "1", memory: "512Mi" }, requests: { cpu: "100m", memory: "512Mi" } },
                watchNamespace: ["llm"],
            },
            version: "1.7.0",
        });
        assert.ok(chart.dependencies.includes(resource("kubernetes:core/v1:Namespace", "kr1-namespace").urn));
    });

    it("watches every namespace by default and keeps the chart's gates", async () => {
        const o = new KubeRayOperator("kr2", { namespace: "ray-operator" }, { provider });
        assert.equal(await valueOf(o.namespace), "ray-operator");
        await settle();
        const values = resource("kubernetes:helm.sh/v4:Chart", "kr2-chart").inputs.values as any;
        assert.equal("watchNamespace" in values, false);
        assert.deepEqual(values.featureGates, DEFAULT_GATES);
        assert.deepEqual(mergedFeatureGates([]), DEFAULT_GATES);
    });

    it("keeps KubeRay's CRDs on delete (a transform the Pulumi CLI runs; the mock engine has none)", () => {
        const crd = { type: "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", name: "rayservices.ray.io", props: { a: 1 }, opts: { protect: false } };
        assert.deepEqual(retainCrds(crd as any), { props: { a: 1 }, opts: { protect: false, retainOnDelete: true } });
        assert.equal(retainCrds({ ...crd, type: "kubernetes:apps/v1:Deployment" } as any), undefined);
    });

    it("exposes its namespace and version", async () => {
        assert.equal(await valueOf(operator.namespace), "kuberay-system");
        assert.equal(await valueOf(operator.version), "1.7.0");
    });
});

function rejection(name: string, args: KubeRayOperatorArgs, opts: pulumi.ComponentResourceOptions = { provider }): Promise<string> {
    return refusal(TYPE, name, () => new KubeRayOperator(name, args, opts));
}

describe("KubeRayOperator input validation", () => {
    it("refuses an unknown feature gate", async () => {
        assert.equal(
            await rejection("krbad-1", { featureGates: [{ name: "RayServiceV2", enabled: true }] }),
            `KubeRayOperator: featureGates ["RayServiceV2"] is not a feature gate of KubeRay 1.7.0: use RayClusterStatusConditions, RayJobDeletionPolicy, RayMultiHostIndexing, RayServiceIncrementalUpgrade, RayCronJob, RayClusterMTLS, RayClusterNetworkPolicy, RayClusterHistoryServer, SidecarSubmitterRestart, GCSFaultToleranceEmbeddedStorage, KubernetesWAS.`,
        );
    });

    it("refuses a gate set twice", async () => {
        assert.equal(
            await rejection("krbad-2", { featureGates: [{ name: "RayCronJob", enabled: true }, { name: "RayCronJob", enabled: false }] }),
            `KubeRayOperator: featureGates sets ["RayCronJob"] more than once: set each gate once.`,
        );
    });

    it("refuses an unpinned version and an invalid namespace together", async () => {
        assert.equal(await rejection("krbad-3", { version: "1.x", namespace: "Ray_System" }), [
            "KubeRayOperator: 2 invalid arguments:",
            `  - namespace "Ray_System" is not a valid name: use lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit, such as "llm-dev".`,
            `  - version "1.x" is not an exact chart version: pin one such as "1.7.0".`,
        ].join("\n"));
    });

    it("refuses to run without an explicit Kubernetes provider", async () => {
        assert.equal(
            await rejection("krbad-4", {}, {}),
            "KubeRayOperator: provider is missing: pass { provider } (a k8s.Provider built from LlmCluster's kubeconfig) in the resource options of KubeRayOperator, so it never deploys to the cluster your ambient kubeconfig points at.",
        );
    });
});
