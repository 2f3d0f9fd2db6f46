/**
 * The Helm charts installed beside Ray, and the dashboards beyond Ray's: Grafana, Prometheus and
 * Alertmanager are never reachable from outside the cluster without authentication, and neither
 * are the KubeRay API server, the Ray head, or the KubeRay operator's and DCGM exporter's metrics.
 *
 * Two views, as the engine gives them:
 * - `helm-values-exposure` reads a chart's values: a Helm v4 Chart's in the plan as recorded (the
 *   real engine registers a v4 Chart without inputs, and its rendered objects carry the values),
 *   a Helm v3 Release's in both views (a custom resource, whose objects are never registered),
 *   and a Helm v3 Chart's (a local component, whose objects are registered too). A value that
 *   exposes a service, or turns its authentication off, counts as much as the Service it renders.
 *   Values in `valueYamlFiles` are read when they are text (a StringAsset); a file's are not seen.
 * - `monitoring-ui-exposure` reads the rendered objects: Services, Ingresses and Gateway routes
 *   that reach Grafana, Prometheus or Alertmanager (by the labels their charts give them, or their
 *   ports 3000, 9090 and 9093), with Grafana's configuration from its ConfigMap and environment.
 *
 * The charts' value paths are those of kube-prometheus-stack 88.5.3, grafana 12.11.1,
 * kuberay-operator, kuberay-apiserver and ray-cluster 1.7.0 and dcgm-exporter 4.8.2; the charts
 * this package installs otherwise (nvidia-device-plugin 0.20.0, karpenter 1.14.1,
 * aws-load-balancer-controller 3.5.0) have no value that exposes a service.
 */
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as YAML from "yaml";

import { at, componentInputs, withoutInputs } from "./common";
import { RAY_PORT_TABLE } from "./ray";

const mandatory = "mandatory" as const;
type Props = Record<string, unknown>;

export const HELM_V4_CHART = "kubernetes:helm.sh/v4:Chart";
export const HELM_V3_RELEASE = "kubernetes:helm.sh/v3:Release";
export const HELM_V3_CHART = "kubernetes:helm.sh/v3:Chart";

const EXTERNAL_TYPES: readonly unknown[] = ["LoadBalancer", "NodePort"];

/** Whether a Service type reaches outside the cluster (LoadBalancer or NodePort). */
function isExternalType(type: unknown): type is string {
    return EXTERNAL_TYPES.includes(type);
}

/** What puts an authenticating proxy in front of an Ingress. */
export const INGRESS_AUTH = "alb.ingress.kubernetes.io/auth-type oidc or cognito, nginx.ingress.kubernetes.io/auth-url for an oauth2-proxy, or nginx.ingress.kubernetes.io/auth-type basic";
const AUTH_IN_FRONT = `put it behind an Ingress that authenticates (${INGRESS_AUTH})`;

/** Whether an Ingress's annotations put authentication in front of its backends (the AWS Load Balancer Controller's or ingress-nginx's). */
export function ingressAuthenticates(annotations: unknown): boolean {
    const a = (annotations !== null && typeof annotations === "object" ? annotations : {}) as Record<string, unknown>;
    return ["oidc", "cognito"].includes(String(a["alb.ingress.kubernetes.io/auth-type"]))
        || typeof a["nginx.ingress.kubernetes.io/auth-url"] === "string"
        || ["basic", "digest"].includes(String(a["nginx.ingress.kubernetes.io/auth-type"]));
}

/**
 * The chart's name in a chart reference: "kube-prometheus-stack", "prometheus-community/kube-prometheus-stack",
 * "oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack" (with a :tag or @digest),
 * "https://.../kube-prometheus-stack-88.5.3.tgz" or a local directory "./charts/grafana".
 */
export function chartNameOf(ref: string): string {
    const last = ref.trim().replace(/\/+$/, "").split("/").pop() as string;
    const archive = /\.(tgz|tar\.gz)$/.test(last);
    const name = last.replace(/\.(tgz|tar\.gz)$/, "").replace(/[:@].*$/, "");
    return archive ? name.replace(/-v?\d+\.\d+\.\d+.*$/, "") : name;
}

/** Go templates' truthiness (`{{ if .Values.x }}`): false, 0, "", null and empty lists and maps are false. */
function truthy(v: unknown): boolean {
    if (v === undefined || v === null || v === false || v === 0 || v === "") {
        return false;
    }
    if (Array.isArray(v)) {
        return v.length > 0;
    }
    return typeof v === "object" ? Object.keys(v as object).length > 0 : true;
}

function isMap(v: unknown): v is Props {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A list's items; none when it is not a list. */
function asList(v: unknown): unknown[] {
    return Array.isArray(v) ? v : [];
}

/** Helm's merge of user values: maps merge key by key, anything else (null included) replaces. */
function coalesce(base: unknown, over: unknown): unknown {
    if (!isMap(base) || !isMap(over)) {
        return over;
    }
    const out: Props = { ...base };
    for (const key of Object.keys(over)) {
        out[key] = coalesce(base[key], over[key]);
    }
    return out;
}

/** An asset's text when the engine shows it (a StringAsset), else undefined. */
async function assetText(asset: unknown): Promise<string | undefined> {
    if (!isMap(asset) || !("text" in asset)) {
        return undefined;
    }
    const text = await (asset.text as Promise<unknown> | unknown);
    return typeof text === "string" ? text : undefined;
}

/** The values a Helm resource gives its chart: its values files' (those given as text), then `values` over them. */
async function chartValues(inputs: Props): Promise<Props> {
    const texts: string[] = [];
    const files = inputs.valueYamlFiles;
    for (const file of asList(files)) {
        const text = await assetText(file);
        if (text !== undefined) {
            texts.push(text);
        }
    }
    const values = isMap(inputs.values) ? inputs.values : {};
    // Without files, `values` as they are: a merge would read every value, those unknown during preview too.
    return texts.length === 0 ? values : coalesce(texts.reduce<unknown>((merged, t) => coalesce(merged, YAML.parse(t) ?? {}), {}), values) as Props;
}

/** The chart a Helm resource installs, by name ("" for a blank reference, which names no chart checked); undefined when it names none. */
function chartOf(type: string, inputs: Props): string | undefined {
    const ref = inputs.chart ?? (type === HELM_V3_CHART ? inputs.path : undefined);
    return typeof ref === "string" ? chartNameOf(ref) : undefined;
}

// ---- what exposes a service, in a chart's values ----

const path = (...keys: string[]): string => keys.join(".");

/**
 * The values that expose one service of a chart outside the cluster, in the shape the
 * prometheus-community, grafana-community and KubeRay charts share: `service.type`,
 * `servicePerReplica` (enabled, type), `ingress` and `ingressPerReplica` (enabled, without an
 * authenticating annotation), and Gateway routes `route.<name>.enabled` (or a single `route.enabled`).
 */
function exposingValues(values: Props, base: string[], serviceSwitch = "enabled"): string[] {
    const found: string[] = [];
    const service = at(values, ...base, "service");
    const serviceOn = at(service, serviceSwitch);
    const type = at(service, "type");
    if ((serviceOn === undefined || truthy(serviceOn)) && isExternalType(type)) {
        found.push(`${path(...base, "service", "type")} is ${JSON.stringify(type)}`);
    }
    const perReplica = at(values, ...base, "servicePerReplica");
    const perReplicaType = at(perReplica, "type");
    if (truthy(at(perReplica, "enabled")) && isExternalType(perReplicaType)) {
        found.push(`${path(...base, "servicePerReplica", "type")} is ${JSON.stringify(perReplicaType)}`);
    }
    for (const key of ["ingress", "ingressPerReplica"]) {
        const ingress = at(values, ...base, key);
        if (truthy(at(ingress, "enabled")) && !ingressAuthenticates(at(ingress, "annotations"))) {
            found.push(`${path(...base, key, "enabled")} is true with no authentication in ${path(...base, key, "annotations")}`);
        }
    }
    const route = at(values, ...base, "route");
    if (isMap(route) && "enabled" in route && !isMap(route.enabled)) {
        if (truthy(route.enabled)) {
            found.push(`${path(...base, "route", "enabled")} is true`);
        }
    } else if (isMap(route)) {
        for (const name of Object.keys(route)) {
            if (truthy(at(route, name, "enabled"))) {
                found.push(`${path(...base, "route", name, "enabled")} is true`);
            }
        }
    }
    return found;
}

/** kube-prometheus-stack's Services and Ingress for Prometheus's Thanos sidecar (its StoreAPI serves every metric). */
function thanosSidecarValues(values: Props): string[] {
    const found: string[] = [];
    const internal = at(values, "prometheus", "thanosService");
    const internalType = at(internal, "type");
    if (truthy(at(internal, "enabled")) && isExternalType(internalType)) {
        found.push(`prometheus.thanosService.type is ${JSON.stringify(internalType)} (the Thanos sidecar)`);
    }
    const external = at(values, "prometheus", "thanosServiceExternal");
    // Its type defaults to LoadBalancer (values.yaml).
    const externalType = at(external, "type") ?? "LoadBalancer";
    if (truthy(at(external, "enabled")) && isExternalType(externalType)) {
        found.push(`prometheus.thanosServiceExternal.enabled is true (the Thanos sidecar on a ${externalType} Service)`);
    }
    const ingress = at(values, "prometheus", "thanosIngress");
    if (truthy(at(ingress, "enabled")) && !ingressAuthenticates(at(ingress, "annotations"))) {
        found.push("prometheus.thanosIngress.enabled is true with no authentication in prometheus.thanosIngress.annotations (the Thanos sidecar)");
    }
    return found;
}

// ---- Grafana's authentication ----

/** go-ini's true values (Grafana reads its booleans with go-ini's `MustBool`). */
const INI_TRUE = ["1", "t", "T", "true", "TRUE", "True", "YES", "yes", "Yes", "y", "ON", "on", "On"];

function iniTrue(v: unknown): boolean {
    return v === true || (typeof v === "number" && v !== 0) || (typeof v === "string" && INI_TRUE.includes(v.trim()));
}

/**
 * Why Grafana's authentication is off: anonymous access (`[auth.anonymous] enabled`), or the auth
 * proxy (`[auth.proxy] enabled`) with no `whitelist`, so anyone who reaches Grafana names the user
 * it logs in as in a header. A `GF_<SECTION>_<KEY>` environment variable overrides grafana.ini
 * (Grafana's configuration docs). Hiding the login form (`[auth] disable_login_form`) does not
 * turn authentication off. `where` names the two sources in messages.
 */
export function grafanaAuthOff(ini: (section: string, key: string) => unknown, env: Record<string, unknown>, where: { ini: string; env: string }): string[] {
    const setting = (section: string, key: string): { value: unknown; from: string } => {
        const name = `GF_${section.replace(/\./g, "_").toUpperCase()}_${key.toUpperCase()}`;
        return name in env ? { value: env[name], from: `${where.env} ${name}` } : { value: ini(section, key), from: `${where.ini} [${section}] ${key}` };
    };
    const reasons: string[] = [];
    const anonymous = setting("auth.anonymous", "enabled");
    if (iniTrue(anonymous.value)) {
        reasons.push(`${anonymous.from} is ${JSON.stringify(anonymous.value)}: anonymous access`);
    }
    const proxy = setting("auth.proxy", "enabled");
    const whitelist = setting("auth.proxy", "whitelist").value;
    if (iniTrue(proxy.value) && !(typeof whitelist === "string" && whitelist.trim() !== "")) {
        reasons.push(`${proxy.from} is ${JSON.stringify(proxy.value)} with no whitelist: any client names its user in a header`);
    }
    return reasons;
}

/** Grafana's authentication as a chart's values set it (grafana.ini, env and envRenderSecret under `base`). */
function grafanaValuesAuthOff(values: Props, base: string[]): string[] {
    const envOf = (key: string): Props => {
        const v = at(values, ...base, key);
        return isMap(v) ? v : {};
    };
    const env = { ...envOf("envRenderSecret"), ...envOf("env") };
    return grafanaAuthOff((section, key) => at(values, ...base, "grafana.ini", section, key), env, { ini: path(...base, "grafana.ini"), env: path(...base, "env") });
}

// ---- the charts ----

/** One service a chart can expose: what it is, where its values sit, and how it authenticates. */
interface ChartService {
    what: string;
    base: string[];
    /** Whether it is installed when its own `<base>.enabled` is unset; undefined when it has no such switch. */
    enabledByDefault?: boolean;
    /** "none": it has no authentication of its own; "grafana": Grafana's login, unless its values turn it off; "security-proxy": the KubeRay API server's. */
    auth: "none" | "grafana" | "security-proxy";
    /** What anyone who reaches it can do. */
    harm: string;
    /** The values that expose it. */
    exposing: (values: Props) => string[];
    /** The fix, when not the usual one. */
    fix?: string;
}

const GRAFANA_HARM = "anyone who reaches it can read every dashboard and query its data sources";
const PROMETHEUS_HARM = "anyone who reaches it can read every metric";
const ALERTMANAGER_HARM = "anyone who reaches it can read every alert and silence it";

function grafana(base: string[], enabledByDefault?: boolean): ChartService {
    return { what: "Grafana", base, enabledByDefault, auth: "grafana", harm: GRAFANA_HARM, exposing: (v) => exposingValues(v, base) };
}

function alertmanager(base: string[], enabledByDefault?: boolean): ChartService {
    return { what: "Alertmanager", base, enabledByDefault, auth: "none", harm: ALERTMANAGER_HARM, exposing: (v) => exposingValues(v, base) };
}

const RAY_HEAD_FIX = `set it to "ClusterIP" (or leave it unset) and reach the dashboard with kubectl port-forward`;

/** The charts checked, by chart name, with the services each can expose. */
export const CHART_SERVICES: Readonly<Record<string, ChartService[]>> = {
    "kube-prometheus-stack": [
        grafana(["grafana"], true),
        { what: "Prometheus", base: ["prometheus"], enabledByDefault: true, auth: "none", harm: PROMETHEUS_HARM, exposing: (v) => [...exposingValues(v, ["prometheus"]), ...thanosSidecarValues(v)] },
        alertmanager(["alertmanager"], true),
        { what: "Thanos Ruler", base: ["thanosRuler"], enabledByDefault: false, auth: "none", harm: "anyone who reaches it can read its rules and alerts", exposing: (v) => exposingValues(v, ["thanosRuler"]) },
    ],
    "grafana": [grafana([])],
    "prometheus": [
        { what: "Prometheus", base: ["server"], auth: "none", harm: PROMETHEUS_HARM, exposing: (v) => exposingValues(v, ["server"]) },
        alertmanager(["alertmanager"], true),
    ],
    "alertmanager": [alertmanager([])],
    "kuberay-apiserver": [{
        what: "the KubeRay API server", base: [], auth: "security-proxy",
        harm: "anyone who reaches it can create Ray clusters and jobs, that is, run code on the cluster",
        exposing: (v) => exposingValues(v, []),
    }],
    "kuberay-operator": [{
        what: "the KubeRay operator's metrics", base: [], auth: "none", harm: "anyone who reaches them can read what the operator runs",
        exposing: (v) => exposingValues(v, []),
    }],
    "ray-cluster": [{
        what: "the Ray head", base: [], auth: "none",
        harm: `anyone who reaches its dashboard (${RAY_PORT_TABLE.dashboard.port}) or client (${RAY_PORT_TABLE.client.port}) port can run code on the cluster (CVE-2023-48022)`,
        exposing: (v) => {
            const found: string[] = [];
            // ray-cluster 1.7.0 templates/raycluster-cluster.yaml: headGroupSpec.serviceType is service.type,
            // and headGroupSpec.headService is head.headService.
            const type = at(v, "service", "type");
            if (isExternalType(type)) {
                found.push(`service.type is ${JSON.stringify(type)}, which the chart makes the head's serviceType`);
            }
            const headType = at(v, "head", "headService", "spec", "type");
            if (isExternalType(headType)) {
                found.push(`head.headService.spec.type is ${JSON.stringify(headType)}`);
            }
            return found;
        },
        fix: RAY_HEAD_FIX,
    }],
    "dcgm-exporter": [{
        what: "the DCGM exporter's GPU metrics", base: [], auth: "none", harm: "anyone who reaches them can read every GPU's metrics",
        // dcgm-exporter's switch is service.enable.
        exposing: (v) => exposingValues(v, [], "enable"),
    }],
};

/** The violations of one chart's values. */
function chartFindings(chart: string, values: Props): string[] {
    const messages: string[] = [];
    for (const s of CHART_SERVICES[chart]) {
        if (s.enabledByDefault !== undefined) {
            const enabled = at(values, ...s.base, "enabled");
            if (!(enabled === undefined ? s.enabledByDefault : truthy(enabled))) {
                continue;
            }
        }
        const exposing = s.exposing(values);
        if (exposing.length === 0) {
            continue;
        }
        const where = `Helm chart ${chart} exposes ${s.what} outside the cluster (${exposing.join("; ")})`;
        if (s.auth === "grafana") {
            const off = grafanaValuesAuthOff(values, s.base);
            if (off.length > 0) {
                messages.push(`${where} with its authentication off (${off.join("; ")}): ${s.harm}. Turn its authentication back on, keep it ClusterIP and reach it with kubectl port-forward, or ${AUTH_IN_FRONT}.`);
            }
        } else if (s.auth === "security-proxy") {
            // Unset, the chart's default runs the security proxy; `security: null` removes it.
            if ("security" in values && !truthy(values.security)) {
                messages.push(`${where} with its security proxy off (security is ${JSON.stringify(values.security)}): ${s.harm}. Keep the security proxy (the chart's default security values, with SECURITY_TOKEN from a Secret), keep it ClusterIP and reach it with kubectl port-forward, or ${AUTH_IN_FRONT}.`);
            }
        } else {
            messages.push(`${where} without authentication (it has none of its own): ${s.harm}. ${s.fix ? `${s.fix[0].toUpperCase()}${s.fix.slice(1)}` : `Keep it ClusterIP and reach it with kubectl port-forward, or ${AUTH_IN_FRONT}`}.`);
        }
    }
    return messages;
}

/** No Helm chart's values expose a dashboard, API or metrics endpoint outside the cluster without authentication. */
export const helmValuesExposure: ResourceValidationPolicy = {
    name: "helm-values-exposure",
    description: "A Helm chart's values (helm.v4.Chart, helm.v3.Release, helm.v3.Chart) expose nothing outside the cluster without authentication: Grafana with its authentication off, Prometheus, Alertmanager, Thanos (kube-prometheus-stack, grafana, prometheus, alertmanager), the KubeRay API server without its security proxy, the Ray head (ray-cluster), and the KubeRay operator's and DCGM exporter's metrics.",
    enforcementLevel: mandatory,
    validateResource: async (args, reportViolation) => {
        if (![HELM_V4_CHART, HELM_V3_RELEASE, HELM_V3_CHART].includes(args.type)) {
            return;
        }
        const inputs = args.type === HELM_V4_CHART ? componentInputs(args.props) ?? args.notApplicable(withoutInputs(args.type)) : args.props;
        const chart = chartOf(args.type, inputs);
        if (chart === undefined || !(chart in CHART_SERVICES)) {
            return;
        }
        for (const message of chartFindings(chart, await chartValues(inputs))) {
            reportViolation(message);
        }
    },
};

// ---- the rendered objects: Services, Ingresses and Gateway routes to Grafana, Prometheus and Alertmanager ----

type MonitoringApp = "grafana" | "prometheus" | "alertmanager";

/** The monitoring UIs, with the port each listens on (Grafana's container port, Prometheus's and Alertmanager's web ports). */
export const MONITORING_UIS: Readonly<Record<MonitoringApp, { what: string; port: number; harm: string }>> = {
    grafana: { what: "Grafana", port: 3000, harm: GRAFANA_HARM },
    prometheus: { what: "Prometheus", port: 9090, harm: PROMETHEUS_HARM },
    alertmanager: { what: "Alertmanager", port: 9093, harm: ALERTMANAGER_HARM },
};

type StackResource = { type: string; name: string; urn?: string; props: Props };

/** A value that only identifies an object (a name, a namespace, a label): undefined when it is unknown during preview. */
function tolerant<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (e) {
        if (e instanceof Error && e.constructor.name === "UnknownValueError") {
            return undefined;
        }
        throw e;
    }
}

function text(read: () => unknown): string | undefined {
    const v = tolerant(read);
    return typeof v === "string" ? v : undefined;
}

function appOfLabels(labels: unknown): MonitoringApp | undefined {
    for (const key of ["app.kubernetes.io/name", "app"]) {
        const v = text(() => at(labels, key));
        if (v !== undefined && v in MONITORING_UIS) {
            return v as MonitoringApp;
        }
    }
    return undefined;
}

function appOfPort(port: unknown, targetPort?: unknown): MonitoringApp | undefined {
    if (targetPort === "grafana") {
        return "grafana";
    }
    return (Object.keys(MONITORING_UIS) as MonitoringApp[]).find((app) => port === MONITORING_UIS[app].port || targetPort === MONITORING_UIS[app].port);
}

/** An object's place: its namespace (undefined: unset or unknown, which matches any) and name. */
interface Place { namespace?: string; name: string }

function placeOf(r: StackResource): Place {
    return { namespace: text(() => at(r.props, "metadata", "namespace")), name: text(() => at(r.props, "metadata", "name")) ?? r.name };
}

function sameNamespace(a?: string, b?: string): boolean {
    return a === undefined || b === undefined || a === b;
}

function show(p: Place): string {
    return p.namespace === undefined ? p.name : `${p.namespace}/${p.name}`;
}

/** A Service the stack declares, with the monitoring UI it selects (by selector, labels or ports). */
interface ServiceFound { r: StackResource; place: Place; app?: MonitoringApp; instance?: string }

function serviceFound(r: StackResource): ServiceFound {
    const selector = tolerant(() => at(r.props, "spec", "selector"));
    const labels = tolerant(() => at(r.props, "metadata", "labels"));
    const ports = tolerant(() => at(r.props, "spec", "ports"));
    const byPort = asList(ports).map((p) => tolerant(() => appOfPort(at(p, "port"), at(p, "targetPort")))).find((a) => a !== undefined);
    const instance = text(() => at(selector, "app.kubernetes.io/instance")) ?? text(() => at(labels, "app.kubernetes.io/instance"));
    return { r, place: placeOf(r), app: appOfLabels(selector) ?? appOfLabels(labels) ?? byPort, ...(instance ? { instance } : {}) };
}

/** Grafana's configuration as the stack renders it: grafana.ini ConfigMaps, and the env of Grafana's pods. */
interface GrafanaConfig { place: Place; instance?: string; reasons: () => string[] }

function parseIni(source: string): Record<string, Record<string, string>> {
    const sections: Record<string, Record<string, string>> = { "": {} };
    let current = "";
    for (const raw of source.split(/\r?\n/)) {
        // A blank or comment line (; or #) is neither a section nor a key that is read: it adds nothing.
        const line = raw.trim();
        const section = /^\[(.+)\]$/.exec(line);
        if (section) {
            current = section[1].trim();
            sections[current] = sections[current] ?? {};
            continue;
        }
        const eq = line.indexOf("=");
        if (eq > 0) {
            sections[current][line.slice(0, eq).trim()] = line.slice(eq + 1).trim().replace(/^(["'])(.*)\1$/, "$2");
        }
    }
    return sections;
}

const WORKLOAD_TYPES = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];

function grafanaConfigs(resources: StackResource[]): GrafanaConfig[] {
    const configs: GrafanaConfig[] = [];
    for (const r of resources) {
        if (r.type === "kubernetes:core/v1:ConfigMap") {
            const keys = tolerant(() => Object.keys((at(r.props, "data") ?? {}) as object));
            if (!keys?.includes("grafana.ini")) {
                continue;
            }
            const place = placeOf(r);
            const instance = text(() => at(r.props, "metadata", "labels", "app.kubernetes.io/instance"));
            configs.push({
                place,
                ...(instance ? { instance } : {}),
                reasons: () => {
                    // Deciding: an unknown grafana.ini is left to the engine.
                    const ini = parseIni(String(at(r.props, "data", "grafana.ini")));
                    return grafanaAuthOff((section, key) => ini[section]?.[key], {}, { ini: `ConfigMap ${show(place)} grafana.ini`, env: "" });
                },
            });
        } else if (WORKLOAD_TYPES.includes(r.type)) {
            const podLabels = tolerant(() => at(r.props, "spec", "template", "metadata", "labels"));
            if (appOfLabels(podLabels) !== "grafana") {
                continue;
            }
            const place = placeOf(r);
            const instance = text(() => at(podLabels, "app.kubernetes.io/instance"));
            const kind = r.type.split(":").pop();
            configs.push({
                place,
                ...(instance ? { instance } : {}),
                reasons: () => {
                    const containers = at(r.props, "spec", "template", "spec", "containers");
                    const env: Props = {};
                    for (const c of asList(containers)) {
                        for (const e of asList(at(c, "env"))) {
                            const [name, value] = [at(e, "name"), at(e, "value")];
                            if (typeof name === "string" && name.startsWith("GF_") && value !== undefined) {
                                env[name] = value;
                            }
                        }
                    }
                    return grafanaAuthOff(() => undefined, env, { ini: "", env: `${kind} ${show(place)} env` });
                },
            });
        }
    }
    return configs;
}

/** Why the Grafana behind a Service (or any Grafana in a namespace) has its authentication off, from the stack's Grafana configuration. */
function grafanaReasons(configs: GrafanaConfig[], namespace: string | undefined, instance: string | undefined): string[] {
    return configs
        .filter((c) => sameNamespace(c.place.namespace, namespace) && (instance === undefined || c.instance === undefined || c.instance === instance))
        .flatMap((c) => c.reasons());
}

const ROUTE_TYPE = /^kubernetes:gateway\.networking\.k8s\.io\/v1(alpha2|beta1)?:(HTTP|GRPC|TLS|TCP)Route$/;
const SECURITY_POLICY_TYPE = "kubernetes:gateway.envoyproxy.io/v1alpha1:SecurityPolicy";
/** The ways an Envoy Gateway SecurityPolicy authenticates. */
const SECURITY_POLICY_AUTH = ["oidc", "basicAuth", "jwt", "extAuth", "apiKeyAuth"];

/** What a backend (Ingress or route) reaches, by the Service it names, or its port, or the object's own labels. */
function backendApp(services: ServiceFound[], namespace: string | undefined, name: unknown, port: unknown, labels: unknown): { app?: MonitoringApp; service?: ServiceFound } {
    const service = services.find((s) => s.place.name === name && sameNamespace(s.place.namespace, namespace));
    return { app: service?.app ?? appOfPort(port) ?? appOfLabels(labels), ...(service ? { service } : {}) };
}

/** Grafana, Prometheus and Alertmanager are never reachable from outside the cluster without authentication, as the stack renders them. */
export const monitoringUiExposure: StackValidationPolicy = {
    name: "monitoring-ui-exposure",
    description: "No LoadBalancer or NodePort Service, Ingress without authentication, or Gateway route without an authenticating Envoy Gateway SecurityPolicy reaches Prometheus (9090) or Alertmanager (9093), or Grafana (3000) with its authentication off: the rendered objects, found by the labels their charts give them or their ports.",
    enforcementLevel: mandatory,
    validateStack: (args, reportViolation) => {
        const resources = args.resources as StackResource[];
        const services = resources.filter((r) => r.type === "kubernetes:core/v1:Service").map(serviceFound);
        const configs = grafanaConfigs(resources);
        const policies = resources.filter((r) => r.type === SECURITY_POLICY_TYPE);
        let reaching = 0;
        const report = (r: StackResource, app: MonitoringApp, namespace: string | undefined, instance: string | undefined, how: string, fix: string): void => {
            const ui = MONITORING_UIS[app];
            if (app === "grafana") {
                const off = grafanaReasons(configs, namespace, instance);
                if (off.length > 0) {
                    reportViolation(`${how} exposes Grafana outside the cluster with its authentication off (${off.join("; ")}): ${ui.harm}. Turn its authentication back on, ${fix}.`, r.urn);
                }
                return;
            }
            reportViolation(`${how} exposes ${ui.what} outside the cluster without authentication (it has none of its own): ${ui.harm}. ${fix[0].toUpperCase()}${fix.slice(1)}.`, r.urn);
        };

        for (const s of services.filter((x) => x.app !== undefined)) {
            reaching++;
            const type = at(s.r.props, "spec", "type");
            const externalIps = at(s.r.props, "spec", "externalIPs");
            if (isExternalType(type) || asList(externalIps).length > 0) {
                const how = isExternalType(type) ? `Service ${show(s.place)} of type ${type}` : `Service ${show(s.place)} with externalIPs`;
                report(s.r, s.app!, s.place.namespace, s.instance, how, `make it ClusterIP and reach it with kubectl port-forward, or ${AUTH_IN_FRONT}`);
            }
        }

        for (const r of resources.filter((x) => x.type === "kubernetes:networking.k8s.io/v1:Ingress")) {
            const place = placeOf(r);
            const labels = tolerant(() => at(r.props, "metadata", "labels"));
            const backends: unknown[] = [at(r.props, "spec", "defaultBackend")];
            const rules = at(r.props, "spec", "rules");
            for (const rule of asList(rules)) {
                const paths = at(rule, "http", "paths");
                backends.push(...asList(paths).map((p) => at(p, "backend")));
            }
            const reached = backends.filter((b) => b !== undefined)
                .map((b) => backendApp(services, place.namespace, at(b, "service", "name"), at(b, "service", "port", "number"), labels))
                .filter((b) => b.app !== undefined);
            if (reached.length === 0) {
                continue;
            }
            reaching++;
            if (ingressAuthenticates(at(r.props, "metadata", "annotations"))) {
                continue;
            }
            for (const app of [...new Set(reached.map((b) => b.app!))]) {
                const instance = reached.find((b) => b.app === app)?.service?.instance;
                report(r, app, place.namespace, instance, `Ingress ${show(place)}, with no authentication in front (${INGRESS_AUTH}),`, `add that authentication, or remove the Ingress and reach it with kubectl port-forward`);
            }
        }

        for (const r of resources.filter((x) => ROUTE_TYPE.test(x.type))) {
            const place = placeOf(r);
            const kind = r.type.split(":").pop()!;
            const labels = tolerant(() => at(r.props, "metadata", "labels"));
            const rules = at(r.props, "spec", "rules");
            const reached = asList(rules).flatMap((rule) => asList(at(rule, "backendRefs"))).filter((ref) => (at(ref, "kind") ?? "Service") === "Service")
                .map((ref) => backendApp(services, text(() => at(ref, "namespace")) ?? place.namespace, at(ref, "name"), at(ref, "port"), labels))
                .filter((b) => b.app !== undefined);
            if (reached.length === 0) {
                continue;
            }
            reaching++;
            const parents = at(r.props, "spec", "parentRefs");
            const gateways = asList(parents).map((p) => text(() => at(p, "name")));
            const authenticated = policies.some((sp) => {
                if (!sameNamespace(placeOf(sp).namespace, place.namespace)) {
                    return false;
                }
                const single = at(sp.props, "spec", "targetRef");
                const many = at(sp.props, "spec", "targetRefs");
                const targets = [single, ...asList(many)];
                const targeted = targets.some((t) => (at(t, "kind") === kind && at(t, "name") === place.name) || (at(t, "kind") === "Gateway" && gateways.includes(String(at(t, "name")))));
                return targeted && SECURITY_POLICY_AUTH.some((k) => at(sp.props, "spec", k) !== undefined);
            });
            if (authenticated) {
                continue;
            }
            for (const app of [...new Set(reached.map((b) => b.app!))]) {
                const instance = reached.find((b) => b.app === app)?.service?.instance;
                report(r, app, place.namespace, instance, `${kind} ${show(place)}, with no Envoy Gateway SecurityPolicy that authenticates it or its Gateway,`,
                    `attach a SecurityPolicy (${SECURITY_POLICY_AUTH.join(", ")}) to the route or its Gateway, or remove the route and reach it with kubectl port-forward`);
            }
        }

        if (reaching === 0) {
            args.notApplicable("no Service, Ingress or Gateway route in this stack reaches Grafana, Prometheus or Alertmanager");
        }
    },
};

/** The Helm-values and monitoring-UI policies, in the order the pack lists them. */
export const helmPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [helmValuesExposure, monitoringUiExposure];
