/**
 * The Helm charts installed beside Ray, and the dashboards beyond Ray's (policy/helm.ts): every
 * spelling of "this service is reachable from outside the cluster without authentication", in a
 * chart's values (helm.v4.Chart, helm.v3.Release, helm.v3.Chart) and in the rendered Services,
 * Ingresses and Gateway routes, each with its compliant twin.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { environmentPlan } from "./support/plan";
import { preview, RawResource, stackViolationsOf, violationsOf } from "./support/policy";

import { chartNameOf, grafanaAuthOff, helmValuesExposure, monitoringUiExposure } from "../policy/helm";
import { allPolicies } from "../policy/policies";
import { PlannedResource, PlanResult } from "../plan/engine";
import { evaluatePolicies } from "../plan/policies";
import { realEngineView } from "../plan/real-engine";

const { unknownCheckingProxy, UnknownValueError, unknownObjectValue, unknownStringValue } = preview;

const RELEASE = "kubernetes:helm.sh/v3:Release";
const V4_CHART = "kubernetes:helm.sh/v4:Chart";
const V3_CHART = "kubernetes:helm.sh/v3:Chart";

const release = (chart: string, values: object, more: object = {}): RawResource => ({ type: RELEASE, name: "r", props: { chart, values, ...more } });
const kps = (values: object): RawResource => release("kube-prometheus-stack", values, { repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" } });

const FRONT = "put it behind an Ingress that authenticates (alb.ingress.kubernetes.io/auth-type oidc or cognito, nginx.ingress.kubernetes.io/auth-url for an oauth2-proxy, or nginx.ingress.kubernetes.io/auth-type basic)";
/** A kube-prometheus-stack finding for a service with no authentication of its own. */
const open = (what: string, spots: string, harm: string, chart = "kube-prometheus-stack") =>
    `Helm chart ${chart} exposes ${what} outside the cluster (${spots}) without authentication (it has none of its own): ${harm}. Keep it ClusterIP and reach it with kubectl port-forward, or ${FRONT}.`;
const PROMETHEUS = "anyone who reaches it can read every metric";
const ALERTMANAGER = "anyone who reaches it can read every alert and silence it";
const grafanaOff = (spots: string, off: string, chart = "kube-prometheus-stack") =>
    `Helm chart ${chart} exposes Grafana outside the cluster (${spots}) with its authentication off (${off}): anyone who reaches it can read every dashboard and query its data sources. Turn its authentication back on, keep it ClusterIP and reach it with kubectl port-forward, or ${FRONT}.`;
const ANONYMOUS = { "grafana.ini": { "auth.anonymous": { enabled: true } } };

describe("Helm chart references (chartNameOf)", () => {
    it("finds the chart's name in a name, repo/name, an OCI reference with a tag or digest, an archive URL or a local directory", () => {
        for (const ref of [
            "kube-prometheus-stack",
            "prometheus-community/kube-prometheus-stack",
            "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack",
            "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack:88.5.3",
            "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack@sha256:0123abcd",
            "https://github.com/prometheus-community/helm-charts/releases/download/kube-prometheus-stack-88.5.3/kube-prometheus-stack-88.5.3.tgz",
            "./charts/kube-prometheus-stack/",
        ]) {
            assert.equal(chartNameOf(ref), "kube-prometheus-stack", ref);
        }
        assert.equal(chartNameOf("oci://public.ecr.aws/karpenter/karpenter"), "karpenter");
        assert.equal(chartNameOf("kuberay-operator-1.7.0.tgz"), "kuberay-operator");
    });
});

describe("policy helm-values-exposure: kube-prometheus-stack's Prometheus, Alertmanager and Thanos", () => {
    it("passes the chart's defaults and internal services", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({})), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ prometheus: { service: { type: "ClusterIP" } }, alertmanager: { service: { type: "ClusterIP" } } })), []);
    });

    it("flags a LoadBalancer or NodePort service, a per-replica one, an Ingress without authentication and a Gateway route", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ prometheus: { service: { type: "LoadBalancer" } } })), [
            open("Prometheus", `prometheus.service.type is "LoadBalancer"`, PROMETHEUS),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({
            alertmanager: {
                service: { type: "NodePort" },
                servicePerReplica: { enabled: true, type: "LoadBalancer" },
                ingress: { enabled: true, hosts: ["alerts.example.com"] },
                ingressPerReplica: { enabled: true },
                route: { main: { enabled: true }, extra: { enabled: false } },
            },
        })), [
            open("Alertmanager", `alertmanager.service.type is "NodePort"; alertmanager.servicePerReplica.type is "LoadBalancer"; alertmanager.ingress.enabled is true with no authentication in alertmanager.ingress.annotations; alertmanager.ingressPerReplica.enabled is true with no authentication in alertmanager.ingressPerReplica.annotations; alertmanager.route.main.enabled is true`, ALERTMANAGER),
        ]);
    });

    it("passes the same values where they expose nothing: per-replica services off, Ingresses that authenticate, routes off", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({
            alertmanager: {
                servicePerReplica: { enabled: false, type: "LoadBalancer" },
                ingress: { enabled: true, annotations: { "alb.ingress.kubernetes.io/auth-type": "oidc" } },
                ingressPerReplica: { enabled: true, annotations: { "nginx.ingress.kubernetes.io/auth-url": "https://oauth2.example.com/oauth2/auth" } },
                route: { main: { enabled: false } },
            },
            prometheus: { ingress: { enabled: true, annotations: { "nginx.ingress.kubernetes.io/auth-type": "basic" } } },
        })), []);
    });

    it("flags the Thanos sidecar's external Service (a LoadBalancer unless its type says otherwise), its Service and its Ingress", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ prometheus: { thanosServiceExternal: { enabled: true }, thanosService: { enabled: true, type: "NodePort" }, thanosIngress: { enabled: true } } })), [
            open("Prometheus", "prometheus.thanosService.type is \"NodePort\" (the Thanos sidecar); prometheus.thanosServiceExternal.enabled is true (the Thanos sidecar on a LoadBalancer Service); prometheus.thanosIngress.enabled is true with no authentication in prometheus.thanosIngress.annotations (the Thanos sidecar)", PROMETHEUS),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ prometheus: { thanosServiceExternal: { enabled: true, type: "ClusterIP" }, thanosService: { enabled: true } } })), []);
    });

    it("leaves a component the values turn off, and Thanos Ruler unless they turn it on", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ prometheus: { enabled: false, service: { type: "LoadBalancer" } } })), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ thanosRuler: { service: { type: "LoadBalancer" } } })), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ thanosRuler: { enabled: true, service: { type: "LoadBalancer" } } })), [
            open("Thanos Ruler", `thanosRuler.service.type is "LoadBalancer"`, "anyone who reaches it can read its rules and alerts"),
        ]);
    });
});

describe("policy helm-values-exposure: Grafana, exposed with its authentication off", () => {
    it("flags anonymous access in grafana.ini with a LoadBalancer, an Ingress without authentication or a Gateway route", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ grafana: { service: { type: "LoadBalancer" }, ...ANONYMOUS } })), [
            grafanaOff(`grafana.service.type is "LoadBalancer"`, "grafana.grafana.ini [auth.anonymous] enabled is true: anonymous access"),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ grafana: { ingress: { enabled: true }, route: { main: { enabled: true } }, "grafana.ini": { "auth.anonymous": { enabled: "true", org_role: "Viewer" } } } })), [
            grafanaOff("grafana.ingress.enabled is true with no authentication in grafana.ingress.annotations; grafana.route.main.enabled is true", `grafana.grafana.ini [auth.anonymous] enabled is "true": anonymous access`),
        ]);
    });

    it("passes Grafana exposed with its login on, anonymous Grafana kept inside, and an Ingress that authenticates", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ grafana: { service: { type: "LoadBalancer" } } })), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ grafana: { ...ANONYMOUS } })), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ grafana: { ingress: { enabled: true, annotations: { "alb.ingress.kubernetes.io/auth-type": "cognito" } }, ...ANONYMOUS } })), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ grafana: { enabled: false, service: { type: "LoadBalancer" }, ...ANONYMOUS } })), []);
    });

    it("reads the GF_ environment over grafana.ini, and an auth proxy with no whitelist as authentication off", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ grafana: { service: { type: "NodePort" }, env: { GF_AUTH_ANONYMOUS_ENABLED: "true" } } })), [
            grafanaOff(`grafana.service.type is "NodePort"`, `grafana.env GF_AUTH_ANONYMOUS_ENABLED is "true": anonymous access`),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ grafana: { service: { type: "NodePort" }, env: { GF_AUTH_ANONYMOUS_ENABLED: "false" }, ...ANONYMOUS } })), [], "the environment turns it back off");
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ grafana: { service: { type: "LoadBalancer" }, "grafana.ini": { "auth.proxy": { enabled: true, header_name: "X-WEBAUTH-USER" } } } })), [
            grafanaOff(`grafana.service.type is "LoadBalancer"`, "grafana.grafana.ini [auth.proxy] enabled is true with no whitelist: any client names its user in a header"),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ grafana: { service: { type: "LoadBalancer" }, "grafana.ini": { "auth.proxy": { enabled: true, whitelist: "10.0.0.5" } } } })), []);
    });

    it("does not take a hidden login form (auth.disable_login_form) for authentication off: Grafana still authenticates", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, kps({ grafana: { service: { type: "LoadBalancer" }, "grafana.ini": { auth: { disable_login_form: true } } } })), []);
    });

    it("checks the grafana chart on its own, at the top of its values", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, release("grafana/grafana", { service: { type: "LoadBalancer" }, ...ANONYMOUS })), [
            grafanaOff(`service.type is "LoadBalancer"`, "grafana.ini [auth.anonymous] enabled is true: anonymous access", "grafana"),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("grafana/grafana", { service: { type: "ClusterIP" }, ...ANONYMOUS })), []);
    });
});

describe("policy helm-values-exposure: the other charts", () => {
    it("checks the prometheus chart's server and Alertmanager, and the alertmanager chart", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, release("prometheus", { server: { service: { type: "LoadBalancer" } }, alertmanager: { ingress: { enabled: true } } })), [
            open("Prometheus", `server.service.type is "LoadBalancer"`, PROMETHEUS, "prometheus"),
            open("Alertmanager", "alertmanager.ingress.enabled is true with no authentication in alertmanager.ingress.annotations", ALERTMANAGER, "prometheus"),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("prometheus", { server: { service: { type: "ClusterIP" } }, alertmanager: { enabled: false, ingress: { enabled: true } } })), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("alertmanager", { service: { type: "NodePort" } })), [open("Alertmanager", `service.type is "NodePort"`, ALERTMANAGER, "alertmanager")]);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("alertmanager", { service: { type: "ClusterIP" } })), []);
    });

    it("flags the ray-cluster chart's head made a LoadBalancer or NodePort (service.type, head.headService)", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, release("ray-cluster", { service: { type: "LoadBalancer" }, head: { headService: { spec: { type: "NodePort" } } } })), [
            `Helm chart ray-cluster exposes the Ray head outside the cluster (service.type is "LoadBalancer", which the chart makes the head's serviceType; head.headService.spec.type is "NodePort") without authentication (it has none of its own): anyone who reaches its dashboard (8265) or client (10001) port can run code on the cluster (CVE-2023-48022). Set it to "ClusterIP" (or leave it unset) and reach the dashboard with kubectl port-forward.`,
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("ray-cluster", { service: { type: "ClusterIP" }, head: { headService: { metadata: { annotations: { "prometheus.io/scrape": "true" } } } } })), []);
    });

    it("flags the KubeRay API server exposed with its security proxy off, and passes it with the proxy on (the chart's default)", async () => {
        const exposed = { service: { type: "NodePort" }, ingress: { enabled: true }, route: { enabled: true } };
        assert.deepEqual(await violationsOf(helmValuesExposure, release("kuberay-apiserver", { ...exposed, security: null })), [
            "Helm chart kuberay-apiserver exposes the KubeRay API server outside the cluster (service.type is \"NodePort\"; ingress.enabled is true with no authentication in ingress.annotations; route.enabled is true) with its security proxy off (security is null): anyone who reaches it can create Ray clusters and jobs, that is, run code on the cluster. Keep the security proxy (the chart's default security values, with SECURITY_TOKEN from a Secret), keep it ClusterIP and reach it with kubectl port-forward, or put it behind an Ingress that authenticates (alb.ingress.kubernetes.io/auth-type oidc or cognito, nginx.ingress.kubernetes.io/auth-url for an oauth2-proxy, or nginx.ingress.kubernetes.io/auth-type basic).",
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("kuberay-apiserver", exposed)), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("kuberay-apiserver", { security: null })), []);
    });

    it("flags the KubeRay operator's and the DCGM exporter's metrics on a LoadBalancer or NodePort", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, { type: V4_CHART, props: { chart: "kuberay-operator", repositoryOpts: { repo: "https://ray-project.github.io/kuberay-helm/" }, values: { service: { type: "LoadBalancer" } } } }), [
            open("the KubeRay operator's metrics", `service.type is "LoadBalancer"`, "anyone who reaches them can read what the operator runs", "kuberay-operator"),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, { type: V4_CHART, props: { chart: "kuberay-operator", values: { service: { type: "ClusterIP" } } } }), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("dcgm-exporter", { service: { type: "NodePort" } })), [
            open("the DCGM exporter's GPU metrics", `service.type is "NodePort"`, "anyone who reaches them can read every GPU's metrics", "dcgm-exporter"),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("dcgm-exporter", { service: { enable: false, type: "NodePort" } })), []);
    });

    it("leaves charts without values that expose a service (karpenter, aws-load-balancer-controller, nvidia-device-plugin) and other kinds", async () => {
        for (const chart of ["oci://public.ecr.aws/karpenter/karpenter", "aws-load-balancer-controller", "nvidia-device-plugin"]) {
            assert.deepEqual(await violationsOf(helmValuesExposure, release(chart, { service: { type: "LoadBalancer" } })), [], chart);
        }
        assert.deepEqual(await violationsOf(helmValuesExposure, { type: "kubernetes:core/v1:ConfigMap", props: { data: {} } }), []);
    });
});

describe("policy helm-values-exposure: the three Helm resources and both engine views", () => {
    const values = { prometheus: { service: { type: "LoadBalancer" } } };
    const finding = [open("Prometheus", `prometheus.service.type is "LoadBalancer"`, PROMETHEUS)];

    it("reads helm.v4.Chart (chart and repositoryOpts), helm.v3.Release (an OCI chart) and helm.v3.Chart (a chart and its repo, or a local path)", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, { type: V4_CHART, props: { chart: "kube-prometheus-stack", repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" }, values } }), finding);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack", values)), finding);
        assert.deepEqual(await violationsOf(helmValuesExposure, { type: V3_CHART, props: { chart: "kube-prometheus-stack", fetchOpts: { repo: "https://prometheus-community.github.io/helm-charts" }, values } }), finding);
        assert.deepEqual(await violationsOf(helmValuesExposure, { type: V3_CHART, props: { path: "./charts/kube-prometheus-stack", values } }), finding);
    });

    it("leaves a helm.v4.Chart the real engine registers without inputs to its rendered objects", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, { type: V4_CHART, props: {} }), []);
    });

    it("reads values files given as text, with values over them; a file it cannot read adds nothing", async () => {
        const file = new pulumi.asset.StringAsset("grafana:\n  service:\n    type: LoadBalancer\n  grafana.ini:\n    auth.anonymous:\n      enabled: true\n");
        assert.deepEqual(await violationsOf(helmValuesExposure, release("kube-prometheus-stack", {}, { valueYamlFiles: [file] })), [
            grafanaOff(`grafana.service.type is "LoadBalancer"`, "grafana.grafana.ini [auth.anonymous] enabled is true: anonymous access"),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("kube-prometheus-stack", { grafana: { service: { type: "ClusterIP" } } }, { valueYamlFiles: [file] })), [], "values win over the file");
        assert.deepEqual(await violationsOf(helmValuesExposure, release("kube-prometheus-stack", {}, { valueYamlFiles: [new pulumi.asset.FileAsset("values.yaml")] })), []);
    });

    it("leaves a value unknown during preview to the engine, and never reads the values of a chart it does not check", async () => {
        for (const r of [
            kps(unknownObjectValue as object),
            kps({ prometheus: { service: { type: unknownStringValue } } }),
            { type: RELEASE, props: { chart: unknownStringValue, values: {} } },
        ]) {
            await assert.rejects(violationsOf(helmValuesExposure, { ...r, props: unknownCheckingProxy(r.props) }), UnknownValueError);
        }
        const lbController = release("aws-load-balancer-controller", unknownObjectValue as object);
        assert.deepEqual(await violationsOf(helmValuesExposure, { ...lbController, props: unknownCheckingProxy(lbController.props) }), []);
        const other = kps({ prometheus: { prometheusSpec: { retention: unknownStringValue } }, fullnameOverride: unknownStringValue });
        assert.deepEqual(await violationsOf(helmValuesExposure, { ...other, props: unknownCheckingProxy(other.props) }), [], "values it does not read may be unknown");
    });

    it("passes the charts this package installs, which it recognises, and flags kube-prometheus-stack's once its values expose Grafana anonymously", async () => {
        const run = await environmentPlan("prod");
        const plan = JSON.parse(fs.readFileSync(path.join(run.out, "plan.json"), "utf8")) as PlanResult;
        const helm = plan.resources.filter((r) => r.type === RELEASE || r.type === V4_CHART);
        assert.deepEqual(helm.map((r) => `${r.type.split(":").pop()} ${chartNameOf(String(r.inputs.chart))}`).sort(), [
            "Chart kuberay-operator", "Release aws-load-balancer-controller", "Release dcgm-exporter", "Release karpenter", "Release karpenter-crd",
            "Release kube-prometheus-stack", "Release nvidia-device-plugin",
        ]);
        for (const r of helm) {
            assert.deepEqual(await violationsOf(helmValuesExposure, { type: r.type, props: r.inputs }), [], r.name);
        }
        const stack = helm.find((r) => r.inputs.chart === "kube-prometheus-stack")!;
        const grafana = { ...(stack.inputs.values as { grafana: object }).grafana, service: { type: "LoadBalancer" }, "grafana.ini": { security: { allow_embedding: true }, "auth.anonymous": { enabled: true } } };
        assert.deepEqual(await violationsOf(helmValuesExposure, { type: RELEASE, props: { ...stack.inputs, values: { ...(stack.inputs.values as object), grafana } } }), [
            grafanaOff(`grafana.service.type is "LoadBalancer"`, "grafana.grafana.ini [auth.anonymous] enabled is true: anonymous access"),
        ]);
    });
});

// ---- the rendered objects ----

const service = (name: string, spec: object, labels: object = {}, namespace = "monitoring"): RawResource =>
    ({ type: "kubernetes:core/v1:Service", name, props: { metadata: { name, namespace, labels }, spec } });
const grafanaIni = (ini: string, instance = "kps", namespace = "monitoring"): RawResource => ({
    type: "kubernetes:core/v1:ConfigMap", name: `${instance}-grafana`,
    props: { metadata: { name: `${instance}-grafana`, namespace, labels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": instance } }, data: { "grafana.ini": ini } },
});
/** kube-prometheus-stack 88.5.3's rendered Services (templates/prometheus/service.yaml, alertmanager/service.yaml; grafana 12.11.1 service.yaml), of the given type. */
const prometheusService = (type: string) => service("kps-prometheus", { type, selector: { "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/name": "kps-prometheus" }, ports: [{ name: "http-web", port: 9090, targetPort: 9090 }] }, { app: "kube-prometheus-stack-prometheus" });
const grafanaService = (type: string, instance = "kps") => service(`${instance}-grafana`, { type, selector: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": instance }, ports: [{ name: "http-web", port: 80, targetPort: "grafana" }] });
const ANONYMOUS_INI = "[analytics]\ncheck_for_updates = true\n[auth.anonymous]\nenabled = true\norg_role = Viewer\n";
const UI_FRONT = `put it behind an Ingress that authenticates (alb.ingress.kubernetes.io/auth-type oidc or cognito, nginx.ingress.kubernetes.io/auth-url for an oauth2-proxy, or nginx.ingress.kubernetes.io/auth-type basic)`;
const NO_AUTH_INGRESS = "with no authentication in front (alb.ingress.kubernetes.io/auth-type oidc or cognito, nginx.ingress.kubernetes.io/auth-url for an oauth2-proxy, or nginx.ingress.kubernetes.io/auth-type basic)";

describe("policy monitoring-ui-exposure: Services", () => {
    it("flags Prometheus and Alertmanager on a LoadBalancer or NodePort, by selector or by port; passes them ClusterIP", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [prometheusService("LoadBalancer")]), [
            `kps-prometheus: Service monitoring/kps-prometheus of type LoadBalancer exposes Prometheus outside the cluster without authentication (it has none of its own): anyone who reaches it can read every metric. Make it ClusterIP and reach it with kubectl port-forward, or ${UI_FRONT}.`,
        ]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [prometheusService("ClusterIP")]), []);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [service("alerts", { type: "NodePort", ports: [{ port: 9093 }] }, {}, "ops")]), [
            `alerts: Service ops/alerts of type NodePort exposes Alertmanager outside the cluster without authentication (it has none of its own): anyone who reaches it can read every alert and silence it. Make it ClusterIP and reach it with kubectl port-forward, or ${UI_FRONT}.`,
        ]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [service("alerts", { type: "ClusterIP", externalIPs: ["203.0.113.7"], selector: { "app.kubernetes.io/name": "alertmanager" }, ports: [{ port: 80 }] }, {}, "ops")]), [
            `alerts: Service ops/alerts with externalIPs exposes Alertmanager outside the cluster without authentication (it has none of its own): anyone who reaches it can read every alert and silence it. Make it ClusterIP and reach it with kubectl port-forward, or ${UI_FRONT}.`,
        ]);
    });

    it("flags Grafana on a load balancer only when its rendered config turns authentication off (its ConfigMap's grafana.ini, or its pods' GF_ environment)", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), grafanaIni(ANONYMOUS_INI)]), [
            `kps-grafana: Service monitoring/kps-grafana of type LoadBalancer exposes Grafana outside the cluster with its authentication off (ConfigMap monitoring/kps-grafana grafana.ini [auth.anonymous] enabled is "true": anonymous access): anyone who reaches it can read every dashboard and query its data sources. Turn its authentication back on, make it ClusterIP and reach it with kubectl port-forward, or ${UI_FRONT}.`,
        ]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), grafanaIni("[auth.anonymous]\nenabled = false\n")]), []);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer")]), [], "no config: Grafana's default login");
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), grafanaIni(ANONYMOUS_INI, "other")]), [], "another release's Grafana");
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), grafanaIni(ANONYMOUS_INI, "kps", "elsewhere")]), [], "another namespace's Grafana");
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("ClusterIP"), grafanaIni(ANONYMOUS_INI)]), []);
        const deployment: RawResource = {
            type: "kubernetes:apps/v1:Deployment", name: "kps-grafana",
            props: {
                metadata: { name: "kps-grafana", namespace: "monitoring" },
                spec: { template: { metadata: { labels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "kps" } }, spec: { containers: [{ name: "grafana", env: [{ name: "GF_AUTH_ANONYMOUS_ENABLED", value: "true" }] }] } } },
            },
        };
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("NodePort"), deployment]), [
            `kps-grafana: Service monitoring/kps-grafana of type NodePort exposes Grafana outside the cluster with its authentication off (Deployment monitoring/kps-grafana env GF_AUTH_ANONYMOUS_ENABLED is "true": anonymous access): anyone who reaches it can read every dashboard and query its data sources. Turn its authentication back on, make it ClusterIP and reach it with kubectl port-forward, or ${UI_FRONT}.`,
        ]);
    });

    it("says when nothing in the stack reaches a monitoring UI", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [service("api", { type: "LoadBalancer", ports: [{ port: 443, targetPort: 8000 }] }, {}, "llm")]), [
            "not applicable: no Service, Ingress or Gateway route in this stack reaches Grafana, Prometheus or Alertmanager",
        ]);
    });
});

describe("policy monitoring-ui-exposure: Ingresses and Gateway routes", () => {
    const ingress = (backend: object, annotations: object = {}, labels: object = {}): RawResource => ({
        type: "kubernetes:networking.k8s.io/v1:Ingress", name: "ui",
        props: { metadata: { name: "ui", namespace: "monitoring", annotations, labels }, spec: { rules: [{ host: "ui.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: backend } }] } }] } },
    });

    it("flags an Ingress without authentication to Prometheus (by its Service or port) and to anonymous Grafana (by its Service); passes it with authentication", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [ingress({ name: "kps-prometheus", port: { number: 9090 } })]), [
            `ui: Ingress monitoring/ui, ${NO_AUTH_INGRESS}, exposes Prometheus outside the cluster without authentication (it has none of its own): anyone who reaches it can read every metric. Add that authentication, or remove the Ingress and reach it with kubectl port-forward.`,
        ]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [ingress({ name: "kps-prometheus", port: { number: 9090 } }, { "alb.ingress.kubernetes.io/auth-type": "oidc" })]), []);
        const grafana = [grafanaService("ClusterIP"), grafanaIni(ANONYMOUS_INI), ingress({ name: "kps-grafana", port: { number: 80 } })];
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, grafana), [
            `ui: Ingress monitoring/ui, ${NO_AUTH_INGRESS}, exposes Grafana outside the cluster with its authentication off (ConfigMap monitoring/kps-grafana grafana.ini [auth.anonymous] enabled is "true": anonymous access): anyone who reaches it can read every dashboard and query its data sources. Turn its authentication back on, add that authentication, or remove the Ingress and reach it with kubectl port-forward.`,
        ]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafana[0], grafana[1], ingress({ name: "kps-grafana", port: { number: 80 } }, { "nginx.ingress.kubernetes.io/auth-url": "https://oauth2.example.com/oauth2/auth" })]), []);
    });

    it("recognises an Ingress by its chart's labels when neither its Service nor its port says what it reaches", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [ingress({ name: "am", port: { number: 80 } }, {}, { "app.kubernetes.io/name": "alertmanager" })]), [
            `ui: Ingress monitoring/ui, ${NO_AUTH_INGRESS}, exposes Alertmanager outside the cluster without authentication (it has none of its own): anyone who reaches it can read every alert and silence it. Add that authentication, or remove the Ingress and reach it with kubectl port-forward.`,
        ]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [ingress({ name: "am", port: { number: 80 } }, {}, { "app.kubernetes.io/name": "docs" })]), [
            "not applicable: no Service, Ingress or Gateway route in this stack reaches Grafana, Prometheus or Alertmanager",
        ]);
    });

    const route = (backend: object, parent = "public"): RawResource => ({
        type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", name: "alerts",
        props: { metadata: { name: "alerts", namespace: "monitoring" }, spec: { parentRefs: [{ name: parent }], rules: [{ backendRefs: [backend] }] } },
    });
    const securityPolicy = (targetRefs: object[], auth: object): RawResource => ({
        type: "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy", name: "sso",
        props: { metadata: { name: "sso", namespace: "monitoring" }, spec: { targetRefs, ...auth } },
    });
    const ROUTE_FINDING = "alerts: HTTPRoute monitoring/alerts, with no Envoy Gateway SecurityPolicy that authenticates it or its Gateway, exposes Alertmanager outside the cluster without authentication (it has none of its own): anyone who reaches it can read every alert and silence it. Attach a SecurityPolicy (oidc, basicAuth, jwt, extAuth, apiKeyAuth) to the route or its Gateway, or remove the route and reach it with kubectl port-forward.";

    it("flags a Gateway route to Alertmanager unless an Envoy Gateway SecurityPolicy authenticates the route or its Gateway", async () => {
        const backend = { name: "kps-alertmanager", port: 9093 };
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [route(backend)]), [ROUTE_FINDING]);
        const oidc = { oidc: { provider: { issuer: "https://sso.example.com" }, clientID: "ui", clientSecret: { name: "ui-oidc" } } };
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [route(backend), securityPolicy([{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "alerts" }], oidc)]), []);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [route(backend), securityPolicy([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "public" }], { basicAuth: { users: { name: "htpasswd" } } })]), []);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [route(backend), securityPolicy([{ kind: "HTTPRoute", name: "alerts" }], { cors: { allowOrigins: ["*"] } })]), [ROUTE_FINDING], "a SecurityPolicy that does not authenticate");
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [route(backend), securityPolicy([{ kind: "Gateway", name: "internal" }], oidc)]), [ROUTE_FINDING], "a SecurityPolicy on another Gateway");
    });
});

describe("policy monitoring-ui-exposure during preview", () => {
    it("identifies objects without their unknown names, namespaces and labels, and leaves an unknown deciding value to the engine", async () => {
        const unnamed = service("kps-prometheus", { type: "ClusterIP", selector: { "app.kubernetes.io/name": "prometheus" }, ports: [{ port: 9090 }] });
        (unnamed.props.metadata as Record<string, unknown>).namespace = unknownStringValue;
        (unnamed.props.metadata as Record<string, unknown>).labels = unknownObjectValue;
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [{ ...unnamed, props: unknownCheckingProxy(unnamed.props) }]), []);
        const undecided = service("kps-prometheus", { type: unknownStringValue, selector: { "app.kubernetes.io/name": "prometheus" } });
        await assert.rejects(stackViolationsOf(monitoringUiExposure, [{ ...undecided, props: unknownCheckingProxy(undecided.props) }]), UnknownValueError);
        const elsewhere = service("api", { type: unknownStringValue, selector: { "app.kubernetes.io/name": "vllm" }, ports: [{ port: 443 }] }, {}, "llm");
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [{ ...elsewhere, props: unknownCheckingProxy(elsewhere.props) }, prometheusService("ClusterIP")]), [], "another Service's unknown type is not read");
    });
});

describe("Grafana's authentication (grafanaAuthOff)", () => {
    it("reads go-ini's true values and the GF_ environment over grafana.ini", () => {
        const ini = (values: Record<string, Record<string, unknown>>) => (section: string, key: string) => values[section]?.[key];
        const where = { ini: "grafana.ini", env: "env" };
        for (const yes of [true, "true", "True", "1", "on", "yes"]) {
            assert.deepEqual(grafanaAuthOff(ini({ "auth.anonymous": { enabled: yes } }), {}, where), [`grafana.ini [auth.anonymous] enabled is ${JSON.stringify(yes)}: anonymous access`]);
        }
        for (const no of [false, "false", "0", "off", ""]) {
            assert.deepEqual(grafanaAuthOff(ini({ "auth.anonymous": { enabled: no } }), {}, where), [], JSON.stringify(no));
        }
        assert.deepEqual(grafanaAuthOff(ini({}), { GF_AUTH_PROXY_ENABLED: "true" }, where), ["env GF_AUTH_PROXY_ENABLED is \"true\" with no whitelist: any client names its user in a header"]);
        assert.deepEqual(grafanaAuthOff(ini({}), { GF_AUTH_PROXY_ENABLED: "true", GF_AUTH_PROXY_WHITELIST: "10.0.0.5" }, where), []);
    });
});

describe("helm-values-exposure and monitoring-ui-exposure in both views of a plan", () => {
    const ROOT = "urn:pulumi:test::t::pulumi:pulumi:Stack::t-test";
    /** A resource of the stack, or a child of the helm.v4.Chart `chart` when `parent` is its URN. */
    const resource = (type: string, name: string, inputs: Record<string, unknown>, custom: boolean, parent = ROOT): PlannedResource =>
        ({ urn: `urn:pulumi:test::t::${parent === ROOT ? "" : `${V4_CHART}$`}${type}::${name}`, type, name, custom, parent, dependencies: [], options: {}, inputs });
    const plan = (...resources: PlannedResource[]): PlanResult => ({
        project: "t", stack: "test", outputs: {}, destroyOrder: [],
        resources: [{ urn: ROOT, type: "pulumi:pulumi:Stack", name: "t-test", custom: false, dependencies: [], options: {}, inputs: {} }, ...resources],
    });
    const findings = async (p: PlanResult): Promise<string[]> =>
        (await evaluatePolicies(p, allPolicies, {})).map((v) => `${v.policy}: ${v.resource}: ${v.message}`);
    const values = { grafana: { service: { type: "LoadBalancer" }, ...ANONYMOUS } };
    const VALUES_FINDING = grafanaOff(`grafana.service.type is "LoadBalancer"`, "grafana.grafana.ini [auth.anonymous] enabled is true: anonymous access");

    it("a helm.v4.Chart: its values in the plan as recorded, its rendered Service in the real engine's view", async () => {
        const chart = resource(V4_CHART, "kps", { chart: "kube-prometheus-stack", repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" }, values }, false);
        assert.deepEqual(await findings(plan(chart)), [`helm-values-exposure: ${V4_CHART} kps: ${VALUES_FINDING}`]);
        assert.deepEqual(await findings(realEngineView(plan(chart))), [], "the chart arrives as {}, and this replay renders no objects");
        // What the provider registers after it: the chart's rendered objects (kube-prometheus-stack 88.5.3 with these values).
        const rendered = realEngineView(plan(chart));
        const chartUrn = rendered.resources.find((r) => r.type === V4_CHART)!.urn;
        rendered.resources.push(
            resource("kubernetes:core/v1:Service", "monitoring/kps-grafana", grafanaService("LoadBalancer").props, true, chartUrn),
            resource("kubernetes:core/v1:ConfigMap", "monitoring/kps-grafana", grafanaIni(ANONYMOUS_INI).props, true, chartUrn),
        );
        assert.deepEqual(await findings(rendered), [
            `monitoring-ui-exposure: kubernetes:core/v1:Service monitoring/kps-grafana: Service monitoring/kps-grafana of type LoadBalancer exposes Grafana outside the cluster with its authentication off (ConfigMap monitoring/kps-grafana grafana.ini [auth.anonymous] enabled is "true": anonymous access): anyone who reaches it can read every dashboard and query its data sources. Turn its authentication back on, make it ClusterIP and reach it with kubectl port-forward, or ${UI_FRONT}.`,
        ]);
    });

    it("a helm.v3.Release: its values in both views (a custom resource, whose objects are never registered)", async () => {
        const stack = plan(resource(RELEASE, "kps", { chart: "kube-prometheus-stack", values }, true));
        assert.deepEqual(await findings(stack), [`helm-values-exposure: ${RELEASE} kps: ${VALUES_FINDING}`]);
        assert.deepEqual(await findings(realEngineView(stack)), [`helm-values-exposure: ${RELEASE} kps: ${VALUES_FINDING}`]);
        const compliant = plan(resource(RELEASE, "kps", { chart: "kube-prometheus-stack", values: { grafana: { ...ANONYMOUS } } }, true));
        assert.deepEqual([await findings(compliant), await findings(realEngineView(compliant))], [[], []]);
    });
});
