import * as assert from "node:assert/strict";

import { preview } from "./support/policy";

import { mayLandIn, nameIfKnown, nodePoolNodes, podNodeRequirements, tolerates } from "../policy/scheduling";

const { unknownCheckingProxy, unknownStringValue } = preview;

const TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" };
const TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };

function pool(opts: { name?: string; labels?: Record<string, string>; requirements?: object[] } = {}) {
    return nodePoolNodes({
        ...(opts.name !== undefined ? { metadata: { name: opts.name } } : {}),
        spec: {
            template: {
                ...(opts.labels ? { metadata: { labels: opts.labels } } : {}),
                spec: { requirements: opts.requirements ?? [], taints: [TAINT] },
            },
        },
    });
}

const g6 = (...more: object[]) => pool({ name: "gpu", requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6"] }, ...more] });
const requiring = (...terms: object[][]) => ({
    tolerations: [TOLERATION],
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms.map((matchExpressions) => ({ matchExpressions })) } } },
});
const anyPod = { tolerations: [TOLERATION] };
const team = (operator: string, values?: string[]) => ({ key: "team", operator, ...(values ? { values } : {}) });
const slots = (operator: string, value: string) => ({ key: "example.com/slots", operator, values: [value] });

describe("policy/scheduling.ts: edge cases", () => {
    describe("nameIfKnown", () => {
        it("returns a string, nothing for a value of another type or one unknown during preview, and rethrows any other error", () => {
            assert.equal(nameIfKnown(() => "gpu"), "gpu");
            assert.equal(nameIfKnown(() => 5), undefined);
            const props = unknownCheckingProxy({ metadata: { name: unknownStringValue } }) as { metadata: { name: unknown } };
            assert.equal(nameIfKnown(() => props.metadata.name), undefined);
            assert.throws(() => nameIfKnown(() => {
                throw new TypeError("not a preview unknown");
            }), { name: "TypeError", message: "not a preview unknown" });
        });
    });

    describe("tolerates", () => {
        it("takes an empty effect as any effect, an empty key with Exists as any key, and a missing value as the empty value", () => {
            assert.equal(tolerates({ key: "nvidia.com/gpu", operator: "Exists", effect: "" }, TAINT), true);
            assert.equal(tolerates({ key: "", operator: "Exists" }, TAINT), true);
            assert.equal(tolerates({ key: "dedicated" }, { key: "dedicated", effect: "NoSchedule" }), true);
        });
    });

    describe("podNodeRequirements", () => {
        it("reads a null nodeSelector as none", () => {
            assert.deepEqual(podNodeRequirements({ nodeSelector: null }), [[]]);
        });

        it("keeps a term of matchFields only (with the nodeSelector), and drops a term with an empty matchFields and no expressions", () => {
            const terms = (t: object[]) => ({ nodeSelector: { a: "1" }, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: t } } } });
            assert.deepEqual(podNodeRequirements(terms([{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-1"] }] }])), [[{ key: "a", operator: "In", values: ["1"] }]]);
            assert.deepEqual(podNodeRequirements(terms([{ matchFields: [] }])), []);
        });
    });

    describe("nodePoolNodes", () => {
        it("gives the pool's name only when it has one", () => {
            assert.deepEqual(nodePoolNodes({ metadata: { name: "gpu" }, spec: {} }), { name: "gpu", requirements: [{ key: "karpenter.sh/nodepool", operator: "In", values: ["gpu"] }], taints: [] });
            assert.deepEqual(nodePoolNodes({ spec: {} }), { requirements: [], taints: [] });
        });

        it("does not bound the instance types by NotIn, by a list with an uncatalogued type, or by another label naming a type or family", () => {
            assert.equal(pool({ requirements: [{ key: "node.kubernetes.io/instance-type", operator: "NotIn", values: ["g6.xlarge"] }] }).instanceTypes, undefined);
            assert.equal(pool({ requirements: [{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["g6.xlarge", "m7i.large"] }] }).instanceTypes, undefined);
            assert.equal(pool({ labels: { "example.com/instance": "g6.xlarge" } }).instanceTypes, undefined);
            assert.equal(pool({ labels: { "example.com/family": "g6" } }).instanceTypes, undefined);
        });

        it("bounds the instance types to none by an instance-family or instance-type In without values", () => {
            assert.deepEqual(pool({ requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In" }] }).instanceTypes, []);
            assert.deepEqual(pool({ requirements: [{ key: "node.kubernetes.io/instance-type", operator: "In" }] }).instanceTypes, []);
        });
    });

    describe("mayLandIn", () => {
        it("rules out by NotIn a value the pool's nodes always have, not one of several", () => {
            assert.equal(mayLandIn(requiring([team("NotIn", ["a"])]), 1, pool({ labels: { team: "a" }, requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6"] }] })), false);
            assert.equal(mayLandIn(requiring([team("NotIn", ["a"])]), 1, g6(team("In", ["a", "b"]))), true);
        });

        it("needs a label for Exists: absent on the pool's nodes, Exists rules them out", () => {
            assert.equal(mayLandIn(requiring([team("Exists")]), 1, g6()), false);
            assert.equal(mayLandIn(requiring([team("Exists")]), 1, pool({ labels: { team: "a" } })), true);
        });

        it("never rules a node out by an operator it does not know", () => {
            assert.equal(mayLandIn(requiring([team("Near", ["a"])]), 1, g6()), true);
        });

        it("needs every requirement on an absent label met: NotIn is, Exists is not", () => {
            assert.equal(mayLandIn(requiring([team("NotIn", ["a"]), team("Exists")]), 1, g6()), false);
        });

        it("reads Gte on the GPU count at its boundary: a g6 has at most 8 GPUs", () => {
            assert.equal(mayLandIn(requiring([{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gte", values: ["8"] }]), 1, g6()), true);
            assert.equal(mayLandIn(requiring([{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gte", values: ["9"] }]), 1, g6()), false);
        });

        it("finds a number between bounds on a label the pool requires, next to the numbers they name, multi-digit ones too", () => {
            assert.equal(mayLandIn(anyPod, 1, pool({ requirements: [slots("Gt", "3")] })), true, "4");
            assert.equal(mayLandIn(anyPod, 1, pool({ requirements: [slots("Lt", "5")] })), true, "4");
            assert.equal(mayLandIn(requiring([slots("Lt", "12")]), 1, pool({ requirements: [slots("Gt", "10")] })), true, "11");
            assert.equal(mayLandIn(requiring([slots("Lt", "11")]), 1, pool({ requirements: [slots("Gt", "10")] })), false);
        });

        it("compares only whole integers: a label value 1e3 is no number", () => {
            assert.equal(mayLandIn(requiring([slots("Gt", "5")]), 1, pool({ labels: { "example.com/slots": "1e3" } })), false);
            assert.equal(mayLandIn(requiring([slots("Gt", "5")]), 1, pool({ labels: { "example.com/slots": "1000" } })), true);
        });

        it("finds a value none of the requirements names: NotIn [\"\"] on a label the pool requires to exist", () => {
            assert.equal(mayLandIn(requiring([team("NotIn", [""])]), 1, pool({ requirements: [team("Exists")] })), true);
        });

        it("adds no GPU-count requirement for a pod that takes no GPUs", () => {
            const noGpus = pool({ requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "Lt", values: ["0"] }] });
            assert.equal(mayLandIn(anyPod, 0, noGpus), true);
            assert.equal(mayLandIn(anyPod, 1, noGpus), false);
        });

        it("takes a label the pool rules out by DoesNotExist or NotIn as absent from its nodes", () => {
            assert.equal(mayLandIn(anyPod, 1, g6(team("DoesNotExist"))), true);
            assert.equal(mayLandIn(requiring([team("DoesNotExist")]), 1, g6(team("NotIn", ["a"]))), true);
        });
    });
});
