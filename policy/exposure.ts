/**
 * Ray dashboard access and port exposure. Anyone who reaches the Ray dashboard and Jobs API (8265)
 * or the Ray client port (10001) can run code on the cluster (CVE-2023-48022), and GCS (6379), the
 * metrics ports (8080, the autoscaler's 44217, the dashboard's 44227) and the dashboard agent
 * (52365) are internal too: none of them is ever exposed outside the cluster. The Serve port (8000)
 * may be, only through an internal or allowlisted load balancer with TLS. The ports come from
 * `./ray` (`RAY_PORT_TABLE`), the kinds that carry a Ray head from `RAY_KINDS`, and when a set of
 * source CIDRs reaches the internet from `./network` (`internetReach`).
 *
 * The ways a stack can take a port out of the cluster, and the policy that checks each:
 *
 * - a Service of type LoadBalancer or NodePort, or with externalIPs, by port, target port or port
 *   name (a raw Service, one a chart renders, a RayService's `serveService`, a Ray head's
 *   `headService`, a head's `serviceType`): `ray-ports-not-exposed`, `ray-head-service-internal`,
 *   `serve-port-exposure`;
 * - an Ingress of any class (v1 or v1beta1), by backend port number or name, KubeRay's head or
 *   serve Service by name, or KubeRay's own (`enableIngress`): `ray-dashboard-ingress`,
 *   `ray-head-service-internal`, `serve-port-exposure`;
 * - a Gateway API route (HTTPRoute, GRPCRoute, TCPRoute, TLSRoute, UDPRoute, any version), by a
 *   backendRef's or a request mirror's port, or KubeRay's head or serve Service by name:
 *   `ray-ports-not-exposed`, `serve-route-exposure` (with the Gateway it attaches to);
 * - the pod itself: a hostPort on any container port, or hostNetwork, on a Ray head or worker of
 *   any Ray kind: `ray-ports-not-exposed`;
 * - the network: security group rules and the EKS API endpoint open to the internet:
 *   `no-open-security-group-rules`, `eks-public-endpoint-restricted`.
 */
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { at, componentInputs, containersOf, podSpecsOf, withoutInputs } from "./common";
import { internetReach, OPEN_PREFIX } from "./network";
import { RAY_KINDS, RAY_PORT_TABLE } from "./ray";

const mandatory = "mandatory" as const;

/** Ray's ports that must stay inside the cluster, with every name KubeRay gives them (from `RAY_PORT_TABLE`). */
export const RAY_INTERNAL_PORTS: Readonly<Record<number, { what: string; names: string[] }>> = Object.fromEntries(
    Object.values(RAY_PORT_TABLE).filter((p) => p.internal).map((p) => [p.port, { what: p.what, names: [p.name, ...p.aliases] }]),
);
export const SERVE_PORT = RAY_PORT_TABLE.serve.port;
const DASHBOARD_PORT = RAY_PORT_TABLE.dashboard.port;
const CLIENT_PORT = RAY_PORT_TABLE.client.port;
/** The suffix of the Service KubeRay creates for a RayService's Serve (`<name>-serve-svc`, ray-operator utils `GenerateServeServiceName`). */
const SERVE_SERVICE_SUFFIX = "-serve-svc";
/** The suffix of the Service KubeRay creates for a Ray head (`<name>-head-svc`, `GenerateHeadServiceName`): its ports are the head's Ray ports. */
const HEAD_SERVICE_SUFFIX = "-head-svc";

/** Whether a backend names KubeRay's head Service on a port that is not Serve's (a Ray port under another number, as a custom headService maps it). */
function headServiceNonServe(service: string | undefined, port: ServicePort): boolean {
    return (service ?? "").endsWith(HEAD_SERVICE_SUFFIX) && (port.port !== undefined || port.name !== undefined) && !reachesServe(port) && rayPortOf(port) === undefined;
}

type Props = Record<string, unknown>;
interface ServicePort { port?: number; targetPort?: number | string; name?: string }

/** The Ray port a Service port or Ingress backend reaches, by number, target port or name. */
export function rayPortOf(p: ServicePort): number | undefined {
    for (const [port, { names }] of Object.entries(RAY_INTERNAL_PORTS)) {
        const n = Number(port);
        if (p.port === n || p.targetPort === n || (p.name !== undefined && names.includes(p.name)) || (typeof p.targetPort === "string" && names.includes(p.targetPort))) {
            return n;
        }
    }
    return undefined;
}

/** Whether a Service port or backend reaches Serve: port or target port 8000, or KubeRay's names ("serve", "serve-*": service.go isServingPort). */
function reachesServe(p: ServicePort): boolean {
    const serve = RAY_PORT_TABLE.serve.name;
    const named = (n: unknown): boolean => typeof n === "string" && (n === serve || n.startsWith(`${serve}-`));
    return p.port === SERVE_PORT || p.targetPort === SERVE_PORT || named(p.targetPort) || named(p.name);
}

function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

function annotations(obj: unknown): Record<string, string> {
    return (at(obj, "metadata", "annotations") ?? {}) as Record<string, string>;
}

/** A comma-separated list of CIDRs (an annotation's value) as its entries. */
function commaList(value: string | undefined): string[] {
    return (value ?? "").split(",").map((c) => c.trim()).filter((c) => c !== "");
}

/** How a Service spec leaves the cluster ("of type LoadBalancer", "with externalIPs ..."), or undefined when it stays inside. */
function externalVia(spec: Props): string | undefined {
    if (spec.type === "LoadBalancer" || spec.type === "NodePort") {
        return `of type ${spec.type}`;
    }
    const ips = list(spec.externalIPs).map(String);
    return ips.length > 0 ? `with externalIPs ${ips.join(", ")}` : undefined;
}

function servicePorts(spec: Props): ServicePort[] {
    return list(spec.ports) as ServicePort[];
}

/** Ray ports (other than Serve's) a Service spec exposes outside the cluster. */
function exposedRayPorts(spec: Props): number[] {
    if (externalVia(spec) === undefined) {
        return [];
    }
    return [...new Set(servicePorts(spec).map(rayPortOf).filter((p): p is number => p !== undefined))];
}

function describe(ports: number[]): string {
    return ports.map((p) => `${p} (${RAY_INTERNAL_PORTS[p].what})`).join(", ");
}

// ---- Gateway API routes ----

/** The Pulumi type of a Gateway API route of any kind and version, such as `kubernetes:gateway.networking.k8s.io/v1:HTTPRoute`. */
const ROUTE_TYPE = /^kubernetes:gateway\.networking\.k8s\.io\/[^:]+:(HTTPRoute|GRPCRoute|TCPRoute|TLSRoute|UDPRoute)$/;
const GATEWAY_TYPE = /^kubernetes:gateway\.networking\.k8s\.io\/[^:]+:Gateway$/;
/** The AWS Load Balancer Controller's configuration of a Gateway's load balancer. */
const LB_CONFIGURATION_TYPE = /^kubernetes:gateway\.k8s\.aws\/[^:]+:LoadBalancerConfiguration$/;

interface BackendRef { where: string; kind: string; name?: string; port?: number }

/** A route's backends: every rule's backendRefs, and the backends its request mirrors copy traffic to (Gateway API v1.6.1). */
function routeBackends(props: Props): BackendRef[] {
    const refs: BackendRef[] = [];
    const add = (ref: unknown, where: string): void => {
        if (ref !== null && typeof ref === "object") {
            const port = at(ref, "port");
            refs.push({ where, kind: String(at(ref, "kind") ?? "Service"), name: at(ref, "name") as string | undefined, port: typeof port === "number" ? port : undefined });
        }
    };
    const mirrors = (filters: unknown, where: string): void => {
        list(filters).forEach((f, k) => add(at(f, "requestMirror", "backendRef"), `${where}.filters[${k}].requestMirror.backendRef`));
    };
    list(at(props, "spec", "rules")).forEach((rule, i) => {
        list(at(rule, "backendRefs")).forEach((ref, j) => {
            add(ref, `spec.rules[${i}].backendRefs[${j}]`);
            mirrors(at(ref, "filters"), `spec.rules[${i}].backendRefs[${j}]`);
        });
        mirrors(at(rule, "filters"), `spec.rules[${i}]`);
    });
    return refs;
}

/** Whether a backend reaches Serve: its port is 8000, or it is KubeRay's serve Service (`<name>-serve-svc`, any port). */
function backendReachesServe(ref: BackendRef): boolean {
    return ref.port === SERVE_PORT || (ref.kind === "Service" && (ref.name ?? "").endsWith(SERVE_SERVICE_SUFFIX));
}

/** A Ray pod's ways onto its node's address: hostNetwork, and a hostPort on any container port (head and workers, every Ray kind). */
function hostExposures(type: string, props: Props): string[] {
    const found: string[] = [];
    for (const { where, spec } of podSpecsOf(type, props)) {
        if (spec.hostNetwork === true) {
            found.push(`${where} runs its Ray pods with hostNetwork: true, which opens every Ray port on the node's address, past the NetworkPolicies: remove hostNetwork.`);
        }
        for (const container of containersOf(spec)) {
            for (const port of list(container.ports)) {
                const hostPort = at(port, "hostPort");
                if (hostPort !== undefined && hostPort !== null && hostPort !== 0) {
                    const containerPort = Number(at(port, "containerPort"));
                    const what = RAY_INTERNAL_PORTS[containerPort] !== undefined ? ` (${RAY_INTERNAL_PORTS[containerPort].what})` : containerPort === SERVE_PORT ? " (Ray Serve's HTTP proxy)" : "";
                    found.push(`${where} container ${JSON.stringify(container.name)} maps containerPort ${containerPort}${what} to hostPort ${String(hostPort)}, which opens it on the node's address, past the NetworkPolicies: remove hostPort and reach the pod through a ClusterIP Service.`);
                }
            }
        }
    }
    return found;
}

/** No Service that leaves the cluster, no Gateway API route, and no Ray pod's host port reaches a Ray-internal port. */
export const rayPortsNotExposed: ResourceValidationPolicy = {
    name: "ray-ports-not-exposed",
    description: `No Service that leaves the cluster (LoadBalancer, NodePort or externalIPs; a RayService's serveService too) and no Gateway API route reaches a Ray-internal port: ${describe(Object.keys(RAY_INTERNAL_PORTS).map(Number))}; and no Ray pod (head or worker, of any Ray kind) binds a port on its node (hostPort, hostNetwork).`,
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        const services: { where: string; spec: Props }[] = [];
        if (args.type === "kubernetes:core/v1:Service") {
            services.push({ where: "Service", spec: (at(args.props, "spec") ?? {}) as Props });
        } else if (Object.values(RAY_KINDS).some((k) => k.type === args.type)) {
            // Without a serveService its spec is empty: a ClusterIP Service, which exposes nothing.
            if (args.type === RAY_KINDS.RayService.type) {
                services.push({ where: "RayService spec.serveService", spec: (at(args.props, "spec", "serveService", "spec") ?? {}) as Props });
            }
            hostExposures(args.type, args.props).forEach((m) => reportViolation(m));
        } else if (ROUTE_TYPE.test(args.type)) {
            const kind = args.type.split(":")[2];
            for (const ref of routeBackends(args.props)) {
                const tail = ", which must never leave the cluster; anyone who reaches the dashboard or client port can run code on the cluster (CVE-2023-48022): remove the backendRef, and reach the dashboard with kubectl port-forward.";
                const port = rayPortOf({ port: ref.port });
                if (port !== undefined) {
                    reportViolation(`${kind} ${ref.where} routes to ${ref.name ?? "(unnamed)"} on ${describe([port])}${tail}`);
                } else if (ref.kind === "Service" && headServiceNonServe(ref.name, { port: ref.port })) {
                    reportViolation(`${kind} ${ref.where} routes to ${ref.name} on ${ref.port}, a port of KubeRay's Ray head Service (its ports are the head's Ray ports)${tail}`);
                }
            }
            return;
        }
        for (const { where, spec } of services) {
            const exposed = exposedRayPorts(spec);
            if (exposed.length > 0) {
                reportViolation(`${where} ${externalVia(spec)} exposes ${describe(exposed)} outside the cluster; anyone who reaches the dashboard or client port can run code on the cluster (CVE-2023-48022): make it ClusterIP and use kubectl port-forward, or expose only Serve's port ${SERVE_PORT}.`);
            }
        }
    },
};

/**
 * The Ray head service stays ClusterIP, and KubeRay's ingress for the head is never enabled. A
 * RayJob counts too: the RayCluster KubeRay makes from its spec is no resource of the stack.
 */
export const rayHeadServiceInternal: ResourceValidationPolicy = {
    name: "ray-head-service-internal",
    description: "Ray heads (RayService, RayCluster, RayJob) use a ClusterIP service, never enable KubeRay's head ingress, and their headService exposes no Ray port.",
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        const kind = Object.values(RAY_KINDS).find((k) => k.type === args.type);
        if (kind === undefined) {
            return;
        }
        const path = [...kind.clusterSpec, "headGroupSpec"];
        const head = (at(args.props, ...path) ?? {}) as Props;
        if (head.serviceType !== undefined && head.serviceType !== "ClusterIP") {
            reportViolation(`the Ray head's serviceType is ${JSON.stringify(head.serviceType)}, which exposes the dashboard (${DASHBOARD_PORT}) and client (${CLIENT_PORT}) ports outside the cluster: set ${path.join(".")}.serviceType to "ClusterIP" (or leave it unset).`);
        }
        if (head.enableIngress === true) {
            reportViolation(`${path.join(".")}.enableIngress is set, which creates an Ingress to the Ray dashboard (anyone who reaches it can run code): remove it and reach the dashboard with kubectl port-forward.`);
        }
        const headService = at(head, "headService", "spec") as Props | undefined;
        const exposed = headService ? exposedRayPorts(headService) : [];
        if (exposed.length > 0) {
            reportViolation(`${path.join(".")}.headService ${externalVia(headService!)} exposes ${describe(exposed)} outside the cluster: make it ClusterIP, without externalIPs.`);
        }
    },
};

// ---- Ingresses ----

/** The Pulumi type of an Ingress (networking.k8s.io/v1, and the retired v1beta1 and extensions/v1beta1). */
const INGRESS_TYPE = /^kubernetes:(networking\.k8s\.io|extensions)\/v1(beta1)?:Ingress$/;

interface IngressBackend extends ServicePort { service?: string }

/** An Ingress's backends, from its default backend and every rule's paths (v1's `service.port`, v1beta1's `serviceName`/`servicePort`). */
function ingressBackends(props: Props): IngressBackend[] {
    const backends: IngressBackend[] = [];
    const add = (b: unknown): void => {
        const service = at(b, "service");
        if (service !== undefined) {
            const port = at(service, "port") as { number?: number; name?: string } | undefined;
            backends.push({ service: at(service, "name") as string | undefined, port: port?.number, name: port?.name });
            return;
        }
        const servicePort = at(b, "servicePort");
        if (servicePort !== undefined) {
            backends.push({ service: at(b, "serviceName") as string | undefined, ...(typeof servicePort === "number" ? { port: servicePort } : { name: String(servicePort) }) });
        }
    };
    add(at(props, "spec", "defaultBackend"));
    add(at(props, "spec", "backend"));
    for (const rule of list(at(props, "spec", "rules"))) {
        for (const path of list(at(rule, "http", "paths"))) {
            add(at(path, "backend"));
        }
    }
    return backends;
}

/** An Ingress reaches the dashboard only if it is internal, allowlisted and authenticated. */
export const rayDashboardIngress: ResourceValidationPolicy = {
    name: "ray-dashboard-ingress",
    description: `An Ingress of any class reaches the Ray dashboard (${DASHBOARD_PORT}) only with an internal scheme, a source CIDR allowlist that does not reach the internet, and authentication in front; never the other Ray-internal ports.`,
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        if (!INGRESS_TYPE.test(args.type)) {
            return;
        }
        const backends = ingressBackends(args.props);
        const ports = [...new Set(backends.map(rayPortOf).filter((p): p is number => p !== undefined))];
        const others = ports.filter((p) => p !== DASHBOARD_PORT);
        if (others.length > 0) {
            reportViolation(`Ingress routes to ${describe(others)}, which must never leave the cluster: remove those backends.`);
        }
        for (const b of backends.filter((x) => headServiceNonServe(x.service, x))) {
            reportViolation(`Ingress routes to ${b.service} on ${b.port ?? b.name}, a port of KubeRay's Ray head Service (its ports are the head's Ray ports), which must never leave the cluster: remove the backend, or name the dashboard's port 8265 and add its safeguards.`);
        }
        if (!ports.includes(DASHBOARD_PORT)) {
            return;
        }
        const meta = annotations(args.props);
        const missing: string[] = [];
        if (meta["alb.ingress.kubernetes.io/scheme"] !== "internal") {
            missing.push(`an internal scheme (alb.ingress.kubernetes.io/scheme: internal)`);
        }
        const cidrs = commaList(meta["alb.ingress.kubernetes.io/inbound-cidrs"]);
        const reach = internetReach(cidrs);
        if (cidrs.length === 0) {
            missing.push(`a source CIDR allowlist (alb.ingress.kubernetes.io/inbound-cidrs; unset, the load balancer admits 0.0.0.0/0)`);
        } else if (reach !== undefined) {
            missing.push(`a source CIDR allowlist (alb.ingress.kubernetes.io/inbound-cidrs admits ${reach})`);
        }
        const auth = ["oidc", "cognito"].includes(meta["alb.ingress.kubernetes.io/auth-type"]) || meta["nginx.ingress.kubernetes.io/auth-url"] !== undefined;
        if (!auth) {
            missing.push(`authentication in front (alb.ingress.kubernetes.io/auth-type: oidc or cognito, or an oauth2-proxy auth-url)`);
        }
        if (missing.length > 0) {
            reportViolation(`Ingress exposes the Ray dashboard (${DASHBOARD_PORT}), where anyone who reaches it can run code, without ${missing.join(", ")}: add them, or use kubectl port-forward instead.`);
        }
    },
};

// ---- Serve ----

const SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme";
const LEGACY_INTERNAL = "service.beta.kubernetes.io/aws-load-balancer-internal";
const SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges";
const SSL_CERT = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert";
const SSL_PORTS = "service.beta.kubernetes.io/aws-load-balancer-ssl-ports";

/**
 * Whether a load balancer Service's annotations make it internal: the scheme says "internal", or
 * no scheme is given and the legacy `aws-load-balancer-internal` is "true". The scheme wins over
 * the legacy annotation (AWS Load Balancer Controller); unset, it is internet-facing (the in-tree
 * cloud provider's default: a stack cannot tell which controller serves it).
 */
function isInternalScheme(meta: Record<string, string>): boolean {
    const scheme = meta[SCHEME];
    return scheme !== undefined ? scheme === "internal" : meta[LEGACY_INTERNAL] === "true";
}

/**
 * A load balancer's source ranges and where they come from: `spec.loadBalancerSourceRanges` when
 * it lists any, else the `load-balancer-source-ranges` annotation (Kubernetes
 * `GetLoadBalancerSourceRanges`: the field wins over the annotation); empty means everyone.
 */
function sourceRanges(spec: Props, meta: Record<string, string>): { field: string; cidrs: string[] } {
    const fromSpec = list(spec.loadBalancerSourceRanges).map(String);
    return fromSpec.length > 0 ? { field: "loadBalancerSourceRanges", cidrs: fromSpec } : { field: SOURCE_RANGES, cidrs: commaList(meta[SOURCE_RANGES]) };
}

/** Why a load balancer is reachable from the internet, or undefined when it is internal or allowlisted. */
function openLoadBalancer(internal: boolean, ranges: { field: string; cidrs: string[] }, none: string): string | undefined {
    if (internal) {
        return undefined;
    }
    if (ranges.cidrs.length === 0) {
        return none;
    }
    const reach = internetReach(ranges.cidrs);
    return reach === undefined ? undefined : `it is internet-facing and its ${ranges.field} admit ${reach}`;
}

/** Problems of a Service spec that takes Serve out of the cluster (none when it does not). */
function serveServiceProblems(meta: Record<string, string>, spec: Props): string[] {
    const via = externalVia(spec);
    const serve = servicePorts(spec).filter(reachesServe);
    if (via === undefined || serve.length === 0) {
        return [];
    }
    if (spec.type !== "LoadBalancer") {
        return [`it is ${via}, which puts it on every node's address (or those IPs) with no load balancer to hold an allowlist or terminate TLS`];
    }
    const problems: string[] = [];
    const open = openLoadBalancer(isInternalScheme(meta), sourceRanges(spec, meta), "it is internet-facing with no loadBalancerSourceRanges allowlist");
    if (open !== undefined) {
        problems.push(open);
    }
    if (meta[SSL_CERT] === undefined) {
        problems.push(`it does not terminate TLS (no ${SSL_CERT})`);
    } else {
        // The certificate applies to the ports ssl-ports lists, by number or name ("*" or unset: all).
        const sslPorts: (string | undefined)[] = commaList(meta[SSL_PORTS]);
        const plain = sslPorts.length === 0 || sslPorts.includes("*") ? [] : serve.filter((p) => !sslPorts.includes(String(p.port)) && !sslPorts.includes(p.name));
        if (plain.length > 0) {
            problems.push(`it does not terminate TLS on port ${plain.map((p) => p.port).join(", ")} (${SSL_PORTS} is ${JSON.stringify(meta[SSL_PORTS])})`);
        }
    }
    if (list(spec.externalIPs).length > 0) {
        problems.push(`it also takes traffic on its externalIPs, past the load balancer`);
    }
    return problems;
}

/** Problems of an Ingress that reaches Serve (none when it does not). */
function serveIngressProblems(props: Props): string[] {
    const backends = ingressBackends(props);
    if (!backends.some((b) => reachesServe(b) || (b.service ?? "").endsWith(SERVE_SERVICE_SUFFIX))) {
        return [];
    }
    const meta = annotations(props);
    // The allowlist: the ALB's inbound-cidrs, or ingress-nginx's allowlist (whitelist- before v1.12's rename).
    const allowlists = ["alb.ingress.kubernetes.io/inbound-cidrs", "nginx.ingress.kubernetes.io/allowlist-source-range", "nginx.ingress.kubernetes.io/whitelist-source-range"];
    const field = allowlists.find((k) => meta[k] !== undefined) ?? allowlists[0];
    const ranges = { field, cidrs: commaList(meta[field]) };
    const problems: string[] = [];
    const open = openLoadBalancer(meta["alb.ingress.kubernetes.io/scheme"] === "internal", ranges, "it is internet-facing with no source CIDR allowlist");
    if (open !== undefined) {
        problems.push(open);
    }
    if (list(at(props, "spec", "tls")).length === 0 && meta["alb.ingress.kubernetes.io/certificate-arn"] === undefined) {
        problems.push("it does not terminate TLS (no spec.tls or alb.ingress.kubernetes.io/certificate-arn)");
    }
    return problems;
}

/** Serve's port is exposed only through an internal or allowlisted load balancer with TLS. */
export const servePortExposure: ResourceValidationPolicy = {
    name: "serve-port-exposure",
    description: `Serve's port ${SERVE_PORT} leaves the cluster only through an internal or allowlisted load balancer that terminates TLS: a LoadBalancer Service (or a RayService's serveService), or an Ingress of any class; never a NodePort or externalIPs.`,
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        const found: { where: string; problems: string[]; fix: string }[] = [];
        const serviceFix = "use an internal load balancer (aws-load-balancer-scheme: internal) or source ranges, with an ACM certificate for TLS.";
        if (args.type === "kubernetes:core/v1:Service") {
            found.push({ where: "Service", problems: serveServiceProblems(annotations(args.props), (at(args.props, "spec") ?? {}) as Props), fix: serviceFix });
        } else if (args.type === RAY_KINDS.RayService.type) {
            // Without a serveService it has no annotations and an empty spec: no problems.
            const serveService = at(args.props, "spec", "serveService") as Props;
            found.push({ where: "RayService spec.serveService", problems: serveServiceProblems(annotations(serveService), (at(serveService, "spec") ?? {}) as Props), fix: serviceFix });
        } else if (INGRESS_TYPE.test(args.type)) {
            found.push({
                where: "Ingress",
                problems: serveIngressProblems(args.props),
                fix: "make it internal (alb.ingress.kubernetes.io/scheme: internal) or allowlist its sources (alb.ingress.kubernetes.io/inbound-cidrs, or ingress-nginx's allowlist-source-range), and terminate TLS (spec.tls, or alb.ingress.kubernetes.io/certificate-arn).",
            });
        }
        for (const { where, problems, fix } of found) {
            if (problems.length > 0) {
                reportViolation(`${where} exposes Serve's port ${SERVE_PORT} but ${problems.join(", and ")}: ${fix}`);
            }
        }
    },
};

// ---- Serve through a Gateway ----

interface StackResource { type: string; urn: string; props: Props }

function nameAndNamespace(props: unknown): { name: string; namespace: string } {
    return { name: String(at(props, "metadata", "name") ?? ""), namespace: String(at(props, "metadata", "namespace") ?? "") };
}

/** Why a Gateway's load balancer is reachable from the internet (see `openLoadBalancer`), from its infrastructure annotations or its AWS LoadBalancerConfiguration. */
function gatewayOpen(gateway: StackResource, resources: StackResource[]): string | undefined {
    const { namespace } = nameAndNamespace(gateway.props);
    const infraAnnotations = (at(gateway.props, "spec", "infrastructure", "annotations") ?? {}) as Record<string, string>;
    const ref = at(gateway.props, "spec", "infrastructure", "parametersRef");
    const config = at(ref, "kind") === "LoadBalancerConfiguration"
        ? resources.find((r) => LB_CONFIGURATION_TYPE.test(r.type) && nameAndNamespace(r.props).name === at(ref, "name") && nameAndNamespace(r.props).namespace === namespace)
        : undefined;
    if (config !== undefined) {
        const cidrs = list(at(config.props, "spec", "sourceRanges")).map(String);
        return openLoadBalancer(at(config.props, "spec", "scheme") === "internal", { field: "LoadBalancerConfiguration sourceRanges", cidrs }, "its LoadBalancerConfiguration is internet-facing with no sourceRanges allowlist");
    }
    return openLoadBalancer(isInternalScheme(infraAnnotations), { field: `spec.infrastructure.annotations ${SOURCE_RANGES}`, cidrs: commaList(infraAnnotations[SOURCE_RANGES]) },
        `it is internet-facing (no ${SCHEME}: internal in spec.infrastructure.annotations, nor an internal LoadBalancerConfiguration) with no source ranges allowlist`);
}

/** The listeners of a Gateway a parentRef attaches to (by sectionName and port when it gives them), that do not terminate TLS. */
function plainListeners(gateway: StackResource, parentRef: unknown): string[] {
    const sectionName = at(parentRef, "sectionName");
    const port = at(parentRef, "port");
    return list(at(gateway.props, "spec", "listeners"))
        .filter((l) => (sectionName === undefined || at(l, "name") === sectionName) && (port === undefined || at(l, "port") === port))
        .filter((l) => !(at(l, "protocol") === "HTTPS" || (at(l, "protocol") === "TLS" && (at(l, "tls", "mode") ?? "Terminate") === "Terminate")))
        .map((l) => `${String(at(l, "name"))} (${String(at(l, "protocol"))} ${String(at(l, "port"))})`);
}

/**
 * A Gateway API route reaches Serve only through Gateways of the stack that are internal or
 * allowlisted and terminate TLS. A stack policy: the route names its Gateway, and the Gateway
 * (with the AWS Load Balancer Controller's LoadBalancerConfiguration it may reference) says how
 * its load balancer is exposed.
 */
export const serveRouteExposure: StackValidationPolicy = {
    name: "serve-route-exposure",
    description: `A Gateway API route that reaches Serve's port ${SERVE_PORT} (or KubeRay's <name>${SERVE_SERVICE_SUFFIX}) attaches only to Gateways declared in the stack that are internal or allowlisted and terminate TLS on the listeners it uses.`,
    enforcementLevel: mandatory,
    validateStack: (args, reportViolation) => {
        const resources = args.resources as unknown as StackResource[];
        const gateways = resources.filter((r) => GATEWAY_TYPE.test(r.type));
        for (const route of resources.filter((r) => ROUTE_TYPE.test(r.type))) {
            const kind = route.type.split(":")[2];
            if (!routeBackends(route.props).some(backendReachesServe)) {
                continue;
            }
            const routeNamespace = nameAndNamespace(route.props).namespace;
            for (const [i, parentRef] of list(at(route.props, "spec", "parentRefs")).entries()) {
                const parentKind = String(at(parentRef, "kind") ?? "Gateway");
                // A Service parent is the mesh (GAMMA): traffic inside the cluster.
                if (parentKind === "Service") {
                    continue;
                }
                const name = String(at(parentRef, "name") ?? "");
                const namespace = String(at(parentRef, "namespace") ?? routeNamespace);
                const where = `${kind} spec.parentRefs[${i}] (${parentKind} ${namespace === "" ? "" : `${namespace}/`}${name})`;
                const gateway = parentKind === "Gateway" ? gateways.find((g) => nameAndNamespace(g.props).name === name && nameAndNamespace(g.props).namespace === namespace) : undefined;
                if (gateway === undefined) {
                    reportViolation(`${where} takes Serve's port ${SERVE_PORT} through a ${parentKind} this stack does not declare, so nothing shows it is internal or allowlisted with TLS: declare the Gateway in this stack, internal (${SCHEME}: internal in spec.infrastructure.annotations, or an internal LoadBalancerConfiguration) or allowlisted, with HTTPS or TLS listeners.`, route.urn);
                    continue;
                }
                const problems: string[] = [];
                const open = gatewayOpen(gateway, resources);
                if (open !== undefined) {
                    problems.push(open);
                }
                const plain = plainListeners(gateway, parentRef);
                if (plain.length > 0) {
                    problems.push(`its listener${plain.length === 1 ? "" : "s"} ${plain.join(", ")} do${plain.length === 1 ? "es" : ""} not terminate TLS`);
                }
                if (problems.length > 0) {
                    reportViolation(`${where} exposes Serve's port ${SERVE_PORT} but ${problems.join(", and ")}: make the Gateway internal (${SCHEME}: internal in spec.infrastructure.annotations, or a LoadBalancerConfiguration with scheme: internal) or allowlist its sources, and attach the route only to HTTPS or TLS (Terminate) listeners.`, route.urn);
                }
            }
        }
    },
};

// ---- Security groups and the EKS endpoint ----

/** Ray ports and the Kubernetes API (443) taken together, for security group checks. */
const GUARDED_PORTS = [443, SERVE_PORT, ...Object.keys(RAY_INTERNAL_PORTS).map(Number)].sort((a, b) => a - b);
/** IP protocols with ports (TCP, UDP, SCTP, by name or number); any other protocol (ICMP, ...) opens none. */
const PORT_PROTOCOLS = ["tcp", "udp", "sctp", "6", "17", "132"];

/**
 * The guarded ports a rule opens: all of them for protocol "-1" (or "all"), or for a port
 * protocol whose range is -1 (AWS's "all ports") or spans them; none for ICMP and other protocols.
 */
function opensGuardedPort(from: unknown, to: unknown, protocol: unknown): number[] {
    const p = String(protocol).toLowerCase();
    if (p === "-1" || p === "all") {
        return GUARDED_PORTS;
    }
    if (!PORT_PROTOCOLS.includes(p)) {
        return [];
    }
    const lo = Number(from ?? 0);
    const hi = Number(to ?? lo);
    if (lo === -1 || hi === -1) {
        return GUARDED_PORTS;
    }
    return GUARDED_PORTS.filter((port) => port >= lo && port <= hi);
}

function openRangeMessage(ports: number[], reach: string): string {
    return `opens port${ports.length === 1 ? "" : "s"} ${ports.join(", ")} (the Kubernetes API or Ray) to ${reach}: restrict the source to your VPC or known CIDRs, or reference a security group.`;
}

/** No security group rule opens a Ray port, Serve or the Kubernetes API to the internet. */
export const noOpenSecurityGroupRules: ResourceValidationPolicy = {
    name: "no-open-security-group-rules",
    description: `No security group rule opens a Ray port, Serve's port or the Kubernetes API (443) to the internet: to source CIDRs that together cover more public addresses than a /${OPEN_PREFIX} (0.0.0.0/0, ::/0, 0.0.0.0/1 with 128.0.0.0/1, ...).`,
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        if (args.type === "aws:ec2/securityGroupRule:SecurityGroupRule") {
            if (at(args.props, "type") !== "ingress") {
                return;
            }
            const ports = opensGuardedPort(at(args.props, "fromPort"), at(args.props, "toPort"), at(args.props, "protocol"));
            const reach = ports.length > 0 ? internetReach([...list(at(args.props, "cidrBlocks")), ...list(at(args.props, "ipv6CidrBlocks"))].map(String)) : undefined;
            if (reach !== undefined) {
                reportViolation(`Security group rule ${openRangeMessage(ports, reach)}`);
            }
        } else if (args.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
            const ports = opensGuardedPort(at(args.props, "fromPort"), at(args.props, "toPort"), at(args.props, "ipProtocol"));
            const reach = ports.length > 0 ? internetReach([at(args.props, "cidrIpv4"), at(args.props, "cidrIpv6")].filter((c) => c !== undefined).map(String)) : undefined;
            if (reach !== undefined) {
                reportViolation(`Security group ingress rule ${openRangeMessage(ports, reach)}`);
            }
        } else if (args.type === "aws:ec2/securityGroup:SecurityGroup") {
            // The group's ingress blocks together: each guarded port is open to the union of the blocks that admit it.
            const blocks = list(at(args.props, "ingress")).map((rule) => ({
                ports: opensGuardedPort(at(rule, "fromPort"), at(rule, "toPort"), at(rule, "protocol")),
                cidrs: [...list(at(rule, "cidrBlocks")), ...list(at(rule, "ipv6CidrBlocks"))].map(String),
            }));
            const byReach = new Map<string, number[]>();
            for (const port of GUARDED_PORTS) {
                const reach = internetReach(blocks.filter((b) => b.ports.includes(port)).flatMap((b) => b.cidrs));
                if (reach !== undefined) {
                    byReach.set(reach, [...(byReach.get(reach) ?? []), port]);
                }
            }
            for (const [reach, ports] of byReach) {
                reportViolation(`Security group ingress ${openRangeMessage(ports, reach)}`);
            }
        }
    },
};

/** The EKS API's public endpoint is off, or restricted to CIDRs that do not reach the internet. */
export const eksPublicEndpointRestricted: ResourceValidationPolicy = {
    name: "eks-public-endpoint-restricted",
    description: `An EKS cluster's public API endpoint is off, or open only to CIDRs that together cover no more public addresses than a /${OPEN_PREFIX} (never 0.0.0.0/0, nor 0.0.0.0/1 with 128.0.0.0/1): aws:eks/cluster:Cluster, and eks:index:Cluster when its inputs reach the analyzer.`,
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        let publicAccess: unknown;
        let cidrs: unknown;
        if (args.type === "aws:eks/cluster:Cluster") {
            publicAccess = at(args.props, "vpcConfig", "endpointPublicAccess");
            cidrs = at(args.props, "vpcConfig", "publicAccessCidrs");
        } else if (args.type === "eks:index:Cluster") {
            // pulumi-eks passes both to aws:eks/cluster:Cluster's vpcConfig as they are (v4.3.0
            // nodejs/eks/cluster/cluster.ts, createCore).
            const inputs = componentInputs(args.props) ?? args.notApplicable(withoutInputs(args.type));
            publicAccess = inputs.endpointPublicAccess;
            cidrs = inputs.publicAccessCidrs;
        } else {
            return;
        }
        // Unset, EKS's defaults apply: a public endpoint, open to 0.0.0.0/0.
        if (publicAccess === false) {
            return;
        }
        const given = list(cidrs).map(String);
        const reach = given.length === 0 ? "0.0.0.0/0" : internetReach(given);
        if (reach !== undefined) {
            reportViolation(`the EKS cluster's public API endpoint is open to ${reach}: turn it off (endpointPublicAccess: false; the private endpoint stays) or list only the CIDRs that need it in publicAccessCidrs.`);
        }
    },
};

/** The dashboard-access and port-exposure policies, in the order the pack lists them. */
export const exposurePolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    rayPortsNotExposed,
    rayHeadServiceInternal,
    rayDashboardIngress,
    servePortExposure,
    serveRouteExposure,
    noOpenSecurityGroupRules,
    eksPublicEndpointRestricted,
];
