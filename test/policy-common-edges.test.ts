import * as assert from "node:assert/strict";

// The policy pack's shared readers (policy/common.ts) at their edges, read directly, and the
// baseline policies (policy/baseline.ts) on the inputs their ordinary tests leave out: a field
// missing, an unnamed container, an image whose tag only looks like Ray's.

import { stackViolationsOf, violationsOf } from "./support/policy";

import { eksControlPlaneLogging, noLatestImageTags, noLiteralSecretsInEnv, nodesRequireImdsv2, rayMinimumVersion, rayNamespaceDefaultDeny } from "../policy/baseline";
import { at, containersOf, gpuRequirements, gpusOf, isGpuNodePool, podSpecsOf, quantity, requirements, withoutInputs } from "../policy/common";

/** A NodePool whose requirements allow only CPU instance categories, with the given spec fields. */
const cpuNodePool = (spec: Record<string, unknown> = {}, template: Record<string, unknown> = {}) => ({
    spec: {
        ...spec,
        template: { spec: { requirements: [{ key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m"] }], ...template } },
    },
});

describe("policy/common.ts helpers at their edges", () => {
    it("withoutInputs says why a component without inputs is not checked", () => {
        assert.equal(withoutInputs("eks:index:Cluster"), "eks:index:Cluster arrived without its inputs (its provider's SDK sends none): its children are checked instead");
    });

    it("at returns undefined when a step is null, a string or missing", () => {
        assert.equal(at({ a: null }, "a", "b"), undefined);
        assert.equal(at(null, "a"), undefined);
        assert.equal(at({ a: "text" }, "a", "length"), undefined);
        assert.equal(at({ a: { b: 3 } }, "a", "b"), 3);
    });

    it("quantity reads numbers, units and surrounding spaces, and rejects anything else", () => {
        const inputs: unknown[] = [8, "8", " 8 ", "500m", "2k", "2Gi", "1.5M", "x5", "5 Gi", "5Gi!", "5X", "", true, undefined];
        assert.deepEqual(inputs.map(quantity), [8, 8, 8, 0.5, 2000, 2147483648, 1500000, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
    });

    it("requirements and gpuRequirements are empty for a NodePool without requirements or labels", () => {
        assert.deepEqual(requirements({}), []);
        assert.deepEqual(gpuRequirements({}), []);
        assert.deepEqual(gpuRequirements({ spec: { template: { metadata: { labels: null } } } }), []);
    });

    it("gpuRequirements reads modelled template labels as In [value] and leaves other labels out", () => {
        const nodePool = {
            spec: {
                template: {
                    metadata: { labels: { team: "ml", "karpenter.k8s.aws/instance-family": "g6e", "karpenter.k8s.aws/instance-gpu-count": 4 } },
                    spec: { requirements: [{ key: "kubernetes.io/arch", operator: "In", values: ["amd64"] }, { key: "team", operator: "In", values: ["ml"] }] },
                },
            },
        };
        assert.deepEqual(gpuRequirements(nodePool), [
            { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6e"] },
            { key: "karpenter.k8s.aws/instance-gpu-count", operator: "In", values: ["4"] },
            { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
        ]);
    });

    it("isGpuNodePool: a CPU-only NodePool is not for GPUs unless it limits or taints nvidia.com/gpu", () => {
        assert.equal(isGpuNodePool(cpuNodePool()), false);
        assert.equal(isGpuNodePool(cpuNodePool({ limits: null })), false);
        assert.equal(isGpuNodePool(cpuNodePool({ limits: { cpu: "100" } })), false);
        assert.equal(isGpuNodePool(cpuNodePool({ limits: { "nvidia.com/gpu": "8" } })), true);
        assert.equal(isGpuNodePool(cpuNodePool({}, { taints: [{ key: "dedicated", effect: "NoSchedule" }] })), false);
        assert.equal(isGpuNodePool(cpuNodePool({}, { taints: [{ key: "dedicated", effect: "NoSchedule" }, { key: "nvidia.com/gpu", effect: "NoSchedule" }] })), true);
    });

    it("podSpecsOf finds the pod spec of each workload kind, and none when it is missing", () => {
        const pod = { containers: [{ name: "c" }] };
        const table: [string, Record<string, unknown>][] = [
            ["kubernetes:core/v1:Pod", { spec: pod }],
            ["kubernetes:core/v1:Pod", {}],
            ["kubernetes:apps/v1:Deployment", { spec: { template: { spec: pod } } }],
            ["kubernetes:apps/v1:Deployment", { spec: {} }],
            ["kubernetes:apps/v1:StatefulSet", { spec: { template: { spec: pod } } }],
            ["kubernetes:apps/v1:DaemonSet", { spec: { template: { spec: pod } } }],
            ["kubernetes:apps/v1:ReplicaSet", { spec: { template: { spec: pod } } }],
            ["kubernetes:batch/v1:Job", { spec: { template: { spec: pod } } }],
            ["kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { spec: pod } } } } }],
            ["kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: {} } } }],
            ["kubernetes:batch/v1:CronJob", { spec: { template: { spec: pod } } }],
        ];
        assert.deepEqual(table.map(([type, props]) => podSpecsOf(type, props)), [
            [{ where: "spec", spec: pod }],
            [],
            [{ where: "spec.template", spec: pod }],
            [],
            [{ where: "spec.template", spec: pod }],
            [{ where: "spec.template", spec: pod }],
            [{ where: "spec.template", spec: pod }],
            [{ where: "spec.template", spec: pod }],
            [{ where: "spec.jobTemplate.spec.template", spec: pod }],
            [],
            [],
        ]);
    });

    it("podSpecsOf reads Ray worker groups' replica counts when they are numbers, and skips groups without a pod template", () => {
        const pod = { containers: [{ name: "worker" }] };
        const cluster = {
            spec: {
                workerGroupSpecs: [
                    { groupName: "a", minReplicas: 1, maxReplicas: 4, template: { spec: pod } },
                    { groupName: "b", minReplicas: "1", maxReplicas: "4", template: { spec: pod } },
                    { groupName: "c", minReplicas: 0, maxReplicas: 2 },
                ],
            },
        };
        assert.deepEqual(podSpecsOf("kubernetes:ray.io/v1:RayCluster", cluster), [
            { where: "spec.workerGroupSpecs[0]", spec: pod, maxReplicas: 4, minReplicas: 1 },
            { where: "spec.workerGroupSpecs[1]", spec: pod, maxReplicas: undefined, minReplicas: undefined },
        ]);
    });

    it("containersOf is empty for a pod spec without containers", () => {
        assert.deepEqual(containersOf({}), []);
    });

    it("gpusOf takes the request when a container sets no GPU limit", () => {
        assert.equal(gpusOf({ resources: { requests: { "nvidia.com/gpu": "2" } } }), 2);
        assert.equal(gpusOf({ resources: { limits: { "nvidia.com/gpu": 4 }, requests: { "nvidia.com/gpu": "2" } } }), 4);
        assert.equal(gpusOf({}), 0);
    });
});

const deployment = (containers: object[]) => ({ type: "kubernetes:apps/v1:Deployment", name: "app", props: { spec: { template: { spec: { containers } } } } });
const rayCluster = (image: string, rayVersion = "2.56.0", namespace = "llm") => ({
    type: "kubernetes:ray.io/v1:RayCluster",
    name: `ray-${namespace}`,
    props: { metadata: { namespace }, spec: { rayVersion, headGroupSpec: { template: { spec: { containers: [{ name: "ray-head", image }] } } } } },
});
const NO_DENY = (ns: string) => `namespace "${ns}" runs Ray but has no default-deny ingress NetworkPolicy: add one (podSelector: {}, policyTypes: [Ingress]) and allow only the ports each client needs (VllmRayService renders them).`;

describe("policy/baseline.ts on the inputs the ordinary tests leave out", () => {
    it("nodes-require-imdsv2 reports a launch template that requires tokens but leaves the hop limit unset", async () => {
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, { type: "aws:ec2/launchTemplate:LaunchTemplate", props: { metadataOptions: { httpTokens: "required" } } }), [
            `launch template has metadataOptions httpTokens "required" and httpPutResponseHopLimit unset: require IMDSv2 (httpTokens: "required") with a hop limit of 1, and give pods AWS access through EKS Pod Identity.`,
        ]);
    });

    // The real engine's view (test/real-engine.test.ts) covers these too; here they are read directly, without a plan.
    it("nodes-require-imdsv2 on launch templates: passes IMDSv2 with hop limit 1 or IMDS off, flags optional tokens or more hops", async () => {
        const template = (metadataOptions: object) => ({ type: "aws:ec2/launchTemplate:LaunchTemplate", props: { metadataOptions } });
        const fix = `require IMDSv2 (httpTokens: "required") with a hop limit of 1, and give pods AWS access through EKS Pod Identity.`;
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, template({ httpTokens: "required", httpPutResponseHopLimit: 1 })), []);
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, template({ httpEndpoint: "disabled" })), []);
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, template({ httpTokens: "optional", httpPutResponseHopLimit: 1 })), [
            `launch template has metadataOptions httpTokens "optional" and httpPutResponseHopLimit 1: ${fix}`,
        ]);
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, template({ httpTokens: "required", httpPutResponseHopLimit: 2 })), [
            `launch template has metadataOptions httpTokens "required" and httpPutResponseHopLimit 2: ${fix}`,
        ]);
    });

    it("nodes-require-imdsv2 on managed node groups: passes one with a launch template, flags one without; skips a pulumi-eks one that arrives without inputs", async () => {
        const fix = `give it a launch template with metadataOptions { httpTokens: "required", httpPutResponseHopLimit: 1 }, and give pods AWS access through EKS Pod Identity.`;
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, { type: "aws:eks/nodeGroup:NodeGroup", props: { launchTemplate: { id: "lt-1", version: "1" } } }), []);
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, { type: "aws:eks/nodeGroup:NodeGroup", props: { nodeGroupName: "gpu" } }), [
            `the managed node group has no launch template, and the one EKS generates for it lets pods reach the instance metadata service: ${fix}`,
        ]);
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, { type: "eks:index:ManagedNodeGroup", props: { launchTemplate: { id: "lt-1", version: "1" } } }), []);
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, { type: "eks:index:ManagedNodeGroup", props: { enableIMDSv2: true } }), [
            `the managed node group has no launch template, so pods can reach its nodes' instance metadata service (through EKS's generated template, or the hop limit of 2 pulumi-eks gives enableIMDSv2): ${fix}`,
        ]);
        assert.deepEqual(await violationsOf(nodesRequireImdsv2, { type: "eks:index:ManagedNodeGroup", props: {} }), []);
    });

    it("eks-control-plane-logging reads a pulumi-eks Cluster's inputs, and skips one that arrives without them", async () => {
        assert.deepEqual(await violationsOf(eksControlPlaneLogging, { type: "eks:index:Cluster", props: { enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager"] } }), [
            `the EKS cluster does not log ["scheduler"]: add them to enabledClusterLogTypes (the audit log is how you find out who did what).`,
        ]);
        assert.deepEqual(await violationsOf(eksControlPlaneLogging, { type: "eks:index:Cluster", props: {} }), []);
    });

    it("no-latest-image-tags names an unnamed container \"?\"", async () => {
        assert.deepEqual(await violationsOf(noLatestImageTags, deployment([{ image: "nginx" }])), [
            `spec.template: container "?" uses image "nginx", which is not pinned: use a version tag or a digest, so every node runs the same code.`,
        ]);
    });

    it("no-literal-secrets-in-env names an unnamed container \"?\"", async () => {
        assert.deepEqual(await violationsOf(noLiteralSecretsInEnv, deployment([{ image: "app:1.0", env: [{ name: "API_TOKEN", value: "abc" }] }])), [
            `spec.template: container "?" sets API_TOKEN to a literal value, which lands in the manifest and the state in clear text: take it from a Secret with valueFrom.secretKeyRef.`,
        ]);
    });

    it("ray-minimum-version reads the Ray version only from a rayproject image's tag, with every digit of it", async () => {
        assert.deepEqual(await violationsOf(rayMinimumVersion, rayCluster("mirror.example.com/rayproject/ray:2.40.0")), []);
        assert.deepEqual(await violationsOf(rayMinimumVersion, rayCluster("rayproject/ray:2.53.10")), [
            `spec.headGroupSpec: image "rayproject/ray:2.53.10" runs Ray 2.53.10: use 2.54.0 or later.`,
        ]);
        assert.deepEqual(await violationsOf(rayMinimumVersion, rayCluster("rayproject/ray:10.1.0", "10.2.0"), { minRayVersion: "10.2.0" }), [
            `spec.headGroupSpec: image "rayproject/ray:10.1.0" runs Ray 10.1.0: use 10.2.0 or later.`,
        ]);
    });

    it("ray-namespace-default-deny counts only Kubernetes NetworkPolicies, and names namespaces in sorted order", async () => {
        const lookalike = {
            type: "kubernetes:crd.projectcalico.org/v1:NetworkPolicy",
            name: "calico-deny",
            props: { metadata: { namespace: "llm" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } },
        };
        assert.deepEqual(await stackViolationsOf(rayNamespaceDefaultDeny, [rayCluster("rayproject/ray:2.56.0"), lookalike]), [NO_DENY("llm")]);
        const image = "rayproject/ray:2.56.0";
        assert.deepEqual(await stackViolationsOf(rayNamespaceDefaultDeny, [rayCluster(image, "2.56.0", "zeta"), rayCluster(image, "2.56.0", "alpha")]), [NO_DENY("alpha"), NO_DENY("zeta")]);
    });
});
