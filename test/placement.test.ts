import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

import { ModelArgs, rayServiceSpec, ResolvedServiceArgs, resolveModel, vllmServiceDefaults } from "../components/vllm-service";
import { nodesNeeded, Placement, placementOf, proxyNodeTypes, replicasPerNode, staysOnOneNode, whereItLands, Workload } from "./support/placement";
import { environmentPlan } from "./support/plan";

const { model: _modelDefaults, ...serviceDefaults } = vllmServiceDefaults;
const ARGS = { ...serviceDefaults } as ResolvedServiceArgs;

/** The rendered RayService spec of these models, with the component's defaults. */
function specOf(models: ModelArgs[]): any {
    return rayServiceSpec(ARGS, models.map(resolveModel), undefined);
}

/** The same spec with its Serve config changed. */
function withServe(spec: any, change: (serve: any) => void): any {
    const serve = YAML.parse(spec.serveConfigV2);
    change(serve);
    return { ...spec, serveConfigV2: YAML.stringify(serve) };
}

const model = (p: Placement, name: string): Workload => p.models.find((w) => w.name === name)!;
const groupsOf = (spec: any): Record<string, [number, number]> =>
    Object.fromEntries(spec.rayClusterConfig.workerGroupSpecs.map((g: any) => [g.groupName, [g.minReplicas, g.maxReplicas]]));

// L40S on two instance types: both groups' nodes carry accelerator_type:L40S.
const SAME_GPU: ModelArgs[] = [
    { name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6e.xlarge", minReplicas: 1, maxReplicas: 3 },
    { name: "llama-70b", source: "meta-llama/Llama-3.3-70B-Instruct", accelerator: "g6e.12xlarge", tensorParallelSize: 4, minReplicas: 1, maxReplicas: 2 },
];
// Two tensor-parallel sizes on one instance type, and two models sharing one group.
const MIXED: ModelArgs[] = [
    { name: "llama-70b", source: "meta-llama/Llama-3.3-70B-Instruct", accelerator: "g6e.12xlarge", tensorParallelSize: 4, minReplicas: 1, maxReplicas: 3 },
    { name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6e.12xlarge", minReplicas: 0, maxReplicas: 4 },
    { name: "qwen2.5-7b", source: "Qwen/Qwen2.5-7B-Instruct", accelerator: "g6e.12xlarge", minReplicas: 1, maxReplicas: 3 },
];

describe("placement: Ray places every replica where the plan says", () => {
    describe("the node types, as a running node and as the autoscaler see them", () => {
        let p: Placement;
        before(() => {
            p = placementOf(specOf(SAME_GPU));
        });

        it("the operator parses every group's resources (no 'failed to add accelerator resources'), and the autoscaler reads what the nodes advertise", () => {
            assert.deepEqual(p.nodeTypes.map((t) => [t.name, t.operatorErrors]), [["headgroup", []], ["cpu", []], ["g6e-xlarge", []], ["g6e-12xlarge", []]]);
            assert.deepEqual(Object.fromEntries(p.nodeTypes.map((t) => [t.name, t.resources])), {
                "headgroup": { "memory": 8589934592, "node:__internal_head__": 1 },
                "cpu": { "CPU": 2, "memory": 4294967296, "ray-vllm-eks-group-cpu": 1 },
                // g6e.xlarge: 1 L40S; 3 CPUs and 26181 MiB allocatable to the pod.
                "g6e-xlarge": { "CPU": 3, "GPU": 1, "memory": 27452768256, "accelerator_type:L40S": 1, "ray-vllm-eks-group-g6e-xlarge": 1 },
                // g6e.12xlarge: 4 L40S, the group's mark one per GPU.
                "g6e-12xlarge": { "CPU": 47, "GPU": 4, "memory": 377062686720, "accelerator_type:L40S": 1, "ray-vllm-eks-group-g6e-12xlarge": 4 },
            });
            for (const t of p.nodeTypes.filter((x) => !x.head)) {
                assert.deepEqual(t.autoscalerResources, t.resources, `${t.name}: the autoscaler scales up on what the node will offer`);
            }
            assert.deepEqual(p.nodeTypes[0].autoscalerResources, { CPU: 0, memory: 8589934592 }, "the head takes no task or replica");
        });
    });

    describe("L40S on two instance types (g6e.xlarge and g6e.12xlarge)", () => {
        let spec: any;
        let p: Placement;
        before(() => {
            spec = specOf(SAME_GPU);
            p = placementOf(spec);
        });

        it("each model lands only on its own group, for the running nodes and for the autoscaler", () => {
            assert.deepEqual(whereItLands(p, model(p, "qwen3-8b")), { nodes: ["g6e-xlarge"], autoscaler: ["g6e-xlarge"] });
            assert.deepEqual(whereItLands(p, model(p, "llama-70b")), { nodes: ["g6e-12xlarge"], autoscaler: ["g6e-12xlarge"] });
        });

        it("without the groups' marks in its bundles, the 8B model could take a GPU of the 12xlarge (the model sees the old bug)", () => {
            const unmarked = placementOf(withServe(spec, (serve) => {
                for (const c of serve.applications[0].args.llm_configs) {
                    delete c.placement_group_config;
                }
            }));
            assert.deepEqual(whereItLands(unmarked, model(unmarked, "qwen3-8b")).nodes, ["g6e-xlarge", "g6e-12xlarge"]);
            // Serve LLM's default strategy, PACK, may split the 4 GPUs of a 70B replica across nodes.
            assert.equal(staysOnOneNode(model(unmarked, "llama-70b")), false);
        });

        it("keeps each tensor-parallel replica on one node: STRICT_PACK, the four bundles summed fit one g6e.12xlarge", () => {
            const llama = model(p, "llama-70b");
            assert.equal(llama.strategy, "STRICT_PACK");
            assert.equal(llama.bundles.length, 4);
            assert.equal(staysOnOneNode(llama), true);
            assert.equal(replicasPerNode(p, llama, "g6e-12xlarge"), 1);
            assert.equal(replicasPerNode(p, model(p, "qwen3-8b"), "g6e-xlarge"), 1);
        });

        it("sizes the groups to what the replicas need, in every order and under spread and pack scheduling", () => {
            assert.deepEqual(nodesNeeded(p, (w) => w.minReplicas), { "g6e-12xlarge": 1, "g6e-xlarge": 1 });
            assert.deepEqual(nodesNeeded(p, (w) => w.maxReplicas), { "g6e-12xlarge": 2, "g6e-xlarge": 3 });
            assert.deepEqual(groupsOf(spec), { "cpu": [1, 2], "g6e-xlarge": [1, 3], "g6e-12xlarge": [1, 2] });
        });
    });

    describe("Serve's ingress and proxies", () => {
        let spec: any;
        let p: Placement;
        before(() => {
            spec = specOf(SAME_GPU);
            p = placementOf(spec);
        });

        it("runs the OpenAI ingress only on the CPU group: 1 CPU and the CPU group's mark", () => {
            assert.deepEqual(p.ingress.bundles, [{ "CPU": 1, "GPU": 0, "ray-vllm-eks-group-cpu": 0.001 }]);
            assert.deepEqual(whereItLands(p, p.ingress), { nodes: ["cpu"], autoscaler: ["cpu"] });
            assert.deepEqual([p.ingress.minReplicas, p.ingress.maxReplicas], [1, 1]);
        });

        it("without ingress_deployment_config the ingress could take a CPU of any GPU node (the model sees the old bug)", () => {
            const open = placementOf(withServe(spec, (serve) => delete serve.applications[0].args.ingress_deployment_config));
            assert.deepEqual(whereItLands(open, open.ingress).nodes, ["cpu", "g6e-xlarge", "g6e-12xlarge"]);
        });

        it("runs a proxy on the head and on each node that hosts a replica (EveryNode)", () => {
            assert.equal(p.proxyLocation, "EveryNode");
            assert.deepEqual(proxyNodeTypes(p), ["headgroup", "cpu", "g6e-xlarge", "g6e-12xlarge"]);
        });
    });

    describe("two tensor-parallel sizes on one instance type", () => {
        let spec: any;
        let p: Placement;
        before(() => {
            spec = specOf(MIXED);
            p = placementOf(spec);
        });

        it("splits them into a group per size; the two 1-GPU models share theirs", () => {
            assert.deepEqual(groupsOf(spec), { "cpu": [1, 2], "g6e-12xlarge-tp1": [1, 2], "g6e-12xlarge-tp4": [1, 3] });
            assert.deepEqual(whereItLands(p, model(p, "llama-70b")).nodes, ["g6e-12xlarge-tp4"]);
            assert.deepEqual(whereItLands(p, model(p, "qwen3-8b")).nodes, ["g6e-12xlarge-tp1"]);
            assert.deepEqual(whereItLands(p, model(p, "qwen2.5-7b")).nodes, ["g6e-12xlarge-tp1"]);
            assert.equal(replicasPerNode(p, model(p, "qwen3-8b"), "g6e-12xlarge-tp1"), 4);
        });

        it("needs exactly the groups' min and max nodes, whatever the order", () => {
            // 1-GPU replicas: 0 + 1 at least, 4 + 3 at most, four to a node; 70B: one to a node.
            assert.deepEqual(nodesNeeded(p, (w) => w.minReplicas), { "g6e-12xlarge-tp1": 1, "g6e-12xlarge-tp4": 1 });
            assert.deepEqual(nodesNeeded(p, (w) => w.maxReplicas), { "g6e-12xlarge-tp1": 2, "g6e-12xlarge-tp4": 3 });
        });

        it("would not pack exactly if sizes shared nodes: 2-GPU and 1-GPU replicas on one group depend on the order", () => {
            const shared = placementOf(withServe(specOf([
                { name: "a", source: "Qwen/Qwen3-8B", accelerator: "g6e.12xlarge", tensorParallelSize: 2, minReplicas: 3, maxReplicas: 3 },
                { name: "b", source: "Qwen/Qwen3-8B", accelerator: "g6e.12xlarge", tensorParallelSize: 2, minReplicas: 2, maxReplicas: 2 },
            ]), (serve) => {
                // Model b made a 1-GPU model on the same group's nodes.
                const b = serve.applications[0].args.llm_configs[1];
                b.engine_kwargs.tensor_parallel_size = 1;
                b.placement_group_config.bundles = b.placement_group_config.bundles.slice(0, 1);
            }));
            assert.throws(() => nodesNeeded(shared, (w) => w.maxReplicas), /the nodes needed depend on the order and policy/);
        });
    });

    describe("the environments' rendered RayServices (npm run plan)", () => {
        const rendered: Record<string, any> = {};

        before(async () => {
            for (const env of ["dev", "prod"]) {
                const run = await environmentPlan(env);
                assert.equal(run.code, 0, run.stderr + run.stdout);
                const plan = JSON.parse(fs.readFileSync(path.join(run.out, "plan.json"), "utf8"));
                rendered[env] = plan.resources.find((r: any) => r.type === "kubernetes:ray.io/v1:RayService").inputs.spec;
            }
        });

        it("dev: the 8B model only on its g6.2xlarge group, 0 to 2 nodes; the ingress on the CPU group, off when idle", () => {
            const p = placementOf(rendered.dev);
            assert.deepEqual(p.nodeTypes.map((t) => [t.name, t.operatorErrors.length]), [["headgroup", 0], ["cpu", 0], ["g6-2xlarge", 0]]);
            assert.deepEqual(whereItLands(p, model(p, "qwen3-8b")), { nodes: ["g6-2xlarge"], autoscaler: ["g6-2xlarge"] });
            assert.deepEqual(whereItLands(p, p.ingress), { nodes: ["cpu"], autoscaler: ["cpu"] });
            // Every model scales to zero, so does the ingress (OpenAiIngress.get_deployment_options):
            // no replica holds a GPU node when idle.
            assert.deepEqual([p.ingress.minReplicas, p.ingress.maxReplicas], [0, 1]);
            assert.deepEqual(nodesNeeded(p, (w) => w.minReplicas), {});
            assert.deepEqual(nodesNeeded(p, (w) => w.maxReplicas), { "g6-2xlarge": 2 });
            assert.deepEqual(groupsOf(rendered.dev), { "cpu": [1, 2], "g6-2xlarge": [0, 2] });
        });

        it("prod: each model only on its group (chat g6e.xlarge, 72B g6e.12xlarge on one node, embedding g6.xlarge), groups sized exactly", () => {
            const p = placementOf(rendered.prod);
            assert.deepEqual(p.models.map((w) => w.name), ["qwen3-8b", "qwen2.5-72b", "bge-m3"]);
            assert.deepEqual(p.nodeTypes.map((t) => [t.name, t.operatorErrors.length]), [["headgroup", 0], ["cpu", 0], ["g6e-xlarge", 0], ["g6e-12xlarge", 0], ["g6-xlarge", 0]]);
            assert.deepEqual(whereItLands(p, model(p, "qwen3-8b")), { nodes: ["g6e-xlarge"], autoscaler: ["g6e-xlarge"] });
            assert.deepEqual(whereItLands(p, model(p, "qwen2.5-72b")), { nodes: ["g6e-12xlarge"], autoscaler: ["g6e-12xlarge"] });
            assert.deepEqual(whereItLands(p, model(p, "bge-m3")), { nodes: ["g6-xlarge"], autoscaler: ["g6-xlarge"] });
            assert.deepEqual(whereItLands(p, p.ingress), { nodes: ["cpu"], autoscaler: ["cpu"] });
            assert.deepEqual([model(p, "qwen2.5-72b").strategy, model(p, "qwen2.5-72b").bundles.length, staysOnOneNode(model(p, "qwen2.5-72b"))], ["STRICT_PACK", 4, true]);
            assert.deepEqual(proxyNodeTypes(p), ["headgroup", "cpu", "g6e-xlarge", "g6e-12xlarge", "g6-xlarge"]);
            assert.deepEqual(nodesNeeded(p, (w) => w.minReplicas), { "g6-xlarge": 1, "g6e-12xlarge": 1, "g6e-xlarge": 1 });
            assert.deepEqual(nodesNeeded(p, (w) => w.maxReplicas), { "g6-xlarge": 2, "g6e-12xlarge": 2, "g6e-xlarge": 4 });
            assert.deepEqual(groupsOf(rendered.prod), { "cpu": [1, 2], "g6e-xlarge": [1, 4], "g6e-12xlarge": [1, 2], "g6-xlarge": [1, 2] });
        });
    });
});
