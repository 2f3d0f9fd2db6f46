import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";

import { policySettings } from "../plan/policies";
import { ROOT } from "./support/plan";

import { allPolicies } from "../policy/policies";

describe("the policy pack", () => {
    it("has unique kebab-case names, a description and a mandatory default for every policy", () => {
        const names = allPolicies.map((p) => p.name);
        assert.equal(new Set(names).size, names.length, "names are unique");
        for (const p of allPolicies) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, p.name);
            assert.ok(p.description.length > 20, `${p.name} has a description`);
            assert.equal(p.enforcementLevel, "mandatory", `${p.name} is mandatory unless a config relaxes it`);
        }
    });

    it("catalogues every policy in policy/README.md", () => {
        const catalogue = fs.readFileSync(path.join(ROOT, "policy", "README.md"), "utf8");
        assert.deepEqual(allPolicies.map((p) => p.name).filter((n) => !catalogue.includes(`| \`${n}\``)), []);
    });

    it("has environment configs that name only real policies and levels; dev relaxes only the baseline", () => {
        const dir = path.join(ROOT, "policy", "config");
        const names = new Set(allPolicies.map((p) => p.name));
        for (const file of fs.readdirSync(dir)) {
            const config = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record<string, unknown>;
            for (const [name, value] of Object.entries(config)) {
                assert.ok(names.has(name) || name === "all", `${file}: ${name} is a policy`);
                const level = typeof value === "string" ? value : (value as { enforcementLevel?: string }).enforcementLevel;
                assert.ok(level === undefined || ["mandatory", "advisory", "disabled"].includes(level), `${file}: ${name}: ${level}`);
            }
        }
        const dev = JSON.parse(fs.readFileSync(path.join(dir, "dev.json"), "utf8")) as Record<string, unknown>;
        const mandatoryInDev = allPolicies.filter((p) => policySettings(p, dev).level === "mandatory").map((p) => p.name);
        assert.deepEqual(mandatoryInDev, [
            "gpu-nodepool-limit", "gpu-nodepool-taint", "gpu-instance-families", "gpu-container-limits", "gpu-budget",
            "ray-ports-not-exposed", "ray-head-service-internal", "ray-dashboard-ingress", "serve-port-exposure", "serve-route-exposure",
            "no-open-security-group-rules", "eks-public-endpoint-restricted",
            "helm-values-exposure", "monitoring-ui-exposure",
        ]);
    });

    it("constructs the PolicyPack only in policy/index.ts, from the same list the plan uses", () => {
        const files = fs.readdirSync(path.join(ROOT, "policy")).filter((f) => f.endsWith(".ts"));
        assert.deepEqual(files.filter((f) => fs.readFileSync(path.join(ROOT, "policy", f), "utf8").includes("new PolicyPack(")), ["index.ts"]);
        assert.match(fs.readFileSync(path.join(ROOT, "policy", "index.ts"), "utf8"), /new PolicyPack\("ray-vllm-eks", \{ policies: allPolicies \}\)/);
        assert.match(fs.readFileSync(path.join(ROOT, "policy", "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
    });
});
