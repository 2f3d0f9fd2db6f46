/**
 * The offline plan: runs a Pulumi program under Pulumi's mock engine, without cloud
 * credentials or the Pulumi CLI, and writes every resource and every Kubernetes object it
 * declares.
 *
 *   npm run plan -- <env>                       # programs/<env> as stack <env>
 *   npm run plan -- --program <path> [--stack <name>] [--config key=value ...]
 *                   [--policy-config <file>] [--out <dir>]
 *   ... --format github                         # the findings as GitHub Actions annotations too
 *
 * plan.json holds each resource (type, name, parent, provider, dependencies, the options the
 * program set, inputs, where the program constructed it), `destroyOrder`: the steps in which
 * `pulumi destroy` would delete them (scripts/plan/destroy.ts), and `findings`: every finding of
 * the policy pack (scripts/plan/findings.ts).
 *
 * The policy pack runs twice: over the plan as recorded, and over the real engine's view of it
 * (scripts/plan/real-engine.ts: remote components as their providers register them, with their
 * children), which is what `pulumi preview --policy-pack` analyses.
 *
 * Exit codes: 0 clean (advisory violations are printed); 1 a mandatory policy violation in either
 * view; 2 a program or usage error.
 */
import * as fs from "fs";
import * as path from "path";

import { environments, loadPolicyConfig, MOCKS_ERROR_PREFIX, PlanUsageError, Program, resolveProgram, ROOT } from "./plan/project";

const USAGE = `usage: npm run plan -- <env> [--format text|github]
       npm run plan -- --program <path> [--stack <name>] [--config key=value ...] [--policy-config <file>] [--out <dir>] [--format text|github]`;

/** What --help prints: the usage, each option, the outputs and the exit codes. */
const help = (envs: string[]): string => `${USAGE}

Plans a Pulumi TypeScript program offline, under Pulumi's mock engine (no cloud credentials, no
Pulumi CLI), evaluates the policy pack over it, and prints its GPU budget, serving capacity and cost.

  <env>                    an environment of programs/ (${envs.join(", ")}), as the stack of that name
  --program <path>         another program: a folder with Pulumi.yaml or index.ts, or a .ts file
  --stack <name>           the stack to plan it as (default: the environment, or dev)
  --config, -c key=value   a config value over Pulumi.<stack>.yaml's, as pulumi preview -c (repeatable)
  --policy-config <file>   policy enforcement levels, as pulumi preview --policy-pack-config
                           (default for an environment: policy/config/<env>.json)
  --out <dir>              where plan.json, manifests/ and helm/ go (default: out/<env>, or
                           out/<project>-<stack> for a --program)
  --format text|github     github: print the policy findings as GitHub Actions annotations too
  --help, -h               this help

Exit codes: 0 planned (advisory violations are printed); 1 a mandatory policy violation; 2 a
program or usage error. A run that fails leaves no plan.json, manifests/ or helm/ in the output folder.`;

/** --help: the help goes to stdout and the plan exits 0. */
class HelpRequested extends Error {}

const FORMATS = ["text", "github"] as const;

interface Options {
    env?: string;
    program?: string;
    stack?: string;
    config: string[];
    policyConfig?: string;
    out?: string;
    /** "github": the pack's findings are printed as GitHub Actions annotations too. */
    format: (typeof FORMATS)[number];
}

function parseArgs(argv: string[]): Options {
    const o: Options = { config: [], format: "text" };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = (): string => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) {
                throw new PlanUsageError(`${arg} needs a value\n${USAGE}`);
            }
            return v;
        };
        switch (arg) {
            case "--program": o.program = value(); break;
            case "--stack": o.stack = value(); break;
            case "--config": case "-c": o.config.push(value()); break;
            case "--policy-config": o.policyConfig = value(); break;
            case "--out": o.out = value(); break;
            case "--format": {
                const format = value();
                if (!(FORMATS as readonly string[]).includes(format)) {
                    throw new PlanUsageError(`--format ${JSON.stringify(format)} is not a format: use text (the default) or github (the findings as GitHub Actions annotations too).`);
                }
                o.format = format as Options["format"];
                break;
            }
            case "--help": case "-h": throw new HelpRequested(help(environments()));
            default:
                if (arg.startsWith("-") || o.env !== undefined) {
                    throw new PlanUsageError(`unexpected argument ${JSON.stringify(arg)}\n${USAGE}`);
                }
                o.env = arg;
        }
    }
    if (o.env === undefined && o.program === undefined) {
        throw new PlanUsageError(`name an environment (${environments().join(", ")}) or a --program\n${USAGE}`);
    }
    if (o.env !== undefined && o.program !== undefined) {
        throw new PlanUsageError(`give an environment or --program, not both\n${USAGE}`);
    }
    return o;
}

function resolve(o: Options): { program: Program; out: string } {
    if (o.env !== undefined) {
        const envs = environments();
        if (!envs.includes(o.env)) {
            throw new PlanUsageError(`unknown environment ${JSON.stringify(o.env)}: use one of ${envs.join(", ")}, or --program <path> for another program.`);
        }
        const program = resolveProgram(ROOT, o.stack ?? o.env, o.config);
        return { program, out: o.out ?? path.join(ROOT, "out", o.env) };
    }
    const program = resolveProgram(o.program!, o.stack ?? "dev", o.config);
    return { program, out: o.out ?? path.join(ROOT, "out", `${program.project}-${program.stack}`) };
}

async function main(argv: string[]): Promise<number> {
    let o: Options;
    try {
        o = parseArgs(argv);
    } catch (e) {
        if (e instanceof HelpRequested) {
            console.log(e.message);
            return 0;
        }
        throw e;
    }
    const { program, out } = resolve(o);
    // A failed run must not leave the last run's plan looking current: what this run writes goes
    // only once the program has run and the pack has evaluated it.
    (await import("./plan/render")).clearPlan(out);
    // An environment's plan uses its policy config (policy/config/<env>.json) unless one is given.
    const envPolicyConfig = o.env !== undefined ? path.join(ROOT, "policy", "config", `${o.env}.json`) : undefined;
    const policyConfigFile = o.policyConfig ?? (envPolicyConfig && fs.existsSync(envPolicyConfig) ? envPolicyConfig : undefined);
    const policyConfig = policyConfigFile ? loadPolicyConfig(policyConfigFile) : {};
    // Loaded only now: usage errors are reported without loading Pulumi.
    const { runProgram, ProgramError } = await import("./plan/engine");
    const plan = await runProgram(program);
    const { collisions, kubernetesObjects, summarize, writePlan } = await import("./plan/render");
    const clashes = collisions(plan);
    if (clashes.length > 0) {
        throw new ProgramError(clashes.join("\n"));
    }
    // The policy pack, over the plan as recorded (remote components with their inputs), then as
    // `pulumi preview` sends it to the analyzer (remote components without inputs, and their
    // providers' children); plan.json records every finding of both.
    const { allPolicies } = await import("../policy/policies");
    const { evaluatePolicies } = await import("./plan/policies");
    const { realEngineNotes, realEngineView } = await import("./plan/real-engine");
    const { findingsOf, githubAnnotations } = await import("./plan/findings");
    const configNote = policyConfigFile ? ` (config ${path.relative(process.cwd(), policyConfigFile)})` : "";
    const views = [
        { view: "recorded" as const, label: `policy pack${configNote}`, plan, notes: [] as string[] },
        { view: "real-engine" as const, label: `policy pack, real engine's view${configNote}`, plan: realEngineView(plan), notes: realEngineNotes(plan) },
    ];
    const evaluated = [];
    for (const view of views) {
        const violations = await evaluatePolicies(view.plan, allPolicies, policyConfig);
        evaluated.push({ ...view, violations, findings: findingsOf(view.view, violations, view.plan.resources) });
    }
    const findings = evaluated.flatMap((v) => v.findings);
    // What the environment costs, from the AWS resources the real engine creates.
    const { costEstimate, costLines } = await import("./plan/cost");
    const { DEFAULT_MOCK_ENVIRONMENT } = await import("./plan/mocks");
    const region = program.config.values["aws:region"] ?? DEFAULT_MOCK_ENVIRONMENT.region;
    const cost = costEstimate(views[1].plan.resources, region);
    writePlan(plan, out, findings, cost ?? { region, estimated: false, reason: `no price table for ${region}` });
    const rel = path.relative(process.cwd(), out) || ".";
    console.log(`offline plan of ${program.project} (stack ${program.stack}), program ${path.relative(process.cwd(), program.entry)}`);
    console.log(summarize(plan));
    console.log(`wrote ${rel}/plan.json (${plan.resources.length} resources) and ${rel}/manifests/ (${kubernetesObjects(plan).length} Kubernetes objects)`);

    // The GPU budget, NodePool by NodePool: the policy pack's gpu-budget analysis (policy/gpu.ts).
    const { planGpuBudget } = await import("./plan/budget");
    for (const line of planGpuBudget(plan)) {
        console.log(line);
    }
    const { servingCapacityLines } = await import("./plan/capacity");
    servingCapacityLines(plan.resources).forEach((line) => console.log(line));
    costLines(cost, region).forEach((line) => console.log(line));

    let mandatory = 0;
    for (const { label, violations, notes } of evaluated) {
        const count = violations.filter((v) => v.enforcementLevel === "mandatory").length;
        mandatory += count;
        console.log(`${label}: ${allPolicies.length} policies, ${violations.length === 0 ? "no violations" : `${violations.length} violation${violations.length === 1 ? "" : "s"} (${count} mandatory)`}`);
        for (const v of violations) {
            console.log(`  [${v.enforcementLevel}] ${v.policy}: ${v.resource}: ${v.message}`);
        }
        for (const note of notes) {
            console.log(`  note: ${note}`);
        }
    }
    if (o.format === "github") {
        githubAnnotations(findings).forEach((line) => console.log(line));
    }
    return mandatory > 0 ? 1 : 0;
}

/** Errors whose message says what to fix; anything else (a bug in a program) also gets its stack. */
function isExplained(e: Error): boolean {
    const flags = e as unknown as Record<string, unknown>;
    return e.name === "ProgramError" || flags.__pulumResourceError === true || flags.__pulumiRunError === true || "details" in e
        || e.message.startsWith(MOCKS_ERROR_PREFIX);
}

function fail(e: unknown): never {
    if (e instanceof PlanUsageError) {
        console.error(`plan: ${e.message}`);
    } else if (e instanceof Error) {
        console.error(`plan: the program failed: ${isExplained(e) ? e.message : e.stack ?? e.message}`);
    } else {
        console.error(`plan: the program failed: ${String(e)}`);
    }
    process.exit(2);
}

// `npm run bench` reads the plan's peak memory from here (resident set size, KiB).
if (process.env.RAY_VLLM_EKS_PLAN_STATS) {
    const statsFile = process.env.RAY_VLLM_EKS_PLAN_STATS;
    process.on("exit", () => fs.writeFileSync(statsFile, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })));
}

process.on("unhandledRejection", fail);
process.on("uncaughtException", fail);
main(process.argv.slice(2)).then((code) => process.exit(code), fail);
