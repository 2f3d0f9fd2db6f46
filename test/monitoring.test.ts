import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { componentUrn, descendantsOf, resource, settle, valueOf, rejection as refusal } from "./support/mocks";

import {
    monitoringDefaults,
    MonitoringStack,
    MonitoringStackArgs,
    monitoringUrls,
    prometheusRuleSpec,
} from "../components/monitoring";

const TYPE = "ray-vllm-eks:index:MonitoringStack";
const provider = new k8s.Provider("monitoring-test-k8s", { kubeconfig: "{}" });
const RELABEL = [{ sourceLabels: ["__meta_kubernetes_pod_label_ray_io_cluster"], targetLabel: "ray_io_cluster" }];

const RUNBOOKS = "https://github.com/ray-vllm-eks/ray-vllm-eks/blob/main/docs/runbooks.md";

/** One alert as written out here: the runbook link is `RUNBOOKS#<alert in lower case>`. */
function alert(name: string, expr: string, forDuration: string, severity: string, summary: string, description: string): object {
    return { alert: name, expr, for: forDuration, labels: { severity }, annotations: { summary, description, runbook_url: `${RUNBOOKS}#${name.toLowerCase()}` } };
}

/** The PrometheusRule spec MonitoringStack "mon1" installs with every default (its PodMonitor's job is monitoring/mon1-ray). */
const DEFAULT_RULES = {
    groups: [
        {
            name: "ray-serve",
            rules: [
                alert("RayServeHighErrorRate",
                    `sum by (application) (rate(ray_serve_num_http_error_requests_total{error_code=~"5.."}[5m])) / sum by (application) (rate(ray_serve_num_http_requests_total[5m])) > 0.05`,
                    "10m", "critical",
                    "More than 5% of requests to {{ $labels.application }} fail",
                    "{{ $value | humanizePercentage }} of the HTTP requests to Serve application {{ $labels.application }} failed with a server error (5xx) over the last 5 minutes."),
                alert("RayServeHighLatency",
                    "histogram_quantile(0.99, sum by (le, application) (rate(ray_serve_http_request_latency_ms_bucket[5m]))) > 30000",
                    "10m", "warning",
                    "P99 latency of {{ $labels.application }} above 30s",
                    "The P99 latency of HTTP requests to Serve application {{ $labels.application }} is {{ $value | humanize }} ms."),
                alert("RayServeQueueGrowing",
                    "sum by (application, deployment) (ray_serve_deployment_queued_queries) > 50",
                    "10m", "warning",
                    "Requests queue for {{ $labels.deployment }}",
                    "{{ $value }} requests wait in Serve's routers for a replica of {{ $labels.application }}/{{ $labels.deployment }}: replicas are at max_ongoing_requests and cannot scale up fast enough."),
                alert("RayServeReplicasUnhealthy",
                    "sum by (application, deployment) (ray_serve_autoscaling_target_replicas) - sum by (application, deployment) (ray_serve_deployment_replica_healthy) > 0",
                    "15m", "critical",
                    "{{ $labels.deployment }} has fewer healthy replicas than it needs",
                    "{{ $value }} of the replicas Serve wants for {{ $labels.application }}/{{ $labels.deployment }} have not been healthy for 15 minutes (failing health checks, or unable to start: no GPU node, or a model that does not load)."),
                alert("RayPodRestarting",
                    `sum by (namespace, pod) (increase(kube_pod_container_status_restarts_total{container=~"ray-head|ray-worker"}[30m])) > 2`,
                    "0m", "warning",
                    "Ray pod {{ $labels.pod }} is restarting",
                    "Ray pod {{ $labels.namespace }}/{{ $labels.pod }} restarted {{ $value }} times in 30 minutes (out of memory, or a crashing engine)."),
            ],
        },
        {
            name: "vllm",
            rules: [
                alert("VllmQueueGrowing",
                    "sum by (model_name) (ray_vllm_num_requests_waiting) > 50 and deriv(sum by (model_name) (ray_vllm_num_requests_waiting)[10m:1m]) >= 0",
                    "10m", "warning",
                    "Requests pile up in the engines of {{ $labels.model_name }}",
                    "{{ $value }} requests wait for room in the engines of {{ $labels.model_name }}, and the queue keeps growing."),
                alert("VllmKvCacheSaturated",
                    "max by (model_name) (ray_vllm_kv_cache_usage_perc) > 0.95",
                    "10m", "warning",
                    "The KV cache of {{ $labels.model_name }} is over 95% full",
                    "A replica of {{ $labels.model_name }} has used {{ $value | humanizePercentage }} of its KV cache for 10 minutes: requests are preempted or wait."),
            ],
        },
        {
            name: "capacity",
            rules: [
                alert("GpuNodePoolAtLimit",
                    `max by (nodepool) (karpenter_nodepools_usage{resource_type="nvidia.com/gpu"}) / max by (nodepool) (karpenter_nodepools_limit{resource_type="nvidia.com/gpu"}) >= 1`,
                    "15m", "warning",
                    "GPU NodePool {{ $labels.nodepool }} is at its GPU limit",
                    "NodePool {{ $labels.nodepool }} uses all the GPUs its limit allows: Karpenter adds no GPU node, so replicas that need one stay pending."),
                alert("RayGcsMetricsMissing",
                    `count by (namespace, ray_io_cluster) (up{job="monitoring/mon1-ray", endpoint="metrics"} == 1) unless count by (namespace, ray_io_cluster) (ray_gcs_actors_count)`,
                    "10m", "critical",
                    "No GCS metrics from Ray cluster {{ $labels.ray_io_cluster }}",
                    "The pods of Ray cluster {{ $labels.namespace }}/{{ $labels.ray_io_cluster }} are scraped, but its head has sent no GCS metrics for 10 minutes: the head or its GCS is down, or the head cannot be scraped."),
            ],
        },
    ],
};

/** A dashboard panel as written out here: title, unit, description, and its queries as [expr, legend]. */
type Panel = [title: string, unit: string, description: string, queries: [expr: string, legend: string][]];

/** The dashboards, as MonitoringStack installs them. */
const DASHBOARD_PANELS: { uid: string; title: string; description: string; panels: Panel[] }[] = [
    {
        uid: "ray-serve",
        title: "Ray Serve",
        description: "Requests, latency, errors, queue depth and replicas of the Ray Serve deployments.",
        panels: [
            ["Request rate", "reqps", "Requests per second by deployment.", [["sum by (application, deployment) (rate(ray_serve_deployment_request_counter_total[$__rate_interval]))", "{{deployment}}"]]],
            ["Error rate", "reqps", "Failed requests per second by deployment.", [["sum by (application, deployment) (rate(ray_serve_deployment_error_counter_total[$__rate_interval]))", "{{deployment}}"]]],
            ["Latency", "ms", "P50 and P99 of the time a deployment takes to process a request.", [
                ["histogram_quantile(0.5, sum by (le, application, deployment) (rate(ray_serve_deployment_processing_latency_ms_bucket[$__rate_interval])))", "P50 {{deployment}}"],
                ["histogram_quantile(0.99, sum by (le, application, deployment) (rate(ray_serve_deployment_processing_latency_ms_bucket[$__rate_interval])))", "P99 {{deployment}}"],
            ]],
            ["Queue depth", "short", "Requests queued in the routers, waiting for a replica.", [["sum by (application, deployment) (ray_serve_deployment_queued_queries)", "{{deployment}}"]]],
            ["Replicas", "short", "Healthy replicas by deployment.", [["sum by (application, deployment) (ray_serve_deployment_replica_healthy)", "{{deployment}}"]]],
            ["Replica starts", "short", "Replicas started in the last hour (restarts and scale-ups).", [["sum by (application, deployment) (increase(ray_serve_deployment_replica_starts_total[1h]))", "{{deployment}}"]]],
        ],
    },
    {
        uid: "vllm",
        title: "vLLM engines",
        description: "Time to first token, time per output token, running and waiting requests, KV cache and token throughput of each model.",
        panels: [
            ["Time to first token", "s", "P50 and P99 of the time from a request's arrival to its first token.", [
                ["histogram_quantile(0.5, sum by (le, model_name) (rate(ray_vllm_time_to_first_token_seconds_bucket[$__rate_interval])))", "P50 {{model_name}}"],
                ["histogram_quantile(0.99, sum by (le, model_name) (rate(ray_vllm_time_to_first_token_seconds_bucket[$__rate_interval])))", "P99 {{model_name}}"],
            ]],
            ["Time per output token", "s", "P50 and P99 of the time between two output tokens.", [
                ["histogram_quantile(0.5, sum by (le, model_name) (rate(ray_vllm_request_time_per_output_token_seconds_bucket[$__rate_interval])))", "P50 {{model_name}}"],
                ["histogram_quantile(0.99, sum by (le, model_name) (rate(ray_vllm_request_time_per_output_token_seconds_bucket[$__rate_interval])))", "P99 {{model_name}}"],
            ]],
            ["Requests in the engines", "short", "Requests running on the GPUs and waiting for room in them.", [
                ["sum by (model_name) (ray_vllm_num_requests_running)", "running {{model_name}}"],
                ["sum by (model_name) (ray_vllm_num_requests_waiting)", "waiting {{model_name}}"],
            ]],
            ["KV cache use", "percentunit", "The fullest KV cache of each model's replicas.", [["max by (model_name) (ray_vllm_kv_cache_usage_perc)", "{{model_name}}"]]],
            ["Tokens per second", "short", "Prompt tokens read and tokens generated per second.", [
                ["sum by (model_name) (rate(ray_vllm_prompt_tokens_total[$__rate_interval]))", "prompt {{model_name}}"],
                ["sum by (model_name) (rate(ray_vllm_generation_tokens_total[$__rate_interval]))", "generated {{model_name}}"],
            ]],
            ["End-to-end latency", "s", "P99 of a request's whole time in the engine.", [["histogram_quantile(0.99, sum by (le, model_name) (rate(ray_vllm_e2e_request_latency_seconds_bucket[$__rate_interval])))", "P99 {{model_name}}"]]],
        ],
    },
    {
        uid: "gpus",
        title: "GPUs",
        description: "Utilisation, memory and power of every GPU, by node and by pod (NVIDIA DCGM exporter).",
        panels: [
            ["GPU utilisation by node", "percent", "Average utilisation of the GPUs of each node.", [["avg by (Hostname) (DCGM_FI_DEV_GPU_UTIL)", "{{Hostname}}"]]],
            ["GPU utilisation by pod", "percent", "Average utilisation of the GPUs of each pod.", [[`avg by (exported_namespace, exported_pod) (DCGM_FI_DEV_GPU_UTIL{exported_pod!=""})`, "{{exported_namespace}}/{{exported_pod}}"]]],
            ["GPU memory used by node", "mbytes", "Frame-buffer memory in use on each node's GPUs.", [["sum by (Hostname) (DCGM_FI_DEV_FB_USED)", "{{Hostname}}"]]],
            ["GPU memory used by pod", "mbytes", "Frame-buffer memory in use by each pod's GPUs.", [[`sum by (exported_namespace, exported_pod) (DCGM_FI_DEV_FB_USED{exported_pod!=""})`, "{{exported_namespace}}/{{exported_pod}}"]]],
            ["GPU power by node", "watt", "Power drawn by each node's GPUs.", [["sum by (Hostname) (DCGM_FI_DEV_POWER_USAGE)", "{{Hostname}}"]]],
            ["GPU power by pod", "watt", "Power drawn by each pod's GPUs.", [[`sum by (exported_namespace, exported_pod) (DCGM_FI_DEV_POWER_USAGE{exported_pod!=""})`, "{{exported_namespace}}/{{exported_pod}}"]]],
        ],
    },
];

/** Where the six panels of each dashboard sit: two to a row of height 8. */
const GRID = [{ x: 0, y: 0 }, { x: 12, y: 0 }, { x: 0, y: 8 }, { x: 12, y: 8 }, { x: 0, y: 16 }, { x: 12, y: 16 }];

function rejection(name: string, args: MonitoringStackArgs, opts: pulumi.ComponentResourceOptions = { provider }): Promise<string> {
    return refusal(TYPE, name, () => new MonitoringStack(name, args, opts));
}

/** Runs `construct` and returns the warnings it logged (pulumi.log.warn), in order. */
function warningsOf<T>(construct: () => T): { result: T; warnings: string[] } {
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    (pulumi.log as any).warn = (message: string) => {
        warnings.push(message);
        return Promise.resolve();
    };
    try {
        return { result: construct(), warnings };
    } finally {
        (pulumi.log as any).warn = warn;
    }
}

describe("MonitoringStack", () => {
    let stack: MonitoringStack;

    before(async () => {
        stack = new MonitoringStack("mon1", {}, { provider });
        await valueOf(stack.namespace);
        await settle();
    });

    it("registers its namespace, two charts, three monitors, one rule set and three dashboards", () => {
        const children = descendantsOf(componentUrn(TYPE, "mon1"));
        assert.deepEqual(children.map((r) => `${r.type} ${r.name}`), [
            "kubernetes:core/v1:ConfigMap mon1-dashboard-gpus",
            "kubernetes:core/v1:ConfigMap mon1-dashboard-ray-serve",
            "kubernetes:core/v1:ConfigMap mon1-dashboard-vllm",
            "kubernetes:core/v1:Namespace mon1-namespace",
            "kubernetes:helm.sh/v3:Release mon1-dcgm-exporter",
            "kubernetes:helm.sh/v3:Release mon1-kube-prometheus-stack",
            "kubernetes:monitoring.coreos.com/v1:PodMonitor mon1-ray",
            "kubernetes:monitoring.coreos.com/v1:PrometheusRule mon1-alerts",
            "kubernetes:monitoring.coreos.com/v1:ServiceMonitor mon1-dcgm-exporter",
            "kubernetes:monitoring.coreos.com/v1:ServiceMonitor mon1-karpenter",
        ]);
        for (const r of children) {
            assert.ok(r.provider?.startsWith("urn:pulumi:test::ray-vllm-eks::pulumi:providers:kubernetes::monitoring-test-k8s::"), `${r.name} uses the explicit provider`);
        }
    });

    it("installs the pinned kube-prometheus-stack: every release's monitors and rules, Grafana's sidecar, Alertmanager", () => {
        const release = resource("kubernetes:helm.sh/v3:Release", "mon1-kube-prometheus-stack");
        const system = { "ray-vllm-eks/node-pool": "system" };
        assert.deepEqual(release.inputs, {
            chart: "kube-prometheus-stack",
            compat: "true",
            name: "kps",
            namespace: "monitoring",
            repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
            version: "88.5.3",
            values: {
                fullnameOverride: "kps",
                kubeControllerManager: { enabled: false },
                kubeScheduler: { enabled: false },
                kubeEtcd: { enabled: false },
                kubeProxy: { enabled: false },
                prometheusOperator: { nodeSelector: system },
                prometheus: {
                    prometheusSpec: {
                        podMonitorSelectorNilUsesHelmValues: false,
                        serviceMonitorSelectorNilUsesHelmValues: false,
                        ruleSelectorNilUsesHelmValues: false,
                        probeSelectorNilUsesHelmValues: false,
                        scrapeConfigSelectorNilUsesHelmValues: false,
                        retention: "15d",
                        nodeSelector: system,
                    },
                },
                alertmanager: { enabled: true, alertmanagerSpec: { nodeSelector: system } },
                grafana: {
                    enabled: true,
                    nodeSelector: system,
                    sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" } },
                    "grafana.ini": { security: { allow_embedding: true } },
                },
            },
        });
        assert.ok(release.dependencies.includes(resource("kubernetes:core/v1:Namespace", "mon1-namespace").urn));
    });

    it("runs the pinned DCGM exporter on GPU nodes only, tolerating their taint, after the CRDs", () => {
        const release = resource("kubernetes:helm.sh/v3:Release", "mon1-dcgm-exporter");
        assert.deepEqual(release.inputs, {
            chart: "dcgm-exporter",
            compat: "true",
            name: "dcgm-exporter",
            namespace: "monitoring",
            repositoryOpts: { repo: "https://nvidia.github.io/dcgm-exporter/helm-charts" },
            version: "4.8.2",
            values: {
                nodeSelector: { "nvidia.com/gpu.present": "true" },
                tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
                serviceMonitor: { enabled: false },
            },
        });
        assert.ok(release.dependencies.includes(resource("kubernetes:helm.sh/v3:Release", "mon1-kube-prometheus-stack").urn));
    });

    it("scrapes every Ray pod KubeRay labels, on the three metrics ports, keeping the cluster's name", () => {
        const monitor = resource("kubernetes:monitoring.coreos.com/v1:PodMonitor", "mon1-ray");
        assert.deepEqual(monitor.inputs, {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PodMonitor",
            metadata: { name: "mon1-ray", namespace: "monitoring" },
            spec: {
                selector: { matchLabels: { "ray.io/is-ray-node": "yes" } },
                namespaceSelector: { any: true },
                podMetricsEndpoints: [
                    { port: "metrics", relabelings: RELABEL },
                    { port: "as-metrics", relabelings: RELABEL },
                    { port: "dash-metrics", relabelings: RELABEL },
                ],
            },
        });
        // Created after the chart that brings the CRD.
        assert.ok(monitor.dependencies.includes(resource("kubernetes:helm.sh/v3:Release", "mon1-kube-prometheus-stack").urn));
    });

    it("scrapes the DCGM exporter and the Karpenter controller through their Services", () => {
        assert.deepEqual(resource("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "mon1-dcgm-exporter").inputs.spec, {
            selector: { matchLabels: { "app.kubernetes.io/name": "dcgm-exporter" } },
            namespaceSelector: { matchNames: ["monitoring"] },
            endpoints: [{ port: "metrics", interval: "15s" }],
        });
        assert.deepEqual(resource("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "mon1-karpenter").inputs.spec, {
            selector: { matchLabels: { "app.kubernetes.io/name": "karpenter", "app.kubernetes.io/instance": "karpenter" } },
            namespaceSelector: { matchNames: ["kube-system"] },
            endpoints: [{ port: "http-metrics" }],
        });
    });

    it("installs the alert rules at the default thresholds, the GCS alert on its own PodMonitor's job", () => {
        const rule = resource("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "mon1-alerts");
        assert.deepEqual(rule.inputs.metadata, { name: "mon1-alerts", namespace: "monitoring" });
        assert.deepEqual(rule.inputs.spec, DEFAULT_RULES);
    });

    it("installs the three dashboards, each in a ConfigMap with the sidecar's label, panels two to a row", () => {
        const datasource = { type: "prometheus", uid: "prometheus" };
        for (const d of DASHBOARD_PANELS) {
            const map = resource("kubernetes:core/v1:ConfigMap", `mon1-dashboard-${d.uid}`);
            assert.deepEqual(map.inputs.metadata, { name: `mon1-dashboard-${d.uid}`, namespace: "monitoring", labels: { grafana_dashboard: "1" } });
            assert.deepEqual(Object.keys(map.inputs.data as object), [`${d.uid}.json`]);
            assert.deepEqual(JSON.parse((map.inputs.data as Record<string, string>)[`${d.uid}.json`]), {
                uid: d.uid,
                title: d.title,
                description: d.description,
                tags: ["ray-vllm-eks"],
                editable: false,
                schemaVersion: 39,
                version: 1,
                refresh: "30s",
                time: { from: "now-3h", to: "now" },
                panels: d.panels.map(([title, unit, description, queries], i) => ({
                    id: i + 1,
                    type: "timeseries",
                    title,
                    description,
                    datasource,
                    gridPos: { h: 8, w: 12, ...GRID[i] },
                    fieldConfig: { defaults: { unit }, overrides: [] },
                    options: { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "desc" } },
                    targets: queries.map(([expr, legendFormat], j) => ({ refId: ["A", "B"][j], datasource, expr, legendFormat })),
                })),
            }, d.uid);
        }
    });

    it("outputs the namespace, the in-cluster URLs, the dashboards and the alerts", async () => {
        assert.equal(await valueOf(stack.namespace), "monitoring");
        assert.equal(await valueOf(stack.prometheusUrl), "http://kps-prometheus.monitoring.svc:9090");
        assert.equal(await valueOf(stack.grafanaUrl), "http://kps-grafana.monitoring.svc");
        assert.equal(await valueOf(stack.alertmanagerUrl), "http://kps-alertmanager.monitoring.svc:9093");
        assert.deepEqual(monitoringUrls("obs").prometheusUrl, "http://kps-prometheus.obs.svc:9090");
        assert.deepEqual(await valueOf(stack.dashboardUids), ["ray-serve", "vllm", "gpus"]);
        assert.deepEqual(await valueOf(stack.alertNames), [
            "RayServeHighErrorRate", "RayServeHighLatency", "RayServeQueueGrowing", "RayServeReplicasUnhealthy", "RayPodRestarting",
            "VllmQueueGrowing", "VllmKvCacheSaturated", "GpuNodePoolAtLimit", "RayGcsMetricsMissing",
        ]);
    });

    it("takes storage, an admin secret, an Alertmanager configuration and the namespaces to scrape", async () => {
        const { result: s, warnings } = warningsOf(() => new MonitoringStack("mon2", {
            namespace: "obs",
            rayNamespaces: ["llm", "llm-batch"],
            karpenterNamespace: "karpenter",
            storageClassName: "gp3",
            storageSizeGiB: 200,
            retention: "30d",
            grafanaAdminSecretName: "grafana-admin",
            alertmanagerConfigSecretName: "alertmanager-pager",
        }, { provider }));
        await valueOf(s.namespace);
        await settle();
        const values = resource("kubernetes:helm.sh/v3:Release", "mon2-kube-prometheus-stack").inputs.values as any;
        assert.deepEqual(values.prometheus.prometheusSpec.storageSpec, {
            volumeClaimTemplate: { spec: { storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "200Gi" } } } },
        });
        // The volume outlives the StatefulSet by default, said explicitly.
        assert.deepEqual(values.prometheus.prometheusSpec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.deepEqual(warnings, []);
        assert.equal(values.prometheus.prometheusSpec.retention, "30d");
        assert.deepEqual(values.grafana.admin, { existingSecret: "grafana-admin" });
        assert.deepEqual(values.alertmanager.alertmanagerSpec, { nodeSelector: { "ray-vllm-eks/node-pool": "system" }, useExistingSecret: true, configSecret: "alertmanager-pager" });
        assert.deepEqual((resource("kubernetes:monitoring.coreos.com/v1:PodMonitor", "mon2-ray").inputs.spec as any).namespaceSelector, { matchNames: ["llm", "llm-batch"] });
        assert.deepEqual((resource("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "mon2-karpenter").inputs.spec as any).namespaceSelector, { matchNames: ["karpenter"] });
        assert.deepEqual((resource("kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "mon2-dcgm-exporter").inputs.spec as any).namespaceSelector, { matchNames: ["obs"] });
    });

    it("deletes Prometheus's volume with its StatefulSet when told to, and warns", async () => {
        const { result: s, warnings } = warningsOf(() => new MonitoringStack("mon3", { namespace: "obs3", storageClassName: "gp3", retainVolumeOnDelete: false }, { provider }));
        await valueOf(s.namespace);
        await settle();
        const spec = (resource("kubernetes:helm.sh/v3:Release", "mon3-kube-prometheus-stack").inputs.values as any).prometheus.prometheusSpec;
        assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Delete", whenScaled: "Retain" });
        assert.deepEqual(spec.storageSpec.volumeClaimTemplate.spec.resources, { requests: { storage: "50Gi" } });
        assert.deepEqual(warnings, [
            "MonitoringStack mon3: retainVolumeOnDelete is false: Prometheus's volume and its samples are deleted with its StatefulSet, which prometheus-operator also deletes and recreates for a change such as a new storageSizeGiB.",
        ]);
    });

    it("sets no claim retention policy without a volume (an emptyDir), and warns of nothing", async () => {
        const { result: s, warnings } = warningsOf(() => new MonitoringStack("mon4", { namespace: "obs4" }, { provider }));
        await valueOf(s.namespace);
        await settle();
        const spec = (resource("kubernetes:helm.sh/v3:Release", "mon4-kube-prometheus-stack").inputs.values as any).prometheus.prometheusSpec;
        assert.deepEqual(["storageSpec" in spec, "persistentVolumeClaimRetentionPolicy" in spec], [false, false]);
        assert.deepEqual(warnings, []);
    });

    it("puts custom thresholds and a custom runbook page into the alerts' expressions, summaries and links", async () => {
        const s = new MonitoringStack("mon5", {
            namespace: "obs5", errorRatioThreshold: 0.1, p99LatencySecondsThreshold: 12.5, queueDepthThreshold: 20, kvCacheUsageThreshold: 0.875,
            runbookBaseUrl: "https://wiki.example.com/llm/runbooks",
        }, { provider });
        await valueOf(s.namespace);
        await settle();
        const rules = (resource("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "mon5-alerts").inputs.spec as { groups: { rules: any[] }[] }).groups.flatMap((g) => g.rules);
        const byName = Object.fromEntries(rules.map((r) => [r.alert, r]));
        assert.deepEqual(
            ["RayServeHighErrorRate", "RayServeHighLatency", "RayServeQueueGrowing", "VllmQueueGrowing", "VllmKvCacheSaturated"].map((a) => [a, byName[a].expr, byName[a].annotations.summary]),
            [
                ["RayServeHighErrorRate", `sum by (application) (rate(ray_serve_num_http_error_requests_total{error_code=~"5.."}[5m])) / sum by (application) (rate(ray_serve_num_http_requests_total[5m])) > 0.1`, "More than 10% of requests to {{ $labels.application }} fail"],
                ["RayServeHighLatency", "histogram_quantile(0.99, sum by (le, application) (rate(ray_serve_http_request_latency_ms_bucket[5m]))) > 12500", "P99 latency of {{ $labels.application }} above 12.5s"],
                ["RayServeQueueGrowing", "sum by (application, deployment) (ray_serve_deployment_queued_queries) > 20", "Requests queue for {{ $labels.deployment }}"],
                ["VllmQueueGrowing", "sum by (model_name) (ray_vllm_num_requests_waiting) > 20 and deriv(sum by (model_name) (ray_vllm_num_requests_waiting)[10m:1m]) >= 0", "Requests pile up in the engines of {{ $labels.model_name }}"],
                ["VllmKvCacheSaturated", "max by (model_name) (ray_vllm_kv_cache_usage_perc) > 0.875", "The KV cache of {{ $labels.model_name }} is over 87.5% full"],
            ],
        );
        assert.equal(byName.RayGcsMetricsMissing.expr, `count by (namespace, ray_io_cluster) (up{job="obs5/mon5-ray", endpoint="metrics"} == 1) unless count by (namespace, ray_io_cluster) (ray_gcs_actors_count)`);
        assert.deepEqual(rules.map((r) => r.annotations.runbook_url), rules.map((r) => `https://wiki.example.com/llm/runbooks#${r.alert.toLowerCase()}`));
    });

    it("has a runbook section for every alert, at the anchor its runbook_url names", () => {
        const page = fs.readFileSync(path.join(__dirname, "..", "docs", "runbooks.md"), "utf8");
        const anchors = [...page.matchAll(/^## (\S+)$/gm)].map((m) => m[1].toLowerCase());
        const alerts = prometheusRuleSpec(monitoringDefaults, "monitoring/monitoring-ray").groups.flatMap((g) => g.rules);
        assert.deepEqual(anchors, alerts.map((r) => r.annotations.runbook_url.split("#")[1]));
    });

    describe("refuses bad arguments before creating anything", () => {
        it("refuses retainVolumeOnDelete without a volume, true or false, and a value that is not a boolean", async () => {
            const emptyDir = `MonitoringStack: retainVolumeOnDelete is set without storageClassName: Prometheus then keeps its samples in an emptyDir, with no volume to keep or delete; set storageClassName (such as "gp3"), or drop retainVolumeOnDelete.`;
            assert.equal(await rejection("monbad-3", { retainVolumeOnDelete: true }), emptyDir);
            assert.equal(await rejection("monbad-4", { retainVolumeOnDelete: false }), emptyDir);
            assert.equal(
                await rejection("monbad-5", { storageClassName: "gp3", retainVolumeOnDelete: "Delete" as unknown as boolean }),
                `MonitoringStack: retainVolumeOnDelete "Delete" is not true or false: use true (the default: Prometheus's volume outlives its StatefulSet) or false.`,
            );
        });

        it("needs an explicit Kubernetes provider", async () => {
            assert.equal(
                await rejection("monbad-1", {}, {}),
                "MonitoringStack: provider is missing: pass { provider } (a k8s.Provider built from LlmCluster's kubeconfig) in the resource options of MonitoringStack, so it never deploys to the cluster your ambient kubeconfig points at.",
            );
        });

        it("lists every bad threshold, name and version at once", async () => {
            assert.equal(
                await rejection("monbad-2", {
                    namespace: "Monitoring",
                    rayNamespaces: ["llm_"],
                    chartVersion: "latest",
                    retention: "15 days",
                    storageSizeGiB: 0,
                    storageClassName: "",
                    errorRatioThreshold: 5,
                    kvCacheUsageThreshold: 0,
                    p99LatencySecondsThreshold: -1,
                    queueDepthThreshold: 2.5,
                    runbookBaseUrl: "http://wiki/runbooks#top",
                }),
                [
                    "MonitoringStack: 11 invalid arguments:",
                    `  - namespace "Monitoring" is not a valid name: use lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit, such as "llm-dev".`,
                    `  - rayNamespaces[0] "llm_" is not a valid name: use lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit, such as "llm-dev".`,
                    `  - chartVersion "latest" is not a chart version: pin one such as "88.5.3".`,
                    `  - retention "15 days" is not a Prometheus duration: use one such as "15d" or "12h".`,
                    `  - storageSizeGiB 0 must be a whole number of GiB, at least 1, such as 50.`,
                    `  - storageClassName is empty: name a StorageClass, such as "gp3", or leave it unset for an emptyDir.`,
                    `  - errorRatioThreshold 5 must be in (0, 1]: a share, such as 0.05 (5% of requests).`,
                    `  - kvCacheUsageThreshold 0 must be in (0, 1]: a share, such as 0.95.`,
                    `  - p99LatencySecondsThreshold -1 must be a positive number of seconds, such as 30.`,
                    `  - queueDepthThreshold 2.5 must be a positive whole number of requests, such as 50.`,
                    `  - runbookBaseUrl "http://wiki/runbooks#top" is not an https URL without a fragment: give the page of your runbooks, such as "https://github.com/ray-vllm-eks/ray-vllm-eks/blob/main/docs/runbooks.md".`,
                ].join("\n"),
            );
        });
    });
});
