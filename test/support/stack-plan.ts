/**
 * A hand-built plan for tests of what reads one (the real engine's replay, the policy runner): a
 * stack of project "t", stack "test", and the given resources, each parented to the stack unless
 * it names a parent, with no dependencies and no options unless it gives some.
 */
import { PlannedResource, PlanResult } from "../../plan/engine";

/** The stack's URN. */
export const STACK_ROOT = "urn:pulumi:test::t::pulumi:pulumi:Stack::t-test";

/** A resource as a test gives it: dependencies are always none, options none unless given. */
export type StackResource = Omit<PlannedResource, "dependencies" | "options"> & { options?: PlannedResource["options"] };

/** A plan of the stack and these resources. */
export function stackPlan(...resources: StackResource[]): PlanResult {
    return {
        project: "t",
        stack: "test",
        outputs: {},
        destroyOrder: [],
        resources: [
            { urn: STACK_ROOT, type: "pulumi:pulumi:Stack", name: "t-test", custom: false, dependencies: [], options: {}, inputs: {} },
            ...resources.map((r) => ({ parent: STACK_ROOT, options: {}, ...r, dependencies: [] })),
        ],
    };
}
