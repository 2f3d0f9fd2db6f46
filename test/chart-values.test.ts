import * as assert from "node:assert/strict";

import { chartDefaults, chartVersion, findChartsDir, unknownValueKeys } from "./support/charts";

import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { karpenterHelmValues } from "../components/cluster";
import { DEVICE_PLUGIN_VERSION, devicePluginValues, GPU_NODE_LABELS } from "../components/gpu-nodepool";
import { KUBERAY_VERSION, kubeRayDefaults, kubeRayValues } from "../components/kuberay";

/** Values with every Output resolved (builders may return Outputs inside). */
function resolved(values: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve) => pulumi.output(values).apply((v) => resolve(JSON.parse(JSON.stringify(v)))));
}

function chartFile(chartsDir: string, chart: string, file: string): string {
    return fs.readFileSync(path.join(chartsDir, chart, file), "utf8");
}

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
        const values = karpenterHelmValues({ clusterName: "llm", region: "us-west-2", interruptionQueueName: "llm", controllerCpu: "1", controllerMemory: "1Gi" });
        const defaults = chartDefaults(chartsDir, "karpenter");
        assert.deepEqual(unknownValueKeys(values, defaults), []);
        // The two settings the controller cannot run without are really where the chart reads them.
        assert.equal((defaults.settings as Record<string, unknown>).clusterName, "");
        assert.equal((defaults.settings as Record<string, unknown>).interruptionQueue, "");
    });

    it("kuberay-operator", async () => {
        const values = await resolved(kubeRayValues({ ...kubeRayDefaults, watchNamespaces: ["llm"] }));
        const defaults = chartDefaults(chartsDir, "kuberay-operator");
        // watchNamespace: read by the deployment and configmap templates, documented only as a comment.
        // resources: rendered whole (toYaml), so requests may sit beside the default limits.
        assert.deepEqual(unknownValueKeys(values, defaults, ["watchNamespace", "resources"]), []);
        assert.match(chartFile(chartsDir, "kuberay-operator", "values.yaml"), /^# watchNamespace:$/m);
        assert.deepEqual(Object.keys(defaults.resources as object), ["limits"]);
        // A list replaces the chart's whole default list: ours must name every default gate.
        const gates = (defaults.featureGates as { name: string }[]).map((g) => g.name);
        const ours = (values.featureGates as { name: string }[]).map((g) => g.name);
        assert.deepEqual(gates.filter((g) => !ours.includes(g)), []);
        assert.equal(chartVersion(chartsDir, "kuberay-operator"), KUBERAY_VERSION, "the defaults checked are those of the pinned version");
    });

    it("nvidia-device-plugin", () => {
        const defaults = chartDefaults(chartsDir, "nvidia-device-plugin");
        assert.deepEqual(unknownValueKeys(devicePluginValues(), defaults), []);
        // Its default affinity selects the label every GPU node of a GpuNodePool carries.
        const terms = (defaults as any).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
        const selected = terms.map((t: any) => t.matchExpressions).filter((m: any[]) => m.length === 1 && m[0].operator === "In" && GPU_NODE_LABELS[m[0].key] !== undefined && m[0].values.includes(GPU_NODE_LABELS[m[0].key]));
        assert.deepEqual(selected, [[{ key: "nvidia.com/gpu.present", operator: "In", values: ["true"] }]]);
        assert.equal(chartVersion(chartsDir, "nvidia-device-plugin"), DEVICE_PLUGIN_VERSION, "the defaults checked are those of the pinned version");
    });
});
