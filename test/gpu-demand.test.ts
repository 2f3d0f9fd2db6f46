import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";

import { clustersDuringUpgrade, DEFAULT_UPGRADE_STRATEGY, gpuDemand, NO_GPU_DEMAND, sumGpuDemand } from "../components/common/gpu-demand";
import * as pkg from "../index";
import { readSource, SOURCE_ROOT } from "./support/source";

describe("GPU demand (components/common/gpu-demand.ts)", () => {
    const groups = [
        { gpusPerPod: 4, minReplicas: 1, maxReplicas: 3 },
        { gpusPerPod: 1, minReplicas: 0, maxReplicas: 2 },
    ];

    it("holds every group at maxReplicas, at minReplicas with no traffic, and twice maxGpus during a NewCluster upgrade", () => {
        assert.deepEqual(gpuDemand(groups, "NewCluster"), { maxGpus: 14, idleGpus: 4, upgradeGpus: 28 });
        assert.deepEqual(gpuDemand(groups, "None"), { maxGpus: 14, idleGpus: 4, upgradeGpus: 14 });
        assert.deepEqual(gpuDemand(groups, undefined), { maxGpus: 14, idleGpus: 4, upgradeGpus: 28 }, "unset: KubeRay's default");
        assert.deepEqual(gpuDemand([], "NewCluster"), NO_GPU_DEMAND);
        assert.equal(DEFAULT_UPGRADE_STRATEGY, "NewCluster");
        assert.deepEqual([clustersDuringUpgrade("NewCluster"), clustersDuringUpgrade(undefined), clustersDuringUpgrade("None")], [2, 2, 1]);
    });

    it("sums demands", () => {
        assert.deepEqual(sumGpuDemand([gpuDemand(groups, "NewCluster"), gpuDemand(groups, "None")]), { maxGpus: 28, idleGpus: 8, upgradeGpus: 42 });
        assert.deepEqual(sumGpuDemand([]), { maxGpus: 0, idleGpus: 0, upgradeGpus: 0 });
    });

    it("is the package's one GPU-demand computation: the component, the policy pack (its copy) and the plan call it, and nothing else doubles for NewCluster", () => {
        assert.equal(pkg.gpuDemand, gpuDemand);
        const read = readSource;
        assert.match(read("components/vllm-service/index.ts"), /const demand = gpuDemand\(workerGroups\(models\)/);
        // The pack is published on its own, so it holds a copy (test/policy-shared.test.ts proves it equal).
        assert.match(read("policy/gpu.ts"), /from "\.\/gpu-demand"/);
        assert.match(read("plan/budget.ts"), /gpuBudgetOf\(/);
        const sources = ["components", "policy", "scripts"].flatMap((dir) => fs.readdirSync(path.join(SOURCE_ROOT, dir), { recursive: true, encoding: "utf8" })
            .filter((f) => f.endsWith(".ts")).map((f) => path.join(dir, f)));
        assert.deepEqual(sources.filter((f) => /"NewCluster" \? 2/.test(read(f))), [path.join("components", "common", "gpu-demand.ts"), path.join("policy", "gpu-demand.ts")]);
    });
});
