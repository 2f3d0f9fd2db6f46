/**
 * Edge cases of the exposure policies (policy/exposure.ts) and their CIDR arithmetic
 * (policy/network.ts): address spellings at the limits, ranges given out of order or overlapping
 * by one address, message lists of several entries, resources without a name or namespace, and
 * lookalike types the policies must not read.
 */
import * as assert from "node:assert/strict";

import { RawResource, stackViolationsOf, violationsOf } from "./support/policy";

import {
    noOpenSecurityGroupRules,
    rayDashboardIngress,
    rayPortsNotExposed,
    servePortExposure,
    serveRouteExposure,
} from "../policy/exposure";
import { internetReach, parseCidr } from "../policy/network";

describe("policy CIDR rule: edge spellings and orders", () => {
    it("parses the full eight-group IPv6 form, a \"::\" standing for one group, an embedded IPv4 of multi-digit octets, and 255 as an octet", () => {
        assert.deepEqual(parseCidr("2001:db8:0:0:0:0:0:1/128"), { family: 6, first: 0x20010db8000000000000000000000001n, last: 0x20010db8000000000000000000000001n });
        assert.deepEqual(parseCidr("1:2:3:4::5:6:7"), { family: 6, first: 0x00010002000300040000000500060007n, last: 0x00010002000300040000000500060007n });
        assert.deepEqual(parseCidr("::ffff:10.20.30.40"), { family: 6, first: 0xffff0a141e28n, last: 0xffff0a141e28n });
        assert.deepEqual(parseCidr("255.0.0.0/8"), { family: 4, first: 4278190080n, last: 4294967295n });
    });

    it("refuses seven groups without \"::\", a five-digit group, a bad embedded IPv4, a four-digit octet or prefix, and text around an address", () => {
        for (const bad of ["1:2:3:4:5:6:7", "12345::1", "::ffff:300.0.0.1", "::ffff:1.2.3.4x", "1\n::ffff:1.2.3.4", "0001.0.0.0", "10.0.0.0/0008"]) {
            assert.equal(parseCidr(bad), undefined, JSON.stringify(bad));
        }
    });

    it("counts ranges given out of order, ranges overlapping by one address, and a range inside a later one of the same start once", () => {
        assert.equal(internetReach(["128.0.0.0/1", "0.0.0.0/1"]), "128.0.0.0/1 and 0.0.0.0/1, which together cover the whole IPv4 internet");
        assert.equal(internetReach(["11.0.0.0/8", "11.255.255.255"]), undefined);
        assert.equal(internetReach(["11.0.0.0/8", "11.64.0.0/10", "12.0.0.0/32"]), "11.0.0.0/8, 11.64.0.0/10 and 12.0.0.0/32, which together cover 16,777,217 public IPv4 addresses, more than a /8");
        assert.equal(internetReach(["11.0.0.0/9", "11.0.0.0/8", "12.0.0.0/32"]), "11.0.0.0/9, 11.0.0.0/8 and 12.0.0.0/32, which together cover 16,777,217 public IPv4 addresses, more than a /8");
    });

    it("leaves out of the names a private host inside the open ranges", () => {
        assert.equal(internetReach(["0.0.0.0/1", "128.0.0.0/1", "10.0.0.1"]), "0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4 internet");
    });

    it("names four ranges in full, and 0.0.0.0/0 with another range as a set", () => {
        assert.equal(internetReach(["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"]), "0.0.0.0/2, 64.0.0.0/2, 128.0.0.0/2 and 192.0.0.0/2, which together cover the whole IPv4 internet");
        assert.equal(internetReach(["0.0.0.0/0", "1.0.0.0/8"]), "0.0.0.0/0 and 1.0.0.0/8, which together cover the whole IPv4 internet");
    });
});

const SERVICE = "kubernetes:core/v1:Service";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const LBC = "kubernetes:gateway.k8s.aws/v1beta1:LoadBalancerConfiguration";
const SERVICE_FIX = "; anyone who reaches the dashboard or client port can run code on the cluster (CVE-2023-48022): make it ClusterIP and use kubectl port-forward, or expose only Serve's port 8000.";
const ROUTE_FIX = ", which must never leave the cluster; anyone who reaches the dashboard or client port can run code on the cluster (CVE-2023-48022): remove the backendRef, and reach the dashboard with kubectl port-forward.";

function route(backendRefs: object[], type = HTTP_ROUTE): RawResource {
    return { type, name: "route", props: { metadata: { name: "route", namespace: "llm" }, spec: { parentRefs: [{ name: "gw" }], rules: [{ backendRefs }] } } };
}

describe("policy ray-ports-not-exposed: edges", () => {
    it("names a backendRef without a name as (unnamed)", async () => {
        assert.deepEqual(await violationsOf(rayPortsNotExposed, route([{ port: 8265 }])), [
            `HTTPRoute spec.rules[0].backendRefs[0] routes to (unnamed) on 8265 (the Ray dashboard and Jobs API)${ROUTE_FIX}`,
        ]);
    });

    it("reads KubeRay's head Service by name only for a Service backend with a numeric port", async () => {
        assert.deepEqual(await violationsOf(rayPortsNotExposed, route([{ name: "ray-head-svc", port: 9000 }])), [
            `HTTPRoute spec.rules[0].backendRefs[0] routes to ray-head-svc on 9000, a port of KubeRay's Ray head Service (its ports are the head's Ray ports)${ROUTE_FIX}`,
        ]);
        assert.deepEqual(await violationsOf(rayPortsNotExposed, route([{ kind: "ServiceImport", name: "ray-head-svc", port: 9000 }])), []);
        assert.deepEqual(await violationsOf(rayPortsNotExposed, route([{ name: "ray-head-svc", port: "8265" }])), []);
    });

    it("passes a resource of another group shaped like a route", async () => {
        assert.deepEqual(await violationsOf(rayPortsNotExposed, route([{ name: "ray-head-svc", port: 8265 }], "kubernetes:example.com/v1:HTTPRoute")), []);
    });

    it("reads serveService only on a RayService: a RayCluster's is no Service KubeRay creates", async () => {
        const serveService = { spec: { type: "LoadBalancer", ports: [{ port: 8265 }] } };
        const ray = (kind: string): RawResource => ({ type: `kubernetes:ray.io/v1:${kind}`, name: "ray", props: { metadata: { name: "ray", namespace: "llm" }, spec: { serveService } } });
        assert.deepEqual(await violationsOf(rayPortsNotExposed, ray("RayService")), [
            `RayService spec.serveService of type LoadBalancer exposes 8265 (the Ray dashboard and Jobs API) outside the cluster${SERVICE_FIX}`,
        ]);
        assert.deepEqual(await violationsOf(rayPortsNotExposed, ray("RayCluster")), []);
    });

    it("passes a null hostPort (unset)", async () => {
        const props = { metadata: { name: "ray" }, spec: { headGroupSpec: { template: { spec: { containers: [{ name: "ray-head", ports: [{ containerPort: 8265, hostPort: null }] }] } } } } };
        assert.deepEqual(await violationsOf(rayPortsNotExposed, { type: "kubernetes:ray.io/v1:RayCluster", props }), []);
    });

    it("lists every externalIP of a Service", async () => {
        const props = { metadata: { name: "svc" }, spec: { externalIPs: ["203.0.113.10", "203.0.113.11"], ports: [{ port: 8265 }] } };
        assert.deepEqual(await violationsOf(rayPortsNotExposed, { type: SERVICE, props }), [
            `Service with externalIPs 203.0.113.10, 203.0.113.11 exposes 8265 (the Ray dashboard and Jobs API) outside the cluster${SERVICE_FIX}`,
        ]);
    });
});

describe("policy ray-dashboard-ingress: edges", () => {
    const v1 = (backend: object, type = "kubernetes:networking.k8s.io/v1:Ingress"): RawResource => ({
        type, name: "ing", props: { metadata: { name: "ing" }, spec: { rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: backend } }] } }] } },
    });
    const v1beta1 = (backend: object): RawResource => ({
        type: "kubernetes:networking.k8s.io/v1beta1:Ingress", name: "ing", props: { metadata: { name: "ing" }, spec: { rules: [{ http: { paths: [{ path: "/", backend }] } }] } },
    });

    it("flags KubeRay's head Service reached by a port name alone", async () => {
        assert.deepEqual(await violationsOf(rayDashboardIngress, v1({ name: "ray-head-svc", port: { name: "custom" } })), [
            "Ingress routes to ray-head-svc on custom, a port of KubeRay's Ray head Service (its ports are the head's Ray ports), which must never leave the cluster: remove the backend, or name the dashboard's port 8265 and add its safeguards.",
        ]);
    });

    it("passes a v1 backend Service without a port, and a v1beta1 backend without a servicePort", async () => {
        assert.deepEqual(await violationsOf(rayDashboardIngress, v1({ name: "web" })), []);
        assert.deepEqual(await violationsOf(rayDashboardIngress, v1beta1({ serviceName: "ray-head-svc" })), []);
    });

    it("reads a v1beta1 numeric servicePort", async () => {
        assert.deepEqual(await violationsOf(rayDashboardIngress, v1beta1({ serviceName: "ray", servicePort: 6379 })), [
            "Ingress routes to 6379 (the Ray GCS), which must never leave the cluster: remove those backends.",
        ]);
    });

    it("passes a resource of another group shaped like an Ingress, for the dashboard and for Serve", async () => {
        const lookalike = (port: number) => v1({ name: "ray", port: { number: port } }, "kubernetes:example.com/v1:Ingress");
        assert.deepEqual(await violationsOf(rayDashboardIngress, lookalike(8265)), []);
        assert.deepEqual(await violationsOf(servePortExposure, lookalike(8000)), []);
    });
});

describe("policy serve-port-exposure: edges", () => {
    it("lists every Serve port the ssl-ports leave in plain text", async () => {
        const props = {
            metadata: {
                name: "svc",
                annotations: {
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
                    "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:us-west-2:111122223333:certificate/x",
                    "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443",
                },
            },
            spec: { type: "LoadBalancer", ports: [{ name: "serve", port: 8000 }, { name: "serve-grpc", port: 9000 }] },
        };
        assert.deepEqual(await violationsOf(servePortExposure, { type: SERVICE, props }), [
            "Service exposes Serve's port 8000 but it does not terminate TLS on port 8000, 9000 (service.beta.kubernetes.io/aws-load-balancer-ssl-ports is \"443\"): use an internal load balancer (aws-load-balancer-scheme: internal) or source ranges, with an ACM certificate for TLS.",
        ]);
    });

    it("flags an Ingress when one of its backends reaches Serve", async () => {
        const props = {
            metadata: { name: "ing" },
            spec: {
                defaultBackend: { service: { name: "web", port: { number: 80 } } },
                rules: [{ http: { paths: [{ path: "/v1", pathType: "Prefix", backend: { service: { name: "app", port: { number: 8000 } } } }] } }],
            },
        };
        assert.deepEqual(await violationsOf(servePortExposure, { type: "kubernetes:networking.k8s.io/v1:Ingress", props }), [
            "Ingress exposes Serve's port 8000 but it is internet-facing with no source CIDR allowlist, and it does not terminate TLS (no spec.tls or alb.ingress.kubernetes.io/certificate-arn): make it internal (alb.ingress.kubernetes.io/scheme: internal) or allowlist its sources (alb.ingress.kubernetes.io/inbound-cidrs, or ingress-nginx's allowlist-source-range), and terminate TLS (spec.tls, or alb.ingress.kubernetes.io/certificate-arn).",
        ]);
    });

    it("passes a RayCluster's serveService: only a RayService's becomes a Service", async () => {
        const props = { metadata: { name: "ray" }, spec: { serveService: { spec: { type: "LoadBalancer", ports: [{ name: "serve", port: 8000 }] } } } };
        assert.deepEqual(await violationsOf(servePortExposure, { type: "kubernetes:ray.io/v1:RayCluster", props }), []);
    });
});

describe("policy serve-route-exposure (stack): edges", () => {
    const HTTPS = { name: "https", protocol: "HTTPS", port: 443, tls: { certificateRefs: [{ name: "llm-tls" }] } };
    const HTTP = { name: "http", protocol: "HTTP", port: 80 };
    const INTERNAL = { infrastructure: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } } };
    const FIX = ": make the Gateway internal (service.beta.kubernetes.io/aws-load-balancer-scheme: internal in spec.infrastructure.annotations, or a LoadBalancerConfiguration with scheme: internal) or allowlist its sources, and attach the route only to HTTPS or TLS (Terminate) listeners.";
    const OPEN = "it is internet-facing (no service.beta.kubernetes.io/aws-load-balancer-scheme: internal in spec.infrastructure.annotations, nor an internal LoadBalancerConfiguration) with no source ranges allowlist";
    const UNDECLARED = "takes Serve's port 8000 through a Gateway this stack does not declare, so nothing shows it is internal or allowlisted with TLS: declare the Gateway in this stack, internal (service.beta.kubernetes.io/aws-load-balancer-scheme: internal in spec.infrastructure.annotations, or an internal LoadBalancerConfiguration) or allowlisted, with HTTPS or TLS listeners.";
    const gateway = (metadata: object, spec: object): RawResource => ({ type: GATEWAY, name: "gw", props: { metadata, spec: { gatewayClassName: "envoy", ...spec } } });
    const serve = (parentRefs: object[], backendRefs: object[] = [{ name: "vllm-serve-svc", port: 8000 }], metadata: object = { name: "serve", namespace: "llm" }, type = HTTP_ROUTE): RawResource => ({
        type, name: "serve", props: { metadata, spec: { parentRefs, rules: [{ backendRefs }] } },
    });
    const LLM_GW = { name: "gw", namespace: "llm" };

    it("writes a parent without a namespace without one: a route and Gateway outside any namespace", async () => {
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [gateway({ name: "gw" }, { listeners: [HTTPS] }), serve([{ name: "gw" }], undefined, { name: "serve" })]), [
            `serve: HTTPRoute spec.parentRefs[0] (Gateway gw) exposes Serve's port 8000 but ${OPEN}${FIX}`,
        ]);
    });

    it("matches a parentRef without a name to a Gateway without a name, and to no named one", async () => {
        const nameless = gateway({ namespace: "llm" }, { ...INTERNAL, listeners: [HTTPS] });
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [nameless, serve([{}])]), []);
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [gateway(LLM_GW, { ...INTERNAL, listeners: [HTTPS] }), serve([{}])]), [
            `serve: HTTPRoute spec.parentRefs[0] (Gateway llm/) ${UNDECLARED}`,
        ]);
    });

    it("matches a Gateway by name and kind: another Gateway of the namespace, a ListenerSet of the Gateway's name, or a Service named like it are undeclared", async () => {
        const other = gateway({ name: "other", namespace: "llm" }, { ...INTERNAL, listeners: [HTTPS] });
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [other, serve([{ name: "gw" }])]), [`serve: HTTPRoute spec.parentRefs[0] (Gateway llm/gw) ${UNDECLARED}`]);
        const gw = gateway(LLM_GW, { ...INTERNAL, listeners: [HTTPS] });
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [gw, serve([{ kind: "ListenerSet", name: "gw" }])]), [
            "serve: HTTPRoute spec.parentRefs[0] (ListenerSet llm/gw) takes Serve's port 8000 through a ListenerSet this stack does not declare, so nothing shows it is internal or allowlisted with TLS: declare the Gateway in this stack, internal (service.beta.kubernetes.io/aws-load-balancer-scheme: internal in spec.infrastructure.annotations, or an internal LoadBalancerConfiguration) or allowlisted, with HTTPS or TLS listeners.",
        ]);
        const namesake: RawResource = { type: SERVICE, name: "gw-svc", props: { metadata: LLM_GW, spec: { type: "ClusterIP", ports: [{ port: 80 }] } } };
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [namesake, serve([{ name: "gw" }])]), [`serve: HTTPRoute spec.parentRefs[0] (Gateway llm/gw) ${UNDECLARED}`]);
    });

    it("passes a resource of another group shaped like a route", async () => {
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [serve([{ name: "gw" }], undefined, undefined, "kubernetes:example.com/v1:HTTPRoute")]), []);
    });

    it("takes a route to Serve when any of its backends reaches Serve; a backend of another kind named like KubeRay's serve Service does not", async () => {
        const open = gateway(LLM_GW, { listeners: [HTTPS] });
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [open, serve([{ name: "gw" }], [{ name: "web", port: 80 }, { name: "vllm-serve-svc", port: 8000 }])]), [
            `serve: HTTPRoute spec.parentRefs[0] (Gateway llm/gw) exposes Serve's port 8000 but ${OPEN}${FIX}`,
        ]);
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [open, serve([{ name: "gw" }], [{ kind: "ServiceImport", name: "vllm-serve-svc", port: 443 }])]), []);
    });

    it("checks the plain listener a parentRef names by sectionName or port, and lists several plain listeners", async () => {
        const both = gateway(LLM_GW, { ...INTERNAL, listeners: [HTTP, HTTPS] });
        const plainHttp = `serve: HTTPRoute spec.parentRefs[0] (Gateway llm/gw) exposes Serve's port 8000 but its listener http (HTTP 80) does not terminate TLS${FIX}`;
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [both, serve([{ name: "gw", sectionName: "http" }])]), [plainHttp]);
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [both, serve([{ name: "gw", port: 80 }])]), [plainHttp]);
        const twoPlain = gateway(LLM_GW, { ...INTERNAL, listeners: [HTTP, { name: "alt", protocol: "HTTP", port: 8080 }] });
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [twoPlain, serve([{ name: "gw" }])]), [
            `serve: HTTPRoute spec.parentRefs[0] (Gateway llm/gw) exposes Serve's port 8000 but its listeners http (HTTP 80), alt (HTTP 8080) do not terminate TLS${FIX}`,
        ]);
    });

    it("takes a TLS listener without a mode as terminating TLS (the Gateway API default, Terminate)", async () => {
        const tls = gateway(LLM_GW, { ...INTERNAL, listeners: [{ name: "tls", protocol: "TLS", port: 443, tls: { certificateRefs: [{ name: "llm-tls" }] } }] });
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [tls, serve([{ name: "gw" }], undefined, undefined, "kubernetes:gateway.networking.k8s.io/v1:TLSRoute")]), []);
    });

    it("reads a LoadBalancerConfiguration only when parametersRef is one, and only the one of that name in the Gateway's namespace", async () => {
        const config = (name: string, namespace: string): RawResource => ({ type: LBC, name: `${namespace}-${name}`, props: { metadata: { name, namespace }, spec: { scheme: "internal" } } });
        const gw = (kind: string) => gateway(LLM_GW, { infrastructure: { parametersRef: { group: "gateway.k8s.aws", kind, name: "lbc" } }, listeners: [HTTPS] });
        const message = `serve: HTTPRoute spec.parentRefs[0] (Gateway llm/gw) exposes Serve's port 8000 but ${OPEN}${FIX}`;
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [gw("LoadBalancerConfiguration"), config("other", "llm"), config("lbc", "edge"), serve([{ name: "gw" }])]), [message]);
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [gw("GatewayParameters"), config("lbc", "llm"), serve([{ name: "gw" }])]), [message]);
        assert.deepEqual(await stackViolationsOf(serveRouteExposure, [gw("LoadBalancerConfiguration"), config("lbc", "llm"), serve([{ name: "gw" }])]), []);
    });
});

describe("policy no-open-security-group-rules: edges", () => {
    const RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
    const FIX = ": restrict the source to your VPC or known CIDRs, or reference a security group.";
    const ALL = "443, 6379, 8000, 8080, 8265, 10001, 44217, 44227, 52365";

    it("takes -1 at either end of a port range as all ports, and a range of ports 1-443 or 0-1 as it is", async () => {
        const cases: [number, number, string[]][] = [
            [-1, 443, [`Security group rule opens ports ${ALL} (the Kubernetes API or Ray) to 0.0.0.0/0${FIX}`]],
            [8000, -1, [`Security group rule opens ports ${ALL} (the Kubernetes API or Ray) to 0.0.0.0/0${FIX}`]],
            [1, 443, [`Security group rule opens port 443 (the Kubernetes API or Ray) to 0.0.0.0/0${FIX}`]],
            [0, 1, []],
        ];
        for (const [fromPort, toPort, messages] of cases) {
            assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: RULE, props: { type: "ingress", fromPort, toPort, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] } }), messages, `${fromPort}-${toPort}`);
        }
    });

    it("reads an ingress rule's toPort", async () => {
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", props: { fromPort: 443, toPort: 8000, ipProtocol: "tcp", cidrIpv4: "0.0.0.0/0" } }), [
            `Security group ingress rule opens ports 443, 6379, 8000 (the Kubernetes API or Ray) to 0.0.0.0/0${FIX}`,
        ]);
    });

    it("reads a group's ingress ipv6CidrBlocks", async () => {
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: "aws:ec2/securityGroup:SecurityGroup", props: { ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", ipv6CidrBlocks: ["::/0"] }] } }), [
            `Security group ingress opens port 443 (the Kubernetes API or Ray) to ::/0${FIX}`,
        ]);
    });

    it("passes a type it does not read, even with a security group's ingress shape", async () => {
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: "example:index:Firewall", props: { ingress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] } }), []);
    });
});
