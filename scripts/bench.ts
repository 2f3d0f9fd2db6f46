/**
 * `npm run bench`: the speed and memory targets, measured on this machine.
 *
 * - The offline plan of each environment, as a user runs it (a fresh process each time):
 *   median wall time of several runs after a warm-up, and peak memory. Target: under 2 s.
 * - The whole test suite (`npm test`), once. Target: under 60 s.
 *
 * Exits 1 when a target is missed. Options: --runs N (default 5), --no-tests.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { environments, planCommand, ROOT } from "./repository";

const PLAN_TARGET_MS = 2000;
const SUITE_TARGET_MS = 60000;

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
    const start = process.hrtime.bigint();
    const r = spawnSync(command, args, { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
    }
    return ms;
}

function main(argv: string[]): number {
    const runsAt = argv.indexOf("--runs");
    const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 5;
    const [command, ...base] = planCommand();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    let ok = true;
    console.log(`offline plan, ${runs} runs after a warm-up, ${os.cpus().length} cores (target < ${PLAN_TARGET_MS} ms per environment)`);
    for (const env of environments()) {
        const args = [...base, env, "--out", path.join(tmp, env)];
        const stats = path.join(tmp, `${env}.stats.json`);
        timed(command, args);
        const times: number[] = [];
        let peakKiB = 0;
        for (let i = 0; i < runs; i++) {
            times.push(timed(command, args, { ...process.env, RAY_VLLM_EKS_PLAN_STATS: stats }));
            peakKiB = Math.max(peakKiB, (JSON.parse(fs.readFileSync(stats, "utf8")) as { maxRssKiB: number }).maxRssKiB);
        }
        const m = median(times);
        const pass = m < PLAN_TARGET_MS;
        ok &&= pass;
        console.log(`  ${env.padEnd(8)} median ${m.toFixed(0).padStart(5)} ms  (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})  peak memory ${(peakKiB / 1024).toFixed(0)} MiB  ${pass ? "ok" : "OVER TARGET"}`);
    }
    if (!argv.includes("--no-tests")) {
        const ms = timed("npx", ["mocha"]);
        const pass = ms < SUITE_TARGET_MS;
        ok &&= pass;
        console.log(`test suite (npm test): ${(ms / 1000).toFixed(1)} s  (target < ${SUITE_TARGET_MS / 1000} s)  ${pass ? "ok" : "OVER TARGET"}`);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    return ok ? 0 : 1;
}

process.exit(main(process.argv.slice(2)));
