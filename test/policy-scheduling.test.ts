import * as assert from "node:assert/strict";

import { instanceTypeLabels, mayLandIn, nodePoolNodes, podNodeRequirements, tolerates } from "../policy/scheduling";

const TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" };
const TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };

function pool(opts: { name?: string; labels?: Record<string, string>; requirements?: object[]; taints?: object[] } = {}) {
    return nodePoolNodes({
        ...(opts.name !== undefined ? { metadata: { name: opts.name } } : {}),
        spec: {
            template: {
                ...(opts.labels ? { metadata: { labels: opts.labels } } : {}),
                spec: { requirements: opts.requirements ?? [], taints: opts.taints ?? [TAINT] },
            },
        },
    });
}

const family = (...values: string[]) => ({ key: "karpenter.k8s.aws/instance-family", operator: "In", values });
const types = (...values: string[]) => ({ key: "node.kubernetes.io/instance-type", operator: "In", values });
const selecting = (nodeSelector: Record<string, string>, extra: object = {}) => ({ nodeSelector, tolerations: [TOLERATION], ...extra });
const requiring = (...terms: object[][]) => ({
    tolerations: [TOLERATION],
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms.map((matchExpressions) => ({ matchExpressions })) } } },
});

describe("where a pod may land among NodePools (policy/scheduling.ts)", () => {
    it("gives a catalogued instance type the labels Karpenter gives its nodes", () => {
        assert.deepEqual(instanceTypeLabels("g6e.12xlarge"), {
            "node.kubernetes.io/instance-type": "g6e.12xlarge",
            "karpenter.k8s.aws/instance-family": "g6e",
            "karpenter.k8s.aws/instance-size": "12xlarge",
            "karpenter.k8s.aws/instance-category": "g",
            "karpenter.k8s.aws/instance-generation": "6",
            "karpenter.k8s.aws/instance-cpu": "48",
            "karpenter.k8s.aws/instance-memory": "393216",
            "karpenter.k8s.aws/instance-gpu-count": "4",
            "karpenter.k8s.aws/instance-gpu-name": "l40s",
            "karpenter.k8s.aws/instance-gpu-manufacturer": "nvidia",
            "karpenter.k8s.aws/instance-gpu-memory": "45776",
            "kubernetes.io/arch": "amd64",
        });
        assert.equal(instanceTypeLabels("m7i.2xlarge"), undefined);
    });

    it("bounds a pool's instance types only by an In on catalogued types or families, narrowed by its other requirements", () => {
        assert.deepEqual(pool({ requirements: [family("g6"), { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["1"] }] }).instanceTypes, ["g6.12xlarge", "g6.24xlarge", "g6.48xlarge"]);
        assert.deepEqual(pool({ requirements: [types("g6e.12xlarge", "p5.48xlarge")] }).instanceTypes, ["g6e.12xlarge", "p5.48xlarge"]);
        assert.equal(pool({ requirements: [family("g6", "g7")] }).instanceTypes, undefined, "g7 is not catalogued: the pool may launch types this package does not know");
        assert.equal(pool({ requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Exists" }] }).instanceTypes, undefined);
        assert.deepEqual(pool({ name: "gpu-large", labels: { team: "a" } }).requirements, [
            { key: "team", operator: "In", values: ["a"] },
            { key: "karpenter.sh/nodepool", operator: "In", values: ["gpu-large"] },
        ]);
        assert.deepEqual(pool({ taints: [TAINT, { key: "soft", effect: "PreferNoSchedule" }, { key: "evict", effect: "NoExecute" }] }).taints, [TAINT, { key: "evict", effect: "NoExecute" }], "PreferNoSchedule keeps no pod off");
    });

    it("tolerates a taint by key and Exists, by an equal value, or by an empty key with Exists; the effect must match when given", () => {
        assert.equal(tolerates(TOLERATION, TAINT), true);
        assert.equal(tolerates({ key: "nvidia.com/gpu", value: "true" }, TAINT), true, "operator Equal by default");
        assert.equal(tolerates({ key: "nvidia.com/gpu", operator: "Equal", value: "false" }, TAINT), false);
        assert.equal(tolerates({ operator: "Exists" }, TAINT), true);
        assert.equal(tolerates({ key: "", operator: "Equal" }, TAINT), false);
        assert.equal(tolerates({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoExecute" }, TAINT), false);
        assert.equal(tolerates({ key: "other", operator: "Exists" }, TAINT), false);
    });

    it("reads the nodeSelector with each required node affinity term as alternatives; an empty term matches no node", () => {
        assert.deepEqual(podNodeRequirements({ nodeSelector: { a: "1" } }), [[{ key: "a", operator: "In", values: ["1"] }]]);
        assert.deepEqual(podNodeRequirements({ ...requiring([{ key: "b", operator: "Exists" }], [{ key: "c", operator: "NotIn", values: ["x"] }]), nodeSelector: { a: "1" } }), [
            [{ key: "a", operator: "In", values: ["1"] }, { key: "b", operator: "Exists" }],
            [{ key: "a", operator: "In", values: ["1"] }, { key: "c", operator: "NotIn", values: ["x"] }],
        ]);
        assert.deepEqual(podNodeRequirements(requiring([])), []);
        assert.equal(mayLandIn(requiring([]), 1, pool()), false);
    });

    it("lands a pod whose every requirement the pool's nodes can meet, and whose taints it tolerates", () => {
        const g6 = pool({ name: "gpu", labels: { "ray-vllm-eks/node-pool": "gpu" }, requirements: [family("g6")] });
        assert.equal(mayLandIn(selecting({ "ray-vllm-eks/node-pool": "gpu", "node.kubernetes.io/instance-type": "g6.2xlarge" }), 1, g6), true);
        assert.equal(mayLandIn({ nodeSelector: { "ray-vllm-eks/node-pool": "gpu" } }, 1, g6), false, "no toleration of the GPU taint");
        assert.equal(mayLandIn(selecting({ "node.kubernetes.io/instance-type": "g6e.2xlarge" }), 1, g6), false, "g6e.2xlarge is not a g6");
        assert.equal(mayLandIn(selecting({ "karpenter.k8s.aws/instance-gpu-name": "l4" }), 8, g6), true, "g6.48xlarge has 8 L4s");
        assert.equal(mayLandIn(selecting({ "karpenter.k8s.aws/instance-gpu-name": "l4" }), 9, g6), false, "no g6 has 9 GPUs");
        assert.equal(mayLandIn(selecting({ "karpenter.k8s.aws/instance-size": "12xlarge", "karpenter.k8s.aws/instance-gpu-count": "1" }), 1, g6), false, "a g6.12xlarge has 4 GPUs");
        assert.equal(mayLandIn(selecting({ "karpenter.sh/nodepool": "gpu" }), 1, g6), true);
        assert.equal(mayLandIn(selecting({ "karpenter.sh/nodepool": "other" }), 1, g6), false);
        assert.equal(mayLandIn(selecting({ "team": "a" }), 1, g6), false, "a label the pool neither sets nor requires is absent from its nodes");
        assert.equal(mayLandIn(requiring([{ key: "team", operator: "NotIn", values: ["a"] }]), 1, g6), true, "an absent label meets NotIn");
        assert.equal(mayLandIn(requiring([{ key: "team", operator: "DoesNotExist" }]), 1, g6), true);
        assert.equal(mayLandIn(requiring([{ key: "ray-vllm-eks/node-pool", operator: "DoesNotExist" }]), 1, g6), false);
        assert.equal(mayLandIn(requiring([{ key: "team", operator: "In", values: ["a"] }], [{ key: "karpenter.sh/nodepool", operator: "In", values: ["gpu"] }]), 1, g6), true, "the second term is met");
    });

    it("checks each label on its own where the pool's instance types are not known: conservative", () => {
        const open = pool({ name: "any-gpu", requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] }, { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Lt", values: ["5"] }, { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] }] });
        assert.equal(mayLandIn(selecting({ "node.kubernetes.io/instance-type": "g6e.2xlarge" }), 1, open), true);
        assert.equal(mayLandIn(selecting({ "topology.kubernetes.io/zone": "us-west-2a" }), 4, open), true, "a well-known label may take any value");
        assert.equal(mayLandIn(selecting({}), 5, open), false, "5 GPUs: more than the pool's nodes have (Lt 5)");
        assert.equal(mayLandIn(selecting({ "karpenter.sh/capacity-type": "spot" }), 1, open), false);
        assert.equal(mayLandIn(requiring([{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["3"] }]), 1, open), true, "4 GPUs: Gt 3 and Lt 5");
        assert.equal(mayLandIn(requiring([{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["4"] }]), 1, open), false);
        assert.equal(mayLandIn(requiring([{ key: "topology.kubernetes.io/zone", operator: "DoesNotExist" }]), 1, open), false, "every node has a zone");
    });
});
