import * as assert from "node:assert/strict";

import { preview, stackViolationsOf } from "./support/policy";

import { gpuBudget, gpuBudgetOf } from "../policy/gpu";

const { unknownCheckingProxy, UnknownValueError, unknownStringValue, unknownObjectValue } = preview;

const TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };

interface Group {
    name?: string;
    gpus?: number;
    min?: number;
    /** null: no maxReplicas at all. */
    max?: number | null;
    hosts?: number;
    nodeSelector?: Record<string, unknown>;
    affinity?: object;
    tolerations?: object[];
}

const pod = (g: Group): Record<string, unknown> => ({
    ...(g.nodeSelector ? { nodeSelector: g.nodeSelector } : {}),
    ...(g.affinity ? { affinity: g.affinity } : {}),
    tolerations: g.tolerations ?? [TOLERATION],
    containers: [{ name: "ray-worker", image: "rayproject/ray-llm:2.56.0-py312-cu130", resources: { limits: { "nvidia.com/gpu": String(g.gpus ?? 1) } } }],
});

/** A RayService "serving/<name>" (resource <name>-rayservice) with a CPU head and the given GPU worker groups. */
function rayService(name: string, groups: Group[], opts: { strategy?: string; headGpus?: number } = {}) {
    return {
        type: "kubernetes:ray.io/v1:RayService",
        name: `${name}-rayservice`,
        props: {
            metadata: { name, namespace: "serving" },
            spec: {
                ...(opts.strategy ? { upgradeStrategy: { type: opts.strategy } } : {}),
                rayClusterConfig: {
                    headGroupSpec: { template: { spec: opts.headGpus ? pod({ gpus: opts.headGpus }) : { containers: [{ name: "ray-head", image: "rayproject/ray-llm:2.56.0-py312-cu130" }] } } },
                    workerGroupSpecs: [
                        { groupName: "cpu", minReplicas: 1, maxReplicas: 2, template: { spec: { containers: [{ name: "ray-worker" }] } } },
                        ...groups.map((g) => ({
                            groupName: g.name ?? "gpu",
                            minReplicas: g.min ?? 0,
                            ...(g.max === null ? {} : { maxReplicas: g.max ?? 2 }),
                            ...(g.hosts ? { numOfHosts: g.hosts } : {}),
                            template: { spec: pod(g) },
                        })),
                    ],
                },
            },
        },
    };
}

/** A GPU NodePool named <name> (resource and Kubernetes name), tainted nvidia.com/gpu, of g6 instances unless told. */
function nodePool(name: string, limit: string | undefined, opts: { requirements?: object[]; labels?: Record<string, string>; taints?: object[] } = {}) {
    return {
        type: "kubernetes:karpenter.sh/v1:NodePool",
        name,
        props: {
            metadata: { name },
            spec: {
                ...(limit !== undefined ? { limits: { "nvidia.com/gpu": limit } } : {}),
                template: {
                    ...(opts.labels ? { metadata: { labels: opts.labels } } : {}),
                    spec: {
                        requirements: opts.requirements ?? [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6"] }],
                        taints: opts.taints ?? [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }],
                    },
                },
            },
        },
    };
}

const pinned = (pool: string) => ({ "karpenter.sh/nodepool": pool });
const instanceType = (t: string) => ({ "node.kubernetes.io/instance-type": t });

describe("policy gpu-budget", () => {
    it("passes when each pool holds the groups that can land in it, doubled for NewCluster (KubeRay's default)", async () => {
        assert.deepEqual(await stackViolationsOf(gpuBudget, [rayService("chat", [{ gpus: 1, max: 2 }]), nodePool("gpu", "4")]), []);
        assert.deepEqual(await stackViolationsOf(gpuBudget, [rayService("chat", [{ gpus: 1, max: 4 }], { strategy: "None" }), nodePool("gpu", "4")]), []);
        assert.deepEqual(await stackViolationsOf(gpuBudget, [rayService("chat", [{ gpus: 1, max: 3 }]), nodePool("gpu", "4")]), [
            `gpu: NodePool gpu allows 4 GPUs, but the RayService GPU groups that can land in it may need 6 at once (serving/chat's worker group gpu: up to 3 pods × 1 GPU, × 2 during NewCluster upgrades): raise this NodePool's spec.limits["nvidia.com/gpu"] to at least 6, lower that group's maxReplicas, or use upgradeStrategy None.`,
        ]);
    });

    it("checks each pool against its own groups, matched by instance type: the pools together allow more than one of them does", async () => {
        const stack = [
            rayService("chat", [
                { name: "g6e-12xlarge", gpus: 4, max: 2, nodeSelector: instanceType("g6e.12xlarge") },
                { name: "g6-xlarge", gpus: 1, max: 2, nodeSelector: instanceType("g6.xlarge") },
            ]),
            nodePool("shared", "20", { requirements: [{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["g6.xlarge", "g6e.xlarge"] }] }),
            nodePool("large", "8", { requirements: [{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["g6e.12xlarge"] }] }),
        ];
        assert.deepEqual(await stackViolationsOf(gpuBudget, stack), [
            `large: NodePool large allows 8 GPUs, but the RayService GPU groups that can land in it may need 16 at once (serving/chat's worker group g6e-12xlarge: up to 2 pods × 4 GPUs, × 2 during NewCluster upgrades): raise this NodePool's spec.limits["nvidia.com/gpu"] to at least 16, lower that group's maxReplicas, or use upgradeStrategy None.`,
        ]);
        const budget = gpuBudgetOf(stack);
        assert.deepEqual(budget.pools.map((p) => [p.pool, p.limit, p.demand, p.groups.map((g) => g.group), p.fits]), [
            ["shared", 20, { maxGpus: 2, idleGpus: 0, upgradeGpus: 4 }, ["g6-xlarge"], true],
            ["large", 8, { maxGpus: 8, idleGpus: 0, upgradeGpus: 16 }, ["g6e-12xlarge"], false],
        ]);
        assert.deepEqual([budget.limit, budget.total], [28, { maxGpus: 10, idleGpus: 0, upgradeGpus: 20 }]);
    });

    it("matches a family-bounded pool by its actual instance types: g6.xlarge is not in a g6e pool", async () => {
        const stack = [
            rayService("chat", [{ gpus: 1, max: 2, nodeSelector: instanceType("g6.xlarge") }]),
            nodePool("g6e", "2", { requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6e"] }] }),
            nodePool("g6", "4"),
        ];
        assert.deepEqual(gpuBudgetOf(stack).groups.map((g) => [g.group, g.pools]), [["gpu", ["g6"]]]);
        assert.deepEqual(await stackViolationsOf(gpuBudget, stack), []);
    });

    it("counts a group pinned by karpenter.sh/nodepool, in its nodeSelector or required node affinity, only in that pool", async () => {
        const affinity = (...pools: string[]) => ({
            nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: pools.map((p) => ({ matchExpressions: [{ key: "karpenter.sh/nodepool", operator: "In", values: [p] }] })) } },
        });
        const stack = [
            rayService("chat", [
                { name: "on-a", gpus: 1, max: 2, nodeSelector: pinned("a") },
                { name: "on-b", gpus: 1, max: 3, affinity: affinity("b") },
                { name: "on-a-or-b", gpus: 1, max: 1, min: 1, affinity: affinity("a", "b") },
            ]),
            nodePool("a", "6"),
            nodePool("b", "6"),
        ];
        assert.deepEqual(gpuBudgetOf(stack).groups.map((g) => [g.group, g.pools]), [["on-a", ["a"]], ["on-b", ["b"]], ["on-a-or-b", ["a", "b"]]]);
        assert.deepEqual(await stackViolationsOf(gpuBudget, stack), [
            `b: NodePool b allows 6 GPUs, but the RayService GPU groups that can land in it may need 8 at once (serving/chat's worker group on-b: up to 3 pods × 1 GPU, × 2 during NewCluster upgrades; serving/chat's worker group on-a-or-b: up to 1 pod × 1 GPU, × 2 during NewCluster upgrades; it can also land in NodePool a and counts in full against each): raise this NodePool's spec.limits["nvidia.com/gpu"] to at least 8, lower those groups' maxReplicas, use upgradeStrategy None, or pin a group to one NodePool (nodeSelector karpenter.sh/nodepool).`,
        ]);
    });

    it("counts a group that can land in several pools in full against each, and says so", async () => {
        const stack = [rayService("chat", [{ gpus: 1, max: 2, min: 1 }]), nodePool("a", "4"), nodePool("b", "2")];
        const budget = gpuBudgetOf(stack);
        assert.deepEqual(budget.pools.map((p) => [p.pool, p.demand]), [
            ["a", { maxGpus: 2, idleGpus: 1, upgradeGpus: 4 }],
            ["b", { maxGpus: 2, idleGpus: 1, upgradeGpus: 4 }],
        ]);
        assert.deepEqual(budget.total, { maxGpus: 2, idleGpus: 1, upgradeGpus: 4 }, "the service's own demand is counted once");
        assert.deepEqual(await stackViolationsOf(gpuBudget, stack), [
            `b: NodePool b allows 2 GPUs, but the RayService GPU groups that can land in it may need 4 at once (serving/chat's worker group gpu: up to 2 pods × 1 GPU, × 2 during NewCluster upgrades; it can also land in NodePool a and counts in full against each): raise this NodePool's spec.limits["nvidia.com/gpu"] to at least 4, lower that group's maxReplicas, use upgradeStrategy None, or pin a group to one NodePool (nodeSelector karpenter.sh/nodepool).`,
        ]);
    });

    it("counts a general-purpose pool that never says GPU as a pool the groups can land in: Karpenter can launch GPU instances for them there", async () => {
        const general = (requirements: object[], limit?: string) => nodePool("general", limit, { requirements, taints: [] });
        const open = [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] }];
        const stack = [rayService("chat", [{ gpus: 1, max: 2 }]), nodePool("gpu", "4"), general(open, "2")];
        assert.deepEqual(gpuBudgetOf(stack).groups.map((g) => [g.group, g.pools]), [["gpu", ["gpu", "general"]]]);
        assert.deepEqual(await stackViolationsOf(gpuBudget, stack), [
            `general: NodePool general allows 2 GPUs, but the RayService GPU groups that can land in it may need 4 at once (serving/chat's worker group gpu: up to 2 pods × 1 GPU, × 2 during NewCluster upgrades; it can also land in NodePool gpu and counts in full against each): raise this NodePool's spec.limits["nvidia.com/gpu"] to at least 4, lower that group's maxReplicas, use upgradeStrategy None, or pin a group to one NodePool (nodeSelector karpenter.sh/nodepool).`,
        ]);
        const cpuOnly = [rayService("chat", [{ gpus: 1, max: 2 }]), nodePool("gpu", "4"), general([...open, { key: "karpenter.k8s.aws/instance-gpu-count", operator: "DoesNotExist" }])];
        assert.deepEqual(gpuBudgetOf(cpuOnly).groups.map((g) => [g.group, g.pools]), [["gpu", ["gpu"]]]);
        assert.deepEqual(await stackViolationsOf(gpuBudget, cpuOnly), []);
    });

    it("sums several RayServices in one pool, each with its own upgrade strategy", async () => {
        const stack = [rayService("chat", [{ gpus: 4, max: 1 }]), rayService("batch", [{ name: "big", gpus: 2, max: 2 }], { strategy: "None" }), nodePool("gpu", "10", { requirements: [] })];
        assert.deepEqual(gpuBudgetOf(stack).pools[0].demand, { maxGpus: 8, idleGpus: 0, upgradeGpus: 12 });
        assert.deepEqual(await stackViolationsOf(gpuBudget, stack), [
            `gpu: NodePool gpu allows 10 GPUs, but the RayService GPU groups that can land in it may need 12 at once (serving/chat's worker group gpu: up to 1 pod × 4 GPUs, × 2 during NewCluster upgrades; serving/batch's worker group big: up to 2 pods × 2 GPUs): raise this NodePool's spec.limits["nvidia.com/gpu"] to at least 12, lower those groups' maxReplicas, or use upgradeStrategy None.`,
        ]);
    });

    it("counts multi-host replicas (numOfHosts pods each) and a head that takes GPUs", async () => {
        const stack = [rayService("chat", [{ gpus: 1, max: 2, min: 1, hosts: 2 }], { headGpus: 1 }), nodePool("gpu", "8")];
        assert.deepEqual(gpuBudgetOf(stack).groups.map((g) => [g.group, g.minReplicas, g.maxReplicas, g.demand]), [
            ["head", 1, 1, { maxGpus: 1, idleGpus: 1, upgradeGpus: 2 }],
            ["gpu", 2, 4, { maxGpus: 4, idleGpus: 2, upgradeGpus: 8 }],
        ]);
        assert.deepEqual(await stackViolationsOf(gpuBudget, stack), [
            `gpu: NodePool gpu allows 8 GPUs, but the RayService GPU groups that can land in it may need 10 at once (serving/chat's head: up to 1 pod × 1 GPU, × 2 during NewCluster upgrades; serving/chat's worker group gpu: up to 4 pods × 1 GPU, × 2 during NewCluster upgrades): raise this NodePool's spec.limits["nvidia.com/gpu"] to at least 10, lower those groups' maxReplicas, or use upgradeStrategy None.`,
        ]);
    });

    it("flags a GPU group no pool can take: a label no pool sets, an untolerated taint, more GPUs than the pool's nodes have", async () => {
        const message = (group: string, gpus: string) => `chat-rayservice: RayService serving/chat's worker group ${group} takes ${gpus} per pod but can land in no GPU NodePool of this stack (none launches a node with ${gpus} that its nodeSelector and required node affinity accept and whose taints it tolerates), so its pods would stay pending: add a NodePool that offers such nodes, or change the group's nodeSelector, affinity or tolerations.`;
        const pools = [
            nodePool("team-a", "8", { labels: { team: "a" } }),
            nodePool("small", "8", { requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6"] }, { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Lt", values: ["2"] }] }),
        ];
        assert.deepEqual(await stackViolationsOf(gpuBudget, [rayService("chat", [
            { name: "team-b", nodeSelector: { team: "b" } },
            { name: "untolerating", tolerations: [], nodeSelector: pinned("small") },
            { name: "four-gpus", gpus: 4, nodeSelector: pinned("small") },
        ]), ...pools]), [message("team-b", "1 GPU"), message("untolerating", "1 GPU"), message("four-gpus", "4 GPUs")]);
    });

    it("flags a GPU group without maxReplicas: KubeRay's default has no bound", async () => {
        assert.deepEqual(await stackViolationsOf(gpuBudget, [rayService("chat", [{ max: null }]), nodePool("gpu", "8")]), [
            "chat-rayservice: RayService serving/chat's worker group gpu takes 1 GPU per pod but sets no maxReplicas (KubeRay's default is 2147483647), so no GPU budget can hold it: set maxReplicas.",
        ]);
        assert.equal(gpuBudgetOf([rayService("chat", [{ max: null }]), nodePool("gpu", "8")]).pools[0].fits, false);
    });

    it("leaves a pool without a GPU limit to gpu-nodepool-limit, and a stack without GPU NodePools to the stack that has them", async () => {
        assert.deepEqual(await stackViolationsOf(gpuBudget, [rayService("chat", [{ max: 8 }]), nodePool("gpu", undefined)]), []);
        assert.deepEqual(await stackViolationsOf(gpuBudget, [rayService("chat", [{}])]), ["not applicable: no GPU NodePool in this stack: the budget is checked where the NodePools are"]);
    });

    it("leaves a value unknown during preview to the engine: it reads it and throws, never reporting on a guess", async () => {
        const unknowns = [
            [rayService("chat", [{}]), { ...nodePool("gpu", "8"), props: { metadata: { name: "gpu" }, spec: { limits: { "nvidia.com/gpu": unknownStringValue }, template: nodePool("gpu", "8").props.spec.template } } }],
            [rayService("chat", [{ max: unknownStringValue as number }]), nodePool("gpu", "8")],
            [rayService("chat", [{ nodeSelector: unknownObjectValue as Record<string, unknown> }]), nodePool("gpu", "8")],
            [rayService("chat", [{ nodeSelector: { "karpenter.sh/nodepool": unknownStringValue } }]), nodePool("gpu", "8")],
        ];
        for (const stack of unknowns) {
            await assert.rejects(stackViolationsOf(gpuBudget, stack.map((r) => ({ ...r, props: unknownCheckingProxy(r.props) }))), UnknownValueError);
        }
    });

    it("decides without names unknown during preview: a RayService or NodePool is then named by its Pulumi name", async () => {
        const service = rayService("chat", [{ max: 3 }]);
        const pool = nodePool("gpu", "4");
        const stack = [
            { ...service, props: { ...service.props, metadata: { name: "chat", namespace: unknownStringValue } } },
            { ...pool, name: "gpu-pool", props: { ...pool.props, metadata: { name: unknownStringValue } } },
        ];
        assert.deepEqual(await stackViolationsOf(gpuBudget, stack.map((r) => ({ ...r, props: unknownCheckingProxy(r.props) }))), [
            `gpu-pool: NodePool gpu-pool allows 4 GPUs, but the RayService GPU groups that can land in it may need 6 at once (chat's worker group gpu: up to 3 pods × 1 GPU, × 2 during NewCluster upgrades): raise this NodePool's spec.limits["nvidia.com/gpu"] to at least 6, lower that group's maxReplicas, or use upgradeStrategy None.`,
        ]);
    });
});
