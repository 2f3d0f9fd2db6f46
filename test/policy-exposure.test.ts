import * as assert from "node:assert/strict";

import { violationsOf } from "./support/policy";

import {
    eksPublicEndpointRestricted,
    noOpenSecurityGroupRules,
    rayDashboardIngress,
    rayHeadServiceInternal,
    rayPortsNotExposed,
    servePortExposure,
} from "../policy/exposure";

const SERVICE = "kubernetes:core/v1:Service";
const service = (spec: object, annotations: object = {}) => ({ type: SERVICE, name: "svc", props: { apiVersion: "v1", kind: "Service", metadata: { name: "svc", annotations }, spec } });

describe("policy ray-ports-not-exposed", () => {
    it("passes ClusterIP services and load balancers for Serve only", async () => {
        assert.deepEqual(await violationsOf(rayPortsNotExposed, service({ type: "ClusterIP", ports: [{ name: "dashboard", port: 8265 }] })), []);
        assert.deepEqual(await violationsOf(rayPortsNotExposed, service({ type: "LoadBalancer", ports: [{ name: "serve", port: 443, targetPort: 8000 }] })), []);
    });

    it("flags a load balancer or node port reaching the dashboard or client port, by number or name", async () => {
        assert.deepEqual(await violationsOf(rayPortsNotExposed, service({ type: "LoadBalancer", ports: [{ name: "dashboard", port: 80, targetPort: 8265 }, { name: "client", port: 10001 }] })), [
            "Service of type LoadBalancer exposes 8265 (the Ray dashboard and Jobs API), 10001 (the Ray client) outside the cluster; anyone who reaches the dashboard or client port can run code on the cluster (CVE-2023-48022): make it ClusterIP and use kubectl port-forward, or expose only Serve's port 8000.",
        ]);
        assert.deepEqual(await violationsOf(rayPortsNotExposed, service({ type: "NodePort", ports: [{ port: 9000, targetPort: "gcs-server" }] })), [
            "Service of type NodePort exposes 6379 (the Ray GCS) outside the cluster; anyone who reaches the dashboard or client port can run code on the cluster (CVE-2023-48022): make it ClusterIP and use kubectl port-forward, or expose only Serve's port 8000.",
        ]);
    });

    it("flags the autoscaler's and the dashboard's metrics ports (44217, 44227), by number, name or target port name", async () => {
        assert.deepEqual(await violationsOf(rayPortsNotExposed, service({ type: "LoadBalancer", ports: [{ name: "as-metrics", port: 9000 }, { port: 44227 }] })), [
            "Service of type LoadBalancer exposes 44217 (the Ray autoscaler's metrics), 44227 (the Ray dashboard's metrics) outside the cluster; anyone who reaches the dashboard or client port can run code on the cluster (CVE-2023-48022): make it ClusterIP and use kubectl port-forward, or expose only Serve's port 8000.",
        ]);
        assert.deepEqual(await violationsOf(rayPortsNotExposed, service({ type: "NodePort", ports: [{ name: "scrape", port: 9100, targetPort: "dash-metrics" }, { name: "autoscaler", port: 9101, targetPort: 44217 }] })), [
            "Service of type NodePort exposes 44227 (the Ray dashboard's metrics), 44217 (the Ray autoscaler's metrics) outside the cluster; anyone who reaches the dashboard or client port can run code on the cluster (CVE-2023-48022): make it ClusterIP and use kubectl port-forward, or expose only Serve's port 8000.",
        ]);
        assert.deepEqual(await violationsOf(rayPortsNotExposed, service({ type: "ClusterIP", ports: [{ name: "as-metrics", port: 44217 }, { name: "dash-metrics", port: 44227 }] })), []);
    });

    it("names every Ray-internal port in its description", () => {
        assert.equal(rayPortsNotExposed.description, "No LoadBalancer or NodePort Service reaches a Ray-internal port: 6379 (the Ray GCS), 8080 (Ray's metrics), 8265 (the Ray dashboard and Jobs API), 10001 (the Ray client), 44217 (the Ray autoscaler's metrics), 44227 (the Ray dashboard's metrics), 52365 (the Ray dashboard agent).");
    });
});

describe("policy ray-head-service-internal", () => {
    const rayService = (head: object) => ({ type: "kubernetes:ray.io/v1:RayService", name: "rs", props: { spec: { rayClusterConfig: { headGroupSpec: head } } } });

    it("passes a ClusterIP (or default) head", async () => {
        assert.deepEqual(await violationsOf(rayHeadServiceInternal, rayService({ serviceType: "ClusterIP", rayStartParams: {} })), []);
        assert.deepEqual(await violationsOf(rayHeadServiceInternal, rayService({ rayStartParams: {} })), []);
    });

    it("flags a LoadBalancer head, enableIngress, and an exposing headService", async () => {
        assert.deepEqual(await violationsOf(rayHeadServiceInternal, rayService({ serviceType: "LoadBalancer", enableIngress: true, headService: { spec: { type: "NodePort", ports: [{ name: "client", port: 10001 }] } } })), [
            `the Ray head's serviceType is "LoadBalancer", which exposes the dashboard (8265) and client (10001) ports outside the cluster: set spec.rayClusterConfig.headGroupSpec.serviceType to "ClusterIP" (or leave it unset).`,
            "spec.rayClusterConfig.headGroupSpec.enableIngress is set, which creates an Ingress to the Ray dashboard (anyone who reaches it can run code): remove it and reach the dashboard with kubectl port-forward.",
            "spec.rayClusterConfig.headGroupSpec.headService exposes 10001 (the Ray client) outside the cluster: make it ClusterIP.",
        ]);
        assert.deepEqual(await violationsOf(rayHeadServiceInternal, rayService({ headService: { spec: { type: "LoadBalancer", ports: [{ name: "dash-metrics", port: 44227 }, { name: "as-metrics", port: 44217 }] } } })), [
            "spec.rayClusterConfig.headGroupSpec.headService exposes 44227 (the Ray dashboard's metrics), 44217 (the Ray autoscaler's metrics) outside the cluster: make it ClusterIP.",
        ]);
        const cluster = { type: "kubernetes:ray.io/v1:RayCluster", props: { spec: { headGroupSpec: { serviceType: "NodePort" } } } };
        assert.deepEqual(await violationsOf(rayHeadServiceInternal, cluster), [
            `the Ray head's serviceType is "NodePort", which exposes the dashboard (8265) and client (10001) ports outside the cluster: set spec.headGroupSpec.serviceType to "ClusterIP" (or leave it unset).`,
        ]);
    });
});

describe("policy ray-dashboard-ingress", () => {
    const ingress = (port: object, annotations: object) => ({
        type: "kubernetes:networking.k8s.io/v1:Ingress",
        props: { metadata: { name: "dash", annotations }, spec: { rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "rs-head-svc", port } } }] } }] } },
    });
    const SAFE = { "alb.ingress.kubernetes.io/scheme": "internal", "alb.ingress.kubernetes.io/inbound-cidrs": "10.0.0.0/8", "alb.ingress.kubernetes.io/auth-type": "oidc" };

    it("passes an internal, allowlisted, authenticated dashboard ingress", async () => {
        assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ number: 8265 }, SAFE)), []);
    });

    it("flags a dashboard ingress without each safeguard, one at a time, naming only the one missing", async () => {
        const without = (missing: string): string => `Ingress exposes the Ray dashboard (8265), where anyone who reaches it can run code, without ${missing}: add them, or use kubectl port-forward instead.`;
        const scheme = "an internal scheme (alb.ingress.kubernetes.io/scheme: internal)";
        const allowlist = "a source CIDR allowlist (alb.ingress.kubernetes.io/inbound-cidrs, not 0.0.0.0/0)";
        const auth = "authentication in front (alb.ingress.kubernetes.io/auth-type: oidc or cognito, or an oauth2-proxy auth-url)";
        assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ number: 8265 }, { ...SAFE, "alb.ingress.kubernetes.io/scheme": "internet-facing" })), [without(scheme)]);
        assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ number: 8265 }, { ...SAFE, "alb.ingress.kubernetes.io/inbound-cidrs": "0.0.0.0/0" })), [without(allowlist)]);
        assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ number: 8265 }, { ...SAFE, "alb.ingress.kubernetes.io/auth-type": "none" })), [without(auth)]);
        assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ name: "dashboard" }, { "alb.ingress.kubernetes.io/scheme": "internet-facing", "alb.ingress.kubernetes.io/inbound-cidrs": "0.0.0.0/0" })), [
            without(`${scheme}, ${allowlist}, ${auth}`),
        ]);
    });

    it("flags any ingress to the other Ray-internal ports, safeguards or not", async () => {
        assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ number: 10001 }, SAFE)), [
            "Ingress routes to 10001 (the Ray client), which must never leave the cluster: remove those backends.",
        ]);
        assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ name: "as-metrics" }, SAFE)), [
            "Ingress routes to 44217 (the Ray autoscaler's metrics), which must never leave the cluster: remove those backends.",
        ]);
        assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ number: 44227 }, SAFE)), [
            "Ingress routes to 44227 (the Ray dashboard's metrics), which must never leave the cluster: remove those backends.",
        ]);
    });
});

describe("policy serve-port-exposure", () => {
    it("passes an internal or allowlisted load balancer with TLS, and ClusterIP", async () => {
        const tls = { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:us-west-2:1:certificate/x" };
        assert.deepEqual(await violationsOf(servePortExposure, service({ type: "LoadBalancer", ports: [{ name: "serve", port: 443, targetPort: 8000 }] }, { ...tls, "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" })), []);
        assert.deepEqual(await violationsOf(servePortExposure, service({ type: "LoadBalancer", loadBalancerSourceRanges: ["203.0.113.0/24"], ports: [{ port: 443, targetPort: 8000 }] }, tls)), []);
        assert.deepEqual(await violationsOf(servePortExposure, service({ type: "ClusterIP", ports: [{ name: "serve", port: 8000 }] })), []);
    });

    it("flags an open, plain-text Serve load balancer, also in a RayService's serveService", async () => {
        assert.deepEqual(await violationsOf(servePortExposure, service({ type: "LoadBalancer", loadBalancerSourceRanges: ["0.0.0.0/0"], ports: [{ name: "serve", port: 8000 }] })), [
            "Service exposes Serve's port 8000 but it is internet-facing with no loadBalancerSourceRanges allowlist and it does not terminate TLS (no service.beta.kubernetes.io/aws-load-balancer-ssl-cert): use an internal load balancer (aws-load-balancer-scheme: internal) or source ranges, with an ACM certificate for TLS.",
        ]);
        const rs = { type: "kubernetes:ray.io/v1:RayService", props: { spec: { serveService: { metadata: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } }, spec: { type: "LoadBalancer", ports: [{ name: "serve", port: 80, targetPort: 8000 }] } } } } };
        assert.deepEqual(await violationsOf(servePortExposure, rs), [
            "RayService spec.serveService exposes Serve's port 8000 but it does not terminate TLS (no service.beta.kubernetes.io/aws-load-balancer-ssl-cert): use an internal load balancer (aws-load-balancer-scheme: internal) or source ranges, with an ACM certificate for TLS.",
        ]);
    });
});

describe("policy no-open-security-group-rules", () => {
    it("passes rules from the VPC and open rules on other ports", async () => {
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: "aws:ec2/securityGroupRule:SecurityGroupRule", props: { type: "ingress", fromPort: 8265, toPort: 8265, protocol: "tcp", cidrBlocks: ["10.0.0.0/16"] } }), []);
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: "aws:ec2/securityGroupRule:SecurityGroupRule", props: { type: "ingress", fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] } }), []);
    });

    it("flags Ray or API ports open to the internet, in every rule form", async () => {
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: "aws:ec2/securityGroupRule:SecurityGroupRule", props: { type: "ingress", fromPort: 8000, toPort: 8300, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] } }), [
            "Security group rule opens ports 8000, 8080, 8265 (the Kubernetes API or Ray) to 0.0.0.0/0: restrict the source to your VPC or known CIDRs, or reference a security group.",
        ]);
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", props: { fromPort: 443, toPort: 443, ipProtocol: "tcp", cidrIpv6: "::/0" } }), [
            "Security group ingress rule opens port 443 (the Kubernetes API or Ray) to ::/0: restrict the source to your VPC or known CIDRs, or reference a security group.",
        ]);
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: "aws:ec2/securityGroup:SecurityGroup", props: { ingress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] } }), [
            "Security group ingress opens ports 443, 6379, 8000, 8080, 8265, 10001, 44217, 44227, 52365 (the Kubernetes API or Ray) to 0.0.0.0/0: restrict the source to your VPC or known CIDRs, or reference a security group.",
        ]);
        assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, { type: "aws:ec2/securityGroupRule:SecurityGroupRule", props: { type: "ingress", fromPort: 44200, toPort: 44300, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] } }), [
            "Security group rule opens ports 44217, 44227 (the Kubernetes API or Ray) to 0.0.0.0/0: restrict the source to your VPC or known CIDRs, or reference a security group.",
        ]);
    });
});

describe("policy eks-public-endpoint-restricted", () => {
    it("passes a private or restricted endpoint, raw or through @pulumi/eks", async () => {
        assert.deepEqual(await violationsOf(eksPublicEndpointRestricted, { type: "aws:eks/cluster:Cluster", props: { vpcConfig: { endpointPublicAccess: false } } }), []);
        assert.deepEqual(await violationsOf(eksPublicEndpointRestricted, { type: "eks:index:Cluster", props: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } }), []);
    });

    it("flags an endpoint open to everyone, including by default", async () => {
        const message = "the EKS cluster's public API endpoint is open to 0.0.0.0/0: turn it off (endpointPublicAccess: false; the private endpoint stays) or list only the CIDRs that need it in publicAccessCidrs.";
        assert.deepEqual(await violationsOf(eksPublicEndpointRestricted, { type: "aws:eks/cluster:Cluster", props: { vpcConfig: { subnetIds: [] } } }), [message]);
        assert.deepEqual(await violationsOf(eksPublicEndpointRestricted, { type: "eks:index:Cluster", props: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } }), [message]);
    });
});
