/**
 * Edge cases of the offline plan's helpers (plan/): the GPU budget's wording, the destroy
 * graph's corner cases, the serving capacity of a service without outputs, the double-quoted
 * escape of U+FFFF, and Pulumi.yaml config values that are empty or typed arrays of numbers.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { gpuBudgetLines, planGpuBudget } from "../plan/budget";
import { servingCapacityLines } from "../plan/capacity";
import { DestroyGraph, destroyOrder, providerUrn } from "../plan/destroy";
import { PlannedResource, PlanResult } from "../plan/engine";
import { doubleQuoted } from "../plan/portable-yaml";
import { loadConfig } from "../plan/project";
import { GpuBudget, GpuGroupPlacement } from "../policy/gpu";

const urn = (name: string): string => `urn:pulumi:t::p::t:i:T::${name}`;

/** A hand-written custom resource named `name`. */
function planned(name: string, r: Partial<PlannedResource> = {}): PlannedResource {
    return { urn: urn(name), type: "t:i:T", name, custom: true, dependencies: [], options: {}, inputs: {}, ...r };
}

const NONE = { maxGpus: 0, idleGpus: 0, upgradeGpus: 0 };

function group(service: string, name: string, gpusPerPod: number, pools: string[], maxReplicas?: number): GpuGroupPlacement {
    return { service, group: name, gpusPerPod, minReplicas: 0, ...(maxReplicas !== undefined ? { maxReplicas } : {}), demand: NONE, pools };
}

describe("the plan's GPU budget lines, edge cases (plan/budget.ts)", () => {
    const unbounded = group("llm/chat", "g6e", 4, ["gpu-a", "gpu-b", "gpu-c"]);
    const budget: GpuBudget = {
        pools: [
            { pool: "gpu-a", limit: 8, demand: { maxGpus: 12, idleGpus: 2, upgradeGpus: 24 }, groups: [unbounded, group("llm/chat", "g6", 1, ["gpu-a"], 4), group("llm/chat", "g5", 1, ["gpu-a"], 2)], fits: false },
            { pool: "gpu-b", limit: 4, demand: { maxGpus: 8, idleGpus: 1, upgradeGpus: 16 }, groups: [unbounded], fits: false },
        ],
        groups: [unbounded, group("llm/chat", "head", 1, []), group("llm/batch", "big", 2, [])],
        total: { maxGpus: 20, idleGpus: 3, upgradeGpus: 40 },
        limit: 12,
    };

    it("joins the pools that do not fit with \", \", counts two unplaced groups, lists three groups as \"a, b and c\", joins notes with \"; \" and other pools with \", \"", () => {
        assert.deepEqual(gpuBudgetLines(budget), [
            "GPU budget: the GPU NodePools allow 12 GPUs; the RayServices need at most 20 (40 during NewCluster upgrades): DOES NOT FIT in NodePool gpu-a, NodePool gpu-b; 2 GPU groups land in no NodePool; idle GPU floor 3 (GPUs that stay up with no traffic)",
            "  NodePool gpu-a: limit 8 GPUs; needs at most 12 (24 during NewCluster upgrades): DOES NOT FIT; idle floor 2; from llm/chat's g6e (no maxReplicas: unbounded; can also land in NodePool gpu-b, gpu-c: counted in full in each), g6 and g5",
            "  NodePool gpu-b: limit 4 GPUs; needs at most 8 (16 during NewCluster upgrades): DOES NOT FIT; idle floor 1; from llm/chat's g6e (no maxReplicas: unbounded; can also land in NodePool gpu-a, gpu-c: counted in full in each)",
            "  no NodePool: llm/chat's head (1 GPU per pod) can land in none of them: DOES NOT FIT",
            "  no NodePool: llm/batch's big (2 GPUs per pod) can land in none of them: DOES NOT FIT",
        ]);
    });

    it("names an unplaced group with an empty name as \"<service>'s \" (only \"head\" is spelled out)", () => {
        assert.deepEqual(gpuBudgetLines({ ...budget, groups: [group("llm/chat", "", 1, [])] }).slice(3), [
            "  no NodePool: llm/chat's  (1 GPU per pod) can land in none of them: DOES NOT FIT",
        ]);
    });

    it("still prints the budget of GPU NodePools that no RayService GPU group lands in", () => {
        assert.deepEqual(gpuBudgetLines({ pools: [{ pool: "gpu-idle", limit: 8, demand: NONE, groups: [], fits: true }], groups: [], total: NONE, limit: 8 }), [
            "GPU budget: the GPU NodePools allow 8 GPUs; the RayServices need at most 0 (0 during NewCluster upgrades): fits in each NodePool; idle GPU floor 0 (GPUs that stay up with no traffic)",
            "  NodePool gpu-idle: limit 8 GPUs; no RayService GPU group lands in it",
        ]);
    });

    it("rethrows an error other than a preview unknown from reading the plan", () => {
        const broken = { ...planned("r"), get inputs(): Record<string, unknown> { throw new Error("inputs unreadable"); } };
        const plan: PlanResult = { project: "p", stack: "dev", resources: [broken], outputs: {}, destroyOrder: [] };
        assert.throws(() => planGpuBudget(plan), { message: "inputs unreadable" });
    });
});

describe("the serving capacity of a service without outputs (plan/capacity.ts)", () => {
    it("prints no line for a VllmRayService that has no outputs", () => {
        assert.deepEqual(servingCapacityLines([{ type: "ray-vllm-eks:index:VllmRayService" }, { type: "ray-vllm-eks:index:VllmRayService", outputs: { servingCapacity: ["m: 8 requests"] } }]), [
            "serving capacity: m: 8 requests",
        ]);
    });
});

describe("the destroy graph, edge cases (plan/destroy.ts)", () => {
    it("takes a provider reference without \"::\" as the URN, and one starting with \"::\" as the empty URN", () => {
        assert.equal(providerUrn("urn:pulumi:t::p::pulumi:providers:aws::default"), "urn:pulumi:t::p::pulumi:providers:aws");
        assert.equal(providerUrn("provider-without-id"), "provider-without-id");
        assert.equal(providerUrn("::id"), "");
    });

    it("gives no dependencies for a URN it does not know", () => {
        assert.deepEqual(new DestroyGraph([planned("a")]).dependenciesOf(urn("absent")), []);
    });

    it("drops a dependency that is not in the plan, and does not expand a dependency on a custom resource into its children", () => {
        const g = new DestroyGraph([planned("k"), planned("l", { parent: urn("k") }), planned("m", { dependencies: [urn("k"), urn("absent")] })]);
        assert.deepEqual(g.dependenciesOf(urn("m")), [urn("k")]);
        assert.deepEqual(destroyOrder([planned("m", { dependencies: [urn("absent")] })]), [[urn("m")]]);
    });

    it("sorts the first step whatever the order of the resources", () => {
        assert.deepEqual(destroyOrder([planned("z"), planned("a")]), [[urn("a"), urn("z")]]);
    });

    it("names, sorted, only the resources on or behind a cycle, not those deleted before it", () => {
        assert.throws(() => destroyOrder([planned("n", { dependencies: [urn("m")] }), planned("q", { dependencies: [urn("m")] }), planned("m", { dependencies: [urn("n")] })]), {
            message: "the resources' dependencies form a cycle, so no delete order exists; among:\n  urn:pulumi:t::p::t:i:T::m\n  urn:pulumi:t::p::t:i:T::n",
        });
    });

    it("gives the shortest chain even when a longer one reaches the same resource later", () => {
        const g = new DestroyGraph([planned("f", { dependencies: [urn("a"), urn("c")] }), planned("a", { dependencies: [urn("c")] }), planned("c")]);
        assert.deepEqual(g.chain(urn("f"), urn("c")), [urn("f"), urn("c")]);
        assert.deepEqual(g.chain(urn("a"), urn("c")), [urn("a"), urn("c")]);
    });
});

describe("doubleQuoted at the edge of \\u escapes (plan/portable-yaml.ts)", () => {
    it("escapes U+FFFF and U+FFFE as \\uFFFF and \\uFFFE, and U+0085 as \\N", () => {
        assert.equal(doubleQuoted("a\uFFFFb\uFFFE\x85"), "\"a\\uFFFFb\\uFFFE\\N\"");
    });
});

describe("Pulumi.yaml config edge cases (plan/project.ts)", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-edges-"));
    });
    afterEach(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("reads an empty `config:` in Pulumi.yaml as no config", () => {
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: app\nconfig:\n");
        assert.deepEqual(loadConfig("app", dir, "dev", []), { values: {}, secretKeys: [] });
    });

    it("takes a declared array default of numbers as an array (it is not a JSON string to parse)", () => {
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: app\nconfig:\n  sizes:\n    type: array\n    default: [5]\n");
        assert.deepEqual(loadConfig("app", dir, "dev", []), { values: { "app:sizes": "[5]" }, secretKeys: [] });
    });
});
