import * as assert from "node:assert/strict";

import { stackViolationsOf, violationsOf } from "./support/policy";

import { gpuBudget, gpuBudgetOf, gpuContainerLimits, gpuNodePoolLimit } from "../policy/gpu";

const NODEPOOL = "kubernetes:karpenter.sh/v1:NodePool";
const TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" };
const TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };

/** A NodePool <name> of g6 instances unless told, tainted nvidia.com/gpu unless told. */
function nodePool(name: string, limit: string | undefined, opts: { requirements?: object[]; taints?: object[]; namespace?: string } = {}) {
    return {
        type: NODEPOOL,
        name,
        props: {
            metadata: { name, ...(opts.namespace ? { namespace: opts.namespace } : {}) },
            spec: {
                ...(limit !== undefined ? { limits: { "nvidia.com/gpu": limit } } : {}),
                template: {
                    spec: {
                        requirements: opts.requirements ?? [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6"] }],
                        taints: opts.taints ?? [TAINT],
                    },
                },
            },
        },
    };
}

const gpuPod = (gpus: number, extra: object = {}) => ({ tolerations: [TOLERATION], containers: [{ name: "ray", resources: { limits: { "nvidia.com/gpu": String(gpus) } } }], ...extra });

/** A RayService serving/<name> with the given head and worker group specs, written out. */
function rayService(name: string, cluster: { head?: object; workers?: object[] }, strategy?: unknown, type = "kubernetes:ray.io/v1:RayService") {
    return {
        type,
        name: `${name}-rayservice`,
        props: {
            metadata: { name, namespace: "serving" },
            spec: {
                ...(strategy !== undefined ? { upgradeStrategy: { type: strategy } } : {}),
                rayClusterConfig: {
                    ...(cluster.head ? { headGroupSpec: cluster.head } : {}),
                    workerGroupSpecs: cluster.workers ?? [],
                },
            },
        },
    };
}

const worker = (group: object, gpus = 1, extra: object = {}) => ({ ...group, template: { spec: gpuPod(gpus, extra) } });
const NO_DEMAND = { maxGpus: 0, idleGpus: 0, upgradeGpus: 0 };

describe("policy/gpu.ts: edge cases", () => {
    describe("gpu-nodepool-limit", () => {
        const limitMessage = (why: string) => `NodePool can launch NVIDIA GPU instances (${why}) but has no nvidia.com/gpu limit, so Karpenter may launch GPUs without bound: set spec.limits["nvidia.com/gpu"] to the pool's GPU budget (at most 64), or, if it is not meant for GPUs, keep them out with the requirement { key: "karpenter.k8s.aws/instance-gpu-count", operator: "DoesNotExist" }.`;

        it("says a GPU-tainted pool that launches no GPU instance has no limit, without saying it launches GPUs", async () => {
            const tainted = nodePool("gpu", undefined, { requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "DoesNotExist" }] });
            assert.deepEqual(await violationsOf(gpuNodePoolLimit, tainted), [
                `NodePool has no nvidia.com/gpu limit, so Karpenter may launch GPUs without bound: set spec.limits["nvidia.com/gpu"] to the pool's GPU budget (at most 64).`,
            ]);
        });

        it("names the GPU families a general-purpose pool can launch, comma-separated, or only the ones Karpenter adds later", async () => {
            const types = nodePool("general", undefined, { taints: [], requirements: [{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["m7i.large", "g4dn.xlarge", "g5.xlarge"] }] });
            assert.deepEqual(await violationsOf(gpuNodePoolLimit, types), [limitMessage("instance families g4dn, g5")]);
            const future = nodePool("general", undefined, { taints: [], requirements: [{ key: "karpenter.k8s.aws/instance-generation", operator: "In", values: ["9"] }] });
            assert.deepEqual(await violationsOf(gpuNodePoolLimit, future), [limitMessage("any GPU family Karpenter adds later")]);
        });
    });

    describe("gpu-container-limits", () => {
        it("names a container without a name \"?\"", async () => {
            const pod = { type: "kubernetes:core/v1:Pod", props: { spec: { containers: [{ image: "vllm/vllm-openai:v0.11.0", resources: { requests: { "nvidia.com/gpu": "1" } } }] } } };
            assert.deepEqual(await violationsOf(gpuContainerLimits, pod), [
                `spec: container "?" requests nvidia.com/gpu without a limit: GPUs are allocated by limit; set resources.limits["nvidia.com/gpu"] equal to the request.`,
            ]);
        });
    });

    describe("gpuBudgetOf", () => {
        it("reads a worker group's missing name, minReplicas and template, numOfHosts that is not a positive number, and a RayService without a head", () => {
            const service = rayService("chat", {
                workers: [
                    { groupName: "no-template", minReplicas: 1, maxReplicas: 2 },
                    worker({ maxReplicas: 2 }),
                    worker({ groupName: "zero-hosts", minReplicas: 1, maxReplicas: 3, numOfHosts: 0 }),
                    worker({ groupName: "text-hosts", minReplicas: 1, maxReplicas: 3, numOfHosts: "2" }),
                ],
            });
            const group = (name: string, min: number, max: number) => ({
                group: name, gpusPerPod: 1, minReplicas: min, maxReplicas: max, service: "serving/chat",
                demand: { maxGpus: max, idleGpus: min, upgradeGpus: 2 * max }, pools: ["gpu"],
            });
            assert.deepEqual(gpuBudgetOf([service, nodePool("gpu", "64")]).groups, [
                group("workerGroupSpecs[1]", 0, 2),
                group("zero-hosts", 1, 3),
                group("text-hosts", 1, 3),
            ]);
        });

        it("keeps a RayService's upgrade strategy when it is a string, and only then", () => {
            const groupOf = (strategy: unknown) => gpuBudgetOf([rayService("chat", { workers: [worker({ groupName: "gpu", maxReplicas: 2 })] }, strategy), nodePool("gpu", "8")]).groups;
            assert.deepEqual(groupOf("None"), [{
                group: "gpu", gpusPerPod: 1, minReplicas: 0, maxReplicas: 2, service: "serving/chat", upgradeStrategy: "None",
                demand: { maxGpus: 2, idleGpus: 0, upgradeGpus: 2 }, pools: ["gpu"],
            }]);
            assert.deepEqual(groupOf(3), [{
                group: "gpu", gpusPerPod: 1, minReplicas: 0, maxReplicas: 2, service: "serving/chat",
                demand: { maxGpus: 2, idleGpus: 0, upgradeGpus: 4 }, pools: ["gpu"],
            }]);
        });

        it("counts a service's own demand with its upgrade strategy and without its unbounded groups; a pool whose limit the demand just reaches fits", () => {
            const budget = gpuBudgetOf([
                rayService("chat", { workers: [worker({ groupName: "gpu", maxReplicas: 4 }), worker({ groupName: "unbounded" })] }, "None"),
                nodePool("gpu", "8"),
            ]);
            assert.deepEqual(budget.total, { maxGpus: 4, idleGpus: 0, upgradeGpus: 4 });
            const exact = gpuBudgetOf([rayService("chat", { workers: [worker({ groupName: "gpu", maxReplicas: 4 })] }), nodePool("gpu", "8")]);
            assert.deepEqual(exact.pools.map((p) => [p.pool, p.limit, p.demand.upgradeGpus, p.fits]), [["gpu", 8, 8, true]]);
        });

        it("names a NodePool without its namespace, gives a pool without a limit none, and reads only RayServices of ray.io/v1", () => {
            const budget = gpuBudgetOf([
                rayService("old", { workers: [worker({ groupName: "gpu", maxReplicas: 2 })] }, undefined, "kubernetes:ray.io/v1alpha1:RayService"),
                nodePool("gpu", undefined, { namespace: "karpenter" }),
            ]);
            assert.deepEqual(budget, {
                pools: [{ pool: "gpu", demand: NO_DEMAND, groups: [], fits: true }],
                groups: [],
                total: NO_DEMAND,
                limit: 0,
            });
        });
    });

    describe("gpu-budget", () => {
        const over = (pool: string, limit: number, need: number, parts: string, fixes: string) =>
            `${pool}: NodePool ${pool} allows ${limit} GPUs, but the RayService GPU groups that can land in it may need ${need} at once (${parts}): raise this NodePool's spec.limits["nvidia.com/gpu"] to at least ${need}, ${fixes}.`;

        it("leaves a group with maxReplicas 0 out of a pool's message", async () => {
            const stack = [
                rayService("chat", { workers: [worker({ groupName: "busy", maxReplicas: 3 }), worker({ groupName: "off", maxReplicas: 0 })] }),
                nodePool("gpu", "2"),
            ];
            assert.deepEqual(await stackViolationsOf(gpuBudget, stack), [
                over("gpu", 2, 6, "serving/chat's worker group busy: up to 3 pods × 1 GPU, × 2 during NewCluster upgrades", "lower that group's maxReplicas, or use upgradeStrategy None"),
            ]);
        });

        it("does not offer upgradeStrategy None to groups that already use it", async () => {
            const stack = [rayService("chat", { workers: [worker({ groupName: "gpu", maxReplicas: 4 })] }, "None"), nodePool("gpu", "2")];
            assert.deepEqual(await stackViolationsOf(gpuBudget, stack), [
                over("gpu", 2, 4, "serving/chat's worker group gpu: up to 4 pods × 1 GPU", "or lower that group's maxReplicas"),
            ]);
        });

        it("lists every other pool a group can land in, comma-separated", async () => {
            const stack = [rayService("chat", { workers: [worker({ groupName: "gpu", maxReplicas: 2 })] }, "None"), nodePool("a", "1"), nodePool("b", "8"), nodePool("c", "8")];
            assert.deepEqual(await stackViolationsOf(gpuBudget, stack), [
                `a: NodePool a allows 1 GPU, but the RayService GPU groups that can land in it may need 2 at once (serving/chat's worker group gpu: up to 2 pods × 1 GPU; it can also land in NodePool b, c and counts in full against each): raise this NodePool's spec.limits["nvidia.com/gpu"] to at least 2, lower that group's maxReplicas, or pin a group to one NodePool (nodeSelector karpenter.sh/nodepool).`,
            ]);
        });

        it("names a GPU head that can land in no pool as the head", async () => {
            const stack = [rayService("chat", { head: { template: { spec: gpuPod(1, { tolerations: [] }) } } }), nodePool("gpu", "8")];
            assert.deepEqual(await stackViolationsOf(gpuBudget, stack), [
                `chat-rayservice: RayService serving/chat's head takes 1 GPU per pod but can land in no GPU NodePool of this stack (none launches a node with 1 GPU that its nodeSelector and required node affinity accept and whose taints it tolerates), so its pods would stay pending: add a NodePool that offers such nodes, or change the group's nodeSelector, affinity or tolerations.`,
            ]);
        });
    });
});
