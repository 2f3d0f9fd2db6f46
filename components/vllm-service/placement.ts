/**
 * Where Ray places a VllmRayService's work: each worker group carries a Ray custom resource of its
 * own, every placement-group bundle of a model asks for its group's resource, and Serve's OpenAI
 * ingress asks for the CPU group's. Pure builders: the RayService spec (index.ts) and the Serve
 * config (serve.ts) both take their placement from here.
 *
 * Why custom resources and not Ray node labels: KubeRay 1.7 refuses `rayStartParams.labels`
 * (ray-operator/controllers/ray/utils/validation.go `validateRayGroupLabels`, tag v1.7.0) and
 * takes labels only from the group's top-level `labels`, while the autoscaler's view of a
 * RayCluster reads a group's labels and resources only from `rayStartParams`
 * (ray python/ray/autoscaler/_private/kuberay/autoscaling_config.py `_get_labels_from_group_spec`,
 * `_get_ray_resources_from_group_spec`): a label or a top-level `resources` entry would be
 * invisible to the autoscaler, which could then not scale a group up from zero for the work that
 * needs it. A custom resource in `rayStartParams.resources` is read by both (see
 * `rayStartResources`).
 *
 * Ray paths cited here were read on Ray's master branch (the image pins 2.56.0); KubeRay's at tag v1.7.0.
 */
import { familyOfInstanceType, instanceSizeOf } from "../gpu-nodepool/catalog";
import type { ResolvedModel } from "./args";

/** The worker group of CPU-only pods on the system nodes (Serve's ingress). */
export const CPU_WORKER_GROUP = "cpu";

/**
 * The prefix of the Ray custom resource that marks a worker group's nodes. Letters, digits and
 * dashes only, like Ray's own `TPU-v4-16-head`: Ray reserves the `node:` and `accelerator_type:`
 * prefixes and the names CPU, GPU, memory and object_store_memory
 * (python/ray/_private/resource_and_label_spec.py `ResourceAndLabelSpec`), and the name is written
 * into a shell command line between single quotes (`rayStartResources`).
 */
export const GROUP_RESOURCE_PREFIX = "ray-vllm-eks-group-";

/** The Ray custom resource that marks the nodes of worker group `groupName`. */
export function groupResource(groupName: string): string {
    return `${GROUP_RESOURCE_PREFIX}${groupName}`;
}

/** The custom resource of the CPU group: Serve's OpenAI ingress asks for it. */
export const CPU_GROUP_RESOURCE = groupResource(CPU_WORKER_GROUP);

/**
 * The cores of a Kubernetes CPU quantity ("2", "1.5", "1500m"), or undefined when it is not one.
 * KubeRay gives Ray the container's CPU limit, else its request, rounded up, as `num-cpus`
 * (ray-operator/controllers/ray/common/pod.go `generateRayStartCommand`, tag v1.7.0).
 */
export function cpuCores(quantity: string): number | undefined {
    const match = /^(\d+(?:\.\d+)?|\.\d+)(m?)$/.exec(quantity);
    return match ? Number(match[1]) / (match[2] === "m" ? 1000 : 1) : undefined;
}

/**
 * How much of the CPU group's resource an ingress replica asks for. A CPU worker advertises 1, so
 * the resource is a mark, not a count: CPUs count the replicas. This is Ray Serve LLM's own idiom
 * for its `accelerator_type:<type>` hint (a node advertises 1, a bundle asks 0.001;
 * python/ray/llm/_internal/serve/engines/vllm/vllm_models.py `VLLMEngineConfig.placement_bundles`).
 */
export const CPU_GROUP_MARK_REQUEST = 0.001;

/**
 * Ray's placement strategy for a model replica's bundles: all on one node. The default, PACK, is
 * best effort and may split a tensor-parallel replica across nodes
 * (python/ray/util/placement_group.py `placement_group`).
 */
export const REPLICA_PLACEMENT_STRATEGY = "STRICT_PACK";

/** One worker group: the nodes of one accelerator instance type for the models of one tensor-parallel size. */
export interface WorkerGroup {
    groupName: string;
    /** The GPU instance type of its nodes, such as "g6e.12xlarge". */
    accelerator: string;
    gpusPerNode: number;
    /** GPUs per replica of every model on the group (vLLM's `tensor_parallel_size`). */
    tensorParallelSize: number;
    /** Replicas one node holds: gpusPerNode / tensorParallelSize. */
    replicasPerNode: number;
    /** The Ray custom resource that marks its nodes; each node advertises gpusPerNode of it. */
    resource: string;
    /** The names of the models on it. */
    models: string[];
    /** Pods (whole nodes) its models' minReplicas need. */
    minReplicas: number;
    /** Pods (whole nodes) its models' maxReplicas need. */
    maxReplicas: number;
}

/**
 * The worker groups: one per accelerator instance type, split by tensor-parallel size when the
 * models on one instance type differ in it ("g6e-12xlarge-tp1", "g6e-12xlarge-tp4"), each pod
 * taking a whole node.
 *
 * A group's replicas all take the same GPUs, so a node holds gpusPerNode / tp of them in whatever
 * order they come and go, and the nodes needed are ceil(replicas / replicasPerNode) exactly.
 * Models of different sizes on the same nodes would not pack exactly: Serve spreads replicas over
 * nodes with room (python/ray/serve/_private/deployment_scheduler.py
 * `SpreadDeploymentSchedulingPolicy`), and a 1-GPU replica left on a node keeps a 4-GPU replica
 * off it, so the nodes a mix needs depend on the order of scale-ups and scale-downs.
 */
export function workerGroups(models: ResolvedModel[]): WorkerGroup[] {
    const accelerators = [...new Set(models.map((m) => m.accelerator))];
    return accelerators.flatMap((accelerator) => {
        const gpusPerNode = instanceSizeOf(accelerator)!.gpus;
        const onAccelerator = models.filter((m) => m.accelerator === accelerator);
        const sizes = [...new Set(onAccelerator.map((m) => m.tensorParallelSize))].sort((a, b) => a - b);
        return sizes.map((tensorParallelSize) => {
            const on = onAccelerator.filter((m) => m.tensorParallelSize === tensorParallelSize);
            const groupName = accelerator.replace(/\./g, "-") + (sizes.length > 1 ? `-tp${tensorParallelSize}` : "");
            const replicasPerNode = gpusPerNode / tensorParallelSize;
            const nodes = (replicas: (m: ResolvedModel) => number): number => Math.ceil(on.reduce((sum, m) => sum + replicas(m), 0) / replicasPerNode);
            return {
                groupName,
                accelerator,
                gpusPerNode,
                tensorParallelSize,
                replicasPerNode,
                resource: groupResource(groupName),
                models: on.map((m) => m.name),
                minReplicas: nodes((m) => m.minReplicas),
                maxReplicas: nodes((m) => m.maxReplicas),
            };
        });
    });
}

/** The worker group a model lands on. */
export function groupOfModel(m: ResolvedModel, groups: WorkerGroup[]): WorkerGroup {
    const group = groups.find((g) => g.models.includes(m.name));
    if (group === undefined) {
        throw new Error(`model ${m.name} is on no worker group: compute the groups from the same models`);
    }
    return group;
}

/**
 * The Ray resources a worker group's nodes advertise beyond CPU, GPU and memory: the group's mark,
 * one unit per GPU (so a node's mark runs out exactly when its GPUs do), and the GPU's accelerator
 * type, which Serve LLM's bundles ask 0.001 of (declared so the autoscaler knows a group offers it
 * before any of its nodes exists; Ray also detects it on the node:
 * python/ray/_private/resource_and_label_spec.py `_resolve_accelerator_resources`).
 */
export function gpuGroupResources(g: WorkerGroup): Record<string, number> {
    return { [g.resource]: g.gpusPerNode, [`accelerator_type:${familyOfInstanceType(g.accelerator)!.rayAcceleratorType}`]: 1 };
}

/** The Ray resources a CPU worker advertises beyond CPU and memory: the CPU group's mark. */
export function cpuGroupResources(): Record<string, number> {
    return { [CPU_GROUP_RESOURCE]: 1 };
}

/**
 * `rayStartParams.resources` as both readers of it parse it: the JSON object between single quotes.
 *
 * - The KubeRay 1.7 operator trims quotes, backticks and spaces from both ends and unmarshals JSON
 *   into map[string]float64 (ray-operator/controllers/ray/common/pod.go `getResourcesMap`, tag
 *   v1.7.0); it writes this same form itself (`updateRayStartParamsResources`). A backslash-escaped
 *   string (`"{\"a\": 1}"`) fails there: the operator logs "failed to add accelerator resources to
 *   rayStartParams" and passes no `--num-gpus`.
 * - Ray's autoscaler drops the first and last characters, removes every backslash and loads JSON
 *   whose values must be integers (python/ray/autoscaler/_private/kuberay/autoscaling_config.py
 *   `_get_custom_resources`); an error there stops the autoscaler.
 * - The operator passes the value on as `--resources=<value>` in the container's shell command, so
 *   the shell removes the single quotes and `ray start` gets the JSON.
 *
 * Values must be whole numbers: the autoscaler asserts ints, and a Ray node's resource quantities
 * must be whole (python/ray/_private/resource_and_label_spec.py `to_resource_dict`).
 */
export function rayStartResources(resources: Record<string, number>): string {
    for (const [name, value] of Object.entries(resources)) {
        if (!Number.isInteger(value) || value < 0) {
            throw new Error(`Ray node resource ${name} = ${value}: a node advertises whole, non-negative quantities`);
        }
        if (!/^[A-Za-z0-9:_.-]+$/.test(name)) {
            throw new Error(`Ray node resource name ${JSON.stringify(name)}: use letters, digits, ":", "_", "." and "-" only (it is written between single quotes)`);
        }
    }
    return `'${JSON.stringify(resources)}'`;
}

/**
 * A model's Serve LLM `placement_group_config`: one bundle per GPU, each asking its group's mark,
 * all on one node (STRICT_PACK). Serve LLM validates it as {bundles, strategy} with bundles of
 * CPU (default 0), GPU (default 1) and any custom resource, adds its 0.001 accelerator-type hint to
 * each bundle, and adds the replica actor's own CPU to the first
 * (python/ray/llm/_internal/serve/engines/vllm/vllm_models.py `PlacementGroupConfig`,
 * `VLLMEngineConfig.placement_bundles`; python/ray/llm/_internal/serve/core/server/llm_server.py
 * `LLMServer.get_deployment_options`). Serve schedules a STRICT_PACK replica as the sum of its
 * bundles on one node (python/ray/serve/_private/deployment_scheduler.py
 * `ReplicaSchedulingRequest.required_resources`).
 */
export function modelPlacementGroup(m: ResolvedModel, group: WorkerGroup): { bundles: Record<string, number>[]; strategy: string } {
    return {
        bundles: Array.from({ length: m.tensorParallelSize }, () => ({ GPU: 1, [group.resource]: 1 })),
        strategy: REPLICA_PLACEMENT_STRATEGY,
    };
}

/**
 * `LLMServingArgs.ingress_deployment_config` (the ingress's Serve deployment options, merged over
 * `OpenAiIngress.get_deployment_options`; python/ray/llm/_internal/serve/core/ingress/builder.py
 * `build_openai_app`): the ingress replica asks for the CPU group's mark, so it runs only on the
 * CPU workers. Without it, it asks only Serve's default 1 CPU (python/ray/serve/_private/config.py
 * `ReplicaConfig`) and may land on any GPU node with a CPU free, keeping that node up for good.
 */
export function ingressDeploymentConfig(): Record<string, unknown> {
    return { ray_actor_options: { resources: { [CPU_GROUP_RESOURCE]: CPU_GROUP_MARK_REQUEST } } };
}
