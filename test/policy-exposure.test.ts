/**
 * The exposure policies, one spelling at a time: every way a stack can take a Ray port, Serve's
 * port or the Kubernetes API out of the cluster, each with its compliant twin, through the
 * validate functions with full arguments; then the same spellings in both engine views (the plan
 * as recorded, and the real engine's registrations: remote components without inputs, then the
 * children their providers create).
 */
import * as assert from "node:assert/strict";
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { preview, RawResource, stackViolationsOf, violationsOf } from "./support/policy";

import {
    eksPublicEndpointRestricted,
    noOpenSecurityGroupRules,
    rayDashboardIngress,
    rayHeadServiceInternal,
    rayPortsNotExposed,
    servePortExposure,
    serveRouteExposure,
} from "../policy/exposure";
import { PlannedResource, PlanResult } from "../plan/engine";
import { evaluatePolicies } from "../plan/policies";
import { realEngineView } from "../plan/real-engine";
import { stackPlan } from "./support/stack-plan";

const SERVICE = "kubernetes:core/v1:Service";
const service = (spec: object, annotations: object = {}): RawResource => ({ type: SERVICE, name: "svc", props: { apiVersion: "v1", kind: "Service", metadata: { name: "svc", annotations }, spec } });

type RayKind = "RayService" | "RayCluster" | "RayJob";
/** A Ray kind carrying a RayCluster spec where KubeRay reads it (RAY_KINDS' clusterSpec), with more of its spec. */
function rayKind(kind: RayKind, cluster: object, spec: object = {}): RawResource {
    const clusterSpec = kind === "RayService" ? { rayClusterConfig: cluster } : kind === "RayJob" ? { rayClusterSpec: cluster } : cluster;
    return { type: `kubernetes:ray.io/v1:${kind}`, name: "ray", props: { apiVersion: "ray.io/v1", kind, metadata: { name: "ray", namespace: "llm" }, spec: { ...clusterSpec, ...spec } } };
}
const CLUSTER_PATH: Record<RayKind, string> = { RayService: "spec.rayClusterConfig.", RayCluster: "spec.", RayJob: "spec.rayClusterSpec." };
const RAY_KINDS_ALL: RayKind[] = ["RayService", "RayCluster", "RayJob"];

const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
function ingress(backend: object, annotations: object = {}, spec: object = {}): RawResource {
    return {
        type: INGRESS,
        name: "ing",
        props: { metadata: { name: "ing", annotations }, spec: { rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: backend } }] } }], ...spec } },
    };
}

const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
function route(type: string, rules: object[], parentRefs: object[] = [{ name: "gw" }], name = "route"): RawResource {
    return { type, name, props: { metadata: { name, namespace: "llm" }, spec: { parentRefs, rules } } };
}

const SERVICE_FIX = "; anyone who reaches the dashboard or client port can run code on the cluster (CVE-2023-48022): make it ClusterIP and use kubectl port-forward, or expose only Serve's port 8000.";
const ROUTE_FIX = ", which must never leave the cluster; anyone who reaches the dashboard or client port can run code on the cluster (CVE-2023-48022): remove the backendRef, and reach the dashboard with kubectl port-forward.";
const HOST_FIX = "which opens it on the node's address, past the NetworkPolicies: remove hostPort and reach the pod through a ClusterIP Service.";

/** A violating resource, what the policy says of it, and its compliant twin. */
async function twins(policy: ResourceValidationPolicy, bad: RawResource, messages: string[], good: RawResource): Promise<void> {
    assert.deepEqual(await violationsOf(policy, bad), messages);
    assert.deepEqual(await violationsOf(policy, good), [], "the compliant twin passes");
}

describe("policy ray-ports-not-exposed", () => {
    describe("Services, by port, target port or port name", () => {
        it("flags every Ray-internal port by number on a load balancer; its ClusterIP twin passes", async () => {
            const ports = [6379, 8080, 8265, 10001, 44217, 44227, 52365].map((port) => ({ port }));
            await twins(rayPortsNotExposed, service({ type: "LoadBalancer", ports }), [
                `Service of type LoadBalancer exposes 6379 (the Ray GCS), 8080 (Ray's metrics), 8265 (the Ray dashboard and Jobs API), 10001 (the Ray client), 44217 (the Ray autoscaler's metrics), 44227 (the Ray dashboard's metrics), 52365 (the Ray dashboard agent) outside the cluster${SERVICE_FIX}`,
            ], service({ type: "ClusterIP", ports }));
        });

        it("flags every name KubeRay gives them, as the port's name and as its target port; ClusterIP twins pass", async () => {
            const names = ["gcs-server", "gcs", "redis", "metrics", "dashboard", "client", "as-metrics", "dash-metrics", "dashboard-agent"];
            const message = `Service of type NodePort exposes 6379 (the Ray GCS), 8080 (Ray's metrics), 8265 (the Ray dashboard and Jobs API), 10001 (the Ray client), 44217 (the Ray autoscaler's metrics), 44227 (the Ray dashboard's metrics), 52365 (the Ray dashboard agent) outside the cluster${SERVICE_FIX}`;
            const byName = names.map((name, i) => ({ name, port: 30000 + i }));
            await twins(rayPortsNotExposed, service({ type: "NodePort", ports: byName }), [message], service({ ports: byName }));
            const byTarget = names.map((name, i) => ({ name: `p${i}`, port: 30000 + i, targetPort: name }));
            await twins(rayPortsNotExposed, service({ type: "NodePort", ports: byTarget }), [message], service({ type: "ClusterIP", ports: byTarget }));
        });

        it("flags a target port number behind another port, and an internal load balancer too: internal is still outside the cluster", async () => {
            await twins(rayPortsNotExposed, service({ type: "LoadBalancer", ports: [{ name: "web", port: 80, targetPort: 8265 }] }, { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }), [
                `Service of type LoadBalancer exposes 8265 (the Ray dashboard and Jobs API) outside the cluster${SERVICE_FIX}`,
            ], service({ type: "LoadBalancer", ports: [{ name: "web", port: 80, targetPort: 8000 }] }, { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }));
        });

        it("flags externalIPs on a ClusterIP Service; without externalIPs it passes", async () => {
            await twins(rayPortsNotExposed, service({ type: "ClusterIP", externalIPs: ["198.51.100.7"], ports: [{ name: "client", port: 10001 }] }), [
                `Service with externalIPs 198.51.100.7 exposes 10001 (the Ray client) outside the cluster${SERVICE_FIX}`,
            ], service({ type: "ClusterIP", externalIPs: [], ports: [{ name: "client", port: 10001 }] }));
        });

        it("passes a load balancer for Serve only, and a Service with no type or ports (unset: ClusterIP)", async () => {
            assert.deepEqual(await violationsOf(rayPortsNotExposed, service({ type: "LoadBalancer", ports: [{ name: "serve", port: 443, targetPort: 8000 }] })), []);
            assert.deepEqual(await violationsOf(rayPortsNotExposed, service({})), []);
            assert.deepEqual(await violationsOf(rayPortsNotExposed, { type: SERVICE, props: {} }), []);
        });

        it("flags a RayService's serveService that carries a Ray-internal port; Serve alone passes", async () => {
            const rs = (ports: object[]) => rayKind("RayService", {}, { serveService: { spec: { type: "LoadBalancer", ports } } });
            await twins(rayPortsNotExposed, rs([{ name: "serve", port: 8000 }, { name: "dashboard", port: 8265 }]), [
                `RayService spec.serveService of type LoadBalancer exposes 8265 (the Ray dashboard and Jobs API) outside the cluster${SERVICE_FIX}`,
            ], rs([{ name: "serve", port: 8000 }]));
        });
    });

    describe("Gateway API routes of every kind, by backendRef port", () => {
        const KINDS = [
            "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
            "kubernetes:gateway.networking.k8s.io/v1:GRPCRoute",
            "kubernetes:gateway.networking.k8s.io/v1alpha2:TCPRoute",
            "kubernetes:gateway.networking.k8s.io/v1:TLSRoute",
            "kubernetes:gateway.networking.k8s.io/v1alpha2:TLSRoute",
            "kubernetes:gateway.networking.k8s.io/v1alpha2:UDPRoute",
        ];

        for (const type of KINDS) {
            const kind = type.split(":")[2];
            it(`flags a ${type.split(":")[1].split("/")[1]} ${kind} to each Ray-internal port; its twin to Serve passes`, async () => {
                const rules = [6379, 8080, 8265, 10001, 44217, 44227, 52365].map((port) => ({ backendRefs: [{ name: "ray-head-svc", port }] }));
                await twins(rayPortsNotExposed, route(type, rules), [
                    `${kind} spec.rules[0].backendRefs[0] routes to ray-head-svc on 6379 (the Ray GCS)${ROUTE_FIX}`,
                    `${kind} spec.rules[1].backendRefs[0] routes to ray-head-svc on 8080 (Ray's metrics)${ROUTE_FIX}`,
                    `${kind} spec.rules[2].backendRefs[0] routes to ray-head-svc on 8265 (the Ray dashboard and Jobs API)${ROUTE_FIX}`,
                    `${kind} spec.rules[3].backendRefs[0] routes to ray-head-svc on 10001 (the Ray client)${ROUTE_FIX}`,
                    `${kind} spec.rules[4].backendRefs[0] routes to ray-head-svc on 44217 (the Ray autoscaler's metrics)${ROUTE_FIX}`,
                    `${kind} spec.rules[5].backendRefs[0] routes to ray-head-svc on 44227 (the Ray dashboard's metrics)${ROUTE_FIX}`,
                    `${kind} spec.rules[6].backendRefs[0] routes to ray-head-svc on 52365 (the Ray dashboard agent)${ROUTE_FIX}`,
                ], route(type, [{ backendRefs: [{ name: "ray-head-svc", port: 8000 }] }]));
            });
        }

        it("flags a request mirror to a Ray port, in a rule's filters or a backendRef's; mirrors to Serve pass", async () => {
            const mirror = (port: number) => [{ type: "RequestMirror", requestMirror: { backendRef: { name: "ray-head-svc", port } } }];
            const rules = (port: number) => [{ filters: mirror(port), backendRefs: [{ name: "ray-serve-svc", port: 8000, filters: mirror(port === 8000 ? 8000 : 10001) }] }];
            await twins(rayPortsNotExposed, route(HTTP_ROUTE, rules(8265)), [
                `HTTPRoute spec.rules[0].backendRefs[0].filters[0].requestMirror.backendRef routes to ray-head-svc on 10001 (the Ray client)${ROUTE_FIX}`,
                `HTTPRoute spec.rules[0].filters[0].requestMirror.backendRef routes to ray-head-svc on 8265 (the Ray dashboard and Jobs API)${ROUTE_FIX}`,
            ], route(HTTP_ROUTE, rules(8000)));
        });

        it("flags KubeRay's head Service by name on a port that is not a Ray number (a custom headService's); on Serve's port it passes", async () => {
            await twins(rayPortsNotExposed, route(HTTP_ROUTE, [{ backendRefs: [{ name: "vllm-head-svc", port: 80 }] }]), [
                `HTTPRoute spec.rules[0].backendRefs[0] routes to vllm-head-svc on 80, a port of KubeRay's Ray head Service (its ports are the head's Ray ports)${ROUTE_FIX}`,
            ], route(HTTP_ROUTE, [{ backendRefs: [{ name: "vllm-head-svc", port: 8000 }, { name: "web", port: 80 }] }]));
        });

        it("passes a route with no rules, and a backendRef with no port", async () => {
            assert.deepEqual(await violationsOf(rayPortsNotExposed, { type: HTTP_ROUTE, props: { spec: {} } }), []);
            assert.deepEqual(await violationsOf(rayPortsNotExposed, route(HTTP_ROUTE, [{ backendRefs: [{ name: "ray-head-svc" }] }])), []);
        });
    });

    describe("the Ray pods themselves: hostPort and hostNetwork, on heads and workers of every Ray kind", () => {
        const pod = (hostNetwork: boolean, hostPort: number | undefined) => ({
            hostNetwork,
            initContainers: [{ name: "wait-gcs", ports: [{ containerPort: 9100, ...(hostPort !== undefined ? { hostPort: hostPort + 1 } : {}) }] }],
            containers: [{ name: "ray-head", ports: [{ name: "dashboard", containerPort: 8265, ...(hostPort !== undefined ? { hostPort } : {}) }, { name: "serve", containerPort: 8000 }] }],
        });
        const cluster = (bad: boolean) => ({
            headGroupSpec: { template: { spec: pod(bad, bad ? 8265 : undefined) } },
            workerGroupSpecs: [{ groupName: "gpu", maxReplicas: 2, template: { spec: { hostNetwork: false, containers: [{ name: "ray-worker", ports: [{ containerPort: 8000, ...(bad ? { hostPort: 8000 } : {}) }, { containerPort: 9000, ...(bad ? { hostPort: 9000 } : {}) }] }] } } }],
        });

        for (const kind of RAY_KINDS_ALL) {
            it(`flags them on a ${kind}'s head and workers; the twin without them passes`, async () => {
                const at = CLUSTER_PATH[kind];
                await twins(rayPortsNotExposed, rayKind(kind, cluster(true)), [
                    `${at}headGroupSpec runs its Ray pods with hostNetwork: true, which opens every Ray port on the node's address, past the NetworkPolicies: remove hostNetwork.`,
                    `${at}headGroupSpec container "wait-gcs" maps containerPort 9100 to hostPort 8266, ${HOST_FIX}`,
                    `${at}headGroupSpec container "ray-head" maps containerPort 8265 (the Ray dashboard and Jobs API) to hostPort 8265, ${HOST_FIX}`,
                    `${at}workerGroupSpecs[0] container "ray-worker" maps containerPort 8000 (Ray Serve's HTTP proxy) to hostPort 8000, ${HOST_FIX}`,
                    `${at}workerGroupSpecs[0] container "ray-worker" maps containerPort 9000 to hostPort 9000, ${HOST_FIX}`,
                ], rayKind(kind, cluster(false)));
            });
        }

        it("passes Ray kinds without pod templates (unset), and hostPort 0 (Kubernetes' unset)", async () => {
            assert.deepEqual(await violationsOf(rayPortsNotExposed, rayKind("RayCluster", {})), []);
            assert.deepEqual(await violationsOf(rayPortsNotExposed, rayKind("RayJob", { headGroupSpec: { template: { spec: { containers: [{ name: "h", ports: [{ containerPort: 8265, hostPort: 0 }] }] } } } })), []);
        });
    });

    it("names every Ray-internal port in its description", () => {
        assert.equal(rayPortsNotExposed.description, "No Service that leaves the cluster (LoadBalancer, NodePort or externalIPs; a RayService's serveService too) and no Gateway API route reaches a Ray-internal port: 6379 (the Ray GCS), 8080 (Ray's metrics), 8265 (the Ray dashboard and Jobs API), 10001 (the Ray client), 44217 (the Ray autoscaler's metrics), 44227 (the Ray dashboard's metrics), 52365 (the Ray dashboard agent); and no Ray pod (head or worker, of any Ray kind) binds a port on its node (hostPort, hostNetwork).");
    });
});

describe("policy ray-head-service-internal", () => {
    for (const kind of RAY_KINDS_ALL) {
        const at = CLUSTER_PATH[kind];

        it(`flags a ${kind} head of type LoadBalancer or NodePort, with enableIngress, or an exposing headService; ClusterIP (or unset) passes`, async () => {
            await twins(rayHeadServiceInternal, rayKind(kind, { headGroupSpec: { serviceType: "LoadBalancer", enableIngress: true, headService: { spec: { type: "NodePort", ports: [{ name: "client", port: 10001 }] } } } }), [
                `the Ray head's serviceType is "LoadBalancer", which exposes the dashboard (8265) and client (10001) ports outside the cluster: set ${at}headGroupSpec.serviceType to "ClusterIP" (or leave it unset).`,
                `${at}headGroupSpec.enableIngress is set, which creates an Ingress to the Ray dashboard (anyone who reaches it can run code): remove it and reach the dashboard with kubectl port-forward.`,
                `${at}headGroupSpec.headService of type NodePort exposes 10001 (the Ray client) outside the cluster: make it ClusterIP, without externalIPs.`,
            ], rayKind(kind, { headGroupSpec: { serviceType: "ClusterIP", enableIngress: false, headService: { spec: { type: "ClusterIP", ports: [{ name: "client", port: 10001 }] } } } }));
            await twins(rayHeadServiceInternal, rayKind(kind, { headGroupSpec: { serviceType: "NodePort" } }), [
                `the Ray head's serviceType is "NodePort", which exposes the dashboard (8265) and client (10001) ports outside the cluster: set ${at}headGroupSpec.serviceType to "ClusterIP" (or leave it unset).`,
            ], rayKind(kind, { headGroupSpec: { rayStartParams: {} } }));
        });

        it(`flags a ${kind} headService with externalIPs or a load balancer on the metrics ports; without them it passes`, async () => {
            await twins(rayHeadServiceInternal, rayKind(kind, { headGroupSpec: { headService: { spec: { externalIPs: ["10.1.2.3"], ports: [{ name: "gcs", port: 6379 }] } } } }), [
                `${at}headGroupSpec.headService with externalIPs 10.1.2.3 exposes 6379 (the Ray GCS) outside the cluster: make it ClusterIP, without externalIPs.`,
            ], rayKind(kind, { headGroupSpec: { headService: { spec: { ports: [{ name: "gcs", port: 6379 }] } } } }));
            await twins(rayHeadServiceInternal, rayKind(kind, { headGroupSpec: { headService: { spec: { type: "LoadBalancer", ports: [{ name: "dash-metrics", port: 44227 }, { name: "as-metrics", port: 44217 }] } } } }), [
                `${at}headGroupSpec.headService of type LoadBalancer exposes 44227 (the Ray dashboard's metrics), 44217 (the Ray autoscaler's metrics) outside the cluster: make it ClusterIP, without externalIPs.`,
            ], rayKind(kind, { headGroupSpec: { headService: { spec: { type: "LoadBalancer", ports: [{ name: "serve", port: 8000 }] } } } }));
        });
    }

    it("passes what is not a Ray kind, and a Ray kind without a head", async () => {
        assert.deepEqual(await violationsOf(rayHeadServiceInternal, service({ type: "LoadBalancer", ports: [{ port: 8265 }] })), []);
        assert.deepEqual(await violationsOf(rayHeadServiceInternal, { type: "kubernetes:ray.io/v1:RayJob", props: { spec: { entrypoint: "python x.py" } } }), []);
    });
});

describe("policy ray-dashboard-ingress", () => {
    const SAFE = { "alb.ingress.kubernetes.io/scheme": "internal", "alb.ingress.kubernetes.io/inbound-cidrs": "10.0.0.0/8", "alb.ingress.kubernetes.io/auth-type": "oidc" };
    const MISSING = "Ingress exposes the Ray dashboard (8265), where anyone who reaches it can run code, without";
    const TAIL = ": add them, or use kubectl port-forward instead.";

    it("passes an internal, allowlisted, authenticated dashboard ingress, whatever its class", async () => {
        assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ name: "ray-head-svc", port: { number: 8265 } }, SAFE)), []);
        assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ name: "ray-head-svc", port: { name: "dashboard" } }, { ...SAFE, "kubernetes.io/ingress.class": "alb" })), []);
    });

    it("flags a dashboard ingress without each safeguard, naming what is missing; the safe twin passes", async () => {
        await twins(rayDashboardIngress, ingress({ name: "ray-head-svc", port: { name: "dashboard" } }, { "alb.ingress.kubernetes.io/scheme": "internet-facing", "alb.ingress.kubernetes.io/inbound-cidrs": "0.0.0.0/0" }), [
            `${MISSING} an internal scheme (alb.ingress.kubernetes.io/scheme: internal), a source CIDR allowlist (alb.ingress.kubernetes.io/inbound-cidrs admits 0.0.0.0/0), authentication in front (alb.ingress.kubernetes.io/auth-type: oidc or cognito, or an oauth2-proxy auth-url)${TAIL}`,
        ], ingress({ name: "ray-head-svc", port: { name: "dashboard" } }, SAFE));
        await twins(rayDashboardIngress, ingress({ name: "ray-head-svc", port: { number: 8265 } }, { "alb.ingress.kubernetes.io/scheme": "internal", "alb.ingress.kubernetes.io/auth-type": "cognito" }), [
            `${MISSING} a source CIDR allowlist (alb.ingress.kubernetes.io/inbound-cidrs; unset, the load balancer admits 0.0.0.0/0)${TAIL}`,
        ], ingress({ name: "ray-head-svc", port: { number: 8265 } }, { "alb.ingress.kubernetes.io/scheme": "internal", "alb.ingress.kubernetes.io/auth-type": "cognito", "alb.ingress.kubernetes.io/inbound-cidrs": "10.20.0.0/16, 192.168.0.0/16" }));
    });

    it("counts inbound CIDRs that together cover the internet as no allowlist: halves, or more than a /8", async () => {
        const dash = (cidrs: string) => ingress({ name: "ray-head-svc", port: { number: 8265 } }, { ...SAFE, "alb.ingress.kubernetes.io/inbound-cidrs": cidrs });
        await twins(rayDashboardIngress, dash("0.0.0.0/1,128.0.0.0/1"), [
            `${MISSING} a source CIDR allowlist (alb.ingress.kubernetes.io/inbound-cidrs admits 0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4 internet)${TAIL}`,
        ], dash("10.0.0.0/8, 203.0.113.0/24"));
        await twins(rayDashboardIngress, dash("10.0.0.0/8, 52.0.0.0/6"), [
            `${MISSING} a source CIDR allowlist (alb.ingress.kubernetes.io/inbound-cidrs admits 52.0.0.0/6, which covers 67,108,864 public IPv4 addresses, more than a /8)${TAIL}`,
        ], dash("10.0.0.0/8, 52.0.0.0/8"));
    });

    it("flags an Ingress of any class (class field, annotation, none; v1 and v1beta1) to the other Ray ports; its twin to Serve passes", async () => {
        const classes: [string, object, object][] = [
            ["alb", {}, { ingressClassName: "alb" }],
            ["nginx", {}, { ingressClassName: "nginx" }],
            ["traefik by annotation", { "kubernetes.io/ingress.class": "traefik" }, {}],
            ["none", {}, {}],
        ];
        for (const [label, annotations, spec] of classes) {
            await twins(rayDashboardIngress, ingress({ name: "ray-head-svc", port: { number: 10001 } }, { ...SAFE, ...annotations }, spec), [
                "Ingress routes to 10001 (the Ray client), which must never leave the cluster: remove those backends.",
            ], ingress({ name: "ray-head-svc", port: { number: 8000 } }, { ...SAFE, ...annotations }, spec));
            assert.ok(label);
        }
        for (const [port, what] of [["as-metrics", "44217 (the Ray autoscaler's metrics)"], ["dash-metrics", "44227 (the Ray dashboard's metrics)"], ["gcs-server", "6379 (the Ray GCS)"], ["redis", "6379 (the Ray GCS)"], ["metrics", "8080 (Ray's metrics)"], ["dashboard-agent", "52365 (the Ray dashboard agent)"]]) {
            assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ name: "ray-head-svc", port: { name: port } }, SAFE)), [`Ingress routes to ${what}, which must never leave the cluster: remove those backends.`]);
        }
        const beta = (servicePort: number | string): RawResource => ({
            type: "kubernetes:extensions/v1beta1:Ingress",
            props: { metadata: { annotations: SAFE }, spec: { backend: { serviceName: "ray-head-svc", servicePort } } },
        });
        await twins(rayDashboardIngress, beta("client"), ["Ingress routes to 10001 (the Ray client), which must never leave the cluster: remove those backends."], beta(8000));
        await twins(rayDashboardIngress, ingress({ name: "vllm-head-svc", port: { number: 80 } }, SAFE), [
            "Ingress routes to vllm-head-svc on 80, a port of KubeRay's Ray head Service (its ports are the head's Ray ports), which must never leave the cluster: remove the backend, or name the dashboard's port 8265 and add its safeguards.",
        ], ingress({ name: "vllm-head-svc", port: { name: "serve" } }, SAFE));
        const defaultBackend = (number: number): RawResource => ({ type: INGRESS, props: { metadata: { annotations: SAFE }, spec: { defaultBackend: { service: { name: "ray-head-svc", port: { number } } } } } });
        await twins(rayDashboardIngress, defaultBackend(44227), ["Ingress routes to 44227 (the Ray dashboard's metrics), which must never leave the cluster: remove those backends."], defaultBackend(8000));
    });
});

describe("policy serve-port-exposure", () => {
    const TLS = { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:us-west-2:111122223333:certificate/x" };
    const INTERNAL = { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" };
    const FIX = ": use an internal load balancer (aws-load-balancer-scheme: internal) or source ranges, with an ACM certificate for TLS.";
    const lb = (spec: object, annotations: object) => service({ type: "LoadBalancer", ports: [{ name: "serve", port: 443, targetPort: 8000 }], ...spec }, annotations);

    it("passes an internal or allowlisted load balancer with TLS, and ClusterIP", async () => {
        assert.deepEqual(await violationsOf(servePortExposure, lb({}, { ...TLS, ...INTERNAL })), []);
        assert.deepEqual(await violationsOf(servePortExposure, lb({ loadBalancerSourceRanges: ["203.0.113.0/24"] }, TLS)), []);
        assert.deepEqual(await violationsOf(servePortExposure, service({ type: "ClusterIP", ports: [{ name: "serve", port: 8000 }] })), []);
    });

    it("flags an open, plain-text Serve load balancer, reached by port, target port or name (serve, serve-*); the internal TLS twin passes", async () => {
        for (const port of [{ port: 8000 }, { port: 80, targetPort: 8000 }, { port: 80, targetPort: "serve" }, { name: "serve-http", port: 80 }]) {
            await twins(servePortExposure, service({ type: "LoadBalancer", ports: [port] }), [
                `Service exposes Serve's port 8000 but it is internet-facing with no loadBalancerSourceRanges allowlist, and it does not terminate TLS (no service.beta.kubernetes.io/aws-load-balancer-ssl-cert)${FIX}`,
            ], service({ type: "LoadBalancer", ports: [port] }, { ...TLS, ...INTERNAL }));
        }
    });

    it("takes the scheme over the legacy internal annotation: internet-facing with internal: \"true\" is internet-facing", async () => {
        await twins(servePortExposure, lb({}, { ...TLS, "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing", "service.beta.kubernetes.io/aws-load-balancer-internal": "true" }), [
            `Service exposes Serve's port 8000 but it is internet-facing with no loadBalancerSourceRanges allowlist${FIX}`,
        ], lb({}, { ...TLS, "service.beta.kubernetes.io/aws-load-balancer-internal": "true" }));
    });

    it("counts source ranges that together reach the internet as open: 0.0.0.0/0, ::/0, halves, more than a /8", async () => {
        const cases: [string[], string][] = [
            [["0.0.0.0/0"], "0.0.0.0/0"],
            [["::/0"], "::/0"],
            [["0.0.0.0/1", "128.0.0.0/1"], "0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4 internet"],
            [["12.0.0.0/7"], "12.0.0.0/7, which covers 33,554,432 public IPv4 addresses, more than a /8"],
            [["2000::/3"], "2000::/3, which covers the whole IPv6 internet"],
        ];
        for (const [ranges, reach] of cases) {
            await twins(servePortExposure, lb({ loadBalancerSourceRanges: ranges }, TLS), [
                `Service exposes Serve's port 8000 but it is internet-facing and its loadBalancerSourceRanges admit ${reach}${FIX}`,
            ], lb({ loadBalancerSourceRanges: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "198.51.100.0/24"] }, TLS));
        }
    });

    it("reads the load-balancer-source-ranges annotation when the field is unset; the field wins when both are given", async () => {
        const ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges";
        await twins(servePortExposure, lb({}, { ...TLS, [ANNOTATION]: "0.0.0.0/1, 128.0.0.0/1" }), [
            `Service exposes Serve's port 8000 but it is internet-facing and its service.beta.kubernetes.io/load-balancer-source-ranges admit 0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4 internet${FIX}`,
        ], lb({}, { ...TLS, [ANNOTATION]: "203.0.113.0/24,198.51.100.0/24" }));
        await twins(servePortExposure, lb({ loadBalancerSourceRanges: ["0.0.0.0/0"] }, { ...TLS, [ANNOTATION]: "203.0.113.0/24" }), [
            `Service exposes Serve's port 8000 but it is internet-facing and its loadBalancerSourceRanges admit 0.0.0.0/0${FIX}`,
        ], lb({ loadBalancerSourceRanges: ["203.0.113.0/24"] }, { ...TLS, [ANNOTATION]: "0.0.0.0/0" }));
    });

    it("flags a certificate whose ssl-ports leave Serve's port in plain text; ssl-ports naming it (by port or name, or *) pass", async () => {
        const ports = [{ name: "serve", port: 443, targetPort: 8000 }, { name: "serve-plain", port: 80, targetPort: 8000 }];
        await twins(servePortExposure, service({ type: "LoadBalancer", ports }, { ...TLS, ...INTERNAL, "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443" }), [
            `Service exposes Serve's port 8000 but it does not terminate TLS on port 80 (service.beta.kubernetes.io/aws-load-balancer-ssl-ports is "443")${FIX}`,
        ], service({ type: "LoadBalancer", ports }, { ...TLS, ...INTERNAL, "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443, serve-plain" }));
        assert.deepEqual(await violationsOf(servePortExposure, service({ type: "LoadBalancer", ports }, { ...TLS, ...INTERNAL, "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "*" })), []);
    });

    it("flags Serve on a NodePort or externalIPs (no load balancer to allowlist or terminate TLS); ClusterIP twins pass", async () => {
        await twins(servePortExposure, service({ type: "NodePort", ports: [{ name: "serve", port: 8000 }] }, { ...TLS, ...INTERNAL }), [
            `Service exposes Serve's port 8000 but it is of type NodePort, which puts it on every node's address (or those IPs) with no load balancer to hold an allowlist or terminate TLS${FIX}`,
        ], service({ type: "ClusterIP", ports: [{ name: "serve", port: 8000 }] }, { ...TLS, ...INTERNAL }));
        await twins(servePortExposure, service({ externalIPs: ["198.51.100.7"], ports: [{ name: "serve", port: 8000 }] }), [
            `Service exposes Serve's port 8000 but it is with externalIPs 198.51.100.7, which puts it on every node's address (or those IPs) with no load balancer to hold an allowlist or terminate TLS${FIX}`,
        ], service({ ports: [{ name: "serve", port: 8000 }] }));
        await twins(servePortExposure, lb({ externalIPs: ["198.51.100.7"] }, { ...TLS, ...INTERNAL }), [
            `Service exposes Serve's port 8000 but it also takes traffic on its externalIPs, past the load balancer${FIX}`,
        ], lb({}, { ...TLS, ...INTERNAL }));
    });

    it("flags a RayService's serveService as a Service; the internal TLS twin passes", async () => {
        const rs = (annotations: object) => rayKind("RayService", {}, { serveService: { metadata: { annotations }, spec: { type: "LoadBalancer", ports: [{ name: "serve", port: 80, targetPort: 8000 }] } } });
        await twins(servePortExposure, rs(INTERNAL), [
            `RayService spec.serveService exposes Serve's port 8000 but it does not terminate TLS (no service.beta.kubernetes.io/aws-load-balancer-ssl-cert)${FIX}`,
        ], rs({ ...INTERNAL, ...TLS }));
    });

    describe("through an Ingress of any class", () => {
        const INGRESS_FIX = ": make it internal (alb.ingress.kubernetes.io/scheme: internal) or allowlist its sources (alb.ingress.kubernetes.io/inbound-cidrs, or ingress-nginx's allowlist-source-range), and terminate TLS (spec.tls, or alb.ingress.kubernetes.io/certificate-arn).";
        const ALB_SAFE = { "alb.ingress.kubernetes.io/scheme": "internal", "alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:us-west-2:111122223333:certificate/x" };

        it("flags an open, plain-text Ingress to Serve by port, port name, or KubeRay's serve Service; the internal TLS twin passes", async () => {
            for (const backend of [{ name: "app", port: { number: 8000 } }, { name: "app", port: { name: "serve" } }, { name: "vllm-serve-svc", port: { number: 443 } }]) {
                await twins(servePortExposure, ingress(backend, {}, { ingressClassName: "alb" }), [
                    `Ingress exposes Serve's port 8000 but it is internet-facing with no source CIDR allowlist, and it does not terminate TLS (no spec.tls or alb.ingress.kubernetes.io/certificate-arn)${INGRESS_FIX}`,
                ], ingress(backend, ALB_SAFE, { ingressClassName: "alb" }));
            }
        });

        it("counts open inbound CIDRs as no allowlist; ingress-nginx's allowlist (and its old whitelist name) with spec.tls passes", async () => {
            const backend = { name: "vllm-serve-svc", port: { number: 8000 } };
            await twins(servePortExposure, ingress(backend, { "alb.ingress.kubernetes.io/inbound-cidrs": "0.0.0.0/1,128.0.0.0/1", "alb.ingress.kubernetes.io/certificate-arn": "arn:x" }), [
                `Ingress exposes Serve's port 8000 but it is internet-facing and its alb.ingress.kubernetes.io/inbound-cidrs admit 0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4 internet${INGRESS_FIX}`,
            ], ingress(backend, { "alb.ingress.kubernetes.io/inbound-cidrs": "203.0.113.0/24", "alb.ingress.kubernetes.io/certificate-arn": "arn:x" }));
            const tls = { ingressClassName: "nginx", tls: [{ hosts: ["llm.example.com"], secretName: "llm-tls" }] };
            await twins(servePortExposure, ingress(backend, { "nginx.ingress.kubernetes.io/whitelist-source-range": "0.0.0.0/0" }, tls), [
                `Ingress exposes Serve's port 8000 but it is internet-facing and its nginx.ingress.kubernetes.io/whitelist-source-range admit 0.0.0.0/0${INGRESS_FIX}`,
            ], ingress(backend, { "nginx.ingress.kubernetes.io/allowlist-source-range": "10.0.0.0/8" }, tls));
        });

        it("passes an Ingress that does not reach Serve", async () => {
            assert.deepEqual(await violationsOf(servePortExposure, ingress({ name: "grafana", port: { number: 3000 } })), []);
        });
    });
});

describe("policy serve-route-exposure (stack)", () => {
    const gateway = (spec: object, name = "gw", namespace = "llm"): RawResource => ({
        type: "kubernetes:gateway.networking.k8s.io/v1:Gateway", name, props: { metadata: { name, namespace }, spec: { gatewayClassName: "envoy", ...spec } },
    });
    const HTTPS = { name: "https", protocol: "HTTPS", port: 443, tls: { certificateRefs: [{ name: "llm-tls" }] } };
    const HTTP = { name: "http", protocol: "HTTP", port: 80 };
    const INTERNAL = { infrastructure: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } } };
    const serveRoute = (parentRefs: object[] = [{ name: "gw" }], backend: object = { name: "vllm-serve-svc", port: 8000 }, type = HTTP_ROUTE) => route(type, [{ backendRefs: [backend] }], parentRefs, "serve");
    const FIX = ": make the Gateway internal (service.beta.kubernetes.io/aws-load-balancer-scheme: internal in spec.infrastructure.annotations, or a LoadBalancerConfiguration with scheme: internal) or allowlist its sources, and attach the route only to HTTPS or TLS (Terminate) listeners.";
    const OPEN = "it is internet-facing (no service.beta.kubernetes.io/aws-load-balancer-scheme: internal in spec.infrastructure.annotations, nor an internal LoadBalancerConfiguration) with no source ranges allowlist";

    async function stackTwins(bad: RawResource[], messages: string[], good: RawResource[]): Promise<void> {
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, bad), messages);
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, good), [], "the compliant twin passes");
    }

    it("flags a route to Serve through an internet-facing, plain-HTTP Gateway; the internal HTTPS twin passes", async () => {
        await stackTwins([gateway({ listeners: [HTTP] }), serveRoute()], [
            `serve: HTTPRoute spec.parentRefs[0] (Gateway llm/gw) exposes Serve's port 8000 but ${OPEN}, and its listener http (HTTP 80) does not terminate TLS${FIX}`,
        ], [gateway({ ...INTERNAL, listeners: [HTTPS] }), serveRoute()]);
    });

    it("recognises Serve by port 8000 or by KubeRay's <name>-serve-svc on any port, in every route kind", async () => {
        for (const [type, backend] of [
            [HTTP_ROUTE, { name: "app", port: 8000 }],
            ["kubernetes:gateway.networking.k8s.io/v1:GRPCRoute", { name: "vllm-serve-svc", port: 443 }],
            ["kubernetes:gateway.networking.k8s.io/v1alpha2:TCPRoute", { name: "vllm-serve-svc", port: 8000 }],
        ] as [string, object][]) {
            const kind = type.split(":")[2];
            await stackTwins([gateway({ listeners: [HTTPS] }), serveRoute([{ name: "gw" }], backend, type)], [
                `serve: ${kind} spec.parentRefs[0] (Gateway llm/gw) exposes Serve's port 8000 but ${OPEN}${FIX}`,
            ], [gateway({ ...INTERNAL, listeners: [HTTPS] }), serveRoute([{ name: "gw" }], backend, type)]);
        }
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [gateway({ listeners: [HTTP] }), serveRoute([{ name: "gw" }], { name: "grafana", port: 3000 })]), []);
    });

    it("checks only the listeners a parentRef attaches to (sectionName, port); a TLS passthrough listener does not terminate TLS", async () => {
        const both = gateway({ ...INTERNAL, listeners: [HTTP, HTTPS] });
        await stackTwins([both, serveRoute([{ name: "gw" }])], [
            `serve: HTTPRoute spec.parentRefs[0] (Gateway llm/gw) exposes Serve's port 8000 but its listener http (HTTP 80) does not terminate TLS${FIX}`,
        ], [both, serveRoute([{ name: "gw", sectionName: "https" }])]);
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [both, serveRoute([{ name: "gw", port: 443 }])]), []);
        const tls = (mode: string) => gateway({ ...INTERNAL, listeners: [{ name: "tls", protocol: "TLS", port: 443, tls: { mode } }] });
        const tlsRoute = serveRoute([{ name: "gw" }], { name: "vllm-serve-svc", port: 8000 }, "kubernetes:gateway.networking.k8s.io/v1:TLSRoute");
        await stackTwins([tls("Passthrough"), tlsRoute], [
            `serve: TLSRoute spec.parentRefs[0] (Gateway llm/gw) exposes Serve's port 8000 but its listener tls (TLS 443) does not terminate TLS${FIX}`,
        ], [tls("Terminate"), tlsRoute]);
    });

    it("reads the AWS Load Balancer Controller's LoadBalancerConfiguration: its scheme and sourceRanges (open when they reach the internet)", async () => {
        const config = (spec: object): RawResource => ({ type: "kubernetes:gateway.k8s.aws/v1beta1:LoadBalancerConfiguration", name: "lbc", props: { metadata: { name: "lbc", namespace: "llm" }, spec } });
        const gw = gateway({ gatewayClassName: "alb", infrastructure: { parametersRef: { group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name: "lbc" } }, listeners: [HTTPS] });
        await stackTwins([gw, config({ scheme: "internet-facing", sourceRanges: ["0.0.0.0/1", "128.0.0.0/1"] }), serveRoute()], [
            `serve: HTTPRoute spec.parentRefs[0] (Gateway llm/gw) exposes Serve's port 8000 but it is internet-facing and its LoadBalancerConfiguration sourceRanges admit 0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4 internet${FIX}`,
        ], [gw, config({ scheme: "internet-facing", sourceRanges: ["203.0.113.0/24"] }), serveRoute()]);
        await stackTwins([gw, config({}), serveRoute()], [
            `serve: HTTPRoute spec.parentRefs[0] (Gateway llm/gw) exposes Serve's port 8000 but its LoadBalancerConfiguration is internet-facing with no sourceRanges allowlist${FIX}`,
        ], [gw, config({ scheme: "internal" }), serveRoute()]);
    });

    it("reads source ranges from the Gateway's infrastructure annotations", async () => {
        const ranges = (value: string) => gateway({ infrastructure: { annotations: { "service.beta.kubernetes.io/load-balancer-source-ranges": value } }, listeners: [HTTPS] });
        await stackTwins([ranges("0.0.0.0/0"), serveRoute()], [
            `serve: HTTPRoute spec.parentRefs[0] (Gateway llm/gw) exposes Serve's port 8000 but it is internet-facing and its spec.infrastructure.annotations service.beta.kubernetes.io/load-balancer-source-ranges admit 0.0.0.0/0${FIX}`,
        ], [ranges("10.0.0.0/8"), serveRoute()]);
    });

    it("flags a Gateway the stack does not declare (another name or namespace), or a parent it cannot read; a mesh (Service) parent stays inside", async () => {
        const UNDECLARED = "takes Serve's port 8000 through a Gateway this stack does not declare, so nothing shows it is internal or allowlisted with TLS: declare the Gateway in this stack, internal (service.beta.kubernetes.io/aws-load-balancer-scheme: internal in spec.infrastructure.annotations, or an internal LoadBalancerConfiguration) or allowlisted, with HTTPS or TLS listeners.";
        const safe = gateway({ ...INTERNAL, listeners: [HTTPS] }, "gw", "edge");
        await stackTwins([safe, serveRoute([{ name: "gw" }])], [
            `serve: HTTPRoute spec.parentRefs[0] (Gateway llm/gw) ${UNDECLARED}`,
        ], [safe, serveRoute([{ name: "gw", namespace: "edge" }])]);
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [serveRoute([{ group: "gateway.networking.k8s.io", kind: "ListenerSet", name: "ls" }])]), [
            "serve: HTTPRoute spec.parentRefs[0] (ListenerSet llm/ls) takes Serve's port 8000 through a ListenerSet this stack does not declare, so nothing shows it is internal or allowlisted with TLS: declare the Gateway in this stack, internal (service.beta.kubernetes.io/aws-load-balancer-scheme: internal in spec.infrastructure.annotations, or an internal LoadBalancerConfiguration) or allowlisted, with HTTPS or TLS listeners.",
        ]);
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [serveRoute([{ group: "", kind: "Service", name: "vllm-serve-svc" }])]), []);
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [serveRoute([])]), []);
    });
});

describe("policy no-open-security-group-rules", () => {
    const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
    const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    const GROUP = "aws:ec2/securityGroup:SecurityGroup";
    const FIX = ": restrict the source to your VPC or known CIDRs, or reference a security group.";
    const ALL = "443, 6379, 8000, 8080, 8265, 10001, 44217, 44227, 52365";

    it("passes rules from the VPC, open rules on other ports, and egress", async () => {
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: RULE, props: { type: "ingress", fromPort: 8265, toPort: 8265, protocol: "tcp", cidrBlocks: ["10.0.0.0/16"] } }), []);
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: RULE, props: { type: "ingress", fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] } }), []);
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: RULE, props: { type: "egress", fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] } }), []);
    });

    it("flags Ray or API ports open to the internet, in every rule form; the VPC-only twin passes", async () => {
        await twins(noOpenSecurityGroupRules, { type: RULE, props: { type: "ingress", fromPort: 8000, toPort: 8300, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] } }, [
            `Security group rule opens ports 8000, 8080, 8265 (the Kubernetes API or Ray) to 0.0.0.0/0${FIX}`,
        ], { type: RULE, props: { type: "ingress", fromPort: 8000, toPort: 8300, protocol: "tcp", cidrBlocks: ["10.0.0.0/16"] } });
        await twins(noOpenSecurityGroupRules, { type: INGRESS_RULE, props: { fromPort: 443, toPort: 443, ipProtocol: "tcp", cidrIpv6: "::/0" } }, [
            `Security group ingress rule opens port 443 (the Kubernetes API or Ray) to ::/0${FIX}`,
        ], { type: INGRESS_RULE, props: { fromPort: 443, toPort: 443, ipProtocol: "tcp", cidrIpv6: "2001:db8::/32" } });
        await twins(noOpenSecurityGroupRules, { type: GROUP, props: { ingress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] } }, [
            `Security group ingress opens ports ${ALL} (the Kubernetes API or Ray) to 0.0.0.0/0${FIX}`,
        ], { type: GROUP, props: { ingress: [{ fromPort: 0, toPort: 0, protocol: "-1", securityGroups: ["sg-1"] }] } });
        await twins(noOpenSecurityGroupRules, { type: RULE, props: { type: "ingress", fromPort: 44200, toPort: 44300, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] } }, [
            `Security group rule opens ports 44217, 44227 (the Kubernetes API or Ray) to 0.0.0.0/0${FIX}`,
        ], { type: RULE, props: { type: "ingress", fromPort: 44200, toPort: 44210, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] } });
    });

    it("counts all traffic (protocol -1) and all ports (0-65535, or -1) as opening every guarded port; ICMP opens none", async () => {
        const forms: [string, Record<string, unknown>][] = [
            [RULE, { type: "ingress", fromPort: 0, toPort: 65535, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }],
            [RULE, { type: "ingress", fromPort: -1, toPort: -1, protocol: "6", cidrBlocks: ["0.0.0.0/0"] }],
            [RULE, { type: "ingress", fromPort: 0, toPort: 0, protocol: "all", cidrBlocks: ["0.0.0.0/0"] }],
        ];
        for (const [type, props] of forms) {
            await twins(noOpenSecurityGroupRules, { type, props }, [
                `Security group rule opens ports ${ALL} (the Kubernetes API or Ray) to 0.0.0.0/0${FIX}`,
            ], { type, props: { ...props, cidrBlocks: ["10.0.0.0/8"] } });
        }
        await twins(noOpenSecurityGroupRules, { type: INGRESS_RULE, props: { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" } }, [
            `Security group ingress rule opens ports ${ALL} (the Kubernetes API or Ray) to 0.0.0.0/0${FIX}`,
        ], { type: INGRESS_RULE, props: { ipProtocol: "icmp", fromPort: -1, toPort: -1, cidrIpv4: "0.0.0.0/0" } });
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: GROUP, props: { ingress: [{ fromPort: 8, toPort: 0, protocol: "icmp", cidrBlocks: ["0.0.0.0/0"] }, { fromPort: -1, toPort: -1, protocol: "58", ipv6CidrBlocks: ["::/0"] }] } }), []);
    });

    it("counts CIDRs that together cover the internet as open: in one rule, across a group's ingress blocks, and one wider than a /8", async () => {
        await twins(noOpenSecurityGroupRules, { type: RULE, props: { type: "ingress", fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] } }, [
            `Security group rule opens port 443 (the Kubernetes API or Ray) to 0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4 internet${FIX}`,
        ], { type: RULE, props: { type: "ingress", fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10"] } });
        await twins(noOpenSecurityGroupRules, { type: RULE, props: { type: "ingress", fromPort: 8265, toPort: 8265, protocol: "tcp", ipv6CidrBlocks: ["2000::/4", "3000::/4"] } }, [
            `Security group rule opens port 8265 (the Kubernetes API or Ray) to 2000::/4 and 3000::/4, which together cover the whole IPv6 internet${FIX}`,
        ], { type: RULE, props: { type: "ingress", fromPort: 8265, toPort: 8265, protocol: "tcp", ipv6CidrBlocks: ["fd00::/8"] } });
        await twins(noOpenSecurityGroupRules, { type: INGRESS_RULE, props: { fromPort: 10001, toPort: 10001, ipProtocol: "tcp", cidrIpv4: "0.0.0.0/1" } }, [
            `Security group ingress rule opens port 10001 (the Kubernetes API or Ray) to 0.0.0.0/1, which covers 2,092,957,696 public IPv4 addresses, more than a /8${FIX}`,
        ], { type: INGRESS_RULE, props: { fromPort: 10001, toPort: 10001, ipProtocol: "tcp", cidrIpv4: "11.0.0.0/8" } });
        // Each block alone is a /8 (not open); for 8265 the two together are more than a /8.
        const group = (second: object) => ({ type: GROUP, props: { ingress: [{ fromPort: 8265, toPort: 8265, protocol: "tcp", cidrBlocks: ["11.0.0.0/8"] }, second] } });
        await twins(noOpenSecurityGroupRules, group({ fromPort: 8000, toPort: 8265, protocol: "tcp", cidrBlocks: ["12.0.0.0/8"] }), [
            `Security group ingress opens port 8265 (the Kubernetes API or Ray) to 11.0.0.0/8 and 12.0.0.0/8, which together cover 33,554,432 public IPv4 addresses, more than a /8${FIX}`,
        ], group({ fromPort: 8000, toPort: 8080, protocol: "tcp", cidrBlocks: ["12.0.0.0/8"] }));
        await twins(noOpenSecurityGroupRules, group({ fromPort: 0, toPort: 65535, protocol: "tcp", cidrBlocks: ["128.0.0.0/1"] }), [
            `Security group ingress opens ports 443, 6379, 8000, 8080, 10001, 44217, 44227, 52365 (the Kubernetes API or Ray) to 128.0.0.0/1, which covers 1,609,433,088 public IPv4 addresses, more than a /8${FIX}`,
            `Security group ingress opens port 8265 (the Kubernetes API or Ray) to 11.0.0.0/8 and 128.0.0.0/1, which together cover 1,626,210,304 public IPv4 addresses, more than a /8${FIX}`,
        ], group({ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["128.0.0.0/1"] }));
    });
});

describe("policy eks-public-endpoint-restricted", () => {
    const message = (reach: string) => `the EKS cluster's public API endpoint is open to ${reach}: turn it off (endpointPublicAccess: false; the private endpoint stays) or list only the CIDRs that need it in publicAccessCidrs.`;
    const raw = (vpcConfig: object): RawResource => ({ type: "aws:eks/cluster:Cluster", props: { vpcConfig } });
    const component = (inputs: object): RawResource => ({ type: "eks:index:Cluster", props: { name: "c", ...inputs } });

    it("passes a private or restricted endpoint, raw or through @pulumi/eks", async () => {
        assert.deepEqual(await violationsOf(eksPublicEndpointRestricted, raw({ endpointPublicAccess: false })), []);
        assert.deepEqual(await violationsOf(eksPublicEndpointRestricted, component({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })), []);
    });

    it("flags an endpoint open to everyone, including by default; the restricted twin passes", async () => {
        await twins(eksPublicEndpointRestricted, raw({ subnetIds: [] }), [message("0.0.0.0/0")], raw({ subnetIds: [], publicAccessCidrs: ["203.0.113.0/24"] }));
        await twins(eksPublicEndpointRestricted, component({ endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }), [message("0.0.0.0/0")], component({ endpointPublicAccess: false, publicAccessCidrs: ["0.0.0.0/0"] }));
    });

    it("flags CIDRs that together cover the internet, or more than a /8 of it, raw and through @pulumi/eks; RFC 1918 and narrow ranges pass", async () => {
        const cases: [string[], string][] = [
            [["0.0.0.0/1", "128.0.0.0/1"], "0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4 internet"],
            [["52.0.0.0/7"], "52.0.0.0/7, which covers 33,554,432 public IPv4 addresses, more than a /8"],
            [["52.0.0.0/8", "54.0.0.0/8"], "52.0.0.0/8 and 54.0.0.0/8, which together cover 33,554,432 public IPv4 addresses, more than a /8"],
        ];
        for (const [cidrs, reach] of cases) {
            await twins(eksPublicEndpointRestricted, raw({ endpointPublicAccess: true, publicAccessCidrs: cidrs }), [message(reach)], raw({ endpointPublicAccess: true, publicAccessCidrs: ["52.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12"] }));
            await twins(eksPublicEndpointRestricted, component({ publicAccessCidrs: cidrs }), [message(reach)], component({ publicAccessCidrs: ["198.51.100.0/24"] }));
        }
    });
});

describe("the exposure policies during preview: unknown values are left to the engine", () => {
    const { unknownCheckingProxy, UnknownValueError, unknownArrayValue, unknownStringValue, unknownObjectValue } = preview;

    async function leftToEngine(policy: ResourceValidationPolicy, r: RawResource): Promise<void> {
        try {
            assert.deepEqual(await violationsOf(policy, { ...r, props: unknownCheckingProxy(r.props) }), [], `${policy.name} must not decide on an unknown value`);
        } catch (e) {
            assert.ok(e instanceof UnknownValueError, `${policy.name} threw ${String(e)}`);
        }
    }

    it("does not decide on an unknown route, pod, Ingress annotation, source range or CIDR", async () => {
        await leftToEngine(rayPortsNotExposed, { type: HTTP_ROUTE, props: { spec: { rules: [{ backendRefs: unknownArrayValue }] } } });
        await leftToEngine(rayPortsNotExposed, { type: "kubernetes:ray.io/v1:RayJob", props: { spec: { rayClusterSpec: { headGroupSpec: { template: { spec: { hostNetwork: unknownStringValue } } } } } } });
        await leftToEngine(rayPortsNotExposed, { type: SERVICE, props: { spec: { type: "ClusterIP", externalIPs: unknownArrayValue, ports: [{ port: 8265 }] } } });
        await leftToEngine(servePortExposure, { type: INGRESS, props: { metadata: { annotations: unknownObjectValue }, spec: { rules: [{ http: { paths: [{ backend: { service: { name: "x", port: { number: 8000 } } } }] } }] } } });
        await leftToEngine(servePortExposure, { type: SERVICE, props: { metadata: { annotations: {} }, spec: { type: "LoadBalancer", loadBalancerSourceRanges: [unknownStringValue], ports: [{ port: 8000 }] } } });
        await leftToEngine(noOpenSecurityGroupRules, { type: "aws:ec2/securityGroup:SecurityGroup", props: { ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/1"] }, { fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: unknownArrayValue }] } });
        await leftToEngine(eksPublicEndpointRestricted, { type: "aws:eks/cluster:Cluster", props: { vpcConfig: { publicAccessCidrs: ["0.0.0.0/1", unknownStringValue] } } });
    });

    it("serve-route-exposure does not decide on an unknown Gateway name: the engine reports it as not checkable", async () => {
        const plan = stack(
            { urn: "urn:pulumi:test::t::kubernetes:gateway.networking.k8s.io/v1:Gateway::gw", type: "kubernetes:gateway.networking.k8s.io/v1:Gateway", name: "gw", custom: true, inputs: { metadata: { name: "[unknown]", namespace: "llm" }, spec: { listeners: [{ name: "http", protocol: "HTTP", port: 80 }] } } },
            { urn: "urn:pulumi:test::t::kubernetes:gateway.networking.k8s.io/v1:HTTPRoute::serve", type: HTTP_ROUTE, name: "serve", custom: true, inputs: { metadata: { name: "serve", namespace: "llm" }, spec: { parentRefs: [{ name: "[unknown]" }], rules: [{ backendRefs: [{ name: "vllm-serve-svc", port: 8000 }] }] } } },
        );
        assert.deepEqual(await findings(plan, serveRouteExposure), [
            "serve-route-exposure: stack: can't run during preview: string value at .spec.parentRefs.0.name can't be known during preview [advisory]",
        ]);
    });
});

/** A plan of one stack's resources. */
const stack = stackPlan;

/** One policy's findings over a plan, as "policy: resource: message". */
async function findings(plan: PlanResult, policy: ResourceValidationPolicy | StackValidationPolicy): Promise<string[]> {
    return (await evaluatePolicies(plan, [policy], {})).map((v) => `${v.policy}: ${v.resource}: ${v.message}${v.enforcementLevel === "mandatory" ? "" : ` [${v.enforcementLevel}]`}`);
}

describe("the exposure spellings in both engine views", () => {
    const custom = (r: RawResource, parent?: string): Omit<PlannedResource, "dependencies" | "options"> => ({
        urn: `urn:pulumi:test::t::${parent === undefined ? "" : "kubernetes:helm.sh/v4:Chart$"}${r.type}::${r.name ?? "r"}`,
        type: r.type, name: r.name ?? "r", custom: true, inputs: r.props, ...(parent !== undefined ? { parent } : {}),
    });
    const eksCluster = (inputs: Record<string, unknown>): Omit<PlannedResource, "dependencies" | "options"> => ({
        urn: "urn:pulumi:test::t::eks:index:Cluster::c", type: "eks:index:Cluster", name: "c", custom: false,
        inputs: { name: "c", authenticationMode: "API", skipDefaultNodeGroup: true, skipDefaultSecurityGroups: true, endpointPrivateAccess: true, privateSubnetIds: ["subnet-a"], publicSubnetIds: ["subnet-b"], ...inputs },
    });
    const ENDPOINT = "the EKS cluster's public API endpoint is open to 0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4 internet: turn it off (endpointPublicAccess: false; the private endpoint stays) or list only the CIDRs that need it in publicAccessCidrs.";

    it("flags split public-access CIDRs on eks:index:Cluster as recorded, and on its aws:eks/cluster:Cluster in the real view; the twin passes both", async () => {
        const open = stack(eksCluster({ endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }));
        assert.deepEqual(await findings(open, eksPublicEndpointRestricted), [`eks-public-endpoint-restricted: eks:index:Cluster c: ${ENDPOINT}`]);
        assert.deepEqual(await findings(realEngineView(open), eksPublicEndpointRestricted), [`eks-public-endpoint-restricted: aws:eks/cluster:Cluster c-eksCluster: ${ENDPOINT}`]);
        const restricted = stack(eksCluster({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "10.0.0.0/8"] }));
        assert.deepEqual(await findings(restricted, eksPublicEndpointRestricted), []);
        assert.deepEqual(await findings(realEngineView(restricted), eksPublicEndpointRestricted), []);
    });

    it("flags a Service a Helm chart renders (a child of the chart, which arrives without inputs) in the real view; its ClusterIP twin passes", async () => {
        const chart = { urn: "urn:pulumi:test::t::kubernetes:helm.sh/v4:Chart::kuberay", type: "kubernetes:helm.sh/v4:Chart", name: "kuberay", custom: false, inputs: {} };
        const rendered = (type: string) => stack(chart, custom({ ...service({ type, ports: [{ name: "dashboard", port: 8265 }] }), name: "ray-head-svc" }, chart.urn));
        const bad = realEngineView(rendered("LoadBalancer"));
        assert.deepEqual(bad.resources.filter((r) => r.parent === chart.urn).map((r) => r.type), ["kubernetes:core/v1:Service"]);
        assert.deepEqual(await findings(bad, rayPortsNotExposed), [
            `ray-ports-not-exposed: kubernetes:core/v1:Service ray-head-svc: Service of type LoadBalancer exposes 8265 (the Ray dashboard and Jobs API) outside the cluster${SERVICE_FIX}`,
        ]);
        assert.deepEqual(await findings(realEngineView(rendered("ClusterIP")), rayPortsNotExposed), []);
    });

    it("sees every raw spelling the same in the recorded plan and in the real view (they are no remote component's children)", async () => {
        const cases: [ResourceValidationPolicy | StackValidationPolicy, RawResource[], string[]][] = [
            [rayPortsNotExposed, [service({ type: "NodePort", ports: [{ port: 9000, targetPort: "client" }] })], [`ray-ports-not-exposed: kubernetes:core/v1:Service svc: Service of type NodePort exposes 10001 (the Ray client) outside the cluster${SERVICE_FIX}`]],
            [rayPortsNotExposed, [route("kubernetes:gateway.networking.k8s.io/v1:GRPCRoute", [{ backendRefs: [{ name: "ray-head-svc", port: 10001 }] }])], [`ray-ports-not-exposed: kubernetes:gateway.networking.k8s.io/v1:GRPCRoute route: GRPCRoute spec.rules[0].backendRefs[0] routes to ray-head-svc on 10001 (the Ray client)${ROUTE_FIX}`]],
            [rayPortsNotExposed, [rayKind("RayJob", { workerGroupSpecs: [{ template: { spec: { hostNetwork: true } } }] })], ["ray-ports-not-exposed: kubernetes:ray.io/v1:RayJob ray: spec.rayClusterSpec.workerGroupSpecs[0] runs its Ray pods with hostNetwork: true, which opens every Ray port on the node's address, past the NetworkPolicies: remove hostNetwork."]],
            [rayHeadServiceInternal, [rayKind("RayCluster", { headGroupSpec: { enableIngress: true } })], ["ray-head-service-internal: kubernetes:ray.io/v1:RayCluster ray: spec.headGroupSpec.enableIngress is set, which creates an Ingress to the Ray dashboard (anyone who reaches it can run code): remove it and reach the dashboard with kubectl port-forward."]],
            [rayDashboardIngress, [ingress({ name: "ray-head-svc", port: { name: "client" } }, {}, { ingressClassName: "nginx" })], ["ray-dashboard-ingress: kubernetes:networking.k8s.io/v1:Ingress ing: Ingress routes to 10001 (the Ray client), which must never leave the cluster: remove those backends."]],
            [servePortExposure, [service({ type: "LoadBalancer", loadBalancerSourceRanges: ["0.0.0.0/1", "128.0.0.0/1"], ports: [{ name: "serve", port: 443 }] }, { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:x" })], ["serve-port-exposure: kubernetes:core/v1:Service svc: Service exposes Serve's port 8000 but it is internet-facing and its loadBalancerSourceRanges admit 0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4 internet: use an internal load balancer (aws-load-balancer-scheme: internal) or source ranges, with an ACM certificate for TLS."]],
            [serveRouteExposure, [route(HTTP_ROUTE, [{ backendRefs: [{ name: "vllm-serve-svc", port: 8000 }] }], [{ name: "missing" }])], ["serve-route-exposure: kubernetes:gateway.networking.k8s.io/v1:HTTPRoute route: HTTPRoute spec.parentRefs[0] (Gateway llm/missing) takes Serve's port 8000 through a Gateway this stack does not declare, so nothing shows it is internal or allowlisted with TLS: declare the Gateway in this stack, internal (service.beta.kubernetes.io/aws-load-balancer-scheme: internal in spec.infrastructure.annotations, or an internal LoadBalancerConfiguration) or allowlisted, with HTTPS or TLS listeners."]],
            [noOpenSecurityGroupRules, [{ type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", name: "sg", props: { ipProtocol: "-1", cidrIpv6: "2000::/3" } }], ["no-open-security-group-rules: aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule sg: Security group ingress rule opens ports 443, 6379, 8000, 8080, 8265, 10001, 44217, 44227, 52365 (the Kubernetes API or Ray) to 2000::/3, which covers the whole IPv6 internet: restrict the source to your VPC or known CIDRs, or reference a security group."]],
        ];
        for (const [policy, resources, expected] of cases) {
            const plan = stack(...resources.map((r) => custom(r)));
            assert.deepEqual(await findings(plan, policy), expected, policy.name);
            assert.deepEqual(await findings(realEngineView(plan), policy), expected, `${policy.name}, real view`);
        }
    });
});
