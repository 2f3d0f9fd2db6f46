/**
 * Edges of the argument validation of GpuNodePool, GcsRedis and LlmCluster, and of the shared
 * helpers in components/common/validation.ts, that the mutation run (npm run mutate) showed
 * untested: empty and unknown lists, plural wording, regex anchors, and values that are still
 * Outputs (not known yet), which every check must leave alone without failing.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

import { clusterDefaults, ClusterAccessEntryArgs, ResolvedClusterArgs, validateLlmClusterArgs } from "../components/cluster/args";
import { checkDuration, isNetworkAddress } from "../components/common/validation";
import { GcsRedisArgs, resolveGcsRedisArgs, validateGcsRedisArgs } from "../components/gcs-redis/args";
import { withArmFamily } from "./support/gpu-catalog";
import { gpuNodePoolDefaults, GpuPoolArgs, ResolvedGpuNodePoolArgs, ResolvedGpuPoolArgs, validateGpuNodePoolArgs } from "../components/gpu-nodepool/args";

/** Each value with the messages `check` gives for it, to compare with a written-out table. */
function each<T>(values: T[], check: (value: T) => string[]): [T, string[]][] {
    return values.map((v) => [v, check(v)]);
}

describe("GpuNodePool pool validation at the edges", () => {
    const { pool: POOL, ...NODE_POOL } = gpuNodePoolDefaults;
    const BASE = { ...NODE_POOL, clusterName: "llm", nodeRoleName: "llm-node" };
    const check = (poolOver: Partial<GpuPoolArgs>, over: Partial<ResolvedGpuNodePoolArgs> = {}): string[] =>
        validateGpuNodePoolArgs("gpu", { ...BASE, ...over } as ResolvedGpuNodePoolArgs, [{ ...POOL, name: "a", gpuLimit: 8, ...poolOver } as ResolvedGpuPoolArgs]);

    it("refuses an empty instanceFamilies with the empty-list message", () => {
        assert.deepEqual(check({ instanceFamilies: [] }), [`pools[0].instanceFamilies is empty: list GPU instance families such as ["g6", "g6e"].`]);
    });

    it("names several unknown instance families in the plural", () => {
        assert.deepEqual(check({ instanceFamilies: ["g7", "p6"] }), [
            `pools[0].instanceFamilies ["g7","p6"] are not GPU instance families this package knows: use g5, g6, g6e, p4d, p4de, p5, p5e, p5en.`,
        ]);
    });

    it("ignores instanceFamilies, even unknown ones, when instanceTypes is set", () => {
        assert.deepEqual(check({ instanceFamilies: ["nope"], instanceTypes: ["g6e.12xlarge"] }), []);
    });

    it("refuses an empty instanceTypes with the empty-list message", () => {
        assert.deepEqual(check({ instanceTypes: [] }), [`pools[0].instanceTypes is empty: list instance types such as ["g6e.12xlarge"], or leave it unset to use instanceFamilies.`]);
    });

    it("names several unknown instance types in the plural", () => {
        assert.deepEqual(check({ instanceTypes: ["g7.xlarge", "g6e.huge"] }), [
            `pools[0].instanceTypes ["g7.xlarge","g6e.huge"] are not GPU instance types this package knows: use a size of g5, g6, g6e, p4d, p4de, p5, p5e, p5en, such as "g6e.12xlarge".`,
        ]);
    });

    it("refuses a pool that mixes CPU architectures, listing them sorted and comma-separated (with an arm64 family added to the catalogue)", async () => {
        // The catalogue holds only amd64 families today; the check guards the day it gains a
        // Graviton one such as g5g, so the test adds g5g for its own duration.
        await withArmFamily(() => {
            assert.deepEqual(check({ instanceTypes: ["g5g.xlarge", "g6.xlarge"] }), [
                "pools[0] mixes CPU architectures (amd64, arm64): put each architecture in its own pool.",
            ]);
            assert.deepEqual(check({ instanceTypes: ["g5g.xlarge", "g5g.16xlarge"] }), []);
        });
    });

    it("refuses a budget's duration without a schedule, and a schedule without a duration, by name", () => {
        assert.deepEqual(each([{ nodes: "1", duration: "8h" }, { nodes: "1", schedule: "0 9 * * 1-5" }], (b) => check({ disruptionBudgets: [b] })), [
            [{ nodes: "1", duration: "8h" }, ["pools[0].disruptionBudgets[0] sets duration without schedule: set both (a cron schedule and how long the budget lasts), or neither."]],
            [{ nodes: "1", schedule: "0 9 * * 1-5" }, ["pools[0].disruptionBudgets[0] sets schedule without duration: set both (a cron schedule and how long the budget lasts), or neither."]],
        ]);
    });

    it("accepts a budget's duration of hours or minutes, several digits, hours then minutes, and a trailing 0s", () => {
        const durations = ["8h", "30m", "12h", "90m", "1h30m", "12h30m", "1h45m", "8h0s", "1h30m0s"];
        assert.deepEqual(each(durations, (d) => check({ disruptionBudgets: [{ nodes: "1", schedule: "0 9 * * 1-5", duration: d }] })), [
            ["8h", []], ["30m", []], ["12h", []], ["90m", []], ["1h30m", []], ["12h30m", []], ["1h45m", []], ["8h0s", []], ["1h30m0s", []],
        ]);
    });

    it("refuses a budget's duration with anything before or after it, no number, days, seconds or minutes before hours", () => {
        const durations = ["x8h", "8hx", " 8h", "8h ", "h", "8d", "30s", "1h30m10s", "30m1h", "8h0s0s"];
        assert.deepEqual(durations.flatMap((d) => check({ disruptionBudgets: [{ nodes: "1", schedule: "0 9 * * 1-5", duration: d }] })), [
            `pools[0].disruptionBudgets[0].duration "x8h" is not a duration Karpenter accepts: use hours and minutes such as "8h" or "1h30m".`,
            `pools[0].disruptionBudgets[0].duration "8hx" is not a duration Karpenter accepts: use hours and minutes such as "8h" or "1h30m".`,
            `pools[0].disruptionBudgets[0].duration " 8h" is not a duration Karpenter accepts: use hours and minutes such as "8h" or "1h30m".`,
            `pools[0].disruptionBudgets[0].duration "8h " is not a duration Karpenter accepts: use hours and minutes such as "8h" or "1h30m".`,
            `pools[0].disruptionBudgets[0].duration "h" is not a duration Karpenter accepts: use hours and minutes such as "8h" or "1h30m".`,
            `pools[0].disruptionBudgets[0].duration "8d" is not a duration Karpenter accepts: use hours and minutes such as "8h" or "1h30m".`,
            `pools[0].disruptionBudgets[0].duration "30s" is not a duration Karpenter accepts: use hours and minutes such as "8h" or "1h30m".`,
            `pools[0].disruptionBudgets[0].duration "1h30m10s" is not a duration Karpenter accepts: use hours and minutes such as "8h" or "1h30m".`,
            `pools[0].disruptionBudgets[0].duration "30m1h" is not a duration Karpenter accepts: use hours and minutes such as "8h" or "1h30m".`,
            `pools[0].disruptionBudgets[0].duration "8h0s0s" is not a duration Karpenter accepts: use hours and minutes such as "8h" or "1h30m".`,
        ]);
    });

    it("reports only the first bad budget, with its index", () => {
        assert.deepEqual(check({ disruptionBudgets: [{ nodes: "1" }, { nodes: "1", schedule: "@daily", duration: "1d" }] }), [
            `pools[0].disruptionBudgets[1].duration "1d" is not a duration Karpenter accepts: use hours and minutes such as "8h" or "1h30m".`,
        ]);
    });

    it("leaves pool arguments that are still Outputs alone: no message and no failure", () => {
        assert.deepEqual(check({ instanceFamilies: pulumi.output(["nope"]) }), []);
        assert.deepEqual(check({ capacityTypes: pulumi.output(["reserved"]) }), []);
        assert.deepEqual(check({ minGpusPerNode: pulumi.output(2) }), []);
        assert.deepEqual(check({ maxGpusPerNode: pulumi.output(2) }), []);
        assert.deepEqual(check({ disruptionBudgets: pulumi.output([{ nodes: "bad" }]) }), []);
    });

    it("leaves tags that are still an Output or are missing alone: no message and no failure", () => {
        assert.deepEqual(check({}, { tags: pulumi.output({ "karpenter.sh/nodepool": "x" }) }), []);
        assert.deepEqual(check({}, { tags: undefined }), []);
    });

    it("refuses tag keys that start with kubernetes.io/cluster, and accepts one that only ends with it", () => {
        assert.deepEqual(each(["kubernetes.io/cluster/llm", "team/kubernetes.io/cluster"], (k) => check({}, { tags: { [k]: "owned" } })), [
            ["kubernetes.io/cluster/llm", [
                `tags ["kubernetes.io/cluster/llm"] uses keys Karpenter sets itself: remove them (eks:eks-cluster-name, karpenter.sh/nodepool, karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass and kubernetes.io/cluster/* are reserved).`,
            ]],
            ["team/kubernetes.io/cluster", []],
        ]);
    });
});

describe("GcsRedis nodeType at the edges", () => {
    const BASE: GcsRedisArgs = { vpcId: "vpc-1", subnetIds: ["subnet-1", "subnet-2"], clientSecurityGroupIds: ["sg-1"] };
    const check = (nodeType: string): string[] => validateGcsRedisArgs("gcs", resolveGcsRedisArgs({ ...BASE, nodeType }));

    it("accepts cache.<family>.<size> and refuses anything before or after it, or a missing part", () => {
        assert.deepEqual(each(["cache.r7g.large", "cache.m7g.2xlarge"], check), [["cache.r7g.large", []], ["cache.m7g.2xlarge", []]]);
        const refused = ["r7g.large", "xcache.r7g.large", "my-cache.r7g.large", "cache.r7g.large!", "cache.r7g.large.x", "cache.r7g", "cache..large"];
        assert.deepEqual(refused.flatMap(check), [
            `nodeType "r7g.large" is not an ElastiCache node type: use one such as "cache.r7g.large".`,
            `nodeType "xcache.r7g.large" is not an ElastiCache node type: use one such as "cache.r7g.large".`,
            `nodeType "my-cache.r7g.large" is not an ElastiCache node type: use one such as "cache.r7g.large".`,
            `nodeType "cache.r7g.large!" is not an ElastiCache node type: use one such as "cache.r7g.large".`,
            `nodeType "cache.r7g.large.x" is not an ElastiCache node type: use one such as "cache.r7g.large".`,
            `nodeType "cache.r7g" is not an ElastiCache node type: use one such as "cache.r7g.large".`,
            `nodeType "cache..large" is not an ElastiCache node type: use one such as "cache.r7g.large".`,
        ]);
    });
});

describe("LlmCluster validation at the edges", () => {
    const REACHABLE = { endpointPrivateAccessCidrs: ["10.100.0.0/16"] };
    const check = (over: Partial<ResolvedClusterArgs>): string[] => validateLlmClusterArgs("llm", { ...clusterDefaults, ...REACHABLE, ...over } as ResolvedClusterArgs);

    it("leaves a vpcCidr, a public endpoint CIDR and systemNodeInstanceTypes that are still Outputs alone: no message and no failure", () => {
        assert.deepEqual(check({ vpcCidr: pulumi.output("10.0.0.0/16") as unknown as string }), []);
        assert.deepEqual(check({ endpointPublicAccessCidrs: [pulumi.output("0.0.0.0/0"), "203.0.113.0/24"] }), []);
        assert.deepEqual(check({ systemNodeInstanceTypes: pulumi.output(["g6e.xlarge"]) }), []);
    });

    it("reads a missing endpointPrivateAccessCidrs as no CIDRs when the public endpoint is reachable", () => {
        assert.deepEqual(check({ endpointPublicAccessCidrs: ["203.0.113.0/24"], endpointPrivateAccessCidrs: undefined as unknown as string[] }), []);
    });

    it("refuses an access entry without a name as empty", () => {
        const entry = { principalArn: "arn:aws:iam::111122223333:role/ci", access: "view" } as ClusterAccessEntryArgs;
        assert.deepEqual(check({ accessEntries: [entry] }), [
            `accessEntries[0].name must not be empty: give a name of 1 to 20 lower-case letters, digits and hyphens, such as "llm-dev".`,
        ]);
    });

    it("takes 0.0.0.0/0 as a network address and refuses 10.0.0.0/0 for its host bits", () => {
        assert.deepEqual(each(["0.0.0.0/0", "10.0.0.0/0"], (v) => check({ vpcCidr: v })), [
            ["0.0.0.0/0", [`vpcCidr "0.0.0.0/0" has a /0 prefix: use a prefix from /16 to /20 (AWS allows at most /16, and pods take one VPC address each, so smaller VPCs run out).`]],
            ["10.0.0.0/0", [`vpcCidr "10.0.0.0/0" has host bits set after its prefix: use the network address "0.0.0.0/0".`]],
        ]);
    });
});

describe("components/common/validation.ts at the edges", () => {
    it("isNetworkAddress: a /0 is a network address only at address 0 (0.0.0.0, not 10.0.0.0 or 200.0.0.0)", () => {
        assert.deepEqual([{ address: 0, prefix: 0 }, { address: 167772160, prefix: 0 }, { address: 3355443200, prefix: 0 }].map(isNetworkAddress), [true, false, false]);
    });

    it("checkDuration: with Never allowed, still accepts several units in a row (1h30m, 1h30m10s) and Never", () => {
        assert.deepEqual(["1h30m", "1h30m10s", "10m", "Never"].map((d) => checkDuration("consolidateAfter", d, true)), [undefined, undefined, undefined, undefined]);
        assert.deepEqual(["1h30m", "Never"].map((d) => checkDuration("terminationGracePeriod", d, false)), [
            undefined,
            `terminationGracePeriod "Never" is not a duration: write hours, minutes and seconds such as "10m", "1h30m" or "720h" (no days, no spaces).`,
        ]);
    });
});
