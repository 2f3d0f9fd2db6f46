/**
 * Grafana dashboards built from typed data: each panel is a title, a unit and PromQL queries from
 * `queries.ts`, laid out two to a row. Grafana's sidecar loads them from labelled ConfigMaps.
 */
import { DASHBOARD_QUERIES as Q } from "./queries";

/** One query of a panel, and how its series are named in the legend. */
export interface PanelQuery {
    expr: string;
    legend: string;
}

/** One time-series panel. */
export interface PanelSpec {
    title: string;
    /** A Grafana unit id: "reqps", "s", "percentunit", "short", "watt", "mbytes", "percent". */
    unit: string;
    description: string;
    queries: PanelQuery[];
}

/** One dashboard. */
export interface DashboardSpec {
    uid: string;
    title: string;
    description: string;
    panels: PanelSpec[];
}

/** The datasource kube-prometheus-stack's Grafana provisions (uid "prometheus"). */
export const PROMETHEUS_DATASOURCE = { type: "prometheus", uid: "prometheus" } as const;

/** Ray Serve: traffic, latency, errors, queueing and replicas, per deployment. */
export const RAY_SERVE_DASHBOARD: DashboardSpec = {
    uid: "ray-serve",
    title: "Ray Serve",
    description: "Requests, latency, errors, queue depth and replicas of the Ray Serve deployments.",
    panels: [
        { title: "Request rate", unit: "reqps", description: "Requests per second by deployment.", queries: [{ expr: Q.serveRequestRate, legend: "{{deployment}}" }] },
        { title: "Error rate", unit: "reqps", description: "Failed requests per second by deployment.", queries: [{ expr: Q.serveErrorRate, legend: "{{deployment}}" }] },
        {
            title: "Latency", unit: "ms", description: "P50 and P99 of the time a deployment takes to process a request.",
            queries: [{ expr: Q.serveLatencyP50, legend: "P50 {{deployment}}" }, { expr: Q.serveLatencyP99, legend: "P99 {{deployment}}" }],
        },
        { title: "Queue depth", unit: "short", description: "Requests queued in the routers, waiting for a replica.", queries: [{ expr: Q.serveQueuedRequests, legend: "{{deployment}}" }] },
        { title: "Replicas", unit: "short", description: "Healthy replicas by deployment.", queries: [{ expr: Q.serveHealthyReplicas, legend: "{{deployment}}" }] },
        { title: "Replica starts", unit: "short", description: "Replicas started in the last hour (restarts and scale-ups).", queries: [{ expr: Q.serveReplicaStarts, legend: "{{deployment}}" }] },
    ],
};

/** vLLM: the engines' latency, load, KV cache and throughput, per model. */
export const VLLM_DASHBOARD: DashboardSpec = {
    uid: "vllm",
    title: "vLLM engines",
    description: "Time to first token, time per output token, running and waiting requests, KV cache and token throughput of each model.",
    panels: [
        {
            title: "Time to first token", unit: "s", description: "P50 and P99 of the time from a request's arrival to its first token.",
            queries: [{ expr: Q.vllmTtftP50, legend: "P50 {{model_name}}" }, { expr: Q.vllmTtftP99, legend: "P99 {{model_name}}" }],
        },
        {
            title: "Time per output token", unit: "s", description: "P50 and P99 of the time between two output tokens.",
            queries: [{ expr: Q.vllmTpotP50, legend: "P50 {{model_name}}" }, { expr: Q.vllmTpotP99, legend: "P99 {{model_name}}" }],
        },
        {
            title: "Requests in the engines", unit: "short", description: "Requests running on the GPUs and waiting for room in them.",
            queries: [{ expr: Q.vllmRunning, legend: "running {{model_name}}" }, { expr: Q.vllmWaiting, legend: "waiting {{model_name}}" }],
        },
        { title: "KV cache use", unit: "percentunit", description: "The fullest KV cache of each model's replicas.", queries: [{ expr: Q.vllmKvCacheUsage, legend: "{{model_name}}" }] },
        {
            title: "Tokens per second", unit: "short", description: "Prompt tokens read and tokens generated per second.",
            queries: [{ expr: Q.vllmPromptTokensRate, legend: "prompt {{model_name}}" }, { expr: Q.vllmGenerationTokensRate, legend: "generated {{model_name}}" }],
        },
        { title: "End-to-end latency", unit: "s", description: "P99 of a request's whole time in the engine.", queries: [{ expr: Q.vllmE2eP99, legend: "P99 {{model_name}}" }] },
    ],
};

/** GPUs: utilisation, memory and power per node and per pod (DCGM). */
export const GPU_DASHBOARD: DashboardSpec = {
    uid: "gpus",
    title: "GPUs",
    description: "Utilisation, memory and power of every GPU, by node and by pod (NVIDIA DCGM exporter).",
    panels: [
        { title: "GPU utilisation by node", unit: "percent", description: "Average utilisation of the GPUs of each node.", queries: [{ expr: Q.gpuUtilByNode, legend: "{{Hostname}}" }] },
        { title: "GPU utilisation by pod", unit: "percent", description: "Average utilisation of the GPUs of each pod.", queries: [{ expr: Q.gpuUtilByPod, legend: "{{exported_namespace}}/{{exported_pod}}" }] },
        { title: "GPU memory used by node", unit: "mbytes", description: "Frame-buffer memory in use on each node's GPUs.", queries: [{ expr: Q.gpuMemoryUsedByNode, legend: "{{Hostname}}" }] },
        { title: "GPU memory used by pod", unit: "mbytes", description: "Frame-buffer memory in use by each pod's GPUs.", queries: [{ expr: Q.gpuMemoryUsedByPod, legend: "{{exported_namespace}}/{{exported_pod}}" }] },
        { title: "GPU power by node", unit: "watt", description: "Power drawn by each node's GPUs.", queries: [{ expr: Q.gpuPowerByNode, legend: "{{Hostname}}" }] },
        { title: "GPU power by pod", unit: "watt", description: "Power drawn by each pod's GPUs.", queries: [{ expr: Q.gpuPowerByPod, legend: "{{exported_namespace}}/{{exported_pod}}" }] },
    ],
};

/** Every dashboard MonitoringStack installs. */
export const DASHBOARDS: readonly DashboardSpec[] = [RAY_SERVE_DASHBOARD, VLLM_DASHBOARD, GPU_DASHBOARD];

/** The Grafana JSON model of a dashboard: time-series panels, two per row. */
export function grafanaDashboard(d: DashboardSpec): Record<string, unknown> {
    return {
        uid: d.uid,
        title: d.title,
        description: d.description,
        tags: ["ray-vllm-eks"],
        editable: false,
        schemaVersion: 39,
        version: 1,
        refresh: "30s",
        time: { from: "now-3h", to: "now" },
        panels: d.panels.map((p, i) => ({
            id: i + 1,
            type: "timeseries",
            title: p.title,
            description: p.description,
            datasource: { ...PROMETHEUS_DATASOURCE },
            gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
            fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
            options: { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "desc" } },
            targets: p.queries.map((q, j) => ({
                refId: String.fromCharCode(65 + j),
                datasource: { ...PROMETHEUS_DATASOURCE },
                expr: q.expr,
                legendFormat: q.legend,
            })),
        })),
    };
}
