/**
 * Running an offline plan: what to plan (an environment or a program, its stack and config), the
 * program under the mock engine, the policy pack over both engine views, and the cost. It prints
 * and writes nothing (plan/report.ts does) except clearing the last run's output first.
 *
 * What differs between this repository's `npm run plan` and the installed `ray-vllm-eks plan` is a
 * {@link PlanSetup}: environments, where output goes, module aliases, which installed package the
 * program must load, and the sections printed after the resource summary.
 */
import * as fs from "fs";
import * as path from "path";

import { planGpuBudget } from "./budget";
import { servingCapacityLines } from "./capacity";
import { costEstimate, CostEstimate, costLines } from "./cost";
import { PlanResult, ProgramError, runProgram } from "./engine";
import { Finding, findingsOf, PlanView } from "./findings";
import { DEFAULT_MOCK_ENVIRONMENT } from "./mocks";
import { Violation } from "./policies";
import { loadPolicyConfig, PlanUsageError, Program, resolveProgram } from "./project";
import { clearPlan, collisions } from "./render";

/** What the command line asked for (plan/cli.ts parses it). */
export interface PlanOptions {
    /** An environment of the setup's (this repository's programs/). */
    env?: string;
    /** The path of a program: a folder with Pulumi.yaml or index.ts, or a .ts file. */
    program?: string;
    stack?: string;
    /** `key=value` overrides, as `pulumi preview -c`. */
    config: string[];
    policyConfig?: string;
    out?: string;
    /** "github": the pack's findings are printed as GitHub Actions annotations too. */
    format: "text" | "github";
}

/** A printout after the resource summary: its lines for a run (none to print nothing). */
export type PlanSection = (run: PlanRun) => string[];

/** What one way of running the plan knows that another does not. */
export interface PlanSetup {
    /** The command as a user types it, for usage messages: `npm run plan --`, `ray-vllm-eks plan`. */
    command: string;
    /** Where the default output folders go: `<baseDir>/out/<env>`, `<baseDir>/out/<project>-<stack>`. */
    baseDir: string;
    /** The environments a first argument may name (none: the command takes only --program). */
    environments: () => string[];
    /** The Pulumi project the environments are stacks of (its Pulumi.yaml picks the program by stack). */
    environmentProjectDir?: string;
    /** An environment's policy config file, used when --policy-config is not given. */
    environmentPolicyConfig?: (env: string) => string | undefined;
    /** The program planned when neither an environment nor --program is given (none: one must be). */
    defaultProgram?: string;
    /** Module names resolved to a file of their own (this repository: `ray-vllm-eks` to its sources). */
    aliases: Readonly<Record<string, string>>;
    /** The npm name of this package, whose copy the plan reports. */
    packageName: string;
    /**
     * The root of the installed package this command belongs to: a program must load this very copy
     * of {@link packageName}, or none. Unset in this repository, whose aliases decide.
     */
    installedRoot?: string;
    /** Runs before the program loads, once it is known (the installed command: a TypeScript loader for it). */
    beforeRun?: (program: Program) => void;
    /** The printouts after the resource summary, in order (default {@link DEFAULT_SECTIONS}: GPU budget, serving capacity, cost). */
    sections?: readonly PlanSection[];
}

/** The copy of the package the program loaded. */
export interface LoadedPackage {
    name: string;
    version: string;
    /** The package's folder, or the source file an alias maps it to. */
    path: string;
    /** True when an alias maps the name to source files. */
    source: boolean;
}

/** The policy pack over one view of the plan. */
export interface EvaluatedView {
    view: PlanView;
    plan: PlanResult;
    violations: Violation[];
    /** What the view's notes say of it (the real engine's: which components it replays). */
    notes: string[];
}

/** Everything one plan found. */
export interface PlanRun {
    program: Program;
    out: string;
    policyConfigFile?: string;
    plan: PlanResult;
    /** The recorded view first, then the real engine's. */
    views: EvaluatedView[];
    findings: Finding[];
    region: string;
    cost: CostEstimate | undefined;
    /** The copy of the package the program loaded; undefined when it loaded none. */
    package?: LoadedPackage;
    /** How many policies the pack has. */
    policyCount: number;
}

/** The program, the output folder and the policy config file the options name. */
export function resolveTarget(o: PlanOptions, setup: PlanSetup): { program: Program; out: string; policyConfigFile?: string } {
    if (o.env !== undefined) {
        const envs = setup.environments();
        if (!envs.includes(o.env) || setup.environmentProjectDir === undefined) {
            throw new PlanUsageError(envs.length === 0
                ? `unexpected argument ${JSON.stringify(o.env)}: ${setup.command} plans a program: give its folder with --program <path>.`
                : `unknown environment ${JSON.stringify(o.env)}: use one of ${envs.join(", ")}, or --program <path> for another program.`);
        }
        const program = resolveProgram(setup.environmentProjectDir, o.stack ?? o.env, o.config);
        return {
            program,
            out: o.out ?? path.join(setup.baseDir, "out", o.env),
            policyConfigFile: o.policyConfig ?? setup.environmentPolicyConfig?.(o.env),
        };
    }
    const programPath = o.program ?? setup.defaultProgram;
    if (programPath === undefined) {
        throw new PlanUsageError(`name an environment (${setup.environments().join(", ")}) or a --program`);
    }
    const program = resolveProgram(programPath, o.stack ?? "dev", o.config);
    return { program, out: o.out ?? path.join(setup.baseDir, "out", `${program.project}-${program.stack}`), policyConfigFile: o.policyConfig };
}

function manifestOf(root: string): { name?: string; version?: string; main?: string } {
    return JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { name?: string; version?: string; main?: string };
}

/** What the project's package.json asks for `name` (in any of its dependency lists), or undefined. */
function declaredDependency(projectDir: string, name: string): string | undefined {
    const file = path.join(projectDir, "package.json");
    if (!fs.existsSync(file)) {
        return undefined;
    }
    const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Record<string, string> | undefined>;
    return ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"].map((k) => manifest[k]?.[name]).find((v) => v !== undefined);
}

/** The folder of the copy of `name` Node resolves from `dir`, or undefined when there is none. */
export function installedPackageRoot(name: string, dir: string): string | undefined {
    try {
        return fs.realpathSync(path.dirname(require.resolve(`${name}/package.json`, { paths: [dir] })));
    } catch {
        return undefined;
    }
}

/**
 * The copy of the package a program will load, and the file that loading it requires first (its
 * main module, or the alias's file). For an installed command, refuses a program that would load
 * another copy than the command's own, or whose copy does not load.
 */
export function packageFor(program: Program, setup: PlanSetup): { package: LoadedPackage; main: string } | undefined {
    const name = setup.packageName;
    const alias = setup.aliases[name];
    if (alias !== undefined) {
        const version = manifestOf(path.dirname(alias)).version ?? "0.0.0";
        return { package: { name, version, path: alias, source: true }, main: alias };
    }
    const from = path.dirname(program.entry);
    const root = installedPackageRoot(name, from);
    if (root === undefined) {
        const declared = declaredDependency(program.projectDir, name);
        if (declared !== undefined) {
            throw new PlanUsageError(`the program's package.json depends on ${name} (${declared}), which is not installed in ${path.join(program.projectDir, "node_modules")}: run npm install (or npm ci) in ${program.projectDir}, and plan again.`);
        }
        return undefined;
    }
    const { version = "0.0.0" } = manifestOf(root);
    if (setup.installedRoot !== undefined && root !== fs.realpathSync(setup.installedRoot)) {
        const own = manifestOf(setup.installedRoot).version ?? "0.0.0";
        throw new PlanUsageError(`the program ${path.relative(process.cwd(), program.entry) || program.entry} loads ${name} ${version} from ${root}, `
            + `but this command is ${name} ${own} from ${fs.realpathSync(setup.installedRoot)}: run the project's own copy (npx ${name} plan, from the project's folder), so the plan checks the package the program deploys with.`);
    }
    let main: string;
    try {
        main = require.resolve(name, { paths: [from] });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require(main);
    } catch (e) {
        throw new PlanUsageError(`the installed ${name} ${version} in ${root} does not load: ${(e as Error).message.split("\n")[0]}: reinstall it (npm ci, or npm install ${name}), and plan again.`);
    }
    return { package: { name, version, path: root, source: false }, main };
}

/**
 * Plans: clears the last run's output, runs the program under the mock engine, and evaluates the
 * policy pack over the plan as recorded and over the real engine's view of it.
 */
export async function runPlan(o: PlanOptions, setup: PlanSetup): Promise<PlanRun> {
    const { program, out, policyConfigFile } = resolveTarget(o, setup);
    // A failed run must not leave the last run's plan looking current: what this run writes goes
    // only once the program has run and the pack has evaluated it.
    clearPlan(out);
    const policyConfig = policyConfigFile ? loadPolicyConfig(policyConfigFile) : {};
    setup.beforeRun?.(program);
    const pkg = packageFor(program, setup);
    const plan = await runProgram(program, { aliases: setup.aliases });
    const clashes = collisions(plan);
    if (clashes.length > 0) {
        throw new ProgramError(clashes.join("\n"));
    }
    // The policy pack, over the plan as recorded (remote components with their inputs), then as
    // `pulumi preview` sends it to the analyzer (remote components without inputs, and their
    // providers' children). Loaded only now: usage errors are reported without loading it.
    const { allPolicies } = await import("../policy/policies");
    const { evaluatePolicies } = await import("./policies");
    const { realEngineNotes, realEngineView } = await import("./real-engine");
    const candidates: Omit<EvaluatedView, "violations">[] = [
        { view: "recorded", plan, notes: [] },
        { view: "real-engine", plan: realEngineView(plan), notes: realEngineNotes(plan) },
    ];
    const views: EvaluatedView[] = [];
    for (const v of candidates) {
        views.push({ ...v, violations: await evaluatePolicies(v.plan, allPolicies, policyConfig) });
    }
    const findings = views.flatMap((v) => findingsOf(v.view, v.violations, v.plan.resources));
    // What the environment costs, from the AWS resources the real engine creates.
    const region = program.config.values["aws:region"] ?? DEFAULT_MOCK_ENVIRONMENT.region;
    const cost = costEstimate(views[1].plan.resources, region);
    return {
        program, out, policyConfigFile, plan, views, findings, region, cost,
        // Loaded by the program: a plan runs in a process of its own, where nothing else loads the package.
        ...(pkg !== undefined && require.cache[pkg.main] !== undefined ? { package: pkg.package } : {}),
        policyCount: allPolicies.length,
    };
}

/** The GPU budget, NodePool by NodePool: the policy pack's gpu-budget analysis (policy/gpu.ts). */
export const gpuBudgetSection: PlanSection = (run) => planGpuBudget(run.plan);

/** Each VllmRayService's serving capacity, model by model. */
export const servingCapacitySection: PlanSection = (run) => servingCapacityLines(run.plan.resources);

/** What the environment costs an hour and a month, at its idle floor and at its limits. */
export const costSection: PlanSection = (run) => costLines(run.cost, run.region);

/** The sections both commands print. */
export const DEFAULT_SECTIONS: readonly PlanSection[] = [gpuBudgetSection, servingCapacitySection, costSection];
