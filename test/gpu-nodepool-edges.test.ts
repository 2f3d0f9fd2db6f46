import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";

import { rejection } from "./support/mocks";
import { withArmFamily } from "./support/gpu-catalog";

import { GpuNodePool, GpuNodePoolArgs, gpuNodePoolDefaults, nodePoolSpec, ResolvedGpuPoolArgs } from "../components/gpu-nodepool";

const TYPE = "ray-vllm-eks:index:GpuNodePool";
const provider = new k8s.Provider("gpuedge-k8s", { kubeconfig: "{}" });

/** A pool with every default filled in, as the component hands it to nodePoolSpec. */
const POOL = { ...gpuNodePoolDefaults.pool, name: "gpu", gpuLimit: 8 } as ResolvedGpuPoolArgs;

/** How an Output ends: its value, or the message of the error it fails with. */
function outcomeOf(output: unknown): Promise<{ value: unknown } | { error: string }> {
    return (output as { promise(): Promise<unknown> }).promise().then((value) => ({ value }), (error: unknown) => ({ error: String(error) }));
}

/** The values of the NodePool's `kubernetes.io/arch` requirement for a pool. */
function archOf(pool: ResolvedGpuPoolArgs): Promise<{ value: unknown } | { error: string }> {
    const spec = nodePoolSpec("gpuedge", pool) as any;
    const requirement = spec.template.spec.requirements.find((r: { key: string }) => r.key === "kubernetes.io/arch");
    assert.equal(requirement.operator, "In");
    return outcomeOf(requirement.values);
}

describe("nodePoolSpec edges", () => {
    it("requires amd64 for an instance family outside the catalogue", async () => {
        assert.deepEqual(await archOf({ ...POOL, instanceFamilies: ["m5"] }), { value: ["amd64"] });
    });

    it("requires amd64 for instance types whose family is outside the catalogue", async () => {
        assert.deepEqual(await archOf({ ...POOL, instanceTypes: ["m5.xlarge", "c7i.2xlarge"] }), { value: ["amd64"] });
    });

    it("requires the architecture of the catalogue's family, by instance family or by the family before the dot of an instance type", async () => {
        await withArmFamily(async () => {
            assert.deepEqual(await archOf({ ...POOL, instanceFamilies: ["g5g"] }), { value: ["arm64"] });
            assert.deepEqual(await archOf({ ...POOL, instanceTypes: ["g5g.2xlarge", "g5g.xlarge"] }), { value: ["arm64"] });
        });
    });

    it("lists each architecture once, sorted, when the pool mixes families", async () => {
        await withArmFamily(async () => {
            assert.deepEqual(await archOf({ ...POOL, instanceTypes: ["g5g.2xlarge", "g6e.12xlarge", "g5g.xlarge", "g6.xlarge"] }), { value: ["amd64", "arm64"] });
            assert.deepEqual(await archOf({ ...POOL, instanceFamilies: ["g5g", "g6", "g5"] }), { value: ["amd64", "arm64"] });
        });
    });

    it("limits GPUs only when neither cpuLimit nor memoryLimit is set: the limits have no cpu or memory key", async () => {
        const limits = (nodePoolSpec("gpuedge", POOL) as any).limits;
        assert.deepStrictEqual(Object.keys(limits), ["nvidia.com/gpu"]);
        assert.deepEqual(await outcomeOf(limits["nvidia.com/gpu"]), { value: "8" });
    });

    it("adds the cpu and memory limits as given", () => {
        const limits = (nodePoolSpec("gpuedge", { ...POOL, cpuLimit: "96", memoryLimit: "768Gi" }) as any).limits;
        assert.deepStrictEqual(Object.keys(limits).sort(), ["cpu", "memory", "nvidia.com/gpu"]);
        assert.equal(limits.cpu, "96");
        assert.equal(limits.memory, "768Gi");
    });
});

describe("GpuNodePool edges", () => {
    it("without pools, refuses with the one problem: pools is empty", async () => {
        assert.equal(
            await rejection(TYPE, "gpuedge-nopools", () => new GpuNodePool("gpuedge-nopools", { clusterName: "llm-test", nodeRoleName: "llm-karpenter-node" } as GpuNodePoolArgs, { provider })),
            `GpuNodePool: pools is empty: give at least one pool, such as [{ name: "gpu", gpuLimit: 8 }].`,
        );
    });

    it("without any arguments, refuses with a ResourceError listing what is missing", async () => {
        assert.equal(
            await rejection(TYPE, "gpuedge-noargs", () => new GpuNodePool("gpuedge-noargs", undefined as unknown as GpuNodePoolArgs, { provider })),
            [
                "GpuNodePool: 3 invalid arguments:",
                "  - clusterName is missing: pass LlmCluster's clusterName, whose discovery tag selects the subnets and security group.",
                "  - nodeRoleName is missing: pass LlmCluster's nodeRoleName, the role Karpenter's nodes run as.",
                `  - pools is empty: give at least one pool, such as [{ name: "gpu", gpuLimit: 8 }].`,
            ].join("\n"),
        );
    });
});
