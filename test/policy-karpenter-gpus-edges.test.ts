/**
 * Edge cases of the policy pack's model of the NVIDIA GPU instances a Karpenter NodePool can
 * launch (policy/karpenter-gpus.ts), tested through its exported pure functions: each
 * requirement operator at its bounds, each label's domain (of the families Karpenter knows and of
 * a family it may add later), how families the requirements name are read, and the helpers it
 * shares with the components (policy/catalog.ts, policy/shared.ts).
 */
import * as assert from "node:assert/strict";

import { familyOfInstanceType } from "../policy/catalog";
import {
    categoryOf,
    GPU_COUNT,
    GPU_MANUFACTURER,
    GPU_MEMORY,
    GPU_NAME,
    INSTANCE_CATEGORY,
    INSTANCE_FAMILY,
    INSTANCE_GENERATION,
    INSTANCE_SIZE,
    INSTANCE_TYPE,
    nvidiaGpuReach,
    onlyGpuInstances,
    Requirement,
} from "../policy/karpenter-gpus";
import { compareVersions } from "../policy/shared";

const ALL = ["g4dn", "g5", "g5g", "g6", "g6e", "g7e", "gr6", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "p6-b300"];
/** The families with an instance of 8 GPUs. */
const EIGHT_GPUS = ["g4dn", "g5", "g6", "g6e", "g7e", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "p6-b300"];
/** The families with an instance of one GPU. */
const ONE_GPU = ["g4dn", "g5", "g5g", "g6", "g6e", "g7e", "gr6", "p5"];

const req = (key: string, operator: string, values?: string[]): Requirement => (values === undefined ? { key, operator } : { key, operator, values });

describe("policy/karpenter-gpus.ts categoryOf", () => {
    const cases: [string, { category: string; generation: string } | undefined][] = [
        ["p6-b200", { category: "p", generation: "6" }],
        ["gr6.4xlarge", { category: "gr", generation: "6" }],
        ["u-12tb1.112xlarge", { category: "u", generation: "1" }],
        ["g10.xlarge", { category: "g", generation: "10" }],
        ["9p5", undefined],
        ["foo", undefined],
    ];
    for (const [familyOrType, expected] of cases) {
        it(`reads ${familyOrType} as ${JSON.stringify(expected)}`, () => {
            assert.deepEqual(categoryOf(familyOrType), expected);
        });
    }
});

describe("policy/karpenter-gpus.ts nvidiaGpuReach at the edges", () => {
    const cases: [string, Requirement[], string[], boolean][] = [
        // Numeric operators, at their bounds (g5g's largest instance has 2 GPUs, gr6's 1).
        ["GPU count Gt 2 rules out the families of at most 2 GPUs", [req(GPU_COUNT, "Gt", ["2"])], ALL.filter((f) => f !== "g5g" && f !== "gr6"), true],
        ["GPU count Gte 2 keeps g5g", [req(GPU_COUNT, "Gte", ["2"])], ALL.filter((f) => f !== "gr6"), true],
        ["GPU count Gte 3 rules out g5g", [req(GPU_COUNT, "Gte", ["3"])], ALL.filter((f) => f !== "g5g" && f !== "gr6"), true],
        ["GPU count Gt 1 keeps a new family of 2 GPUs", [req(GPU_COUNT, "Gt", ["1"])], ALL.filter((f) => f !== "gr6"), true],
        ["GPU count Lte 1 keeps the families with a one-GPU instance", [req(GPU_COUNT, "Lte", ["1"])], ONE_GPU, true],
        ["GPU count Lt 2 keeps the families with a one-GPU instance", [req(GPU_COUNT, "Lt", ["2"])], ONE_GPU, true],
        ["GPU count In 1", [req(GPU_COUNT, "In", ["1"])], ONE_GPU, true],
        ["GPU count In 8", [req(GPU_COUNT, "In", ["8"])], EIGHT_GPUS, true],
        ["GPU count In 16 only for a new family", [req(GPU_COUNT, "In", ["16"])], [], true],
        ["GPU count In 1e3 (not a count)", [req(GPU_COUNT, "In", ["1e3"])], [], false],
        ["GPU count Gt 2 and Lt 2", [req(GPU_COUNT, "Gt", ["2"]), req(GPU_COUNT, "Lt", ["2"])], [], false],
        ["GPU count Gte 08, Lte 08 and NotIn 08 (the label is 8)", [req(GPU_COUNT, "Gte", ["08"]), req(GPU_COUNT, "Lte", ["08"]), req(GPU_COUNT, "NotIn", ["08"])], EIGHT_GPUS, true],
        ["GPU count Lt 1e3 (not an integer)", [req(GPU_COUNT, "Lt", ["1e3"])], [], false],
        ["GPU count DoesNotExist", [req(GPU_COUNT, "DoesNotExist")], [], false],
        ["an unknown operator (lower-case in) on the GPU count", [req(GPU_COUNT, "in", ["0"])], ALL, true],
        ["GPU memory Gte 80000", [req(GPU_MEMORY, "Gte", ["80000"])], ["g7e", "p4de", "p5", "p5e", "p5en", "p6-b200", "p6-b300"], true],
        ["GPU manufacturer In nvidia", [req(GPU_MANUFACTURER, "In", ["nvidia"])], ALL, true],
        ["accelerator name DoesNotExist", [req("karpenter.k8s.aws/instance-accelerator-name", "DoesNotExist")], ALL, true],
        ["a label it does not model", [req("topology.kubernetes.io/zone", "In", ["us-east-1a"])], ALL, true],
        // Generation.
        ["generation In 5", [req(INSTANCE_GENERATION, "In", ["5"])], ["g5", "g5g", "p5", "p5e", "p5en"], true],
        ["generation Lt 5", [req(INSTANCE_GENERATION, "Lt", ["5"])], ["g4dn", "p3dn", "p4d", "p4de"], true],
        ["generation Lt 1 only for a new family (of generation 0)", [req(INSTANCE_GENERATION, "Lt", ["1"])], [], true],
        ["generation In 10 only for a new family", [req(INSTANCE_GENERATION, "In", ["10"])], [], true],
        ["generation In v7 or 7v (not generations)", [req(INSTANCE_GENERATION, "In", ["v7", "7v"])], [], false],
        ["generation Exists", [req(INSTANCE_GENERATION, "Exists")], ALL, true],
        // Size.
        ["size In metal", [req(INSTANCE_SIZE, "In", ["metal"])], ["g4dn", "g5g"], true],
        ["size In the empty string", [req(INSTANCE_SIZE, "In", [""])], [], false],
        ["size Exists", [req(INSTANCE_SIZE, "Exists")], ALL, true],
        ["size Lt 0", [req(INSTANCE_SIZE, "Lt", ["0"])], [], false],
        // GPU name and architecture.
        ["GPU name Exists", [req(GPU_NAME, "Exists")], ALL, true],
        ["GPU name In the empty string", [req(GPU_NAME, "In", [""])], [], false],
        ["GPU name In p100 (a GPU, not a family)", [req(GPU_NAME, "In", ["p100"])], [], true],
        ["architecture In amd64", [req("kubernetes.io/arch", "In", ["amd64"])], ALL.filter((f) => f !== "g5g"), true],
        // Category, family and type.
        ["category In g and NotIn g", [req(INSTANCE_CATEGORY, "In", ["g"]), req(INSTANCE_CATEGORY, "NotIn", ["g"])], [], false],
        ["instance type Exists", [req(INSTANCE_TYPE, "Exists")], ALL, true],
        ["instance type In g7.xlarge (a new family)", [req(INSTANCE_TYPE, "In", ["g7.xlarge"])], ["g7"], false],
        ["instance type In g7 (a family, not a type)", [req(INSTANCE_TYPE, "In", ["g7"])], [], false],
        ["family In g7", [req(INSTANCE_FAMILY, "In", ["g7"])], ["g7"], false],
        ["family In g7 and type In g5.xlarge", [req(INSTANCE_FAMILY, "In", ["g7"]), req(INSTANCE_TYPE, "In", ["g5.xlarge"])], [], false],
        ["family In g7 and generation Exists", [req(INSTANCE_FAMILY, "In", ["g7"]), req(INSTANCE_GENERATION, "Exists")], ["g7"], false],
        ["family In g7 and generation In 9", [req(INSTANCE_FAMILY, "In", ["g7"]), req(INSTANCE_GENERATION, "In", ["9"])], [], false],
        ["family In foo (no category)", [req(INSTANCE_FAMILY, "In", ["foo"])], [], false],
        ["family In no value", [req(INSTANCE_FAMILY, "In")], [], false],
        ["instance type In no value", [req(INSTANCE_TYPE, "In")], [], false],
        ["family In m7 (not a GPU category)", [req(INSTANCE_FAMILY, "In", ["m7"])], [], false],
        ["an unknown operator (lower-case in) on the family names no family", [req(INSTANCE_FAMILY, "in", ["g7"])], ALL, true],
        // A NotIn that excludes the value the model tries first for a new family still admits a new
        // family's other values (a future family's 2xlarge, its GPU, its name).
        ["size NotIn xlarge", [req(INSTANCE_SIZE, "NotIn", ["xlarge"])], ALL, true],
        ["size NotIn xlarge and xlarge-1", [req(INSTANCE_SIZE, "NotIn", ["xlarge", "xlarge-1"])], ALL, true],
        ["GPU name NotIn new-gpu", [req(GPU_NAME, "NotIn", ["new-gpu"])], ALL, true],
        ["family NotIn g99x, p99x and gr99x", [req(INSTANCE_FAMILY, "NotIn", ["g99x", "p99x", "gr99x"])], ALL, true],
        ["instance type NotIn g99x.xlarge, p99x.xlarge and gr99x.xlarge", [req(INSTANCE_TYPE, "NotIn", ["g99x.xlarge", "p99x.xlarge", "gr99x.xlarge"])], ALL, true],
        ["size In xlarge and NotIn xlarge", [req(INSTANCE_SIZE, "In", ["xlarge"]), req(INSTANCE_SIZE, "NotIn", ["xlarge"])], [], false],
        // No family's name is a number, so a number bound on the family admits none (the model tries 2, 3 and 4 here).
        ["family Gt 3", [req(INSTANCE_FAMILY, "Gt", ["3"])], [], false],
    ];
    for (const [name, reqs, families, unbounded] of cases) {
        it(`${name}: ${families.length === ALL.length ? "every family" : `families [${families.join(", ")}]`}, ${unbounded ? "" : "not "}unbounded`, () => {
            assert.deepEqual(nvidiaGpuReach(reqs), { families, unbounded });
        });
    }
});

describe("policy/karpenter-gpus.ts onlyGpuInstances at the edges", () => {
    const cases: [string, Requirement[], boolean][] = [
        ["GPU count DoesNotExist", [req(GPU_COUNT, "DoesNotExist")], false],
        ["GPU count Gt 0", [req(GPU_COUNT, "Gt", ["0"])], true],
        ["GPU count Gte 1", [req(GPU_COUNT, "Gte", ["1"])], true],
        ["GPU count Lt 1", [req(GPU_COUNT, "Lt", ["1"])], true],
        ["GPU count Lte 8", [req(GPU_COUNT, "Lte", ["8"])], true],
        ["an unknown operator (lower-case in) on the GPU count", [req(GPU_COUNT, "in", ["1"])], false],
        ["category In no value", [req(INSTANCE_CATEGORY, "In", [])], false],
        ["category In g and p", [req(INSTANCE_CATEGORY, "In", ["g", "p"])], true],
        ["category In g and m", [req(INSTANCE_CATEGORY, "In", ["g", "m"])], false],
        ["category In g5 (a family, not a category)", [req(INSTANCE_CATEGORY, "In", ["g5"])], false],
        ["family In g (a category, not a family)", [req(INSTANCE_FAMILY, "In", ["g"])], false],
        ["family In foo (no category)", [req(INSTANCE_FAMILY, "In", ["foo"])], false],
        ["family In g6f and p5", [req(INSTANCE_FAMILY, "In", ["g6f", "p5"])], true],
        ["instance type In m5.large and g5.xlarge", [req(INSTANCE_TYPE, "In", ["m5.large", "g5.xlarge"])], false],
        ["instance type In gr6.4xlarge", [req(INSTANCE_TYPE, "In", ["gr6.4xlarge"])], true],
    ];
    for (const [name, reqs, expected] of cases) {
        it(`${name}: ${expected}`, () => {
            assert.equal(onlyGpuInstances(reqs), expected);
        });
    }
});

describe("policy/shared.ts compareVersions and policy/catalog.ts familyOfInstanceType at the edges", () => {
    it("orders a version after the same version with fewer parts", () => {
        assert.equal(compareVersions("2.54.1", "2.54"), 1);
        assert.equal(compareVersions("2.54", "2.54.1"), -1);
    });

    it("finds no family for a family name without a size", () => {
        assert.equal(familyOfInstanceType("g5"), undefined);
        assert.equal(familyOfInstanceType("g5.xlarge")?.family, "g5");
    });
});
