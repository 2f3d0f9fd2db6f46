/**
 * Every built-in Kubernetes object the environments' plans render, and the pod templates and
 * Services their RayServices embed, as the Kubernetes 1.35 API server would take them: their
 * OpenAPI schemas with unknown fields as errors, and the API server's handwritten rules
 * (test/support/builtin.ts). Then the validator itself, rule by rule, on objects made to break one.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";

import { BUILT_IN_GROUPS, BuiltinSchemas, cidrWithin, groupOf, isDns1123Label, isDns1123Subdomain, isPortName, isQualifiedName, parseCidr } from "./support/builtin";
import { loadYamlDocs } from "./support/conformance";
import { componentUrn, descendantsOf, settle, valueOf } from "./support/mocks";
import { environmentPlan, environments as listEnvironments } from "./support/plan";
import { upstreamPath } from "./support/upstream";

import { VllmRayService } from "../components/vllm-service";
import { isKubernetesObject, toKubernetesObject } from "../plan/render";

const environments = listEnvironments();

/** The built-in kinds each environment renders, written out. */
const BUILT_IN_KINDS: Record<string, string[]> = {
    dev: ["ConfigMap", "Namespace", "NetworkPolicy", "StorageClass"],
    staging: ["ConfigMap", "Namespace", "NetworkPolicy", "Secret", "StorageClass"],
    prod: ["ConfigMap", "Namespace", "NetworkPolicy", "Secret", "StorageClass"],
};

type Obj = Record<string, unknown>;

/** Every problem of `obj` and of the built-in types a RayService embeds (its pod templates and serve Service). */
function problemsOf(schemas: BuiltinSchemas, obj: Obj): string[] {
    if (obj.kind !== "RayService") {
        // A custom resource is test/conformance.test.ts's (its CRD); a built-in kind needs its schema here.
        return BUILT_IN_GROUPS.has(groupOf(String(obj.apiVersion))) ? schemas.validate(obj) : [];
    }
    const spec = obj.spec as { serveService?: unknown; rayClusterConfig: { headGroupSpec: { template: unknown }; workerGroupSpecs?: { template: unknown }[] } };
    return [
        ...schemas.validateAs(spec.rayClusterConfig.headGroupSpec.template, "io.k8s.api.core.v1.PodTemplateSpec", "spec.rayClusterConfig.headGroupSpec.template"),
        ...(spec.rayClusterConfig.workerGroupSpecs ?? []).flatMap((g, i) => schemas.validateAs(g.template, "io.k8s.api.core.v1.PodTemplateSpec", `spec.rayClusterConfig.workerGroupSpecs[${i}].template`)),
        ...(spec.serveService !== undefined ? schemas.validateAs(spec.serveService, "io.k8s.api.core.v1.Service", "spec.serveService") : []),
    ];
}

describe("built-in objects as the Kubernetes 1.35 API server takes them", function () {
    let schemas: BuiltinSchemas;
    const objects = new Map<string, { file: string; obj: Obj }[]>();

    before(async function () {
        schemas = BuiltinSchemas.load(upstreamPath(this, "k8s-openapi", "1.35"));
        const runs = await Promise.all(environments.map((env) => environmentPlan(env)));
        runs.forEach((r, i) => assert.equal(r.code, 0, `plan ${environments[i]}: ${r.stderr}`));
        for (const [i, env] of environments.entries()) {
            const dir = path.join(runs[i].out, "manifests");
            objects.set(env, fs.readdirSync(dir).sort().flatMap((f) => loadYamlDocs(path.join(dir, f)).map((obj) => ({ file: f, obj: obj as unknown as Obj }))));
        }
    });

    it("has the schemas of the core, networking.k8s.io, rbac.authorization.k8s.io and storage.k8s.io groups' kinds, and no other group's", () => {
        for (const kind of ["rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/RoleBinding", "v1/Namespace", "v1/ConfigMap", "v1/Secret", "v1/Service", "v1/ServiceAccount", "networking.k8s.io/v1/NetworkPolicy", "networking.k8s.io/v1/Ingress", "storage.k8s.io/v1/StorageClass"]) {
            assert.ok(schemas.kinds().includes(kind), kind);
        }
        assert.equal(schemas.covers({ apiVersion: "apps/v1", kind: "Deployment" }), false);
    });

    for (const env of environments) {
        it(`${env}: every built-in object, and every pod template and Service its RayServices embed, validates`, () => {
            const list = objects.get(env)!;
            const kinds = [...new Set(list.filter(({ obj }) => BUILT_IN_GROUPS.has(groupOf(String(obj.apiVersion)))).map(({ obj }) => String(obj.kind)))].sort();
            assert.deepEqual(kinds, BUILT_IN_KINDS[env]);
            assert.deepEqual(list.flatMap(({ file, obj }) => problemsOf(schemas, obj).map((p) => `${file}: ${p}`)), []);
            assert.ok(list.some(({ obj }) => obj.kind === "RayService"), `${env} renders a RayService`);
        });
    }

    it("VllmRayService with an OIDC dashboard Ingress and an exposed endpoint renders objects that validate", async () => {
        const provider = new k8s.Provider("builtin-conformance-k8s", { kubeconfig: "{}" });
        const service = new VllmRayService("bcs", {
            namespace: "llm-builtin",
            models: [{ name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6e.xlarge", minReplicas: 0, maxReplicas: 2 }],
            huggingFaceToken: pulumi.secret("hf_token"),
            exposeServe: true,
            serveTlsCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc",
            serveAllowedCidrs: ["10.0.0.0/8"],
            serveClientCidrs: ["10.0.0.0/16"],
            serveClientNamespaces: ["gateway"],
            prometheusNamespace: "monitoring",
            restartGeneration: 2,
            dashboardIngress: {
                allowedCidrs: ["10.20.0.0/16"],
                loadBalancerSubnetCidrs: ["10.0.0.0/19"],
                certificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc",
                host: "ray.internal.corp",
                oidcIssuer: "https://login.corp",
                oidcAuthorizationEndpoint: "https://login.corp/authorize",
                oidcTokenEndpoint: "https://login.corp/token",
                oidcUserInfoEndpoint: "https://login.corp/userinfo",
                oidcSecretName: "ray-oidc",
            },
        }, { provider });
        await valueOf(service.serviceName);
        await settle();
        const rendered = descendantsOf(componentUrn("ray-vllm-eks:index:VllmRayService", "bcs")).filter(isKubernetesObject).map(toKubernetesObject);
        assert.deepEqual([...new Set(rendered.map((o) => o.kind))].sort(), ["Ingress", "Namespace", "NetworkPolicy", "RayService", "Role", "RoleBinding", "Secret"]);
        assert.deepEqual(rendered.flatMap((o) => problemsOf(schemas, o as unknown as Obj).map((p) => `${o.kind}/${o.metadata.name}: ${p}`)), []);
    });

    describe("the validator", () => {
        const ns = (extra: Obj = {}, metadata: Obj = { name: "llm" }): Obj => ({ apiVersion: "v1", kind: "Namespace", metadata, ...extra });
        const policy = (spec: Obj): Obj => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "p", namespace: "llm" }, spec: { podSelector: {}, ...spec } });

        it("refuses unknown fields, at the top and deep inside, naming their path", () => {
            assert.deepEqual(schemas.validate(ns({ spec: { finalizers: ["kubernetes"], finaliser: [] } })), ["spec.finaliser: unknown field"]);
            assert.deepEqual(schemas.validate(ns({ status: {}, extra: 1 })), ["extra: unknown field"]);
            assert.deepEqual(schemas.validate(policy({ ingress: [{ from: [{ podSelector: { matchLabel: {} } }] }] })), ["spec.ingress[0].from[0].podSelector.matchLabel: unknown field"]);
        });

        it("refuses values of the wrong type, and missing required fields", () => {
            assert.deepEqual(schemas.validate(ns({ spec: { finalizers: "kubernetes" } })), [`spec.finalizers: "kubernetes" is not a list`]);
            assert.deepEqual(schemas.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "llm" }, data: { a: 1 } }), ["data.a: 1 is not a string"]);
            assert.deepEqual(schemas.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "llm" }, immutable: "yes" }), [`immutable: "yes" is not a boolean`]);
            assert.deepEqual(schemas.validate(policy({ ingress: [{ ports: [{ port: 1.5 }] }] })), ["spec.ingress[0].ports[0].port: 1.5 is none of integer, string", "spec.ingress[0].ports[0].port: 1.5 is not a port number (1 to 65535)"]);
            assert.deepEqual(schemas.validate({ apiVersion: "v1", kind: "Service", metadata: { name: "s", namespace: "llm" }, spec: { ports: [{ name: "http" }] } }), ["spec.ports[0].port: required"]);
            assert.deepEqual(schemas.validate({ apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "llm" }, data: { token: "not base64!" } }), ["data.token: not base64"]);
        });

        it("refuses duplicate entries of a keyed list (x-kubernetes-list-map-keys)", () => {
            const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "s", namespace: "llm" }, spec: { ports: [{ port: 80, protocol: "TCP" }, { port: 80, protocol: "TCP" }] } };
            assert.deepEqual(schemas.validate(svc), [`spec.ports: duplicate entry for port, protocol [80,"TCP"]`]);
        });

        it("checks names by kind: a Namespace's is a DNS-1123 label, a Service's a DNS-1035 label, others DNS-1123 subdomains", () => {
            assert.deepEqual(schemas.validate(ns({}, { name: "llm.prod" })), [`metadata.name "llm.prod" is not a DNS-1123 label (at most 63 of a-z, 0-9 and "-", alphanumeric at both ends)`]);
            assert.deepEqual(schemas.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "llm.prod", namespace: "llm" } }), []);
            assert.deepEqual(schemas.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "LLM", namespace: "llm" } }), [`metadata.name "LLM" is not a DNS-1123 subdomain (at most 253 of a-z, 0-9, "-" and ".")`]);
            assert.deepEqual(schemas.validate({ apiVersion: "v1", kind: "Service", metadata: { name: "1serve", namespace: "llm" }, spec: {} }),
                [`metadata.name "1serve" is not a DNS-1035 label (a letter first, then at most 62 of a-z, 0-9 and "-", alphanumeric at the end)`]);
            assert.deepEqual(schemas.validate(ns({}, {})), ["metadata.name: required"]);
        });

        it("refuses a namespace on a cluster-scoped kind, and a namespace that is not a DNS-1123 label", () => {
            assert.deepEqual(schemas.validate(ns({}, { name: "llm", namespace: "default" })), ["metadata.namespace: not allowed on Namespace, a cluster-scoped kind"]);
            assert.deepEqual(schemas.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "Llm" } }), [`metadata.namespace "Llm" is not a DNS-1123 label`]);
        });

        it("checks label keys and values and annotation keys", () => {
            assert.deepEqual(schemas.validate(ns({}, { name: "llm", labels: { "ray-vllm-eks/node-pool": "gpu", "app.kubernetes.io/name": "", "a/b/c": "x", "ok": "-bad" }, annotations: { "Karpenter.sh/Do-Not-Disrupt": "true", "bad key": "x" } })), [
                `metadata.labels: key "a/b/c" is not a qualified name ([prefix/]name, the name at most 63 alphanumerics, "-", "_" and ".")`,
                `metadata.labels.ok: value "-bad" is not a label value (at most 63 alphanumerics, "-", "_" and ".", alphanumeric at both ends)`,
                `metadata.annotations: key "bad key" is not a qualified name`,
            ]);
            assert.deepEqual(schemas.validate(ns({}, { name: "llm", labels: { k: "x".repeat(64) } })), [`metadata.labels.k: value "${"x".repeat(64)}" is not a label value (at most 63 alphanumerics, "-", "_" and ".", alphanumeric at both ends)`]);
        });

        it("checks ConfigMap and Secret keys, and a key in both data and binaryData", () => {
            assert.deepEqual(schemas.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "llm" }, data: { "a.json": "{}", "b/c": "x", "d": "" }, binaryData: { d: "AA==" } }), [
                `data: key "b/c" is not a valid key (at most 253 of alphanumerics, "-", "_" and ".")`,
                `binaryData: key "d" is in data too`,
            ]);
            assert.deepEqual(schemas.validate({ apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "llm" }, stringData: { "bad key": "x" } }), [`stringData: key "bad key" is not a valid key (at most 253 of alphanumerics, "-", "_" and ".")`]);
        });

        it("checks NetworkPolicy ports, protocols, policy types and IP blocks", () => {
            assert.deepEqual(schemas.validate(policy({
                policyTypes: ["Ingress", "Outbound"],
                ingress: [{
                    ports: [{ port: 0 }, { port: 8000, endPort: 7000 }, { port: "http-metrics-long", protocol: "ICMP" }, { port: "serve", endPort: 9000 }],
                    from: [{ ipBlock: { cidr: "10.0.0.0/33" } }, { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "11.0.0.0/16", "10.0.0.0/8"] } }],
                }],
            })), [
                `spec.policyTypes: "Outbound" is not Ingress or Egress`,
                "spec.ingress[0].ports[0].port: 0 is not a port number (1 to 65535)",
                "spec.ingress[0].ports[1].endPort: needs a numeric port no greater than it",
                `spec.ingress[0].ports[2].port: "http-metrics-long" is not a port name (an IANA service name: at most 15 of a-z, 0-9 and "-", with a letter)`,
                `spec.ingress[0].ports[2].protocol: "ICMP" is not TCP, UDP or SCTP`,
                "spec.ingress[0].ports[3].endPort: needs a numeric port no greater than it",
                `spec.ingress[0].from[0].ipBlock.cidr: "10.0.0.0/33" is not a CIDR`,
                `spec.ingress[0].from[1].ipBlock.except[1]: "11.0.0.0/16" is not a CIDR strictly within 10.0.0.0/8`,
                `spec.ingress[0].from[1].ipBlock.except[2]: "10.0.0.0/8" is not a CIDR strictly within 10.0.0.0/8`,
            ]);
        });

        it("checks StorageClass's provisioner, reclaim policy and binding mode", () => {
            assert.deepEqual(schemas.validate({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "gp3" }, provisioner: "", reclaimPolicy: "Recycle", volumeBindingMode: "Later" }), [
                `provisioner: "" is empty: name the volume plugin, such as "ebs.csi.aws.com"`,
                `reclaimPolicy: "Recycle" is not Delete or Retain`,
                `volumeBindingMode: "Later" is not Immediate or WaitForFirstConsumer`,
            ]);
            assert.deepEqual(schemas.validate({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "gp3" } }), ["provisioner: required"]);
        });

        it("checks Service ports and Ingress paths", () => {
            assert.deepEqual(schemas.validate({ apiVersion: "v1", kind: "Service", metadata: { name: "s", namespace: "llm" }, spec: { ports: [{ port: 70000, targetPort: "HTTP", name: "Web" }] } }), [
                "spec.ports[0].port: 70000 is not a port number (1 to 65535)",
                `spec.ports[0].targetPort: "HTTP" is not a port name (an IANA service name: at most 15 of a-z, 0-9 and "-", with a letter)`,
                `spec.ports[0].name: "Web" is not a DNS-1123 label`,
            ]);
            const ingress = { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name: "i", namespace: "llm" }, spec: { rules: [{ http: { paths: [
                { path: "api", pathType: "Prefix", backend: { service: { name: "s", port: { number: 8265 } } } },
                { path: "/", pathType: "Glob", backend: { service: { name: "s", port: { number: 0 } } } },
            ] } }] } };
            assert.deepEqual(schemas.validate(ingress), [
                `spec.rules[0].http.paths[0].path: "api" must be an absolute path for pathType Prefix`,
                `spec.rules[0].http.paths[1].pathType: "Glob" is not Exact, Prefix or ImplementationSpecific`,
                "spec.rules[0].http.paths[1].backend.service.port.number: 0 is not a port number (1 to 65535)",
            ]);
        });

        it("says when it has no schema for a kind", () => {
            assert.deepEqual(schemas.validate({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } }), ["apps/v1 Deployment: no built-in schema"]);
        });

        it("reads names, qualified names, port names and CIDRs as the API server does", () => {
            assert.deepEqual(["llm", "a".repeat(63), "a".repeat(64), "-a", "a-", "A", "a.b"].map(isDns1123Label), [true, true, false, false, false, false, false]);
            assert.deepEqual(["a.b", "a..b", `${"a".repeat(63)}.${"b".repeat(63)}`, "x".repeat(254)].map(isDns1123Subdomain), [true, false, true, false]);
            assert.deepEqual(["app", "k8s.io/app", "K8S.io/app", "/app", "a/", "a_b.c-d", "_a"].map(isQualifiedName), [true, true, false, false, false, true, false]);
            assert.deepEqual(["http", "metrics-1", "123", "a--b", "a".repeat(16), "Http"].map(isPortName), [true, true, false, false, false, false]);
            assert.deepEqual(["10.0.0.0/8", "10.0.0.0/33", "010.0.0.0/8", "256.0.0.0/8", "10.0.0/8", "fd00::/8", "fd00::1::/8", "2001:db8::/129", "10.0.0.0"].map((c) => parseCidr(c) !== undefined),
                [true, false, false, false, false, true, false, false, false]);
            assert.deepEqual([cidrWithin("10.1.0.0/16", "10.0.0.0/8"), cidrWithin("10.0.0.0/8", "10.1.0.0/16"), cidrWithin("11.0.0.0/16", "10.0.0.0/8"), cidrWithin("fd00:1::/32", "fd00::/16"), cidrWithin("fd00::/16", "10.0.0.0/8")],
                [true, false, false, true, false]);
        });
    });
});

