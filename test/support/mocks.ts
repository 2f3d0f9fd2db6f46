/**
 * The tests' one call to `setMocks` (the offline plan's mocks, recording every registration).
 * Import this module before any component or program module.
 */
import * as pulumi from "@pulumi/pulumi";

import { descendantsIn, installRecordingMocks, PlannedResource, waitForRegistrations } from "../../plan/engine";

export const PROJECT = "ray-vllm-eks";
export const STACK = "test";

let recorded = installRecordingMocks(PROJECT, STACK).resources;

// Each run of the suite starts with nothing recorded. `npm test` runs it once; StrykerJS runs it
// again in the same process for each mutant, and a resource an earlier run registered would
// otherwise still be found by a test whose mutant no longer creates it.
before(() => recorded.clear());

/**
 * Puts the shared recording mocks back after a test that installed its own (runProgram does, with
 * its program's project, stack and config): a new recording of PROJECT and STACK that the helpers
 * below read, and no config. The SDK forgets the other program's stack, so components are
 * top-level again.
 */
export function restoreSharedMocks(): void {
    recorded = installRecordingMocks(PROJECT, STACK).resources;
    pulumi.runtime.setAllConfig({}, []);
}

/** The value of an Output (every test awaits what it asserts). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/** Whether an Output is secret. */
export function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
    return pulumi.isSecret(output);
}

/** Waits until every registration in flight has reached the mock engine. */
export async function settle(): Promise<void> {
    await waitForRegistrations();
}

/** The URN the mock engine gives a component created at the top level. */
export function componentUrn(type: string, name: string): string {
    return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

/** Every resource registered below `urn` (children, grandchildren, ...), in URN order. */
export function descendantsOf(urn: string): PlannedResource[] {
    return descendantsIn(recorded.values(), urn);
}

/** The one registered resource of that type and name; fails the test when there is not exactly one. */
export function resource(type: string, name: string): PlannedResource {
    const found = [...recorded.values()].filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    }
    return found[0];
}

/**
 * Runs a component's constructor that must refuse its arguments: returns the ResourceError's
 * message, after checking that nothing was registered below the component.
 */
export async function rejection(type: string, name: string, construct: () => unknown): Promise<string> {
    let error: unknown;
    try {
        construct();
    } catch (e) {
        error = e;
    }
    if (!(error instanceof pulumi.ResourceError)) {
        throw new Error(`${type} ${name} did not raise a ResourceError (got ${String(error)})`);
    }
    await settle();
    const registered = descendantsOf(componentUrn(type, name)).map((r) => r.name);
    if (registered.length > 0) {
        throw new Error(`${type} ${name} registered children before refusing: ${registered.join(", ")}`);
    }
    return error.message;
}

/**
 * The message of the RunError `run` throws (the programs' config checks throw RunErrors, which
 * Pulumi prints without a stack trace), or undefined when it throws nothing; any other error fails.
 */
export function runErrorOf(run: () => unknown): string | undefined {
    try {
        run();
    } catch (e) {
        if (!pulumi.RunError.isInstance(e as Error)) {
            throw new Error(`expected a RunError, got ${String(e)}`);
        }
        return (e as Error).message;
    }
    return undefined;
}
