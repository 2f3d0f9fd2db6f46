import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { componentUrn, descendantsOf, resource, settle, valueOf, rejection as refusal } from "./support/mocks";

import {
    DASHBOARDS,
    grafanaDashboard,
    monitoringDefaults,
    MonitoringStack,
    MonitoringStackArgs,
    monitoringUrls,
    prometheusRuleSpec,
} from "../components/monitoring";

const TYPE = "ray-vllm-eks:index:MonitoringStack";
const provider = new k8s.Provider("monitoring-test-k8s", { kubeconfig: "{}" });
const RELABEL = [{ sourceLabels: ["__meta_kubernetes_pod_label_ray_io_cluster"], targetLabel: "ray_io_cluster" }];

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

    it("installs the rules and the dashboards with the sidecar's label", () => {
        const rule = resource("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "mon1-alerts");
        assert.deepEqual(rule.inputs.spec, prometheusRuleSpec(monitoringDefaults, "monitoring/mon1-ray"));
        assert.match((rule.inputs.spec as any).groups[2].rules[1].expr, /up\{job="monitoring\/mon1-ray", endpoint="metrics"\}/);
        for (const d of DASHBOARDS) {
            const map = resource("kubernetes:core/v1:ConfigMap", `mon1-dashboard-${d.uid}`);
            assert.deepEqual(map.inputs.metadata, { name: `mon1-dashboard-${d.uid}`, namespace: "monitoring", labels: { grafana_dashboard: "1" } });
            assert.deepEqual(Object.keys(map.inputs.data as object), [`${d.uid}.json`]);
            assert.deepEqual(JSON.parse((map.inputs.data as Record<string, string>)[`${d.uid}.json`]), grafanaDashboard(d));
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

    it("puts the thresholds into the alerts, each with a for, a severity and a runbook", () => {
        const spec = prometheusRuleSpec({ ...monitoringDefaults, errorRatioThreshold: 0.1, p99LatencySecondsThreshold: 12, queueDepthThreshold: 20, kvCacheUsageThreshold: 0.9 }, "monitoring/monitoring-ray");
        const rules = Object.fromEntries(spec.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
        assert.match(rules.RayServeHighErrorRate.expr, / > 0\.1$/);
        assert.match(rules.RayServeHighLatency.expr, / > 12000$/);
        assert.match(rules.RayServeQueueGrowing.expr, / > 20$/);
        assert.match(rules.VllmQueueGrowing.expr, /^sum by \(model_name\) \(ray_vllm_num_requests_waiting\) > 20 and /);
        assert.match(rules.VllmKvCacheSaturated.expr, / > 0\.9$/);
        assert.equal(rules.RayServeHighErrorRate.annotations.summary, "More than 10% of requests to {{ $labels.application }} fail");
        for (const r of Object.values(rules)) {
            assert.match(r.for, /^\d+m$/, r.alert);
            assert.ok(["critical", "warning"].includes(r.labels.severity), r.alert);
            assert.equal(r.annotations.runbook_url, `https://github.com/ray-vllm-eks/ray-vllm-eks/blob/main/docs/runbooks.md#${r.alert.toLowerCase()}`);
        }
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
