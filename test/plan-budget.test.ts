import * as assert from "node:assert/strict";

import { gpuBudgetLines, planGpuBudget } from "../plan/budget";
import { PlanResult, PlannedResource } from "../plan/engine";
import { gpuBudgetOf } from "../policy/gpu";

const TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };

function rayService(name: string, groups: { name: string; gpus: number; min: number; max?: number; nodeSelector?: Record<string, string> }[], strategy?: string) {
    return {
        type: "kubernetes:ray.io/v1:RayService",
        name: `${name}-rayservice`,
        props: {
            metadata: { name, namespace: "llm" },
            spec: {
                ...(strategy ? { upgradeStrategy: { type: strategy } } : {}),
                rayClusterConfig: {
                    workerGroupSpecs: groups.map((g) => ({
                        groupName: g.name,
                        minReplicas: g.min,
                        ...(g.max !== undefined ? { maxReplicas: g.max } : {}),
                        template: { spec: { nodeSelector: g.nodeSelector ?? {}, tolerations: [TOLERATION], containers: [{ name: "w", resources: { limits: { "nvidia.com/gpu": String(g.gpus) } } }] } },
                    })),
                },
            },
        },
    };
}

function nodePool(name: string, limit: string | undefined, types: string[]) {
    return {
        type: "kubernetes:karpenter.sh/v1:NodePool",
        name,
        props: {
            metadata: { name },
            spec: {
                ...(limit !== undefined ? { limits: { "nvidia.com/gpu": limit } } : {}),
                template: { spec: { requirements: [{ key: "node.kubernetes.io/instance-type", operator: "In", values: types }], taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }] } },
            },
        },
    };
}

const it4 = { "node.kubernetes.io/instance-type": "g6e.12xlarge" };
const it1 = { "node.kubernetes.io/instance-type": "g6.xlarge" };

describe("the plan's GPU budget lines (plan/budget.ts)", () => {
    it("prints the overall budget, then each NodePool's limit, demand at most and during upgrades, idle floor and groups", () => {
        assert.deepEqual(gpuBudgetLines(gpuBudgetOf([
            rayService("chat", [{ name: "g6e-12xlarge", gpus: 4, min: 1, max: 2, nodeSelector: it4 }, { name: "g6-xlarge", gpus: 1, min: 1, max: 4, nodeSelector: it1 }]),
            rayService("batch", [{ name: "g6-xlarge", gpus: 1, min: 0, max: 2, nodeSelector: it1 }], "None"),
            nodePool("gpu-small", "16", ["g6.xlarge"]),
            nodePool("gpu-large", "8", ["g6e.12xlarge"]),
            nodePool("gpu-spare", undefined, ["p5.48xlarge"]),
        ])), [
            "GPU budget: the GPU NodePools allow 24 GPUs; the RayServices need at most 14 (26 during NewCluster upgrades): DOES NOT FIT in NodePool gpu-large; idle GPU floor 5 (GPUs that stay up with no traffic)",
            "  NodePool gpu-small: limit 16 GPUs; needs at most 6 (10 during NewCluster upgrades): fits; idle floor 1; from llm/chat's g6-xlarge, llm/batch's g6-xlarge",
            "  NodePool gpu-large: limit 8 GPUs; needs at most 8 (16 during NewCluster upgrades): DOES NOT FIT; idle floor 4; from llm/chat's g6e-12xlarge",
            "  NodePool gpu-spare: no GPU limit; no RayService GPU group lands in it",
        ]);
    });

    it("says when a group counts in several pools, has no bound, or lands in none", () => {
        assert.deepEqual(gpuBudgetLines(gpuBudgetOf([
            rayService("chat", [{ name: "any", gpus: 1, min: 0, max: 1 }, { name: "unbounded", gpus: 4, min: 0, nodeSelector: it4 }, { name: "big", gpus: 8, min: 0, max: 1 }]),
            nodePool("a", "4", ["g6.xlarge", "g6e.12xlarge"]),
            nodePool("b", "4", ["g6.xlarge"]),
        ])), [
            "GPU budget: the GPU NodePools allow 8 GPUs; the RayServices need at most 9 (18 during NewCluster upgrades): DOES NOT FIT in NodePool a; a GPU group lands in no NodePool; idle GPU floor 0 (GPUs that stay up with no traffic)",
            "  NodePool a: limit 4 GPUs; needs at most 1 (2 during NewCluster upgrades): DOES NOT FIT; idle floor 0; from llm/chat's any (can also land in NodePool b: counted in full in each) and unbounded (no maxReplicas: unbounded)",
            "  NodePool b: limit 4 GPUs; needs at most 1 (2 during NewCluster upgrades): fits; idle floor 0; from llm/chat's any (can also land in NodePool a: counted in full in each)",
            "  no NodePool: llm/chat's big (8 GPUs per pod) can land in none of them: DOES NOT FIT",
        ]);
    });

    it("keeps the line of a stack without GPU NodePools, and prints nothing for a stack without GPUs", () => {
        assert.deepEqual(gpuBudgetLines(gpuBudgetOf([rayService("chat", [{ name: "gpu", gpus: 1, min: 0, max: 2 }])])), [
            "GPU budget: no GPU NodePool in this stack (the cluster's NodePools must hold them); the RayServices need at most 2 (4 during NewCluster upgrades); idle GPU floor 0 (GPUs that stay up with no traffic)",
        ]);
        assert.deepEqual(gpuBudgetLines(gpuBudgetOf([])), []);
    });

    it("leaves the budget uncomputed when a value it reads is unknown during preview, as the policy does", () => {
        const planned = (r: { type: string; name: string; props: Record<string, unknown> }): PlannedResource => ({
            urn: `urn:pulumi:dev::p::${r.type}::${r.name}`, type: r.type, name: r.name, custom: true, dependencies: [], options: {}, inputs: r.props,
        });
        const pool = nodePool("gpu", "[unknown]", ["g6.xlarge"]);
        const plan: PlanResult = { project: "p", stack: "dev", resources: [planned(rayService("chat", [{ name: "gpu", gpus: 1, min: 0, max: 2 }])), planned(pool)], outputs: {}, destroyOrder: [] };
        assert.deepEqual(planGpuBudget(plan), ["GPU budget: cannot be computed during preview: string value at .spec.limits.nvidia.com/gpu can't be known during preview"]);
        plan.resources[1] = planned(nodePool("gpu", "4", ["g6.xlarge"]));
        assert.deepEqual(planGpuBudget(plan), [
            "GPU budget: the GPU NodePools allow 4 GPUs; the RayServices need at most 2 (4 during NewCluster upgrades): fits in each NodePool; idle GPU floor 0 (GPUs that stay up with no traffic)",
            "  NodePool gpu: limit 4 GPUs; needs at most 2 (4 during NewCluster upgrades): fits; idle floor 0; from llm/chat's gpu",
        ]);
    });
});
