import * as assert from "node:assert/strict";

import { preview, violationsOf } from "./support/policy";

import { gpuInstanceFamilies, gpuNodePoolLimit, gpuNodePoolTaint } from "../policy/gpu";

const { unknownCheckingProxy, UnknownValueError, unknownStringValue, unknownArrayValue } = preview;

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
            `NodePool can launch GPU instances of families ["g6e"], which are not allowed: bound it to ["g6"] (a requirement with operator In on karpenter.k8s.aws/instance-family, node.kubernetes.io/instance-type or karpenter.k8s.aws/instance-gpu-name), or add them to this policy's allowedFamilies.`,
        ]);
        const unrestricted = nodePool({ limits: { "nvidia.com/gpu": "8" }, requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] }], taints: TAINT });
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, unrestricted, { allowedFamilies: ["g6"] }), [
            `NodePool does not bound which GPU instance families Karpenter may launch for it (families it does not name, new ones included, would do): add a requirement with operator In on karpenter.k8s.aws/instance-family, node.kubernetes.io/instance-type or karpenter.k8s.aws/instance-gpu-name that leaves only ["g6"].`,
        ]);
    });

    const gpuPool = (requirements: object[]) => nodePool({ limits: { "nvidia.com/gpu": "8" }, requirements, taints: TAINT });

    it("takes exact instance types as the bound: allowed types pass, a type of another family is named", async () => {
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, gpuPool([{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["g6.xlarge", "g6e.12xlarge"] }])), []);
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, gpuPool([{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["g6.xlarge", "g4dn.xlarge"] }])), [
            `NodePool can launch GPU instances of families ["g4dn"], which are not allowed: bound it to ["g5","g6","g6e","p4d","p4de","p5","p5e","p5en"] (a requirement with operator In on karpenter.k8s.aws/instance-family, node.kubernetes.io/instance-type or karpenter.k8s.aws/instance-gpu-name), or add them to this policy's allowedFamilies.`,
        ]);
    });

    it("takes GPU names as the bound, by the families that carry them: l40s is g6e only; l4 is g6 and gr6, unless the category leaves out gr", async () => {
        const byName = (names: string[], more: object[] = []) => gpuPool([{ key: "karpenter.k8s.aws/instance-gpu-name", operator: "In", values: names }, ...more]);
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, byName(["l40s"])), []);
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, byName(["h100", "h200"])), []);
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, byName(["l4"])), [
            `NodePool can launch GPU instances of families ["gr6"], which are not allowed: bound it to ["g5","g6","g6e","p4d","p4de","p5","p5e","p5en"] (a requirement with operator In on karpenter.k8s.aws/instance-family, node.kubernetes.io/instance-type or karpenter.k8s.aws/instance-gpu-name), or add them to this policy's allowedFamilies.`,
        ]);
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, byName(["l4"], [{ key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["g"] }])), []);
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, byName(["l4"]), { allowedFamilies: ["g6", "gr6"] }), []);
    });

    it("flags a category bound (it admits families Karpenter may add), and names a family it does not know until allowed", async () => {
        const category = gpuPool([{ key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["p"] }]);
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, category), [
            `NodePool does not bound which GPU instance families Karpenter may launch for it (families it does not name, new ones included, would do): add a requirement with operator In on karpenter.k8s.aws/instance-family, node.kubernetes.io/instance-type or karpenter.k8s.aws/instance-gpu-name that leaves only ["g5","g6","g6e","p4d","p4de","p5","p5e","p5en"].`,
        ]);
        const future = gpuPool([{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["p6e-gb200"] }]);
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, future, { allowedFamilies: ["p5"] }), [
            `NodePool can launch GPU instances of families ["p6e-gb200"], which are not allowed: bound it to ["p5"] (a requirement with operator In on karpenter.k8s.aws/instance-family, node.kubernetes.io/instance-type or karpenter.k8s.aws/instance-gpu-name), or add them to this policy's allowedFamilies.`,
        ]);
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, future, { allowedFamilies: ["p6e-gb200"] }), []);
    });

    it("offers a general-purpose pool the way to keep GPUs out instead", async () => {
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, gpuPool([{ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] }])), [
            `NodePool does not bound which GPU instance families Karpenter may launch for it (families it does not name, new ones included, would do): add a requirement with operator In on karpenter.k8s.aws/instance-family, node.kubernetes.io/instance-type or karpenter.k8s.aws/instance-gpu-name that leaves only ["g5","g6","g6e","p4d","p4de","p5","p5e","p5en"], or, if it is not meant for GPUs, keep them out with the requirement { key: "karpenter.k8s.aws/instance-gpu-count", operator: "DoesNotExist" }.`,
        ]);
        assert.deepEqual(await violationsOf(gpuInstanceFamilies, nodePool({ requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "DoesNotExist" }] })), []);
    });
});

/** A NodePool's limit and taint violations, in that order. */
async function limitAndTaint(pool: { type: string; props: Record<string, unknown> }): Promise<string[]> {
    return [...await violationsOf(gpuNodePoolLimit, pool), ...await violationsOf(gpuNodePoolTaint, pool)];
}

const SAID_LIMIT = `NodePool has no nvidia.com/gpu limit, so Karpenter may launch GPUs without bound: set spec.limits["nvidia.com/gpu"] to the pool's GPU budget (at most 64).`;
const SAID_TAINT = `NodePool's GPU nodes are not tainted: add { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } to spec.template.spec.taints so CPU pods cannot occupy them.`;
const KEEP_OUT = `or, if it is not meant for GPUs, keep them out with the requirement { key: "karpenter.k8s.aws/instance-gpu-count", operator: "DoesNotExist" }.`;
/** The two violations of a pool that can launch GPUs without saying so. */
const unsaid = (which: string) => [
    `NodePool can launch NVIDIA GPU instances (${which}) but has no nvidia.com/gpu limit, so Karpenter may launch GPUs without bound: set spec.limits["nvidia.com/gpu"] to the pool's GPU budget (at most 64), ${KEEP_OUT}`,
    `NodePool can launch NVIDIA GPU instances (${which}) but does not taint its nodes: add { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } to spec.template.spec.taints so CPU pods cannot occupy GPU nodes, ${KEEP_OUT}`,
];
const req = (key: string, operator: string, values?: string[]) => ({ key: `karpenter.k8s.aws/${key}`, operator, ...(values ? { values } : {}) });
const type = (...values: string[]) => ({ key: "node.kubernetes.io/instance-type", operator: "In", values });
/** The same pool made a GPU pool: a limit and the taint. */
const budgeted = (requirements: object[]) => nodePool({ limits: { "nvidia.com/gpu": "8" }, requirements, taints: TAINT });

describe("GPU NodePools that never say GPU (gpu-nodepool-limit, gpu-nodepool-taint)", () => {
    it("treats a NodePool with no instance restriction at all as a GPU pool: Karpenter may launch any GPU instance for it", async () => {
        const open = [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] }, { key: "kubernetes.io/os", operator: "In", values: ["linux"] }];
        assert.deepEqual(await limitAndTaint(nodePool({ requirements: open })), unsaid("its requirements do not rule them out"));
        assert.deepEqual(await limitAndTaint(nodePool({})), unsaid("its requirements do not rule them out"));
        assert.deepEqual(await limitAndTaint(budgeted(open)), [], "with a GPU limit and the taint");
        assert.deepEqual(await limitAndTaint(nodePool({ requirements: [...open, req("instance-gpu-count", "DoesNotExist")] })), [], "or with GPUs ruled out");
    });

    it("rules GPUs out by GPU count DoesNotExist, Lt 1 or Lte 0, GPU name or manufacturer, NotIn every GPU category, or a Neuron accelerator", async () => {
        for (const exclusion of [
            [req("instance-gpu-count", "DoesNotExist")],
            [req("instance-gpu-count", "Lt", ["1"])],
            [req("instance-gpu-count", "Lte", ["0"])],
            [req("instance-gpu-name", "DoesNotExist")],
            [req("instance-gpu-manufacturer", "DoesNotExist")],
            [req("instance-gpu-manufacturer", "NotIn", ["nvidia"])],
            [req("instance-gpu-manufacturer", "In", ["amd"])],
            [req("instance-gpu-memory", "DoesNotExist")],
            [req("instance-category", "NotIn", ["g", "gr", "p"])],
            [req("instance-category", "In", ["c", "m", "r"])],
            [req("instance-family", "In", ["m7i", "c7i"])],
            [req("instance-family", "In", ["g4ad", "g6f", "gr6f"])],
            [type("m7i.large", "r7i.2xlarge")],
            [req("instance-accelerator-count", "Exists")],
        ]) {
            assert.deepEqual(await limitAndTaint(nodePool({ requirements: exclusion })), [], JSON.stringify(exclusion));
        }
    });

    it("names what a general-purpose pool can launch: leaving out g and p still leaves gr6 (an L4); arm64 still leaves g5g", async () => {
        assert.deepEqual(await limitAndTaint(nodePool({ requirements: [req("instance-category", "NotIn", ["g", "p"])] })), unsaid("instance families gr6 and any GPU family Karpenter adds later"));
        assert.deepEqual(await limitAndTaint(nodePool({ requirements: [req("instance-category", "NotIn", ["g", "p"]), req("instance-gpu-count", "DoesNotExist")] })), []);
        assert.deepEqual(await limitAndTaint(nodePool({ requirements: [{ key: "kubernetes.io/arch", operator: "In", values: ["arm64"] }, req("instance-category", "In", ["m", "g"])] })), unsaid("instance families g5g and any GPU family Karpenter adds later"));
        assert.deepEqual(await limitAndTaint(nodePool({ requirements: [type("m7i.large", "g4dn.xlarge")] })), unsaid("instance families g4dn"));
        assert.deepEqual(await limitAndTaint(nodePool({ requirements: [req("instance-family", "In", ["m7i", "p5"])] })), unsaid("instance families p5"));
        assert.deepEqual(await limitAndTaint(budgeted([type("m7i.large", "g4dn.xlarge")])), []);
    });

    it("recognises a pool of GPU instances by category, GPU count, name, manufacturer or memory, instance type or family, in or beyond the package's catalogue", async () => {
        for (const spelling of [
            [req("instance-category", "In", ["g", "p"])],
            [req("instance-category", "In", ["gr"])],
            [req("instance-gpu-count", "Gt", ["0"])],
            [req("instance-gpu-count", "Gte", ["1"])],
            [req("instance-gpu-count", "In", ["4", "8"])],
            [req("instance-gpu-count", "Exists")],
            [req("instance-gpu-name", "In", ["t4"])],
            [req("instance-gpu-manufacturer", "In", ["nvidia"])],
            [req("instance-gpu-memory", "Gt", ["40000"])],
            [req("instance-family", "In", ["g4dn"])],
            [req("instance-family", "In", ["p6-b200"])],
            [req("instance-family", "In", ["g9"])],
            [type("g7e.2xlarge")],
            [type("p5.4xlarge")],
            [req("instance-category", "In", ["g"]), req("instance-generation", "Lt", ["5"])],
        ]) {
            assert.deepEqual(await limitAndTaint(nodePool({ requirements: spelling })), [SAID_LIMIT, SAID_TAINT], JSON.stringify(spelling));
            assert.deepEqual(await limitAndTaint(budgeted(spelling)), [], `${JSON.stringify(spelling)} with a limit and the taint`);
        }
    });

    it("keeps the GPU count a GPU pool asks for: a fractional L4 (g6f, instance-gpu-count 0) carries no nvidia.com/gpu", async () => {
        assert.deepEqual(await limitAndTaint(nodePool({ requirements: [req("instance-family", "In", ["g6f"])] })), []);
        assert.deepEqual(await limitAndTaint(nodePool({ requirements: [req("instance-family", "In", ["g6f", "g6"])] })), [SAID_LIMIT, SAID_TAINT]);
    });

    it("decides on the GPU labels only: a value unknown during preview on another label does not stop it", async () => {
        const pool = nodePool({ requirements: [{ key: "karpenter.sh/capacity-type", operator: "In", values: unknownArrayValue as string[] }, req("instance-gpu-count", "DoesNotExist")] });
        assert.deepEqual(await limitAndTaint({ ...pool, props: unknownCheckingProxy(pool.props) }), []);
        const unknownKey = nodePool({ requirements: [req("instance-family", "In", unknownArrayValue as string[])] });
        await assert.rejects(violationsOf(gpuNodePoolLimit, { ...unknownKey, props: unknownCheckingProxy(unknownKey.props) }), UnknownValueError);
    });
});
