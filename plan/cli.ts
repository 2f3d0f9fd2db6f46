/**
 * The offline plan's command line, shared by this repository's `npm run plan` (scripts/plan.ts)
 * and the installed `ray-vllm-eks plan` (plan/bin.ts): parsing here, running in plan/run.ts,
 * reporting in plan/report.ts.
 *
 * Exit codes: 0 planned (advisory violations are printed); 1 a mandatory policy violation in either
 * view; 2 a program or usage error.
 */
import { MOCKS_ERROR_PREFIX, PlanUsageError } from "./project";
import type { PlanOptions, PlanSetup } from "./run";

const FORMATS: readonly PlanOptions["format"][] = ["text", "github"];

/** --help: the help goes to stdout and the plan exits 0. */
export class HelpRequested extends Error {}

/** The usage lines. */
export function usage(setup: PlanSetup): string {
    const options = "[--stack <name>] [--config key=value ...] [--policy-config <file>] [--out <dir>] [--format text|github]";
    if (setup.environments().length === 0) {
        return `usage: ${setup.command} [--program <path>] ${options}`;
    }
    return `usage: ${setup.command} <env> [--format text|github]\n       ${setup.command} --program <path> ${options}`;
}

/** What --help prints: the usage, each option, the outputs and the exit codes. */
export function help(setup: PlanSetup): string {
    const envs = setup.environments();
    const programLine = setup.defaultProgram === undefined
        ? "  --program <path>         another program: a folder with Pulumi.yaml or index.ts, or a .ts file"
        : `  --program <path>         the program: a folder with Pulumi.yaml or index.ts, or a .ts file (default: ${setup.defaultProgram})`;
    const outDefault = envs.length === 0 ? "out/<project>-<stack>" : "out/<env>, or\n                           out/<project>-<stack> for a --program";
    const policyDefault = setup.environmentPolicyConfig === undefined ? "" : "\n                           (default for an environment: policy/config/<env>.json)";
    return `${usage(setup)}

Plans a Pulumi TypeScript program offline, under Pulumi's mock engine (no cloud credentials, no
Pulumi CLI), evaluates the ray-vllm-eks policy pack over it, and prints its GPU budget, serving
capacity and cost.
${envs.length === 0 ? "" : `
  <env>                    an environment of programs/ (${envs.join(", ")}), as the stack of that name`}
${programLine}
  --stack <name>           the stack to plan it as (default: ${envs.length === 0 ? "dev" : "the environment, or dev"}), with its Pulumi.<stack>.yaml
  --config, -c key=value   a config value over Pulumi.<stack>.yaml's, as pulumi preview -c (repeatable)
  --policy-config <file>   policy enforcement levels, as pulumi preview --policy-pack-config${policyDefault}
  --out <dir>              where plan.json, manifests/ and helm/ go (default: ${outDefault})
  --format text|github     github: print the policy findings as GitHub Actions annotations too
  --help, -h               this help

Exit codes: 0 planned (advisory violations are printed); 1 a mandatory policy violation; 2 a
program or usage error. A run that fails leaves no plan.json, manifests/ or helm/ in the output folder.`;
}

/** The options of a command line; throws PlanUsageError for a wrong one, HelpRequested for --help. */
export function parsePlanArgs(argv: readonly string[], setup: PlanSetup): PlanOptions {
    const o: PlanOptions = { config: [], format: "text" };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = (): string => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) {
                throw new PlanUsageError(`${arg} needs a value\n${usage(setup)}`);
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
                o.format = format as PlanOptions["format"];
                break;
            }
            case "--help": case "-h": throw new HelpRequested(help(setup));
            default:
                if (arg.startsWith("-") || o.env !== undefined || setup.environments().length === 0) {
                    throw new PlanUsageError(`unexpected argument ${JSON.stringify(arg)}\n${usage(setup)}`);
                }
                o.env = arg;
        }
    }
    if (o.env === undefined && o.program === undefined && setup.defaultProgram === undefined) {
        throw new PlanUsageError(`name an environment (${setup.environments().join(", ")}) or a --program\n${usage(setup)}`);
    }
    if (o.env !== undefined && o.program !== undefined) {
        throw new PlanUsageError(`give an environment or --program, not both\n${usage(setup)}`);
    }
    return o;
}

/** Plans as the command line says, prints the report, and returns the exit code. */
export async function planMain(argv: readonly string[], setup: PlanSetup, print: (line: string) => void = console.log): Promise<number> {
    let o: PlanOptions;
    try {
        o = parsePlanArgs(argv, setup);
    } catch (e) {
        if (e instanceof HelpRequested) {
            print(e.message);
            return 0;
        }
        throw e;
    }
    // Loaded only now: usage errors are reported without loading Pulumi.
    const { runPlan } = await import("./run");
    const { exitCode, reportLines, writePlanRun } = await import("./report");
    const run = await runPlan(o, setup);
    writePlanRun(run);
    reportLines(run, setup, o.format).forEach((line) => print(line));
    return exitCode(run);
}

/** Errors whose message says what to fix; anything else (a bug in a program) also gets its stack. */
export function isExplained(e: Error): boolean {
    const flags = e as unknown as Record<string, unknown>;
    return e.name === "ProgramError" || flags.__pulumResourceError === true || flags.__pulumiRunError === true || "details" in e
        || e.message.startsWith(MOCKS_ERROR_PREFIX);
}

/** What a failed plan prints on stderr before it exits 2. */
export function failureMessage(e: unknown): string {
    if (e instanceof PlanUsageError) {
        return `plan: ${e.message}`;
    }
    if (e instanceof Error) {
        return `plan: the program failed: ${isExplained(e) ? e.message : e.stack ?? e.message}`;
    }
    return `plan: the program failed: ${String(e)}`;
}

/** Runs the plan as a process: prints, and exits with its code (2 on any error, however it surfaces). */
export function runPlanProcess(argv: readonly string[], setup: PlanSetup): void {
    const fail = (e: unknown): never => {
        console.error(failureMessage(e));
        process.exit(2);
    };
    process.on("unhandledRejection", fail);
    process.on("uncaughtException", fail);
    planMain(argv, setup).then((code) => process.exit(code), fail);
}
