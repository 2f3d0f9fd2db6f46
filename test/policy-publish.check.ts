/**
 * The policy pack as it is published: `npm pack` of policy/ (what `pulumi policy publish` uploads),
 * unpacked in a temporary folder outside the repository, installed from its own lockfile
 * (`npm ci`), and started under its own @pulumi/pulumi's policy runner (scripts/policy-publish.ts).
 *
 *   npm run policy:publish-check
 *
 * Not in `npm test`: installing the pack's 242 packages takes 20 to 50 s on a 2-core machine, even
 * from npm's cache (a warm run: pack 1 s, npm ci 19 s, runner start and type check 8 s, analysis
 * 0.1 s). CI runs it (.ci/run); the fast checks (imports, pins, lockfile, tarball contents) are in
 * test/policy-self-contained.test.ts.
 */
import * as assert from "node:assert/strict";

import { PublishCheck, publishCheck } from "../scripts/policy-publish";

describe("the published policy pack, installed on its own and started under Pulumi's policy runner", function () {
    this.timeout(300_000);
    let r: PublishCheck;

    before(async () => {
        r = await publishCheck();
        console.log(`    (npm pack ${r.seconds.pack} s, npm ci ${r.seconds.install} s, runner start ${r.seconds.start} s, analysis ${r.seconds.analyze} s)`);
    });

    it("uploads the folder's sources, configs, README and lockfile", () => {
        assert.deepEqual(r.files, [
            "PulumiPolicy.yaml", "README.md", "baseline.ts", "catalog.ts", "common.ts", "config/dev.json", "config/prod.json", "config/staging.json",
            "exposure.ts", "gpu-demand.ts", "gpu.ts", "helm.ts", "index.ts", "karpenter-gpus.ts", "network.ts", "npm-shrinkwrap.json", "package.json", "policies.ts", "ray.ts",
            "resource-types.ts", "scheduling.ts", "shared.ts",
        ]);
    });

    it("installs from its lockfile alone, and runs under its own runner, TypeScript and (vendored) ts-node", () => {
        assert.equal(r.installed, 243);
        assert.equal(r.runner, [
            "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js",
            "node_modules/typescript/lib/typescript.js",
            "-",
            "node_modules/@pulumi/pulumi/vendor/ts-node@7.0.1/index.js",
        ].join(" "));
    });

    it("serves every policy, mandatory by default", () => {
        assert.deepEqual([r.name, r.version], ["ray-vllm-eks", "0.1.0"]);
        assert.deepEqual(r.policies.map((p) => `${p.name} ${p.enforcementLevel}`), [
            "gpu-nodepool-limit mandatory",
            "gpu-nodepool-taint mandatory",
            "gpu-instance-families mandatory",
            "gpu-container-limits mandatory",
            "gpu-budget mandatory",
            "ray-ports-not-exposed mandatory",
            "ray-head-service-internal mandatory",
            "ray-dashboard-ingress mandatory",
            "serve-port-exposure mandatory",
            "serve-route-exposure mandatory",
            "no-open-security-group-rules mandatory",
            "eks-public-endpoint-restricted mandatory",
            "helm-values-exposure mandatory",
            "monitoring-ui-exposure mandatory",
            "eks-secrets-encryption mandatory",
            "eks-control-plane-logging mandatory",
            "nodes-require-imdsv2 mandatory",
            "ray-minimum-version mandatory",
            "no-latest-image-tags mandatory",
            "no-literal-secrets-in-env mandatory",
            "ray-namespace-default-deny mandatory",
        ]);
    });

    it("finds a GPU NodePool's missing limit and taint", () => {
        assert.deepEqual(r.diagnostics, [
            `gpu-nodepool-limit [mandatory]: NodePool has no nvidia.com/gpu limit, so Karpenter may launch GPUs without bound: set spec.limits["nvidia.com/gpu"] to the pool's GPU budget (at most 64).`,
            `gpu-nodepool-taint [mandatory]: NodePool's GPU nodes are not tainted: add { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } to spec.template.spec.taints so CPU pods cannot occupy them.`,
        ]);
    });
});
