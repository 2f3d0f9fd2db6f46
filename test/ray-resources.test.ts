import * as assert from "node:assert/strict";

import {
    cpuCores, cpuGroupResources, gpuGroupResources, groupOfModel, ingressDeploymentConfig, modelPlacementGroup, rayServiceSpec,
    rayStartResources, ModelArgs, ResolvedServiceArgs, resolveModel, vllmServiceDefaults, workerGroups,
} from "../components/vllm-service";
import {
    autoscalerCustomResources, autoscalerNodeType, convertParamMap, kubeRayGroupError, kubeRayResourcesMap, kubeRayStartParams, pythonJsonLoads, shellWords,
} from "./support/ray-resources";

const CHAT_ARGS: ModelArgs = { name: "llama-70b", source: "meta-llama/Llama-3.3-70B-Instruct", accelerator: "g6e.12xlarge", tensorParallelSize: 4, minReplicas: 1, maxReplicas: 3 };
const SMALL_ARGS: ModelArgs = { name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6e.12xlarge", minReplicas: 0, maxReplicas: 4 };
const SMALL2_ARGS: ModelArgs = { name: "qwen2.5-7b", source: "Qwen/Qwen2.5-7B-Instruct", accelerator: "g6e.12xlarge", minReplicas: 1, maxReplicas: 1 };
const EMBED_ARGS: ModelArgs = { name: "bge-m3", source: "BAAI/bge-m3", accelerator: "g6.xlarge", embedding: true, minReplicas: 1, maxReplicas: 2 };

describe("placement builders", () => {
    it("workerGroups: one group per instance type, split by tensor-parallel size only where sizes differ; nodes from replicas per node", () => {
        assert.deepEqual(workerGroups([resolveModel(CHAT_ARGS), resolveModel(SMALL_ARGS), resolveModel(EMBED_ARGS), resolveModel(SMALL2_ARGS)]), [
            {
                groupName: "g6e-12xlarge-tp1", accelerator: "g6e.12xlarge", gpusPerNode: 4, tensorParallelSize: 1, replicasPerNode: 4,
                resource: "ray-vllm-eks-group-g6e-12xlarge-tp1", models: ["qwen3-8b", "qwen2.5-7b"],
                // 0 + 1 replicas at least, 4 + 1 at most, four to a node.
                minReplicas: 1, maxReplicas: 2,
            },
            {
                groupName: "g6e-12xlarge-tp4", accelerator: "g6e.12xlarge", gpusPerNode: 4, tensorParallelSize: 4, replicasPerNode: 1,
                resource: "ray-vllm-eks-group-g6e-12xlarge-tp4", models: ["llama-70b"], minReplicas: 1, maxReplicas: 3,
            },
            {
                groupName: "g6-xlarge", accelerator: "g6.xlarge", gpusPerNode: 1, tensorParallelSize: 1, replicasPerNode: 1,
                resource: "ray-vllm-eks-group-g6-xlarge", models: ["bge-m3"], minReplicas: 1, maxReplicas: 2,
            },
        ]);
        // One size on an instance type: the group keeps the instance type's name.
        assert.deepEqual(workerGroups([resolveModel(CHAT_ARGS)]).map((g) => g.groupName), ["g6e-12xlarge"]);
    });

    it("modelPlacementGroup: a bundle per GPU with the group's mark, STRICT_PACK", () => {
        const groups = workerGroups([resolveModel(CHAT_ARGS), resolveModel(SMALL_ARGS)]);
        const tp4 = { "GPU": 1, "ray-vllm-eks-group-g6e-12xlarge-tp4": 1 };
        assert.deepEqual(modelPlacementGroup(resolveModel(CHAT_ARGS), groupOfModel(resolveModel(CHAT_ARGS), groups)), { bundles: [tp4, tp4, tp4, tp4], strategy: "STRICT_PACK" });
        assert.deepEqual(modelPlacementGroup(resolveModel(SMALL_ARGS), groupOfModel(resolveModel(SMALL_ARGS), groups)), { bundles: [{ "GPU": 1, "ray-vllm-eks-group-g6e-12xlarge-tp1": 1 }], strategy: "STRICT_PACK" });
        assert.throws(() => groupOfModel(resolveModel(EMBED_ARGS), groups), /model bge-m3 is on no worker group/);
    });

    it("the nodes' resources: a GPU group's mark one per GPU and its accelerator type; the CPU group's mark, which the ingress asks 0.001 of", () => {
        const [tp1] = workerGroups([resolveModel(CHAT_ARGS), resolveModel(SMALL_ARGS)]);
        assert.deepEqual(gpuGroupResources(tp1), { "ray-vllm-eks-group-g6e-12xlarge-tp1": 4, "accelerator_type:L40S": 1 });
        assert.deepEqual(cpuGroupResources(), { "ray-vllm-eks-group-cpu": 1 });
        assert.deepEqual(ingressDeploymentConfig(), { ray_actor_options: { resources: { "ray-vllm-eks-group-cpu": 0.001 } } });
    });

    it("rayStartResources: single-quoted JSON of whole quantities; refuses fractions and names the shell would break on", () => {
        assert.equal(rayStartResources({ "ray-vllm-eks-group-g6-xlarge": 1, "accelerator_type:L4": 1 }), `'{"ray-vllm-eks-group-g6-xlarge":1,"accelerator_type:L4":1}'`);
        assert.throws(() => rayStartResources({ mark: 0.5 }), /Ray node resource mark = 0.5: a node advertises whole, non-negative quantities/);
        assert.throws(() => rayStartResources({ "it's": 1 }), /Ray node resource name "it's": use letters, digits/);
    });

    it("cpuCores: cores and millicores", () => {
        assert.deepEqual(["2", "1.5", "1500m", "500m", ".5", "two", "2Gi", ""].map(cpuCores), [2, 1.5, 1.5, 0.5, 0.5, undefined, undefined, undefined]);
    });
});

describe("rayStartParams.resources, as the KubeRay 1.7 operator and Ray's autoscaler read it", () => {
    const { model: _m, ...defaults } = vllmServiceDefaults;
    let spec: any;
    let groups: any[];
    before(() => {
        spec = rayServiceSpec({ ...defaults } as ResolvedServiceArgs, [resolveModel(CHAT_ARGS), resolveModel(SMALL_ARGS), resolveModel(EMBED_ARGS)], undefined);
        groups = spec.rayClusterConfig.workerGroupSpecs;
    });

    it("both parse every group's resources to the same whole quantities", () => {
        const expected: Record<string, Record<string, number>> = {
            "cpu": { "ray-vllm-eks-group-cpu": 1 },
            "g6e-12xlarge-tp1": { "ray-vllm-eks-group-g6e-12xlarge-tp1": 4, "accelerator_type:L40S": 1 },
            "g6e-12xlarge-tp4": { "ray-vllm-eks-group-g6e-12xlarge-tp4": 4, "accelerator_type:L40S": 1 },
            "g6-xlarge": { "ray-vllm-eks-group-g6-xlarge": 1, "accelerator_type:L4": 1 },
        };
        assert.deepEqual(groups.map((g) => g.groupName), Object.keys(expected));
        for (const g of groups) {
            assert.deepEqual(kubeRayResourcesMap(g.rayStartParams), expected[g.groupName], `KubeRay reads ${g.groupName}`);
            assert.deepEqual(autoscalerCustomResources(g.rayStartParams), expected[g.groupName], `the autoscaler reads ${g.groupName}`);
            assert.equal(kubeRayGroupError(g.groupName, g), undefined);
        }
        assert.equal(kubeRayGroupError("Head", spec.rayClusterConfig.headGroupSpec), undefined);
    });

    it("the operator adds --num-gpus and logs no error; through bash, ray start gets the JSON", () => {
        const tp4 = groups.find((g) => g.groupName === "g6e-12xlarge-tp4");
        const start = kubeRayStartParams(tp4);
        assert.deepEqual(start, {
            params: { "resources": `'{"ray-vllm-eks-group-g6e-12xlarge-tp4":4,"accelerator_type:L40S":1}'`, "num-cpus": "47", "memory": "377062686720", "num-gpus": "4" },
            errors: [],
        });
        assert.deepEqual(shellWords(convertParamMap(start.params)), [
            "--memory=377062686720", "--num-cpus=47", "--num-gpus=4", `--resources={"ray-vllm-eks-group-g6e-12xlarge-tp4":4,"accelerator_type:L40S":1}`,
        ]);
        assert.deepEqual(autoscalerNodeType(tp4, false), {
            min_workers: 1,
            max_workers: 3,
            resources: { "CPU": 47, "GPU": 4, "memory": 377062686720, "ray-vllm-eks-group-g6e-12xlarge-tp4": 4, "accelerator_type:L40S": 1 },
            labels: {},
        });
    });

    it("the backslash-escaped form fails the operator (no --num-gpus), though the autoscaler reads it", () => {
        const escaped = { rayStartParams: { resources: '"{\\"accelerator_type:L40S\\":1}"' }, template: { spec: { containers: [{ resources: { limits: { "nvidia.com/gpu": "4", "cpu": "47" } } }] } } };
        assert.throws(() => kubeRayResourcesMap(escaped.rayStartParams), /failed to unmarshal resources/);
        const start = kubeRayStartParams(escaped);
        assert.deepEqual(start.params, { "resources": '"{\\"accelerator_type:L40S\\":1}"', "num-cpus": "47" }, "no num-gpus");
        assert.equal(start.errors.length, 1);
        assert.match(start.errors[0], /^failed to add accelerator resources to rayStartParams: failed to get resources map from rayStartParams: failed to unmarshal resources /);
        assert.deepEqual(autoscalerCustomResources(escaped.rayStartParams), { "accelerator_type:L40S": 1 });
    });

    it("the autoscaler refuses a fraction and unquoted JSON, which the operator takes", () => {
        assert.deepEqual(kubeRayResourcesMap({ resources: `'{"mark":0.5}'` }), { mark: 0.5 });
        assert.throws(() => autoscalerCustomResources({ resources: `'{"mark":0.5}'` }), /AssertionError: resource mark of .* is not an int/);
        assert.deepEqual(kubeRayResourcesMap({ resources: `{"mark":1}` }), { mark: 1 });
        assert.throws(() => autoscalerCustomResources({ resources: `{"mark":1}` }), /JSONDecodeError/);
    });

    it("the autoscaler reads neither a group's top-level resources nor its labels (KubeRay 1.7 passes them to the node)", () => {
        const group = { groupName: "g", minReplicas: 0, maxReplicas: 1, resources: { mark: "4" }, labels: { "ray-vllm-eks/group": "g" }, rayStartParams: {}, template: { spec: { containers: [{ resources: { limits: { cpu: "4" } } }] } } };
        assert.deepEqual(kubeRayStartParams(group).params, { "resources": `'{"mark":4}'`, "labels": "ray-vllm-eks/group=g", "num-cpus": "4" });
        assert.deepEqual(autoscalerNodeType(group, false), { min_workers: 0, max_workers: 1, resources: { CPU: 4 }, labels: {} });
        assert.equal(kubeRayGroupError("g", { ...group, rayStartParams: { labels: "a=b" } }), "rayStartParams['labels'] is not supported for g group; please use the top-level Labels field instead");
    });

    it("pythonJsonLoads keeps Python's int and float apart", () => {
        assert.deepEqual(pythonJsonLoads(`{"a": 4, "b": 4.0, "c": 1e2, "d": [true, null, "x"]}`), {
            a: { int: true, value: 4 }, b: { int: false, value: 4 }, c: { int: false, value: 100 }, d: [true, null, "x"],
        });
    });
});

