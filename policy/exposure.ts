/**
 * Ray dashboard access and port exposure. Anyone who reaches the Ray dashboard and Jobs API (8265)
 * or the Ray client port (10001) can run code on the cluster (CVE-2023-48022), and GCS (6379), the
 * metrics ports (8080, the autoscaler's 44217, the dashboard's 44227) and the dashboard agent
 * (52365) are internal too: none of them is ever exposed outside the cluster. The Serve port (8000)
 * may be, only through an internal or allowlisted load balancer with TLS. The ports come from
 * `./ray` (`RAY_PORT_TABLE`).
 */
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

import { at, componentInputs, withoutInputs } from "./common";
import { RAY_KINDS, RAY_PORT_TABLE } from "./ray";
import { aws, k8s } from "./resource-types";

const mandatory = "mandatory" as const;

/** Ray's ports that must stay inside the cluster, with every name KubeRay gives them (from `RAY_PORT_TABLE`). */
export const RAY_INTERNAL_PORTS: Readonly<Record<number, { what: string; names: string[] }>> = Object.fromEntries(
    Object.values(RAY_PORT_TABLE).filter((p) => p.internal).map((p) => [p.port, { what: p.what, names: [p.name, ...p.aliases] }]),
);
export const SERVE_PORT = RAY_PORT_TABLE.serve.port;
const DASHBOARD_PORT = RAY_PORT_TABLE.dashboard.port;
const CLIENT_PORT = RAY_PORT_TABLE.client.port;

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

function reachesServe(p: ServicePort): boolean {
    // KubeRay's service.go isServingPort: "serve" or "serve-*".
    const serve = RAY_PORT_TABLE.serve.name;
    return p.port === SERVE_PORT || p.targetPort === SERVE_PORT || p.targetPort === serve || p.name === serve || (p.name ?? "").startsWith(`${serve}-`);
}

function annotations(obj: Props): Record<string, string> {
    return (at(obj, "metadata", "annotations") ?? {}) as Record<string, string>;
}

/** A Service spec that is reachable from outside the cluster (a load balancer or node ports). */
function isExternal(spec: Props): boolean {
    return spec.type === "LoadBalancer" || spec.type === "NodePort";
}

const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

function isInternalLoadBalancer(meta: Record<string, string>): boolean {
    return meta["service.beta.kubernetes.io/aws-load-balancer-scheme"] === "internal" || meta["service.beta.kubernetes.io/aws-load-balancer-internal"] === "true";
}

function isAllowlisted(spec: Props): boolean {
    const ranges = spec.loadBalancerSourceRanges;
    return Array.isArray(ranges) && ranges.length > 0 && !ranges.some((r) => OPEN_CIDRS.includes(String(r)));
}

/** Ray ports (other than Serve's) a Service (or RayService `serveService`) exposes outside the cluster. */
function exposedRayPorts(spec: Props): number[] {
    if (!isExternal(spec)) {
        return [];
    }
    const ports = (Array.isArray(spec.ports) ? spec.ports : []) as ServicePort[];
    return [...new Set(ports.map(rayPortOf).filter((p): p is number => p !== undefined))];
}

function describe(ports: number[]): string {
    return ports.map((p) => `${p} (${RAY_INTERNAL_PORTS[p].what})`).join(", ");
}

/** No Service of type LoadBalancer or NodePort reaches a Ray-internal port. */
export const rayPortsNotExposed: ResourceValidationPolicy = {
    name: "ray-ports-not-exposed",
    description: `No LoadBalancer or NodePort Service reaches a Ray-internal port: ${describe(Object.keys(RAY_INTERNAL_PORTS).map(Number))}.`,
    enforcementLevel: mandatory,
    validateResource: validateResourceOfType(k8s.core.v1.Service, (service, _args, reportViolation) => {
        const exposed = exposedRayPorts((service.spec ?? {}) as Props);
        if (exposed.length > 0) {
            reportViolation(`Service of type ${service.spec?.type} exposes ${describe(exposed)} outside the cluster; anyone who reaches the dashboard or client port can run code on the cluster (CVE-2023-48022): make it ClusterIP and use kubectl port-forward, or expose only Serve's port ${SERVE_PORT}.`);
        }
    }),
};

/** The Ray head service stays ClusterIP, and KubeRay's ingress for the head is never enabled. */
export const rayHeadServiceInternal: ResourceValidationPolicy = {
    name: "ray-head-service-internal",
    description: "RayCluster and RayService heads use a ClusterIP service and never enable KubeRay's head ingress.",
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        const kind = [RAY_KINDS.RayService, RAY_KINDS.RayCluster].find((k) => k.type === args.type);
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
            reportViolation(`${path.join(".")}.headService exposes ${describe(exposed)} outside the cluster: make it ClusterIP.`);
        }
    },
};

/** An Ingress reaches the dashboard only if it is internal, allowlisted and authenticated. */
export const rayDashboardIngress: ResourceValidationPolicy = {
    name: "ray-dashboard-ingress",
    description: `An Ingress reaches the Ray dashboard (${DASHBOARD_PORT}) only with an internal scheme, a source CIDR allowlist and authentication in front; never the other Ray-internal ports.`,
    enforcementLevel: mandatory,
    validateResource: validateResourceOfType(k8s.networking.v1.Ingress, (ingress, args, reportViolation) => {
        const backends: ServicePort[] = [];
        const add = (b: unknown): void => {
            const port = at(b, "service", "port") as { number?: number; name?: string } | undefined;
            if (port) {
                backends.push({ port: port.number, name: port.name });
            }
        };
        add(ingress.spec?.defaultBackend);
        for (const rule of (ingress.spec?.rules ?? []) as Props[]) {
            for (const path of ((at(rule, "http", "paths") ?? []) as Props[])) {
                add(path.backend);
            }
        }
        const ports = [...new Set(backends.map(rayPortOf).filter((p): p is number => p !== undefined))];
        const others = ports.filter((p) => p !== DASHBOARD_PORT);
        if (others.length > 0) {
            reportViolation(`Ingress routes to ${describe(others)}, which must never leave the cluster: remove those backends.`);
        }
        if (!ports.includes(DASHBOARD_PORT)) {
            return;
        }
        const meta = annotations(args.props);
        const missing: string[] = [];
        if (meta["alb.ingress.kubernetes.io/scheme"] !== "internal") {
            missing.push(`an internal scheme (alb.ingress.kubernetes.io/scheme: internal)`);
        }
        const cidrs = (meta["alb.ingress.kubernetes.io/inbound-cidrs"] ?? "").split(",").map((c) => c.trim()).filter((c) => c !== "");
        if (cidrs.length === 0 || cidrs.some((c) => OPEN_CIDRS.includes(c))) {
            missing.push(`a source CIDR allowlist (alb.ingress.kubernetes.io/inbound-cidrs, not 0.0.0.0/0)`);
        }
        const auth = ["oidc", "cognito"].includes(meta["alb.ingress.kubernetes.io/auth-type"] ?? "") || meta["nginx.ingress.kubernetes.io/auth-url"] !== undefined;
        if (!auth) {
            missing.push(`authentication in front (alb.ingress.kubernetes.io/auth-type: oidc or cognito, or an oauth2-proxy auth-url)`);
        }
        if (missing.length > 0) {
            reportViolation(`Ingress exposes the Ray dashboard (${DASHBOARD_PORT}), where anyone who reaches it can run code, without ${missing.join(", ")}: add them, or use kubectl port-forward instead.`);
        }
    }),
};

/** Serve's port is exposed only through an internal or allowlisted load balancer with TLS. */
export const servePortExposure: ResourceValidationPolicy = {
    name: "serve-port-exposure",
    description: `Serve's port ${SERVE_PORT} leaves the cluster only through an internal or allowlisted load balancer that terminates TLS.`,
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        const candidates: { where: string; meta: Record<string, string>; spec: Props }[] = [];
        if (args.type === "kubernetes:core/v1:Service") {
            candidates.push({ where: "Service", meta: annotations(args.props), spec: (at(args.props, "spec") ?? {}) as Props });
        } else if (args.type === RAY_KINDS.RayService.type && at(args.props, "spec", "serveService") !== undefined) {
            const serveService = at(args.props, "spec", "serveService") as Props;
            candidates.push({ where: "RayService spec.serveService", meta: annotations(serveService), spec: (at(serveService, "spec") ?? {}) as Props });
        }
        for (const { where, meta, spec } of candidates) {
            const ports = (Array.isArray(spec.ports) ? spec.ports : []) as ServicePort[];
            if (!isExternal(spec) || !ports.some(reachesServe)) {
                continue;
            }
            const problems: string[] = [];
            if (!isInternalLoadBalancer(meta) && !isAllowlisted(spec)) {
                problems.push("it is internet-facing with no loadBalancerSourceRanges allowlist");
            }
            if (meta["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"] === undefined) {
                problems.push("it does not terminate TLS (no service.beta.kubernetes.io/aws-load-balancer-ssl-cert)");
            }
            if (problems.length > 0) {
                reportViolation(`${where} exposes Serve's port ${SERVE_PORT} but ${problems.join(" and ")}: use an internal load balancer (aws-load-balancer-scheme: internal) or source ranges, with an ACM certificate for TLS.`);
            }
        }
    },
};

/** Ray ports and the Kubernetes API (443) taken together, for security group checks. */
const GUARDED_PORTS = [443, SERVE_PORT, ...Object.keys(RAY_INTERNAL_PORTS).map(Number)].sort((a, b) => a - b);

function opensGuardedPort(from: unknown, to: unknown, protocol: unknown): number[] {
    const all = protocol === "-1" || protocol === "all";
    const lo = all ? 0 : Number(from ?? 0);
    const hi = all ? 65535 : Number(to ?? lo);
    return GUARDED_PORTS.filter((p) => p >= lo && p <= hi);
}

function openRangeMessage(ports: number[], cidr: string): string {
    return `opens port${ports.length === 1 ? "" : "s"} ${ports.join(", ")} (the Kubernetes API or Ray) to ${cidr}: restrict the source to your VPC or known CIDRs, or reference a security group.`;
}

/** No security group rule opens a Ray port, Serve or the Kubernetes API to the whole internet. */
export const noOpenSecurityGroupRules: ResourceValidationPolicy = {
    name: "no-open-security-group-rules",
    description: "No security group rule opens a Ray port, Serve's port or the Kubernetes API (443) to 0.0.0.0/0 or ::/0.",
    enforcementLevel: mandatory,
    validateResource: [
        validateResourceOfType(aws.ec2.SecurityGroupRule, (rule, _args, reportViolation) => {
            if (rule.type !== "ingress") {
                return;
            }
            const ports = opensGuardedPort(rule.fromPort, rule.toPort, rule.protocol);
            const open = [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])].map(String).filter((c) => OPEN_CIDRS.includes(c));
            if (ports.length > 0 && open.length > 0) {
                reportViolation(`Security group rule ${openRangeMessage(ports, open.join(" and "))}`);
            }
        }),
        validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (rule, _args, reportViolation) => {
            const ports = opensGuardedPort(rule.fromPort, rule.toPort, rule.ipProtocol);
            const open = [rule.cidrIpv4, rule.cidrIpv6].map((c) => String(c ?? "")).filter((c) => OPEN_CIDRS.includes(c));
            if (ports.length > 0 && open.length > 0) {
                reportViolation(`Security group ingress rule ${openRangeMessage(ports, open.join(" and "))}`);
            }
        }),
        validateResourceOfType(aws.ec2.SecurityGroup, (group, _args, reportViolation) => {
            for (const rule of group.ingress ?? []) {
                const ports = opensGuardedPort(rule.fromPort, rule.toPort, rule.protocol);
                const open = [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])].map(String).filter((c) => OPEN_CIDRS.includes(c));
                if (ports.length > 0 && open.length > 0) {
                    reportViolation(`Security group ingress ${openRangeMessage(ports, open.join(" and "))}`);
                }
            }
        }),
    ],
};

/** The EKS API's public endpoint is off, or restricted to named CIDRs. */
export const eksPublicEndpointRestricted: ResourceValidationPolicy = {
    name: "eks-public-endpoint-restricted",
    description: "An EKS cluster's public API endpoint is off, or open only to named CIDRs (never 0.0.0.0/0): aws:eks/cluster:Cluster, and eks:index:Cluster when its inputs reach the analyzer.",
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
        const list = Array.isArray(cidrs) ? cidrs.map(String) : [];
        if (list.length === 0 || list.some((c) => OPEN_CIDRS.includes(c))) {
            reportViolation(`the EKS cluster's public API endpoint is open to 0.0.0.0/0: turn it off (endpointPublicAccess: false; the private endpoint stays) or list only the CIDRs that need it in publicAccessCidrs.`);
        }
    },
};

/** The dashboard-access and port-exposure policies, in the order the pack lists them. */
export const exposurePolicies: ResourceValidationPolicy[] = [
    rayPortsNotExposed,
    rayHeadServiceInternal,
    rayDashboardIngress,
    servePortExposure,
    noOpenSecurityGroupRules,
    eksPublicEndpointRestricted,
];
