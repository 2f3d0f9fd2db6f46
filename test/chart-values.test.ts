import * as assert from "node:assert/strict";

import { chartDefaults, findChartsDir, unknownValueKeys } from "./support/charts";

import { karpenterHelmValues } from "../components/cluster";

describe("Helm values the components set exist in the upstream charts' defaults", function () {
    let chartsDir: string;

    before(function () {
        const dir = findChartsDir();
        if (!dir) {
            console.log("    skipped: ../shared/charts not found (set RAY_VLLM_EKS_SHARED to the folder holding charts/)");
            this.skip();
        }
        chartsDir = dir!;
    });

    it("finds a misplaced key (the check itself)", () => {
        const defaults = { settings: { clusterName: "" }, controller: { resources: {} }, tolerations: [] };
        assert.deepEqual(
            unknownValueKeys({ settings: { clustername: "x" }, controller: { resources: { limits: { memory: "1Gi" } } }, tolerations: [{ key: "a" }], clusterName: "y" }, defaults),
            ["settings.clustername", "clusterName"],
        );
    });

    it("karpenter", () => {
        const values = karpenterHelmValues({ clusterName: "llm", interruptionQueueName: "llm", controllerCpu: "1", controllerMemory: "1Gi" });
        const defaults = chartDefaults(chartsDir, "karpenter");
        assert.deepEqual(unknownValueKeys(values, defaults), []);
        // The two settings the controller cannot run without are really where the chart reads them.
        assert.equal((defaults.settings as Record<string, unknown>).clusterName, "");
        assert.equal((defaults.settings as Record<string, unknown>).interruptionQueue, "");
    });
});
