/**
 * The PromQL the dashboards and alerts share, over the metric names Ray Serve, Ray Serve LLM
 * (vLLM's engine metrics), Ray's GCS, the DCGM exporter, Karpenter and kube-state-metrics export.
 * Every expression parses with Prometheus's own grammar, and every metric name is checked against
 * a list with its sources (test/data/metric-names.json).
 */

/** The metric names, as Prometheus stores them (Ray adds the `ray_` prefix, counters `_total`). */
export const METRICS = {
    // Ray Serve (python/ray/serve/_private/proxy.py, replica.py, router.py, deployment_state.py).
    serveHttpRequests: "ray_serve_num_http_requests_total",
    serveHttpErrors: "ray_serve_num_http_error_requests_total",
    serveHttpLatencyMs: "ray_serve_http_request_latency_ms_bucket",
    serveDeploymentRequests: "ray_serve_deployment_request_counter_total",
    serveDeploymentErrors: "ray_serve_deployment_error_counter_total",
    serveProcessingLatencyMs: "ray_serve_deployment_processing_latency_ms_bucket",
    serveQueuedRequests: "ray_serve_deployment_queued_queries",
    serveReplicaHealthy: "ray_serve_deployment_replica_healthy",
    serveReplicaStarts: "ray_serve_deployment_replica_starts_total",
    serveTargetReplicas: "ray_serve_autoscaling_target_replicas",
    // vLLM's engine metrics, recorded through Ray's metrics by Ray Serve LLM (`log_engine_metrics`):
    // vLLM's "vllm:" prefix becomes "vllm_", and Ray adds "ray_".
    vllmTtft: "ray_vllm_time_to_first_token_seconds_bucket",
    vllmTpot: "ray_vllm_request_time_per_output_token_seconds_bucket",
    vllmE2e: "ray_vllm_e2e_request_latency_seconds_bucket",
    vllmRunning: "ray_vllm_num_requests_running",
    vllmWaiting: "ray_vllm_num_requests_waiting",
    vllmKvCacheUsage: "ray_vllm_kv_cache_usage_perc",
    vllmPromptTokens: "ray_vllm_prompt_tokens_total",
    vllmGenerationTokens: "ray_vllm_generation_tokens_total",
    // Ray's GCS, recorded on a timer whatever the cluster does (on the head's metrics port). KubeRay's
    // sample alert watches ray_gcs_update_resource_usage_time_bucket, which Ray no longer exports.
    gcsActors: "ray_gcs_actors_count",
    // NVIDIA DCGM exporter (the chart's counters). The pod a GPU is allocated to arrives as
    // exported_pod and exported_namespace: pod and namespace are the exporter's own (target labels).
    gpuUtil: "DCGM_FI_DEV_GPU_UTIL",
    gpuMemoryUsed: "DCGM_FI_DEV_FB_USED",
    gpuPower: "DCGM_FI_DEV_POWER_USAGE",
    // Karpenter.
    nodePoolUsage: "karpenter_nodepools_usage",
    nodePoolLimit: "karpenter_nodepools_limit",
    // kube-state-metrics.
    containerRestarts: "kube_pod_container_status_restarts_total",
    // Prometheus's own series of every scrape target.
    up: "up",
} as const;

const M = METRICS;
/** The range of rates in alerts; dashboards use Grafana's `$__rate_interval`. */
const W = "5m";
const R = "$__rate_interval";
const quantile = (q: number, bucket: string, by: string, range: string): string =>
    `histogram_quantile(${q}, sum by (le, ${by}) (rate(${bucket}[${range}])))`;
const GPU_RESOURCE_TYPE = `resource_type="nvidia.com/gpu"`;

/** Dashboard queries (Grafana substitutes `$__rate_interval`). */
export const DASHBOARD_QUERIES = {
    serveRequestRate: `sum by (application, deployment) (rate(${M.serveDeploymentRequests}[${R}]))`,
    serveErrorRate: `sum by (application, deployment) (rate(${M.serveDeploymentErrors}[${R}]))`,
    serveLatencyP50: quantile(0.5, M.serveProcessingLatencyMs, "application, deployment", R),
    serveLatencyP99: quantile(0.99, M.serveProcessingLatencyMs, "application, deployment", R),
    serveQueuedRequests: `sum by (application, deployment) (${M.serveQueuedRequests})`,
    serveHealthyReplicas: `sum by (application, deployment) (${M.serveReplicaHealthy})`,
    serveReplicaStarts: `sum by (application, deployment) (increase(${M.serveReplicaStarts}[1h]))`,
    vllmTtftP50: quantile(0.5, M.vllmTtft, "model_name", R),
    vllmTtftP99: quantile(0.99, M.vllmTtft, "model_name", R),
    vllmTpotP50: quantile(0.5, M.vllmTpot, "model_name", R),
    vllmTpotP99: quantile(0.99, M.vllmTpot, "model_name", R),
    vllmE2eP99: quantile(0.99, M.vllmE2e, "model_name", R),
    vllmRunning: `sum by (model_name) (${M.vllmRunning})`,
    vllmWaiting: `sum by (model_name) (${M.vllmWaiting})`,
    vllmKvCacheUsage: `max by (model_name) (${M.vllmKvCacheUsage})`,
    vllmPromptTokensRate: `sum by (model_name) (rate(${M.vllmPromptTokens}[${R}]))`,
    vllmGenerationTokensRate: `sum by (model_name) (rate(${M.vllmGenerationTokens}[${R}]))`,
    gpuUtilByNode: `avg by (Hostname) (${M.gpuUtil})`,
    gpuUtilByPod: `avg by (exported_namespace, exported_pod) (${M.gpuUtil}{exported_pod!=""})`,
    gpuMemoryUsedByNode: `sum by (Hostname) (${M.gpuMemoryUsed})`,
    gpuMemoryUsedByPod: `sum by (exported_namespace, exported_pod) (${M.gpuMemoryUsed}{exported_pod!=""})`,
    gpuPowerByNode: `sum by (Hostname) (${M.gpuPower})`,
    gpuPowerByPod: `sum by (exported_namespace, exported_pod) (${M.gpuPower}{exported_pod!=""})`,
} as const;

/** Alert expressions, given the thresholds. */
export const ALERT_EXPRESSIONS = {
    // Server errors only: a client's 4xx is not the service failing.
    errorRatio: (threshold: number): string =>
        `sum by (application) (rate(${M.serveHttpErrors}{error_code=~"5.."}[${W}])) / sum by (application) (rate(${M.serveHttpRequests}[${W}])) > ${threshold}`,
    p99Latency: (seconds: number): string => `${quantile(0.99, M.serveHttpLatencyMs, "application", W)} > ${seconds * 1000}`,
    // Long and not shrinking: a flat but long queue still fires.
    queueGrowing: (requests: number): string =>
        `sum by (model_name) (${M.vllmWaiting}) > ${requests} and deriv(sum by (model_name) (${M.vllmWaiting})[10m:1m]) >= 0`,
    routerQueue: (requests: number): string => `sum by (application, deployment) (${M.serveQueuedRequests}) > ${requests}`,
    kvCacheSaturated: (share: number): string => `max by (model_name) (${M.vllmKvCacheUsage}) > ${share}`,
    // Fewer healthy replicas than Serve's autoscaler wants. (A stopped replica's gauge stays at 0,
    // so comparing each replica's gauge with 0 would fire on every scale-down.)
    replicasUnhealthy: (): string =>
        `sum by (application, deployment) (${M.serveTargetReplicas}) - sum by (application, deployment) (${M.serveReplicaHealthy}) > 0`,
    rayPodRestarting: (): string =>
        `sum by (namespace, pod) (increase(${M.containerRestarts}{container=~"ray-head|ray-worker"}[30m])) > 2`,
    // max by: two Karpenter replicas may both export for a moment.
    gpuNodePoolAtLimit: (): string =>
        `max by (nodepool) (${M.nodePoolUsage}{${GPU_RESOURCE_TYPE}}) / max by (nodepool) (${M.nodePoolLimit}{${GPU_RESOURCE_TYPE}}) >= 1`,
    // Per Ray cluster: its pods are scraped (job of the PodMonitor) but its head sends no GCS metrics.
    gcsMetricsMissing: (rayJob: string): string =>
        `count by (namespace, ray_io_cluster) (${M.up}{job="${rayJob}", endpoint="metrics"} == 1) unless count by (namespace, ray_io_cluster) (${M.gcsActors})`,
} as const;
