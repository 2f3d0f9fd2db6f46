/**
 * The plan's cost estimate (plan/cost.ts) over small hand-made stacks, every figure
 * computed by hand from the price table's figures (written out below, and pinned here): each item
 * it counts, spot and on-demand, a pool's idle floor and its limit, what has no price, and the
 * lines the plan prints.
 */
import * as assert from "node:assert/strict";

import { CostEstimate, costEstimate, costLines, gibOf, gp3Hourly } from "../plan/cost";
import { HOURS_PER_MONTH, PRICE_TABLES, SPOT_SHARE_OF_ON_DEMAND } from "../plan/prices";

/** A resource of the real engine's view with only what the estimate reads. */
function r(type: string, name: string, inputs: Record<string, unknown> = {}, extra: { dependencies?: string[]; parent?: string } = {}) {
    return { type, name, urn: `urn:${type}::${name}`, inputs, dependencies: extra.dependencies ?? [], ...(extra.parent ? { parent: extra.parent } : {}) };
}

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";
const RAY_SERVICE = "kubernetes:ray.io/v1:RayService";

/** A GPU NodePool with a GPU limit and capacity types (none: no capacity-type requirement), on the EC2NodeClass `nodeClass`. */
function nodePool(name: string, limit: string | undefined, capacityTypes: string[] | undefined, nodeClass = "gpu") {
    return r(NODE_POOL, name, {
        metadata: { name },
        spec: {
            ...(limit !== undefined ? { limits: { "nvidia.com/gpu": limit } } : {}),
            template: {
                metadata: { labels: { pool: name } },
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: nodeClass },
                    requirements: [
                        { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] },
                        ...(capacityTypes !== undefined ? [{ key: "karpenter.sh/capacity-type", operator: "In", values: capacityTypes }] : []),
                    ],
                    taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }],
                },
            },
        },
    });
}

/** A worker group of `gpus` GPUs per pod pinned to `type` in pool `pool`. */
function group(name: string, type: string, gpus: number, min: number, max: number, pool: string) {
    return {
        groupName: name,
        minReplicas: min,
        maxReplicas: max,
        template: {
            spec: {
                nodeSelector: { "node.kubernetes.io/instance-type": type, "pool": pool },
                tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
                containers: [{ name: "w", resources: { limits: { "nvidia.com/gpu": String(gpus) } } }],
            },
        },
    };
}

function rayService(groups: unknown[]) {
    return r(RAY_SERVICE, "svc", { metadata: { name: "svc", namespace: "llm" }, spec: { rayClusterConfig: { headGroupSpec: { template: { spec: { containers: [] } } }, workerGroupSpecs: groups } } });
}

/** The EC2NodeClass "gpu" with one gp3 root volume of 200 GiB at 250 MiB/s. */
const NODE_CLASS_GPU = r(NODE_CLASS, "gpu", {
    metadata: { name: "gpu" },
    spec: { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "200Gi", volumeType: "gp3", iops: 3000, throughput: 250 } }] },
});
/** That volume per hour: (200 GiB × $0.08 + 125 MiB/s above the included 125 × $0.04) / 730 = $21 / 730. */
const GPU_VOLUME = 21 / 730;

function item(estimate: CostEstimate | undefined, name: string) {
    return estimate!.items.filter((i) => i.item === name);
}

describe("the plan's cost estimate (plan/cost.ts)", () => {
    it("uses the pinned prices: us-east-1 and us-west-2 alike, 730 hours a month, spot at 40% of on-demand", () => {
        assert.deepEqual(Object.keys(PRICE_TABLES), ["us-east-1", "us-west-2"]);
        assert.equal(HOURS_PER_MONTH, 730);
        assert.equal(SPOT_SHARE_OF_ON_DEMAND, 0.4);
        for (const region of ["us-east-1", "us-west-2"]) {
            const t = PRICE_TABLES[region];
            assert.equal(t.date, "2026-07-06");
            assert.deepEqual(
                [t.ec2["g6.xlarge"], t.ec2["g6.2xlarge"], t.ec2["g6e.xlarge"], t.ec2["g6e.12xlarge"], t.ec2["m7i.xlarge"], t.ec2["m7i.2xlarge"], t.ec2["p5.48xlarge"], t.ec2["p5e.48xlarge"]],
                [0.8048, 0.9776, 1.861, 10.49264, 0.2016, 0.4032, 55.04, undefined],
            );
            assert.deepEqual([t.elastiCache["cache.t4g.medium"], t.elastiCache["cache.r7g.large"]], [0.065, 0.219]);
            assert.deepEqual([t.eksClusterHour, t.natGatewayHour, t.publicIpv4Hour, t.loadBalancerHour, t.gp3GiBMonth, t.gp3IopsMonth, t.gp3ThroughputMonth, t.kmsKeyMonth],
                [0.1, 0.045, 0.005, 0.0225, 0.08, 0.005, 0.04, 1]);
        }
        assert.match(PRICE_TABLES["us-east-1"].source, /karpenter-provider-aws v1\.14\.1 \(pkg\/providers\/pricing\/zz_generated\.pricing_aws\.go, generated 2026-07-06\)/);
        assert.match(PRICE_TABLES["us-west-2"].source, /^us-east-1's figures: .*not read from the Price List API for us-west-2/);
    });

    it("reads Kubernetes byte quantities as GiB, and nothing else", () => {
        assert.deepEqual(["200Gi", "1Ti", "512Mi", "1048576Ki", "100G", "1.5Gi", "1.25Gi", "1073741824", 150].map(gibOf), [200, 1024, 0.5, 1, 100e9 / 2 ** 30, 1.5, 1.25, 1, 150]);
        assert.deepEqual(["", "200 Gi", "Gi", "200gi", "x200Gi", "200Gix", undefined, null, {}].map(gibOf), [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
    });

    it("prices gp3 by size, and by IOPS and throughput only above the 3,000 and 125 included", () => {
        const t = PRICE_TABLES["us-east-1"];
        assert.equal(gp3Hourly(t, 100), 8 / 730);
        assert.equal(gp3Hourly(t, 100, 3000, 125), 8 / 730);
        assert.equal(gp3Hourly(t, 100, 2000, 100), 8 / 730);
        // 100 GiB × 0.08 + 1,000 IOPS × 0.005 + 75 MiB/s × 0.04 = 8 + 5 + 3 = $16 a month.
        assert.equal(gp3Hourly(t, 100, 4000, 200), 16 / 730);
    });

    it("has no estimate for a region without a price table, and says which tables there are", () => {
        assert.equal(costEstimate([], "eu-west-1"), undefined);
        assert.deepEqual(costLines(undefined, "eu-west-1"), ["cost: no price table for eu-west-1 (plan/prices.ts has us-east-1, us-west-2): not estimated"]);
    });

    it("counts the control plane, NAT gateways, their addresses, load balancers, persistent volumes and KMS keys at the same figure idle and at the limits", () => {
        const estimate = costEstimate([
            r("aws:eks/cluster:Cluster", "eks"),
            r("aws:ec2/natGateway:NatGateway", "nat-1"), r("aws:ec2/natGateway:NatGateway", "nat-2"),
            r("aws:ec2/eip:Eip", "nat-1"), r("aws:ec2/eip:Eip", "nat-2"),
            r("kubernetes:core/v1:Service", "lb", { spec: { type: "LoadBalancer" } }),
            r("kubernetes:core/v1:Service", "internal", { spec: { type: "ClusterIP" } }),
            r(RAY_SERVICE, "exposed", { spec: { serveService: { spec: { type: "LoadBalancer" } } } }),
            r("kubernetes:networking.k8s.io/v1:Ingress", "dashboard", { spec: { ingressClassName: "alb" } }),
            r("kubernetes:networking.k8s.io/v1:Ingress", "nginx", { spec: { ingressClassName: "nginx" } }),
            r("kubernetes:core/v1:PersistentVolumeClaim", "data", { spec: { resources: { requests: { storage: "50Gi" } } } }),
            r("kubernetes:helm.sh/v3:Release", "kps", { values: { prometheus: { prometheusSpec: { storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "100Gi" } } } } } } } } }),
            r("aws:kms/key:Key", "key"),
        ], "us-east-1");
        assert.deepEqual(estimate!.items, [
            { item: "EKS control plane", detail: "1 × $0.10/hour (standard support)", idleHourly: 0.1, maxHourly: 0.1 },
            { item: "NAT gateways", detail: "2 × $0.045/hour", idleHourly: 0.09, maxHourly: 0.09 },
            { item: "public IPv4 addresses", detail: "2 × $0.005/hour", idleHourly: 0.01, maxHourly: 0.01 },
            { item: "load balancers", detail: "3 × $0.0225/hour", idleHourly: 0.0675, maxHourly: 0.0675 },
            // 150 GiB × $0.08 = $12 a month.
            { item: "persistent volumes", detail: "50 GiB + 100 GiB of gp3", idleHourly: 0.0164, maxHourly: 0.0164 },
            { item: "KMS keys", detail: "1 × $1.00/month", idleHourly: 0.0014, maxHourly: 0.0014 },
        ]);
        // 0.1 + 0.09 + 0.01 + 0.0675 + 12/730 + 1/730 = 0.2675 + 13/730 = 0.28530822 per hour.
        assert.deepEqual(estimate!.idle, { hourly: 0.2853, monthly: 208.275 });
        assert.deepEqual(estimate!.maximum, { hourly: 0.2853, monthly: 208.275 });
        assert.deepEqual(estimate!.leftOut, []);
    });

    it("counts a system node group from its minimum to its maximum size on its first instance type, its root volumes from the launch template of its owner", () => {
        const template = r("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: [{ ebs: { volumeSize: 150, volumeType: "gp3" } }] });
        const owner = r("eks:index:ManagedNodeGroup", "sys", {}, { dependencies: [template.urn] });
        const estimate = costEstimate([
            template, owner,
            r("aws:eks/nodeGroup:NodeGroup", "sys", { instanceTypes: ["m7i.2xlarge", "m6i.2xlarge"], capacityType: "ON_DEMAND", scalingConfig: { minSize: 3, maxSize: 6 } }, { parent: owner.urn }),
            r("aws:eks/nodeGroup:NodeGroup", "cheap", { instanceTypes: ["m6i.xlarge"], capacityType: "SPOT", diskSize: 50, scalingConfig: { minSize: 1, maxSize: 2 } }),
            r("aws:eks/nodeGroup:NodeGroup", "default", { scalingConfig: { minSize: 1, maxSize: 1 } }),
        ], "us-west-2");
        assert.deepEqual(item(estimate, "system nodes"), [
            { item: "system nodes", detail: "node group sys: 3 to 6 × m7i.2xlarge (on-demand, $0.4032/hour)", idleHourly: 1.2096, maxHourly: 2.4192 },
            // 0.192 × 0.4 = 0.0768 per node.
            { item: "system nodes", detail: "node group cheap: 1 to 2 × m6i.xlarge (spot, $0.0768/hour)", idleHourly: 0.0768, maxHourly: 0.1536 },
        ]);
        assert.deepEqual(item(estimate, "system node volumes"), [
            // 150 GiB × 0.08 = $12 a month a node: 3 × 12 / 730 and 6 × 12 / 730.
            { item: "system node volumes", detail: "node group sys: 3 to 6 root volumes ($0.0164/hour each)", idleHourly: 0.0493, maxHourly: 0.0986 },
            // diskSize 50 GiB: $4 a month a node.
            { item: "system node volumes", detail: "node group cheap: 1 to 2 root volumes ($0.0055/hour each)", idleHourly: 0.0055, maxHourly: 0.011 },
        ]);
        // A node group without instance types is EKS's t3.medium, which the table does not price.
        assert.deepEqual(estimate!.leftOut, ["node group default: no price for t3.medium"]);
    });

    it("counts a spot-first pool's idle nodes and every GPU of its limit on the dearest type per GPU, priced as spot, with their volumes", () => {
        const estimate = costEstimate([
            NODE_CLASS_GPU,
            nodePool("shared", "12", ["spot", "on-demand"]),
            rayService([group("g6e", "g6e.xlarge", 1, 1, 4, "shared"), group("g6", "g6.xlarge", 1, 2, 2, "shared")]),
        ], "us-west-2");
        // Idle: 1 × g6e.xlarge and 2 × g6.xlarge at 40%: 0.7444 + 2 × 0.32192, and 3 volumes.
        // At the limit: g6e.xlarge is the dearest per GPU (1.861 against 0.8048): 12 of them at 40%, and 12 volumes.
        assert.deepEqual(item(estimate, "GPU nodes"), [{
            item: "GPU nodes",
            detail: "NodePool shared (spot first, priced as spot; nodes with their volumes): idle 1 × g6e.xlarge + 2 × g6.xlarge; at its limit of 12 GPUs 12 × g6e.xlarge",
            idleHourly: Math.round((0.7444 + 2 * 0.32192 + 3 * GPU_VOLUME) * 1e4) / 1e4,
            maxHourly: Math.round(12 * (0.7444 + GPU_VOLUME) * 1e4) / 1e4,
        }]);
        assert.deepEqual([item(estimate, "GPU nodes")[0].idleHourly, item(estimate, "GPU nodes")[0].maxHourly], [1.4745, 9.278]);
    });

    it("prices an on-demand pool in full, fills its limit with whole nodes of the dearest type, and keeps no node idle at minReplicas 0", () => {
        const estimate = costEstimate([
            NODE_CLASS_GPU,
            nodePool("large", "10", ["on-demand"]),
            rayService([group("big", "g6e.12xlarge", 4, 0, 2, "large")]),
        ], "us-east-1");
        // 10 GPUs hold 2 whole 4-GPU nodes: 2 × (10.49264 + 21/730).
        assert.deepEqual(item(estimate, "GPU nodes"), [{
            item: "GPU nodes",
            detail: "NodePool large (on-demand; nodes with their volumes): no node when idle; at its limit of 10 GPUs 2 × g6e.12xlarge",
            idleHourly: 0,
            maxHourly: 21.0428,
        }]);
    });

    it("packs pods of fewer GPUs than the node has onto one node, counts a group that fits two pools in the first only, and leaves a pool without a limit unbounded", () => {
        const estimate = costEstimate([
            NODE_CLASS_GPU,
            nodePool("a", undefined, ["on-demand"]),
            nodePool("b", "8", ["on-demand"]),
            // Its nodeSelector names no pool: it may land in both.
            rayService([{ ...group("halves", "g6e.12xlarge", 2, 3, 4, "x"), template: { spec: { nodeSelector: { "node.kubernetes.io/instance-type": "g6e.12xlarge" }, tolerations: [{ operator: "Exists" }], containers: [{ name: "w", resources: { limits: { "nvidia.com/gpu": "2" } } }] } } }]),
        ], "us-east-1");
        const gpu = item(estimate, "GPU nodes");
        // 3 pods of 2 GPUs on 4-GPU nodes: 2 nodes.
        assert.deepEqual(gpu.map((g) => [g.detail, g.idleHourly, g.maxHourly]), [
            ["NodePool a (on-demand; nodes with their volumes): idle 2 × g6e.12xlarge; no GPU limit: unbounded", Math.round(2 * (10.49264 + GPU_VOLUME) * 1e4) / 1e4, null],
            ["NodePool b (on-demand; nodes with their volumes): no node when idle; no priced worker group lands in it", 0, 0],
        ]);
        assert.equal(estimate!.maximum, null);
        assert.match(costLines(estimate, "us-east-1")[0], /; at the limits unbounded \(a GPU NodePool has no limit\)$/);
    });

    it("leaves out, and says so, the GPU nodes of a stack whose RayServices run on another stack's NodePools", () => {
        const estimate = costEstimate([rayService([group("g6", "g6.xlarge", 1, 1, 3, "gpu")])], "us-west-2");
        assert.deepEqual(estimate!.items, []);
        assert.deepEqual(estimate!.leftOut, ["the RayServices' GPU nodes (an idle floor of 1 GPU, at most 3 GPUs): no GPU NodePool in this stack, so they are counted with the cluster's"]);
        assert.deepEqual([estimate!.idle, estimate!.maximum], [{ hourly: 0, monthly: 0 }, { hourly: 0, monthly: 0 }]);
    });

    it("lists what it cannot price (an instance type or Redis node type the table lacks, a group pinning no type) and leaves it out of the totals", () => {
        const estimate = costEstimate([
            NODE_CLASS_GPU,
            nodePool("p", "8", ["on-demand"]),
            rayService([group("h200", "p5e.48xlarge", 8, 1, 1, "p"), { ...group("any", "x", 1, 1, 1, "p"), template: { spec: { nodeSelector: { pool: "p" }, tolerations: [{ operator: "Exists" }], containers: [{ name: "w", resources: { limits: { "nvidia.com/gpu": "1" } } }] } } }]),
            r("aws:elasticache/replicationGroup:ReplicationGroup", "gcs", { nodeType: "cache.r5.large", numCacheClusters: 2 }),
            r("aws:elasticache/replicationGroup:ReplicationGroup", "gcs2", { nodeType: "cache.r7g.large", numCacheClusters: 3 }),
        ], "us-east-1");
        assert.deepEqual(estimate!.leftOut, ["llm/svc's h200: no price for p5e.48xlarge", "llm/svc's any: pins no instance type", "Redis gcs: no price for cache.r5.large"]);
        assert.deepEqual(item(estimate, "Redis"), [{ item: "Redis", detail: "gcs2: 3 × cache.r7g.large ($0.219/hour)", idleHourly: 0.657, maxHourly: 0.657 }]);
        assert.deepEqual(item(estimate, "GPU nodes").map((g) => [g.idleHourly, g.maxHourly]), [[0, 0]]);
        assert.equal(costLines(estimate, "us-east-1")[3], "  left out: llm/svc's h200: no price for p5e.48xlarge; llm/svc's any: pins no instance type; Redis gcs: no price for cache.r5.large");
    });

    it("prints the totals, one line per item (one figure when idle and limit agree), what it assumes and what it leaves out", () => {
        const estimate = costEstimate([
            r("aws:eks/cluster:Cluster", "eks"),
            NODE_CLASS_GPU,
            nodePool("gpu", "2", ["spot", "on-demand"]),
            rayService([group("g6", "g6.xlarge", 1, 0, 2, "gpu")]),
        ], "us-west-2");
        // At the limit: 2 × (0.8048 × 0.4 + 21/730) = 2 × 0.35068712 = 0.70137424; with the control plane 0.80137424.
        assert.deepEqual(costLines(estimate, "us-west-2"), [
            "cost (us-west-2 list prices of 2026-07-06, USD): idle floor $0.10/hour ($73.00/month); at the limits $0.8014/hour ($585.00/month)",
            "  EKS control plane: 1 × $0.10/hour (standard support): $0.10/hour",
            "  GPU nodes: NodePool gpu (spot first, priced as spot; nodes with their volumes): no node when idle; at its limit of 2 GPUs 2 × g6.xlarge: $0.00 to $0.7014/hour",
            "  assumed: spot capacity at 40% of the on-demand price (spot prices move by hour and zone, and a spot-first pool pays on-demand when spot has no capacity); 730 hours a month; "
                + "Prometheus and Alertmanager at one replica; each GPU worker pod on a node of its own instance type",
            "  not counted: data processed by NAT gateways and load balancers (per GB) and load balancer capacity units; data transfer; CloudWatch logs and metrics; EBS snapshots, S3 and ECR",
        ]);
    });

    describe("edges", () => {
        it("prices IOPS above 3,000 from a node class's volumes, skips a mapping without a size, and reads a node class whose spec is null as no volume", () => {
            const fast = r(NODE_CLASS, "fast", { metadata: { name: "fast" }, spec: { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "100Gi", iops: 6000 } }, { deviceName: "/dev/xvdb", ebs: {} }, "junk"] } });
            const empty = r(NODE_CLASS, "empty", { metadata: { name: "empty" }, spec: null });
            const estimate = costEstimate([
                fast, empty,
                nodePool("a", "1", ["on-demand"], "fast"),
                nodePool("b", "1", ["on-demand"], "empty"),
                rayService([group("ga", "g6.xlarge", 1, 1, 1, "a"), group("gb", "g6.xlarge", 1, 1, 1, "b")]),
            ], "us-east-1");
            // a: 0.8048 + (100 × 0.08 + 3,000 × 0.005) / 730 = 0.8048 + 23/730; b: 0.8048 and no volume.
            assert.deepEqual(item(estimate, "GPU nodes").map((g) => g.idleHourly), [Math.round((0.8048 + 23 / 730) * 1e4) / 1e4, 0.8048]);
        });

        it("prices a pool without a capacity-type requirement, or whose EC2NodeClass is in another stack, on-demand and without volumes", () => {
            const estimate = costEstimate([
                nodePool("elsewhere", "2", undefined, "shared-class"),
                rayService([group("g", "g6e.xlarge", 1, 2, 2, "elsewhere")]),
            ], "us-east-1");
            assert.deepEqual(item(estimate, "GPU nodes"), [{
                item: "GPU nodes",
                detail: "NodePool elsewhere (on-demand; nodes with their volumes): idle 2 × g6e.xlarge; at its limit of 2 GPUs 2 × g6e.xlarge",
                idleHourly: 3.722,
                maxHourly: 3.722,
            }]);
        });

        it("looks each pool's own NodePool and node class up by name, whatever else shares the names", () => {
            // A NodePool named like the node class, listed first; the pools in reverse order of their capacity types.
            const estimate = costEstimate([
                nodePool("gpu", "1", ["spot"]),
                NODE_CLASS_GPU,
                nodePool("od", "1", ["on-demand"]),
                rayService([group("s", "g6.xlarge", 1, 1, 1, "gpu"), group("o", "g6.xlarge", 1, 1, 1, "od")]),
            ], "us-east-1");
            // gpu: 0.8048 × 0.4 + 21/730; od: 0.8048 + 21/730.
            assert.deepEqual(item(estimate, "GPU nodes").map((g) => [g.detail.split(" (")[0], g.idleHourly]), [
                ["NodePool gpu", Math.round((0.32192 + GPU_VOLUME) * 1e4) / 1e4],
                ["NodePool od", Math.round((0.8048 + GPU_VOLUME) * 1e4) / 1e4],
            ]);
        });

        it("fills a limit with the dearest type per GPU, not per node: g6e.xlarge ($1.861 a GPU) before g6.12xlarge ($1.1504 a GPU)", () => {
            const estimate = costEstimate([
                nodePool("mix", "8", ["on-demand"], "none"),
                rayService([group("four", "g6.12xlarge", 4, 0, 1, "mix"), group("cheap", "g6.xlarge", 1, 0, 1, "mix"), group("one", "g6e.xlarge", 1, 0, 1, "mix")]),
            ], "us-east-1");
            assert.deepEqual(item(estimate, "GPU nodes").map((g) => [g.detail.split("; ").pop(), g.maxHourly]), [["at its limit of 8 GPUs 8 × g6e.xlarge", 14.888]]);
        });

        it("counts a node per pod for a group pinned to an instance type outside the GPU catalogue", () => {
            const estimate = costEstimate([
                nodePool("cpu", "4", ["on-demand"], "none"),
                rayService([group("odd", "m7i.xlarge", 1, 3, 4, "cpu")]),
            ], "us-east-1");
            // 3 pods, 3 × 0.2016; the limit of 4 GPUs at one GPU a node of it (its pods' GPUs): 4 × 0.2016.
            assert.deepEqual(item(estimate, "GPU nodes").map((g) => [g.idleHourly, g.maxHourly]), [[0.6048, 0.8064]]);
        });

        it("finds a system node group's launch template among its dependencies only, takes EKS's t3.medium for empty instanceTypes, and 20 GiB without a template or diskSize", () => {
            const role = r("aws:iam/role:Role", "role");
            const template = r("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: [{ ebs: { volumeSize: 150 } }] });
            const other = r("aws:ec2/launchTemplate:LaunchTemplate", "other", { blockDeviceMappings: [{ ebs: { volumeSize: 1000 } }] });
            const estimate = costEstimate([
                role, other, template,
                r("aws:eks/nodeGroup:NodeGroup", "own", { instanceTypes: ["m7i.xlarge"], scalingConfig: { minSize: 1, maxSize: 1 } }, { dependencies: [role.urn, template.urn] }),
                r("aws:eks/nodeGroup:NodeGroup", "plain", { instanceTypes: ["m7i.xlarge"], scalingConfig: { minSize: 1, maxSize: 1 } }),
                r("aws:eks/nodeGroup:NodeGroup", "empty", { instanceTypes: [], scalingConfig: { minSize: 1, maxSize: 1 } }),
            ], "us-east-1");
            // 150 GiB: 12/730; 20 GiB: 1.6/730.
            assert.deepEqual(item(estimate, "system node volumes").map((i) => i.idleHourly), [0.0164, 0.0022]);
            assert.deepEqual(estimate!.leftOut, ["node group empty: no price for t3.medium"]);
            // 2 × 0.2016 + 13.6/730 = 0.42183014.
            assert.deepEqual(estimate!.idle, { hourly: 0.4218, monthly: 307.936 });
        });

        it("counts Services of type LoadBalancer, RayServices' serve Services of that type and ALB Ingresses, and nothing else", () => {
            const estimate = costEstimate([
                r("kubernetes:core/v1:Service", "lb", { spec: { type: "LoadBalancer" } }),
                r("kubernetes:core/v1:Service", "a", { spec: { type: "ClusterIP" } }),
                r("kubernetes:core/v1:Service", "b", { spec: { type: "NodePort" } }),
                r(RAY_SERVICE, "internal", { spec: { serveService: { spec: { type: "ClusterIP" } } } }),
                r("kubernetes:networking.k8s.io/v1:Ingress", "nginx", { spec: { ingressClassName: "nginx" } }),
                r("kubernetes:networking.k8s.io/v1:Ingress", "traefik", { spec: { ingressClassName: "traefik" } }),
                r("kubernetes:example.com/v1:Balancer", "other", { spec: { type: "LoadBalancer", serveService: { spec: { type: "LoadBalancer" } }, ingressClassName: "alb" } }),
            ], "us-east-1");
            assert.deepEqual(item(estimate, "load balancers"), [{ item: "load balancers", detail: "1 × $0.0225/hour", idleHourly: 0.0225, maxHourly: 0.0225 }]);
        });

        it("finds volume claim templates anywhere in a Helm release's values (in lists too), PVCs with a size, and nothing in other resources", () => {
            const claim = (size: string) => ({ spec: { resources: { requests: { storage: size } } } });
            const estimate = costEstimate([
                r("kubernetes:helm.sh/v4:Chart", "chart", { values: { name: "x", replicas: 2, nothing: null, list: [{ volumeClaimTemplate: claim("10Gi") }, "text"], persistence: claim("999Gi") } }),
                r("kubernetes:core/v1:PersistentVolumeClaim", "sized", claim("5Gi")),
                r("kubernetes:core/v1:PersistentVolumeClaim", "unsized", { spec: {} }),
                r("kubernetes:example.com/v1:Thing", "thing", { values: { volumeClaimTemplate: claim("777Gi") } }),
            ], "us-east-1");
            // 15 GiB × 0.08 = $1.20 a month.
            assert.deepEqual(item(estimate, "persistent volumes"), [{ item: "persistent volumes", detail: "10 GiB + 5 GiB of gp3", idleHourly: 0.0016, maxHourly: 0.0016 }]);
        });

        it("prints hourly figures of a dollar and more to the cent, and an unbounded pool's line", () => {
            const estimate = costEstimate([
                r("aws:eks/nodeGroup:NodeGroup", "sys", { instanceTypes: ["m7i.2xlarge"], diskSize: 0, scalingConfig: { minSize: 3, maxSize: 3 } }),
                nodePool("open", undefined, ["on-demand"], "none"),
                rayService([group("g", "g6.xlarge", 1, 0, 1, "open")]),
            ], "us-east-1");
            assert.deepEqual(costLines(estimate, "us-east-1").slice(0, 5), [
                "cost (us-east-1 list prices of 2026-07-06, USD): idle floor $1.21/hour ($883.01/month); at the limits unbounded (a GPU NodePool has no limit)",
                "  system nodes: node group sys: 3 to 3 × m7i.2xlarge (on-demand, $0.4032/hour): $1.21/hour",
                "  system node volumes: node group sys: 3 to 3 root volumes ($0.00/hour each): $0.00/hour",
                "  GPU nodes: NodePool open (on-demand; nodes with their volumes): no node when idle; no GPU limit: unbounded: $0.00 to unbounded/hour",
                "  assumed: spot capacity at 40% of the on-demand price (spot prices move by hour and zone, and a spot-first pool pays on-demand when spot has no capacity); 730 hours a month; "
                    + "Prometheus and Alertmanager at one replica; each GPU worker pod on a node of its own instance type",
            ]);
        });
    });
});
