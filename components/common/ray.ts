/**
 * Ray's facts, in one place: its ports (number, the container port name KubeRay gives each, what
 * it serves, whether it must stay inside the cluster, whether Prometheus scrapes it) and KubeRay's
 * kinds. Every other table derives from these: the head's container ports (`HEAD_PORTS`), the
 * NetworkPolicies' ports (`RAY_PORTS`, `METRICS_PORTS`), the PodMonitor's ports
 * (`RAY_METRICS_PORT_NAMES`).
 *
 * The policy pack is published on its own, so it keeps an exact copy (`policy/ray.ts`, importing
 * nothing); test/ray.test.ts proves the copy equal to this module.
 *
 * Sources: KubeRay v1.7.0 `ray-operator/controllers/ray/utils/constant.go` (`DefaultGcsServerPort`,
 * `DefaultDashboardPort`, `DefaultClientPort`, `DefaultServingPort`, `DefaultMetricsPort`,
 * `DefaultDashboardAgentListenPort`; `GcsServerPortName`, `DashboardPortName`, `ClientPortName`,
 * `ServingPortName`, `MetricsPortName`); Ray's defaults for the ports KubeRay names none of:
 * `python/ray/autoscaler/_private/constants.py` `AUTOSCALER_METRIC_PORT` (44217),
 * `python/ray/dashboard/consts.py` `DASHBOARD_METRIC_PORT` (44227),
 * `python/ray/_private/ray_constants.py` `DEFAULT_DASHBOARD_AGENT_LISTEN_PORT` (52365).
 */

/** One of Ray's ports. */
export interface RayPort {
    /** The port number (the default of Ray and KubeRay). */
    readonly port: number;
    /** The container port name KubeRay gives it (at most 15 characters, as Kubernetes requires). */
    readonly name: string;
    /** Other names it goes by in KubeRay's samples and API server (a policy recognises them too). */
    readonly aliases: readonly string[];
    /** What it serves, as the policies' messages name it. */
    readonly what: string;
    /**
     * Whether it must never leave the cluster. Only Serve's port may, through an internal or
     * allowlisted load balancer with TLS: the others run code for whoever reaches them
     * (CVE-2023-48022: the dashboard and Jobs API, the client) or are Ray's own.
     */
    readonly internal: boolean;
    /** Whether it serves Prometheus metrics (the PodMonitor scrapes it, the NetworkPolicy admits Prometheus to it). */
    readonly metrics: boolean;
}

/** Ray's ports by role. */
export const RAY_PORT_TABLE = {
    // constant.go DefaultGcsServerPort, GcsServerPortName. KubeRay's samples also call it "gcs"
    // (ray-cluster.autoscaler-v2-overwrite-cmd.yaml) and "redis" (ray-cluster.external-redis.yaml).
    gcs: { port: 6379, name: "gcs-server", aliases: ["gcs", "redis"], what: "the Ray GCS", internal: true, metrics: false },
    // constant.go DefaultDashboardPort, DashboardPortName: the dashboard and the Jobs API (runs code).
    dashboard: { port: 8265, name: "dashboard", aliases: [], what: "the Ray dashboard and Jobs API", internal: true, metrics: false },
    // constant.go DefaultClientPort, ClientPortName: the Ray client (runs code).
    client: { port: 10001, name: "client", aliases: [], what: "the Ray client", internal: true, metrics: false },
    // constant.go DefaultServingPort, ServingPortName (KubeRay's service.go isServingPort also takes "serve-*").
    serve: { port: 8000, name: "serve", aliases: [], what: "Ray Serve's HTTP proxy", internal: false, metrics: false },
    // constant.go DefaultMetricsPort, MetricsPortName (KubeRay starts Ray with --metrics-export-port=8080).
    metrics: { port: 8080, name: "metrics", aliases: [], what: "Ray's metrics", internal: true, metrics: true },
    // Ray AUTOSCALER_METRIC_PORT; the name is KubeRay's (ray-cluster.embed-grafana.yaml,
    // config/prometheus/podMonitor.yaml): "autoscaler-metrics" is longer than 15 characters.
    autoscalerMetrics: { port: 44217, name: "as-metrics", aliases: [], what: "the Ray autoscaler's metrics", internal: true, metrics: true },
    // Ray DASHBOARD_METRIC_PORT; the name is KubeRay's (as above).
    dashboardMetrics: { port: 44227, name: "dash-metrics", aliases: [], what: "the Ray dashboard's metrics", internal: true, metrics: true },
    // constant.go DefaultDashboardAgentListenPort (KubeRay's health probes); the name is KubeRay's
    // API server's (apiserver/pkg/util/cluster.go). Every Ray pod listens on it; no pod declares it.
    dashboardAgent: { port: 52365, name: "dashboard-agent", aliases: [], what: "the Ray dashboard agent", internal: true, metrics: false },
} as const satisfies Record<string, RayPort>;

/** A role of `RAY_PORT_TABLE`. */
export type RayPortRole = keyof typeof RAY_PORT_TABLE;

/** Every role, in the table's order. */
export const RAY_PORT_ROLES = Object.keys(RAY_PORT_TABLE) as RayPortRole[];

/** Container ports (`{ name, containerPort }`) for the given roles, in the given order. */
export function rayContainerPorts(roles: readonly RayPortRole[]): { readonly name: string; readonly containerPort: number }[] {
    return roles.map((r) => ({ name: RAY_PORT_TABLE[r].name, containerPort: RAY_PORT_TABLE[r].port }));
}

/** The roles of the ports that serve metrics, in the table's order. */
export const RAY_METRICS_ROLES = RAY_PORT_ROLES.filter((r) => RAY_PORT_TABLE[r].metrics);

/**
 * KubeRay's kinds: their API version and kind, the Pulumi type a raw custom resource of the kind
 * has, and where its RayCluster spec sits (KubeRay v1.7.0 `ray-operator/apis/ray/v1`:
 * `RayServiceSpec.RayClusterSpec` is `rayClusterConfig`, `RayJobSpec.RayClusterSpec` is
 * `rayClusterSpec`, a RayCluster's `spec` is one; `groupversion_info.go` `GroupVersion` ray.io/v1).
 */
export const RAY_KINDS = {
    RayService: { apiVersion: "ray.io/v1", kind: "RayService", type: "kubernetes:ray.io/v1:RayService", clusterSpec: ["spec", "rayClusterConfig"] },
    RayCluster: { apiVersion: "ray.io/v1", kind: "RayCluster", type: "kubernetes:ray.io/v1:RayCluster", clusterSpec: ["spec"] },
    RayJob: { apiVersion: "ray.io/v1", kind: "RayJob", type: "kubernetes:ray.io/v1:RayJob", clusterSpec: ["spec", "rayClusterSpec"] },
} as const;
