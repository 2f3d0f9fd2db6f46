/**
 * Loaded by StrykerJS only (stryker.config.mjs mochaOptions.require), never by `npm test`: gives
 * the code a `before` hook runs to every test of the hook's suite, in StrykerJS's per-test coverage.
 *
 * StrykerJS's mocha runner records which tests cover a mutant by setting
 * `__stryker__.currentTestId` in a root `beforeEach` and never clearing it
 * (@stryker-mutator/mocha-runner 9.6.1, dist/src/mocha-test-runner.js, `dryRun`). What a suite's
 * `before` hook runs (a component constructed once, its builders, the mock engine's registrations)
 * is then counted for the test that ran just before, usually in another file; for a mutant there,
 * StrykerJS runs that one test, which never runs the hook, and reports the mutant as surviving
 * while the suite's own tests would have failed (stryker-js#4175 reports the same for Jest's
 * beforeAll). Here each `before` hook of every suite counts its coverage under its own id while it
 * runs, then adds it to every test below that suite: running any of them runs the hook.
 */
import type { Context, Done, Hook, Suite } from "mocha";

interface Coverage { static: Record<string, number>; perTest: Record<string, Record<string, number>> }
interface Instrumenter { currentTestId?: string; mutantCoverage?: Coverage }

function instrumenter(): Instrumenter {
    const g = globalThis as unknown as { __stryker__?: Instrumenter };
    return (g.__stryker__ ??= {});
}

/** The full titles of every test in `suite` and the suites below it: StrykerJS's test ids. */
function testIds(suite: Suite): string[] {
    return [...suite.tests.map((t) => t.fullTitle()), ...suite.suites.flatMap(testIds)];
}

/** Adds what the hook `id` covered to each of `tests`, and forgets it under `id`. */
function attribute(id: string, tests: string[]): void {
    const perTest = instrumenter().mutantCoverage?.perTest;
    const covered = perTest?.[id];
    if (!perTest || !covered) {
        return;
    }
    delete perTest[id];
    for (const test of tests) {
        const counts = (perTest[test] ??= {});
        for (const [mutant, hits] of Object.entries(covered)) {
            counts[mutant] = (counts[mutant] ?? 0) + hits;
        }
    }
}

/** The hooks already wrapped: StrykerJS runs the same loaded suites once per mutant. */
const tracked = new WeakSet<Hook>();

/** Runs `hook` under its own coverage id, then gives that coverage to its suite's tests. */
function track(suite: Suite, hook: Hook, index: number): void {
    const original = hook.fn;
    if (!original || tracked.has(hook)) {
        return;
    }
    tracked.add(hook);
    const id = `${suite.fullTitle()} "before all" hook #${index}`;
    const ns = instrumenter();
    const begin = (): string | undefined => {
        const previous = ns.currentTestId;
        ns.currentTestId = id;
        return previous;
    };
    const end = (previous: string | undefined): void => {
        attribute(id, testIds(suite));
        ns.currentTestId = previous;
    };
    if (original.length > 0) {
        hook.fn = function (this: Context, done: Done): void {
            const previous = begin();
            (original as (this: Context, done: Done) => void).call(this, (err?: unknown) => {
                end(previous);
                done(err);
            });
        };
        return;
    }
    hook.fn = function (this: Context): unknown {
        const previous = begin();
        let result: unknown;
        try {
            result = (original as (this: Context) => unknown).call(this);
        } catch (e) {
            end(previous);
            throw e;
        }
        if (result instanceof Promise) {
            return result.then(
                (value) => { end(previous); return value; },
                (e: unknown) => { end(previous); throw e; },
            );
        }
        end(previous);
        return result;
    };
}

function trackAll(suite: Suite): void {
    (suite as unknown as { _beforeAll: Hook[] })._beforeAll.forEach((hook, i) => track(suite, hook, i));
    suite.suites.forEach(trackAll);
}

/**
 * Runs `load` (a test that loads modules afresh) as StrykerJS counts a module's loading: as static
 * coverage, not the running test's. Otherwise every constant of the reloaded modules would count as
 * covered by that one test, and StrykerJS would run their mutants with it alone instead of
 * leaving them out of the score with the other static mutants (stryker.config.mjs ignoreStatic).
 * Outside StrykerJS it only runs `load`.
 */
export function asModuleLoad<T>(load: () => T): T {
    const ns = instrumenter();
    const previous = ns.currentTestId;
    ns.currentTestId = undefined;
    try {
        return load();
    } finally {
        ns.currentTestId = previous;
    }
}

export const mochaHooks = {
    beforeAll(this: Context): void {
        // The root suite: every file has loaded, so every suite and hook exists.
        let root = this.test?.parent;
        while (root?.parent) {
            root = root.parent;
        }
        if (root) {
            trackAll(root);
        }
    },
};
