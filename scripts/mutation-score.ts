/**
 * The mutation scores of the last `npm run mutate` runs, per part of the repository, and the
 * surviving mutants nobody has justified. Usage:
 *
 *   npm run mutate:score                  # the scores, and the unjustified survivors' count
 *   npm run mutate:score -- --survivors   # ... and each unjustified survivor
 *   npm run mutate:score -- --check       # exit 1 when a survivor is neither killed nor justified
 *
 * It reads every reports/mutation/<target>/mutation.json (StrykerJS's JSON report, schema
 * https://github.com/stryker-mutator/mutation-testing-elements/tree/master/packages/report-schema),
 * taking each source file from the newest report that holds it, so runs of one part at a time add
 * up to the whole. The score is StrykerJS's: detected (killed or timed out) over detected, survived
 * and not covered; ignored (static) mutants and those that do not compile are outside it.
 *
 * A surviving static mutant (code that runs as its module loads, such as a `defaults` const, that
 * tests also cover) is marked `[static]`: with `ignoreStatic`, StrykerJS runs it with the covering
 * tests but activates it only after the modules have loaded, so what it changes at load time is
 * never tested. `MUTATE_STATIC=1` tests it for real (a fresh process and the whole suite each).
 *
 * A surviving mutant is justified when test/mutation/equivalent.md lists it, with the reason it
 * behaves as the original (an equivalent mutant) or cannot be observed by a test. A row names the
 * file, the mutator, the lines the mutant is on, the original code and the replacement (whitespace
 * collapsed, as this script prints them), not a line number: rows survive edits elsewhere in the
 * file, and a row stops matching when its lines change.
 */
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const REPORTS = path.join(ROOT, "reports", "mutation");
const EQUIVALENTS = path.join(ROOT, "test", "mutation", "equivalent.md");

/** The parts with a target score (issue #13): the first whose prefix matches a file counts it. */
export const PARTS: { name: string; prefix: string; target?: number }[] = [
    { name: "policy/", prefix: "policy/", target: 90 },
    { name: "components/", prefix: "components/", target: 85 },
    { name: "plan/", prefix: "plan/" },
];
export const OVERALL_TARGET = 75;

interface Position { line: number; column: number }
export interface ReportMutant {
    id: string;
    mutatorName: string;
    replacement?: string;
    location: { start: Position; end: Position };
    status: "Killed" | "Survived" | "NoCoverage" | "Timeout" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";
    /** It runs as its module loads. One that tests also cover is run with those tests but activated only after the modules load. */
    static?: boolean;
}
export interface ReportFile { source: string; mutants: ReportMutant[] }
export interface Report { files: Record<string, ReportFile> }

/** One mutant, as the equivalents file and the survivors' list name it: `code` is the whole of the lines it is on. */
export interface MutantKey { file: string; line: number; mutator: string; code: string; original: string; replacement: string }

export interface Tally { killed: number; timeout: number; survived: number; staticSurvived: number; noCoverage: number; ignored: number; errors: number }

const collapse = (s: string): string => s.replace(/\s+/g, " ").trim();

/** The source text between two 1-based line/column positions (the end column exclusive). */
export function sourceBetween(source: string, start: Position, end: Position): string {
    const lines = source.split("\n");
    if (start.line === end.line) {
        return lines[start.line - 1].slice(start.column - 1, end.column - 1);
    }
    return [lines[start.line - 1].slice(start.column - 1), ...lines.slice(start.line, end.line - 1), lines[end.line - 1].slice(0, end.column - 1)].join("\n");
}

/** A mutant's key: its file, line, mutator, the lines it is on, and its original and replacement code, with whitespace collapsed. */
export function keyOf(file: string, source: string, m: ReportMutant): MutantKey {
    return {
        file,
        line: m.location.start.line,
        mutator: m.mutatorName,
        code: collapse(source.split("\n").slice(m.location.start.line - 1, m.location.end.line).join("\n")),
        original: collapse(sourceBetween(source, m.location.start, m.location.end)),
        replacement: collapse(m.replacement ?? ""),
    };
}

const rowKey = (k: Omit<MutantKey, "line">): string => [k.file, k.mutator, k.code, k.original, k.replacement].join("\u0000");

/**
 * The justified mutants of test/mutation/equivalent.md: the rows of its tables whose cells are
 * file | mutator | code | original | replacement | reason, code cells in backticks (a `|` in code
 * is `\|`); `code` is the whole of the lines the mutant is on, so that a row names one mutant.
 * A row without a reason is an error: the file is reviewed, and a row says why.
 */
export function readEquivalents(text: string): Map<string, string> {
    const rows = new Map<string, string>();
    for (const [index, line] of text.split("\n").entries()) {
        if (!/^\|\s*`/.test(line)) {
            continue;
        }
        const cells = line.slice(1, line.trimEnd().endsWith("|") ? line.trimEnd().length - 1 : undefined)
            .split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
        const code = (c: string | undefined): string | undefined => (c !== undefined && /^`.*`$/.test(c) ? c.slice(1, -1) : undefined);
        const [file, mutator, lines, original, replacement] = cells.slice(0, 5).map(code);
        const reason = cells[5] ?? "";
        if (file === undefined || mutator === undefined || lines === undefined || original === undefined || replacement === undefined || reason === "") {
            throw new Error(`test/mutation/equivalent.md line ${index + 1}: a row is | \`file\` | \`mutator\` | \`code\` | \`original\` | \`replacement\` | reason |, each code cell in backticks and the reason given: ${line}`);
        }
        rows.set(rowKey({ file, mutator, code: collapse(lines), original: collapse(original), replacement: collapse(replacement) }), reason);
    }
    return rows;
}

/** Every source file's newest result among the reports given (newest first). */
export function mergeReports(reports: Report[]): Map<string, ReportFile> {
    const files = new Map<string, ReportFile>();
    for (const report of reports) {
        for (const [file, result] of Object.entries(report.files)) {
            if (!files.has(file)) {
                files.set(file, result);
            }
        }
    }
    return files;
}

export function tally(mutants: ReportMutant[]): Tally {
    const t: Tally = { killed: 0, timeout: 0, survived: 0, staticSurvived: 0, noCoverage: 0, ignored: 0, errors: 0 };
    for (const m of mutants) {
        switch (m.status) {
            case "Killed": t.killed++; break;
            case "Timeout": t.timeout++; break;
            case "Survived": t.survived++; t.staticSurvived += m.static === true ? 1 : 0; break;
            case "NoCoverage": t.noCoverage++; break;
            case "Ignored": t.ignored++; break;
            default: t.errors++;
        }
    }
    return t;
}

/** StrykerJS's mutation score, in percent: detected over valid mutants; undefined with none. */
export function score(t: Tally): number | undefined {
    const detected = t.killed + t.timeout;
    const valid = detected + t.survived + t.noCoverage;
    return valid === 0 ? undefined : (100 * detected) / valid;
}

export function formatTally(name: string, t: Tally, target?: number): string {
    const s = score(t);
    const figure = s === undefined ? "   n/a" : `${s.toFixed(1).padStart(5)}%`;
    const verdict = target === undefined || s === undefined ? "" : s >= target ? ` (target ${target}%: met)` : ` (target ${target}%: NOT MET)`;
    return `  ${name.padEnd(14)}${figure}${verdict}  killed ${t.killed}, timed out ${t.timeout}, survived ${t.survived}${t.staticSurvived > 0 ? ` (${t.staticSurvived} static)` : ""}, not covered ${t.noCoverage}; ignored ${t.ignored}, errors ${t.errors}`;
}

function readReports(): Report[] {
    if (!fs.existsSync(REPORTS)) {
        return [];
    }
    return fs.readdirSync(REPORTS, { withFileTypes: true })
        .filter((d) => d.isDirectory() && fs.existsSync(path.join(REPORTS, d.name, "mutation.json")))
        .map((d) => path.join(REPORTS, d.name, "mutation.json"))
        .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)
        .map((f) => JSON.parse(fs.readFileSync(f, "utf8")) as Report);
}

function main(argv: string[]): number {
    const files = mergeReports(readReports());
    if (files.size === 0) {
        process.stderr.write("no mutation report under reports/mutation/: run npm run mutate (MUTATE=policy npm run mutate for one part) first\n");
        return 2;
    }
    const equivalents = readEquivalents(fs.existsSync(EQUIVALENTS) ? fs.readFileSync(EQUIVALENTS, "utf8") : "");
    const byPart = new Map<string, ReportMutant[]>();
    const all: ReportMutant[] = [];
    const unjustified: MutantKey[] = [];
    let justified = 0;
    for (const [file, result] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const part = PARTS.find((p) => file.startsWith(p.prefix));
        byPart.set(part?.name ?? "other", [...(byPart.get(part?.name ?? "other") ?? []), ...result.mutants]);
        all.push(...result.mutants);
        for (const m of result.mutants.filter((x) => x.status === "Survived" || x.status === "NoCoverage")) {
            const key = keyOf(file, result.source, m);
            if (equivalents.has(rowKey(key))) {
                justified++;
            } else {
                unjustified.push({ ...key, mutator: m.static === true && m.status === "Survived" ? `${key.mutator} [static]` : key.mutator });
            }
        }
    }
    const lines = [`mutation scores (${files.size} files, from reports/mutation/*/mutation.json):`];
    for (const part of PARTS) {
        if (byPart.has(part.name)) {
            lines.push(formatTally(part.name, tally(byPart.get(part.name)!), part.target));
        }
    }
    lines.push(formatTally("overall", tally(all), OVERALL_TARGET));
    lines.push(`surviving mutants: ${justified} justified in test/mutation/equivalent.md, ${unjustified.length} not`);
    if (argv.includes("--survivors")) {
        for (const k of unjustified) {
            lines.push(`  ${k.file}:${k.line} ${k.mutator}: \`${k.original}\` -> \`${k.replacement}\` in \`${k.code}\``);
        }
    }
    process.stdout.write(lines.join("\n") + "\n");
    return argv.includes("--check") && unjustified.length > 0 ? 1 : 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
