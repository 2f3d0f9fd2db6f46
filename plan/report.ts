/**
 * Reporting an offline plan (plan/run.ts runs it): plan.json, manifests/ and helm/ in the output
 * folder, the lines printed, and the exit code.
 */
import * as path from "path";

import { githubAnnotations } from "./findings";
import { kubernetesObjects, summarize, writePlan } from "./render";
import { DEFAULT_SECTIONS, LoadedPackage, PlanRun, PlanSetup } from "./run";

/** Writes the run's plan.json (with its findings, cost and package), manifests/ and helm/; returns the files written. */
export function writePlanRun(run: PlanRun): string[] {
    const cost = run.cost ?? { region: run.region, estimated: false, reason: `no price table for ${run.region}` };
    return writePlan(run.plan, run.out, run.findings, cost, run.package === undefined ? undefined : { ...run.package, path: portablePath(run.package, run.program.projectDir) });
}

/** A package's path relative to the project, "/"-separated, so plan.json reads the same on every machine. */
function portablePath(pkg: LoadedPackage, projectDir: string): string {
    return path.relative(projectDir, pkg.path).split(path.sep).join("/") || ".";
}

/** The line that says which copy of the package the program's components came from. */
export function packageLine(pkg: LoadedPackage | undefined, cwd: string = process.cwd()): string[] {
    if (pkg === undefined) {
        return [];
    }
    const where = path.relative(cwd, pkg.path) || ".";
    return [pkg.source ? `${pkg.name}: the sources at ${where} (version ${pkg.version})` : `${pkg.name} ${pkg.version}: the installed copy in ${where}`];
}

/** What the plan prints, in order. */
export function reportLines(run: PlanRun, setup: PlanSetup, format: "text" | "github", cwd: string = process.cwd()): string[] {
    const rel = path.relative(cwd, run.out) || ".";
    const lines = [
        `offline plan of ${run.program.project} (stack ${run.program.stack}), program ${path.relative(cwd, run.program.entry)}`,
        ...packageLine(run.package, cwd),
        summarize(run.plan),
        `wrote ${rel}/plan.json (${run.plan.resources.length} resources) and ${rel}/manifests/ (${kubernetesObjects(run.plan).length} Kubernetes objects)`,
        ...(setup.sections ?? DEFAULT_SECTIONS).flatMap((section) => section(run)),
    ];
    const configNote = run.policyConfigFile ? ` (config ${path.relative(cwd, run.policyConfigFile)})` : "";
    for (const { view, violations, notes } of run.views) {
        const label = view === "recorded" ? `policy pack${configNote}` : `policy pack, real engine's view${configNote}`;
        const count = mandatoryCount(violations);
        lines.push(`${label}: ${run.policyCount} policies, ${violations.length === 0 ? "no violations" : `${violations.length} violation${violations.length === 1 ? "" : "s"} (${count} mandatory)`}`);
        lines.push(...violations.map((v) => `  [${v.enforcementLevel}] ${v.policy}: ${v.resource}: ${v.message}`));
        lines.push(...notes.map((note) => `  note: ${note}`));
    }
    if (format === "github") {
        lines.push(...githubAnnotations(run.findings));
    }
    return lines;
}

function mandatoryCount(violations: readonly { enforcementLevel: string }[]): number {
    return violations.filter((v) => v.enforcementLevel === "mandatory").length;
}

/** 1 when a view has a mandatory violation, else 0. */
export function exitCode(run: PlanRun): number {
    return run.views.some((v) => mandatoryCount(v.violations) > 0) ? 1 : 0;
}
