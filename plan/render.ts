import * as fs from "fs";
import * as path from "path";
import { PlannedResource, PlanResult } from "./engine";
import { Finding } from "./findings";
import { autoName } from "./mocks";
import { portableYaml } from "./portable-yaml";

export const HELM_RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";
/** Helm charts Pulumi's provider renders (a component: its objects are not the program's). */
export const HELM_CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

/** A Kubernetes object the program declares, as it would be sent to the API server. */
export interface KubernetesObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; [key: string]: unknown };
    [key: string]: unknown;
}

/** True for resources that are Kubernetes objects (not providers, components or Helm releases). */
export function isKubernetesObject(r: PlannedResource): boolean {
    return r.custom && r.type.startsWith("kubernetes:") && r.type !== HELM_RELEASE_TYPE;
}

/** The object a Kubernetes resource declares, with the name the provider would give it when it has none. */
export function toKubernetesObject(r: PlannedResource): KubernetesObject {
    const { apiVersion, kind, metadata, ...rest } = r.inputs as Record<string, unknown>;
    const meta = { ...((metadata as Record<string, unknown> | undefined) ?? {}) };
    meta.name ??= autoName(r.type, r.name);
    return { apiVersion: String(apiVersion), kind: String(kind), metadata: meta as KubernetesObject["metadata"], ...rest };
}

/** Every Kubernetes object of a plan, in URN order. */
export function kubernetesObjects(plan: PlanResult): KubernetesObject[] {
    return plan.resources.filter(isKubernetesObject).map(toKubernetesObject);
}

function manifestFileName(o: KubernetesObject): string {
    const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["core", o.apiVersion];
    const parts = [group, version, o.kind, o.metadata.namespace, o.metadata.name].filter((p): p is string => !!p);
    return `${parts.join("_").replace(/[^A-Za-z0-9_.-]/g, "-")}.yaml`;
}

/**
 * What the real engine or API server would refuse although each resource is valid on its own:
 * two resources declaring the same Kubernetes object, or the same Helm release.
 */
export function collisions(plan: PlanResult): string[] {
    const owners = new Map<string, string[]>();
    const claim = (key: string, r: PlannedResource): void => {
        owners.set(key, [...(owners.get(key) ?? []), r.name]);
    };
    for (const r of plan.resources.filter(isKubernetesObject)) {
        const o = toKubernetesObject(r);
        claim(`Kubernetes object ${o.apiVersion} ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`, r);
    }
    for (const r of plan.resources.filter((x) => x.type === HELM_RELEASE_TYPE || x.type === HELM_CHART_TYPE)) {
        const { name, namespace } = r.inputs as { name?: string; namespace?: string };
        claim(`Helm release ${namespace ?? "default"}/${name ?? r.name}`, r);
    }
    return [...owners.entries()]
        .filter(([, names]) => names.length > 1)
        .map(([what, names]) => `${what} is declared by ${names.length} resources (${names.join(", ")}): only one can own it; rename one, or turn the duplicate off.`);
}

/** The files and folders the plan writes in its output folder; nothing else there is touched. */
export const PLAN_OUTPUTS = ["plan.json", "manifests", "helm"] as const;

/** Removes what the plan writes in `outDir` (PLAN_OUTPUTS), and nothing else. */
export function clearPlan(outDir: string): void {
    for (const entry of PLAN_OUTPUTS) {
        fs.rmSync(path.join(outDir, entry), { recursive: true, force: true });
    }
}

/**
 * Writes plan.json (with the policy pack's `findings`, the `cost` estimate and the `package` the program loaded, when given), manifests/ and helm/ (one file
 * per Helm release or chart) under `outDir`, replacing only those, and returns the files written.
 * The YAML reads the same in YAML 1.1 readers (kubectl, Helm) as in 1.2 ones (see portable-yaml.ts).
 */
export function writePlan(plan: PlanResult, outDir: string, findings?: Finding[], cost?: unknown, pkg?: unknown): string[] {
    clearPlan(outDir);
    fs.mkdirSync(path.join(outDir, "manifests"), { recursive: true });
    const written: string[] = [];
    const write = (file: string, text: string): void => {
        const full = path.join(outDir, file);
        fs.mkdirSync(path.dirname(full), { recursive: true });
        fs.writeFileSync(full, text);
        written.push(full);
    };
    write("plan.json", `${JSON.stringify({ ...plan, ...(findings === undefined ? {} : { findings }), ...(cost === undefined ? {} : { cost }), ...(pkg === undefined ? {} : { package: pkg }) }, null, 2)}\n`);
    for (const o of kubernetesObjects(plan)) {
        write(path.join("manifests", manifestFileName(o)), portableYaml(o));
    }
    for (const r of plan.resources.filter((x) => x.type === HELM_RELEASE_TYPE || x.type === HELM_CHART_TYPE)) {
        const { chart, version, namespace, name, repositoryOpts, values } = r.inputs as Record<string, unknown>;
        const release = { name: name ?? r.name, namespace, chart, version, repositoryOpts, values };
        write(path.join("helm", `${namespace ?? "default"}_${release.name as string}.yaml`), portableYaml(release));
    }
    return written;
}

/** A table of resource counts by type, largest first, then by type. */
export function summarize(plan: PlanResult): string {
    const counts = new Map<string, number>();
    for (const r of plan.resources) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    const rows = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const width = Math.max(...rows.map(([t]) => t.length), 4);
    const lines = rows.map(([t, n]) => `  ${t.padEnd(width)}  ${String(n).padStart(3)}`);
    return [`  ${"TYPE".padEnd(width)}  ${"N".padStart(3)}`, ...lines, `  ${"total".padEnd(width)}  ${String(plan.resources.length).padStart(3)}`].join("\n");
}
