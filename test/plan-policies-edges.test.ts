/**
 * The offline policy evaluation (plan/policies.ts) with tiny hand-written policies: the
 * settings each policy runs with, disabled policies, notApplicable and other errors, how a stack
 * policy's findings are attributed, and isType/asType.
 */
import * as assert from "node:assert/strict";
import { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { PlannedResource, PlanResult } from "../plan/engine";
import { evaluatePolicies, policySettings, previewProps } from "../plan/policies";

const BUCKET = "aws:s3/bucket:Bucket";
const QUEUE = "aws:sqs/queue:Queue";

function planned(type: string, name: string, inputs: Record<string, unknown> = {}): PlannedResource {
    return { urn: `urn:pulumi:t::p::${type}::${name}`, type, name, custom: true, dependencies: [], options: {}, inputs };
}

const A = planned(BUCKET, "a");
const B = planned(BUCKET, "b");
const Q = planned(QUEUE, "q");
const PLAN: PlanResult = { project: "p", stack: "t", resources: [A, B, Q], outputs: {}, destroyOrder: [] };

/** A resource policy that reports every resource it sees, by name. */
function reportsEach(name: string, extra: Partial<ResourceValidationPolicy> = {}): ResourceValidationPolicy {
    return { name, description: name, validateResource: (args, report) => report(`saw ${args.name}`), ...extra };
}

describe("the offline policy evaluation's edges (plan/policies.ts)", () => {
    describe("previewProps", () => {
        it("keeps null inputs, nested too, as null", () => {
            const props = previewProps({ a: null, b: { c: null, d: [null, 1] } });
            assert.equal(props.a, null);
            assert.equal((props.b as { c: unknown }).c, null);
            assert.deepStrictEqual((props.b as { d: unknown[] }).d.slice(), [null, 1]);
        });
    });

    describe("policySettings", () => {
        const schema = { properties: { withDefault: { type: "string", default: "x" }, noDefault: { type: "number" }, anything: true, nothing: null } } as unknown as PolicyConfigSchema;

        it("takes defaults only from property schemas that are objects with a default; boolean and null schemas give none", () => {
            assert.deepStrictEqual(policySettings({ name: "p", description: "d", configSchema: schema, validateResource: () => undefined }, {}),
                { level: "advisory", properties: { withDefault: "x" } });
        });

        it("runs a policy with no level of its own and no config as advisory", () => {
            assert.deepStrictEqual(policySettings({ name: "p", description: "d", validateResource: () => undefined }, {}), { level: "advisory", properties: {} });
        });
    });

    describe("evaluatePolicies", () => {
        it("skips a policy the config disables, by name or through all, but runs the others", async () => {
            const violations = await evaluatePolicies(PLAN, [reportsEach("off", { enforcementLevel: "mandatory" }), reportsEach("on")], { off: "disabled" });
            assert.deepStrictEqual(violations, [
                { policy: "on", resource: `${BUCKET} a`, urn: A.urn, message: "saw a", enforcementLevel: "advisory" },
                { policy: "on", resource: `${BUCKET} b`, urn: B.urn, message: "saw b", enforcementLevel: "advisory" },
                { policy: "on", resource: `${QUEUE} q`, urn: Q.urn, message: "saw q", enforcementLevel: "advisory" },
            ]);
            assert.deepStrictEqual(await evaluatePolicies(PLAN, [reportsEach("off")], { all: "disabled" }), []);
        });

        it("skips the undefined entries of a validateResource list and runs the others", async () => {
            const policy: ResourceValidationPolicy = {
                name: "list",
                description: "list",
                enforcementLevel: "mandatory",
                validateResource: [undefined as never, (args, report) => (args.name === "q" ? report("queue") : undefined)],
            };
            assert.deepStrictEqual(await evaluatePolicies(PLAN, [policy], {}), [
                { policy: "list", resource: `${QUEUE} q`, urn: Q.urn, message: "queue", enforcementLevel: "mandatory" },
            ]);
        });

        it("goes on with the next resource after a resource policy calls notApplicable", async () => {
            const policy: ResourceValidationPolicy = {
                name: "na",
                description: "na",
                validateResource: (args, report) => (args.name === "a" ? args.notApplicable("not a bucket I check") : report(`saw ${args.name}`)),
            };
            assert.deepStrictEqual(await evaluatePolicies(PLAN, [policy], {}), [
                { policy: "na", resource: `${BUCKET} b`, urn: B.urn, message: "saw b", enforcementLevel: "advisory" },
                { policy: "na", resource: `${QUEUE} q`, urn: Q.urn, message: "saw q", enforcementLevel: "advisory" },
            ]);
        });

        it("rejects with the error a resource policy throws, when it is neither notApplicable nor an unknown value", async () => {
            const policy: ResourceValidationPolicy = {
                name: "broken",
                description: "broken",
                validateResource: () => {
                    throw new Error("policy bug");
                },
            };
            await assert.rejects(evaluatePolicies(PLAN, [policy], {}), { name: "Error", message: "policy bug" });
        });

        it("rejects with the error a stack policy throws, when it is neither notApplicable nor an unknown value", async () => {
            const policy: StackValidationPolicy = {
                name: "broken-stack",
                description: "broken",
                validateStack: () => {
                    throw new Error("stack policy bug");
                },
            };
            await assert.rejects(evaluatePolicies(PLAN, [policy], {}), { name: "Error", message: "stack policy bug" });
        });

        it("goes on with the next policy after a stack policy calls notApplicable", async () => {
            const na: StackValidationPolicy = { name: "na-stack", description: "na", validateStack: (args) => args.notApplicable() };
            assert.deepStrictEqual(await evaluatePolicies(PLAN, [na, reportsEach("next")], { next: "mandatory" }), [
                { policy: "next", resource: `${BUCKET} a`, urn: A.urn, message: "saw a", enforcementLevel: "mandatory" },
                { policy: "next", resource: `${BUCKET} b`, urn: B.urn, message: "saw b", enforcementLevel: "mandatory" },
                { policy: "next", resource: `${QUEUE} q`, urn: Q.urn, message: "saw q", enforcementLevel: "mandatory" },
            ]);
        });

        it("attributes a stack policy's finding to the resource whose URN it names, and to the stack, without a URN, when it names none or one not in the plan", async () => {
            const policy: StackValidationPolicy = {
                name: "stack",
                description: "stack",
                enforcementLevel: "mandatory",
                validateStack: (_args, report) => {
                    report("about b", B.urn);
                    report("about nothing");
                    report("about a stranger", "urn:pulumi:t::p::aws:s3/bucket:Bucket::gone");
                },
            };
            assert.deepStrictEqual(await evaluatePolicies(PLAN, [policy], {}), [
                { policy: "stack", resource: `${BUCKET} b`, urn: B.urn, message: "about b", enforcementLevel: "mandatory" },
                { policy: "stack", resource: "stack", message: "about nothing", enforcementLevel: "mandatory" },
                { policy: "stack", resource: "stack", message: "about a stranger", enforcementLevel: "mandatory" },
            ]);
        });

        it("answers isType and asType by the class's __pulumiType: true and the props for the resource's own type only", async () => {
            const Bucket = { __pulumiType: BUCKET };
            const seen: string[] = [];
            const policy: ResourceValidationPolicy = {
                name: "types",
                description: "types",
                validateResource: (args) => {
                    const props = args.asType(Bucket as never) as { acl?: string } | undefined;
                    seen.push(`${args.name} ${args.isType(Bucket as never)} ${props === undefined ? "-" : props.acl}`);
                },
            };
            const plan: PlanResult = { ...PLAN, resources: [planned(BUCKET, "a", { acl: "private" }), Q] };
            assert.deepStrictEqual(await evaluatePolicies(plan, [policy], {}), []);
            assert.deepStrictEqual(seen, ["a true private", "q false -"]);
        });
    });
});
