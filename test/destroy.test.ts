import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";

import { environmentPlan } from "./support/plan";

import { DestroyGraph, destroyOrder, providerUrn } from "../plan/destroy";
import { PlannedResource } from "../plan/engine";

const urn = (type: string, name: string): string => `urn:pulumi:t::p::${type}::${name}`;

/** A hand-written resource: custom unless `custom: false`. */
function planned(type: string, name: string, r: Partial<PlannedResource> = {}): PlannedResource {
    return { urn: urn(type, name), type, name, custom: true, dependencies: [], options: {}, inputs: {}, ...r };
}

describe("destroyOrder (how pulumi destroy orders deletes)", () => {
    //   stack
    //   ├── provider p          (depends on the remote component r through its kubeconfig)
    //   ├── component c
    //   │   ├── a               (through provider p)
    //   │   └── b               (depends on a)
    //   ├── remote component r  (eks:index:Cluster: no children in the plan)
    //   ├── x                   (dependsOn the component c: so c, a and b)
    //   └── y                   (deletedWith b)
    const S = urn("pulumi:pulumi:Stack", "s");
    const P = urn("pulumi:providers:kubernetes", "p");
    const C = urn("test:index:Component", "c");
    const A = urn("test:index:Thing", "a");
    const B = urn("test:index:Thing", "b");
    const R = urn("eks:index:Cluster", "r");
    const X = urn("test:index:Thing", "x");
    const Y = urn("test:index:Thing", "y");
    const graph = [
        planned("pulumi:pulumi:Stack", "s", { custom: false }),
        planned("pulumi:providers:kubernetes", "p", { parent: S, dependencies: [R] }),
        planned("test:index:Component", "c", { custom: false, parent: S }),
        planned("test:index:Thing", "a", { parent: C, provider: `${P}::04da6b54-80e4-46f7-96ec-b56ff0331ba9` }),
        planned("test:index:Thing", "b", { parent: C, dependencies: [A] }),
        planned("eks:index:Cluster", "r", { custom: false, parent: S }),
        planned("test:index:Thing", "x", { parent: S, dependencies: [C] }),
        planned("test:index:Thing", "y", { parent: S, options: { deletedWith: B } }),
    ];

    it("deletes in steps: dependents first, then what they depend on, the stack last", () => {
        assert.deepEqual(destroyOrder(graph), [[X, Y], [B], [A], [P, C], [R], [S]]);
    });

    it("counts the parent, the provider, deletedWith and a component's children as dependencies", () => {
        const g = new DestroyGraph(graph);
        assert.deepEqual(g.dependenciesOf(A), [P, C]);
        assert.deepEqual(g.dependenciesOf(X), [S, C, A, B]);
        assert.deepEqual(g.dependenciesOf(Y), [S, B]);
        assert.deepEqual(g.chain(Y, R), [Y, B, A, P, R], "y before b (deletedWith), b before a, a before its provider, the provider before the cluster");
        assert.deepEqual(g.chain(X, A), [X, A]);
        assert.equal(g.chain(A, X), undefined);
        assert.equal(g.chain(X, Y), undefined, "nothing orders x and y: the engine deletes them together");
        assert.equal(providerUrn(`${P}::some-id`), P);
    });

    it("does not expand a dependency on a component into the dependent itself or its own children", () => {
        const inner = planned("test:index:Component", "inner", { custom: false, parent: C, dependencies: [C] });
        const leaf = planned("test:index:Thing", "leaf", { parent: inner.urn });
        const g = new DestroyGraph([...graph, inner, leaf]);
        assert.deepEqual(g.dependenciesOf(inner.urn), [C, A, B]);
        assert.deepEqual(g.dependenciesOf(leaf.urn), [inner.urn]);
    });

    it("refuses a dependency cycle", () => {
        assert.throws(() => destroyOrder([planned("t:i:T", "m", { dependencies: [urn("t:i:T", "n")] }), planned("t:i:T", "n", { dependencies: [urn("t:i:T", "m")] })]),
            /form a cycle, so no delete order exists; among:\n {2}urn:pulumi:t::p::t:i:T::m\n {2}urn:pulumi:t::p::t:i:T::n$/);
    });
});

/** What must be gone before what, in every environment, with the literal names of what each environment has. */
const EXPECTED: Record<string, { exposed: string[]; pools: string[] }> = {
    // The Serve load balancer is the RayService's serveService (KubeRay creates it): no environment declares an Ingress or a LoadBalancer Service of its own.
    dev: { exposed: ["kubernetes:ray.io/v1:RayService vllm-rayservice"], pools: ["kubernetes:karpenter.k8s.aws/v1:EC2NodeClass gpu-nodeclass", "kubernetes:karpenter.sh/v1:NodePool gpu-inference"] },
    staging: {
        exposed: ["kubernetes:ray.io/v1:RayService vllm-rayservice"],
        pools: ["kubernetes:karpenter.k8s.aws/v1:EC2NodeClass gpu-nodeclass", "kubernetes:karpenter.sh/v1:NodePool gpu-large", "kubernetes:karpenter.sh/v1:NodePool gpu-shared"],
    },
    prod: {
        exposed: ["kubernetes:ray.io/v1:RayService vllm-rayservice"],
        pools: ["kubernetes:karpenter.k8s.aws/v1:EC2NodeClass gpu-nodeclass", "kubernetes:karpenter.sh/v1:NodePool gpu-large", "kubernetes:karpenter.sh/v1:NodePool gpu-shared"],
    },
};

describe("the environments' teardown order (plan.json destroyOrder)", () => {
    const plans: Record<string, { resources: PlannedResource[]; destroyOrder: string[][] }> = {};

    before(async () => {
        const envs = Object.keys(EXPECTED);
        const runs = await Promise.all(envs.map((env) => environmentPlan(env)));
        envs.forEach((env, i) => {
            assert.equal(runs[i].code, 0, runs[i].stderr);
            plans[env] = JSON.parse(fs.readFileSync(path.join(runs[i].out, "plan.json"), "utf8"));
        });
    });

    for (const [env, expected] of Object.entries(EXPECTED)) {
        describe(env, () => {
            const label = (r: PlannedResource): string => `${r.type} ${r.name}`;
            const one = (type: string, name: string): PlannedResource => {
                const found = plans[env].resources.filter((r) => r.type === type && r.name === name);
                assert.equal(found.length, 1, `one ${type} ${name}`);
                return found[0];
            };
            /** Asserts that `first` is deleted before `then`: a chain of dependencies joins them, and plan.json's steps agree. */
            const deletedBefore = (first: PlannedResource, then: PlannedResource): void => {
                const chain = new DestroyGraph(plans[env].resources).chain(first.urn, then.urn);
                assert.ok(chain, `${label(first)} must be deleted before ${label(then)}, but no dependency orders them`);
                const step = (u: string): number => plans[env].destroyOrder.findIndex((s) => s.includes(u));
                assert.ok(step(first.urn) < step(then.urn), `${label(first)} is in step ${step(first.urn)}, ${label(then)} in step ${step(then.urn)}`);
            };

            it("records every resource once, in the steps destroyOrder computes, the stack last", () => {
                const order = plans[env].destroyOrder;
                assert.deepEqual(order, destroyOrder(plans[env].resources));
                assert.deepEqual(order.flat().sort(), plans[env].resources.map((r) => r.urn).sort());
                assert.deepEqual(order.at(-1), [`urn:pulumi:${env}::ray-vllm-eks::pulumi:pulumi:Stack::ray-vllm-eks-${env}`]);
            });

            it("deletes the RayService, and whatever else makes a load balancer, before the AWS Load Balancer Controller and the KubeRay operator", () => {
                const exposed = plans[env].resources.filter((r) => r.type === "kubernetes:ray.io/v1:RayService" || r.type === "kubernetes:networking.k8s.io/v1:Ingress"
                    || (r.type === "kubernetes:core/v1:Service" && (r.inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer"));
                assert.deepEqual(exposed.map(label).sort(), expected.exposed);
                const lbController = one("kubernetes:helm.sh/v3:Release", "llm-lb-controller");
                const operator = one("kubernetes:helm.sh/v4:Chart", "kuberay-chart");
                for (const r of exposed) {
                    deletedBefore(r, lbController);
                    deletedBefore(r, operator);
                }
            });

            it("deletes every NodePool and EC2NodeClass before the Karpenter controller and the system node group", () => {
                const pools = plans[env].resources.filter((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool" || r.type === "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass");
                assert.deepEqual(pools.map(label).sort(), expected.pools);
                const karpenter = one("kubernetes:helm.sh/v3:Release", "llm-karpenter");
                const systemNodes = one("eks:index:ManagedNodeGroup", "llm-system-nodes");
                for (const r of pools) {
                    deletedBefore(r, karpenter);
                    deletedBefore(r, systemNodes);
                }
            });

            it("deletes the RayService before the Redis its GCS cleanup needs, and monitoring before the EBS CSI driver that deletes its volume", () => {
                const redis = plans[env].resources.filter((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup");
                assert.deepEqual(redis.map(label), env === "dev" ? [] : ["aws:elasticache/replicationGroup:ReplicationGroup gcs-redis"]);
                for (const r of redis) {
                    deletedBefore(one("kubernetes:ray.io/v1:RayService", "vllm-rayservice"), r);
                }
                const ebs = one("aws:eks/addon:Addon", "llm-ebs-csi-driver");
                deletedBefore(one("kubernetes:core/v1:Namespace", "monitoring-namespace"), ebs);
                deletedBefore(one("kubernetes:storage.k8s.io/v1:StorageClass", "llm-gp3"), ebs);
            });

            it("deletes the Karpenter controller before the EKS cluster", () => {
                deletedBefore(one("kubernetes:helm.sh/v3:Release", "llm-karpenter"), one("eks:index:Cluster", "llm-eks"));
            });
        });
    }
});
