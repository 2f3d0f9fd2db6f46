import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { childDependsOn, withDefaults } from "../common/args";
import { checkKubernetesProvider, throwIfInvalid } from "../common/validation";
import { SYSTEM_NODE_LABELS } from "../common/labels";
import { GPU_NODE_LABELS, GPU_TOLERATION } from "../gpu-nodepool";
import {
    DASHBOARD_LABEL,
    DCGM_EXPORTER_CHART,
    DCGM_EXPORTER_REPO,
    DCGM_RELEASE_NAME,
    KPS_RELEASE_NAME,
    KUBE_PROMETHEUS_STACK_CHART,
    KUBE_PROMETHEUS_STACK_REPO,
    monitoringDefaults,
    MonitoringStackArgs,
    monitoringWarnings,
    ResolvedMonitoringArgs,
    validateMonitoringArgs,
} from "./args";
import { DASHBOARDS, grafanaDashboard } from "./dashboards";
import { dcgmServiceMonitorSpec, karpenterServiceMonitorSpec, rayPodMonitorSpec } from "./monitors";
import { prometheusRuleSpec } from "./rules";

export * from "./args";
export * from "./dashboards";
export * from "./monitors";
export * from "./queries";
export * from "./rules";

/** The `job` label of the Ray pods' targets: prometheus-operator names a PodMonitor's job `<namespace>/<name>`. */
export function rayScrapeJob(namespace: string, component: string): string {
    return `${namespace}/${component}-ray`;
}

/** Prometheus's and Grafana's in-cluster URLs for a MonitoringStack in `namespace`. */
export function monitoringUrls(namespace: string): { prometheusUrl: string; grafanaUrl: string; alertmanagerUrl: string } {
    return {
        prometheusUrl: `http://${KPS_RELEASE_NAME}-prometheus.${namespace}.svc:9090`,
        grafanaUrl: `http://${KPS_RELEASE_NAME}-grafana.${namespace}.svc`,
        alertmanagerUrl: `http://${KPS_RELEASE_NAME}-alertmanager.${namespace}.svc:9093`,
    };
}

/**
 * Values for kube-prometheus-stack (every key exists in the chart's values.yaml, or Grafana's for
 * `grafana`): Prometheus selects monitors and rules of every release and namespace, Grafana loads
 * dashboards from labelled ConfigMaps in every namespace and may be embedded by the Ray dashboard.
 */
export function kubePrometheusStackValues(a: ResolvedMonitoringArgs): Record<string, unknown> {
    const nodeSelector = { ...SYSTEM_NODE_LABELS };
    const storageSpec = a.storageClassName === undefined ? {} : {
        storageSpec: {
            volumeClaimTemplate: {
                spec: { storageClassName: a.storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${a.storageSizeGiB}Gi` } } },
            },
        },
        // The Prometheus CRD's spec.persistentVolumeClaimRetentionPolicy (prometheus-operator v0.93.0,
        // monitoring.coreos.com_prometheuses.yaml), which the operator copies onto the StatefulSet and
        // the chart passes through from these values. Its default, unset, also retains.
        persistentVolumeClaimRetentionPolicy: { whenDeleted: a.retainVolumeOnDelete ? "Retain" : "Delete", whenScaled: "Retain" },
    };
    const alertmanagerConfig = a.alertmanagerConfigSecretName === undefined ? {} : { useExistingSecret: true, configSecret: a.alertmanagerConfigSecretName };
    return {
        fullnameOverride: KPS_RELEASE_NAME,
        // EKS runs the control plane: its scheduler, controller manager and etcd cannot be scraped,
        // and kube-proxy binds its metrics to localhost; their "down" alerts would always fire.
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeProxy: { enabled: false },
        prometheusOperator: { nodeSelector },
        prometheus: {
            prometheusSpec: {
                // Select every PodMonitor, ServiceMonitor, rule, probe and scrape config, not only this release's.
                podMonitorSelectorNilUsesHelmValues: false,
                serviceMonitorSelectorNilUsesHelmValues: false,
                ruleSelectorNilUsesHelmValues: false,
                probeSelectorNilUsesHelmValues: false,
                scrapeConfigSelectorNilUsesHelmValues: false,
                retention: a.retention,
                nodeSelector,
                ...storageSpec,
            },
        },
        alertmanager: { enabled: true, alertmanagerSpec: { nodeSelector, ...alertmanagerConfig } },
        grafana: {
            enabled: true,
            nodeSelector,
            ...(a.grafanaAdminSecretName !== undefined ? { admin: { existingSecret: a.grafanaAdminSecretName } } : {}),
            sidecar: { dashboards: { enabled: true, ...DASHBOARD_LABEL_VALUES, searchNamespace: "ALL" } },
            // The Ray dashboard embeds Grafana's panels in an iframe.
            "grafana.ini": { security: { allow_embedding: true } },
        },
    };
}

const DASHBOARD_LABEL_VALUES = { label: Object.keys(DASHBOARD_LABEL)[0], labelValue: Object.values(DASHBOARD_LABEL)[0] };

/** Values for the DCGM exporter: on GPU nodes only (tolerating their taint); our ServiceMonitor scrapes it. */
export function dcgmExporterValues(): Record<string, unknown> {
    return {
        nodeSelector: { "nvidia.com/gpu.present": GPU_NODE_LABELS["nvidia.com/gpu.present"] },
        tolerations: [{ ...GPU_TOLERATION }],
        serviceMonitor: { enabled: false },
    };
}

/**
 * Metrics, dashboards and alerts for LLM serving: kube-prometheus-stack (Prometheus, Alertmanager,
 * Grafana), the DCGM exporter on GPU nodes, a PodMonitor for Ray's head and workers, ServiceMonitors
 * for DCGM and Karpenter, Grafana dashboards (Ray Serve, vLLM, GPUs) and alert rules. Needs an
 * explicit Kubernetes provider; give it `dependsOn` the `LlmCluster`. Pass its `namespace`,
 * `grafanaUrl` and `prometheusUrl` to VllmRayService so Prometheus may scrape the Ray pods and the
 * Ray dashboard embeds the graphs.
 */
export class MonitoringStack extends pulumi.ComponentResource {
    /** The namespace of Prometheus, Alertmanager, Grafana and the DCGM exporter. */
    public readonly namespace: pulumi.Output<string>;
    /** Prometheus's in-cluster URL. */
    public readonly prometheusUrl: pulumi.Output<string>;
    /** Grafana's in-cluster URL (reach it with `kubectl port-forward -n <namespace> svc/kps-grafana 3000:80`). */
    public readonly grafanaUrl: pulumi.Output<string>;
    /** Alertmanager's in-cluster URL. */
    public readonly alertmanagerUrl: pulumi.Output<string>;
    /** The Grafana dashboards' uids. */
    public readonly dashboardUids: pulumi.Output<string[]>;
    /** The alert rules' names. */
    public readonly alertNames: pulumi.Output<string[]>;

    constructor(name: string, args?: MonitoringStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-vllm-eks:index:MonitoringStack", name, {}, opts);

        const a = withDefaults(monitoringDefaults, args) as ResolvedMonitoringArgs;
        const providerProblem = checkKubernetesProvider("MonitoringStack", this);
        throwIfInvalid("MonitoringStack", [...(providerProblem ? [providerProblem] : []), ...validateMonitoringArgs(a, args)], this);
        for (const warning of monitoringWarnings(name, a)) {
            void pulumi.log.warn(warning, this);
        }

        const child = { parent: this, dependsOn: childDependsOn(opts) };
        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: a.namespace } }, child);
        const stack = new k8s.helm.v3.Release(`${name}-kube-prometheus-stack`, {
            name: KPS_RELEASE_NAME,
            chart: KUBE_PROMETHEUS_STACK_CHART,
            version: a.chartVersion,
            repositoryOpts: { repo: KUBE_PROMETHEUS_STACK_REPO },
            namespace: namespace.metadata.name,
            values: kubePrometheusStackValues(a),
        }, { parent: this, dependsOn: childDependsOn(opts, namespace) });
        // Monitors and rules are prometheus-operator objects: their CRDs come with the chart.
        const afterStack = { parent: this, dependsOn: childDependsOn(opts, stack) };
        new k8s.helm.v3.Release(`${name}-dcgm-exporter`, {
            name: DCGM_RELEASE_NAME,
            chart: DCGM_EXPORTER_CHART,
            version: a.dcgmExporterVersion,
            repositoryOpts: { repo: DCGM_EXPORTER_REPO },
            namespace: namespace.metadata.name,
            values: dcgmExporterValues(),
        }, afterStack);

        const custom = (role: string, kind: string, spec: Record<string, unknown>): k8s.apiextensions.CustomResource =>
            new k8s.apiextensions.CustomResource(`${name}-${role}`, {
                apiVersion: "monitoring.coreos.com/v1",
                kind,
                metadata: { name: `${name}-${role}`, namespace: namespace.metadata.name },
                spec,
            }, afterStack);
        custom("ray", "PodMonitor", rayPodMonitorSpec(a.rayNamespaces));
        custom("dcgm-exporter", "ServiceMonitor", dcgmServiceMonitorSpec(a.namespace));
        custom("karpenter", "ServiceMonitor", karpenterServiceMonitorSpec(a.karpenterNamespace));
        // prometheus-operator names a PodMonitor's scrape job <namespace>/<name>.
        const rules = prometheusRuleSpec(a, rayScrapeJob(a.namespace, name));
        custom("alerts", "PrometheusRule", rules as unknown as Record<string, unknown>);

        for (const dashboard of DASHBOARDS) {
            new k8s.core.v1.ConfigMap(`${name}-dashboard-${dashboard.uid}`, {
                metadata: { name: `${name}-dashboard-${dashboard.uid}`, namespace: namespace.metadata.name, labels: { ...DASHBOARD_LABEL } },
                data: { [`${dashboard.uid}.json`]: JSON.stringify(grafanaDashboard(dashboard)) },
            }, child);
        }

        const urls = monitoringUrls(a.namespace);
        this.namespace = namespace.metadata.name;
        this.prometheusUrl = pulumi.output(urls.prometheusUrl);
        this.grafanaUrl = pulumi.output(urls.grafanaUrl);
        this.alertmanagerUrl = pulumi.output(urls.alertmanagerUrl);
        this.dashboardUids = pulumi.output(DASHBOARDS.map((d) => d.uid));
        this.alertNames = pulumi.output(rules.groups.flatMap((g) => g.rules.map((r) => r.alert)));
        this.registerOutputs({
            namespace: this.namespace,
            prometheusUrl: this.prometheusUrl,
            grafanaUrl: this.grafanaUrl,
            alertmanagerUrl: this.alertmanagerUrl,
            dashboardUids: this.dashboardUids,
            alertNames: this.alertNames,
        });
    }
}
