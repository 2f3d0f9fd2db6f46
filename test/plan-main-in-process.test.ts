/**
 * The whole plan command in process (plan/cli.ts planMain, plan/run.ts runPlan, plan/report.ts):
 * what the process tests show for real, once more where StrykerJS can see it.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import Module from "module";
import * as os from "os";
import * as path from "path";

import { planMain } from "../plan/cli";
import { REPOSITORY_SETUP, ROOT } from "../scripts/repository";
import { restoreSharedMocks } from "./support/mocks";
import { COST_FOOTER } from "./support/plan";

const FIXTURE = path.join(ROOT, "test", "fixtures", "run-program", "module-outputs.ts");
/**
 * The plan reports the package when the run leaves its main module loaded, which in a plan's own
 * process means the program loaded it; here other test files may have loaded it before.
 */
const forgetPackage = (): boolean => delete require.cache[path.join(ROOT, "index.ts")];

describe("planMain, in process (plan/cli.ts, plan/run.ts, plan/report.ts)", () => {
    const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "plan-main-")));
    const resolver = Module as unknown as { _resolveFilename: unknown };
    const resolveFilename = resolver._resolveFilename;
    after(() => {
        resolver._resolveFilename = resolveFilename;
        restoreSharedMocks();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("plans a program: prints the report, writes plan.json with its cost and findings, and returns 0", async () => {
        delete require.cache[FIXTURE];
        forgetPackage();
        const lines: string[] = [];
        const out = path.join(tmp, "out");
        const code = await planMain(["--program", FIXTURE, "--stack", "dev", "--out", out], REPOSITORY_SETUP, (l) => lines.push(l));
        assert.equal(code, 0, lines.join("\n"));
        const rel = path.relative(process.cwd(), out);
        assert.deepEqual(lines, [
            "offline plan of ray-vllm-eks (stack dev), program test/fixtures/run-program/module-outputs.ts",
            "  TYPE                   N\n  aws:sqs/queue:Queue    1\n  pulumi:pulumi:Stack    1\n  total                  2",
            `wrote ${rel}/plan.json (2 resources) and ${rel}/manifests/ (0 Kubernetes objects)`,
            "cost (us-west-2 list prices of 2026-07-06, USD): idle floor $0.00/hour ($0.00/month); at the limits $0.00/hour ($0.00/month)",
            ...COST_FOOTER,
            "policy pack: 21 policies, no violations",
            "policy pack, real engine's view: 21 policies, no violations",
        ]);
        const plan = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
        assert.deepEqual(Object.keys(plan), ["project", "stack", "resources", "outputs", "destroyOrder", "findings", "cost"]);
        assert.deepEqual([plan.findings, plan.cost.region, plan.cost.idle, plan.outputs.zone], [[], "us-west-2", { hourly: 0, monthly: 0 }, "b"]);
    });

    it("names the package a program loads through the alias, and records it in plan.json relative to the project", async () => {
        const entry = path.join(ROOT, "test", "fixtures", "run-program", "package-alias.ts");
        delete require.cache[entry];
        forgetPackage();
        const lines: string[] = [];
        const out = path.join(tmp, "alias");
        const code = await planMain(["--program", entry, "--out", out, "--format", "github"], REPOSITORY_SETUP, (l) => lines.push(l));
        assert.equal(code, 0, lines.join("\n"));
        assert.equal(lines[1], "ray-vllm-eks: the sources at index.ts (version 0.1.0)");
        assert.deepEqual(lines.slice(-2), ["policy pack: 21 policies, no violations", "policy pack, real engine's view: 21 policies, no violations"]);
        assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")).package, { name: "ray-vllm-eks", version: "0.1.0", path: "index.ts", source: true });
    });

    it("prints the help and returns 0 for --help, writing nothing", async () => {
        const lines: string[] = [];
        assert.equal(await planMain(["--help"], REPOSITORY_SETUP, (l) => lines.push(l)), 0);
        assert.equal(lines.length, 1);
        assert.ok(lines[0].startsWith("usage: npm run plan -- <env> [--format text|github]\n"));
    });
});
