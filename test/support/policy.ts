/**
 * Calls a policy's validate function the way the policy engine does, with full arguments
 * (`notApplicable`, `stackTags`, `getConfig` with the schema's defaults) and returns what it
 * reported. Policies are tested this way, never by constructing the PolicyPack.
 */
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { policySettings } from "../../plan/policies";

export class NotApplicable extends Error {}

/** The policy SDK's preview machinery: its unknown values, and the proxy that throws on reading one (as the engine does). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const preview = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T>(o: T): T;
    UnknownValueError: new (...args: any[]) => Error;
    unknownObjectValue: unknown;
    unknownArrayValue: unknown;
    unknownStringValue: unknown;
};

export interface RawResource {
    type: string;
    name?: string;
    props: Record<string, unknown>;
}

/** The violations a resource policy reports for one resource (a validation that calls `notApplicable` reports none). */
export async function violationsOf(policy: ResourceValidationPolicy, r: RawResource, config: Record<string, unknown> = {}): Promise<string[]> {
    const { properties } = policySettings(policy, config === undefined ? {} : { [policy.name]: { ...config } });
    const reported: string[] = [];
    const args = {
        type: r.type,
        name: r.name ?? "test",
        urn: `urn:pulumi:test::test::${r.type}::${r.name ?? "test"}`,
        props: r.props,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        protect: false,
        ignoreChanges: [],
        stackTags: new Map<string, string>([["environment", "test"]]),
        isType: (cls: { __pulumiType?: string }) => cls.__pulumiType === r.type,
        asType: (cls: { __pulumiType?: string }) => (cls.__pulumiType === r.type ? r.props : undefined),
        getConfig: () => properties,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    for (const validate of validations) {
        try {
            await validate!(args as never, (message: string) => reported.push(message));
        } catch (e) {
            if (!(e instanceof NotApplicable)) {
                throw e;
            }
        }
    }
    return reported;
}

/** The violations a stack policy reports for a set of resources ("<name>: <message>" when it names one). */
export async function stackViolationsOf(policy: StackValidationPolicy, resources: RawResource[], config: Record<string, unknown> = {}): Promise<string[]> {
    const { properties } = policySettings(policy, { [policy.name]: { ...config } });
    const reported: string[] = [];
    const urnOf = (r: RawResource): string => `urn:pulumi:test::test::${r.type}::${r.name ?? "test"}`;
    const args = {
        resources: resources.map((r) => ({ type: r.type, name: r.name ?? "test", urn: urnOf(r), props: r.props, opts: {}, dependencies: [], propertyDependencies: {} })),
        stackTags: new Map<string, string>([["environment", "test"]]),
        getConfig: () => properties,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    try {
        await policy.validateStack(args as never, (message: string, urn?: string) => {
            const named = resources.find((r) => urnOf(r) === urn);
            reported.push(named ? `${named.name}: ${message}` : message);
        });
    } catch (e) {
        if (!(e instanceof NotApplicable)) {
            throw e;
        }
        reported.push(`not applicable: ${e.message}`);
    }
    return reported;
}
