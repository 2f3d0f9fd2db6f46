import * as assert from "node:assert/strict";

import { chartDefaults, chartVersion, unknownValueKeys, upstreamChartsDir } from "./support/charts";

import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";

import { karpenterHelmValues } from "../components/cluster";
import { DEVICE_PLUGIN_VERSION, devicePluginValues, GPU_NODE_LABELS } from "../components/gpu-nodepool";
import { KUBERAY_VERSION, kubeRayDefaults, kubeRayValues } from "../components/kuberay";
import {
    DCGM_EXPORTER_VERSION,
    dcgmExporterValues,
    DCGM_METRICS_PORT,
    KUBE_PROMETHEUS_STACK_VERSION,
    kubePrometheusStackValues,
    monitoringDefaults,
} from "../components/monitoring";

/** Values with every Output resolved (builders may return Outputs inside). */
function resolved(values: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve) => pulumi.output(values).apply((v) => resolve(JSON.parse(JSON.stringify(v)))));
}

function chartFile(chartsDir: string, chart: string, file: string): string {
    return fs.readFileSync(path.join(chartsDir, chart, file), "utf8");
}

describe("unknownValueKeys (the check itself)", () => {
    it("finds a misplaced or misspelt key, and takes anything below an empty map or a list", () => {
        const defaults = { settings: { clusterName: "" }, controller: { resources: {} }, tolerations: [] };
        assert.deepEqual(
            unknownValueKeys({ settings: { clustername: "x" }, controller: { resources: { limits: { memory: "1Gi" } } }, tolerations: [{ key: "a" }], clusterName: "y" }, defaults),
            ["settings.clustername", "clusterName"],
        );
    });

    it("takes an opaque path as it is, and only that path", () => {
        const defaults = { grafana: { sidecar: {} as Record<string, unknown>, admin: { existingSecret: "" } } };
        const values = { grafana: { "grafana.ini": { security: {} }, admin: { existingSecret: "g", user: "x" } } };
        assert.deepEqual(unknownValueKeys(values, defaults, ["grafana.grafana.ini"]), ["grafana.admin.user"]);
        assert.deepEqual(unknownValueKeys(values, defaults), ["grafana.grafana.ini", "grafana.admin.user"]);
    });
});

describe("Helm values the components set exist in the upstream charts' defaults", function () {
    let chartsDir: string;

    before(function () {
        chartsDir = upstreamChartsDir(this, ["karpenter", "kuberay-operator", "nvidia-device-plugin", "kube-prometheus-stack", "grafana", "dcgm-exporter"]);
    });

    it("karpenter", () => {
        const values = karpenterHelmValues({ clusterName: "llm", region: "us-west-2", interruptionQueueName: "llm", controllerCpu: "1", controllerMemory: "1Gi" });
        const defaults = chartDefaults(chartsDir, "karpenter");
        assert.deepEqual(unknownValueKeys(values, defaults), []);
        // The two settings the controller cannot run without are really where the chart reads them.
        assert.equal((defaults.settings as Record<string, unknown>).clusterName, "");
        assert.equal((defaults.settings as Record<string, unknown>).interruptionQueue, "");
    });

    it("kuberay-operator", async () => {
        const values = await resolved(kubeRayValues({ ...kubeRayDefaults, watchNamespaces: ["llm"] }));
        const defaults = chartDefaults(chartsDir, "kuberay-operator");
        // watchNamespace: read by the deployment and configmap templates, documented only as a comment.
        // resources: rendered whole (toYaml), so requests may sit beside the default limits.
        assert.deepEqual(unknownValueKeys(values, defaults, ["watchNamespace", "resources"]), []);
        assert.match(chartFile(chartsDir, "kuberay-operator", "values.yaml"), /^# watchNamespace:$/m);
        assert.deepEqual(Object.keys(defaults.resources as object), ["limits"]);
        // A list replaces the chart's whole default list: ours must name every default gate.
        const gates = (defaults.featureGates as { name: string }[]).map((g) => g.name);
        const ours = (values.featureGates as { name: string }[]).map((g) => g.name);
        assert.deepEqual(gates.filter((g) => !ours.includes(g)), []);
        assert.equal(chartVersion(chartsDir, "kuberay-operator"), KUBERAY_VERSION, "the defaults checked are those of the pinned version");
    });

    it("nvidia-device-plugin", () => {
        const defaults = chartDefaults(chartsDir, "nvidia-device-plugin");
        assert.deepEqual(unknownValueKeys(devicePluginValues(), defaults), []);
        // Its default affinity selects the label every GPU node of a GpuNodePool carries.
        const terms = (defaults as any).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
        const selected = terms.map((t: any) => t.matchExpressions).filter((m: any[]) => m.length === 1 && m[0].operator === "In" && GPU_NODE_LABELS[m[0].key] !== undefined && m[0].values.includes(GPU_NODE_LABELS[m[0].key]));
        assert.deepEqual(selected, [[{ key: "nvidia.com/gpu.present", operator: "In", values: ["true"] }]]);
        assert.equal(chartVersion(chartsDir, "nvidia-device-plugin"), DEVICE_PLUGIN_VERSION, "the defaults checked are those of the pinned version");
    });

    it("kube-prometheus-stack, with Grafana's keys checked against the grafana subchart it pins", () => {
        const values = kubePrometheusStackValues({ ...monitoringDefaults, storageClassName: "gp3", grafanaAdminSecretName: "g", alertmanagerConfigSecretName: "a" });
        const { grafana, ...rest } = values as { grafana: Record<string, unknown> };
        const defaults = chartDefaults(chartsDir, "kube-prometheus-stack");
        // alertmanager.alertmanagerSpec.configSecret: read by the Alertmanager template, documented only as a comment.
        assert.deepEqual(unknownValueKeys(rest, defaults, ["alertmanager.alertmanagerSpec.configSecret"]), []);
        assert.match(chartFile(chartsDir, "kube-prometheus-stack", "values.yaml"), /^ {4}# configSecret:$/m);
        // The grafana section goes to the subchart: its keys are kube-prometheus-stack's grafana section or the subchart's own.
        const subchart = { ...chartDefaults(chartsDir, "grafana"), ...(defaults.grafana as Record<string, unknown>) };
        // grafana.ini: a map the chart renders whole into Grafana's ini file, so any section of Grafana's configuration goes.
        assert.deepEqual(unknownValueKeys(grafana, subchart, ["grafana.ini"]), []);
        assert.match(chartFile(chartsDir, "grafana", "values.yaml"), /^grafana\.ini:$/m);
        const deps = (YAML.parse(chartFile(chartsDir, "kube-prometheus-stack", "Chart.yaml")) as { dependencies: { name: string; version: string }[] }).dependencies;
        assert.equal(deps.find((d) => d.name === "grafana")?.version, chartVersion(chartsDir, "grafana"), "the grafana defaults are those of the subchart kube-prometheus-stack pins");
        // The selectors really default to "this release only", which is what the values turn off.
        const spec = (defaults.prometheus as any).prometheusSpec;
        for (const key of ["podMonitorSelectorNilUsesHelmValues", "serviceMonitorSelectorNilUsesHelmValues", "ruleSelectorNilUsesHelmValues"]) {
            assert.equal(spec[key], true, key);
            assert.equal((values as any).prometheus.prometheusSpec[key], false, key);
        }
        // No well-known default admin password: the chart leaves adminPassword unset, so Grafana's chart generates one.
        assert.equal("adminPassword" in (defaults.grafana as object), false);
        assert.equal(chartVersion(chartsDir, "kube-prometheus-stack"), KUBE_PROMETHEUS_STACK_VERSION, "the defaults checked are those of the pinned version");
    });

    it("dcgm-exporter", () => {
        const defaults = chartDefaults(chartsDir, "dcgm-exporter");
        assert.deepEqual(unknownValueKeys(dcgmExporterValues(), defaults), []);
        // Its Service listens on 9400, on the port our ServiceMonitor names; its own ServiceMonitor is on by default (we render ours).
        assert.deepEqual((defaults as any).service.port, 9400);
        assert.equal((defaults as any).serviceMonitor.enabled, true);
        assert.equal(DCGM_METRICS_PORT, "metrics");
        assert.equal(chartVersion(chartsDir, "dcgm-exporter"), DCGM_EXPORTER_VERSION, "the defaults checked are those of the pinned version");
    });
});
