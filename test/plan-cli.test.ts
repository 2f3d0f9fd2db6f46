/**
 * The plan's command line in process (plan/cli.ts parsing, plan/run.ts resolving, plan/report.ts
 * reporting, plan/bin.ts's setup), for what the process tests (plan.test.ts,
 * package-plan.test.ts) cannot show to StrykerJS, which activates mutants only in its own process.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { PACKAGE_NAME, installedSetup, packageRootOf, typeScriptLoaderFor } from "../plan/bin";
import { failureMessage, help, HelpRequested, isExplained, parsePlanArgs, usage } from "../plan/cli";
import { PlanUsageError } from "../plan/project";
import { githubAnnotations } from "../plan/findings";
import { exitCode, packageLine, reportLines } from "../plan/report";
import { PlanRun, PlanSetup, packageFor, resolveTarget } from "../plan/run";
import { REPOSITORY_SETUP, ROOT } from "../scripts/repository";
import { INSTALLED_HELP, INSTALLED_USAGE, REPOSITORY_HELP, REPOSITORY_USAGE } from "./support/plan-help";

const INSTALLED: PlanSetup = installedSetup("/opt/team/node_modules/ray-vllm-eks", "/work/team");

function usageError(f: () => unknown): string {
    try {
        f();
    } catch (e) {
        assert.ok(e instanceof PlanUsageError, `a PlanUsageError, not ${String(e)}`);
        return e.message;
    }
    assert.fail("no error");
}

describe("the plan's command line, in process (plan/cli.ts, plan/run.ts, plan/report.ts, plan/bin.ts)", () => {
    describe("parsePlanArgs", () => {
        it("reads every option, -c like --config, repeated --config in order", () => {
            assert.deepEqual(parsePlanArgs(["--program", "p", "--stack", "s", "-c", "a=1", "--config", "b=2", "--policy-config", "f.json", "--out", "o", "--format", "github"], REPOSITORY_SETUP), {
                program: "p", stack: "s", config: ["a=1", "b=2"], policyConfig: "f.json", out: "o", format: "github",
            });
            assert.deepEqual(parsePlanArgs(["dev"], REPOSITORY_SETUP), { env: "dev", config: [], format: "text" });
        });

        it("lets the installed command plan the current folder with no argument, and refuses a positional argument there", () => {
            assert.deepEqual(parsePlanArgs([], INSTALLED), { config: [], format: "text" });
            assert.equal(usageError(() => parsePlanArgs(["dev"], INSTALLED)), `unexpected argument "dev"\n${usage(INSTALLED)}`);
        });

        it("refuses a missing value, a value that is an option, an unknown format, a second environment, both an environment and --program, and neither", () => {
            const u = usage(REPOSITORY_SETUP);
            assert.equal(usageError(() => parsePlanArgs(["--stack"], REPOSITORY_SETUP)), `--stack needs a value\n${u}`);
            assert.equal(usageError(() => parsePlanArgs(["--out", "--stack", "x"], REPOSITORY_SETUP)), `--out needs a value\n${u}`);
            assert.equal(usageError(() => parsePlanArgs(["dev", "--format", "json"], REPOSITORY_SETUP)), "--format \"json\" is not a format: use text (the default) or github (the findings as GitHub Actions annotations too).");
            assert.equal(usageError(() => parsePlanArgs(["dev", "prod"], REPOSITORY_SETUP)), `unexpected argument "prod"\n${u}`);
            assert.equal(usageError(() => parsePlanArgs(["-x"], REPOSITORY_SETUP)), `unexpected argument "-x"\n${u}`);
            assert.equal(usageError(() => parsePlanArgs(["dev", "--program", "p"], REPOSITORY_SETUP)), `give an environment or --program, not both\n${u}`);
            assert.equal(usageError(() => parsePlanArgs([], REPOSITORY_SETUP)), `name an environment (dev, prod, staging) or a --program\n${u}`);
        });

        it("throws HelpRequested with the help for --help and -h, wherever they come", () => {
            for (const argv of [["--help"], ["--stack", "s", "-h"]]) {
                assert.throws(() => parsePlanArgs(argv, INSTALLED), (e: Error) => e instanceof HelpRequested && e.message.startsWith(`${usage(INSTALLED)}\n\nPlans a Pulumi TypeScript program offline`));
            }
        });
    });

    it("usage: the repository's two forms; the installed command's one", () => {
        assert.equal(usage(REPOSITORY_SETUP), REPOSITORY_USAGE);
        assert.equal(usage(INSTALLED), INSTALLED_USAGE);
    });

    it("help: the installed command's options without environments or default policy configs; the repository's with them", () => {
        assert.equal(help(INSTALLED), INSTALLED_HELP);
        assert.equal(help(REPOSITORY_SETUP), REPOSITORY_HELP);
    });

    it("failureMessage: a usage error as is, an explained error's message, anything else with its stack", () => {
        assert.equal(failureMessage(new PlanUsageError("bad")), "plan: bad");
        const explained = Object.assign(new Error("told"), { __pulumiRunError: true });
        assert.equal(failureMessage(explained), "plan: the program failed: told");
        const bug = new Error("bug");
        assert.equal(failureMessage(bug), `plan: the program failed: ${bug.stack}`);
        assert.equal(failureMessage("text"), "plan: the program failed: text");
    });

    it("isExplained: ProgramErrors, ResourceErrors, RunErrors, errors with details and the mocks' own; not a plain Error", () => {
        const named = new Error("x");
        Object.defineProperty(named, "name", { value: "ProgramError" });
        assert.equal(isExplained(named), true);
        assert.equal(isExplained(Object.assign(new Error("x"), { __pulumResourceError: true })), true);
        assert.equal(isExplained(Object.assign(new Error("x"), { __pulumiRunError: true })), true);
        assert.equal(isExplained(Object.assign(new Error("x"), { details: "d" })), true);
        assert.equal(isExplained(new Error("the offline plan's mocks do not know")), true);
        assert.equal(isExplained(new Error("x")), false);
        assert.equal(isExplained(Object.assign(new Error("x"), { __pulumResourceError: false, __pulumiRunError: "yes" })), false);
    });

    describe("resolveTarget", () => {
        it("plans an environment as the stack of its name in the repository, with its policy config and out/<env>", () => {
            const t = resolveTarget({ env: "dev", config: [], format: "text" }, REPOSITORY_SETUP);
            assert.deepEqual([t.program.project, t.program.stack, t.out, t.policyConfigFile], ["ray-vllm-eks", "dev", path.join(ROOT, "out", "dev"), path.join(ROOT, "policy", "config", "dev.json")]);
        });

        it("plans a --program as stack dev into <baseDir>/out/<project>-<stack>, with the policy config given or none", () => {
            const t = resolveTarget({ program: "examples/add-a-model", config: [], format: "text", policyConfig: "x.json" }, { ...REPOSITORY_SETUP, baseDir: "/base" });
            assert.deepEqual([t.program.project, t.program.stack, t.out, t.policyConfigFile], ["team-a-llm", "dev", "/base/out/team-a-llm-dev", "x.json"]);
        });

        it("takes no policy config for an environment when the setup has no default, and refuses environments without their project", () => {
            const noDefaults: PlanSetup = { ...REPOSITORY_SETUP, environmentPolicyConfig: undefined };
            assert.equal(resolveTarget({ env: "dev", config: [], format: "text" }, noDefaults).policyConfigFile, undefined);
            assert.equal(usageError(() => resolveTarget({ env: "dev", config: [], format: "text" }, { ...REPOSITORY_SETUP, environmentProjectDir: undefined })),
                "unknown environment \"dev\": use one of dev, prod, staging, or --program <path> for another program.");
            assert.equal(usageError(() => resolveTarget({ config: [], format: "text" }, REPOSITORY_SETUP)), "name an environment (dev, prod, staging) or a --program");
        });

        it("refuses an unknown environment, naming them; the installed command names --program instead", () => {
            assert.equal(usageError(() => resolveTarget({ env: "qa", config: [], format: "text" }, REPOSITORY_SETUP)), "unknown environment \"qa\": use one of dev, prod, staging, or --program <path> for another program.");
            assert.equal(usageError(() => resolveTarget({ env: "qa", config: [], format: "text" }, INSTALLED)), "unexpected argument \"qa\": ray-vllm-eks plan plans a program: give its folder with --program <path>.");
        });
    });

    describe("packageFor", () => {
        const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "package-for-")));
        after(() => fs.rmSync(tmp, { recursive: true, force: true }));
        const program = (dir: string) => ({ project: "p", stack: "dev", projectDir: dir, entry: path.join(dir, "index.ts"), config: { values: {}, secretKeys: [] } });

        it("gives the alias's file as the source copy, its version from the package.json beside it", () => {
            const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;
            assert.deepEqual(packageFor(program(tmp), REPOSITORY_SETUP), {
                package: { name: "ray-vllm-eks", version, path: path.join(ROOT, "index.ts"), source: true },
                main: path.join(ROOT, "index.ts"),
            });
        });

        it("gives none when no copy is installed and the project does not depend on it", () => {
            fs.writeFileSync(path.join(tmp, "package.json"), JSON.stringify({ dependencies: { other: "1" } }));
            assert.equal(packageFor(program(tmp), INSTALLED), undefined);
        });

        it("gives the installed copy that loads: its folder and main module", () => {
            const dir = path.join(tmp, "installed");
            const pkg = path.join(dir, "node_modules", "ray-vllm-eks");
            fs.mkdirSync(pkg, { recursive: true });
            fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "ray-vllm-eks", version: "9.8.7", main: "main.js" }));
            fs.writeFileSync(path.join(pkg, "main.js"), "exports.loaded = true;\n");
            assert.deepEqual(packageFor(program(dir), { ...INSTALLED, installedRoot: pkg }), {
                package: { name: "ray-vllm-eks", version: "9.8.7", path: pkg, source: false },
                main: path.join(pkg, "main.js"),
            });
            // Without an installed root to insist on, any copy Node resolves.
            assert.equal(packageFor(program(dir), { ...INSTALLED, installedRoot: undefined })?.package.path, pkg);
        });

        it("refuses a copy that is not the command's own, naming both", () => {
            const dir = path.join(tmp, "installed");
            const own = path.join(tmp, "own");
            fs.mkdirSync(own, { recursive: true });
            fs.writeFileSync(path.join(own, "package.json"), JSON.stringify({ name: "ray-vllm-eks", version: "1.0.0" }));
            assert.equal(usageError(() => packageFor(program(dir), { ...INSTALLED, installedRoot: own })),
                `the program ${path.relative(process.cwd(), path.join(dir, "index.ts"))} loads ray-vllm-eks 9.8.7 from ${path.join(dir, "node_modules", "ray-vllm-eks")}, but this command is ray-vllm-eks 1.0.0 from ${own}: `
                + "run the project's own copy (npx ray-vllm-eks plan, from the project's folder), so the plan checks the package the program deploys with.");
        });
    });

    describe("reportLines and exitCode", () => {
        const violation = (level: string) => ({ policy: "p", resource: "r", message: "m", enforcementLevel: level });
        const run = (recorded: ReturnType<typeof violation>[], real: ReturnType<typeof violation>[], notes: string[] = []): PlanRun => ({
            program: { project: "shop", stack: "dev", projectDir: "/w", entry: "/w/index.ts", config: { values: {}, secretKeys: [] } },
            out: "/w/out/shop-dev",
            policyConfigFile: "/w/levels.json",
            plan: { project: "shop", stack: "dev", resources: [{ urn: "u", type: "aws:s3/bucket:Bucket", name: "b", custom: true, dependencies: [], options: {}, inputs: {} }], outputs: {}, destroyOrder: [] },
            views: [
                { view: "recorded", plan: { project: "shop", stack: "dev", resources: [], outputs: {}, destroyOrder: [] }, violations: recorded as never, notes: [] },
                { view: "real-engine", plan: { project: "shop", stack: "dev", resources: [], outputs: {}, destroyOrder: [] }, violations: real as never, notes },
            ],
            findings: [],
            region: "us-west-2",
            cost: undefined,
            package: { name: "ray-vllm-eks", version: "1.2.3", path: "/w/node_modules/ray-vllm-eks", source: false },
            policyCount: 21,
        });

        it("prints the header, the package, the summary, what it wrote, the sections, then each view's violations and notes", () => {
            const lines = reportLines(run([violation("advisory")], [violation("mandatory"), violation("advisory")], ["n"]), { ...INSTALLED, sections: [() => ["section"]] }, "text", "/w");
            assert.deepEqual(lines, [
                "offline plan of shop (stack dev), program index.ts",
                "ray-vllm-eks 1.2.3: the installed copy in node_modules/ray-vllm-eks",
                "  TYPE                    N\n  aws:s3/bucket:Bucket    1\n  total                   1",
                "wrote out/shop-dev/plan.json (1 resources) and out/shop-dev/manifests/ (0 Kubernetes objects)",
                "section",
                "policy pack (config levels.json): 21 policies, 1 violation (0 mandatory)",
                "  [advisory] p: r: m",
                "policy pack, real engine's view (config levels.json): 21 policies, 2 violations (1 mandatory)",
                "  [mandatory] p: r: m",
                "  [advisory] p: r: m",
                "  note: n",
            ]);
        });

        it("says \"no violations\" for a clean view, and adds the GitHub annotations for --format github", () => {
            const clean = run([], []);
            clean.findings = [{ view: "recorded", policy: "p", level: "mandatory", urn: "u", resource: "r", message: "m" } as never];
            const lines = reportLines(clean, { ...INSTALLED, sections: [] }, "github", "/w");
            assert.deepEqual(lines.slice(4), [
                "policy pack (config levels.json): 21 policies, no violations",
                "policy pack, real engine's view (config levels.json): 21 policies, no violations",
                ...githubAnnotations(clean.findings),
            ]);
            assert.equal(lines.length, 7);
            assert.equal(reportLines(clean, { ...INSTALLED, sections: [] }, "text", "/w").length, 6);
        });

        it("exits 1 for a mandatory violation in either view, 0 for advisory ones only", () => {
            assert.equal(exitCode(run([violation("mandatory")], [])), 1);
            assert.equal(exitCode(run([], [violation("mandatory")])), 1);
            assert.equal(exitCode(run([violation("advisory")], [violation("advisory")])), 0);
        });

        it("packageLine: the sources or the installed copy, relative to the working folder; nothing without a package", () => {
            assert.deepEqual(packageLine({ name: "n", version: "1", path: "/r/index.ts", source: true }, "/r"), ["n: the sources at index.ts (version 1)"]);
            assert.deepEqual(packageLine({ name: "n", version: "1", path: "/r", source: false }, "/r"), ["n 1: the installed copy in ."]);
            assert.deepEqual(packageLine(undefined, "/r"), []);
        });
    });

    describe("the installed command's setup (plan/bin.ts)", () => {
        it("has no environments, plans the current folder by default into <cwd>/out, aliases nothing, and insists on its own copy", () => {
            assert.equal(PACKAGE_NAME, "ray-vllm-eks");
            const { environments, beforeRun, ...rest } = INSTALLED;
            assert.deepEqual(environments(), []);
            assert.equal(typeof beforeRun, "function");
            assert.deepEqual(rest, {
                command: "ray-vllm-eks plan",
                baseDir: "/work/team",
                defaultProgram: ".",
                aliases: {},
                packageName: "ray-vllm-eks",
                installedRoot: "/opt/team/node_modules/ray-vllm-eks",
            });
        });

        it("packageRootOf finds the nearest folder whose package.json names the package, and fails outside one", () => {
            assert.equal(packageRootOf(path.join(ROOT, "plan"), "ray-vllm-eks"), ROOT);
            assert.throws(() => packageRootOf(os.tmpdir(), "ray-vllm-eks"), /is not inside the ray-vllm-eks package: reinstall it\.$/);
        });

        it("packageRootOf skips a nearer package.json of another name", () => {
            const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "root-of-")));
            try {
                fs.mkdirSync(path.join(tmp, "inner"));
                fs.writeFileSync(path.join(tmp, "package.json"), JSON.stringify({ name: "ray-vllm-eks" }));
                fs.writeFileSync(path.join(tmp, "inner", "package.json"), JSON.stringify({ name: "other" }));
                assert.equal(packageRootOf(path.join(tmp, "inner"), "ray-vllm-eks"), tmp);
            } finally {
                fs.rmSync(tmp, { recursive: true, force: true });
            }
        });

        it("typeScriptLoaderFor refuses a TypeScript program when no typescript package is found from its project or the package", () => {
            const program = { project: "p", stack: "dev", projectDir: "/nowhere", entry: "/nowhere/index.ts", config: { values: {}, secretKeys: [] } };
            assert.equal(usageError(() => typeScriptLoaderFor(program, "/nowhere")),
                "the program /nowhere/index.ts is TypeScript, and no typescript package is installed in its project or beside ray-vllm-eks: install it in the project (npm install --save-dev typescript), as Pulumi's TypeScript projects do.");
        });

        it("beforeRun loads no TypeScript for a JavaScript program", () => {
            const before = require.extensions[".ts"];
            INSTALLED.beforeRun!({ project: "p", stack: "dev", projectDir: "/nowhere", entry: "/nowhere/index.js", config: { values: {}, secretKeys: [] } });
            assert.equal(require.extensions[".ts"], before);
        });
    });
});
