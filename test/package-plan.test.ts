/**
 * The installed command `ray-vllm-eks plan` (plan/bin.ts, compiled into the package): packed,
 * installed into consumer projects (test/support/package.ts), and run there as `npx ray-vllm-eks`
 * runs it. It plans the consumer's own program against the consumer's installed copy with that
 * copy's policy pack, and refuses a copy that does not load or is not the command's own, even when
 * run from inside this clone.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";

import { childEnv, installConsumer, NAME, packOnce } from "./support/package";
import { plan, PlanRun, ROOT, run } from "./support/plan";
import { INSTALLED_HELP, INSTALLED_USAGE } from "./support/plan-help";

const EXAMPLE = path.join(ROOT, "examples", "add-a-model");

/** A consumer project with the example's program (a team's stack that imports the package). */
async function consumerWithExample(dir: string, extra: readonly string[] = ["typescript"]): Promise<string> {
    const installed = await installConsumer(dir, extra);
    for (const file of ["index.ts", "Pulumi.yaml", "Pulumi.dev.yaml"]) {
        fs.copyFileSync(path.join(EXAMPLE, file), path.join(dir, file));
    }
    return installed;
}

/** The installed command of a consumer, run in `cwd`. */
function command(installed: string, args: string[], cwd: string): Promise<PlanRun> {
    return run(process.execPath, [path.join(installed, "dist", "plan", "bin.js"), ...args], cwd, childEnv());
}

const outcome = (r: PlanRun): PlanRun => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });

/** A resource as both plans must record it: without `source` (the program's file differs). */
const withoutSource = (resources: { source?: unknown }[]): unknown[] => resources.map(({ source: _source, ...rest }) => rest);

describe("the installed command `ray-vllm-eks plan` (packed, installed into consumers)", function () {
    this.timeout(120000);

    let tmp: string;
    let version: string;
    let team: string;
    let teamCopy: string;

    before(async () => {
        ({ tmp } = await packOnce());
        version = (await packOnce()).manifest.version;
        team = path.join(tmp, "team-a");
        teamCopy = await consumerWithExample(team);
    });

    it("prints its commands for --help and exits 0; prints the package's version for --version", async () => {
        const [helpRun, versionRun] = await Promise.all([command(teamCopy, ["--help"], team), command(teamCopy, ["--version"], team)]);
        assert.deepEqual(outcome(helpRun), {
            code: 0,
            stdout: [
                "usage: ray-vllm-eks plan [options]     the offline plan of a Pulumi program (ray-vllm-eks plan --help)",
                "       ray-vllm-eks --version            this package's version",
                "       ray-vllm-eks --help               this help",
                "",
            ].join("\n"),
            stderr: "",
        });
        assert.deepEqual(outcome(versionRun), { code: 0, stdout: `${version}\n`, stderr: "" });
    });

    it("refuses an unknown command with exit 2, and names the commands", async () => {
        assert.deepEqual(outcome(await command(teamCopy, ["deploy"], team)), {
            code: 2,
            stdout: "",
            stderr: [
                "ray-vllm-eks: unknown command \"deploy\"",
                "usage: ray-vllm-eks plan [options]     the offline plan of a Pulumi program (ray-vllm-eks plan --help)",
                "       ray-vllm-eks --version            this package's version",
                "       ray-vllm-eks --help               this help",
                "",
            ].join("\n"),
        });
    });

    it("prints the plan's help for plan --help: the options of npm run plan, without environments, the program defaulting to the current folder", async () => {
        assert.deepEqual(outcome(await command(teamCopy, ["plan", "--help"], team)), {
            code: 0,
            stdout: `${INSTALLED_HELP}\n`,
            stderr: "",
        });
    });

    it("refuses an environment name: the installed command plans a program", async () => {
        const r = await command(teamCopy, ["plan", "dev"], team);
        assert.deepEqual(outcome(r), {
            code: 2,
            stdout: "",
            stderr: `plan: unexpected argument "dev"\n${INSTALLED_USAGE}\n`,
        });
    });

    describe("the team's program, planned from its folder", () => {
        let planned: PlanRun;
        let fromSources: PlanRun;
        let json: { package: unknown; resources: { type: string; name: string; source?: unknown }[] };
        const sourcesOut = (): string => path.join(tmp, "from-sources");

        before(async () => {
            [planned, fromSources] = await Promise.all([
                command(teamCopy, ["plan"], team),
                plan("--program", "examples/add-a-model", "--out", sourcesOut()),
            ]);
            json = planned.code === 0 ? JSON.parse(fs.readFileSync(path.join(team, "out", "team-a-llm-dev", "plan.json"), "utf8")) : { package: undefined, resources: [] };
        });

        it("exits 0, names the installed copy it planned against, and passes that copy's policy pack (21 policies) in both views", () => {
            assert.equal(planned.code, 0, planned.stderr + planned.stdout);
            const lines = planned.stdout.split("\n");
            assert.deepEqual(lines.slice(0, 2), ["offline plan of team-a-llm (stack dev), program index.ts", `ray-vllm-eks ${version}: the installed copy in node_modules/ray-vllm-eks`]);
            assert.deepEqual(lines.slice(-3), ["policy pack: 21 policies, no violations", "policy pack, real engine's view: 21 policies, no violations", ""]);
            assert.ok(lines.includes("wrote out/team-a-llm-dev/plan.json (10 resources) and out/team-a-llm-dev/manifests/ (6 Kubernetes objects)"), planned.stdout);
            assert.ok(lines.includes("serving capacity: team-a-qwen-7b on g6e.xlarge (L40S, tp 1): 24.5 GiB KV cache per GPU = 459,488 tokens = 56.09 sequences of 8192 tokens; max_ongoing_requests 224, target 150"), planned.stdout);
        });

        it("records the copy in plan.json: its name, version and folder relative to the project", () => {
            assert.deepEqual(json.package, { name: NAME, version, path: "node_modules/ray-vllm-eks", source: false });
        });

        it("plans exactly the resources the repository's sources plan for the same program (npm run plan -- --program examples/add-a-model)", () => {
            assert.equal(fromSources.code, 0, fromSources.stderr);
            assert.match(fromSources.stdout, new RegExp(`\\nray-vllm-eks: the sources at index\\.ts \\(version ${version.replace(/\./g, "\\.")}\\)\\n`));
            const sources = JSON.parse(fs.readFileSync(path.join(sourcesOut(), "plan.json"), "utf8")) as { resources: { source?: unknown }[]; package: unknown };
            assert.deepEqual(sources.package, { name: NAME, version, path: "../../index.ts", source: true });
            assert.equal(json.resources.length, 10);
            assert.deepEqual(withoutSource(json.resources), withoutSource(sources.resources));
        });
    });

    it("fails with exit 2 when the installed copy does not load, even run from inside this clone, and leaves no plan", async () => {
        const dir = path.join(tmp, "team-broken");
        const installed = await consumerWithExample(dir);
        fs.writeFileSync(path.join(installed, "dist", "components", "vllm-service", "index.js"), "throw new Error(\"corrupted\");\n");
        const out = path.join(tmp, "broken-out");
        fs.mkdirSync(out);
        fs.writeFileSync(path.join(out, "plan.json"), "{}");
        const r = await command(installed, ["plan", "--program", dir, "--out", out], ROOT);
        assert.deepEqual(outcome(r), {
            code: 2,
            stdout: "",
            stderr: `plan: the installed ray-vllm-eks ${version} in ${installed} does not load: corrupted: reinstall it (npm ci, or npm install ray-vllm-eks), and plan again.\n`,
        });
        assert.deepEqual(fs.readdirSync(out), []);
    });

    it("refuses a program that loads another installed copy than the command's own, naming both", async () => {
        const dir = path.join(tmp, "team-b");
        const other = await consumerWithExample(dir);
        const r = await command(teamCopy, ["plan", "--program", dir], tmp);
        assert.deepEqual(outcome(r), {
            code: 2,
            stdout: "",
            stderr: `plan: the program team-b/index.ts loads ray-vllm-eks ${version} from ${other}, but this command is ray-vllm-eks ${version} from ${teamCopy}: `
                + "run the project's own copy (npx ray-vllm-eks plan, from the project's folder), so the plan checks the package the program deploys with.\n",
        });
    });

    it("refuses a program whose package.json depends on the package when none is installed beside it", async () => {
        const dir = path.join(tmp, "team-uninstalled");
        await consumerWithExample(dir);
        fs.rmSync(path.join(dir, "node_modules", NAME), { recursive: true });
        const r = await command(teamCopy, ["plan", "--program", dir], tmp);
        const { tarball } = await packOnce();
        assert.deepEqual(outcome(r), {
            code: 2,
            stdout: "",
            stderr: `plan: the program's package.json depends on ray-vllm-eks (file:${tarball}), which is not installed in ${path.join(dir, "node_modules")}: run npm install (or npm ci) in ${dir}, and plan again.\n`,
        });
    });

    it("refuses a TypeScript program when no typescript package is installed in its project or beside the package", async () => {
        const dir = path.join(tmp, "team-no-typescript");
        const installed = await consumerWithExample(dir, []);
        const r = await command(installed, ["plan"], dir);
        assert.deepEqual(outcome(r), {
            code: 2,
            stdout: "",
            stderr: `plan: the program ${path.join(dir, "index.ts")} is TypeScript, and no typescript package is installed in its project or beside ray-vllm-eks: install it in the project (npm install --save-dev typescript), as Pulumi's TypeScript projects do.\n`,
        });
    });
});
