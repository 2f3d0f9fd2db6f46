/**
 * The alerts: each with a `for` that rides out blips, a severity (critical pages, warning opens a
 * ticket) and a runbook link.
 */
import { ResolvedMonitoringArgs } from "./args";
import { ALERT_EXPRESSIONS as E } from "./queries";

/** One alerting rule of a PrometheusRule. */
export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: { severity: string };
    annotations: { summary: string; description: string; runbook_url: string };
}

/** A PrometheusRule spec. */
export interface PrometheusRuleSpec {
    groups: { name: string; rules: AlertRule[] }[];
}

/** The alert severities: critical pages someone, warning does not. */
export const SEVERITIES = ["critical", "warning"] as const;

type Alert = Omit<AlertRule, "annotations" | "labels"> & { severity: (typeof SEVERITIES)[number]; summary: string; description: string };

/** The alert rules, grouped by what they watch. */
export function prometheusRuleSpec(
    a: Pick<ResolvedMonitoringArgs, "errorRatioThreshold" | "p99LatencySecondsThreshold" | "queueDepthThreshold" | "kvCacheUsageThreshold" | "runbookBaseUrl">,
    rayJob: string,
): PrometheusRuleSpec {
    const rule = ({ severity, summary, description, ...r }: Alert): AlertRule => ({
        ...r,
        labels: { severity },
        annotations: { summary, description, runbook_url: `${a.runbookBaseUrl}#${r.alert.toLowerCase()}` },
    });
    const percent = (share: number): string => `${+(share * 100).toFixed(2)}%`;
    return {
        groups: [
            {
                name: "ray-serve",
                rules: [
                    rule({
                        alert: "RayServeHighErrorRate", expr: E.errorRatio(a.errorRatioThreshold), for: "10m", severity: "critical",
                        summary: `More than ${percent(a.errorRatioThreshold)} of requests to {{ $labels.application }} fail`,
                        description: `{{ $value | humanizePercentage }} of the HTTP requests to Serve application {{ $labels.application }} failed with a server error (5xx) over the last 5 minutes.`,
                    }),
                    rule({
                        alert: "RayServeHighLatency", expr: E.p99Latency(a.p99LatencySecondsThreshold), for: "10m", severity: "warning",
                        summary: `P99 latency of {{ $labels.application }} above ${a.p99LatencySecondsThreshold}s`,
                        description: `The P99 latency of HTTP requests to Serve application {{ $labels.application }} is {{ $value | humanize }} ms.`,
                    }),
                    rule({
                        alert: "RayServeQueueGrowing", expr: E.routerQueue(a.queueDepthThreshold), for: "10m", severity: "warning",
                        summary: `Requests queue for {{ $labels.deployment }}`,
                        description: `{{ $value }} requests wait in Serve's routers for a replica of {{ $labels.application }}/{{ $labels.deployment }}: replicas are at max_ongoing_requests and cannot scale up fast enough.`,
                    }),
                    rule({
                        alert: "RayServeReplicasUnhealthy", expr: E.replicasUnhealthy(), for: "15m", severity: "critical",
                        summary: `{{ $labels.deployment }} has fewer healthy replicas than it needs`,
                        description: `{{ $value }} of the replicas Serve wants for {{ $labels.application }}/{{ $labels.deployment }} have not been healthy for 15 minutes (failing health checks, or unable to start: no GPU node, or a model that does not load).`,
                    }),
                    rule({
                        alert: "RayPodRestarting", expr: E.rayPodRestarting(), for: "0m", severity: "warning",
                        summary: `Ray pod {{ $labels.pod }} is restarting`,
                        description: `Ray pod {{ $labels.namespace }}/{{ $labels.pod }} restarted {{ $value }} times in 30 minutes (out of memory, or a crashing engine).`,
                    }),
                ],
            },
            {
                name: "vllm",
                rules: [
                    rule({
                        alert: "VllmQueueGrowing", expr: E.queueGrowing(a.queueDepthThreshold), for: "10m", severity: "warning",
                        summary: `Requests pile up in the engines of {{ $labels.model_name }}`,
                        description: `{{ $value }} requests wait for room in the engines of {{ $labels.model_name }}, and the queue keeps growing.`,
                    }),
                    rule({
                        alert: "VllmKvCacheSaturated", expr: E.kvCacheSaturated(a.kvCacheUsageThreshold), for: "10m", severity: "warning",
                        summary: `The KV cache of {{ $labels.model_name }} is over ${percent(a.kvCacheUsageThreshold)} full`,
                        description: `A replica of {{ $labels.model_name }} has used {{ $value | humanizePercentage }} of its KV cache for 10 minutes: requests are preempted or wait.`,
                    }),
                ],
            },
            {
                name: "capacity",
                rules: [
                    rule({
                        alert: "GpuNodePoolAtLimit", expr: E.gpuNodePoolAtLimit(), for: "15m", severity: "warning",
                        summary: `GPU NodePool {{ $labels.nodepool }} is at its GPU limit`,
                        description: `NodePool {{ $labels.nodepool }} uses all the GPUs its limit allows: Karpenter adds no GPU node, so replicas that need one stay pending.`,
                    }),
                    rule({
                        alert: "RayGcsMetricsMissing", expr: E.gcsMetricsMissing(rayJob), for: "10m", severity: "critical",
                        summary: "No GCS metrics from Ray cluster {{ $labels.ray_io_cluster }}",
                        description: "The pods of Ray cluster {{ $labels.namespace }}/{{ $labels.ray_io_cluster }} are scraped, but its head has sent no GCS metrics for 10 minutes: the head or its GCS is down, or the head cannot be scraped.",
                    }),
                ],
            },
        ],
    };
}
