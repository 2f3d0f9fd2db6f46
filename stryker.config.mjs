// StrykerJS mutation testing: `npm run mutate` (README.md, "Mutation testing"). A benchmark of
// the tests, not a CI gate: neither `npm test` nor .ci/run runs it. Settings from the
// environment:
//   MUTATE              what to mutate: comma-separated folders or globs (MUTATE=policy,
//                       MUTATE="components/*/args.ts", a line range
//                       MUTATE="plan/engine.ts:270-360"); default components, policy, plan
//   MUTATE_TESTS        the tests to run, as mocha specs (default: .mocharc.json's, all of them)
//   MUTATE_STATIC=1     test static mutants too (see ignoreStatic)
//   MUTATE_CONCURRENCY  test runner processes (default: one per core but one)
import os from "node:os";
import process from "node:process";

const list = (value) => value.split(",").map((v) => v.trim()).filter(Boolean);

const targets = process.env.MUTATE ? list(process.env.MUTATE) : ["components", "policy", "plan"];
// Each target has its own report and incremental file, reports/mutation/<target>/: runs of one part
// at a time (practical on 2 cores) keep each other's results, and `npm run mutate:score` merges
// them, newest first, into the scores per part.
const slug = process.env.MUTATE ? targets.join("+").replace(/[^A-Za-z0-9.+-]+/g, "_").replace(/^_+|_+$/g, "") : "all";
const reports = `reports/mutation/${slug}`;
const mutate = [
    ...targets.map((t) => (/[*?{]|\.ts(:[\d:-]+)?$/.test(t) ? t : `${t.replace(/\/+$/, "")}/**/*.ts`)),
    "!**/*.d.ts",
    // Constructs the PolicyPack and nothing else; test/policy-pack.test.ts reads its source text,
    // which Stryker's instrumentation changes. The runtime tests cover it out of process.
    "!policy/index.ts",
];

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    testRunner: "mocha",
    // The same mocha configuration as `npm test`: its spec, and ./scripts/register-ts.js to load
    // TypeScript (Stryker replaces the reporter, and applies its own timeouts instead of mocha's).
    // MUTATE_TESTS narrows the spec here rather than with --testFiles: with --testFiles, Stryker
    // runs static mutants without activating them as the modules load, and they all survive.
    // test/support/stryker-hooks.ts counts what a suite's `before` hook runs for every test of the
    // suite (StrykerJS counts it for whichever test ran last; see that file).
    mochaOptions: {
        config: ".mocharc.json",
        require: ["./scripts/register-ts.js", "./test/support/stryker-hooks.ts"],
        ...(process.env.MUTATE_TESTS ? { spec: list(process.env.MUTATE_TESTS) } : {}),
    },
    // The TypeScript checker marks mutants that do not compile (CompileError) instead of running
    // them, but it type-checks the whole program (a million lines of provider declarations) for
    // each mutant: about 15 s a mutant on the loaded 2-core machine measured, against about 0.1 s
    // for a mutant's tests. Off by default; `npm run mutate -- --checkers typescript` turns it on.
    checkers: [],
    tsconfigFile: "tsconfig.json",
    mutate,
    coverageAnalysis: "perTest",
    // Stryker prepends `// @ts-nocheck` to the files this names, which moves their lines by one. Only
    // the mutated folders: the default also covers test/, where the plan's findings name fixture lines.
    disableTypeChecks: "{components,policy,plan,scripts}/**/*.ts",
    // A static mutant (a value computed as a module loads: a policy's name, description or config
    // schema, a constant table) needs a fresh test process and every test, minutes each with the
    // whole suite. They are reported as Ignored, outside the score, unless MUTATE_STATIC=1.
    ignoreStatic: process.env.MUTATE_STATIC !== "1",
    // Reuses the last run's result for every mutant whose code and covering tests have not
    // changed. The file is not committed (reports/ is ignored): the first run on a machine is a
    // full one; --force redoes everything.
    incremental: true,
    incrementalFile: `${reports}/stryker-incremental.json`,
    reporters: ["clear-text", "progress", "html", "json"],
    htmlReporter: { fileName: `${reports}/mutation.html` },
    jsonReporter: { fileName: `${reports}/mutation.json` },
    // The suite itself starts node and tsc processes: one runner per core but one.
    concurrency: Number(process.env.MUTATE_CONCURRENCY) || Math.max(1, os.availableParallelism() - 1),
    // A loaded machine runs a mutant's tests slower than it ran the dry run: room before "Timeout".
    timeoutMS: 15000,
    timeoutFactor: 2,
    dryRunTimeoutMinutes: 30,
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
};
