/**
 * The offline plan of this repository: runs a Pulumi program under Pulumi's mock engine, without
 * cloud credentials or the Pulumi CLI, and writes every resource and every Kubernetes object it
 * declares.
 *
 *   npm run plan -- <env>                       # programs/<env> as stack <env>
 *   npm run plan -- --program <path> [--stack <name>] [--config key=value ...]
 *                   [--policy-config <file>] [--out <dir>]
 *   ... --format github                         # the findings as GitHub Actions annotations too
 *
 * The engine is plan/ (the installed package's `ray-vllm-eks plan` runs the same, compiled);
 * scripts/repository.ts says what only this repository has: its environments, and that
 * `ray-vllm-eks` means this clone's sources.
 *
 * plan.json holds each resource (type, name, parent, provider, dependencies, the options the
 * program set, inputs, where the program constructed it), `destroyOrder`: the steps in which
 * `pulumi destroy` would delete them (plan/destroy.ts), `findings`: every finding of the policy
 * pack (plan/findings.ts), `cost` (plan/cost.ts), and `package`: the copy of ray-vllm-eks the
 * program loaded.
 *
 * The policy pack runs twice: over the plan as recorded, and over the real engine's view of it
 * (plan/real-engine.ts: remote components as their providers register them, with their
 * children), which is what `pulumi preview --policy-pack` analyses.
 *
 * Exit codes: 0 clean (advisory violations are printed); 1 a mandatory policy violation in either
 * view; 2 a program or usage error.
 */
import * as fs from "fs";

import { runPlanProcess } from "../plan/cli";
import { REPOSITORY_SETUP } from "./repository";

// `npm run bench` reads the plan's peak memory from here (resident set size, KiB).
if (process.env.RAY_VLLM_EKS_PLAN_STATS) {
    const statsFile = process.env.RAY_VLLM_EKS_PLAN_STATS;
    process.on("exit", () => fs.writeFileSync(statsFile, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })));
}

runPlanProcess(process.argv.slice(2), REPOSITORY_SETUP);
