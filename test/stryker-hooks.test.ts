/**
 * test/support/stryker-hooks.ts, the mutation run's correction of StrykerJS's per-test coverage:
 * what a suite's `before` hook covers counts for every test below the suite, under each hook kind
 * mocha runs (synchronous, promise, done callback), once however often mocha runs the suites, and
 * a module loaded afresh inside a test counts as static. Built on mocha's own Suite, Test and Hook.
 */
import * as assert from "node:assert/strict";
import Mocha from "mocha";

import { asModuleLoad, mochaHooks } from "./support/stryker-hooks";

interface Coverage { static: Record<string, number>; perTest: Record<string, Record<string, number>> }
interface Instrumenter { currentTestId?: string; mutantCoverage?: Coverage }

const ns = (): Instrumenter => ((globalThis as unknown as { __stryker__?: Instrumenter }).__stryker__ ??= {});

/** What instrumented code does when it runs: counts `mutant` for the current test, or as static. */
function cover(mutant: string): void {
    const coverage = ns().mutantCoverage!;
    const id = ns().currentTestId;
    const counts = id === undefined ? coverage.static : (coverage.perTest[id] ??= {});
    counts[mutant] = (counts[mutant] ?? 0) + 1;
}

/** outer (tests t1, t2) > inner (test t3), beside other (test t4); `hook` is outer's before hook. */
function suites(hook: Mocha.Func | Mocha.AsyncFunc): { root: Mocha.Suite; outer: Mocha.Suite } {
    // Mocha's root suite (its third argument, isRoot, is missing from @types/mocha).
    const root = new (Mocha.Suite as unknown as new (title: string, ctx: Mocha.Context, isRoot: boolean) => Mocha.Suite)("", new Mocha.Context(), true);
    const outer = Mocha.Suite.create(root, "outer");
    const inner = Mocha.Suite.create(outer, "inner");
    const other = Mocha.Suite.create(root, "other");
    outer.addTest(new Mocha.Test("t1", () => undefined));
    outer.addTest(new Mocha.Test("t2", () => undefined));
    inner.addTest(new Mocha.Test("t3", () => undefined));
    other.addTest(new Mocha.Test("t4", () => undefined));
    outer.beforeAll(hook);
    return { root, outer };
}

/** Wraps the hooks below `root` as the root hook does at the start of a run. */
function track(root: Mocha.Suite): void {
    mochaHooks.beforeAll.call({ test: { parent: root } } as unknown as Mocha.Context);
}

const hookOf = (outer: Mocha.Suite): Mocha.Hook => (outer as unknown as { _beforeAll: Mocha.Hook[] })._beforeAll[0];

describe("stryker-hooks: a before hook's coverage counts for its suite's tests", () => {
    let saved: Instrumenter;
    beforeEach(() => {
        saved = { ...ns() };
        ns().currentTestId = "other t4";
        ns().mutantCoverage = { static: {}, perTest: {} };
    });
    afterEach(() => {
        ns().currentTestId = saved.currentTestId;
        ns().mutantCoverage = saved.mutantCoverage;
    });

    it("a synchronous hook: what it covers goes to t1, t2 and t3 (not to t4, the test that ran before), and the current test is restored", () => {
        const { root, outer } = suites(() => cover("7"));
        track(root);
        hookOf(outer).fn!.call({} as Mocha.Context, () => undefined);
        assert.deepStrictEqual(ns().mutantCoverage!.perTest, { "outer t1": { 7: 1 }, "outer t2": { 7: 1 }, "outer inner t3": { 7: 1 } });
        assert.equal(ns().currentTestId, "other t4");
    });

    it("a hook that returns a promise: counted when the promise settles, including what runs after its first await", async () => {
        const { root, outer } = suites(async () => {
            cover("1");
            await new Promise((resolve) => setTimeout(resolve, 1));
            cover("2");
        });
        track(root);
        await (hookOf(outer).fn as unknown as () => Promise<void>).call({} as Mocha.Context);
        const each = { 1: 1, 2: 1 };
        assert.deepStrictEqual(ns().mutantCoverage!.perTest, { "outer t1": each, "outer t2": each, "outer inner t3": each });
        assert.equal(ns().currentTestId, "other t4");
    });

    it("a hook that takes done: counted when it calls done, which gets the hook's error", async () => {
        const failure = new Error("hook failed");
        const { root, outer } = suites((done: Mocha.Done) => {
            setTimeout(() => {
                cover("3");
                done(failure);
            }, 1);
        });
        track(root);
        const wrapped = hookOf(outer).fn!;
        assert.equal(wrapped.length, 1, "mocha still sees a callback hook");
        const error = await new Promise((resolve) => wrapped.call({} as Mocha.Context, resolve));
        assert.equal(error, failure);
        assert.deepStrictEqual(ns().mutantCoverage!.perTest, { "outer t1": { 3: 1 }, "outer t2": { 3: 1 }, "outer inner t3": { 3: 1 } });
    });

    it("a hook that throws: still counted, and the error reaches mocha", () => {
        const { root, outer } = suites(() => {
            cover("4");
            throw new Error("boom");
        });
        track(root);
        assert.throws(() => hookOf(outer).fn!.call({} as Mocha.Context, () => undefined), { message: "boom" });
        assert.deepStrictEqual(ns().mutantCoverage!.perTest["outer t2"], { 4: 1 });
        assert.equal(ns().currentTestId, "other t4");
    });

    it("adds to what a test already covered, and wraps each hook once however many runs start", () => {
        const { root, outer } = suites(() => cover("5"));
        ns().mutantCoverage!.perTest["outer t1"] = { 5: 2, 6: 1 };
        track(root);
        const wrapped = hookOf(outer).fn;
        track(root);
        assert.equal(hookOf(outer).fn, wrapped, "the second run leaves the wrapped hook as it is");
        hookOf(outer).fn!.call({} as Mocha.Context, () => undefined);
        assert.deepStrictEqual(ns().mutantCoverage!.perTest["outer t1"], { 5: 3, 6: 1 });
        assert.deepStrictEqual(ns().mutantCoverage!.perTest["outer t2"], { 5: 1 });
    });

    it("asModuleLoad: what a module loaded inside a test runs counts as static, and the test is current again after", () => {
        ns().currentTestId = "outer t1";
        assert.equal(asModuleLoad(() => {
            cover("8");
            return "loaded";
        }), "loaded");
        assert.deepStrictEqual(ns().mutantCoverage, { static: { 8: 1 }, perTest: {} });
        assert.equal(ns().currentTestId, "outer t1");
    });
});
