/**
 * What the offline plan knows only in this repository: its root, its environments (programs/),
 * their policy configs (policy/config/), the `npm run plan` command line, and that
 * `ray-vllm-eks` means this clone's sources. The installed `ray-vllm-eks plan` (plan/bin.ts) has
 * none of these.
 */
import * as fs from "fs";
import * as path from "path";

import type { PlanSetup } from "../plan/run";

/** The repository's root. */
export const ROOT = path.resolve(__dirname, "..");

/** The environments: the folders of programs/ with an index.ts, sorted. */
export function environments(root: string = ROOT): string[] {
    const dir = path.join(root, "programs");
    return fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, "index.ts"))).sort();
}

/** The `plan` npm script's command line (executable first), for tools that run it as a user does. */
export function planCommand(root: string = ROOT): string[] {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    return pkg.scripts.plan.split(/\s+/);
}

/** `ray-vllm-eks` is this clone's index.ts, for the environments, the examples and any --program. */
export const SOURCE_ALIASES: Readonly<Record<string, string>> = { "ray-vllm-eks": path.join(ROOT, "index.ts") };

/** `npm run plan`: this repository's environments and sources. */
export const REPOSITORY_SETUP: PlanSetup = {
    command: "npm run plan --",
    baseDir: ROOT,
    environments: () => environments(),
    environmentProjectDir: ROOT,
    environmentPolicyConfig: (env) => {
        const file = path.join(ROOT, "policy", "config", `${env}.json`);
        return fs.existsSync(file) ? file : undefined;
    },
    aliases: SOURCE_ALIASES,
    packageName: "ray-vllm-eks",
};
