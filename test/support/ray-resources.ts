/**
 * What the KubeRay operator and Ray's autoscaler make of a RayCluster group's resources: test-only
 * re-implementations, written from the upstream source (cited per function), of the code that
 * reads `rayStartParams` and the Ray container's requests and limits. Their job is to catch a
 * group spec that one of the two readers cannot parse, or that they read differently.
 *
 * KubeRay: tag v1.7.0, ray-operator/controllers/ray/common/pod.go.
 * Ray: python/ray/autoscaler/_private/kuberay/autoscaling_config.py and
 * python/ray/_private/resource_and_label_spec.py, read on Ray's master branch (the image pins 2.56.0).
 */
import { execFileSync } from "child_process";

/** Go's strings.Trim: drops every leading and trailing character found in `cutset`. */
export function goTrim(s: string, cutset: string): string {
    let start = 0;
    let end = s.length;
    while (start < end && cutset.includes(s[start])) {
        start++;
    }
    while (end > start && cutset.includes(s[end - 1])) {
        end--;
    }
    return s.slice(start, end);
}

/**
 * A Kubernetes quantity as a number ("47", "500m", "359595Mi", "8Gi", "1e3"), as
 * resource.ParseQuantity and Ray's kuberay/utils.py `parse_quantity` read it; throws on anything else.
 */
export function parseQuantity(q: string): number {
    const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/.exec(q);
    if (!match) {
        throw new Error(`quantities must match the regular expression: ${JSON.stringify(q)}`);
    }
    const [, number, exponent, suffix] = match;
    const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
    const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
    const scale = exponent !== undefined ? 10 ** Number(exponent.slice(1)) : suffix === undefined ? 1 : binary[suffix] ?? decimal[suffix];
    return Number(number) * scale;
}

/** A quantity rounded up to a whole number: Go's Quantity.Value() and the autoscaler's `_round_up_k8s_quantity`. */
export function roundUpQuantity(q: string): number {
    // Round half-way artefacts of binary floating point ("0.1" * 1e3) before taking the ceiling.
    return Math.ceil(Math.round(parseQuantity(q) * 1e6) / 1e6);
}

// ---------------------------------------------------------------------------------------------
// KubeRay 1.7 (ray-operator/controllers/ray/common/pod.go, tag v1.7.0)
// ---------------------------------------------------------------------------------------------

/**
 * `getResourcesMap`: `rayStartParams.resources` with surrounding quotes, backticks and spaces
 * trimmed, unmarshalled as JSON into map[string]float64. Throws as the Go code returns an error.
 */
export function kubeRayResourcesMap(rayStartParams: Record<string, string>): Record<string, number> {
    const raw = rayStartParams.resources;
    if (raw === undefined) {
        return {};
    }
    const trimmed = goTrim(raw, "'\"` ");
    let parsed: unknown;
    try {
        parsed = JSON.parse(trimmed);
    } catch (e) {
        throw new Error(`failed to unmarshal resources ${(e as Error).message}`);
    }
    if (parsed === null) {
        return {};
    }
    if (typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new Error(`failed to unmarshal resources: json: cannot unmarshal ${Array.isArray(parsed) ? "array" : typeof parsed} into Go value of type map[string]float64`);
    }
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
        if (v === null) {
            out[k] = 0;
        } else if (typeof v !== "number") {
            throw new Error(`failed to unmarshal resources: json: cannot unmarshal ${typeof v} into Go struct field of type float64`);
        } else {
            out[k] = v;
        }
    }
    return out;
}

/**
 * The operator's checks of one group's resources and labels (ray-operator/controllers/ray/utils/
 * validation.go `validateRayGroupResources`, `validateRayGroupLabels`): resources in
 * `rayStartParams` and in the top-level `resources` are exclusive, and `rayStartParams.labels` is
 * refused (labels go in the top-level `labels`). Returns the error, or undefined.
 */
export function kubeRayGroupError(groupName: string, group: any): string | undefined {
    const params: Record<string, string> = group.rayStartParams ?? {};
    const inParams = ["num-cpus", "num-gpus", "memory", "resources"].some((k) => (params[k] ?? "") !== "");
    if (inParams && Object.keys(group.resources ?? {}).length > 0) {
        return `resource fields should not be set in both rayStartParams and Resources for ${groupName} group; please use only one`;
    }
    if ("labels" in params) {
        return `rayStartParams['labels'] is not supported for ${groupName} group; please use the top-level Labels field instead`;
    }
    return undefined;
}

/** `utils.IsGPUResourceKey` (ray-operator/controllers/ray/utils/resources.go). */
export function isGpuResourceKey(key: string): boolean {
    return key.endsWith("gpu") || /nvidia\.com\/mig-\d+g\.\d+gb$/.test(key);
}

/** What the operator does to a group before `ray start`: the parameters it passes, and what it logs as an error. */
export interface KubeRayStart {
    params: Record<string, string>;
    errors: string[];
}

/**
 * The `ray start` parameters of a pod of a group, as KubeRay builds them: the group's top-level
 * `resources` and `labels` folded in (`updateRayStartParamsResources`, `updateRayStartParamsLabels`),
 * then `generateRayStartCommand`: `num-cpus` from the CPU limit (else the request), `memory` from
 * the memory limit, and `addWellKnownAcceleratorResources`, which adds `num-gpus` from the GPU
 * limit only if it could parse `resources` (on error it logs "failed to add accelerator resources
 * to rayStartParams" and adds nothing).
 */
export function kubeRayStartParams(group: any): KubeRayStart {
    const params: Record<string, string> = { ...(group.rayStartParams ?? {}) };
    const errors: string[] = [];
    const groupResources: Record<string, string> = group.resources ?? {};
    if (Object.keys(groupResources).length > 0) {
        const custom: Record<string, number> = {};
        for (const [name, quantity] of Object.entries(groupResources)) {
            const lower = name.toLowerCase();
            if (lower === "cpu") {
                params["num-cpus"] = String(roundUpQuantity(quantity));
            } else if (lower === "memory") {
                params.memory = String(roundUpQuantity(quantity));
            } else if (isGpuResourceKey(lower)) {
                params["num-gpus"] = String(roundUpQuantity(quantity));
            } else {
                custom[name] = parseQuantity(quantity);
            }
        }
        if (Object.keys(custom).length > 0) {
            // json.Marshal writes a map's keys sorted.
            params.resources = `'${JSON.stringify(Object.fromEntries(Object.entries(custom).sort(([a], [b]) => (a < b ? -1 : 1))))}'`;
        }
    }
    const labels: Record<string, string> = group.labels ?? {};
    if (Object.keys(labels).length > 0) {
        params.labels = Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(",");
    }
    const container = group.template?.spec?.containers?.[0] ?? {};
    const limits: Record<string, string> = container.resources?.limits ?? {};
    const requests: Record<string, string> = container.resources?.requests ?? {};
    if (params["num-cpus"] === undefined) {
        const cpu = limits.cpu !== undefined && parseQuantity(limits.cpu) !== 0 ? limits.cpu : requests.cpu;
        if (cpu !== undefined && parseQuantity(cpu) !== 0) {
            params["num-cpus"] = String(roundUpQuantity(cpu));
        }
    }
    if (params.memory === undefined && limits.memory !== undefined && parseQuantity(limits.memory) !== 0) {
        params.memory = String(roundUpQuantity(limits.memory));
    }
    if (Object.keys(limits).length > 0) {
        try {
            kubeRayResourcesMap(params);
            for (const key of Object.keys(limits).sort()) {
                if (params["num-gpus"] === undefined && isGpuResourceKey(key) && parseQuantity(limits[key]) !== 0) {
                    params["num-gpus"] = String(roundUpQuantity(limits[key]));
                }
            }
        } catch (e) {
            errors.push(`failed to add accelerator resources to rayStartParams: failed to get resources map from rayStartParams: ${(e as Error).message}`);
        }
    }
    return { params, errors };
}

/**
 * `convertParamMap`: the parameters as `ray start` flags, sorted, `--key=value` (a "true" value
 * as a bare `--key`, a "false" one dropped), into the container's `bash -c` command line.
 */
export function convertParamMap(params: Record<string, string>): string {
    const special = ["log-color", "include-dashboard", "include-log-monitor"];
    return Object.keys(params).sort().map((key) => {
        const value = params[key];
        if (["true", "false"].includes(value.toLowerCase()) && !special.includes(key)) {
            return value.toLowerCase() === "true" ? ` --${key} ` : "";
        }
        return ` --${key}=${value} `;
    }).join("");
}

/** The arguments `ray start` receives: the real bash splits and unquotes the operator's command line. */
export function shellWords(commandLine: string): string[] {
    const out = execFileSync("bash", ["-c", `printf '%s\\0' ${commandLine}`], { encoding: "utf8" });
    return out.split("\0").slice(0, -1);
}

// ---------------------------------------------------------------------------------------------
// Ray: `ray start` on the node, and the autoscaler reading the RayCluster
// ---------------------------------------------------------------------------------------------

/** Resource names a node may not declare in `--resources`. */
const RESERVED_RESOURCES = ["CPU", "GPU", "memory", "object_store_memory", "node:__internal_head__"];

/**
 * The resources a Ray node advertises, from its `ray start` arguments: `--num-cpus`, `--num-gpus`
 * (else the GPUs detected), `--memory`, `--resources` (JSON, its quantities whole and not
 * negative: `ResourceAndLabelSpec.to_resource_dict`), plus what Ray adds itself on a GPU node:
 * `accelerator_type:<type>` = 1 (`_resolve_accelerator_resources`) and on the head
 * `node:__internal_head__` = 1. Zero quantities are dropped, as `to_resource_dict` does.
 */
export function rayNodeResources(args: string[], detected: { gpus: number; acceleratorType?: string; head: boolean }): Record<string, number> {
    const flag = (name: string): string | undefined => {
        const arg = args.find((a) => a.startsWith(`--${name}=`));
        return arg === undefined ? undefined : arg.slice(name.length + 3);
    };
    const custom: Record<string, number> = {};
    const resources = flag("resources");
    if (resources !== undefined) {
        const parsed = JSON.parse(resources);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
            throw new Error(`--resources must be a JSON-serialized dictionary: ${resources}`);
        }
        for (const [k, v] of Object.entries(parsed)) {
            if (RESERVED_RESOURCES.includes(k)) {
                throw new Error(`--resources may not name ${k}`);
            }
            if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
                throw new Error(`Resource quantities must all be whole numbers. Violated by resource '${k}' in ${resources}.`);
            }
            custom[k] = v;
        }
    }
    const gpus = flag("num-gpus") !== undefined ? Number(flag("num-gpus")) : detected.gpus;
    const node: Record<string, number> = {
        ...custom,
        CPU: flag("num-cpus") !== undefined ? Number(flag("num-cpus")) : NaN,
        GPU: gpus,
        ...(flag("memory") !== undefined ? { memory: Number(flag("memory")) } : {}),
    };
    if (gpus > 0 && detected.acceleratorType !== undefined) {
        node[`accelerator_type:${detected.acceleratorType}`] = 1;
    }
    if (detected.head) {
        node["node:__internal_head__"] = 1;
    }
    if (Number.isNaN(node.CPU)) {
        throw new Error("this model needs --num-cpus: the operator always passes it from the container's CPU");
    }
    return Object.fromEntries(Object.entries(node).filter(([, v]) => v !== 0));
}

/** A JSON value as Python's json.loads makes it, numbers tagged int or float. */
type PyJson = null | boolean | string | { int: boolean; value: number } | PyJson[] | { [k: string]: PyJson };

/** Python's json.loads, keeping the int/float distinction JSON.parse loses ("4" is an int, "4.0" a float). */
export function pythonJsonLoads(text: string): PyJson {
    let i = 0;
    const ws = (): void => {
        while (i < text.length && " \t\n\r".includes(text[i])) {
            i++;
        }
    };
    const fail = (what: string): never => {
        throw new Error(`json.decoder.JSONDecodeError: ${what} (char ${i})`);
    };
    const value = (): PyJson => {
        ws();
        const c = text[i];
        if (c === "{") {
            i++;
            const obj: Record<string, PyJson> = {};
            ws();
            if (text[i] === "}") {
                i++;
                return obj;
            }
            for (;;) {
                ws();
                if (text[i] !== "\"") {
                    fail("Expecting property name enclosed in double quotes");
                }
                const key = value() as string;
                ws();
                if (text[i] !== ":") {
                    fail("Expecting ':' delimiter");
                }
                i++;
                obj[key] = value();
                ws();
                if (text[i] === ",") {
                    i++;
                    continue;
                }
                if (text[i] === "}") {
                    i++;
                    return obj;
                }
                fail("Expecting ',' delimiter");
            }
        }
        if (c === "[") {
            i++;
            const arr: PyJson[] = [];
            ws();
            if (text[i] === "]") {
                i++;
                return arr;
            }
            for (;;) {
                arr.push(value());
                ws();
                if (text[i] === ",") {
                    i++;
                    continue;
                }
                if (text[i] === "]") {
                    i++;
                    return arr;
                }
                fail("Expecting ',' delimiter");
            }
        }
        if (c === "\"") {
            // A string literal: up to the first unescaped quote; JSON.parse then rejects what Python would.
            let j = i + 1;
            while (j < text.length && text[j] !== "\"") {
                j += text[j] === "\\" ? 2 : 1;
            }
            if (j >= text.length) {
                fail("Unterminated string");
            }
            const literal = text.slice(i, j + 1);
            i = j + 1;
            return JSON.parse(literal) as string;
        }
        for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
            if (text.startsWith(word, i)) {
                i += word.length;
                return v;
            }
        }
        const num = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
        if (!num) {
            fail("Expecting value");
        }
        i += num![0].length;
        return { int: num![1] === undefined && num![2] === undefined, value: Number(num![0]) };
    };
    const v = value();
    ws();
    if (i !== text.length) {
        fail("Extra data");
    }
    return v;
}

/**
 * `_get_custom_resources`: drops the first and last characters of `rayStartParams.resources`,
 * removes every backslash, loads the rest as JSON and asserts a dict of str to int. An error is
 * raised (and stops the autoscaler's reading of the whole RayCluster).
 */
export function autoscalerCustomResources(rayStartParams: Record<string, string>): Record<string, number> {
    const raw = rayStartParams.resources;
    if (raw === undefined) {
        return {};
    }
    const loaded = pythonJsonLoads(raw.slice(1, -1).replace(/\\/g, ""));
    if (loaded === null || typeof loaded !== "object" || Array.isArray(loaded) || "int" in loaded) {
        throw new Error(`AssertionError: resources ${raw} is not a dict`);
    }
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(loaded)) {
        // Python's bool is an int.
        if (typeof v === "boolean") {
            out[k] = v ? 1 : 0;
        } else if (v !== null && typeof v === "object" && "int" in v && (v as { int: boolean }).int) {
            out[k] = (v as { value: number }).value;
        } else {
            throw new Error(`AssertionError: resource ${k} of ${raw} is not an int`);
        }
    }
    return out;
}

/** One node type of the autoscaler's config, from a group spec (`_node_type_from_group_spec`). */
export interface AutoscalerNodeType {
    min_workers: number;
    max_workers: number;
    resources: Record<string, number>;
    labels: Record<string, string>;
}

/**
 * `_node_type_from_group_spec` with `_get_ray_resources_from_group_spec`: CPU from `num-cpus`, else
 * the CPU limit, else the request (rounded up; an error when none); GPU from `num-gpus`, else the
 * first limit or request whose name ends in "gpu"; memory from `memory`, else the limit, else the
 * request; the custom resources of `_get_custom_resources`; labels only from `rayStartParams.labels`.
 */
export function autoscalerNodeType(group: any, isHead: boolean): AutoscalerNodeType {
    const params: Record<string, string> = group.rayStartParams ?? {};
    const k8s = group.template.spec.containers[0].resources ?? {};
    const limits: Record<string, string> = k8s.limits ?? {};
    const requests: Record<string, string> = k8s.requests ?? {};
    const groupName = isHead ? "headgroup" : group.groupName;
    let cpu: number;
    if (params["num-cpus"] !== undefined) {
        cpu = parseInt(params["num-cpus"], 10);
    } else if (limits.cpu !== undefined) {
        cpu = roundUpQuantity(limits.cpu);
    } else if (requests.cpu !== undefined) {
        cpu = roundUpQuantity(requests.cpu);
    } else {
        throw new Error(`Autoscaler failed to detect \`CPU\` resources for group ${groupName}.`);
    }
    let gpu: number | undefined;
    if (params["num-gpus"] !== undefined) {
        gpu = parseInt(params["num-gpus"], 10);
    } else {
        for (const [key, q] of [...Object.entries(limits), ...Object.entries(requests)]) {
            if (key.endsWith("gpu") && roundUpQuantity(q) > 0) {
                gpu = roundUpQuantity(q);
                break;
            }
        }
    }
    const memory = params.memory !== undefined ? parseInt(params.memory, 10)
        : limits.memory !== undefined ? roundUpQuantity(limits.memory)
            : requests.memory !== undefined ? roundUpQuantity(requests.memory) : undefined;
    const resources: Record<string, number> = { CPU: cpu };
    if (gpu !== undefined) {
        resources.GPU = gpu;
    }
    if (memory !== undefined) {
        resources.memory = memory;
    }
    Object.assign(resources, autoscalerCustomResources(params));
    const labels: Record<string, string> = {};
    for (const pair of (params.labels ?? "").split(",").filter((p) => p !== "")) {
        const [k, v] = pair.split("=");
        labels[k.trim()] = (v ?? "").trim();
    }
    return {
        min_workers: isHead ? 0 : group.minReplicas * (group.numOfHosts ?? 1),
        max_workers: isHead ? 0 : group.maxReplicas * (group.numOfHosts ?? 1),
        resources,
        labels,
    };
}
