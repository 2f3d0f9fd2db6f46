import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";

import { componentUrn, descendantsOf, resource, settle, valueOf, rejection as refusal } from "./support/mocks";
import { stackViolationsOf, violationsOf } from "./support/policy";

import { RayDashboardIngressArgs, VllmRayService, VllmRayServiceArgs } from "../components/vllm-service";
import { rayDashboardIngress } from "../policy/exposure";
import { rayNamespaceDefaultDeny } from "../policy/baseline";

const TYPE = "ray-vllm-eks:index:VllmRayService";
const provider = new k8s.Provider("vllm-network-test-k8s", { kubeconfig: "{}" });
const SMALL = { name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6.2xlarge", minReplicas: 0 };
const RAY = { matchLabels: { "ray.io/is-ray-node": "yes" } };
const HEAD = { matchLabels: { "ray.io/node-type": "head" } };
const OIDC: RayDashboardIngressArgs = {
    allowedCidrs: ["10.20.0.0/16"],
    loadBalancerSubnetCidrs: ["10.0.0.0/16"],
    certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/dash",
    host: "ray.internal.example.com",
    oidcIssuer: "https://idp.example.com",
    oidcAuthorizationEndpoint: "https://idp.example.com/authorize",
    oidcTokenEndpoint: "https://idp.example.com/token",
    oidcUserInfoEndpoint: "https://idp.example.com/userinfo",
    oidcSecretName: "ray-dashboard-oidc",
};

function policy(component: string, role: string): { metadata: unknown; spec: unknown } {
    const inputs = resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", `${component}-netpol-${role}`).inputs as { metadata: unknown; spec: unknown };
    return { metadata: inputs.metadata, spec: inputs.spec };
}

function rejection(name: string, args: VllmRayServiceArgs): Promise<string> {
    return refusal(TYPE, name, () => new VllmRayService(name, args, { provider }));
}

describe("VllmRayService network security", () => {
    before(async () => {
        const plain = new VllmRayService("net1", { models: [SMALL] }, { provider });
        const full = new VllmRayService("net2", {
            models: [SMALL],
            namespace: "llm-prod",
            serveClientNamespaces: ["gateway"],
            serveClientCidrs: ["10.0.0.0/16"],
            exposeServe: true,
            serveTlsCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/serve",
            kubeRayOperatorNamespace: "ray-system",
            prometheusNamespace: "monitoring",
            grafanaUrl: "http://kps-grafana.monitoring.svc",
            prometheusUrl: "http://kps-prometheus.monitoring.svc:9090",
            dashboardIngress: OIDC,
        }, { provider });
        await Promise.all([valueOf(plain.serviceName), valueOf(full.headServiceName)]);
        await settle();
    });

    it("denies all ingress by default, admitting only Ray pods to each other and the operator to the head's dashboard and Serve ports", () => {
        assert.deepEqual(descendantsOf(componentUrn(TYPE, "net1")).filter((r) => r.type.includes("NetworkPolicy") || r.type.includes("Ingress")).map((r) => r.name), [
            "net1-netpol-default-deny",
            "net1-netpol-kuberay-operator",
            "net1-netpol-ray-internal",
        ]);
        assert.deepEqual(policy("net1", "default-deny"), {
            metadata: { name: "net1-default-deny", namespace: "llm" },
            spec: { podSelector: {}, policyTypes: ["Ingress"] },
        });
        assert.deepEqual(policy("net1", "ray-internal").spec, { podSelector: RAY, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: RAY }] }] });
        assert.deepEqual(policy("net1", "kuberay-operator").spec, {
            podSelector: HEAD,
            policyTypes: ["Ingress"],
            ingress: [{
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kuberay-system" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "kuberay-operator" } } }],
                ports: [{ protocol: "TCP", port: 8265 }, { protocol: "TCP", port: 8000 }],
            }],
        });
    });

    it("admits Serve's port from the client namespaces and the load balancer's subnets, metrics from Prometheus, the dashboard from its load balancer", () => {
        assert.deepEqual(descendantsOf(componentUrn(TYPE, "net2")).filter((r) => r.type.includes("NetworkPolicy")).map((r) => r.name), [
            "net2-netpol-dashboard-ingress",
            "net2-netpol-default-deny",
            "net2-netpol-kuberay-operator",
            "net2-netpol-prometheus",
            "net2-netpol-ray-internal",
            "net2-netpol-serve",
        ]);
        assert.deepEqual(policy("net2", "serve"), {
            metadata: { name: "net2-serve", namespace: "llm-prod" },
            spec: {
                podSelector: RAY,
                policyTypes: ["Ingress"],
                ingress: [{
                    from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "gateway" } } }, { ipBlock: { cidr: "10.0.0.0/16" } }],
                    ports: [{ protocol: "TCP", port: 8000 }],
                }],
            },
        });
        assert.deepEqual(policy("net2", "prometheus").spec, {
            podSelector: RAY,
            policyTypes: ["Ingress"],
            ingress: [{
                from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }],
                ports: [{ protocol: "TCP", port: 8080 }, { protocol: "TCP", port: 44217 }, { protocol: "TCP", port: 44227 }],
            }],
        });
        assert.deepEqual(policy("net2", "dashboard-ingress").spec, {
            podSelector: HEAD,
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ protocol: "TCP", port: 8265 }] }],
        });
        assert.equal((policy("net2", "kuberay-operator").spec as any).ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"], "ray-system");
    });

    it("tells the Ray head where Grafana and Prometheus are", () => {
        const head = (resource("kubernetes:ray.io/v1:RayService", "net2-rayservice").inputs.spec as any).rayClusterConfig.headGroupSpec.template.spec.containers[0];
        assert.deepEqual(head.env, [
            { name: "HF_HOME", value: "/data/model-cache" },
            { name: "RAY_GRAFANA_HOST", value: "http://kps-grafana.monitoring.svc" },
            { name: "RAY_GRAFANA_IFRAME_HOST", value: "http://localhost:3000" },
            { name: "RAY_PROMETHEUS_HOST", value: "http://kps-prometheus.monitoring.svc:9090" },
        ]);
        const worker = (resource("kubernetes:ray.io/v1:RayService", "net2-rayservice").inputs.spec as any).rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0];
        assert.deepEqual(worker.env, [{ name: "HF_HOME", value: "/data/model-cache" }], "only the head runs the dashboard");
    });

    it("routes the dashboard Ingress through an internal, allowlisted ALB on HTTPS that signs users in (OIDC)", async () => {
        const ingress = resource("kubernetes:networking.k8s.io/v1:Ingress", "net2-dashboard").inputs as any;
        assert.deepEqual(ingress.metadata, {
            name: "net2-dashboard",
            namespace: "llm-prod",
            annotations: {
                "alb.ingress.kubernetes.io/scheme": "internal",
                "alb.ingress.kubernetes.io/target-type": "ip",
                "alb.ingress.kubernetes.io/inbound-cidrs": "10.20.0.0/16",
                "alb.ingress.kubernetes.io/listen-ports": `[{"HTTPS":443}]`,
                "alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:us-west-2:123456789012:certificate/dash",
                "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "alb.ingress.kubernetes.io/auth-on-unauthenticated-request": "authenticate",
                "alb.ingress.kubernetes.io/auth-scope": "openid",
                "alb.ingress.kubernetes.io/auth-session-timeout": "28800",
                "alb.ingress.kubernetes.io/auth-type": "oidc",
                "alb.ingress.kubernetes.io/auth-idp-oidc": JSON.stringify({
                    issuer: "https://idp.example.com",
                    authorizationEndpoint: "https://idp.example.com/authorize",
                    tokenEndpoint: "https://idp.example.com/token",
                    userInfoEndpoint: "https://idp.example.com/userinfo",
                    secretName: "ray-dashboard-oidc",
                }),
            },
        });
        assert.deepEqual(ingress.spec, {
            ingressClassName: "alb",
            rules: [{
                host: "ray.internal.example.com",
                http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "net2-head-svc", port: { number: 8265 } } } }] },
            }],
        });
        // The load balancer controller may read the OIDC client's Secret, and no other.
        assert.deepEqual(resource("kubernetes:rbac.authorization.k8s.io/v1:Role", "net2-dashboard-oidc").inputs.rules, [
            { apiGroups: [""], resources: ["secrets"], resourceNames: ["ray-dashboard-oidc"], verbs: ["get", "list", "watch"] },
        ]);
        const binding = resource("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "net2-dashboard-oidc").inputs as any;
        assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "aws-load-balancer-controller", namespace: "kube-system" }]);
        assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "net2-dashboard-oidc" });
        // The pack's dashboard policy accepts what the component renders.
        assert.deepEqual(await violationsOf(rayDashboardIngress, { type: "kubernetes:networking.k8s.io/v1:Ingress", props: ingress }), []);
    });

    it("signs users in with Cognito instead, when given a user pool", async () => {
        const s = new VllmRayService("net3", {
            models: [SMALL],
            dashboardIngress: {
                allowedCidrs: ["10.20.0.0/16"], loadBalancerSubnetCidrs: ["10.0.0.0/16"], certificateArn: "arn:aws:acm:us-west-2:1:certificate/d",
                cognitoUserPoolArn: "arn:aws:cognito-idp:us-west-2:1:userpool/us-west-2_abc", cognitoUserPoolClientId: "client", cognitoUserPoolDomain: "ops",
            },
        }, { provider });
        await valueOf(s.serviceName);
        await settle();
        const annotations = (resource("kubernetes:networking.k8s.io/v1:Ingress", "net3-dashboard").inputs as any).metadata.annotations;
        assert.equal(annotations["alb.ingress.kubernetes.io/auth-type"], "cognito");
        assert.equal(annotations["alb.ingress.kubernetes.io/auth-idp-cognito"], `{"userPoolARN":"arn:aws:cognito-idp:us-west-2:1:userpool/us-west-2_abc","userPoolClientID":"client","userPoolDomain":"ops"}`);
        assert.equal("alb.ingress.kubernetes.io/auth-idp-oidc" in annotations, false);
        assert.equal(descendantsOf(componentUrn(TYPE, "net3")).some((r) => r.type.startsWith("kubernetes:rbac")), false, "Cognito needs no Secret");
    });

    it("satisfies the pack's default-deny policy for its namespace", async () => {
        const resources = descendantsOf(componentUrn(TYPE, "net1")).map((r) => ({ type: r.type, name: r.name, props: r.inputs }));
        assert.equal(resources.filter((r) => r.type === "kubernetes:ray.io/v1:RayService").length, 1);
        assert.deepEqual(await stackViolationsOf(rayNamespaceDefaultDeny, resources), []);
        assert.deepEqual(await stackViolationsOf(rayNamespaceDefaultDeny, resources.filter((r) => r.name !== "net1-netpol-default-deny")), [
            `namespace "llm" runs Ray but has no default-deny ingress NetworkPolicy: add one (podSelector: {}, policyTypes: [Ingress]) and allow only the ports each client needs (VllmRayService renders them).`,
        ]);
    });

    describe("refuses an unsafe dashboard Ingress before creating anything", () => {
        const cases: { title: string; ingress: Partial<RayDashboardIngressArgs>; messages: string[] }[] = [
            {
                title: "an internet-facing scheme",
                ingress: { ...OIDC, scheme: "internet-facing" },
                messages: [`dashboardIngress.scheme "internet-facing" is refused: whoever reaches the Ray dashboard can run code on the cluster (CVE-2023-48022), so its load balancer is internal only; use "internal", or drop dashboardIngress and use kubectl port-forward.`],
            },
            {
                title: "no source allowlist",
                ingress: { ...OIDC, allowedCidrs: [] },
                messages: [`dashboardIngress.allowedCidrs is empty: whoever reaches the Ray dashboard can run code on the cluster (CVE-2023-48022); list the source CIDRs allowed to reach it, such as your VPN's "10.20.0.0/16".`],
            },
            {
                title: "an allowlist open to everyone",
                ingress: { ...OIDC, allowedCidrs: ["10.20.0.0/16", "0.0.0.0/0"] },
                messages: [`dashboardIngress.allowedCidrs "0.0.0.0/0" allows everyone: list only the networks of the people who operate the cluster.`],
            },
            {
                title: "no sign-in",
                ingress: { allowedCidrs: ["10.20.0.0/16"], loadBalancerSubnetCidrs: ["10.0.0.0/16"], certificateArn: "arn:aws:acm:us-west-2:1:certificate/d" },
                messages: [`dashboardIngress has no sign-in: whoever reaches the Ray dashboard can run code on the cluster (CVE-2023-48022); set oidcIssuer, oidcAuthorizationEndpoint, oidcTokenEndpoint, oidcUserInfoEndpoint and oidcSecretName (an OIDC identity provider), or cognitoUserPoolArn, cognitoUserPoolClientId and cognitoUserPoolDomain (a Cognito user pool).`],
            },
            {
                title: "an incomplete OIDC sign-in",
                ingress: { ...OIDC, oidcTokenEndpoint: undefined, oidcSecretName: undefined },
                messages: [`dashboardIngress OIDC sign-in is incomplete: set oidcTokenEndpoint, oidcSecretName.`],
            },
            {
                title: "two sign-ins",
                ingress: { ...OIDC, cognitoUserPoolArn: "arn:aws:cognito-idp:us-west-2:1:userpool/x" },
                messages: [`dashboardIngress sets both OIDC (oidcIssuer, oidcAuthorizationEndpoint, oidcTokenEndpoint, oidcUserInfoEndpoint, oidcSecretName) and Cognito (cognitoUserPoolArn) fields: choose one sign-in.`],
            },
            {
                title: "no certificate and no load balancer subnets",
                ingress: { ...OIDC, certificateArn: undefined, loadBalancerSubnetCidrs: [] },
                messages: [
                    `dashboardIngress.loadBalancerSubnetCidrs is empty: the NetworkPolicy admits the dashboard port only from the load balancer's subnets; give them, such as your VPC's CIDR "10.0.0.0/16".`,
                    `dashboardIngress.certificateArn is missing: the load balancer signs users in only on HTTPS; give an ACM certificate ARN.`,
                ],
            },
        ];
        cases.forEach((c, i) => {
            it(`refuses ${c.title}`, async () => {
                const message = await rejection(`netbad-${i}`, { models: [SMALL], dashboardIngress: c.ingress as RayDashboardIngressArgs });
                const expected = c.messages.length === 1
                    ? `VllmRayService: ${c.messages[0]}`
                    : [`VllmRayService: ${c.messages.length} invalid arguments:`, ...c.messages.map((m) => `  - ${m}`)].join("\n");
                assert.equal(message, expected);
            });
        });

        it("refuses an exposed endpoint the NetworkPolicy would not admit", async () => {
            assert.equal(
                await rejection("netbad-serve", { models: [SMALL], exposeServe: true, serveTlsCertificateArn: "arn:aws:acm:us-west-2:1:certificate/x" }),
                `VllmRayService: exposeServe is set without serveClientCidrs: the namespace's NetworkPolicy admits port 8000 only from them; give the CIDRs of the subnets the load balancer runs in, such as your VPC's CIDR "10.0.0.0/16".`,
            );
        });

        it("refuses bad client namespaces and CIDRs", async () => {
            assert.equal(
                await rejection("netbad-clients", { models: [SMALL], serveClientNamespaces: ["Gateway"], serveClientCidrs: ["10.0.0.0"], kubeRayOperatorNamespace: "" }),
                [
                    "VllmRayService: 3 invalid arguments:",
                    `  - serveClientCidrs "10.0.0.0" is not an IPv4 CIDR block: write it as address/prefix, such as "10.0.0.0/16".`,
                    `  - serveClientNamespaces[0] "Gateway" is not a valid name: use lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit, such as "llm-dev".`,
                    `  - kubeRayOperatorNamespace must not be empty: give a name of 1 to 63 lower-case letters, digits and hyphens, such as "llm-dev".`,
                ].join("\n"),
            );
        });
    });
});
