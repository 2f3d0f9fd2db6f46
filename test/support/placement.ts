/**
 * A model of where Ray places a RayService's work, for tests: given the rendered RayService spec
 * and its Serve config, the resources each node type offers (to a running node and to the
 * autoscaler), the resources each replica asks for, where each can land, how many fit on a node,
 * and how many nodes a set of replicas takes when they arrive in a given order. Written from Ray's
 * rules as its source states them (master branch; the image pins 2.56.0; cited per function), not
 * from the code under test.
 */
import * as YAML from "yaml";

import { autoscalerNodeType, convertParamMap, kubeRayStartParams, rayNodeResources, shellWords } from "./ray-resources";

/** Ray's accelerator type of the GPU in each instance family (ray python/ray/util/accelerators/accelerators.py). */
const RAY_ACCELERATOR_TYPE: Record<string, string> = { g5: "A10G", g6: "L4", g6e: "L40S", p4d: "A100-40G", p4de: "A100-80G", p5: "H100", p5e: "H200", p5en: "H200" };

/** Ray's resource quantities are fixed-point with four decimals (src/ray/common/scheduling/fixed_point.h). */
const RESOLUTION = 10000;
const fixed = (x: number): number => Math.round(x * RESOLUTION);

export type Resources = Record<string, number>;

/** One kind of Ray node: the head, or the pods of one worker group. */
export interface NodeType {
    name: string;
    head: boolean;
    minWorkers: number;
    maxWorkers: number;
    /** What a node of this type advertises once `ray start` ran (KubeRay's command line, through bash). */
    resources: Resources;
    /** What the autoscaler believes a node of this type will advertise (it scales up on this). */
    autoscalerResources: Resources;
    labels: Record<string, string>;
    /** Errors the KubeRay operator logs while building the pod's `ray start`. */
    operatorErrors: string[];
}

/** The node types of a RayCluster spec (`rayClusterConfig`). */
export function nodeTypes(cluster: any): NodeType[] {
    const of = (group: any, head: boolean): NodeType => {
        const start = kubeRayStartParams(group);
        const args = shellWords(convertParamMap(start.params));
        const limits = group.template.spec.containers[0].resources?.limits ?? {};
        const gpus = Number(limits["nvidia.com/gpu"] ?? 0);
        const instanceType: string | undefined = group.template.spec.nodeSelector?.["node.kubernetes.io/instance-type"];
        const acceleratorType = instanceType === undefined ? undefined : RAY_ACCELERATOR_TYPE[instanceType.split(".")[0]];
        const scaler = autoscalerNodeType(group, head);
        return {
            name: head ? "headgroup" : group.groupName,
            head,
            minWorkers: scaler.min_workers,
            maxWorkers: scaler.max_workers,
            resources: rayNodeResources(args, { gpus, acceleratorType, head }),
            autoscalerResources: scaler.resources,
            labels: { ...(group.labels ?? {}) },
            operatorErrors: start.errors,
        };
    };
    return [of(cluster.headGroupSpec, true), ...cluster.workerGroupSpecs.map((g: any) => of(g, false))];
}

/** Sums resource dicts key by key. */
export function addResources(...all: Resources[]): Resources {
    const out: Resources = {};
    for (const r of all) {
        for (const [k, v] of Object.entries(r)) {
            out[k] = (out[k] ?? 0) + v;
        }
    }
    return out;
}

/** Serve's `Resources.can_fit` (python/ray/serve/_private/deployment_scheduler.py): every asked quantity is offered (absent = 0). */
export function canFit(offer: Resources, need: Resources): boolean {
    return Object.entries(need).every(([k, v]) => fixed(offer[k] ?? 0) >= fixed(v));
}

/** How many copies of `need` fit in `offer`. */
export function copiesThatFit(offer: Resources, need: Resources): number {
    const asked = Object.entries(need).filter(([, v]) => fixed(v) > 0);
    if (asked.length === 0) {
        return Infinity;
    }
    return Math.min(...asked.map(([k, v]) => Math.floor(fixed(offer[k] ?? 0) / fixed(v))));
}

/** One Serve deployment as Ray schedules its replicas. */
export interface Workload {
    name: string;
    /** The placement group's bundles, in Ray's form; a replica without one has a single "bundle": its actor's resources. */
    bundles: Resources[];
    /** The placement strategy ("STRICT_PACK", "PACK", ...), or undefined without a placement group. */
    strategy?: string;
    minReplicas: number;
    maxReplicas: number;
}

/** A replica that may not split across nodes: no placement group, one bundle, or STRICT_PACK. */
export function staysOnOneNode(w: Workload): boolean {
    return w.strategy === undefined || w.bundles.length === 1 || w.strategy === "STRICT_PACK";
}

/**
 * What one replica needs from a single node: its bundles summed when they must share a node
 * (`ReplicaSchedulingRequest.required_resources`), else its largest bundle alone.
 */
export function onOneNode(w: Workload): Resources {
    return staysOnOneNode(w) ? addResources(...w.bundles) : w.bundles[0];
}

function autoscaling(deploymentConfig: any): { min?: number; max?: number } {
    const a = deploymentConfig?.autoscaling_config ?? {};
    return { min: a.min_replicas, max: a.max_replicas };
}

function actorResources(rayActorOptions: any): Resources {
    // Serve's replica default is 1 CPU (python/ray/serve/_private/config.py `ReplicaConfig`).
    const o = rayActorOptions ?? {};
    return { CPU: o.num_cpus ?? 1, GPU: o.num_gpus ?? 0, ...(o.resources ?? {}), ...(o.memory !== undefined ? { memory: o.memory } : {}) };
}

/**
 * A model's replicas as Serve LLM asks Ray for them (python/ray/llm/_internal/serve):
 * `VLLMEngineConfig.placement_bundles` takes `placement_group_config.bundles` through
 * `BundleConfig` (CPU defaults to 0, GPU to 1, other resources kept) or, without one, one
 * {GPU: 1} bundle per tensor-parallel GPU; adds `accelerator_type:<type>`: 0.001 to each bundle
 * that has none; `placement_strategy` is the config's strategy, default PACK; and
 * `LLMServer.get_deployment_options` adds the replica actor's own resources (1 CPU by default) to
 * the first bundle.
 */
export function modelWorkload(llmConfig: any): Workload {
    const tp = (llmConfig.engine_kwargs?.tensor_parallel_size ?? 1) * (llmConfig.engine_kwargs?.pipeline_parallel_size ?? 1);
    const pg = llmConfig.placement_group_config;
    let bundles: Resources[] = pg
        ? pg.bundles.map((b: Resources) => ({ CPU: 0, GPU: 1, ...b }))
        : Array.from({ length: tp }, () => ({ GPU: 1 }));
    if (llmConfig.accelerator_type) {
        const hint = `accelerator_type:${llmConfig.accelerator_type}`;
        bundles = bundles.map((b) => (hint in b ? b : { ...b, [hint]: 0.001 }));
    }
    const actor = actorResources(llmConfig.deployment_config?.ray_actor_options);
    bundles = [addResources(bundles[0], actor), ...bundles.slice(1)];
    const { min, max } = autoscaling(llmConfig.deployment_config);
    return {
        name: llmConfig.model_loading_config.model_id,
        bundles,
        strategy: pg?.strategy ?? "PACK",
        minReplicas: min ?? 1,
        maxReplicas: max ?? 1,
    };
}

/**
 * The OpenAI ingress as `build_openai_app` deploys it (python/ray/llm/_internal/serve/core/ingress):
 * `ingress_deployment_config` over `OpenAiIngress.get_deployment_options`, which sets
 * `min_replicas` 0 when every model has `min_replicas` 0; Serve's AutoscalingConfig defaults to 1
 * and 1 (python/ray/serve/config.py); no placement group.
 */
export function ingressWorkload(args: any): Workload {
    const options = args.ingress_deployment_config ?? {};
    const configs: any[] = args.llm_configs;
    const allScaleToZero = configs.length > 0 && configs.every((c) => autoscaling(c.deployment_config).min === 0);
    const { min, max } = autoscaling(options);
    return {
        name: "ingress",
        bundles: [actorResources(options.ray_actor_options)],
        minReplicas: min ?? (allScaleToZero ? 0 : 1),
        maxReplicas: max ?? 1,
    };
}

/** A RayService's placement problem: its node types and its Serve deployments. */
export interface Placement {
    nodeTypes: NodeType[];
    models: Workload[];
    ingress: Workload;
    proxyLocation: string;
}

/** The placement problem of a rendered RayService spec (`rayServiceSpec`'s output, or a plan's inputs). */
export function placementOf(spec: any): Placement {
    const serve = YAML.parse(spec.serveConfigV2);
    if (serve.applications.length !== 1) {
        throw new Error("this model knows one Serve LLM application");
    }
    const { args } = serve.applications[0];
    return {
        nodeTypes: nodeTypes(spec.rayClusterConfig),
        models: args.llm_configs.map(modelWorkload),
        ingress: ingressWorkload(args),
        proxyLocation: serve.proxy_location ?? "EveryNode",
    };
}

/** The node types a workload's replica can be placed on: by the running nodes' resources, and by the autoscaler's view. */
export function whereItLands(p: Placement, w: Workload): { nodes: string[]; autoscaler: string[] } {
    const need = onOneNode(w);
    if (!staysOnOneNode(w)) {
        // Bundles may split: every type that fits any bundle.
        const any = (view: (t: NodeType) => Resources): string[] => p.nodeTypes.filter((t) => w.bundles.some((b) => canFit(view(t), b))).map((t) => t.name);
        return { nodes: any((t) => t.resources), autoscaler: any((t) => t.autoscalerResources) };
    }
    return {
        nodes: p.nodeTypes.filter((t) => canFit(t.resources, need)).map((t) => t.name),
        autoscaler: p.nodeTypes.filter((t) => canFit(t.autoscalerResources, need)).map((t) => t.name),
    };
}

/** Replicas of a workload one node of a type holds. */
export function replicasPerNode(p: Placement, w: Workload, nodeType: string): number {
    return copiesThatFit(p.nodeTypes.find((t) => t.name === nodeType)!.resources, onOneNode(w));
}

/**
 * How a scheduler picks among nodes with room: "spread" the one with most free GPUs then CPUs
 * (Serve's default `SpreadDeploymentSchedulingPolicy`), "pack" the one with least (Serve's compact
 * scheduling, and the GCS's best fit for a STRICT_PACK group).
 */
export type Policy = "spread" | "pack";

interface SimNode {
    type: NodeType;
    free: Resources;
    replicas: string[];
}

/** A step of a scenario: a replica of a workload comes (+) or goes (-). */
export type Step = { add: string } | { remove: string };

/**
 * Plays a scenario: each new replica goes to a node with room (by the policy), and when none has
 * room a node is added, of the one type that fits it (as the autoscaler adds one); a replica that
 * goes frees its node's resources, and the node stays (a node is only removed when idle, which
 * the scenario does not wait for). Returns the most nodes of each type up at once.
 */
export function simulate(p: Placement, steps: Step[], policy: Policy): Record<string, number> {
    const byName = new Map([...p.models, p.ingress].map((w) => [w.name, w]));
    const nodes: SimNode[] = [];
    const peak: Record<string, number> = {};
    const order = (a: SimNode, b: SimNode): number => {
        const key = (n: SimNode): [number, number] => [n.free.GPU ?? 0, n.free.CPU ?? 0];
        const [x, y] = [key(a), key(b)];
        const d = x[0] !== y[0] ? x[0] - y[0] : x[1] - y[1];
        return policy === "spread" ? -d : d;
    };
    for (const step of steps) {
        if ("add" in step) {
            const w = byName.get(step.add)!;
            const need = onOneNode(w);
            const room = nodes.filter((n) => canFit(n.free, need)).sort(order);
            let node = room[0];
            if (node === undefined) {
                const fits = p.nodeTypes.filter((t) => !t.head && canFit(t.autoscalerResources, need));
                if (fits.length !== 1) {
                    throw new Error(`${w.name}: ${fits.length} node types could take it (${fits.map((t) => t.name).join(", ")})`);
                }
                node = { type: fits[0], free: { ...fits[0].resources }, replicas: [] };
                nodes.push(node);
                const up = nodes.filter((n) => n.type === fits[0]).length;
                peak[fits[0].name] = Math.max(peak[fits[0].name] ?? 0, up);
            }
            for (const [k, v] of Object.entries(need)) {
                node.free[k] = (node.free[k] ?? 0) - v;
            }
            node.replicas.push(w.name);
        } else {
            const w = byName.get(step.remove)!;
            const node = [...nodes].reverse().find((n) => n.replicas.includes(w.name));
            if (node === undefined) {
                throw new Error(`no replica of ${w.name} to remove`);
            }
            node.replicas.splice(node.replicas.lastIndexOf(w.name), 1);
            for (const [k, v] of Object.entries(onOneNode(w))) {
                node.free[k] = (node.free[k] ?? 0) + v;
            }
        }
    }
    return peak;
}

/** Scenarios that bring every model to `count(w)` replicas: one model after another, in both orders, and interleaved. */
export function scaleUpOrders(models: Workload[], count: (w: Workload) => number): Step[][] {
    const one = (ws: Workload[]): Step[] => ws.flatMap((w) => Array.from({ length: count(w) }, () => ({ add: w.name })));
    const interleaved: Step[] = [];
    for (let i = 0; i < Math.max(0, ...models.map(count)); i++) {
        for (const w of models) {
            if (i < count(w)) {
                interleaved.push({ add: w.name });
            }
        }
    }
    return [one(models), one([...models].reverse()), interleaved];
}

/**
 * The nodes of each type that `count` replicas of every model take, if every order and policy
 * agrees; throws with the disagreement when the count depends on them (then no min or max of a
 * worker group is exact).
 */
export function nodesNeeded(p: Placement, count: (w: Workload) => number): Record<string, number> {
    const runs = scaleUpOrders(p.models, count).flatMap((steps) => (["spread", "pack"] as const).map((policy) => simulate(p, steps, policy)));
    const seen = [...new Set(runs.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort()))))];
    if (seen.length !== 1) {
        throw new Error(`the nodes needed depend on the order and policy: ${seen.join(" vs ")}`);
    }
    return JSON.parse(seen[0]);
}

/** The node types that run a Serve proxy: the head, and with "EveryNode" every type that hosts a replica. */
export function proxyNodeTypes(p: Placement): string[] {
    const head = p.nodeTypes.filter((t) => t.head).map((t) => t.name);
    if (p.proxyLocation === "HeadOnly") {
        return head;
    }
    if (p.proxyLocation === "Disabled") {
        return [];
    }
    const hosting = new Set([p.ingress, ...p.models].flatMap((w) => whereItLands(p, w).nodes));
    return p.nodeTypes.filter((t) => t.head || hosting.has(t.name)).map((t) => t.name);
}
