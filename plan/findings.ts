/**
 * The policy pack's findings as the plan reports them: in plan.json (every finding of both views),
 * and, with `--format github`, as GitHub Actions workflow commands, so a pull request shows each
 * violation as an annotation: `::error` for a mandatory one, `::warning` for an advisory one, on
 * the line of the program that constructed the resource when that is known.
 */
import { EnforcementLevel } from "@pulumi/policy";

import { PlannedResource, SourcePosition } from "./engine";
import { Violation } from "./policies";

/** Which registrations the pack analysed: the plan as recorded, or as `pulumi preview` sends them (plan/real-engine.ts). */
export type PlanView = "recorded" | "real-engine";

/** One finding of the policy pack, as plan.json records it. */
export interface Finding {
    view: PlanView;
    policy: string;
    level: EnforcementLevel;
    /** The resource's URN; null for a stack policy's finding about no resource. */
    urn: string | null;
    /** The resource's type and name, or "stack". */
    resource: string;
    message: string;
    /** Where the program constructed the resource, or its nearest ancestor that has a known position. */
    source?: SourcePosition;
}

/** The findings of one view, with each resource's source position (its own, else its nearest ancestor's). */
export function findingsOf(view: PlanView, violations: Violation[], resources: PlannedResource[]): Finding[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const sourceOf = (urn: string | undefined): SourcePosition | undefined => {
        for (let r = urn === undefined ? undefined : byUrn.get(urn); r !== undefined; r = r.parent === undefined ? undefined : byUrn.get(r.parent)) {
            if (r.source !== undefined) {
                return r.source;
            }
        }
        return undefined;
    };
    return violations.map((v) => {
        const source = sourceOf(v.urn);
        return { view, policy: v.policy, level: v.enforcementLevel, urn: v.urn ?? null, resource: v.resource, message: v.message, ...(source ? { source } : {}) };
    });
}

/** A workflow command's message: `%`, CR and LF escaped (GitHub's rules; @actions/core command.ts escapeData). */
export function escapeData(s: string): string {
    return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A workflow command's property value: as a message, and `:` and `,` too (@actions/core command.ts escapeProperty). */
export function escapeProperty(s: string): string {
    return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

const VIEW_TITLES: Record<PlanView, string> = { recorded: "", "real-engine": " (real engine's view)" };

/**
 * One annotation per finding: `::error` for mandatory, `::warning` for advisory, titled
 * "policy: resource", with `file`, `line` and `col` when the resource's source is known. A finding
 * of the real engine's view that the recorded view also has (same policy, level, resource and
 * message) is annotated once.
 */
export function githubAnnotations(findings: Finding[]): string[] {
    const key = (f: Finding): string => JSON.stringify([f.policy, f.level, f.urn, f.message]);
    const recorded = new Set(findings.filter((f) => f.view === "recorded").map(key));
    return findings
        .filter((f) => f.view === "recorded" || !recorded.has(key(f)))
        .map((f) => {
            const properties = [
                ...(f.source ? [`file=${escapeProperty(f.source.file)}`, `line=${f.source.line}`, `col=${f.source.column}`] : []),
                `title=${escapeProperty(`${f.policy}: ${f.resource}${VIEW_TITLES[f.view]}`)}`,
            ];
            return `::${f.level === "mandatory" ? "error" : "warning"} ${properties.join(",")}::${escapeData(f.message)}`;
        });
}
