/**
 * Checks Helm values against a chart's default values.yaml in ../shared/charts: Helm ignores a
 * key the chart does not read, so a misspelt or misplaced key would be silently dropped.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

import { findSharedDir } from "./conformance";

/** The folder of the upstream charts' defaults, or undefined (tests then skip with a reason). */
export function findChartsDir(): string | undefined {
    const shared = findSharedDir();
    const dir = shared && path.join(shared, "charts");
    return dir && fs.existsSync(dir) ? dir : undefined;
}

/** The charts' folder for a suite's `before` hook; without it, the suite is skipped with the reason printed. */
export function chartsDirOrSkip(suite: Mocha.Context): string {
    const dir = findChartsDir();
    if (!dir) {
        console.log("    skipped: ../shared/charts not found (set RAY_VLLM_EKS_SHARED to the folder holding charts/)");
        suite.skip();
    }
    return dir!;
}

/** A chart's default values. */
export function chartDefaults(chartsDir: string, chart: string): Record<string, unknown> {
    return YAML.parse(fs.readFileSync(path.join(chartsDir, chart, "values.yaml"), "utf8")) as Record<string, unknown>;
}

/** The chart's version in its Chart.yaml. */
export function chartVersion(chartsDir: string, chart: string): string {
    return String((YAML.parse(fs.readFileSync(path.join(chartsDir, chart, "Chart.yaml"), "utf8")) as { version: unknown }).version);
}

function isMap(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * The dotted paths of `values` that the chart's defaults do not have. Below a default that is
 * an empty map (`resources: {}`, `podLabels: {}`) or a list, any content is the user's own.
 * `opaque` lists paths taken as they are, each for a reason the test states: a key the chart reads
 * but documents only in a comment of values.yaml, or a map its templates render whole (toYaml).
 */
export function unknownValueKeys(values: Record<string, unknown>, defaults: Record<string, unknown>, opaque: string[] = [], prefix = ""): string[] {
    const unknown: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        const at = prefix ? `${prefix}.${key}` : key;
        if (opaque.includes(at)) {
            continue;
        }
        if (!(key in defaults)) {
            unknown.push(at);
            continue;
        }
        const def = defaults[key];
        if (isMap(value) && isMap(def) && Object.keys(def).length > 0) {
            unknown.push(...unknownValueKeys(value, def, opaque, at));
        }
    }
    return unknown;
}
