import * as assert from "node:assert/strict";

import { preview, violationsOf } from "./support/policy";

import { gpuInstanceFamilies, gpuNodePoolLimit, gpuNodePoolTaint } from "../policy/gpu";

const { unknownCheckingProxy, UnknownValueError, unknownStringValue } = preview;

const NODEPOOL = "kubernetes:karpenter.sh/v1:NodePool";

function nodePool(spec: { limits?: object; requirements?: object[]; taints?: object[] }): { type: string; name: string; props: Record<string, unknown> } {
    return {
        type: NODEPOOL,
        name: "gpu",
        props: {
            apiVersion: "karpenter.sh/v1",
            kind: "NodePool",
            metadata: { name: "gpu" },
            spec: {
                ...(spec.limits ? { limits: spec.limits } : {}),
                template: { spec: { requirements: spec.requirements ?? [], ...(spec.taints ? { taints: spec.taints } : {}) } },
            },
        },
    };
}

const G6 = [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6", "g6e"] }];
const TAINT = [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }];
const COMPLIANT = nodePool({ limits: { "nvidia.com/gpu": "8" }, requirements: G6, taints: TAINT });

describe("policy gpu-nodepool-limit", () => {
    it("passes a GPU NodePool with a budget within the maximum", async () => {
        assert.deepEqual(await violationsOf(gpuNodePoolLimit, COMPLIANT), []);
    });

    it("flags a GPU NodePool without a GPU limit", async () => {
        assert.deepEqual(await violationsOf(gpuNodePoolLimit, nodePool({ requirements: G6, taints: TAINT })), [
            `NodePool has no nvidia.com/gpu limit, so Karpenter may launch GPUs without bound: set spec.limits["nvidia.com/gpu"] to the pool's GPU budget (at most 64).`,
        ]);
    });

    it("flags a limit above the configured maximum", async () => {
        const big = nodePool({ limits: { "nvidia.com/gpu": 32 }, requirements: G6, taints: TAINT });
        assert.deepEqual(await violationsOf(gpuNodePoolLimit, big, { maxGpus: 16 }), [
            `NodePool's nvidia.com/gpu limit is 32, outside 1 to 16: lower spec.limits["nvidia.com/gpu"], or raise this policy's maxGpus if the budget really is larger.`,
        ]);
        assert.deepEqual(await violationsOf(gpuNodePoolLimit, big), [], "within the default maximum of 64");
    });

    it("recognises GPU pools by GPU count, instance type or GPU taint; leaves CPU pools and other kinds alone", async () => {
        const byCount = nodePool({ requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] }] });
        const byType = nodePool({ requirements: [{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["p5.48xlarge"] }] });
        const byTaint = nodePool({ taints: TAINT });
        for (const pool of [byCount, byType, byTaint]) {
            assert.equal((await violationsOf(gpuNodePoolLimit, pool)).length, 1);
        }
        const cpu = nodePool({ requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["m7i"] }] });
        assert.deepEqual(await violationsOf(gpuNodePoolLimit, cpu), []);
        assert.deepEqual(await violationsOf(gpuNodePoolLimit, { type: "kubernetes:core/v1:ConfigMap", props: { data: {} } }), []);
    });

    it("does not decide on a limit unknown during preview (the engine reports it as not yet checkable)", async () => {
        const pool = nodePool({ limits: { "nvidia.com/gpu": unknownStringValue }, requirements: G6, taints: TAINT });
        await assert.rejects(violationsOf(gpuNodePoolLimit, { ...pool, props: unknownCheckingProxy(pool.props) }), UnknownValueError);
    });
});

describe("policy gpu-nodepool-taint", () => {
    it("passes a tainted GPU NodePool and flags an untainted one", async () => {
        assert.deepEqual(await violationsOf(gpuNodePoolTaint, COMPLIANT), []);
        assert.deepEqual(await violationsOf(gpuNodePoolTaint, nodePool({ limits: { "nvidia.com/gpu": "8" }, requirements: G6, taints: [{ key: "nvidia.com/gpu", effect: "PreferNoSchedule" }] })), [
            `NodePool's GPU nodes are not tainted: add { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } to spec.template.spec.taints so CPU pods cannot occupy them.`,
        ]);
    });
});

describe("policy gpu-instance-families", () => {
    it("passes allowed families and flags others, or none at all", async () => {
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, COMPLIANT), []);
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, COMPLIANT, { allowedFamilies: ["g6"] }), [
            `NodePool allows instance families ["g6e"], which are not allowed: use ["g6"], or add them to this policy's allowedFamilies.`,
        ]);
        const unrestricted = nodePool({ limits: { "nvidia.com/gpu": "8" }, requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] }], taints: TAINT });
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, unrestricted, { allowedFamilies: ["g6"] }), [
            `NodePool does not restrict instance families: add a requirement on karpenter.k8s.aws/instance-family with operator In and values from ["g6"].`,
        ]);
    });
});
