/**
 * What may reach the Ray pods: the NetworkPolicies of the RayService's namespace and the optional
 * Ingress to the Ray dashboard. Everything is denied unless a rule below admits it; the Ray ports
 * that run code for whoever reaches them (the dashboard and Jobs API on 8265, the client on 10001,
 * GCS on 6379) are open only to the Ray pods themselves and to named clients. The ports come from
 * `RAY_PORT_TABLE` (components/common/ray.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { RAY_METRICS_ROLES, RAY_PORT_ROLES, RAY_PORT_TABLE, RayPortRole } from "../common/ray";
import { dashboardSignIn, RayDashboardIngressArgs, ResolvedServiceArgs } from "./args";

/** Labels KubeRay puts on every Ray pod, and on the head pod only. */
export const RAY_POD_LABELS = { "ray.io/is-ray-node": "yes" } as const;
export const RAY_HEAD_LABELS = { "ray.io/node-type": "head" } as const;
/** Labels of the KubeRay operator's pods (kuberay-operator chart). */
export const KUBERAY_OPERATOR_LABELS = { "app.kubernetes.io/name": "kuberay-operator" } as const;
/** Labels prometheus-operator puts on every Prometheus server pod. */
export const PROMETHEUS_POD_LABELS = { "app.kubernetes.io/name": "prometheus" } as const;

/** Ray's port numbers by role (`RAY_PORT_TABLE`'s). */
export const RAY_PORTS = Object.fromEntries(RAY_PORT_ROLES.map((r) => [r, RAY_PORT_TABLE[r].port])) as Readonly<Record<RayPortRole, number>>;

/** The ports Prometheus scrapes: every pod's metrics, and the head's autoscaler and dashboard metrics (`RAY_PORT_TABLE`'s metrics ports). */
export const METRICS_PORTS: readonly number[] = RAY_METRICS_ROLES.map((r) => RAY_PORT_TABLE[r].port);

/** One NetworkPolicy of the namespace: the role names its child resource (`${name}-netpol-<role>`). */
export interface NetworkPolicyPlan {
    role: string;
    spec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
const namespaceSelector = (namespace: pulumi.Input<string>): k8s.types.input.meta.v1.LabelSelector => ({
    matchLabels: { "kubernetes.io/metadata.name": namespace },
});
const tcp = (...ports: number[]): k8s.types.input.networking.v1.NetworkPolicyPort[] => ports.map((port) => ({ protocol: "TCP", port }));
const ipBlocks = (cidrs: string[]): Peer[] => cidrs.map((cidr) => ({ ipBlock: { cidr } }));

/**
 * The namespace's NetworkPolicies (ingress only: Ray pods still reach Hugging Face, S3, Redis and
 * the Kubernetes API). NetworkPolicies add up: a connection is admitted when any of them admits it.
 */
export function rayNetworkPolicies(a: ResolvedServiceArgs): NetworkPolicyPlan[] {
    const policies: NetworkPolicyPlan[] = [
        // Nothing reaches a pod of the namespace unless a policy below admits it.
        { role: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress"] } },
        // Ray pods talk to each other on many ports (GCS, raylets, object transfer, workers).
        {
            role: "ray-internal",
            spec: {
                podSelector: { matchLabels: { ...RAY_POD_LABELS } },
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ podSelector: { matchLabels: { ...RAY_POD_LABELS } } }] }],
            },
        },
        // The operator reads and updates Serve applications through the head's dashboard port, and
        // checks the head's Serve proxy (/-/healthz on 8000) on every reconcile.
        {
            role: "kuberay-operator",
            spec: {
                podSelector: { matchLabels: { ...RAY_HEAD_LABELS } },
                policyTypes: ["Ingress"],
                ingress: [{
                    from: [{ namespaceSelector: namespaceSelector(a.kubeRayOperatorNamespace), podSelector: { matchLabels: { ...KUBERAY_OPERATOR_LABELS } } }],
                    ports: tcp(RAY_PORTS.dashboard, RAY_PORTS.serve),
                }],
            },
        },
    ];
    const serveFrom: Peer[] = [
        ...a.serveClientNamespaces.map((ns) => ({ namespaceSelector: namespaceSelector(ns) })),
        ...ipBlocks(a.serveClientCidrs),
    ];
    if (serveFrom.length > 0) {
        policies.push({
            role: "serve",
            spec: {
                podSelector: { matchLabels: { ...RAY_POD_LABELS } },
                policyTypes: ["Ingress"],
                ingress: [{ from: serveFrom, ports: tcp(RAY_PORTS.serve) }],
            },
        });
    }
    if (a.prometheusNamespace !== undefined) {
        policies.push({
            role: "prometheus",
            spec: {
                podSelector: { matchLabels: { ...RAY_POD_LABELS } },
                policyTypes: ["Ingress"],
                ingress: [{
                    from: [{ namespaceSelector: namespaceSelector(a.prometheusNamespace), podSelector: { matchLabels: { ...PROMETHEUS_POD_LABELS } } }],
                    ports: tcp(...METRICS_PORTS),
                }],
            },
        });
    }
    if (a.dashboardIngress !== undefined) {
        policies.push({
            role: "dashboard-ingress",
            spec: {
                podSelector: { matchLabels: { ...RAY_HEAD_LABELS } },
                policyTypes: ["Ingress"],
                ingress: [{ from: ipBlocks(a.dashboardIngress.loadBalancerSubnetCidrs), ports: tcp(RAY_PORTS.dashboard) }],
            },
        });
    }
    return policies;
}

/** The TLS policy of the dashboard load balancer's HTTPS listener: TLS 1.3 and 1.2 only. */
export const DASHBOARD_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * The Ingress to the Ray dashboard (the head Service KubeRay keeps for the RayService,
 * `<serviceName>-head-svc`): an internal ALB, HTTPS only, admitting the allowlisted CIDRs and
 * signing users in before any request reaches Ray. Call only after `validateDashboardIngress`.
 */
export function dashboardIngressSpec(d: RayDashboardIngressArgs, headServiceName: pulumi.Input<string>): { annotations: Record<string, pulumi.Input<string>>; spec: k8s.types.input.networking.v1.IngressSpec } {
    const annotations: Record<string, pulumi.Input<string>> = {
        "alb.ingress.kubernetes.io/scheme": "internal",
        "alb.ingress.kubernetes.io/target-type": "ip",
        "alb.ingress.kubernetes.io/inbound-cidrs": d.allowedCidrs.join(","),
        "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTPS: 443 }]),
        "alb.ingress.kubernetes.io/certificate-arn": d.certificateArn,
        "alb.ingress.kubernetes.io/ssl-policy": DASHBOARD_TLS_POLICY,
        "alb.ingress.kubernetes.io/auth-on-unauthenticated-request": "authenticate",
        "alb.ingress.kubernetes.io/auth-scope": "openid",
        // Sign in again after a working day, not after the default 7 days.
        "alb.ingress.kubernetes.io/auth-session-timeout": "28800",
    };
    if (dashboardSignIn(d) === "oidc") {
        annotations["alb.ingress.kubernetes.io/auth-type"] = "oidc";
        annotations["alb.ingress.kubernetes.io/auth-idp-oidc"] = JSON.stringify({
            issuer: d.oidcIssuer,
            authorizationEndpoint: d.oidcAuthorizationEndpoint,
            tokenEndpoint: d.oidcTokenEndpoint,
            userInfoEndpoint: d.oidcUserInfoEndpoint,
            secretName: d.oidcSecretName,
        });
    } else {
        annotations["alb.ingress.kubernetes.io/auth-type"] = "cognito";
        annotations["alb.ingress.kubernetes.io/auth-idp-cognito"] = JSON.stringify({
            userPoolARN: d.cognitoUserPoolArn,
            userPoolClientID: d.cognitoUserPoolClientId,
            userPoolDomain: d.cognitoUserPoolDomain,
        });
    }
    const http = { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: headServiceName, port: { number: RAY_PORTS.dashboard } } } }] };
    return {
        annotations,
        spec: {
            ingressClassName: d.ingressClassName ?? "alb",
            rules: [{ ...(d.host !== undefined ? { host: d.host } : {}), http }],
        },
    };
}
