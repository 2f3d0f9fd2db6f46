import * as assert from "node:assert/strict";

// Every numeric and length bound of the components' argument validation (components/*/args.ts,
// VllmRayService's aside), on both sides: the value at the bound passes, the one just past it is
// refused with the exact message. And each argument missing: an optional one takes its default,
// which passes; a required one is refused by name.

import { withDefaults } from "../components/common/args";
import { clusterDefaults, ResolvedClusterArgs, validateLlmClusterArgs } from "../components/cluster/args";
import { gcsRedisDefaults, GcsRedisArgs, isValidAuthToken, resolveGcsRedisArgs, validateGcsRedisArgs } from "../components/gcs-redis/args";
import { gpuNodePoolDefaults, GpuPoolArgs, ResolvedGpuNodePoolArgs, ResolvedGpuPoolArgs, validateGpuNodePoolArgs } from "../components/gpu-nodepool/args";
import { kubeRayDefaults, ResolvedKubeRayArgs, validateKubeRayArgs } from "../components/kuberay/args";
import { monitoringDefaults, ResolvedMonitoringArgs, validateMonitoringArgs } from "../components/monitoring/args";

/** Each value with the messages `check` gives for it, to compare with a written-out table. */
function each<T>(values: T[], check: (value: T) => string[]): [T, string[]][] {
    return values.map((v) => [v, check(v)]);
}

/** Every key of `defaults` explicitly undefined, as unset configuration passes them. */
function allUndefined(defaults: object): Record<string, undefined> {
    return Object.fromEntries(Object.keys(defaults).map((k) => [k, undefined]));
}

const range = (argument: string, value: number, min: number, max: number, why = ""): string =>
    `${argument} ${value} is out of range: use a whole number from ${min} to ${max}${why}.`;
const tooLong = (argument: string, value: string, max: number, why: string): string =>
    `${argument} "${value}" is ${value.length} characters long; the limit is ${max} ${why}. Use a shorter name.`;
const empty = (argument: string, max: number): string =>
    `${argument} must not be empty: give a name of 1 to ${max} lower-case letters, digits and hyphens, such as "llm-dev".`;

describe("LlmCluster argument bounds", () => {
    const WHY = "so that the names derived from it (IAM roles, EventBridge rules) stay within AWS's 64-character limits";
    /** A reachable private endpoint: the arguments every case starts from. */
    const REACHABLE = { endpointPrivateAccessCidrs: ["10.100.0.0/16"] };
    const check = (over: Partial<ResolvedClusterArgs>, name = "llm"): string[] => validateLlmClusterArgs(name, { ...clusterDefaults, ...REACHABLE, ...over } as ResolvedClusterArgs);

    it("name and clusterName: 1 to 32 characters", () => {
        const [n32, n33] = ["a".repeat(32), "a".repeat(33)];
        assert.deepEqual(each([n32, n33, ""], (n) => check({}, n)), [[n32, []], [n33, [tooLong("name", n33, 32, WHY)]], ["", [empty("name", 32)]]]);
        assert.deepEqual(each([n32, n33, ""], (n) => check({ clusterName: n })), [[n32, []], [n33, [tooLong("clusterName", n33, 32, WHY)]], ["", [empty("clusterName", 32)]]]);
    });

    it("kubernetesVersion: 1.32 to 1.36", () => {
        const unsupported = (v: string) => `kubernetesVersion "${v}" is not supported: use one of 1.32, 1.33, 1.34, 1.35, 1.36 (the versions both Amazon EKS and Karpenter 1.14.1 support).`;
        assert.deepEqual(each(["1.31", "1.32", "1.36", "1.37"], (v) => check({ kubernetesVersion: v })), [
            ["1.31", [unsupported("1.31")]], ["1.32", []], ["1.36", []], ["1.37", [unsupported("1.37")]],
        ]);
    });

    it("vpcCidr: a prefix from /16 to /20", () => {
        const prefix = (p: number) => `vpcCidr "10.0.0.0/${p}" has a /${p} prefix: use a prefix from /16 to /20 (AWS allows at most /16, and pods take one VPC address each, so smaller VPCs run out).`;
        assert.deepEqual(each([15, 16, 20, 21], (p) => check({ vpcCidr: `10.0.0.0/${p}` })), [[15, [prefix(15)]], [16, []], [20, []], [21, [prefix(21)]]]);
    });

    it("availabilityZoneCount: a whole number from 2 to 6", () => {
        const az = (v: number) => range("availabilityZoneCount", v, 2, 6, " (EKS needs subnets in at least two zones)");
        assert.deepEqual(each([1, 2, 6, 7, 2.5], (v) => check({ availabilityZoneCount: v })), [[1, [az(1)]], [2, []], [6, []], [7, [az(7)]], [2.5, [az(2.5)]]]);
    });

    it("endpointPublicAccessCidrs: a prefix of /8 or longer, unless allowPublicEndpointFromAnywhere", () => {
        const wide = (c: string, reach: string) => `endpointPublicAccessCidrs includes "${c}", which opens the Kubernetes API endpoint to ${reach}: list only the CIDRs that need it (a VPN or CI egress range), or set allowPublicEndpointFromAnywhere to true to accept that exposure.`;
        assert.deepEqual(each(["0.0.0.0/7", "0.0.0.0/8", "0.0.0.0/0"], (c) => check({ endpointPublicAccessCidrs: [c] })), [
            ["0.0.0.0/7", [wide("0.0.0.0/7", "a large part of the internet")]], ["0.0.0.0/8", []], ["0.0.0.0/0", [wide("0.0.0.0/0", "the whole internet")]],
        ]);
        assert.deepEqual(check({ endpointPublicAccessCidrs: ["0.0.0.0/0"], allowPublicEndpointFromAnywhere: true }), []);
    });

    it("systemNodeMinSize and systemNodeMaxSize: whole numbers from 1 to 100, min at most max", () => {
        const minRange = (v: number) => range("systemNodeMinSize", v, 1, 100, " (operators and the Karpenter controller need a node)");
        const maxRange = (v: number) => range("systemNodeMaxSize", v, 1, 100);
        const above = (min: number, max: number) => `systemNodeMinSize (${min}) is greater than systemNodeMaxSize (${max}): set systemNodeMinSize to at most systemNodeMaxSize.`;
        assert.deepEqual(each([0, 1, 100, 101], (v) => check({ systemNodeMinSize: v, systemNodeMaxSize: 101 })), [
            [0, [minRange(0), maxRange(101)]], [1, [maxRange(101)]], [100, [maxRange(101)]], [101, [minRange(101), maxRange(101)]],
        ]);
        assert.deepEqual(each([0, 1, 100, 101], (v) => check({ systemNodeMinSize: 1, systemNodeMaxSize: v })), [
            [0, [maxRange(0), above(1, 0)]], [1, []], [100, []], [101, [maxRange(101)]],
        ]);
        assert.deepEqual(each([4, 5], (min) => check({ systemNodeMinSize: min, systemNodeMaxSize: 4 })), [[4, []], [5, [above(5, 4)]]]);
    });

    it("systemNodeDesiredSize: from systemNodeMinSize to systemNodeMaxSize, or unset", () => {
        const outside = (v: number) => `systemNodeDesiredSize (${v}) is outside systemNodeMinSize..systemNodeMaxSize (2..4): set it within that range or leave it unset.`;
        assert.deepEqual(each([1, 2, 4, 5, undefined], (v) => check({ systemNodeMinSize: 2, systemNodeMaxSize: 4, systemNodeDesiredSize: v })), [
            [1, [outside(1)]], [2, []], [4, []], [5, [outside(5)]], [undefined, []],
        ]);
    });

    it("systemNodeDiskSizeGiB: a whole number from 20 to 16384", () => {
        const disk = (v: number) => range("systemNodeDiskSizeGiB", v, 20, 16384);
        assert.deepEqual(each([19, 20, 16384, 16385], (v) => check({ systemNodeDiskSizeGiB: v })), [[19, [disk(19)]], [20, []], [16384, []], [16385, [disk(16385)]]]);
    });

    it("controlPlaneLogRetentionDays: from 1 to 3653, as CloudWatch Logs accepts", () => {
        const days = (v: number) => `controlPlaneLogRetentionDays ${v} is not a retention CloudWatch Logs accepts: use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.`;
        assert.deepEqual(each([0, 1, 3653, 3654], (v) => check({ controlPlaneLogRetentionDays: v })), [[0, [days(0)]], [1, []], [3653, []], [3654, [days(3654)]]]);
    });

    it("accessEntries: names of 1 to 20 characters, namespaces of at most 63", () => {
        const entry = (name: string, namespaces?: string[]) => check({ accessEntries: [{ name, principalArn: "arn:aws:iam::111122223333:role/ci", access: "view", namespaces }] });
        const [n20, n21] = ["a".repeat(20), "a".repeat(21)];
        assert.deepEqual(each([n20, n21, ""], (n) => entry(n)), [
            [n20, []], [n21, [tooLong("accessEntries[0].name", n21, 20, "so that the names of its child resources stay short")]], ["", [empty("accessEntries[0].name", 20)]],
        ]);
        const [ns63, ns64] = ["n".repeat(63), "n".repeat(64)];
        assert.deepEqual(each([ns63, ns64], (ns) => entry("ci", [ns])), [
            [ns63, []], [ns64, [`accessEntries[0].namespaces ["${ns64}"] are not namespace names: use lower-case letters, digits and hyphens, such as "llm".`]],
        ]);
    });

    it("takes the defaults for every argument left unset", () => {
        const a = withDefaults(clusterDefaults, { ...allUndefined(clusterDefaults), ...REACHABLE });
        assert.deepEqual(validateLlmClusterArgs("llm", a as ResolvedClusterArgs), []);
    });
});

describe("GpuNodePool argument bounds", () => {
    const { pool: POOL, ...NODE_POOL } = gpuNodePoolDefaults;
    const BASE = { ...NODE_POOL, clusterName: "llm", nodeRoleName: "llm-node" };
    const check = (over: Partial<ResolvedGpuNodePoolArgs>, poolOver: Partial<GpuPoolArgs> = {}, name = "gpu"): string[] =>
        validateGpuNodePoolArgs(name, { ...BASE, ...over } as ResolvedGpuNodePoolArgs, [{ ...POOL, name: "a", gpuLimit: 8, ...poolOver } as ResolvedGpuPoolArgs]);

    it("name: 1 to 40 characters; a pool's name: as long as <name>-<pool> fits 63", () => {
        const [n40, n41] = ["g".repeat(40), "g".repeat(41)];
        const why = "so that the EC2NodeClass and NodePool names derived from it are valid Kubernetes names";
        assert.deepEqual(each([n40, n41, ""], (n) => check({}, { name: "a" }, n)), [[n40, []], [n41, [tooLong("name", n41, 40, why)]], ["", [empty("name", 40)]]]);
        // "gpu-" takes 4 of the 63 characters of the NodePool's name.
        const [p59, p60] = ["p".repeat(59), "p".repeat(60)];
        const poolWhy = "so that the NodePool's name, <component name>-<pool name>, is a valid Kubernetes name";
        assert.deepEqual(each([p59, p60, ""], (p) => check({}, { name: p })), [
            [p59, []], [p60, [tooLong("pools[0].name", p60, 59, poolWhy)]], ["", [empty("pools[0].name", 59)]],
        ]);
    });

    it("gpuLimit: a whole number of at least 1, and at least minGpusPerNode; required", () => {
        const low = (v: number) => `pools[0].gpuLimit ${v} must be a whole number of GPUs of at least 1: it is the pool's budget (the most GPUs its nodes may hold).`;
        assert.deepEqual(each([0, 1, 1.5], (v) => check({}, { gpuLimit: v })), [[0, [low(0)]], [1, []], [1.5, [low(1.5)]]]);
        const belowNode = "pools[0].gpuLimit (3) is less than pools[0].minGpusPerNode (4): no node would fit the budget; raise gpuLimit or lower minGpusPerNode.";
        assert.deepEqual(each([3, 4], (v) => check({}, { gpuLimit: v, minGpusPerNode: 4 })), [[3, [belowNode]], [4, []]]);
        assert.deepEqual(each([undefined, null], (v) => check({}, { gpuLimit: v as unknown as number })), [
            [undefined, ["pools[0].gpuLimit is missing: set the most GPUs this pool may hold (its budget), such as 8."]],
            [null, ["pools[0].gpuLimit is missing: set the most GPUs this pool may hold (its budget), such as 8."]],
        ]);
    });

    it("minGpusPerNode and maxGpusPerNode: whole numbers from 1 to 8, min at most max", () => {
        const min = (v: number) => range("pools[0].minGpusPerNode", v, 1, 8);
        const max = (v: number) => range("pools[0].maxGpusPerNode", v, 1, 8);
        assert.deepEqual(each([0, 1, 8, 9], (v) => check({}, { minGpusPerNode: v, maxGpusPerNode: 8, gpuLimit: 16 })), [
            [0, [min(0)]], [1, []], [8, []], [9, [min(9), "pools[0].minGpusPerNode (9) is greater than pools[0].maxGpusPerNode (8): set minGpusPerNode to at most maxGpusPerNode."]],
        ]);
        assert.deepEqual(each([0, 1, 8, 9], (v) => check({}, { minGpusPerNode: 1, maxGpusPerNode: v })), [
            [0, [max(0), "pools[0].minGpusPerNode (1) is greater than pools[0].maxGpusPerNode (0): set minGpusPerNode to at most maxGpusPerNode."]], [1, []], [8, []], [9, [max(9)]],
        ]);
        assert.deepEqual(each([4, 5], (v) => check({}, { minGpusPerNode: v, maxGpusPerNode: 4 })), [
            [4, []], [5, ["pools[0].minGpusPerNode (5) is greater than pools[0].maxGpusPerNode (4): set minGpusPerNode to at most maxGpusPerNode."]],
        ]);
    });

    it("weight: a whole number from 1 to 100, or unset", () => {
        const weight = (v: number) => range("pools[0].weight", v, 1, 100, " (higher pools are tried first)");
        assert.deepEqual(each([0, 1, 100, 101, undefined], (v) => check({}, { weight: v })), [[0, [weight(0)]], [1, []], [100, []], [101, [weight(101)]], [undefined, []]]);
    });

    it("disruptionBudgets[].nodes: a count, or a percentage up to 100%", () => {
        const nodes = (v: string) => `pools[0].disruptionBudgets[0].nodes "${v}" is not a node count or percentage: use a whole number such as "1" or a percentage such as "10%".`;
        assert.deepEqual(each(["0", "0%", "100%", "101%", "-1"], (v) => check({}, { disruptionBudgets: [{ nodes: v }] })), [
            ["0", []], ["0%", []], ["100%", []], ["101%", [nodes("101%")]], ["-1", [nodes("-1")]],
        ]);
    });

    it("volumeSizeGiB, volumeIops, volumeThroughput: gp3's ranges, and at most 0.25 MiB/s per IOPS", () => {
        const size = (v: number) => range("volumeSizeGiB", v, 50, 16384, " (inference images and model caches need room)");
        assert.deepEqual(each([49, 50, 16384, 16385], (v) => check({ volumeSizeGiB: v })), [[49, [size(49)]], [50, []], [16384, []], [16385, [size(16385)]]]);
        const iops = (v: number) => range("volumeIops", v, 3000, 16000, " (gp3's range)");
        assert.deepEqual(each([2999, 3000, 16000, 16001], (v) => check({ volumeIops: v })), [[2999, [iops(2999)]], [3000, []], [16000, []], [16001, [iops(16001)]]]);
        const throughput = (v: number) => range("volumeThroughput", v, 125, 1000, " (gp3's range, MiB/s)");
        const perIops = (v: number, iopsGiven: number) => `volumeThroughput ${v} MiB/s needs at least ${v * 4} IOPS (gp3 allows 0.25 MiB/s per IOPS), but volumeIops is ${iopsGiven}: raise volumeIops or lower volumeThroughput, or EC2 refuses to launch the nodes.`;
        assert.deepEqual(each([124, 125, 1000, 1001], (v) => check({ volumeThroughput: v, volumeIops: 16000 })), [[124, [throughput(124)]], [125, []], [1000, []], [1001, [throughput(1001)]]]);
        assert.deepEqual(each([750, 751], (v) => check({ volumeThroughput: v, volumeIops: 3000 })), [[750, []], [751, [perIops(751, 3000)]]]);
    });

    it("amiAlias: at most 30 characters", () => {
        const [a30, a31] = [`al2023@v${"2".repeat(22)}`, `al2023@v${"2".repeat(23)}`];
        assert.deepEqual(each([a30, a31], (v) => check({ amiAlias: v })), [
            [a30, []], [a31, [`amiAlias "${a31}" has no valid release: write it as "al2023@v<release>", such as "al2023@v20260714".`]],
        ]);
    });

    it("clusterName, nodeRoleName and pools: required", () => {
        assert.deepEqual(check({ clusterName: undefined as unknown as string, nodeRoleName: "" }), [
            "clusterName is missing: pass LlmCluster's clusterName, whose discovery tag selects the subnets and security group.",
            "nodeRoleName is missing: pass LlmCluster's nodeRoleName, the role Karpenter's nodes run as.",
        ]);
        assert.deepEqual(validateGpuNodePoolArgs("gpu", BASE as ResolvedGpuNodePoolArgs, []), [`pools is empty: give at least one pool, such as [{ name: "gpu", gpuLimit: 8 }].`]);
    });

    it("takes the defaults for every argument left unset, for the component and its pools", () => {
        const a = withDefaults(NODE_POOL, { ...allUndefined(NODE_POOL), clusterName: "llm", nodeRoleName: "llm-node" });
        const p = withDefaults(POOL, { ...allUndefined(POOL), name: "a", gpuLimit: 8 });
        assert.deepEqual(validateGpuNodePoolArgs("gpu", a as ResolvedGpuNodePoolArgs, [p as ResolvedGpuPoolArgs]), []);
    });
});

describe("KubeRayOperator argument bounds", () => {
    const check = (over: Partial<ResolvedKubeRayArgs>, name = "kuberay"): string[] => validateKubeRayArgs(name, { ...kubeRayDefaults, ...over } as ResolvedKubeRayArgs);

    it("name: 1 to 40 characters; namespace: 1 to 63", () => {
        const [n40, n41] = ["k".repeat(40), "k".repeat(41)];
        assert.deepEqual(each([n40, n41, ""], (n) => check({}, n)), [
            [n40, []], [n41, [tooLong("name", n41, 40, "so that the names derived from it are valid Kubernetes names")]], ["", [empty("name", 40)]],
        ]);
        const [ns63, ns64] = ["k".repeat(63), "k".repeat(64)];
        assert.deepEqual(each([ns63, ns64, ""], (ns) => check({ namespace: ns })), [
            [ns63, []], [ns64, [tooLong("namespace", ns64, 63, "(a Kubernetes namespace name)")]], ["", [empty("namespace", 63)]],
        ]);
    });

    it("takes the defaults for every argument left unset", () => {
        assert.deepEqual(validateKubeRayArgs("kuberay", withDefaults(kubeRayDefaults, allUndefined(kubeRayDefaults)) as ResolvedKubeRayArgs), []);
    });
});

describe("GcsRedis argument bounds", () => {
    const BASE: GcsRedisArgs = { vpcId: "vpc-1", subnetIds: ["subnet-1", "subnet-2"], clientSecurityGroupIds: ["sg-1"] };
    const check = (over: Partial<GcsRedisArgs>, name = "gcs"): string[] => validateGcsRedisArgs(name, resolveGcsRedisArgs({ ...BASE, ...over }));

    it("name: 1 to 26 characters", () => {
        const [n26, n27] = ["r".repeat(26), "r".repeat(27)];
        assert.deepEqual(each([n26, n27, ""], (n) => check({}, n)), [
            [n26, []], [n27, [tooLong("name", n27, 26, "(the ElastiCache replication group id is derived from it)")]], ["", [empty("name", 26)]],
        ]);
    });

    it("nodes: a whole number from 2 to 6", () => {
        const nodes = (v: number) => `nodes ${v} is out of range: use a whole number from 2 to 6 (a primary and at least one replica in another availability zone, for Multi-AZ failover).`;
        assert.deepEqual(each([1, 2, 6, 7, 2.5], (v) => check({ nodes: v })), [[1, [nodes(1)]], [2, []], [6, []], [7, [nodes(7)]], [2.5, [nodes(2.5)]]]);
    });

    it("snapshotRetentionDays: a whole number from 0 to 35", () => {
        const days = (v: number) => `snapshotRetentionDays ${v} is out of range: use a whole number from 0 to 35.`;
        assert.deepEqual(each([-1, 0, 35, 36], (v) => check({ snapshotRetentionDays: v })), [[-1, [days(-1)]], [0, []], [35, []], [36, [days(36)]]]);
    });

    it("engineVersion: Valkey from 7.2", () => {
        assert.deepEqual(each(["7.1", "7.2"], (v) => check({ engine: "valkey", engineVersion: v })), [
            ["7.1", [`engineVersion "7.1" is not a Valkey version: Valkey on ElastiCache starts at 7.2; use "8.0".`]], ["7.2", []],
        ]);
    });

    it("an auth token ElastiCache accepts: 16 to 128 characters", () => {
        assert.deepEqual(each([15, 16, 128, 129], (n) => [String(isValidAuthToken("t".repeat(n)))]), [[15, ["false"]], [16, ["true"]], [128, ["true"]], [129, ["false"]]]);
    });

    it("clientSecurityGroupIds: required, at least one", () => {
        const missing = "clientSecurityGroupIds is empty: give the nodes' security group (LlmCluster's clusterSecurityGroupId), or no pod can reach Redis.";
        assert.deepEqual(each([[], undefined], (v) => check({ clientSecurityGroupIds: v as string[] })), [[[], [missing]], [undefined, [missing]]]);
    });

    it("takes the defaults for every argument left unset, the engine version by engine", () => {
        assert.deepEqual(validateGcsRedisArgs("gcs", resolveGcsRedisArgs({ ...BASE, ...allUndefined(gcsRedisDefaults), engineVersion: undefined })), []);
    });
});

describe("MonitoringStack argument bounds", () => {
    const check = (over: Partial<ResolvedMonitoringArgs>): string[] => validateMonitoringArgs({ ...monitoringDefaults, ...over } as ResolvedMonitoringArgs, over);

    it("namespace, karpenterNamespace and each of rayNamespaces: 1 to 63 characters", () => {
        const [ns63, ns64] = ["m".repeat(63), "m".repeat(64)];
        const why = "(a Kubernetes namespace name)";
        assert.deepEqual(each([ns63, ns64, ""], (ns) => check({ namespace: ns })), [[ns63, []], [ns64, [tooLong("namespace", ns64, 63, why)]], ["", [empty("namespace", 63)]]]);
        assert.deepEqual(each([ns63, ns64, ""], (ns) => check({ karpenterNamespace: ns })), [[ns63, []], [ns64, [tooLong("karpenterNamespace", ns64, 63, why)]], ["", [empty("karpenterNamespace", 63)]]]);
        assert.deepEqual(each([ns63, ns64, ""], (ns) => check({ rayNamespaces: ["llm", ns] })), [[ns63, []], [ns64, [tooLong("rayNamespaces[1]", ns64, 63, why)]], ["", [empty("rayNamespaces[1]", 63)]]]);
    });

    it("storageSizeGiB: a whole number of at least 1", () => {
        const size = (v: number) => `storageSizeGiB ${v} must be a whole number of GiB, at least 1, such as 50.`;
        assert.deepEqual(each([0, 1, 1.5], (v) => check({ storageSizeGiB: v })), [[0, [size(0)]], [1, []], [1.5, [size(1.5)]]]);
    });

    it("errorRatioThreshold and kvCacheUsageThreshold: shares in (0, 1]", () => {
        const error = (v: number) => `errorRatioThreshold ${v} must be in (0, 1]: a share, such as 0.05 (5% of requests).`;
        assert.deepEqual(each([0, 0.0001, 1, 1.0001], (v) => check({ errorRatioThreshold: v })), [[0, [error(0)]], [0.0001, []], [1, []], [1.0001, [error(1.0001)]]]);
        const kv = (v: number) => `kvCacheUsageThreshold ${v} must be in (0, 1]: a share, such as 0.95.`;
        assert.deepEqual(each([0, 0.0001, 1, 1.0001], (v) => check({ kvCacheUsageThreshold: v })), [[0, [kv(0)]], [0.0001, []], [1, []], [1.0001, [kv(1.0001)]]]);
    });

    it("p99LatencySecondsThreshold: a positive number of seconds", () => {
        const p99 = (v: number) => `p99LatencySecondsThreshold ${v} must be a positive number of seconds, such as 30.`;
        assert.deepEqual(each([0, 0.001, -1], (v) => check({ p99LatencySecondsThreshold: v })), [[0, [p99(0)]], [0.001, []], [-1, [p99(-1)]]]);
    });

    it("queueDepthThreshold: a whole number of at least 1", () => {
        const depth = (v: number) => `queueDepthThreshold ${v} must be a positive whole number of requests, such as 50.`;
        assert.deepEqual(each([0, 1, 1.5], (v) => check({ queueDepthThreshold: v })), [[0, [depth(0)]], [1, []], [1.5, [depth(1.5)]]]);
    });

    it("takes the defaults for every argument left unset", () => {
        assert.deepEqual(validateMonitoringArgs(withDefaults(monitoringDefaults, allUndefined(monitoringDefaults)) as ResolvedMonitoringArgs), []);
    });
});
