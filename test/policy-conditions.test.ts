import * as assert from "node:assert/strict";

// Each condition of each policy (policy/*.ts) at its boundary, and with the field it reads
// missing: the value that just passes, the one that just fails, and what an absent field means.
// The policies' ordinary passes and failures are in the policy-*.test.ts files beside this one.

import { stackViolationsOf, violationsOf } from "./support/policy";

import {
    eksControlPlaneLogging,
    eksSecretsEncryption,
    noLatestImageTags,
    noLiteralSecretsInEnv,
    nodesRequireImdsv2,
    rayMinimumVersion,
    rayNamespaceDefaultDeny,
} from "../policy/baseline";
import {
    eksPublicEndpointRestricted,
    noOpenSecurityGroupRules,
    rayDashboardIngress,
    rayHeadServiceInternal,
    rayPortsNotExposed,
    servePortExposure,
} from "../policy/exposure";
import { gpuContainerLimits, gpuInstanceFamilies, gpuNodePoolLimit, gpuNodePoolTaint } from "../policy/gpu";
import { mayLandIn, nodePoolNodes } from "../policy/scheduling";

/** The violations of `policy` for each resource, to compare with a written-out table. */
async function each<T>(values: T[], violations: (value: T) => Promise<string[]>): Promise<[T, string[]][]> {
    return Promise.all(values.map(async (v) => [v, await violations(v)] as [T, string[]]));
}

const NODEPOOL = "kubernetes:karpenter.sh/v1:NodePool";
const G6 = { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6"] };
const TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" };

/** A NodePool with these spec parts; a part given as undefined is left out. */
function nodePool(spec: { limits?: object; requirements?: object[]; taints?: object[] }): { type: string; props: Record<string, unknown> } {
    const template: Record<string, unknown> = {};
    if (spec.requirements) {
        template.requirements = spec.requirements;
    }
    if (spec.taints) {
        template.taints = spec.taints;
    }
    return { type: NODEPOOL, props: { metadata: { name: "gpu" }, spec: { ...(spec.limits ? { limits: spec.limits } : {}), template: { spec: template } } } };
}

describe("policy conditions at their boundaries, and with the field missing", () => {
    describe("gpu-nodepool-limit", () => {
        const outside = (limit: unknown, max: number) => `NodePool's nvidia.com/gpu limit is ${JSON.stringify(limit)}, outside 1 to ${max}: lower spec.limits["nvidia.com/gpu"], or raise this policy's maxGpus if the budget really is larger.`;
        const pool = (limit: unknown) => nodePool({ limits: { "nvidia.com/gpu": limit }, requirements: [G6], taints: [TAINT] });

        it("takes 1 to maxGpus (64 by default, or as configured), as a number or a quantity", async () => {
            assert.deepEqual(await each([0, 1, 64, 65, "64", "65"], (l) => violationsOf(gpuNodePoolLimit, pool(l))), [
                [0, [outside(0, 64)]], [1, []], [64, []], [65, [outside(65, 64)]], ["64", []], ["65", [outside("65", 64)]],
            ]);
            assert.deepEqual(await each([16, 17], (l) => violationsOf(gpuNodePoolLimit, pool(l), { maxGpus: 16 })), [[16, []], [17, [outside(17, 16)]]]);
        });

        it("refuses a limit that is not a quantity, or below one GPU", async () => {
            assert.deepEqual(await each(["lots", "500m"], (l) => violationsOf(gpuNodePoolLimit, pool(l))), [["lots", [outside("lots", 64)]], ["500m", [outside("500m", 64)]]]);
        });

        it("flags a GPU pool without limits at all, and a pool that does not rule GPUs out; ignores one that does", async () => {
            assert.deepEqual(await violationsOf(gpuNodePoolLimit, nodePool({ requirements: [G6] })), [
                `NodePool has no nvidia.com/gpu limit, so Karpenter may launch GPUs without bound: set spec.limits["nvidia.com/gpu"] to the pool's GPU budget (at most 64).`,
            ]);
            assert.deepEqual(await violationsOf(gpuNodePoolLimit, nodePool({ limits: { cpu: "1000" } })), [
                `NodePool can launch NVIDIA GPU instances (its requirements do not rule them out) but has no nvidia.com/gpu limit, so Karpenter may launch GPUs without bound: set spec.limits["nvidia.com/gpu"] to the pool's GPU budget (at most 64), or, if it is not meant for GPUs, keep them out with the requirement { key: "karpenter.k8s.aws/instance-gpu-count", operator: "DoesNotExist" }.`,
            ], "no instance restriction: Karpenter may pick a GPU instance");
            assert.deepEqual(await violationsOf(gpuNodePoolLimit, nodePool({ limits: { cpu: "1000" }, requirements: [{ key: "karpenter.k8s.aws/instance-gpu-count", operator: "DoesNotExist" }] })), [], "GPUs ruled out: a CPU pool");
            assert.deepEqual((await violationsOf(gpuNodePoolLimit, { type: NODEPOOL, props: {} })).length, 1, "no spec at all: no restriction either, so it can launch GPUs");
        });
    });

    describe("gpu-nodepool-taint", () => {
        const untainted = `NodePool's GPU nodes are not tainted: add { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } to spec.template.spec.taints so CPU pods cannot occupy them.`;
        const pool = (taints?: object[]) => nodePool({ limits: { "nvidia.com/gpu": "8" }, requirements: [G6], taints });

        it("takes the GPU key with the NoSchedule effect, whatever its value; not another effect or key", async () => {
            assert.deepEqual(await each([
                [{ key: "nvidia.com/gpu", effect: "NoSchedule" }],
                [{ key: "nvidia.com/gpu", effect: "NoExecute" }],
                [{ key: "gpu", effect: "NoSchedule" }],
                [{ key: "dedicated", value: "ml", effect: "NoSchedule" }, TAINT],
            ], (t) => violationsOf(gpuNodePoolTaint, pool(t))).then((r) => r.map(([, v]) => v)), [[], [untainted], [untainted], []]);
        });

        it("flags a GPU pool without taints", async () => {
            assert.deepEqual(await violationsOf(gpuNodePoolTaint, pool(undefined)), [untainted]);
        });
    });

    describe("gpu-instance-families", () => {
        const pool = (requirements?: object[]) => nodePool({ limits: { "nvidia.com/gpu": "8" }, requirements, taints: [TAINT] });
        const unrestricted = (allowed: string) => `NodePool does not bound which GPU instance families Karpenter may launch for it (families it does not name, new ones included, would do): add a requirement with operator In on karpenter.k8s.aws/instance-family, node.kubernetes.io/instance-type or karpenter.k8s.aws/instance-gpu-name that leaves only ${allowed}.`;

        it("takes families all allowed, and reads them from instance types when no family is given", async () => {
            assert.deepEqual(await violationsOf(gpuInstanceFamilies, pool([{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6", "g6e"] }]), { allowedFamilies: ["g6", "g6e"] }), []);
            assert.deepEqual(await violationsOf(gpuInstanceFamilies, pool([{ key: "node.kubernetes.io/instance-type", operator: "In", values: ["g6.xlarge", "p5.48xlarge"] }]), { allowedFamilies: ["g6"] }), [
                `NodePool can launch GPU instances of families ["p5"], which are not allowed: bound it to ["g6"] (a requirement with operator In on karpenter.k8s.aws/instance-family, node.kubernetes.io/instance-type or karpenter.k8s.aws/instance-gpu-name), or add them to this policy's allowedFamilies.`,
            ]);
        });

        it("flags a pool whose families are excluded (NotIn) rather than listed, or not named at all", async () => {
            const notIn = pool([{ key: "karpenter.k8s.aws/instance-family", operator: "NotIn", values: ["p5"] }, { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] }]);
            assert.deepEqual(await violationsOf(gpuInstanceFamilies, notIn, { allowedFamilies: ["g6"] }), [unrestricted(`["g6"]`)]);
            assert.deepEqual(await violationsOf(gpuInstanceFamilies, pool(undefined)), [
                `NodePool does not bound which GPU instance families Karpenter may launch for it (families it does not name, new ones included, would do): add a requirement with operator In on karpenter.k8s.aws/instance-family, node.kubernetes.io/instance-type or karpenter.k8s.aws/instance-gpu-name that leaves only ["g5","g6","g6e","p4d","p4de","p5","p5e","p5en"], or, if it is not meant for GPUs, keep them out with the requirement { key: "karpenter.k8s.aws/instance-gpu-count", operator: "DoesNotExist" }.`,
            ]);
        });
    });

    describe("gpu-container-limits", () => {
        const pod = (containers: object[], initContainers: object[] = []) => ({ type: "kubernetes:core/v1:Pod", props: { spec: { initContainers, containers } } });
        const gpu = (name: string, limit?: unknown, request?: unknown) => ({ name, resources: { ...(limit === undefined ? {} : { limits: { "nvidia.com/gpu": limit } }), ...(request === undefined ? {} : { requests: { "nvidia.com/gpu": request } }) } });
        const over = (n: number, max: number) => `spec: a pod takes ${n} GPUs, more than ${max}: split the work, or raise this policy's maxGpusPerPod.`;

        it("takes a pod of up to maxGpusPerPod GPUs, counting its init containers", async () => {
            assert.deepEqual(await each([8, 9], (n) => violationsOf(gpuContainerLimits, pod([gpu("a", String(n))]))), [[8, []], [9, [over(9, 8)]]]);
            assert.deepEqual(await violationsOf(gpuContainerLimits, pod([gpu("a", "2")], [gpu("init", "1")]), { maxGpusPerPod: 2 }), [over(3, 2)]);
        });

        it("takes a request equal to the limit in any spelling, or no request; flags a request without a limit", async () => {
            assert.deepEqual(await violationsOf(gpuContainerLimits, pod([gpu("a", 2, "2"), gpu("b", "1")])), []);
            assert.deepEqual(await violationsOf(gpuContainerLimits, pod([gpu("a", "1", "2")])), [
                `spec: container "a" requests "2" nvidia.com/gpu but limits "1": GPUs cannot be overcommitted; make the request equal the limit.`,
            ]);
            assert.deepEqual(await violationsOf(gpuContainerLimits, pod([gpu("a", undefined, "1")])), [
                `spec: container "a" requests nvidia.com/gpu without a limit: GPUs are allocated by limit; set resources.limits["nvidia.com/gpu"] equal to the request.`,
            ]);
            assert.deepEqual(await violationsOf(gpuContainerLimits, pod([{ name: "cpu", image: "nginx:1.27" }])), [], "no resources at all: not a GPU container");
        });
    });

    describe("ray-ports-not-exposed", () => {
        const service = (type: string | undefined, ports?: object[]) => ({ type: "kubernetes:core/v1:Service", props: { spec: { ...(type ? { type } : {}), ...(ports ? { ports } : {}) } } });
        const exposed = (type: string, what: string) => `Service of type ${type} exposes ${what} outside the cluster; anyone who reaches the dashboard or client port can run code on the cluster (CVE-2023-48022): make it ClusterIP and use kubectl port-forward, or expose only Serve's port 8000.`;

        it("flags every Ray-internal port, by number and by each of its names; not Serve's", async () => {
            assert.deepEqual(await each([6379, 8080, 8265, 10001, 44217, 44227, 52365, 8000], (port) => violationsOf(rayPortsNotExposed, service("NodePort", [{ port }]))), [
                [6379, [exposed("NodePort", "6379 (the Ray GCS)")]],
                [8080, [exposed("NodePort", "8080 (Ray's metrics)")]],
                [8265, [exposed("NodePort", "8265 (the Ray dashboard and Jobs API)")]],
                [10001, [exposed("NodePort", "10001 (the Ray client)")]],
                [44217, [exposed("NodePort", "44217 (the Ray autoscaler's metrics)")]],
                [44227, [exposed("NodePort", "44227 (the Ray dashboard's metrics)")]],
                [52365, [exposed("NodePort", "52365 (the Ray dashboard agent)")]],
                [8000, []],
            ]);
            assert.deepEqual(await each(["gcs-server", "gcs", "redis", "dashboard-agent", "serve"], (name) => violationsOf(rayPortsNotExposed, service("LoadBalancer", [{ name, port: 9999 }]))), [
                ["gcs-server", [exposed("LoadBalancer", "6379 (the Ray GCS)")]],
                ["gcs", [exposed("LoadBalancer", "6379 (the Ray GCS)")]],
                ["redis", [exposed("LoadBalancer", "6379 (the Ray GCS)")]],
                ["dashboard-agent", [exposed("LoadBalancer", "52365 (the Ray dashboard agent)")]],
                ["serve", []],
            ]);
        });

        it("takes a Service without a type (ClusterIP) or without ports", async () => {
            assert.deepEqual(await violationsOf(rayPortsNotExposed, service(undefined, [{ port: 8265 }])), []);
            assert.deepEqual(await violationsOf(rayPortsNotExposed, service("LoadBalancer")), []);
        });
    });

    describe("ray-head-service-internal", () => {
        const head = (h: object) => ({ type: "kubernetes:ray.io/v1:RayJob", props: { spec: { rayClusterSpec: { headGroupSpec: h } } } });

        it("takes ClusterIP or no serviceType, and enableIngress false; flags NodePort", async () => {
            assert.deepEqual(await violationsOf(rayHeadServiceInternal, head({ serviceType: "ClusterIP", enableIngress: false })), []);
            assert.deepEqual(await violationsOf(rayHeadServiceInternal, head({})), []);
            assert.deepEqual(await violationsOf(rayHeadServiceInternal, head({ serviceType: "NodePort" })), [
                `the Ray head's serviceType is "NodePort", which exposes the dashboard (8265) and client (10001) ports outside the cluster: set spec.rayClusterSpec.headGroupSpec.serviceType to "ClusterIP" (or leave it unset).`,
            ]);
        });

        it("takes a headService of type ClusterIP, or one without a type, with every Ray port", async () => {
            assert.deepEqual(await violationsOf(rayHeadServiceInternal, head({ headService: { spec: { type: "ClusterIP", ports: [{ port: 8265 }, { port: 10001 }] } } })), []);
            assert.deepEqual(await violationsOf(rayHeadServiceInternal, head({ headService: { spec: { ports: [{ port: 8265 }] } } })), []);
            assert.deepEqual(await violationsOf(rayHeadServiceInternal, { type: "kubernetes:ray.io/v1:RayJob", props: { spec: {} } }), [], "no RayCluster spec at all");
        });
    });

    describe("ray-dashboard-ingress", () => {
        const SAFE = { "alb.ingress.kubernetes.io/scheme": "internal", "alb.ingress.kubernetes.io/inbound-cidrs": "10.0.0.0/8", "alb.ingress.kubernetes.io/auth-type": "oidc" };
        const ingress = (annotations: Record<string, string> | undefined, spec: object = { defaultBackend: { service: { name: "head", port: { number: 8265 } } } }) =>
            ({ type: "kubernetes:networking.k8s.io/v1:Ingress", props: { metadata: { name: "dash", ...(annotations ? { annotations } : {}) }, spec } });
        const without = (missing: string): string => `Ingress exposes the Ray dashboard (8265), where anyone who reaches it can run code, without ${missing}: add them, or use kubectl port-forward instead.`;
        const allowlist = (why: string) => `a source CIDR allowlist (alb.ingress.kubernetes.io/inbound-cidrs${why})`;

        it("refuses an allowlist with an open CIDR among others, or nothing but commas; takes a list with spaces", async () => {
            assert.deepEqual(await each(["10.0.0.0/8, 0.0.0.0/0", "10.0.0.0/8,::/0", " , ", "10.0.0.0/8, 192.168.0.0/16"], (cidrs) => violationsOf(rayDashboardIngress, ingress({ ...SAFE, "alb.ingress.kubernetes.io/inbound-cidrs": cidrs }))), [
                ["10.0.0.0/8, 0.0.0.0/0", [without(allowlist(" admits 0.0.0.0/0"))]],
                ["10.0.0.0/8,::/0", [without(allowlist(" admits ::/0"))]],
                [" , ", [without(allowlist("; unset, the load balancer admits 0.0.0.0/0"))]],
                ["10.0.0.0/8, 192.168.0.0/16", []],
            ]);
        });

        it("takes Cognito, or an oauth2-proxy auth-url, as authentication", async () => {
            const { "alb.ingress.kubernetes.io/auth-type": _oidc, ...noAuth } = SAFE;
            assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ ...SAFE, "alb.ingress.kubernetes.io/auth-type": "cognito" })), []);
            assert.deepEqual(await violationsOf(rayDashboardIngress, ingress({ ...noAuth, "nginx.ingress.kubernetes.io/auth-url": "https://oauth2.example.com/oauth2/auth" })), []);
        });

        it("flags every safeguard when there are no annotations, and checks the default backend too", async () => {
            assert.deepEqual(await violationsOf(rayDashboardIngress, ingress(undefined)), [
                without(`an internal scheme (alb.ingress.kubernetes.io/scheme: internal), ${allowlist("; unset, the load balancer admits 0.0.0.0/0")}, authentication in front (alb.ingress.kubernetes.io/auth-type: oidc or cognito, or an oauth2-proxy auth-url)`),
            ]);
        });

        it("leaves alone an Ingress to no Ray port, or without rules and backend", async () => {
            assert.deepEqual(await violationsOf(rayDashboardIngress, ingress(undefined, { rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } }] } }] })), []);
            assert.deepEqual(await violationsOf(rayDashboardIngress, ingress(undefined, {})), []);
        });
    });

    describe("serve-port-exposure", () => {
        const TLS = { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:us-west-2:111122223333:certificate/x" };
        const service = (spec: object, annotations: Record<string, string> = {}) => ({ type: "kubernetes:core/v1:Service", props: { metadata: { name: "serve", annotations }, spec } });
        const problem = (...problems: string[]) => `Service exposes Serve's port 8000 but ${problems.join(" and ")}: use an internal load balancer (aws-load-balancer-scheme: internal) or source ranges, with an ACM certificate for TLS.`;
        const OPEN = "it is internet-facing with no loadBalancerSourceRanges allowlist";
        const PLAIN = "it does not terminate TLS (no service.beta.kubernetes.io/aws-load-balancer-ssl-cert)";
        const NODE_PORT = "it is of type NodePort, which puts it on every node's address (or those IPs) with no load balancer to hold an allowlist or terminate TLS";

        it("needs TLS even on an internal or allowlisted load balancer", async () => {
            assert.deepEqual(await violationsOf(servePortExposure, service({ type: "LoadBalancer", ports: [{ port: 8000 }] }, { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" })), [problem(PLAIN)]);
            assert.deepEqual(await violationsOf(servePortExposure, service({ type: "LoadBalancer", loadBalancerSourceRanges: ["10.0.0.0/8"], ports: [{ port: 8000 }] })), [problem(PLAIN)]);
        });

        it("needs an internal scheme (either annotation) or a source allowlist without an open range, even with TLS", async () => {
            const cases: { ranges?: string[]; internal: Record<string, string> }[] = [
                { ranges: undefined, internal: {} },
                { ranges: [], internal: {} },
                { ranges: ["10.0.0.0/8", "::/0"], internal: {} },
                { ranges: undefined, internal: { "service.beta.kubernetes.io/aws-load-balancer-internal": "true" } },
                { ranges: undefined, internal: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" } },
            ];
            assert.deepEqual(await each(cases, (c) => violationsOf(servePortExposure, service({ type: "LoadBalancer", ...(c.ranges ? { loadBalancerSourceRanges: c.ranges } : {}), ports: [{ port: 8000 }] }, { ...TLS, ...c.internal }))).then((r) => r.map(([, v]) => v)), [
                [problem(OPEN)], [problem(OPEN)], [problem("it is internet-facing and its loadBalancerSourceRanges admit ::/0")], [], [problem(OPEN)],
            ]);
        });

        it("recognises Serve's port by target port, by the name serve or serve-*, on node ports too", async () => {
            assert.deepEqual(await each([{ port: 443, targetPort: 8000 }, { port: 443, targetPort: "serve" }, { name: "serve-https", port: 443 }, { name: "http", port: 80 }], (p) => violationsOf(servePortExposure, service({ type: "NodePort", ports: [p] }))).then((r) => r.map(([, v]) => v)), [
                [problem(NODE_PORT)], [problem(NODE_PORT)], [problem(NODE_PORT)], [],
            ]);
        });

        it("leaves alone a RayService without a serveService, and a Service without ports", async () => {
            assert.deepEqual(await violationsOf(servePortExposure, { type: "kubernetes:ray.io/v1:RayService", props: { spec: {} } }), []);
            assert.deepEqual(await violationsOf(servePortExposure, service({ type: "LoadBalancer" })), []);
        });
    });

    describe("no-open-security-group-rules", () => {
        const rule = (props: object) => ({ type: "aws:ec2/securityGroupRule:SecurityGroupRule", props: { type: "ingress", protocol: "tcp", cidrBlocks: ["0.0.0.0/0"], ...props } });
        const opens = (ports: string) => `Security group rule opens port${ports.includes(",") ? "s" : ""} ${ports} (the Kubernetes API or Ray) to 0.0.0.0/0: restrict the source to your VPC or known CIDRs, or reference a security group.`;

        it("flags a range that reaches a guarded port at either end, not one that stops next to it", async () => {
            assert.deepEqual(await each([[440, 442], [440, 443], [443, 443], [444, 450], [6380, 7999], [52365, 52365], [52366, 65535]], ([from, to]) => violationsOf(noOpenSecurityGroupRules, rule({ fromPort: from, toPort: to }))), [
                [[440, 442], []], [[440, 443], [opens("443")]], [[443, 443], [opens("443")]], [[444, 450], []], [[6380, 7999], []], [[52365, 52365], [opens("52365")]], [[52366, 65535], []],
            ]);
        });

        it("reads a missing toPort as fromPort, protocol all as every port, and leaves egress alone", async () => {
            assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, rule({ fromPort: 8265 })), [opens("8265")]);
            assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, rule({ fromPort: 0, toPort: 0, protocol: "all" })), [opens("443, 6379, 8000, 8080, 8265, 10001, 44217, 44227, 52365")]);
            assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, rule({ type: "egress", fromPort: 0, toPort: 65535 })), []);
            assert.deepEqual(await violationsOf(noOpenSecurityGroupRules, rule({ fromPort: 443, toPort: 443, cidrBlocks: undefined })), [], "no CIDR at all: a security group source");
        });
    });

    describe("eks-public-endpoint-restricted", () => {
        const open = "the EKS cluster's public API endpoint is open to 0.0.0.0/0: turn it off (endpointPublicAccess: false; the private endpoint stays) or list only the CIDRs that need it in publicAccessCidrs.";
        const cluster = (vpcConfig: object) => ({ type: "aws:eks/cluster:Cluster", props: { vpcConfig } });

        it("flags a public endpoint with no CIDRs, an empty list or an open range among others; takes any list when the endpoint is off", async () => {
            assert.deepEqual(await each([
                { endpointPublicAccess: true },
                { endpointPublicAccess: true, publicAccessCidrs: [] },
                { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "::/0"] },
                { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
                { endpointPublicAccess: false, publicAccessCidrs: ["0.0.0.0/0"] },
            ], (c) => violationsOf(eksPublicEndpointRestricted, cluster(c))).then((r) => r.map(([, v]) => v)), [[open], [open], [open.replace("0.0.0.0/0", "::/0")], [], []]);
        });

        it("leaves an eks:index:Cluster without inputs to its children", async () => {
            assert.deepEqual(await violationsOf(eksPublicEndpointRestricted, { type: "eks:index:Cluster", props: {} }), []);
        });
    });

    describe("eks-secrets-encryption", () => {
        const unencrypted = `the EKS cluster does not encrypt secrets with KMS: set encryptionConfig { resources: ["secrets"], provider: { keyArn } } with a key that rotates.`;
        const KEY = { keyArn: "arn:aws:kms:us-west-2:111122223333:key/x" };

        it("needs both secrets among the resources and a key", async () => {
            assert.deepEqual(await each([
                { resources: ["secrets"], provider: KEY },
                { resources: ["configmaps"], provider: KEY },
                { resources: ["secrets"] },
                { resources: ["secrets"], provider: { keyArn: "" } },
            ], (encryptionConfig) => violationsOf(eksSecretsEncryption, { type: "aws:eks/cluster:Cluster", props: { encryptionConfig } })).then((r) => r.map(([, v]) => v)), [[], [unencrypted], [unencrypted], [unencrypted]]);
        });

        it("flags an eks:index:Cluster whose inputs lack the key, and leaves one without inputs to its children", async () => {
            assert.deepEqual(await violationsOf(eksSecretsEncryption, { type: "eks:index:Cluster", props: { name: "llm" } }), [
                "the EKS cluster does not encrypt secrets with KMS: set encryptionConfigKeyArn to a KMS key that rotates.",
            ]);
            assert.deepEqual(await violationsOf(eksSecretsEncryption, { type: "eks:index:Cluster", props: {} }), []);
        });
    });

    describe("eks-control-plane-logging", () => {
        it("flags every required type when none is enabled, and the one missing when four are", async () => {
            assert.deepEqual(await violationsOf(eksControlPlaneLogging, { type: "aws:eks/cluster:Cluster", props: {} }), [
                `the EKS cluster does not log ["api","audit","authenticator","controllerManager","scheduler"]: add them to enabledClusterLogTypes (the audit log is how you find out who did what).`,
            ]);
            assert.deepEqual(await violationsOf(eksControlPlaneLogging, { type: "aws:eks/cluster:Cluster", props: { enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager"] } }), [
                `the EKS cluster does not log ["scheduler"]: add them to enabledClusterLogTypes (the audit log is how you find out who did what).`,
            ]);
            assert.deepEqual(await violationsOf(eksControlPlaneLogging, { type: "aws:eks/cluster:Cluster", props: {} }, { requiredLogTypes: [] }), []);
        });
    });

    describe("nodes-require-imdsv2", () => {
        const nodeClass = (metadataOptions: object) => ({ type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", props: { spec: { metadataOptions } } });
        const flagged = (tokens: string, hops: number) => `EC2NodeClass has metadataOptions httpTokens "${tokens}" and httpPutResponseHopLimit ${hops}: require IMDSv2 (httpTokens: "required") with a hop limit of 1, and give pods AWS access through EKS Pod Identity.`;

        it("takes a hop limit of 1 and flags 2; reads a missing field as Karpenter's default (required, 1)", async () => {
            assert.deepEqual(await each([1, 2], (hops) => violationsOf(nodesRequireImdsv2, nodeClass({ httpTokens: "required", httpPutResponseHopLimit: hops }))), [[1, []], [2, [flagged("required", 2)]]]);
            assert.deepEqual(await violationsOf(nodesRequireImdsv2, nodeClass({ httpTokens: "required" })), []);
            assert.deepEqual(await violationsOf(nodesRequireImdsv2, nodeClass({ httpPutResponseHopLimit: 1 })), []);
            assert.deepEqual(await violationsOf(nodesRequireImdsv2, nodeClass({ httpPutResponseHopLimit: 3 })), [flagged("required", 3)]);
        });
    });

    describe("ray-minimum-version", () => {
        const service = (rayVersion: unknown, image = "rayproject/ray-llm:2.56.0-py312-cu130") => ({
            type: "kubernetes:ray.io/v1:RayService",
            props: { spec: { rayClusterConfig: { ...(rayVersion === undefined ? {} : { rayVersion }), headGroupSpec: { template: { spec: { containers: [{ name: "ray-head", image }] } } } } } },
        });
        const old = (v: unknown) => `rayVersion is ${JSON.stringify(v)}: run Ray 2.54.0 or later (earlier versions have known critical CVEs) and set rayVersion to match the image.`;

        it("takes 2.54.0 and flags 2.53.9; flags a missing rayVersion", async () => {
            assert.deepEqual(await each(["2.53.9", "2.54.0", "2.54.1", undefined], (v) => violationsOf(rayMinimumVersion, service(v))), [
                ["2.53.9", [old("2.53.9")]], ["2.54.0", []], ["2.54.1", []], [undefined, [old(undefined)]],
            ]);
            assert.deepEqual(await each(["2.55.9", "2.56.0"], (v) => violationsOf(rayMinimumVersion, service(v), { minRayVersion: "2.56.0" })).then((r) => r.map(([, x]) => x.length)), [1, 0]);
        });

        it("takes an image of the minimum version, flags one just below, and leaves images that are not Ray's alone", async () => {
            assert.deepEqual(await each(["rayproject/ray-llm:2.54.0-py311-cu128", "rayproject/ray:2.53.0", "example.com/custom-ray:2.41.0", "rayproject/ray-llm"], (image) => violationsOf(rayMinimumVersion, service("2.56.0", image))), [
                ["rayproject/ray-llm:2.54.0-py311-cu128", []],
                ["rayproject/ray:2.53.0", [`spec.rayClusterConfig.headGroupSpec: image "rayproject/ray:2.53.0" runs Ray 2.53.0: use 2.54.0 or later.`]],
                ["example.com/custom-ray:2.41.0", []],
                ["rayproject/ray-llm", []],
            ]);
        });
    });

    describe("no-latest-image-tags", () => {
        const deployment = (image: unknown) => ({ type: "kubernetes:apps/v1:Deployment", props: { spec: { template: { spec: { containers: [{ name: "a", ...(image === undefined ? {} : { image }) }] } } } } });
        const unpinned = (image: string) => `spec.template: container "a" uses image "${image}", which is not pinned: use a version tag or a digest, so every node runs the same code.`;

        it("tells a registry's port from a tag, and leaves a container without an image alone", async () => {
            assert.deepEqual(await each(["registry.local:5000/app", "registry.local:5000/app:1.2", "app:latest", "app:latest-2", "app@sha256:abc", undefined], (i) => violationsOf(noLatestImageTags, deployment(i))), [
                ["registry.local:5000/app", [unpinned("registry.local:5000/app")]],
                ["registry.local:5000/app:1.2", []],
                ["app:latest", [unpinned("app:latest")]],
                ["app:latest-2", []],
                ["app@sha256:abc", []],
                [undefined, []],
            ]);
        });
    });

    describe("no-literal-secrets-in-env", () => {
        const deployment = (env: object[]) => ({ type: "kubernetes:apps/v1:Deployment", props: { spec: { template: { spec: { containers: [{ name: "a", image: "app:1", env }] } } } } });
        const literal = (name: string) => `spec.template: container "a" sets ${name} to a literal value, which lands in the manifest and the state in clear text: take it from a Secret with valueFrom.secretKeyRef.`;

        it("flags each secret-like name with a value; takes an empty value, a value from elsewhere, and other names", async () => {
            const names = ["GITHUB_TOKEN", "DB_PASSWORD", "PASSWD", "CLIENT_SECRET", "OPENAI_API_KEY", "APIKEY", "AWS_ACCESS_KEY", "PRIVATE_KEY", "GOOGLE_CREDENTIALS", "HF_HOME"];
            assert.deepEqual(await each(names, (name) => violationsOf(noLiteralSecretsInEnv, deployment([{ name, value: "x" }]))), names.map((n) => [n, n === "HF_HOME" ? [] : [literal(n)]]));
            assert.deepEqual(await violationsOf(noLiteralSecretsInEnv, deployment([{ name: "HF_TOKEN", value: "" }, { name: "HF_TOKEN_2", valueFrom: { secretKeyRef: { name: "hf", key: "token" } } }, { value: "x" }])), []);
        });
    });

    describe("ray-namespace-default-deny", () => {
        const ray = (namespace?: string) => ({ type: "kubernetes:ray.io/v1:RayCluster", name: "ray", props: { metadata: { name: "ray", ...(namespace ? { namespace } : {}) }, spec: {} } });
        const policy = (namespace: string | undefined, spec: object) => ({ type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name: "deny", props: { metadata: { name: "deny", ...(namespace ? { namespace } : {}) }, spec } });
        const missing = (ns: string) => `namespace "${ns}" runs Ray but has no default-deny ingress NetworkPolicy: add one (podSelector: {}, policyTypes: [Ingress]) and allow only the ports each client needs (VllmRayService renders them).`;

        it("reads a missing namespace as default, for the Ray cluster and the policy alike", async () => {
            assert.deepEqual(await stackViolationsOf(rayNamespaceDefaultDeny, [ray(), policy(undefined, { podSelector: {}, policyTypes: ["Ingress"] })]), []);
            assert.deepEqual(await stackViolationsOf(rayNamespaceDefaultDeny, [ray()]), [missing("default")]);
        });

        it("takes an empty selector (or empty matchLabels) with Ingress among the types and no ingress rule; nothing less", async () => {
            const cases = [
                { podSelector: { matchLabels: {} }, policyTypes: ["Ingress", "Egress"], ingress: [] },
                { podSelector: { matchLabels: { app: "ray" } }, policyTypes: ["Ingress"] },
                { podSelector: {}, policyTypes: ["Egress"] },
                { podSelector: {} },
                { policyTypes: ["Ingress"] },
            ];
            assert.deepEqual(await each(cases, (spec) => stackViolationsOf(rayNamespaceDefaultDeny, [ray("llm"), policy("llm", spec)])).then((r) => r.map(([, v]) => v)), [
                [], [missing("llm")], [missing("llm")], [missing("llm")], [missing("llm")],
            ]);
        });
    });

    describe("where a GPU pod may land (policy/scheduling.ts, behind gpu-budget)", () => {
        const GPU_COUNT = "karpenter.k8s.aws/instance-gpu-count";
        const TOLERATION = { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" };
        const pool = (...requirements: object[]) => nodePoolNodes({ metadata: { name: "p" }, spec: { template: { spec: { requirements, taints: [TAINT] } } } });
        const pod = (extra: object = {}) => ({ tolerations: [TOLERATION], ...extra });

        it("reads Gt, Gte, Lt and Lte on the GPU count at their boundaries", () => {
            const fits = (operator: string, bound: number, gpus: number) => mayLandIn(pod(), gpus, pool({ key: GPU_COUNT, operator, values: [String(bound)] }));
            assert.deepEqual([fits("Lt", 4, 3), fits("Lt", 4, 4), fits("Lte", 4, 4), fits("Lte", 4, 5)], [true, false, true, false]);
            assert.deepEqual([fits("Gt", 4, 8), fits("Gte", 4, 8)], [true, true], "nodes with more GPUs than the pod needs");
        });

        it("takes a label the pool neither sets nor requires only as absent", () => {
            const p = pool(G6);
            assert.deepEqual([
                mayLandIn(pod({ nodeSelector: { team: "ml" } }), 1, p),
                mayLandIn(pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "team", operator: "DoesNotExist" }] }] } } } }), 1, p),
            ], [false, true]);
        });

        it("keeps a pod without tolerations off a tainted pool", () => {
            assert.equal(mayLandIn({}, 1, pool(G6)), false);
        });
    });
});
