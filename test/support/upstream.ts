/**
 * The upstream data the tests read (CRDs, charts' default values), vendored in test/data/upstream
 * with its provenance and licences (see its README.md). A missing file fails the test that needs
 * it, unless RAY_VLLM_EKS_SKIP_UPSTREAM=1 says to skip such tests on purpose (README,
 * "Development").
 */
import * as fs from "fs";
import * as path from "path";

/** The folder of the vendored upstream data. */
export const UPSTREAM_DIR = path.resolve(__dirname, "..", "data", "upstream");

/** Set to "1" to skip, rather than fail, the tests whose upstream data is missing. */
export const SKIP_UPSTREAM_ENV = "RAY_VLLM_EKS_SKIP_UPSTREAM";

/**
 * The path of a vendored file or folder (`upstreamPath(this, "charts", "karpenter")`). When it is
 * missing: with RAY_VLLM_EKS_SKIP_UPSTREAM=1 the test (or, from a hook, the suite) is skipped with
 * the reason printed; otherwise this throws, and the test fails naming what is missing.
 */
export function upstreamPath(ctx: Mocha.Context, ...segments: string[]): string {
    const p = path.join(UPSTREAM_DIR, ...segments);
    if (fs.existsSync(p)) {
        return p;
    }
    const where = path.relative(path.resolve(__dirname, "..", ".."), p);
    if (process.env[SKIP_UPSTREAM_ENV] === "1") {
        console.log(`    skipped: ${where} is missing and ${SKIP_UPSTREAM_ENV}=1`);
        ctx.skip();
    }
    throw new Error(`${where} is missing: the tests read the upstream data vendored in test/data/upstream (see its README.md). Restore it (git checkout -- test/data/upstream), or set ${SKIP_UPSTREAM_ENV}=1 to skip the tests that need it.`);
}
