import * as fs from "fs";
import * as path from "path";

import { ROOT } from "../../scripts/repository";

/**
 * Where the repository's own sources are, as written. `npm run mutate` runs the suite in a
 * sandbox copy (<repo>/.stryker-tmp/sandbox-<id>, stryker.config.mjs `tempDirName`) in which
 * StrykerJS has rewritten every mutated file with its instrumentation. A test of source text (an
 * import, a call site, the reference docs) reads the originals: in its sandbox no mutant is active
 * for a text anyway, and the instrumented text matches nothing the test looks for.
 */
export const SOURCE_ROOT = path.basename(path.dirname(ROOT)) === ".stryker-tmp" ? path.dirname(path.dirname(ROOT)) : ROOT;

/** A source file of the repository, as written (see SOURCE_ROOT). */
export function readSource(file: string): string {
    return fs.readFileSync(path.join(SOURCE_ROOT, file), "utf8");
}
