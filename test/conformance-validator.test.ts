import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

import { CrdConformance, re2ToRegExp } from "./support/conformance";

// Tests of the offline CRD conformance checker itself (test/support/conformance.ts), against
// small CRDs written here: excerpts of the upstream NodePool, EC2NodeClass, RayService and
// PrometheusRule schemas, whose CEL rules and patterns are copied verbatim from Karpenter
// v1.14.1, KubeRay v1.7.0 and prometheus-operator v0.93.0, plus a few rules of our own that
// exercise what the upstream ones do not. The checker needs no upstream data for these tests;
// test/conformance.test.ts checks the components against the vendored upstream CRDs.

/** An apiextensions.k8s.io/v1 CRD of `group`/`kind` with the given versions (each with its root `spec` schema). */
function crd(group: string, kind: string, versions: { name: string; served: boolean; spec: object }[]): any {
    const plural = `${kind.toLowerCase()}s`;
    return {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `${plural}.${group}` },
        spec: {
            group,
            names: { kind, plural },
            scope: "Cluster",
            versions: versions.map((v, i) => ({
                name: v.name,
                served: v.served,
                storage: i === 0,
                schema: { openAPIV3Schema: { type: "object", properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, spec: v.spec } } },
            })),
        },
    };
}

const QUANTITY = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";
const INT_OR_QUANTITY = { anyOf: [{ type: "integer" }, { type: "string" }], pattern: QUANTITY, "x-kubernetes-int-or-string": true };

/** Karpenter v1.14.1 NodePool, cut down; the rules and patterns are upstream's, except the rule on `disruption`. */
const NODEPOOL_SPEC = {
    type: "object",
    required: ["template"],
    properties: {
        disruption: {
            type: "object",
            default: { consolidateAfter: "0s" },
            properties: {
                budgets: {
                    type: "array",
                    maxItems: 50,
                    items: {
                        type: "object",
                        required: ["nodes"],
                        properties: {
                            nodes: { type: "string", default: "10%", pattern: "^((100|[0-9]{1,2})%|[0-9]+)$" },
                            schedule: { type: "string" },
                            duration: { type: "string" },
                        },
                    },
                    "x-kubernetes-validations": [{ message: "'schedule' must be set with 'duration'", rule: "self.all(x, has(x.schedule) == has(x.duration))" }],
                },
                consolidateAfter: { type: "string", default: "0s", pattern: "^(([0-9]+(s|m|h))+|Never)$" },
                consolidationPolicy: { type: "string", enum: ["WhenEmpty", "WhenEmptyOrUnderutilized"] },
            },
            // Not upstream's, nor is consolidateAfter's own default: the rule holds only once that
            // default is applied, as the API server applies defaults before it validates.
            "x-kubernetes-validations": [{ message: "consolidateAfter must be set", rule: "has(self.consolidateAfter)" }],
        },
        limits: { type: "object", additionalProperties: INT_OR_QUANTITY },
        template: {
            type: "object",
            required: ["spec"],
            properties: {
                spec: {
                    type: "object",
                    required: ["nodeClassRef", "requirements"],
                    properties: {
                        nodeClassRef: {
                            type: "object",
                            required: ["group", "kind", "name"],
                            properties: {
                                group: { type: "string", "x-kubernetes-validations": [{ message: "group may not be empty", rule: "self != ''" }] },
                                kind: { type: "string" },
                                name: { type: "string" },
                            },
                            // A transition rule: it needs the previous object, so a create-time check skips it.
                            "x-kubernetes-validations": [{ message: "nodeClassRef.group is immutable", rule: "self.group == oldSelf.group" }],
                        },
                        requirements: {
                            type: "array",
                            maxItems: 100,
                            items: {
                                type: "object",
                                required: ["key", "operator"],
                                properties: {
                                    key: {
                                        type: "string",
                                        maxLength: 316,
                                        "x-kubernetes-validations": [{ message: 'label domain "karpenter.sh" is restricted', rule: 'self in ["karpenter.sh/capacity-type", "karpenter.sh/nodepool"] || !self.find("^([^/]+)").endsWith("karpenter.sh")' }],
                                    },
                                    minValues: { type: "integer", minimum: 1, maximum: 50 },
                                    operator: { type: "string", enum: ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"] },
                                    values: { type: "array", items: { type: "string" } },
                                },
                            },
                            "x-kubernetes-validations": [{ message: "requirements with 'minValues' must have at least that many values specified in the 'values' field", rule: "self.all(x, (x.operator == 'In' && has(x.minValues)) ? x.values.size() >= x.minValues : true)" }],
                        },
                        taints: {
                            type: "array",
                            items: {
                                type: "object",
                                required: ["effect", "key"],
                                properties: { effect: { type: "string", enum: ["NoSchedule", "PreferNoSchedule", "NoExecute"] }, key: { type: "string", minLength: 1 }, value: { type: "string" } },
                            },
                        },
                    },
                },
            },
        },
    },
};

/** Karpenter v1.14.1 EC2NodeClass, cut down; the rule is upstream's. */
const EC2NODECLASS_SPEC = {
    type: "object",
    required: ["amiSelectorTerms"],
    properties: {
        amiSelectorTerms: { type: "array", minItems: 1, items: { type: "object", properties: { alias: { type: "string", maxLength: 30 } } } },
        instanceProfile: { type: "string" },
        role: { type: "string" },
        metadataOptions: {
            type: "object",
            properties: { httpPutResponseHopLimit: { type: "integer", format: "int64", minimum: 1, maximum: 64 }, httpTokens: { type: "string", enum: ["required", "optional"] } },
        },
    },
    "x-kubernetes-validations": [{ message: "must specify exactly one of ['role', 'instanceProfile']", rule: "(has(self.role) && !has(self.instanceProfile)) || (!has(self.role) && has(self.instanceProfile))" }],
};

/** KubeRay v1.7.0 RayService, cut down to one container of the head's pod template. */
const RAYSERVICE_SPEC = {
    type: "object",
    properties: {
        serveConfigV2: { type: "string" },
        rayClusterConfig: {
            type: "object",
            properties: {
                headGroupSpec: {
                    type: "object",
                    properties: {
                        template: {
                            type: "object",
                            properties: {
                                spec: {
                                    type: "object",
                                    properties: {
                                        containers: {
                                            type: "array",
                                            items: {
                                                type: "object",
                                                required: ["name"],
                                                properties: {
                                                    name: { type: "string" },
                                                    image: { type: "string" },
                                                    ports: { type: "array", items: { type: "object", required: ["containerPort"], properties: { containerPort: { type: "integer", format: "int32" }, name: { type: "string" } } } },
                                                    resources: { type: "object", properties: { limits: { type: "object", additionalProperties: INT_OR_QUANTITY } } },
                                                },
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
};

/** prometheus-operator v0.93.0 PrometheusRule, cut down; the RE2 pattern is upstream's. */
const PROMETHEUSRULE_SPEC = {
    type: "object",
    properties: {
        groups: {
            type: "array",
            items: {
                type: "object",
                required: ["name"],
                properties: {
                    name: { type: "string", minLength: 1 },
                    partial_response_strategy: { type: "string", pattern: "^(?i)(abort|warn)?$" },
                    rules: {
                        type: "array",
                        items: {
                            type: "object",
                            required: ["expr"],
                            properties: { alert: { type: "string" }, expr: { anyOf: [{ type: "integer" }, { type: "string" }], "x-kubernetes-int-or-string": true }, for: { type: "string" }, labels: { type: "object", additionalProperties: { type: "string" } } },
                        },
                    },
                },
            },
        },
    },
};

/** The CRDs the checker is tested with. RayService has a deprecated served version and one no longer served. */
const FIXTURE_CRDS = [
    crd("karpenter.sh", "NodePool", [{ name: "v1", served: true, spec: NODEPOOL_SPEC }]),
    crd("karpenter.k8s.aws", "EC2NodeClass", [{ name: "v1", served: true, spec: EC2NODECLASS_SPEC }]),
    crd("ray.io", "RayService", [
        { name: "v1", served: true, spec: RAYSERVICE_SPEC },
        { name: "v1alpha1", served: true, spec: RAYSERVICE_SPEC },
        { name: "v1beta1", served: false, spec: RAYSERVICE_SPEC },
    ]),
    crd("monitoring.coreos.com", "PrometheusRule", [{ name: "v1", served: true, spec: PROMETHEUSRULE_SPEC }]),
];

const FIXTURES = "the test fixtures";

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
            metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
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
                headGroupSpec: {
                    template: {
                        spec: {
                            containers: [
                                {
                                    name: "ray-head",
                                    image: "rayproject/ray:2.49.0",
                                    ports: [{ containerPort: 6379, name: "gcs" }],
                                    resources: { limits: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": 1 } },
                                },
                            ],
                        },
                    },
                },
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
    const crds = CrdConformance.fromDocuments(FIXTURES, FIXTURE_CRDS.map((doc) => ({ file: `${doc.metadata.name}.yaml`, doc })));

    it("indexes every served version of every CRD, and no version that is not served", function () {
        assert.deepEqual(crds.kinds(), [
            "karpenter.k8s.aws/v1/EC2NodeClass",
            "karpenter.sh/v1/NodePool",
            "monitoring.coreos.com/v1/PrometheusRule",
            "ray.io/v1/RayService",
            "ray.io/v1alpha1/RayService",
        ]);
        assert.equal(crds.covers({ ...rayService(), apiVersion: "ray.io/v1alpha1" }), true);
        assert.equal(crds.covers({ ...rayService(), apiVersion: "ray.io/v1beta1" }), false);
    });

    it("can evaluate every non-transition CEL rule of these CRDs", function () {
        assert.deepEqual(crds.unsupportedRules(), []);
    });

    it("accepts a valid GPU NodePool, and leaves the object as it was", function () {
        const np = nodePool();
        assert.equal(crds.covers(np), true);
        assert.deepEqual(crds.validate(np), []);
        assert.deepEqual(np, nodePool());
    });

    it("rejects a NodePool requirement on a restricted karpenter.sh label (CEL, with the find extension)", function () {
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
        np.spec.template.spec.requirements[0].minValues = 2; // exactly as many values: allowed
        np.spec.disruption.budgets = [{ nodes: "10%", schedule: "@daily", duration: "1h" }];
        assert.deepEqual(crds.validate(np), []);
    });

    it("applies the schema's defaults before the CEL rules, as the API server does", function () {
        const np = nodePool();
        delete np.spec.disruption.consolidateAfter; // defaulted to "0s", so the rule on disruption holds
        assert.deepEqual(crds.validate(np), []);
        assert.equal(np.spec.disruption.consolidateAfter, undefined, "the defaults go into a private copy");
    });

    it("skips transition rules (oldSelf), which a create-time check cannot evaluate", function () {
        const np = nodePool();
        np.spec.template.spec.nodeClassRef.group = "";
        assert.deepEqual(crds.validate(np), ["NodePool/gpu: /spec/template/spec/nodeClassRef/group: group may not be empty"]);
    });

    it("checks the root metadata as ObjectMeta", function () {
        const np = nodePool();
        np.metadata.name = "GPU_pool";
        assert.deepEqual(crds.validate(np), [
            'NodePool/GPU_pool: /metadata/name: must be a lowercase RFC 1123 subdomain of at most 253 characters, got "GPU_pool"',
        ]);
        np.metadata.name = "a".repeat(253);
        assert.deepEqual(crds.validate(np), [], "253 characters: the longest name");
        np.metadata.name = "a".repeat(254);
        assert.deepEqual(crds.validate(np), [
            `NodePool/${"a".repeat(254)}: /metadata/name: must be a lowercase RFC 1123 subdomain of at most 253 characters, got "${"a".repeat(254)}"`,
        ]);
        np.metadata.name = "gpu";
        np.metadata.labels = { team: 1 };
        assert.deepEqual(crds.validate(np), ["NodePool/gpu: /metadata/labels/team: must be string"]);
        delete np.metadata.labels;
        delete np.metadata.name;
        assert.deepEqual(crds.validate(np), ["NodePool/<no name>: /metadata: must have required property 'name'"]);
        delete np.metadata;
        assert.deepEqual(crds.validate(np), ["NodePool/<no name>: /: must have required property 'metadata'"]);
    });

    it("accepts a valid EC2NodeClass", function () {
        assert.deepEqual(crds.validate(ec2NodeClass()), []);
    });

    it("rejects an EC2NodeClass with both role and instanceProfile, or neither (CEL)", function () {
        const nc = ec2NodeClass();
        nc.spec.instanceProfile = "KarpenterNodeInstanceProfile-llm";
        assert.deepEqual(crds.validate(nc), [
            "EC2NodeClass/gpu: /spec: must specify exactly one of ['role', 'instanceProfile']",
        ]);
        delete nc.spec.role;
        assert.deepEqual(crds.validate(nc), []);
        delete nc.spec.instanceProfile;
        assert.deepEqual(crds.validate(nc), [
            "EC2NodeClass/gpu: /spec: must specify exactly one of ['role', 'instanceProfile']",
        ]);
    });

    it("checks enums, bounds and int64 formats, listing every error", function () {
        const nc = ec2NodeClass();
        nc.spec.metadataOptions = { httpTokens: "sometimes", httpPutResponseHopLimit: 65 };
        assert.deepEqual(crds.validate(nc), [
            'EC2NodeClass/gpu: /spec/metadataOptions/httpPutResponseHopLimit: must be <= 64',
            'EC2NodeClass/gpu: /spec/metadataOptions/httpTokens: must be equal to one of the allowed values: ["required","optional"]',
        ]);
        nc.spec.metadataOptions = { httpTokens: "required", httpPutResponseHopLimit: 1.5 };
        assert.deepEqual(crds.validate(nc), [
            'EC2NodeClass/gpu: /spec/metadataOptions/httpPutResponseHopLimit: must be integer',
            'EC2NodeClass/gpu: /spec/metadataOptions/httpPutResponseHopLimit: must match format "int64"',
        ]);
    });

    it("accepts a minimal valid RayService, also in its deprecated served version", function () {
        assert.deepEqual(crds.validate(rayService()), []);
        assert.deepEqual(crds.validate({ ...rayService(), apiVersion: "ray.io/v1alpha1" }), []);
    });

    it("rejects a RayService with an unknown spec field", function () {
        const rs = rayService();
        rs.spec.foo = 1;
        assert.deepEqual(crds.validate(rs), ['RayService/llm: /spec: unknown field "foo"']);
    });

    it("checks schema types, int32 formats and int-or-string quantities deep inside the pod template", function () {
        const rs = rayService();
        const container = rs.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0];
        container.resources.limits["nvidia.com/gpu"] = "one";
        container.ports = [{ containerPort: "6379" }, { containerPort: 2147483648 }, { containerPort: 2147483647 }];
        // "one" is a string, so the int-or-string anyOf passes; the quantity
        // pattern beside it fails. Map keys are escaped as in JSON pointers.
        assert.deepEqual(crds.validate(rs), [
            "RayService/llm: /spec/rayClusterConfig/headGroupSpec/template/spec/containers/0/ports/0/containerPort: must be integer",
            'RayService/llm: /spec/rayClusterConfig/headGroupSpec/template/spec/containers/0/ports/1/containerPort: must match format "int32"',
            `RayService/llm: /spec/rayClusterConfig/headGroupSpec/template/spec/containers/0/resources/limits/nvidia.com~1gpu: must match pattern "${QUANTITY}"`,
        ]);
    });

    it("compiles the PrometheusRule schema with its RE2 (?i) pattern", function () {
        assert.deepEqual(crds.validate(prometheusRule("warn")), []);
        assert.deepEqual(crds.validate(prometheusRule("ABORT")), []);
        assert.deepEqual(crds.validate(prometheusRule("")), []);
        assert.deepEqual(crds.validate(prometheusRule("ignore")), [
            'PrometheusRule/vllm: /spec/groups/0/partial_response_strategy: must match pattern "^(?i)(abort|warn)?$"',
        ]);
    });

    it("does not cover core kinds, and says where it looked", function () {
        const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" }, data: {} };
        assert.equal(crds.covers(cm), false);
        assert.deepEqual(crds.validate(clone(cm)), ['ConfigMap/x: no CRD in the test fixtures for apiVersion "v1" kind "ConfigMap"']);
    });
});

describe("CRD conformance validator: CEL it cannot evaluate", function () {
    const widget = crd("example.com", "Widget", [{
        name: "v1",
        served: true,
        spec: {
            type: "object",
            properties: {
                url: { type: "string", "x-kubernetes-validations": [{ message: "must be a URL", rule: "isURL(self)" }] },
                size: { type: "string", "x-kubernetes-validations": [{ message: "unparsable", rule: "self ==" }] },
                name: { type: "string", "x-kubernetes-validations": [{ message: "not a bool", rule: "self" }] },
                count: { type: "integer", "x-kubernetes-validations": [{ message: "transition", rule: "self >= oldSelf" }] },
                code: { type: "string", "x-kubernetes-validations": [{ message: "a number", rule: "int(self) >= 0" }] },
            },
        },
    }]);
    const crds = CrdConformance.fromDocuments(FIXTURES, [{ file: "widgets.yaml", doc: widget }]);
    const obj = (spec: object) => ({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec });

    it("lists the rules it cannot evaluate, transition rules aside", function () {
        assert.deepEqual(crds.unsupportedRules(), [
            'example.com/v1/Widget /spec/url: function "isURL" not available: isURL(self)',
            "example.com/v1/Widget /spec/size: cannot parse (Unexpected token: EOF): self ==",
        ]);
    });

    it("reports them, a rule that returns no bool and one that fails to evaluate, as errors of the object", function () {
        assert.deepEqual(crds.validate(obj({ url: "https://example.com", size: "1", name: "w", count: 1, code: "x" })), [
            'Widget/w: /spec/url: unsupported CEL: function "isURL" not available in rule "isURL(self)"',
            'Widget/w: /spec/size: unsupported CEL: cannot parse (Unexpected token: EOF) in rule "self =="',
            'Widget/w: /spec/name: CEL rule "self" returned w, not a bool',
            'Widget/w: /spec/code: CEL rule "int(self) >= 0" failed to evaluate: int() type error: cannot convert to int',
        ]);
        assert.deepEqual(crds.validate(obj({ code: "7" })), []);
        assert.deepEqual(crds.validate(obj({})), [], "rules run only where their field is set");
    });
});

describe("CRD conformance validator: loading a folder", function () {
    let dir: string;

    beforeEach(function () {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
    });

    afterEach(function () {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("reads every CRD of every YAML file, ignoring other documents and files", function () {
        fs.writeFileSync(path.join(dir, "a.yaml"), YAML.stringify(FIXTURE_CRDS[0]) + "---\n" + YAML.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }));
        fs.writeFileSync(path.join(dir, "b.yml"), YAML.stringify(FIXTURE_CRDS[1]));
        fs.writeFileSync(path.join(dir, "README.md"), "# not a CRD\n");
        const crds = CrdConformance.load(dir);
        assert.deepEqual(crds.kinds(), ["karpenter.k8s.aws/v1/EC2NodeClass", "karpenter.sh/v1/NodePool"]);
        assert.equal(CrdConformance.load(dir), crds, "loaded once per folder");
        assert.deepEqual(crds.validate({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }), [
            `ConfigMap/x: no CRD in ${dir} for apiVersion "v1" kind "ConfigMap"`,
        ]);
    });

    it("refuses a folder without CRDs, and a kind defined twice", function () {
        fs.writeFileSync(path.join(dir, "a.yaml"), YAML.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }));
        assert.throws(() => CrdConformance.load(dir), { message: `no CustomResourceDefinitions found in ${dir}` });
        fs.writeFileSync(path.join(dir, "b.yaml"), YAML.stringify(FIXTURE_CRDS[0]));
        fs.writeFileSync(path.join(dir, "c.yaml"), YAML.stringify(FIXTURE_CRDS[0]));
        assert.throws(() => CrdConformance.load(dir), { message: `${path.join(dir, "c.yaml")}: karpenter.sh/v1/NodePool is also defined in ${path.join(dir, "b.yaml")}` });
    });
});

describe("re2ToRegExp", function () {
    it("turns RE2's leading inline flags into RegExp flags, and (?P<name> into (?<name>", function () {
        assert.equal(re2ToRegExp("^(?i)(abort|warn)?$").flags, "iu");
        assert.equal(re2ToRegExp("^(?i)(abort|warn)?$").test("WARN"), true);
        assert.equal(re2ToRegExp("(?P<year>\\d{4})").exec("in 2026")?.groups?.year, "2026");
        assert.throws(() => re2ToRegExp("(?U)a+"), { message: 'unsupported RE2 flag (?U) in pattern "(?U)a+"' });
    });
});
