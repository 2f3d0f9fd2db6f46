/**
 * Runs the offline plan as a user does (`npm run plan -- ...`): the same command line as the
 * npm script, without npm's own start-up cost.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { planCommand, ROOT } from "../../scripts/plan/project";

export { environments, ROOT } from "../../scripts/plan/project";

export interface PlanRun {
    code: number;
    stdout: string;
    stderr: string;
}

/** `npm run plan -- <args>`, run from the repository's root. */
export function plan(...args: string[]): Promise<PlanRun> {
    const [command, ...base] = planCommand();
    return new Promise((resolve) => {
        execFile(command, [...base, ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
            resolve({ code, stdout, stderr });
        });
    });
}

/** Every file below `dir`, relative to it, sorted. */
export function filesBelow(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string): void => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
            const full = path.join(d, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else {
                out.push(path.relative(dir, full));
            }
        }
    };
    walk(dir);
    return out.sort();
}
