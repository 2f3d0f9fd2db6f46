import * as assert from "node:assert/strict";
import * as path from "path";
import { CrdConformance, findSharedDir } from "./support/conformance";

// Tests of the offline CRD conformance checker itself (test/support/conformance.ts),
// against the upstream CRDs in ../shared/crds.

function clone<T>(v: T): T {
    return JSON.parse(JSON.stringify(v)) as T;
}

function nodePool(): any {
    return {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: "gpu" },
        spec: {
            template: {
                spec: {
                    requirements: [
                        { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g5", "g6"] },
                        { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
                    ],
                    taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }],
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "gpu" },
                },
            },
            limits: { "nvidia.com/gpu": "8" },
            disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "5m" },
        },
    };
}

function ec2NodeClass(): any {
    return {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: "gpu" },
        spec: {
            amiSelectorTerms: [{ alias: "al2023@v20250101" }],
            role: "KarpenterNodeRole-llm",
            subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "llm" } }],
            securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": "llm" } }],
            metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    rootVolume: true,
                    ebs: { volumeSize: "200Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true },
                },
            ],
        },
    };
}

function rayService(): any {
    return {
        apiVersion: "ray.io/v1",
        kind: "RayService",
        metadata: { name: "llm" },
        spec: {
            serveConfigV2: "applications: []\n",
            rayClusterConfig: {
                rayVersion: "2.49.0",
                headGroupSpec: {
                    rayStartParams: {},
                    template: {
                        spec: {
                            containers: [
                                {
                                    name: "ray-head",
                                    image: "rayproject/ray:2.49.0",
                                    ports: [{ containerPort: 6379, name: "gcs" }],
                                    resources: { limits: { cpu: "2", memory: "8Gi" } },
                                },
                            ],
                        },
                    },
                },
                workerGroupSpecs: [
                    {
                        groupName: "gpu",
                        replicas: 1,
                        minReplicas: 0,
                        maxReplicas: 2,
                        rayStartParams: {},
                        template: {
                            spec: {
                                containers: [
                                    {
                                        name: "ray-worker",
                                        image: "rayproject/ray:2.49.0",
                                        resources: { limits: { "nvidia.com/gpu": "1" } },
                                    },
                                ],
                                tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
                            },
                        },
                    },
                ],
            },
        },
    };
}

function prometheusRule(strategy: string): any {
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "vllm" },
        spec: {
            groups: [
                {
                    name: "vllm",
                    partial_response_strategy: strategy,
                    rules: [{ alert: "VllmDown", expr: "up{job=\"vllm\"} == 0", for: "5m", labels: { severity: "page" } }],
                },
            ],
        },
    };
}

describe("CRD conformance validator", function () {
    // Loading parses ~3.5 MB of CRD YAML (about 1 s); the first RayService
    // validation compiles its ~1 MB schema (about 0.5 s).
    this.timeout(60_000);

    let crds: CrdConformance;

    before(function () {
        const shared = findSharedDir();
        if (shared === undefined) {
            console.log(
                "skipping CRD conformance validator tests: no shared validation data " +
                    "(set RAY_VLLM_EKS_SHARED or provide ../shared/crds next to the repository)",
            );
            this.skip();
        }
        crds = CrdConformance.load(path.join(shared, "crds"));
    });

    it("indexes every served version of every CRD", function () {
        assert.deepEqual(crds.kinds(), [
            "karpenter.k8s.aws/v1/EC2NodeClass",
            "karpenter.sh/v1/NodeClaim",
            "karpenter.sh/v1/NodePool",
            "monitoring.coreos.com/v1/PodMonitor",
            "monitoring.coreos.com/v1/PrometheusRule",
            "monitoring.coreos.com/v1/ServiceMonitor",
            "ray.io/v1/RayCluster",
            "ray.io/v1/RayJob",
            "ray.io/v1/RayService",
            "ray.io/v1alpha1/RayCluster",
            "ray.io/v1alpha1/RayJob",
            "ray.io/v1alpha1/RayService",
        ]);
    });

    it("can evaluate every non-transition CEL rule in the shipped CRDs", function () {
        assert.deepEqual(crds.unsupportedRules(), []);
    });

    it("accepts a valid GPU NodePool", function () {
        assert.equal(crds.covers(nodePool()), true);
        assert.deepEqual(crds.validate(nodePool()), []);
    });

    it("rejects a NodePool requirement on a restricted karpenter.sh label (CEL)", function () {
        const np = nodePool();
        np.spec.template.spec.requirements[0].key = "karpenter.sh/instance-family";
        assert.deepEqual(crds.validate(np), [
            'NodePool/gpu: /spec/template/spec/requirements/0/key: label domain "karpenter.sh" is restricted',
        ]);
    });

    it("reports an unknown field under spec.template.spec by name", function () {
        const np = nodePool();
        np.spec.template.spec.foo = "bar";
        assert.deepEqual(crds.validate(np), ['NodePool/gpu: /spec/template/spec: unknown field "foo"']);
    });

    it("checks CEL rules that compare integers and look inside lists", function () {
        const np = nodePool();
        np.spec.template.spec.requirements[0].minValues = 3; // only 2 values
        np.spec.disruption.budgets = [{ nodes: "10%", schedule: "@daily" }]; // schedule without duration
        assert.deepEqual(crds.validate(np), [
            "NodePool/gpu: /spec/template/spec/requirements: requirements with 'minValues' must have at least that many values specified in the 'values' field",
            "NodePool/gpu: /spec/disruption/budgets: 'schedule' must be set with 'duration'",
        ]);
    });

    it("checks the root metadata as ObjectMeta", function () {
        const np = nodePool();
        np.metadata.name = "GPU_pool";
        assert.deepEqual(crds.validate(np), [
            'NodePool/GPU_pool: /metadata/name: must be a lowercase RFC 1123 subdomain of at most 253 characters, got "GPU_pool"',
        ]);
        delete np.metadata.name;
        assert.deepEqual(crds.validate(np), ["NodePool/<no name>: /metadata: must have required property 'name'"]);
    });

    it("accepts a valid EC2NodeClass", function () {
        assert.deepEqual(crds.validate(ec2NodeClass()), []);
    });

    it("rejects an EC2NodeClass with both role and instanceProfile (CEL)", function () {
        const nc = ec2NodeClass();
        nc.spec.instanceProfile = "KarpenterNodeInstanceProfile-llm";
        assert.deepEqual(crds.validate(nc), [
            "EC2NodeClass/gpu: /spec: must specify exactly one of ['role', 'instanceProfile']",
        ]);
    });

    it("accepts a minimal valid RayService", function () {
        assert.deepEqual(crds.validate(rayService()), []);
    });

    it("accepts the deprecated RayService spec.serviceUnhealthySecondThreshold", function () {
        // The KubeRay v1.7.0 CRD still declares this field (int32), so the schema
        // accepts it. Upstream marks it "Deprecated: This field is not used anymore"
        // (kuberay#1685): the operator ignores it. A schema check cannot catch that.
        const rs = rayService();
        rs.spec.serviceUnhealthySecondThreshold = 900;
        assert.deepEqual(crds.validate(rs), []);
    });

    it("rejects a RayService with an unknown spec field", function () {
        const rs = rayService();
        rs.spec.foo = 1;
        assert.deepEqual(crds.validate(rs), ['RayService/llm: /spec: unknown field "foo"']);
    });

    it("checks schema types deep inside the RayService pod template", function () {
        const rs = rayService();
        rs.spec.rayClusterConfig.workerGroupSpecs[0].template.spec.containers[0].resources.limits["nvidia.com/gpu"] =
            "one";
        rs.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].ports[0].containerPort = "6379";
        // "one" is a string, so the int-or-string anyOf passes; the quantity
        // pattern beside it fails. Map keys are escaped as in JSON pointers.
        assert.deepEqual(crds.validate(rs), [
            "RayService/llm: /spec/rayClusterConfig/headGroupSpec/template/spec/containers/0/ports/0/containerPort: must be integer",
            'RayService/llm: /spec/rayClusterConfig/workerGroupSpecs/0/template/spec/containers/0/resources/limits/nvidia.com~1gpu: must match pattern "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$"',
        ]);
    });

    it("compiles the PrometheusRule schema with its RE2 (?i) pattern", function () {
        assert.deepEqual(crds.validate(prometheusRule("warn")), []);
        assert.deepEqual(crds.validate(prometheusRule("ABORT")), []);
        assert.deepEqual(crds.validate(prometheusRule("ignore")), [
            'PrometheusRule/vllm: /spec/groups/0/partial_response_strategy: must match pattern "^(?i)(abort|warn)?$"',
        ]);
    });

    it("does not cover core kinds", function () {
        const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: {} };
        assert.equal(crds.covers(cm), false);
        assert.deepEqual(crds.validate(clone(cm)), [
            'ConfigMap/x: no CRD in ' + path.resolve(findSharedDir()!, "crds") + ' for apiVersion "v1" kind "ConfigMap"',
        ]);
    });
});
