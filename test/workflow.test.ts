import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

import { environments, ROOT } from "./support/plan";

describe("the CI example for users (.github/workflows/policy-preview.yml)", () => {
    const workflow = YAML.parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", "policy-preview.yml"), "utf8"));
    const job = workflow.jobs.preview;
    const step = (uses: string): any => job.steps.find((s: any) => typeof s.uses === "string" && s.uses.startsWith(uses));

    it("runs on pull requests, for every environment", () => {
        assert.deepEqual(Object.keys(workflow.on), ["pull_request"]);
        assert.deepEqual([...job.strategy.matrix.stack].sort(), environments());
        assert.equal(job.strategy["fail-fast"], false);
    });

    it("installs with npm ci on Node 20 and plans offline, findings annotating the pull request, before touching the cloud", () => {
        const runs = job.steps.filter((s: any) => s.run).map((s: any) => s.run);
        assert.deepEqual(runs, ["npm ci", "npm run plan -- ${{ matrix.stack }} --format github"]);
        assert.equal(step("actions/setup-node").with["node-version"], 20);
        const order = job.steps.map((s: any) => s.uses ?? s.run);
        assert.ok(order.indexOf("npm run plan -- ${{ matrix.stack }} --format github") < order.findIndex((u: string) => u.startsWith("pulumi/actions")));
    });

    it("previews with the policy pack and the environment's policy config, which exists for every environment", () => {
        const preview = step("pulumi/actions");
        assert.equal(preview.with.command, "preview");
        assert.equal(preview.with.policyPacks, "policy");
        assert.equal(preview.with.policyPackConfigs, "policy/config/${{ matrix.stack }}.json");
        assert.ok(fs.existsSync(path.join(ROOT, preview.with.policyPacks, "PulumiPolicy.yaml")));
        for (const env of environments()) {
            assert.ok(fs.existsSync(path.join(ROOT, "policy", "config", `${env}.json`)), `policy/config/${env}.json`);
        }
        assert.equal(preview.env.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
        // Short-lived cloud credentials through GitHub's OIDC provider, never stored keys.
        assert.equal(workflow.permissions["id-token"], "write");
        assert.equal(step("aws-actions/configure-aws-credentials").with["role-to-assume"], "${{ vars.AWS_ROLE_ARN }}");
    });
});
