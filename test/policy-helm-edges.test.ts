/**
 * The edges of policy/helm.ts that the main suite (policy-helm.test.ts) leaves open: chart
 * references, Go template truthiness, values files, grafana.ini parsing, and how the rendered
 * Services, Ingresses and Gateway routes are matched to the monitoring UIs and their Grafana
 * configuration (names, namespaces, instances, SecurityPolicy targets).
 */
import * as assert from "node:assert/strict";

import { preview, RawResource, stackViolationsOf, violationsOf } from "./support/policy";

import { chartNameOf, grafanaAuthOff, helmValuesExposure, monitoringUiExposure } from "../policy/helm";

const { unknownCheckingProxy, UnknownValueError, unknownObjectValue } = preview;

const RELEASE = "kubernetes:helm.sh/v3:Release";
const release = (chart: unknown, values: unknown, more: object = {}): RawResource => ({ type: RELEASE, name: "r", props: { chart, values, ...more } });

const FRONT = "put it behind an Ingress that authenticates (alb.ingress.kubernetes.io/auth-type oidc or cognito, nginx.ingress.kubernetes.io/auth-url for an oauth2-proxy, or nginx.ingress.kubernetes.io/auth-type basic)";
const ALERTMANAGER = "anyone who reaches it can read every alert and silence it";
const PROMETHEUS = "anyone who reaches it can read every metric";
const GRAFANA = "anyone who reaches it can read every dashboard and query its data sources";
/** A values finding for a service with no authentication of its own. */
const open = (what: string, spots: string, harm: string, chart: string) =>
    `Helm chart ${chart} exposes ${what} outside the cluster (${spots}) without authentication (it has none of its own): ${harm}. Keep it ClusterIP and reach it with kubectl port-forward, or ${FRONT}.`;
const grafanaOff = (spots: string, off: string, chart: string) =>
    `Helm chart ${chart} exposes Grafana outside the cluster (${spots}) with its authentication off (${off}): ${GRAFANA}. Turn its authentication back on, keep it ClusterIP and reach it with kubectl port-forward, or ${FRONT}.`;
const ANONYMOUS = { "grafana.ini": { "auth.anonymous": { enabled: true } } };
const NOT_APPLICABLE = "not applicable: no Service, Ingress or Gateway route in this stack reaches Grafana, Prometheus or Alertmanager";

describe("Helm chart references, edge cases (chartNameOf)", () => {
    it("trims the reference and every trailing slash", () => {
        assert.equal(chartNameOf("  grafana/grafana  "), "grafana");
        assert.equal(chartNameOf("./charts/grafana//"), "grafana");
    });

    it("strips an archive's extension, and a version only from an archive", () => {
        assert.equal(chartNameOf("grafana.tgz"), "grafana");
        assert.equal(chartNameOf("https://example.com/charts/grafana-1.12.0.tgz"), "grafana");
        assert.equal(chartNameOf("grafana-12.11.1.tar.gz"), "grafana");
        assert.equal(chartNameOf("my.tgz-chart-1.0.0"), "my.tgz-chart-1.0.0", ".tgz not at the end: no archive");
    });

    it("cuts a tag, a digest or a version only where it runs to the end of the reference (a line break stops it)", () => {
        assert.equal(chartNameOf("grafana:1.0\nx"), "grafana:1.0\nx");
        assert.equal(chartNameOf("grafana-1.2.3\n.tgz"), "grafana-1.2.3\n");
    });
});

describe("policy helm-values-exposure: value edge cases", () => {
    const perReplica = (enabled: unknown): RawResource => release("alertmanager", { servicePerReplica: { enabled, type: "LoadBalancer" } });
    const PER_REPLICA = open("Alertmanager", `servicePerReplica.type is "LoadBalancer"`, ALERTMANAGER, "alertmanager");

    it("reads a switch as Go templates do: false, 0, \"\", null and empty lists and maps are off; anything else is on", async () => {
        for (const off of [false, 0, "", null, [], {}]) {
            assert.deepEqual(await violationsOf(helmValuesExposure, perReplica(off)), [], JSON.stringify(off));
        }
        // eslint-disable-next-line no-sparse-arrays
        for (const on of [true, 1, 5, "0", "yes", [0], [, ], { a: 1 }]) {
            assert.deepEqual(await violationsOf(helmValuesExposure, perReplica(on)), [PER_REPLICA], JSON.stringify(on));
        }
    });

    it("leaves a service its own switch turns off, a route turned off, the Thanos sidecar's Service off or its Ingress authenticated, a ClusterIP Ray head, and an Ingress with digest authentication", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, release("alertmanager", { service: { enabled: false, type: "NodePort" } })), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("alertmanager", { service: { enabled: true, type: "NodePort" } })), [
            open("Alertmanager", `service.type is "NodePort"`, ALERTMANAGER, "alertmanager"),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("alertmanager", { route: { enabled: false } })), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("kube-prometheus-stack", { prometheus: { thanosService: { enabled: false, type: "LoadBalancer" } } })), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("kube-prometheus-stack", {
            prometheus: { thanosIngress: { enabled: true, annotations: { "alb.ingress.kubernetes.io/auth-type": "oidc" } } },
        })), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("ray-cluster", { head: { headService: { spec: { type: "ClusterIP" } } } })), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("alertmanager", { ingress: { enabled: true, annotations: { "nginx.ingress.kubernetes.io/auth-type": "digest" } } })), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("alertmanager", { ingress: { enabled: true, annotations: { "nginx.ingress.kubernetes.io/auth-type": "" } } })), [
            open("Alertmanager", "ingress.enabled is true with no authentication in ingress.annotations", ALERTMANAGER, "alertmanager"),
        ]);
    });

    it("reads Grafana's envRenderSecret as its environment, and lists every reason its authentication is off", async () => {
        assert.deepEqual(await violationsOf(helmValuesExposure, release("grafana", { service: { type: "LoadBalancer" }, envRenderSecret: { GF_AUTH_ANONYMOUS_ENABLED: "true" } })), [
            grafanaOff(`service.type is "LoadBalancer"`, `env GF_AUTH_ANONYMOUS_ENABLED is "true": anonymous access`, "grafana"),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("grafana", {
            service: { type: "LoadBalancer" }, "grafana.ini": { "auth.anonymous": { enabled: true }, "auth.proxy": { enabled: true } },
        })), [
            grafanaOff(`service.type is "LoadBalancer"`, "grafana.ini [auth.anonymous] enabled is true: anonymous access; grafana.ini [auth.proxy] enabled is true with no whitelist: any client names its user in a header", "grafana"),
        ]);
    });

    it("lets a null in values replace a values file's map, and skips values files that are not text", async () => {
        const file = { text: Promise.resolve("grafana:\n  service:\n    type: LoadBalancer\n  grafana.ini:\n    auth.anonymous:\n      enabled: true\n") };
        assert.deepEqual(await violationsOf(helmValuesExposure, release("kube-prometheus-stack", {}, { valueYamlFiles: [file] })), [
            grafanaOff(`grafana.service.type is "LoadBalancer"`, "grafana.grafana.ini [auth.anonymous] enabled is true: anonymous access", "kube-prometheus-stack"),
        ]);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("kube-prometheus-stack", { grafana: null }, { valueYamlFiles: [file] })), []);
        for (const notText of [null, "values.yaml", { text: undefined }, { text: Promise.resolve(42) }]) {
            assert.deepEqual(await violationsOf(helmValuesExposure, release("grafana", { service: { type: "LoadBalancer" } }, { valueYamlFiles: [notText] })), [], JSON.stringify(notText));
        }
    });

    it("takes a chart only from a string `chart` (a helm.v3.Release's `path` is no chart), and only on the Helm resources", async () => {
        const exposed = { service: { type: "LoadBalancer" }, ...ANONYMOUS };
        assert.deepEqual(await violationsOf(helmValuesExposure, { type: RELEASE, props: { path: "./charts/grafana", values: exposed } }), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, release(42, exposed)), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, release("   ", exposed)), []);
        assert.deepEqual(await violationsOf(helmValuesExposure, { type: "example:index:Dashboards", props: { chart: "grafana", values: exposed } }), []);
    });
});

describe("Grafana's authentication, edge cases (grafanaAuthOff)", () => {
    const ini = (values: Record<string, Record<string, unknown>>) => (section: string, key: string) => values[section]?.[key];
    const where = { ini: "grafana.ini", env: "env" };

    it("reads a number other than 0 as true, and a true value with spaces around it", () => {
        assert.deepEqual(grafanaAuthOff(ini({ "auth.anonymous": { enabled: 0 } }), {}, where), []);
        assert.deepEqual(grafanaAuthOff(ini({ "auth.anonymous": { enabled: 1 } }), {}, where), ["grafana.ini [auth.anonymous] enabled is 1: anonymous access"]);
        assert.deepEqual(grafanaAuthOff(ini({ "auth.anonymous": { enabled: " true " } }), {}, where), [`grafana.ini [auth.anonymous] enabled is " true ": anonymous access`]);
    });

    it("takes an empty or blank whitelist for no whitelist", () => {
        for (const whitelist of ["", "  "]) {
            assert.deepEqual(grafanaAuthOff(ini({ "auth.proxy": { enabled: true, whitelist } }), {}, where), [
                "grafana.ini [auth.proxy] enabled is true with no whitelist: any client names its user in a header",
            ], JSON.stringify(whitelist));
        }
    });
});

// ---- the rendered objects ----

const UI_FRONT = FRONT;
const NO_AUTH_INGRESS = "with no authentication in front (alb.ingress.kubernetes.io/auth-type oidc or cognito, nginx.ingress.kubernetes.io/auth-url for an oauth2-proxy, or nginx.ingress.kubernetes.io/auth-type basic)";

/** A Service; a namespace of "" leaves it unset. */
const service = (name: string, spec: object, labels: object = {}, namespace: string | null = "monitoring"): RawResource =>
    ({ type: "kubernetes:core/v1:Service", name, props: { metadata: { name, ...(namespace === "" ? {} : { namespace }), labels }, spec } });
const grafanaService = (type: string, selector: object = { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "kps" }, namespace = "monitoring") =>
    service("kps-grafana", { type, selector, ports: [{ name: "http-web", port: 80, targetPort: "grafana" }] }, {}, namespace);
/** A grafana.ini ConfigMap; `metadata` replaces its namespace and labels. */
const grafanaIni = (ini: string, instance: string | undefined = "kps", metadata: object = { namespace: "monitoring" }): RawResource => ({
    type: "kubernetes:core/v1:ConfigMap", name: "kps-grafana",
    props: {
        metadata: { name: "kps-grafana", labels: { "app.kubernetes.io/name": "grafana", ...(instance === undefined ? {} : { "app.kubernetes.io/instance": instance }) }, ...metadata },
        data: { "grafana.ini": ini },
    },
});
const ANONYMOUS_INI = "[auth.anonymous]\nenabled = true\n";
const uiService = (name: string, ns: string, type: string, what: string, harm: string) =>
    `${name}: Service ${ns} of type ${type} exposes ${what} outside the cluster without authentication (it has none of its own): ${harm}. Make it ClusterIP and reach it with kubectl port-forward, or ${UI_FRONT}.`;
const grafanaUiService = (off: string, type = "LoadBalancer", ns = "monitoring/kps-grafana") =>
    `kps-grafana: Service ${ns} of type ${type} exposes Grafana outside the cluster with its authentication off (${off}): ${GRAFANA}. Turn its authentication back on, make it ClusterIP and reach it with kubectl port-forward, or ${UI_FRONT}.`;
const CONFIGMAP_ANONYMOUS = `ConfigMap monitoring/kps-grafana grafana.ini [auth.anonymous] enabled is "true": anonymous access`;
const grafanaDeployment = (env: object[], labels: object = { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "kps" }, type = "kubernetes:apps/v1:Deployment"): RawResource => ({
    type, name: "kps-grafana",
    props: { metadata: { name: "kps-grafana", namespace: "monitoring" }, spec: { template: { metadata: { labels }, spec: { containers: [{ name: "grafana", env }] } } } },
});

describe("policy monitoring-ui-exposure: how Services are recognised", () => {
    it("recognises a monitoring UI by its `app` label, its labels without a selector, its target port, or any of its ports", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [service("am", { type: "LoadBalancer", ports: [{ port: 80 }] }, { app: "alertmanager" })]), [
            uiService("am", "monitoring/am", "LoadBalancer", "Alertmanager", ALERTMANAGER),
        ]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [service("prom", { type: "LoadBalancer", ports: [{ port: 80 }] }, { "app.kubernetes.io/name": "prometheus" })]), [
            uiService("prom", "monitoring/prom", "LoadBalancer", "Prometheus", PROMETHEUS),
        ]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [service("prom", { type: "NodePort", ports: [{ port: 80, targetPort: 9090 }] })]), [
            uiService("prom", "monitoring/prom", "NodePort", "Prometheus", PROMETHEUS),
        ]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [service("prom", { type: "NodePort", ports: [{ port: 80 }, { port: 9090 }] })]), [
            uiService("prom", "monitoring/prom", "NodePort", "Prometheus", PROMETHEUS),
        ]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [service("ui", { type: "LoadBalancer", ports: [{ port: 80, targetPort: "grafana" }] }), grafanaIni(ANONYMOUS_INI)]), [
            `ui: Service monitoring/ui of type LoadBalancer exposes Grafana outside the cluster with its authentication off (${CONFIGMAP_ANONYMOUS}): ${GRAFANA}. Turn its authentication back on, make it ClusterIP and reach it with kubectl port-forward, or ${UI_FRONT}.`,
        ]);
    });

    it("names a Service without a (string) namespace by its name alone", async () => {
        for (const namespace of ["", null]) {
            assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [service("alerts", { type: "NodePort", ports: [{ port: 9093 }] }, {}, namespace)]), [
                uiService("alerts", "alerts", "NodePort", "Alertmanager", ALERTMANAGER),
            ], String(namespace));
        }
    });

    it("passes a ClusterIP Service with an empty externalIPs list, and says nothing reaches a UI when only a ConfigMap is labelled for one", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [service("am", { type: "ClusterIP", externalIPs: [], selector: { "app.kubernetes.io/name": "alertmanager" } })]), []);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaIni(ANONYMOUS_INI)]), [NOT_APPLICABLE]);
    });

    it("passes on an error other than an unknown value from reading an object", async () => {
        const broken = service("prom", { type: "LoadBalancer", ports: [{ port: 9090 }] });
        Object.defineProperty(broken.props.spec, "selector", { enumerable: true, get: () => { throw new Error("boom"); } });
        await assert.rejects(stackViolationsOf(monitoringUiExposure, [broken]), /^Error: boom$/);
    });
});

describe("policy monitoring-ui-exposure: Grafana's rendered configuration", () => {
    const exposed = (ini: string): Promise<string[]> => stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), grafanaIni(ini)]);
    const anonymous = (value: string) => [grafanaUiService(`ConfigMap monitoring/kps-grafana grafana.ini [auth.anonymous] enabled is ${JSON.stringify(value)}: anonymous access`)];

    it("parses grafana.ini: keys before any section, indented lines, spaced section names, quoted values, comments", async () => {
        assert.deepEqual(await exposed("app_mode = production\n[auth.anonymous]\nenabled = true\n"), anonymous("true"));
        assert.deepEqual(await exposed("  [auth.anonymous]\n  enabled = true\n"), anonymous("true"));
        assert.deepEqual(await exposed("[ auth.anonymous ]\nenabled = true\n"), anonymous("true"));
        assert.deepEqual(await exposed("[auth.anonymous]\nenabled = \"true\"\n"), anonymous("true"));
        assert.deepEqual(await exposed("[auth.anonymous]\nenabled = 'on'\n"), anonymous("on"));
        assert.deepEqual(await exposed("[auth.anonymous]\nenabled = true\n; enabled = false\n# enabled = false\n\n"), anonymous("true"));
        assert.deepEqual(await exposed("[auth.anonymous]\n; enabled = true\n#enabled = true\n\nenabled = false\n"), []);
    });

    it("takes a section only from a whole [section] line, a key only from a line with one, and strips only whole quotes", async () => {
        assert.deepEqual(await exposed("[server]\nroot_url = [auth.anonymous]\nenabled = true\n"), []);
        assert.deepEqual(await exposed("[auth.anonymous] x\nenabled = true\n"), []);
        assert.deepEqual(await exposed("[auth.anonymous]\nenabled = true\nenabledx\n"), anonymous("true"));
        for (const value of ["1\"\"", "x1x", "\"tru\"e"]) {
            assert.deepEqual(await exposed(`[auth.anonymous]\nenabled = ${value}\n`), [], value);
        }
    });

    it("lists every reason Grafana's authentication is off", async () => {
        assert.deepEqual(await exposed("[auth.anonymous]\nenabled = true\n[auth.proxy]\nenabled = true\n"), [
            grafanaUiService(`${CONFIGMAP_ANONYMOUS}; ConfigMap monitoring/kps-grafana grafana.ini [auth.proxy] enabled is "true" with no whitelist: any client names its user in a header`),
        ]);
    });

    it("matches a configuration without a namespace or instance to any Grafana Service, and a Service without them to any configuration", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), grafanaIni(ANONYMOUS_INI, "kps", {})]), [
            grafanaUiService(`ConfigMap kps-grafana grafana.ini [auth.anonymous] enabled is "true": anonymous access`),
        ]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), grafanaIni(ANONYMOUS_INI, undefined)]), [grafanaUiService(CONFIGMAP_ANONYMOUS)]);
        const anywhere = grafanaService("LoadBalancer", { "app.kubernetes.io/name": "grafana" }, "");
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [anywhere, grafanaIni(ANONYMOUS_INI, "kps")]), [grafanaUiService(CONFIGMAP_ANONYMOUS, "LoadBalancer", "kps-grafana")]);
    });

    it("takes a Service's instance from its labels when its selector has none", async () => {
        const labelled = service("kps-grafana", { type: "LoadBalancer", selector: { "app.kubernetes.io/name": "grafana" }, ports: [{ port: 80 }] }, { "app.kubernetes.io/instance": "kps" });
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [labelled, grafanaIni(ANONYMOUS_INI, "other")]), []);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [labelled, grafanaIni(ANONYMOUS_INI, "kps")]), [grafanaUiService(CONFIGMAP_ANONYMOUS)]);
    });

    it("leaves a ConfigMap whose data is unknown during preview", async () => {
        const unknown: RawResource = { type: "kubernetes:core/v1:ConfigMap", name: "kps-grafana", props: { metadata: { name: "kps-grafana", namespace: "monitoring" }, data: unknownObjectValue } };
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), { ...unknown, props: unknownCheckingProxy(unknown.props) }]), []);
    });

    it("reads the environment of Grafana's own Deployments and StatefulSets, of its instance", async () => {
        const ANON_ENV = [{ name: "GF_AUTH_ANONYMOUS_ENABLED", value: "true" }];
        const envOff = (kind: string) => grafanaUiService(`${kind} monitoring/kps-grafana env GF_AUTH_ANONYMOUS_ENABLED is "true": anonymous access`);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), grafanaDeployment(ANON_ENV, undefined, "kubernetes:apps/v1:StatefulSet")]), [envOff("StatefulSet")]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), grafanaDeployment(ANON_ENV, undefined, "kubernetes:apps/v1:DaemonSet")]), []);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), grafanaDeployment(ANON_ENV, { "app.kubernetes.io/name": "prometheus" })]), []);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), grafanaDeployment(ANON_ENV, { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "other" })]), []);
    });

    it("reads only GF_ variables with a string name and a value; one without a value leaves an earlier one's", async () => {
        const deployed = (env: object[]) => stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), grafanaDeployment(env)]);
        const OFF = [grafanaUiService(`Deployment monitoring/kps-grafana env GF_AUTH_ANONYMOUS_ENABLED is "true": anonymous access`)];
        assert.deepEqual(await deployed([{ value: "x" }, { name: "GF_AUTH_ANONYMOUS_ENABLED", value: "true" }]), OFF);
        assert.deepEqual(await deployed([{ name: "GF_AUTH_ANONYMOUS_ENABLED", value: "true" }, { name: "GF_AUTH_ANONYMOUS_ENABLED", valueFrom: { secretKeyRef: { name: "g", key: "k" } } }]), OFF);
        assert.deepEqual(await deployed([{ name: ["GF_AUTH_ANONYMOUS_ENABLED"], value: "true" }]), []);
    });
});

describe("policy monitoring-ui-exposure: Ingress edge cases", () => {
    const ingress = (spec: object, labels: object = {}, type = "kubernetes:networking.k8s.io/v1:Ingress"): RawResource => ({
        type, name: "ui", props: { metadata: { name: "ui", namespace: "monitoring", labels }, spec },
    });
    const paths = (...backends: object[]) => ({ rules: [{ host: "ui.example.com", http: { paths: backends.map((service) => ({ path: "/", pathType: "Prefix", backend: { service } })) } }] });
    const finding = (what: string, harm: string) =>
        `ui: Ingress monitoring/ui, ${NO_AUTH_INGRESS}, exposes ${what} outside the cluster without authentication (it has none of its own): ${harm}. Add that authentication, or remove the Ingress and reach it with kubectl port-forward.`;
    const ALERTMANAGER_LABELS = { "app.kubernetes.io/name": "alertmanager" };

    it("reads the default backend, and only networking.k8s.io/v1 Ingresses", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [ingress({ defaultBackend: { service: { name: "kps-prometheus", port: { number: 9090 } } } })]), [finding("Prometheus", PROMETHEUS)]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [ingress(paths({ name: "am", port: { number: 80 } }), ALERTMANAGER_LABELS, "kubernetes:extensions/v1beta1:Ingress")]), [NOT_APPLICABLE]);
    });

    it("recognises an Ingress by its labels only when it has a backend", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [ingress({ rules: [{ host: "ui.example.com" }] }, ALERTMANAGER_LABELS)]), [NOT_APPLICABLE]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [ingress({}, ALERTMANAGER_LABELS)]), [NOT_APPLICABLE]);
    });

    it("matches a backend to the Service of its name only", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [
            service("kps-prometheus", { type: "ClusterIP", selector: { "app.kubernetes.io/name": "prometheus" } }),
            ingress(paths({ name: "web", port: { number: 80 } })),
        ]), []);
    });

    it("checks Grafana behind each backend against its own Service's instance", async () => {
        const stack = [grafanaService("ClusterIP"), grafanaIni(ANONYMOUS_INI, "other")];
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [...stack, ingress(paths({ name: "kps-grafana", port: { number: 80 } }))]), []);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [...stack, ingress(paths({ name: "kps-prometheus", port: { number: 9090 } }, { name: "kps-grafana", port: { number: 80 } }))]), [
            finding("Prometheus", PROMETHEUS),
        ]);
    });
});

describe("policy monitoring-ui-exposure: Gateway route edge cases", () => {
    /** An HTTPRoute "alerts" behind the Gateway "public", with one rule (without backendRefs when they are undefined). */
    const route = (backendRefs: object[] | undefined, more: { namespace?: string; labels?: object; type?: string } = {}): RawResource => ({
        type: more.type ?? "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", name: "alerts",
        props: {
            metadata: { name: "alerts", namespace: more.namespace ?? "monitoring", labels: more.labels ?? {} },
            spec: { parentRefs: [{ name: "public" }], rules: [backendRefs === undefined ? {} : { backendRefs }] },
        },
    });
    const OIDC = { oidc: { provider: { issuer: "https://sso.example.com" }, clientID: "ui", clientSecret: { name: "ui-oidc" } } };
    const policy = (spec: object, namespace = "monitoring", type = "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy"): RawResource => ({
        type, name: "sso", props: { metadata: { name: "sso", namespace }, spec: { ...OIDC, ...spec } },
    });
    const finding = (what: string, harm: string, where = "monitoring/alerts") =>
        `alerts: HTTPRoute ${where}, with no Envoy Gateway SecurityPolicy that authenticates it or its Gateway, exposes ${what} outside the cluster without authentication (it has none of its own): ${harm}. Attach a SecurityPolicy (oidc, basicAuth, jwt, extAuth, apiKeyAuth) to the route or its Gateway, or remove the route and reach it with kubectl port-forward.`;
    const ROUTE_FINDING = finding("Alertmanager", ALERTMANAGER);
    const TO_ALERTMANAGER = [{ name: "kps-alertmanager", port: 9093 }];

    it("reads only the HTTP, GRPC, TLS and TCP routes, and only their Service backends", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [route(TO_ALERTMANAGER, { type: "kubernetes:gateway.networking.k8s.io/v1alpha2:UDPRoute" })]), [NOT_APPLICABLE]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [route([{ kind: "Backend", name: "kps-alertmanager", port: 9093 }])]), [NOT_APPLICABLE]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [route([{ kind: "Service", name: "kps-alertmanager", port: 9093 }])]), [ROUTE_FINDING]);
    });

    it("says nothing reaches a UI for a route to other backends, or with no backends", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [route([{ name: "web", port: 80 }])]), [NOT_APPLICABLE]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [route(undefined, { labels: { "app.kubernetes.io/name": "alertmanager" } })]), [NOT_APPLICABLE]);
    });

    it("recognises a route by its labels, and a backend by its Service in the namespace the reference names", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [route([{ name: "am", port: 80 }], { labels: { "app.kubernetes.io/name": "alertmanager" } })]), [ROUTE_FINDING]);
        const am = service("kps-alertmanager", { type: "ClusterIP", selector: { "app.kubernetes.io/name": "alertmanager" } });
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [am, route([{ name: "kps-alertmanager", namespace: "monitoring", port: 80 }], { namespace: "web" })]), [
            finding("Alertmanager", ALERTMANAGER, "web/alerts"),
        ]);
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [am, route([{ name: "kps-alertmanager", port: 80 }], { namespace: "web" })]), []);
    });

    it("counts an authenticated route as reaching a UI", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [
            service("kps-prometheus", { type: "ClusterIP", selector: { "app.kubernetes.io/name": "prometheus" } }),
            route(TO_ALERTMANAGER), policy({ targetRefs: [{ kind: "HTTPRoute", name: "alerts" }] }),
        ]), []);
    });

    it("takes authentication only from a SecurityPolicy in the route's namespace that targets the route (targetRef or targetRefs) or its Gateway", async () => {
        const checked = (p: RawResource) => stackViolationsOf(monitoringUiExposure, [route(TO_ALERTMANAGER), p]);
        assert.deepEqual(await checked(policy({ targetRef: { kind: "HTTPRoute", name: "alerts" } })), []);
        assert.deepEqual(await checked(policy({ targetRefs: [{ kind: "Gateway", name: "internal" }, { kind: "HTTPRoute", name: "alerts" }] })), []);
        assert.deepEqual(await checked(policy({ targetRefs: [{ kind: "Gateway", name: "public" }] })), []);
        assert.deepEqual(await checked(policy({ targetRefs: [{ kind: "HTTPRoute", name: "alerts" }] }, "other")), [ROUTE_FINDING]);
        assert.deepEqual(await checked(policy({ targetRefs: [{ kind: "HTTPRoute", name: "alerts" }] }, "monitoring", "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy")), [ROUTE_FINDING]);
        for (const target of [{ kind: "HTTPRoute", name: "other" }, { kind: "GRPCRoute", name: "alerts" }, { kind: "Service", name: "public" }, { kind: "Gateway" }]) {
            assert.deepEqual(await checked(policy({ targetRefs: [target] })), [ROUTE_FINDING], JSON.stringify(target));
        }
    });

    it("checks Grafana behind each backend against its own Service's instance", async () => {
        assert.deepEqual(await stackViolationsOf(monitoringUiExposure, [
            grafanaService("ClusterIP"), grafanaIni(ANONYMOUS_INI, "other"),
            route([{ name: "kps-prometheus", port: 9090 }, { name: "kps-grafana", port: 80 }]),
        ]), [finding("Prometheus", PROMETHEUS)]);
    });
});

describe("policy monitoring-ui-exposure: unknown values", () => {
    it("rethrows an unknown value it must decide on", async () => {
        const cm: RawResource = { type: "kubernetes:core/v1:ConfigMap", name: "kps-grafana", props: { metadata: { name: "kps-grafana", namespace: "monitoring" }, data: { "grafana.ini": unknownObjectValue } } };
        await assert.rejects(stackViolationsOf(monitoringUiExposure, [grafanaService("LoadBalancer"), { ...cm, props: unknownCheckingProxy(cm.props) }]), UnknownValueError);
    });
});
