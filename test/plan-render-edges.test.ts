/**
 * The plan's renderer (plan/render.ts) in-process, over small hand-built plans: which
 * resources are Kubernetes objects, the collisions it reports, the files writePlan writes and
 * replaces, and the resource-count table.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { PlannedResource, PlanResult } from "../plan/engine";
import { collisions, isKubernetesObject, summarize, writePlan } from "../plan/render";

function planned(type: string, name: string, inputs: Record<string, unknown>, custom = true): PlannedResource {
    return { urn: `urn:pulumi:t::p::${type}::${name}`, type, name, custom, dependencies: [], options: {}, inputs };
}

function planOf(resources: PlannedResource[]): PlanResult {
    return { project: "p", stack: "t", resources, outputs: {}, destroyOrder: [] };
}

/** Every file below `dir`, relative and "/" separated, sorted. */
function filesIn(dir: string): string[] {
    return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
        .sort();
}

describe("the plan renderer's edges (plan/render.ts)", () => {
    const dirs: string[] = [];
    const tempDir = (): string => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-render-"));
        dirs.push(dir);
        return dir;
    };
    after(() => {
        for (const dir of dirs) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    describe("isKubernetesObject", () => {
        it("is true only for custom kubernetes: resources other than Helm releases", () => {
            assert.equal(isKubernetesObject(planned("kubernetes:core/v1:Namespace", "ns", {})), true);
            assert.equal(isKubernetesObject(planned("kubernetes:core/v1:Namespace", "component", {}, false)), false);
            assert.equal(isKubernetesObject(planned("aws:s3/bucket:Bucket", "bucket", {})), false);
            assert.equal(isKubernetesObject(planned("pulumi:providers:kubernetes", "k8s", {})), false);
            assert.equal(isKubernetesObject(planned("kubernetes:helm.sh/v3:Release", "release", {})), false);
        });
    });

    describe("collisions", () => {
        const NAMESPACE = { apiVersion: "v1", kind: "Namespace", metadata: { name: "llm" } };
        const CONFIG_MAP = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "llm" } };

        it("reports each Kubernetes object and Helm release declared more than once, with its owners in plan order, and nothing unique", () => {
            const plan = planOf([
                planned("kubernetes:core/v1:Namespace", "ns-a", NAMESPACE),
                planned("kubernetes:core/v1:Namespace", "ns-b", NAMESPACE),
                planned("kubernetes:core/v1:ConfigMap", "cfg-a", CONFIG_MAP),
                planned("kubernetes:core/v1:ConfigMap", "cfg-b", CONFIG_MAP),
                planned("kubernetes:core/v1:ConfigMap", "cfg-c", CONFIG_MAP),
                planned("kubernetes:core/v1:ConfigMap", "other", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "other", namespace: "llm" } }),
                // A ConfigMap resource named like a Helm release: it is no release.
                planned("kubernetes:core/v1:ConfigMap", "monitoring", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "dashboards", namespace: "default" } }),
                // Not Kubernetes objects although they carry the same fields: a component, an AWS resource.
                planned("kubernetes:core/v1:Namespace", "ns-component", NAMESPACE, false),
                planned("aws:s3/bucket:Bucket", "ns-bucket", NAMESPACE),
                planned("kubernetes:helm.sh/v3:Release", "kuberay", { name: "kuberay-operator", namespace: "kuberay", chart: "kuberay-operator" }),
                planned("kubernetes:helm.sh/v3:Release", "kuberay-again", { name: "kuberay-operator", namespace: "kuberay" }),
                planned("kubernetes:helm.sh/v3:Release", "unique", { name: "unique", namespace: "kuberay" }),
                // A chart (a component, as the provider registers it) with neither name nor namespace: default/<resource name>, like the release below.
                planned("kubernetes:helm.sh/v4:Chart", "monitoring", { chart: "kube-prometheus-stack" }, false),
                planned("kubernetes:helm.sh/v3:Release", "prom", { name: "monitoring", namespace: "default" }),
            ]);
            assert.deepStrictEqual(collisions(plan), [
                "Kubernetes object v1 Namespace llm is declared by 2 resources (ns-a, ns-b): only one can own it; rename one, or turn the duplicate off.",
                "Kubernetes object v1 ConfigMap llm/cfg is declared by 3 resources (cfg-a, cfg-b, cfg-c): only one can own it; rename one, or turn the duplicate off.",
                "Helm release kuberay/kuberay-operator is declared by 2 resources (kuberay, kuberay-again): only one can own it; rename one, or turn the duplicate off.",
                "Helm release default/monitoring is declared by 2 resources (monitoring, prom): only one can own it; rename one, or turn the duplicate off.",
            ]);
        });

        it("reports nothing when every object and release is declared once", () => {
            assert.deepStrictEqual(collisions(planOf([
                planned("kubernetes:core/v1:Namespace", "ns", NAMESPACE),
                planned("kubernetes:helm.sh/v3:Release", "r", { name: "r", namespace: "llm" }),
            ])), []);
        });
    });

    describe("writePlan", () => {
        const RESOURCES = [
            planned("kubernetes:core/v1:Namespace", "ns", { apiVersion: "v1", kind: "Namespace", metadata: { name: "llm" } }),
            planned("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "role", { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "system:ray" }, rules: [] }),
            planned("kubernetes:helm.sh/v3:Release", "kuberay", { name: "kuberay-operator", namespace: "kuberay", chart: "kuberay-operator", version: "1.3.0", values: { a: 1 } }),
            planned("kubernetes:helm.sh/v4:Chart", "monitoring", { chart: "kube-prometheus-stack" }, false),
        ];

        it("replaces plan.json, manifests/ and helm/ only, and returns the files it wrote, in order", () => {
            const dir = tempDir();
            fs.mkdirSync(path.join(dir, "manifests"));
            fs.writeFileSync(path.join(dir, "manifests", "stale.yaml"), "stale\n");
            fs.writeFileSync(path.join(dir, "plan.json"), "old\n");
            fs.writeFileSync(path.join(dir, "keep.txt"), "mine\n");
            const written = writePlan(planOf(RESOURCES), dir);
            assert.deepStrictEqual(written, [
                path.join(dir, "plan.json"),
                path.join(dir, "manifests", "core_v1_Namespace_llm.yaml"),
                path.join(dir, "manifests", "rbac.authorization.k8s.io_v1_ClusterRole_system-ray.yaml"),
                path.join(dir, "helm", "kuberay_kuberay-operator.yaml"),
                path.join(dir, "helm", "default_monitoring.yaml"),
            ]);
            assert.deepStrictEqual(filesIn(dir), [
                "helm/default_monitoring.yaml",
                "helm/kuberay_kuberay-operator.yaml",
                "keep.txt",
                "manifests/core_v1_Namespace_llm.yaml",
                "manifests/rbac.authorization.k8s.io_v1_ClusterRole_system-ray.yaml",
                "plan.json",
            ]);
            assert.equal(fs.readFileSync(path.join(dir, "keep.txt"), "utf8"), "mine\n");
            assert.equal(fs.readFileSync(path.join(dir, "manifests", "core_v1_Namespace_llm.yaml"), "utf8"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: llm\n");
            assert.equal(fs.readFileSync(path.join(dir, "manifests", "rbac.authorization.k8s.io_v1_ClusterRole_system-ray.yaml"), "utf8"),
                "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: system:ray\nrules: []\n");
            assert.equal(fs.readFileSync(path.join(dir, "helm", "kuberay_kuberay-operator.yaml"), "utf8"),
                "name: kuberay-operator\nnamespace: kuberay\nchart: kuberay-operator\nversion: 1.3.0\nvalues:\n  a: 1\n");
            assert.equal(fs.readFileSync(path.join(dir, "helm", "default_monitoring.yaml"), "utf8"), "name: monitoring\nchart: kube-prometheus-stack\n");
        });

        it("writes plan.json as the plan itself, 2-space indented with a final newline, when no findings are given", () => {
            const dir = tempDir();
            const resource = planned("aws:s3/bucket:Bucket", "b", { acl: "private" });
            writePlan(planOf([resource]), dir);
            assert.equal(fs.readFileSync(path.join(dir, "plan.json"), "utf8"), `{
  "project": "p",
  "stack": "t",
  "resources": [
    {
      "urn": "urn:pulumi:t::p::aws:s3/bucket:Bucket::b",
      "type": "aws:s3/bucket:Bucket",
      "name": "b",
      "custom": true,
      "dependencies": [],
      "options": {},
      "inputs": {
        "acl": "private"
      }
    }
  ],
  "outputs": {},
  "destroyOrder": []
}
`);
        });

        it("adds the findings to plan.json after the plan's own fields when they are given, even none", () => {
            const dir = tempDir();
            writePlan({ project: "p", stack: "t", resources: [], outputs: {}, destroyOrder: [] }, dir, [
                { view: "recorded", policy: "pol", level: "advisory", urn: null, resource: "stack", message: "m" },
            ]);
            assert.equal(fs.readFileSync(path.join(dir, "plan.json"), "utf8"), `{
  "project": "p",
  "stack": "t",
  "resources": [],
  "outputs": {},
  "destroyOrder": [],
  "findings": [
    {
      "view": "recorded",
      "policy": "pol",
      "level": "advisory",
      "urn": null,
      "resource": "stack",
      "message": "m"
    }
  ]
}
`);
            writePlan({ project: "p", stack: "t", resources: [], outputs: {}, destroyOrder: [] }, dir, []);
            assert.equal(fs.readFileSync(path.join(dir, "plan.json"), "utf8"),
                `{\n  "project": "p",\n  "stack": "t",\n  "resources": [],\n  "outputs": {},\n  "destroyOrder": [],\n  "findings": []\n}\n`);
        });

        it("creates the output folder, and its parents, when it does not exist yet", () => {
            const dir = path.join(tempDir(), "out", "plan");
            assert.deepStrictEqual(writePlan(planOf([]), dir), [path.join(dir, "plan.json")]);
            assert.deepStrictEqual(filesIn(dir), ["plan.json"]);
            assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["manifests", "plan.json"]);
        });

        it("creates an empty manifests/ folder, and removes an old helm/ folder, for a plan with no Kubernetes objects or releases", () => {
            const dir = tempDir();
            fs.mkdirSync(path.join(dir, "helm"));
            fs.writeFileSync(path.join(dir, "helm", "old.yaml"), "old\n");
            assert.deepStrictEqual(writePlan(planOf([]), dir), [path.join(dir, "plan.json")]);
            assert.deepStrictEqual(fs.readdirSync(dir).sort(), ["manifests", "plan.json"]);
            assert.deepStrictEqual(fs.readdirSync(path.join(dir, "manifests")), []);
        });
    });

    describe("summarize", () => {
        it("counts resources by type, largest count first, then by type, padded to the longest type", () => {
            const plan = planOf([
                planned("kubernetes:core/v1:Namespace", "n", {}),
                planned("b:x", "b1", {}),
                planned("a:y", "a1", {}),
                planned("c:z", "c1", {}),
                planned("b:x", "b2", {}),
                planned("c:z", "c2", {}),
                planned("a:y", "a2", {}),
                planned("c:z", "c3", {}),
            ]);
            assert.equal(summarize(plan), [
                "  TYPE                            N",
                "  c:z                             3",
                "  a:y                             2",
                "  b:x                             2",
                "  kubernetes:core/v1:Namespace    1",
                "  total                           8",
            ].join("\n"));
        });

        it("orders types of equal count alphabetically whatever their order in the plan", () => {
            assert.equal(summarize(planOf([planned("b", "1", {}), planned("a", "2", {}), planned("c", "3", {})])),
                "  TYPE    N\n  a       1\n  b       1\n  c       1\n  total    3");
            assert.equal(summarize(planOf([planned("c", "1", {}), planned("a", "2", {}), planned("b", "3", {})])),
                "  TYPE    N\n  a       1\n  b       1\n  c       1\n  total    3");
        });

        it("pads short types to the width of TYPE, and an empty plan is the header and a zero total", () => {
            assert.equal(summarize(planOf([planned("ab", "1", {})])), "  TYPE    N\n  ab      1\n  total    1");
            assert.equal(summarize(planOf([])), "  TYPE    N\n  total    0");
        });
    });
});
