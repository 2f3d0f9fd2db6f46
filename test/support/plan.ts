/**
 * Runs the offline plan as a user does (`npm run plan -- ...`): the same command line as the
 * npm script, without npm's own start-up cost.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { planCommand, ROOT } from "../../scripts/repository";

export { environments, ROOT } from "../../scripts/repository";

export interface PlanRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs a command to its end; a command that could not start (ENOENT, output too large) reports code 1 and why. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<PlanRun> {
    return new Promise((resolve) => {
        execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            const ran = !error || typeof error.code === "number";
            resolve({ code: error ? (ran ? (error.code as number) : 1) : 0, stdout, stderr: ran ? stderr : `${error}\n${stderr}` });
        });
    });
}

/** `npm run plan -- <args>`, run from the repository's root. */
export function plan(...args: string[]): Promise<PlanRun> {
    const [command, ...base] = planCommand();
    return run(command, [...base, ...args], ROOT);
}

/**
 * A slow process a test file needs, started as the suite loads so that the suite's processes
 * overlap, and awaited by the tests that read it. Under `npm run mutate` (StrykerJS's test runner
 * processes have STRYKER_MUTATOR_WORKER set) it starts on first use instead: StrykerJS reloads
 * every test file for some mutants and then runs only the few tests that cover the mutant, which
 * must not wait for processes that no test of that run reads.
 */
export function startedEarly<T>(start: () => Promise<T>): () => Promise<T> {
    let started: Promise<T> | undefined;
    const get = (): Promise<T> => (started ??= start());
    if (process.env.STRYKER_MUTATOR_WORKER === undefined) {
        get();
    }
    return get;
}

const planned = new Map<string, Promise<PlanRun & { out: string }>>();
let shared: string | undefined;

/**
 * The offline plan of an environment, run once per test process and shared by the test files
 * that read it (each plan is its own process: Pulumi's mock engine is process-wide).
 *
 * Under `npm run mutate`, once per mutation run: StrykerJS activates a mutant only inside its
 * test runner process (its mocha runner sets no __STRYKER_ACTIVE_MUTANT__ for child processes), so
 * every plan process runs the original code and gives the same result, and a runner process that
 * StrykerJS restarts for a mutant reads it from the sandbox (.plans/, gone with the sandbox).
 */
export function environmentPlan(env: string): Promise<PlanRun & { out: string }> {
    if (!planned.has(env)) {
        planned.set(env, process.env.STRYKER_MUTATOR_WORKER === undefined ? planOnce(env) : planOncePerMutationRun(env));
    }
    return planned.get(env)!;
}

function planOnce(env: string): Promise<PlanRun & { out: string }> {
    if (shared === undefined) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "environment-plans-"));
        process.on("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
        shared = dir;
    }
    const out = path.join(shared, env);
    return plan(env, "--out", out).then((r) => ({ ...r, out }));
}

async function planOncePerMutationRun(env: string): Promise<PlanRun & { out: string }> {
    const dir = path.join(ROOT, ".plans");
    const out = path.join(dir, env);
    const result = path.join(dir, `${env}.json`);
    if (!fs.existsSync(result)) {
        // Runner processes may plan the same environment at once: each in its own folder, renamed
        // into place unless another's is there already (the same plan: renaming onto it fails).
        const own = `${out}.${process.pid}`;
        const r = await plan(env, "--out", own);
        try {
            fs.renameSync(own, out);
        } catch {
            fs.rmSync(own, { recursive: true, force: true });
        }
        fs.writeFileSync(`${result}.${process.pid}`, JSON.stringify(r));
        fs.renameSync(`${result}.${process.pid}`, result);
    }
    return { ...(JSON.parse(fs.readFileSync(result, "utf8")) as PlanRun), out };
}

/** Every file below `dir`, relative to it with "/" separators, sorted. */
export function filesBelow(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string): void => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
            const full = path.join(d, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else {
                out.push(path.relative(dir, full).split(path.sep).join("/"));
            }
        }
    };
    walk(dir);
    return out.sort();
}

/** The lines that close every cost estimate the plan prints (plan/cost.ts): its assumptions and what it leaves out. */
export const COST_FOOTER: readonly string[] = [
        "  assumed: spot capacity at 40% of the on-demand price (spot prices move by hour and zone, and a spot-first pool pays on-demand when spot has no capacity); 730 hours a month; "
            + "Prometheus and Alertmanager at one replica; each GPU worker pod on a node of its own instance type",
        "  not counted: data processed by NAT gateways and load balancers (per GB) and load balancer capacity units; data transfer; CloudWatch logs and metrics; EBS snapshots, S3 and ECR",
];
