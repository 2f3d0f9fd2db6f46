import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";

import { formatTally, keyOf, mergeReports, readEquivalents, Report, ReportMutant, score, sourceBetween, tally } from "../scripts/mutation-score";
import { readSource, SOURCE_ROOT } from "./support/source";

const mutant = (id: string, status: ReportMutant["status"], start: [number, number], end: [number, number], mutatorName = "ConditionalExpression", replacement = "true"): ReportMutant => ({
    id, status, mutatorName, replacement, location: { start: { line: start[0], column: start[1] }, end: { line: end[0], column: end[1] } },
});

describe("npm run mutate:score (scripts/mutation-score.ts)", () => {
    const source = "const a = 1;\nif (x > 2 &&\n    y) {\n    f();\n}\n";

    it("reads a mutant's original code between 1-based positions, the end column exclusive, over lines too", () => {
        assert.equal(sourceBetween(source, { line: 2, column: 5 }, { line: 2, column: 10 }), "x > 2");
        assert.equal(sourceBetween(source, { line: 2, column: 5 }, { line: 3, column: 6 }), "x > 2 &&\n    y");
        assert.equal(sourceBetween(source, { line: 1, column: 1 }, { line: 1, column: 13 }), "const a = 1;");
    });

    it("keys a mutant by file, line, mutator, and its original and replacement code with whitespace collapsed", () => {
        assert.deepEqual(keyOf("policy/x.ts", source, mutant("1", "Survived", [2, 5], [3, 6], "LogicalOperator", "x > 2 ||\n    y")), {
            file: "policy/x.ts", line: 2, mutator: "LogicalOperator", code: "if (x > 2 && y) {", original: "x > 2 && y", replacement: "x > 2 || y",
        });
        const { replacement: _, ...noReplacement } = mutant("2", "Survived", [4, 5], [4, 9], "BlockStatement");
        assert.equal(keyOf("policy/x.ts", source, noReplacement as ReportMutant).replacement, "");
    });

    it("counts statuses, and scores detected (killed, timed out) over detected, survived and not covered", () => {
        const t = tally([
            mutant("1", "Killed", [1, 1], [1, 2]), mutant("2", "Killed", [1, 1], [1, 2]), mutant("3", "Timeout", [1, 1], [1, 2]),
            { ...mutant("4", "Survived", [1, 1], [1, 2]), static: true }, mutant("5", "NoCoverage", [1, 1], [1, 2]), mutant("6", "Ignored", [1, 1], [1, 2]),
            mutant("7", "CompileError", [1, 1], [1, 2]), mutant("8", "RuntimeError", [1, 1], [1, 2]),
        ]);
        assert.deepEqual(t, { killed: 2, timeout: 1, survived: 1, staticSurvived: 1, noCoverage: 1, ignored: 1, errors: 2 });
        assert.equal(score(t), 60);
        assert.equal(score({ killed: 0, timeout: 0, survived: 0, staticSurvived: 0, noCoverage: 0, ignored: 4, errors: 0 }), undefined);
        assert.equal(formatTally("policy/", t, 90), "  policy/        60.0% (target 90%: NOT MET)  killed 2, timed out 1, survived 1 (1 static), not covered 1; ignored 1, errors 2");
        assert.equal(formatTally("policy/", t, 60), "  policy/        60.0% (target 60%: met)  killed 2, timed out 1, survived 1 (1 static), not covered 1; ignored 1, errors 2");
        assert.equal(formatTally("plan/", { ...t, staticSurvived: 0 }), "  plan/          60.0%  killed 2, timed out 1, survived 1, not covered 1; ignored 1, errors 2");
    });

    it("takes each file from the newest report that holds it", () => {
        const newer: Report = { files: { "policy/a.ts": { source: "new", mutants: [] } } };
        const older: Report = { files: { "policy/a.ts": { source: "old", mutants: [] }, "policy/b.ts": { source: "b", mutants: [] } } };
        const merged = mergeReports([newer, older]);
        assert.deepEqual([...merged.keys()], ["policy/a.ts", "policy/b.ts"]);
        assert.equal(merged.get("policy/a.ts")!.source, "new");
    });

    it("reads the equivalents' rows, a | inside code escaped, and refuses a row without its reason", () => {
        const rows = readEquivalents([
            "# Equivalent mutants",
            "| file | mutator | code | original | replacement | reason |",
            "|---|---|---|---|---|---|",
            "| `policy/x.ts` | `LogicalOperator` | `if (a \\|\\|   b) {` | `a \\|\\| b` | `a  && b` | both are false when a is unset |",
        ].join("\n"));
        assert.deepEqual([...rows.entries()], [[["policy/x.ts", "LogicalOperator", "if (a || b) {", "a || b", "a && b"].join("\u0000"), "both are false when a is unset"]]);
        assert.throws(() => readEquivalents("| `policy/x.ts` | `LogicalOperator` | `f(a)` | `a` | `b` |  |"),
            { message: "test/mutation/equivalent.md line 1: a row is | `file` | `mutator` | `code` | `original` | `replacement` | reason |, each code cell in backticks and the reason given: | `policy/x.ts` | `LogicalOperator` | `f(a)` | `a` | `b` |  |" });
        assert.throws(() => readEquivalents("| `policy/x.ts` | LogicalOperator | `f(a)` | `a` | `b` | why |"), /line 1: a row is/);
    });

    it("test/mutation/equivalent.md is well formed, and each row's lines are still in its file, its original code on them", () => {
        const text = readSource("test/mutation/equivalent.md");
        const rows = [...readEquivalents(text).keys()].map((k) => k.split("\u0000"));
        const collapse = (s: string): string => s.replace(/\s+/g, " ");
        const stale = rows.filter(([file, , code, original]) => !code.includes(original) || !fs.existsSync(path.join(SOURCE_ROOT, file)) || !collapse(readSource(file)).includes(code));
        assert.deepEqual(stale, [], "a listed mutant's code is gone: remove its row");
    });
});
