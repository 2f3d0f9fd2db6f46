import { Check, checkName, collect, show } from "../common/validation";
import { clusterDefaults } from "../cluster/args";

/** The pinned kube-prometheus-stack chart (prometheus-operator v0.93.1, Grafana 13.2). */
export const KUBE_PROMETHEUS_STACK_VERSION = "88.5.3";
export const KUBE_PROMETHEUS_STACK_CHART = "kube-prometheus-stack";
export const KUBE_PROMETHEUS_STACK_REPO = "https://prometheus-community.github.io/helm-charts";
/** The pinned NVIDIA DCGM exporter chart (GPU metrics). */
export const DCGM_EXPORTER_VERSION = "4.8.2";
export const DCGM_EXPORTER_CHART = "dcgm-exporter";
export const DCGM_EXPORTER_REPO = "https://nvidia.github.io/dcgm-exporter/helm-charts";
/**
 * The Helm release name of kube-prometheus-stack, also its `fullnameOverride`: Services are
 * `kps-prometheus`, `kps-alertmanager` and `kps-grafana`.
 */
export const KPS_RELEASE_NAME = "kps";
/** The release name of the DCGM exporter. */
export const DCGM_RELEASE_NAME = "dcgm-exporter";
/** The label (and value) Grafana's sidecar loads dashboards from. */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;
/** Where the runbooks live: each alert links to `<runbookBaseUrl>#<alert name in lower case>`. */
export const RUNBOOK_BASE_URL = "https://github.com/ray-vllm-eks/ray-vllm-eks/blob/main/docs/runbooks.md";

export interface MonitoringStackArgs {
    /**
     * The namespace of Prometheus, Alertmanager, Grafana and the DCGM exporter (created by the component).
     * @default "monitoring"
     * @see https://github.com/prometheus-community/helm-charts/tree/main/charts/kube-prometheus-stack
     */
    namespace?: string;
    /**
     * The kube-prometheus-stack chart version.
     * @default "88.5.3"
     * @see https://github.com/prometheus-community/helm-charts/releases
     */
    chartVersion?: string;
    /**
     * The dcgm-exporter chart version.
     * @default "4.8.2"
     * @see https://github.com/NVIDIA/dcgm-exporter/releases
     */
    dcgmExporterVersion?: string;
    /**
     * The namespaces whose Ray pods are scraped.
     * @default [] (Ray pods in every namespace)
     * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.NamespaceSelector
     */
    rayNamespaces?: string[];
    /**
     * The namespace the Karpenter controller runs in (LlmCluster's `karpenterNamespace`), whose
     * NodePool metrics feed the "GPU NodePool at its limit" alert.
     * @default "kube-system"
     * @see https://karpenter.sh/docs/reference/metrics/
     */
    karpenterNamespace?: string;
    /**
     * How long Prometheus keeps samples.
     * @default "15d"
     * @see https://prometheus.io/docs/prometheus/latest/storage/#operational-aspects
     */
    retention?: string;
    /**
     * A StorageClass for Prometheus's data (a gp3 class of the EBS CSI driver, which the cluster
     * must then run). Without one, samples live on the node's disk and are lost when the pod moves.
     * @default none (emptyDir)
     * @see https://prometheus-operator.dev/docs/platform/storage/
     */
    storageClassName?: string;
    /**
     * Size of Prometheus's volume in GiB, with `storageClassName`.
     * @default 50
     * @see https://prometheus-operator.dev/docs/platform/storage/
     */
    storageSizeGiB?: number;
    /**
     * Keep Prometheus's volume (with `storageClassName`) when its StatefulSet is deleted: true sets
     * the claim retention policy `whenDeleted` to "Retain", false to "Delete" (the volume and its
     * samples are deleted). prometheus-operator deletes and recreates the StatefulSet for a change it
     * cannot make in place, such as a new `storageSizeGiB`, and a replaced chart release deletes it
     * too: a kept volume carries the samples over, and is deleted with the component's namespace.
     * Scaling down always keeps volumes (`whenScaled` "Retain"). Refused without `storageClassName`.
     * @default true
     * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention
     */
    retainVolumeOnDelete?: boolean;
    /**
     * An existing Secret (in `namespace`) with Grafana's admin user and password under the keys
     * `admin-user` and `admin-password`.
     * @default none (the chart generates a random password into the Secret `kps-grafana`)
     * @see https://github.com/grafana-community/helm-charts/tree/main/charts/grafana
     */
    grafanaAdminSecretName?: string;
    /**
     * An existing Secret (in `namespace`) holding Alertmanager's whole configuration under the key
     * `alertmanager.yaml`: its receivers are where alerts page you.
     * @default none (the chart's configuration: alerts are grouped, then go to no receiver)
     * @see https://prometheus.io/docs/alerting/latest/configuration/
     */
    alertmanagerConfigSecretName?: string;
    /**
     * Page when the share of Serve requests that fail (5xx and errors) stays above this for 10 minutes.
     * @default 0.05
     * @see https://docs.ray.io/en/latest/serve/monitoring.html#built-in-ray-serve-metrics
     */
    errorRatioThreshold?: number;
    /**
     * Warn when the P99 latency of Serve requests, in seconds, stays above this for 10 minutes.
     * @default 30
     * @see https://docs.ray.io/en/latest/serve/monitoring.html#built-in-ray-serve-metrics
     */
    p99LatencySecondsThreshold?: number;
    /**
     * Warn when the requests waiting in a model's engine stay above this for 10 minutes.
     * @default 50
     * @see https://docs.vllm.ai/en/latest/design/metrics.html
     */
    queueDepthThreshold?: number;
    /**
     * Warn when a model's KV cache stays fuller than this share (0 to 1) for 10 minutes.
     * @default 0.95
     * @see https://docs.vllm.ai/en/latest/design/metrics.html
     */
    kvCacheUsageThreshold?: number;
    /**
     * Where the alerts' runbooks live: each alert's `runbook_url` is `<runbookBaseUrl>#<alert in lower case>`.
     * @default "https://github.com/ray-vllm-eks/ray-vllm-eks/blob/main/docs/runbooks.md"
     * @see https://prometheus.io/docs/practices/alerting/
     */
    runbookBaseUrl?: string;
}

/** Defaults of `MonitoringStackArgs`. */
export const monitoringDefaults = {
    namespace: "monitoring",
    chartVersion: KUBE_PROMETHEUS_STACK_VERSION,
    dcgmExporterVersion: DCGM_EXPORTER_VERSION,
    rayNamespaces: [] as string[],
    karpenterNamespace: clusterDefaults.karpenterNamespace,
    retention: "15d",
    storageSizeGiB: 50,
    retainVolumeOnDelete: true,
    errorRatioThreshold: 0.05,
    p99LatencySecondsThreshold: 30,
    queueDepthThreshold: 50,
    kvCacheUsageThreshold: 0.95,
    runbookBaseUrl: RUNBOOK_BASE_URL,
};

export type ResolvedMonitoringArgs = MonitoringStackArgs & { [K in keyof typeof monitoringDefaults]-?: NonNullable<MonitoringStackArgs[K]> };

/**
 * Every problem with the arguments of `MonitoringStack`, as messages that name the argument,
 * the value and the fix. Empty when the arguments are valid. `given` are the arguments as passed,
 * before their defaults, for the checks of what was set.
 */
export function validateMonitoringArgs(a: ResolvedMonitoringArgs, given: MonitoringStackArgs = {}): string[] {
    const ratio = (argument: string, value: number, example: string): string | undefined =>
        (!(value > 0 && value <= 1) ? `${argument} ${show(value)} must be in (0, 1]: a share, such as ${example}.` : undefined);
    const checks: Check[] = [
        () => checkName("namespace", a.namespace, 63, "(a Kubernetes namespace name)"),
        () => checkName("karpenterNamespace", a.karpenterNamespace, 63, "(a Kubernetes namespace name)"),
        () => a.rayNamespaces.flatMap((ns, i) => checkName(`rayNamespaces[${i}]`, ns, 63, "(a Kubernetes namespace name)") ?? []),
        () => (/^\d+\.\d+\.\d+$/.test(a.chartVersion) ? undefined : `chartVersion ${show(a.chartVersion)} is not a chart version: pin one such as "${KUBE_PROMETHEUS_STACK_VERSION}".`),
        () => (/^\d+\.\d+\.\d+$/.test(a.dcgmExporterVersion) ? undefined : `dcgmExporterVersion ${show(a.dcgmExporterVersion)} is not a chart version: pin one such as "${DCGM_EXPORTER_VERSION}".`),
        () => (/^([0-9]+(ms|s|m|h|d|w|y))+$/.test(a.retention) ? undefined : `retention ${show(a.retention)} is not a Prometheus duration: use one such as "15d" or "12h".`),
        () => (!Number.isInteger(a.storageSizeGiB) || a.storageSizeGiB < 1 ? `storageSizeGiB ${show(a.storageSizeGiB)} must be a whole number of GiB, at least 1, such as 50.` : undefined),
        () => (a.storageClassName === "" ? `storageClassName is empty: name a StorageClass, such as "gp3", or leave it unset for an emptyDir.` : undefined),
        () => (typeof a.retainVolumeOnDelete !== "boolean"
            ? `retainVolumeOnDelete ${show(a.retainVolumeOnDelete)} is not true or false: use true (the default: Prometheus's volume outlives its StatefulSet) or false.`
            : undefined),
        // Refused rather than ignored: without a StorageClass the samples live in an emptyDir, so
        // "keep the volume" would promise data that is lost whenever the pod moves.
        () => (given.retainVolumeOnDelete !== undefined && a.storageClassName === undefined
            ? `retainVolumeOnDelete is set without storageClassName: Prometheus then keeps its samples in an emptyDir, with no volume to keep or delete; set storageClassName (such as "gp3"), or drop retainVolumeOnDelete.`
            : undefined),
        () => ratio("errorRatioThreshold", a.errorRatioThreshold, "0.05 (5% of requests)"),
        () => ratio("kvCacheUsageThreshold", a.kvCacheUsageThreshold, "0.95"),
        () => (!(a.p99LatencySecondsThreshold > 0) ? `p99LatencySecondsThreshold ${show(a.p99LatencySecondsThreshold)} must be a positive number of seconds, such as 30.` : undefined),
        () => (!(Number.isInteger(a.queueDepthThreshold) && a.queueDepthThreshold > 0) ? `queueDepthThreshold ${show(a.queueDepthThreshold)} must be a positive whole number of requests, such as 50.` : undefined),
        () => (/^https:\/\/[^\s#]+$/.test(a.runbookBaseUrl) ? undefined : `runbookBaseUrl ${show(a.runbookBaseUrl)} is not an https URL without a fragment: give the page of your runbooks, such as "${RUNBOOK_BASE_URL}".`),
    ];
    return collect(checks);
}

/** The risky choices `MonitoringStack` `name` allows, as warnings: deleting Prometheus's volume with its StatefulSet. */
export function monitoringWarnings(name: string, a: ResolvedMonitoringArgs): string[] {
    return a.retainVolumeOnDelete === false && a.storageClassName !== undefined
        ? [`MonitoringStack ${name}: retainVolumeOnDelete is false: Prometheus's volume and its samples are deleted with its StatefulSet, which prometheus-operator also deletes and recreates for a change such as a new storageSizeGiB.`]
        : [];
}
