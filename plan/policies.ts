/**
 * Evaluates the policy pack offline, over a plan's resources, the way `pulumi preview
 * --policy-pack` does: each resource policy sees every resource's inputs, each stack policy the
 * whole stack; enforcement levels and properties come from the policy config (the format of
 * `--policy-pack-config`) over each policy's own defaults.
 */
import { EnforcementLevel, PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { PlannedResource, PlanResult, UNKNOWN_VALUE } from "./engine";

/** The policy SDK's preview machinery: the engine hands policies unknown values this way (@pulumi/policy server.js). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const preview = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T>(o: T): T;
    UnknownValueError: new (...args: never[]) => Error;
    unknownStringValue: unknown;
};

/** A plan's inputs as the engine hands them to a policy: "[unknown]" becomes the SDK's unknown value, read through its proxy. */
export function previewProps(inputs: Record<string, unknown>): Record<string, unknown> {
    const withUnknowns = (v: unknown): unknown => v === UNKNOWN_VALUE ? preview.unknownStringValue
        : Array.isArray(v) ? v.map(withUnknowns)
            : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withUnknowns(x)])) : v;
    return preview.unknownCheckingProxy(withUnknowns(inputs) as Record<string, unknown>);
}

export interface Violation {
    policy: string;
    /** The resource's type and name, or "stack" for a stack policy's finding about no resource. */
    resource: string;
    /** The resource's URN; undefined for a stack policy's finding about no resource. */
    urn?: string;
    message: string;
    enforcementLevel: EnforcementLevel;
}

type Policy = ResourceValidationPolicy | StackValidationPolicy;

class NotApplicable extends Error {}

/** A policy's enforcement level and properties: its schema's defaults, its own level, then the config. */
export function policySettings(policy: Policy, config: Record<string, unknown>): { level: EnforcementLevel; properties: Record<string, unknown> } {
    const defaults = Object.fromEntries(Object.entries(policy.configSchema?.properties ?? {})
        .filter(([, schema]) => schema !== null && typeof schema === "object" && "default" in schema)
        .map(([key, schema]) => [key, (schema as { default: unknown }).default]));
    const given = config[policy.name] ?? config.all;
    if (typeof given === "string") {
        return { level: given as EnforcementLevel, properties: defaults };
    }
    const { enforcementLevel, ...properties } = (given ?? {}) as { enforcementLevel?: EnforcementLevel };
    return { level: enforcementLevel ?? policy.enforcementLevel ?? "advisory", properties: { ...defaults, ...properties } };
}

function label(r: PlannedResource): string {
    return `${r.type} ${r.name}`;
}

function typeOf(resourceClass: unknown): string | undefined {
    return (resourceClass as { __pulumiType?: string }).__pulumiType;
}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

function policyResource(r: PlannedResource, byUrn: Map<string, PlannedResource>): PolicyResource {
    const props = previewProps(r.inputs);
    return {
        type: r.type,
        props,
        urn: r.urn,
        name: r.name,
        // As the analyzer builds them from the engine's request: deleteBeforeReplace only when set, parent when there is one.
        opts: {
            protect: r.options.protect === true,
            ignoreChanges: r.options.ignoreChanges ?? [],
            ...(r.options.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
            ...(r.parent ? { parent: r.parent } : {}),
        },
        dependencies: [],
        propertyDependencies: {},
        isType: (cls: unknown) => typeOf(cls) === r.type,
        asType: (cls: unknown) => (typeOf(cls) === r.type ? props : undefined),
        parent: r.parent && byUrn.has(r.parent) ? policyResource(byUrn.get(r.parent)!, new Map()) : undefined,
    } as unknown as PolicyResource;
}

/**
 * Every violation the policies find in the plan, in policy then URN order; disabled policies are
 * skipped. A policy that reads a value unknown during preview ("[unknown]") is reported as the
 * engine reports it: advisory, "can't run ... during preview" (@pulumi/policy server.js).
 */
export async function evaluatePolicies(plan: PlanResult, policies: Policy[], config: Record<string, unknown>): Promise<Violation[]> {
    const violations: Violation[] = [];
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const stackTags = new Map<string, string>();
    for (const policy of policies) {
        const { level, properties } = policySettings(policy, config);
        if (level === "disabled") {
            continue;
        }
        const report = (resource: string, urn?: string) => (message: string): void => {
            violations.push({ policy: policy.name, resource, ...(urn ? { urn } : {}), message, enforcementLevel: level });
        };
        try {
            if ("validateResource" in policy) {
                const validations = (Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource])
                    .filter((v): v is NonNullable<typeof v> => v !== undefined);
                for (const r of plan.resources) {
                    const args = { ...policyResource(r, byUrn), stackTags, getConfig: () => properties, notApplicable };
                    for (const validate of validations) {
                        try {
                            await validate(args as never, report(label(r), r.urn));
                        } catch (e) {
                            if (e instanceof preview.UnknownValueError) {
                                violations.push({ policy: policy.name, resource: label(r), urn: r.urn, message: `can't run during preview: ${e.message}`, enforcementLevel: "advisory" });
                            } else if (!(e instanceof NotApplicable)) {
                                throw e;
                            }
                        }
                    }
                }
            } else {
                const resources = plan.resources.map((r) => policyResource(r, byUrn));
                await (policy as StackValidationPolicy).validateStack({ resources, stackTags, getConfig: () => properties, notApplicable } as never, (message: string, urn?: string) =>
                    (urn && byUrn.has(urn) ? report(label(byUrn.get(urn)!), urn) : report("stack"))(message));
            }
        } catch (e) {
            if (e instanceof preview.UnknownValueError) {
                violations.push({ policy: policy.name, resource: "stack", message: `can't run during preview: ${e.message}`, enforcementLevel: "advisory" });
            } else if (!(e instanceof NotApplicable)) {
                throw e;
            }
        }
    }
    return violations;
}
