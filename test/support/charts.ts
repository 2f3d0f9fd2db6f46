/**
 * Checks Helm values against a chart's default values.yaml, vendored in test/data/upstream/charts:
 * Helm ignores a key the chart does not read, so a misspelt or misplaced key would be silently dropped.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

import { upstreamPath } from "./upstream";

/**
 * The folder of the vendored charts, for a suite's `before` hook, after checking that each of
 * `charts` has its Chart.yaml and values.yaml there: a missing one fails the suite, or skips it
 * with RAY_VLLM_EKS_SKIP_UPSTREAM=1 (test/support/upstream.ts).
 */
export function upstreamChartsDir(ctx: Mocha.Context, charts: string[]): string {
    for (const chart of charts) {
        upstreamPath(ctx, "charts", chart, "Chart.yaml");
        upstreamPath(ctx, "charts", chart, "values.yaml");
    }
    return upstreamPath(ctx, "charts");
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
