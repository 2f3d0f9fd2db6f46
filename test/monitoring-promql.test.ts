import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";

import { parsePromQL, substituteGrafanaVariables } from "./support/promql";

import { DASHBOARDS, METRICS, monitoringDefaults, prometheusRuleSpec } from "../components/monitoring";

interface MetricNames {
    sources: Record<string, string>;
    metrics: Record<string, string>;
}
const KNOWN = JSON.parse(fs.readFileSync(path.join(__dirname, "data", "metric-names.json"), "utf8")) as MetricNames;

/** Every PromQL expression MonitoringStack renders, named by where it is. */
function expressions(): { where: string; expr: string }[] {
    const found: { where: string; expr: string }[] = [];
    for (const group of prometheusRuleSpec(monitoringDefaults, "monitoring/monitoring-ray").groups) {
        for (const rule of group.rules) {
            found.push({ where: `alert ${rule.alert}`, expr: rule.expr });
        }
    }
    for (const dashboard of DASHBOARDS) {
        for (const panel of dashboard.panels) {
            panel.queries.forEach((q, i) => found.push({ where: `dashboard ${dashboard.uid} panel "${panel.title}" query ${i + 1}`, expr: substituteGrafanaVariables(q.expr) }));
        }
    }
    return found;
}

describe("PromQL of the alerts and dashboards", () => {
    it("the parser finds syntax errors and wrong argument types (the check itself)", () => {
        assert.deepEqual(parsePromQL("sum(rate(foo[5m])"), { errors: ["syntax error: unexpected end of input"], metrics: ["foo"] });
        assert.deepEqual(parsePromQL("rate(foo)").errors, [`type error: argument 1 of rate() must be a range vector: "foo"`]);
        assert.deepEqual(parsePromQL("sum(foo[5m])").errors, [`type error: argument 1 of sum() must not be a range vector: "foo[5m]"`]);
        assert.deepEqual(parsePromQL("foo[5m] > 1").errors, [`type error: argument 1 of a binary operator must not be a range vector: "foo[5m]"`]);
        assert.equal(parsePromQL("sum by le (x)").errors.length > 0, true);
        assert.equal(parsePromQL("rate(x[$__rate_interval])").errors.length > 0, true, "Grafana variables are not PromQL");
        assert.deepEqual(parsePromQL(`a{__name__="b"} / on (x) group_left c:d_total`), { errors: [], metrics: ["a", "b", "c:d_total"] });
    });

    it("every expression parses", () => {
        const all = expressions();
        assert.equal(all.length, 9 + 23);
        const failures = all.flatMap(({ where, expr }) => parsePromQL(expr).errors.map((e) => `${where}: ${e} in ${expr}`));
        assert.deepEqual(failures, []);
    });

    it("every metric name is one the exporters export, from a documented source", () => {
        const unknown = expressions().flatMap(({ where, expr }) => parsePromQL(expr).metrics.filter((m) => !(m in KNOWN.metrics)).map((m) => `${where}: ${m}`));
        assert.deepEqual(unknown, []);
        for (const [metric, source] of Object.entries(KNOWN.metrics)) {
            assert.ok(source in KNOWN.sources, `${metric} names a source that is listed`);
        }
        // Every metric the component names is used, and known.
        const used = new Set(expressions().flatMap(({ expr }) => parsePromQL(expr).metrics));
        assert.deepEqual(Object.values(METRICS).filter((m) => !used.has(m)), ["ray_serve_deployment_replica_starts_total"].filter((m) => !used.has(m)));
        assert.deepEqual(Object.values(METRICS).filter((m) => !(m in KNOWN.metrics)), []);
    });

    it("never uses names that do not exist (a vLLM ':' name, a removed GCS metric, deprecated vLLM gauges)", () => {
        const used = expressions().flatMap(({ expr }) => parsePromQL(expr).metrics);
        for (const wrong of ["ray_gcs_update_resource_usage_time_bucket", "ray_vllm_gpu_cache_usage_perc", "ray_vllm_time_per_output_token_seconds_bucket"]) {
            assert.equal(used.includes(wrong), false, wrong);
        }
        assert.deepEqual(used.filter((m) => m.includes(":")), []);
    });
});
