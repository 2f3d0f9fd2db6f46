import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { componentUrn, descendantsOf, resource, settle, valueOf, rejection as refusal } from "./support/mocks";

import {
    familyOfInstanceType,
    GPU_INSTANCE_FAMILIES,
    GpuNodePool,
    GpuNodePoolArgs,
    gpusOfInstanceType,
    instanceTypesOf,
} from "../components/gpu-nodepool";

const TYPE = "ray-vllm-eks:index:GpuNodePool";
const provider = new k8s.Provider("gpu-test-k8s", { kubeconfig: "{}" });
const BASE = { clusterName: "llm-test", nodeRoleName: "llm-karpenter-node" };

describe("GpuNodePool", () => {
    let pool: GpuNodePool;

    before(async () => {
        pool = new GpuNodePool("gp1", {
            ...BASE,
            tags: { team: "ml" },
            pools: [
                { name: "spot", gpuLimit: 8, capacityTypes: ["spot"], weight: 50, labels: { tier: "batch" } },
                { name: "od", gpuLimit: 4, capacityTypes: ["on-demand"], weight: 10, instanceTypes: ["g6e.12xlarge"], minGpusPerNode: 4, maxGpusPerNode: 4, cpuLimit: "96", memoryLimit: "768Gi", consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "30m", expireAfter: "Never", disruptionBudgets: [{ nodes: "0", schedule: "0 9 * * mon-fri", duration: "8h" }, { nodes: "20%" }] },
            ],
        }, { provider });
        await valueOf(pool.nodePoolNames);
        await settle();
    });

    it("registers an EC2NodeClass, one NodePool per pool and the device plugin", () => {
        assert.deepEqual(descendantsOf(componentUrn(TYPE, "gp1")).map((r) => `${r.type} ${r.name}`), [
            "kubernetes:helm.sh/v3:Release gp1-device-plugin",
            "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass gp1-nodeclass",
            "kubernetes:karpenter.sh/v1:NodePool gp1-od",
            "kubernetes:karpenter.sh/v1:NodePool gp1-spot",
        ]);
        for (const r of descendantsOf(componentUrn(TYPE, "gp1"))) {
            assert.ok(r.provider?.startsWith("urn:pulumi:test::ray-vllm-eks::pulumi:providers:kubernetes::gpu-test-k8s::"), `${r.name} uses the explicit provider`);
        }
    });

    it("renders the EC2NodeClass: pinned AMI, discovery selectors, encrypted gp3, IMDSv2 with hop limit 1", () => {
        assert.deepEqual(resource("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "gp1-nodeclass").inputs, {
            apiVersion: "karpenter.k8s.aws/v1",
            kind: "EC2NodeClass",
            metadata: { name: "gp1" },
            spec: {
                amiSelectorTerms: [{ alias: "al2023@v20260714" }],
                blockDeviceMappings: [{
                    deviceName: "/dev/xvda",
                    ebs: { deleteOnTermination: true, encrypted: true, iops: 3000, throughput: 250, volumeSize: "200Gi", volumeType: "gp3" },
                    rootVolume: true,
                }],
                metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
                role: "llm-karpenter-node",
                securityGroupSelectorTerms: [{ tags: { "karpenter.sh/discovery": "llm-test" } }],
                subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "llm-test" } }],
                tags: { team: "ml" },
            },
        });
    });

    it("renders each NodePool with the GPU taint, its GPU limit, the workload labels and its requirements", () => {
        const spot = resource("kubernetes:karpenter.sh/v1:NodePool", "gp1-spot");
        assert.deepEqual(spot.inputs, {
            apiVersion: "karpenter.sh/v1",
            kind: "NodePool",
            metadata: { name: "gp1-spot" },
            spec: {
                disruption: { budgets: [{ nodes: "1" }], consolidateAfter: "10m", consolidationPolicy: "WhenEmpty" },
                limits: { "nvidia.com/gpu": "8" },
                template: {
                    metadata: { labels: { "nvidia.com/gpu.present": "true", "ray-vllm-eks/gpu-pool": "spot", "ray-vllm-eks/node-pool": "gpu", "tier": "batch" } },
                    spec: {
                        expireAfter: "720h",
                        nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "gp1" },
                        requirements: [
                            { key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6", "g6e", "g5"] },
                            { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] },
                            { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
                            { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                            { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["0"] },
                            { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Lt", values: ["9"] },
                        ],
                        taints: [{ effect: "NoSchedule", key: "nvidia.com/gpu", value: "true" }],
                        terminationGracePeriod: "1h",
                    },
                },
                weight: 50,
            },
        });
        assert.ok(spot.dependencies.includes(resource("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "gp1-nodeclass").urn));
        const od = resource("kubernetes:karpenter.sh/v1:NodePool", "gp1-od").inputs.spec as any;
        assert.deepEqual(od.limits, { "cpu": "96", "memory": "768Gi", "nvidia.com/gpu": "4" });
        assert.deepEqual(od.disruption, {
            budgets: [{ duration: "8h", nodes: "0", schedule: "0 9 * * mon-fri" }, { nodes: "20%" }],
            consolidateAfter: "30m",
            consolidationPolicy: "WhenEmptyOrUnderutilized",
        });
        assert.equal(od.template.spec.expireAfter, "Never");
        assert.deepEqual(od.template.spec.requirements.slice(0, 2), [
            { key: "node.kubernetes.io/instance-type", operator: "In", values: ["g6e.12xlarge"] },
            { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
        ]);
        assert.deepEqual(od.template.spec.requirements.slice(4), [
            { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Gt", values: ["3"] },
            { key: "karpenter.k8s.aws/instance-gpu-count", operator: "Lt", values: ["5"] },
        ]);
        assert.equal(od.weight, 10);
    });

    it("installs the pinned NVIDIA device plugin on GPU nodes only, tolerating their taint", () => {
        assert.deepEqual(resource("kubernetes:helm.sh/v3:Release", "gp1-device-plugin").inputs, {
            chart: "nvidia-device-plugin",
            compat: "true",
            name: "nvidia-device-plugin",
            namespace: "kube-system",
            repositoryOpts: { repo: "https://nvidia.github.io/k8s-device-plugin" },
            values: {
                gfd: { enabled: false },
                priorityClassName: "system-node-critical",
                tolerations: [{ effect: "NoSchedule", key: "nvidia.com/gpu", operator: "Exists" }, { key: "CriticalAddonsOnly", operator: "Exists" }],
            },
            version: "0.20.0",
        });
    });

    it("exposes names, the total GPU budget and the node labels", async () => {
        assert.equal(await valueOf(pool.nodeClassName), "gp1");
        assert.deepEqual(await valueOf(pool.nodePoolNames), ["gp1-spot", "gp1-od"]);
        assert.equal(await valueOf(pool.totalGpuLimit), 12);
        assert.deepEqual(await valueOf(pool.nodeLabels), { "nvidia.com/gpu.present": "true", "ray-vllm-eks/node-pool": "gpu" });
    });

    it("on Bottlerocket sizes the data volume and skips the device plugin the AMI already ships", async () => {
        const p = new GpuNodePool("gp2", { ...BASE, amiAlias: "bottlerocket@v1.40.0", instanceStoreRaid0: true, volumeSizeGiB: 500, pools: [{ name: "gpu", gpuLimit: 2 }] }, { provider });
        await valueOf(p.nodePoolNames);
        await settle();
        assert.deepEqual(descendantsOf(componentUrn(TYPE, "gp2")).map((r) => r.name), ["gp2-nodeclass", "gp2-gpu"]);
        const spec = resource("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "gp2-nodeclass").inputs.spec as any;
        assert.deepEqual(spec.blockDeviceMappings, [
            { deviceName: "/dev/xvda", ebs: { deleteOnTermination: true, encrypted: true, volumeSize: "4Gi", volumeType: "gp3" } },
            { deviceName: "/dev/xvdb", ebs: { deleteOnTermination: true, encrypted: true, iops: 3000, throughput: 250, volumeSize: "500Gi", volumeType: "gp3" } },
        ]);
        assert.equal(spec.instanceStorePolicy, "RAID0");
    });
});

describe("the GPU instance catalogue", () => {
    it("knows GPUs per size and memory per GPU", () => {
        assert.equal(gpusOfInstanceType("g6e.12xlarge"), 4);
        assert.equal(gpusOfInstanceType("p5.48xlarge"), 8);
        assert.equal(gpusOfInstanceType("g6.xlarge"), 1);
        assert.equal(gpusOfInstanceType("g6.3xlarge"), undefined);
        assert.equal(familyOfInstanceType("m7i.xlarge"), undefined);
        assert.equal(GPU_INSTANCE_FAMILIES.g6e.gpuMemoryMiB, 45776);
        assert.deepEqual(instanceTypesOf(["p4d", "p5"]), ["p4d.24xlarge", "p5.4xlarge", "p5.48xlarge"]);
        for (const f of ["g5", "g6", "g6e", "p4d", "p5"]) {
            assert.ok(f in GPU_INSTANCE_FAMILIES, `${f} is in the catalogue`);
        }
    });
});

function rejection(name: string, args: GpuNodePoolArgs, opts: pulumi.ComponentResourceOptions = { provider }): Promise<string> {
    return refusal(TYPE, name, () => new GpuNodePool(name, args, opts));
}

const pool = (extra: object) => ({ ...BASE, pools: [{ name: "gpu", gpuLimit: 8, ...extra }] }) as GpuNodePoolArgs;

const cases: { title: string; args: GpuNodePoolArgs; message: string }[] = [
    { title: "a missing GPU limit", args: { ...BASE, pools: [{ name: "gpu" } as any] }, message: "pools[0].gpuLimit is missing: set the most GPUs this pool may hold (its budget), such as 8." },
    { title: "a zero GPU limit", args: pool({ gpuLimit: 0 }), message: "pools[0].gpuLimit 0 must be a whole number of GPUs of at least 1: it is the pool's budget (the most GPUs its nodes may hold)." },
    { title: "a negative GPU limit", args: pool({ gpuLimit: -4 }), message: "pools[0].gpuLimit -4 must be a whole number of GPUs of at least 1: it is the pool's budget (the most GPUs its nodes may hold)." },
    { title: "an unknown instance family", args: pool({ instanceFamilies: ["g6", "m5"] }), message: `pools[0].instanceFamilies ["m5"] is not a GPU instance family this package knows: use g5, g6, g6e, p4d, p4de, p5, p5e, p5en.` },
    { title: "an unknown instance type", args: pool({ instanceTypes: ["g6.3xlarge"] }), message: `pools[0].instanceTypes ["g6.3xlarge"] is not a GPU instance type this package knows: use a size of g5, g6, g6e, p4d, p4de, p5, p5e, p5en, such as "g6e.12xlarge".` },
    { title: "empty capacity types", args: pool({ capacityTypes: [] }), message: `pools[0].capacityTypes is empty: list "spot", "on-demand" or both (["spot", "on-demand"] prefers spot and falls back to on-demand).` },
    { title: "an unknown capacity type", args: pool({ capacityTypes: ["preemptible"] }), message: `pools[0].capacityTypes ["preemptible"] is not a capacity type this component supports: use "spot" or "on-demand".` },
    { title: "reserved capacity (no reservation selectors are rendered)", args: pool({ capacityTypes: ["reserved"] }), message: `pools[0].capacityTypes ["reserved"] is not a capacity type this component supports: use "spot" or "on-demand".` },
    { title: "gp3 throughput above its IOPS allow", args: { ...pool({}), volumeThroughput: 1000 }, message: "volumeThroughput 1000 MiB/s needs at least 4000 IOPS (gp3 allows 0.25 MiB/s per IOPS), but volumeIops is 3000: raise volumeIops or lower volumeThroughput, or EC2 refuses to launch the nodes." },
    { title: "an unpinned device plugin", args: { ...pool({}), devicePluginVersion: "0.x" }, message: `devicePluginVersion "0.x" is not an exact chart version: pin one such as "0.20.0".` },
    { title: "a malformed consolidateAfter", args: pool({ consolidateAfter: "5 minutes" }), message: `pools[0].consolidateAfter "5 minutes" is not a duration: write hours, minutes and seconds such as "10m", "1h30m" or "720h", or "Never" (no days, no spaces).` },
    { title: "a malformed expireAfter", args: pool({ expireAfter: "30d" }), message: `pools[0].expireAfter "30d" is not a duration: write hours, minutes and seconds such as "10m", "1h30m" or "720h", or "Never" (no days, no spaces).` },
    { title: "terminationGracePeriod Never", args: pool({ terminationGracePeriod: "Never" }), message: `pools[0].terminationGracePeriod "Never" is not a duration: write hours, minutes and seconds such as "10m", "1h30m" or "720h" (no days, no spaces).` },
    { title: "min GPUs per node > max", args: pool({ minGpusPerNode: 8, maxGpusPerNode: 4 }), message: "pools[0].minGpusPerNode (8) is greater than pools[0].maxGpusPerNode (4): set minGpusPerNode to at most maxGpusPerNode." },
    { title: "a GPU range no instance has", args: pool({ instanceFamilies: ["g5"], minGpusPerNode: 2, maxGpusPerNode: 3 }), message: `pools[0]: no instance type of ["g5"] has 2 to 3 GPUs: widen minGpusPerNode/maxGpusPerNode or choose other instance types.` },
    { title: "a GPU limit below one node", args: pool({ gpuLimit: 4, minGpusPerNode: 8 }), message: "pools[0].gpuLimit (4) is less than pools[0].minGpusPerNode (8): no node would fit the budget; raise gpuLimit or lower minGpusPerNode." },
    { title: "a weight out of range", args: pool({ weight: 0 }), message: "pools[0].weight 0 is out of range: use a whole number from 1 to 100 (higher pools are tried first)." },
    { title: "an unknown consolidation policy", args: pool({ consolidationPolicy: "Always" }), message: `pools[0].consolidationPolicy "Always" is not a consolidation policy: use "WhenEmpty" (never moves running replicas) or "WhenEmptyOrUnderutilized".` },
    { title: "a budget schedule without duration", args: pool({ disruptionBudgets: [{ nodes: "1", schedule: "@daily" }] }), message: "pools[0].disruptionBudgets[0] sets schedule without duration: set both (a cron schedule and how long the budget lasts), or neither." },
    { title: "a budget that is not a count", args: pool({ disruptionBudgets: [{ nodes: "one" }] }), message: `pools[0].disruptionBudgets[0].nodes "one" is not a node count or percentage: use a whole number such as "1" or a percentage such as "10%".` },
    { title: "an unpinned AMI", args: { ...pool({}), amiAlias: "al2023@latest" }, message: `amiAlias "al2023@latest" is not pinned: "@latest" replaces every GPU node whenever AWS publishes an AMI; pin a release such as "al2023@v20260714".` },
    { title: "an unknown AMI family", args: { ...pool({}), amiAlias: "ubuntu@v22" }, message: `amiAlias "ubuntu@v22" is not an AMI alias for GPU nodes: use "al2023@v<release>" (such as "al2023@v20260714") or "bottlerocket@v<release>".` },
    { title: "a reserved tag", args: { ...pool({}), tags: { "karpenter.sh/nodepool": "x" } }, message: `tags ["karpenter.sh/nodepool"] uses keys Karpenter sets itself: remove them (eks:eks-cluster-name, karpenter.sh/nodepool, karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass and kubernetes.io/cluster/* are reserved).` },
    { title: "no pools", args: { ...BASE, pools: [] }, message: `pools is empty: give at least one pool, such as [{ name: "gpu", gpuLimit: 8 }].` },
    { title: "a small root volume", args: { ...pool({}), volumeSizeGiB: 20 }, message: "volumeSizeGiB 20 is out of range: use a whole number from 50 to 16384 (inference images and model caches need room)." },
];

describe("GpuNodePool input validation", () => {
    cases.forEach((c, i) => {
        it(`refuses ${c.title} before registering any child`, async () => {
            assert.equal(await rejection(`gpbad-${i}`, c.args), `GpuNodePool: ${c.message}`);
        });
    });

    it("refuses duplicate pool names", async () => {
        const message = await rejection("gpbad-dup", { ...BASE, pools: [{ name: "gpu", gpuLimit: 1 }, { name: "gpu", gpuLimit: 1 }] });
        assert.equal(message, [
            "GpuNodePool: 2 invalid arguments:",
            `  - pools[0].name "gpu" is used by more than one pool: give each pool its own name.`,
            `  - pools[1].name "gpu" is used by more than one pool: give each pool its own name.`,
        ].join("\n"));
    });

    it("refuses to run without an explicit Kubernetes provider", async () => {
        assert.equal(
            await rejection("gpbad-provider", pool({}), {}),
            "GpuNodePool: provider is missing: pass { provider } (a k8s.Provider built from LlmCluster's kubeconfig) in the resource options of GpuNodePool, so it never deploys to the cluster your ambient kubeconfig points at.",
        );
    });
});
