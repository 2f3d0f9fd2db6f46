/**
 * What Prometheus scrapes: the Ray pods (a PodMonitor, as KubeRay's own samples do), the DCGM
 * exporter and the Karpenter controller (ServiceMonitors).
 */
import { RAY_METRICS_ROLES, RAY_PORT_TABLE } from "../common/ray";
import { RAY_POD_LABELS } from "../vllm-service/network";

/** The metrics ports of Ray pods, by the container port names VllmRayService gives them (`RAY_PORT_TABLE`'s). */
export const RAY_METRICS_PORT_NAMES: readonly string[] = RAY_METRICS_ROLES.map((r) => RAY_PORT_TABLE[r].name);

/** Labels of the DCGM exporter's Service (dcgm-exporter chart) and its port's name. */
export const DCGM_SERVICE_LABELS = { "app.kubernetes.io/name": "dcgm-exporter" } as const;
export const DCGM_METRICS_PORT = "metrics";
/** Labels of the Karpenter controller's Service (karpenter chart) and its port's name. */
export const KARPENTER_SERVICE_LABELS = { "app.kubernetes.io/name": "karpenter", "app.kubernetes.io/instance": "karpenter" } as const;
export const KARPENTER_METRICS_PORT = "http-metrics";

/** Copies KubeRay's `ray.io/cluster` pod label to `ray_io_cluster`, the label Ray's dashboards filter on. */
const RAY_CLUSTER_RELABELING = {
    sourceLabels: ["__meta_kubernetes_pod_label_ray_io_cluster"],
    targetLabel: "ray_io_cluster",
};

const namespaceSelector = (namespaces: string[]): Record<string, unknown> =>
    (namespaces.length > 0 ? { matchNames: [...namespaces] } : { any: true });

/** The PodMonitor spec of every Ray pod (head and workers) in `rayNamespaces` (all when empty). */
export function rayPodMonitorSpec(rayNamespaces: string[]): Record<string, unknown> {
    return {
        selector: { matchLabels: { ...RAY_POD_LABELS } },
        namespaceSelector: namespaceSelector(rayNamespaces),
        podMetricsEndpoints: RAY_METRICS_PORT_NAMES.map((port) => ({ port, relabelings: [{ ...RAY_CLUSTER_RELABELING }] })),
    };
}

/** The ServiceMonitor spec of the DCGM exporter in `namespace`. */
export function dcgmServiceMonitorSpec(namespace: string): Record<string, unknown> {
    return {
        selector: { matchLabels: { ...DCGM_SERVICE_LABELS } },
        namespaceSelector: { matchNames: [namespace] },
        endpoints: [{ port: DCGM_METRICS_PORT, interval: "15s" }],
    };
}

/** The ServiceMonitor spec of the Karpenter controller in `namespace`. */
export function karpenterServiceMonitorSpec(namespace: string): Record<string, unknown> {
    return {
        selector: { matchLabels: { ...KARPENTER_SERVICE_LABELS } },
        namespaceSelector: { matchNames: [namespace] },
        endpoints: [{ port: KARPENTER_METRICS_PORT }],
    };
}
