/**
 * Units of the plan engine's recording (plan/engine.ts): the descendants of a resource, and
 * a Kubernetes Secret's data keys kept under redaction. Wire-form signatures are @pulumi/pulumi
 * 3.248's runtime/rpc.ts constants, written out.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { componentUrn, resource, settle } from "./support/mocks";

import { descendantsIn, explicitDependsOn, installRecordingMocks, PlannedResource, plainInputs, SdkRuntime } from "../plan/engine";
import { restoreSharedMocks } from "./support/mocks";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const OUTPUT = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/** A resource record with only what descendantsIn reads. */
const r = (urn: string, parent?: string): PlannedResource => ({ urn, type: "t", name: urn, custom: false, parent, dependencies: [], options: {}, inputs: {} });

describe("the plan engine's units", () => {
    it("records the resources an input depends on (property dependencies) with the explicit ones, sorted", async () => {
        const queue = new aws.sqs.Queue("units-queue", {});
        const marker = new pulumi.ComponentResource("test:index:Dep", "units-marker", {});
        new aws.sqs.QueuePolicy("units-policy", { queueUrl: queue.url, policy: "{}" }, { dependsOn: [marker] });
        await settle();
        const policy = resource("aws:sqs/queuePolicy:QueuePolicy", "units-policy");
        assert.deepEqual(policy.dependencies, [
            "urn:pulumi:test::ray-vllm-eks::aws:sqs/queue:Queue::units-queue",
        ]);
        assert.deepEqual(policy.options.dependsOn, [componentUrn("test:index:Dep", "units-marker")]);
    });

    it("records a dependsOn given out of order sorted and without repeats", async () => {
        const zeta = new pulumi.ComponentResource("test:index:Dep", "units-zeta", {});
        const alpha = new pulumi.ComponentResource("test:index:Dep", "units-alpha", {});
        new pulumi.ComponentResource("test:index:Dependent", "units-dependent", {}, { dependsOn: [zeta, alpha, zeta] });
        await settle();
        assert.deepEqual(resource("test:index:Dependent", "units-dependent").options.dependsOn, [
            componentUrn("test:index:Dep", "units-alpha"),
            componentUrn("test:index:Dep", "units-zeta"),
        ]);
    });

    describe("explicitDependsOn, over a runtime of its own", () => {
        /** A URN as the tests' monitor would make it, from the parent's URN, the type and the name. */
        const newUrn = (parent: string, type: string, name: string): string => `${parent}/${type}::${name}`;
        const component = (name: string, parent?: object): object => ({ __name: name, __pulumiType: "test:index:C", __parentResource: parent });
        /** Calls `register` as the SDK's Resource constructor calls runtime/resource's registerResource. */
        const call = (register: SdkRuntime["registerResource"], res: object, opts: pulumi.ResourceOptions): void =>
            register(res as pulumi.Resource, undefined, "test:index:C", (res as { __name: string }).__name, false, false, undefined, {}, opts);

        it("wraps registerResource once: each registration with a dependsOn reports its URN and the dependencies' URNs to the latest report, then registers", async () => {
            const registered: string[] = [];
            const runtime: SdkRuntime = { registerResource: (_res, _parent, _t, name) => { registered.push(name); } };
            const first: [string, Promise<string[]>][] = [];
            explicitDependsOn({ newUrn }, (urn, deps) => first.push([urn, deps]), runtime);
            const wrapper = runtime.registerResource;
            assert.equal(typeof runtime.__recordsDependsOn, "function");

            const parent = component("outer");
            call(wrapper, component("inner", parent), { dependsOn: [new pulumi.DependencyResource("urn:pulumi:s::p::test:index:D::dep")] });
            call(wrapper, component("alone"), {});
            assert.deepEqual(registered, ["inner", "alone"]);
            assert.deepEqual(first.map(([urn]) => urn), ["/test:index:C::outer/test:index:C::inner"]);
            assert.deepEqual(await first[0][1], ["urn:pulumi:s::p::test:index:D::dep"]);

            // A second recording (runProgram after the shared mocks) takes the reports over, without a second wrapper.
            const second: [string, Promise<string[]>][] = [];
            explicitDependsOn({ newUrn }, (urn, deps) => second.push([urn, deps]), runtime);
            assert.equal(runtime.registerResource, wrapper);
            const dep = new pulumi.ComponentResource("test:index:Dep", "units-explicit-dep", {});
            call(runtime.registerResource, component("later"), { dependsOn: [dep] });
            assert.deepEqual(registered, ["inner", "alone", "later"]);
            assert.equal(first.length, 1);
            assert.deepEqual(second.map(([urn]) => urn), ["/test:index:C::later"]);
            // A top-level resource of the tests (the mocks run no stack): its URN from its type and name.
            assert.deepEqual(await second[0][1], ["/test:index:Dep::units-explicit-dep"]);
        });

        it("reports a dependsOn that fails as none (the SDK fails that registration itself)", async () => {
            const runtime: SdkRuntime = { registerResource: () => undefined };
            const reports: Promise<string[]>[] = [];
            explicitDependsOn({ newUrn }, (_urn, deps) => reports.push(deps), runtime);
            call(runtime.registerResource, component("failing"), { dependsOn: Promise.reject(new Error("no such resource")) as Promise<pulumi.Resource> });
            assert.deepEqual(await reports[0], []);
        });
    });

    it("records as an update does, not a preview (pulumi.runtime.isDryRun() is false), so what the mocks do not return is absent, not unknown", () => {
        try {
            installRecordingMocks("units", "dry");
            assert.equal(pulumi.runtime.isDryRun(), false);
        } finally {
            restoreSharedMocks();
        }
    });

    describe("descendantsIn", () => {
        // Listed grandchildren first, so one pass over the list cannot find them all.
        const all = [r("e", "d"), r("d", "c"), r("c", "a"), r("b", "a"), r("x"), r("a"), r("y", "x"), r("f", "b")];

        it("finds children, grandchildren and deeper, whatever order they are listed in, sorted by URN, without the resource itself", () => {
            assert.deepEqual(descendantsIn(all, "a").map((d) => d.urn), ["b", "c", "d", "e", "f"]);
            assert.deepEqual(descendantsIn(all, "c").map((d) => d.urn), ["d", "e"]);
            assert.deepEqual(descendantsIn(all, "x").map((d) => d.urn), ["y"]);
        });

        it("finds nothing below a leaf or an unknown URN, and never the top-level resources", () => {
            assert.deepEqual(descendantsIn(all, "e"), []);
            assert.deepEqual(descendantsIn(all, "nowhere"), []);
            assert.deepEqual(descendantsIn([r("p"), r("q")], "p"), []);
        });

        it("returns the records themselves", () => {
            assert.equal(descendantsIn(all, "x")[0], all[6]);
        });
    });

    describe("plainInputs of a Secret", () => {
        it("keeps the keys of a secret data map, sorted, each value redacted: a secret or a secret output value", () => {
            assert.deepEqual(plainInputs("kubernetes:core/v1:Secret", { data: { [SIG]: SECRET, value: { b: "x", a: "y" } }, type: "Opaque" }), {
                data: { a: "[secret]", b: "[secret]" },
                type: "Opaque",
            });
            assert.deepEqual(plainInputs("kubernetes:core/v1:Secret", { stringData: { [SIG]: OUTPUT, secret: true, value: { token: "t" } } }), {
                stringData: { token: "[secret]" },
            });
        });

        it("shows a data map that is not secret as it is, and leaves a secret that is no plain map redacted whole", () => {
            assert.deepEqual(plainInputs("kubernetes:core/v1:Secret", { data: { [SIG]: OUTPUT, value: { k: "v" } } }), { data: { k: "v" } });
            assert.deepEqual(plainInputs("kubernetes:core/v1:Secret", { data: { [SIG]: SECRET, value: null } }), { data: "[secret]" });
            assert.deepEqual(plainInputs("kubernetes:core/v1:Secret", { data: { [SIG]: SECRET, value: ["a"] } }), { data: "[secret]" });
            assert.deepEqual(plainInputs("kubernetes:core/v1:Secret", { data: { [SIG]: SECRET, value: { [SIG]: OUTPUT } } }), { data: "[secret]" });
            assert.deepEqual(plainInputs("kubernetes:core/v1:Secret", { data: { [SIG]: SECRET, value: "abc" } }), { data: "[secret]" });
        });

        it("redacts other types' secret maps whole", () => {
            assert.deepEqual(plainInputs("kubernetes:core/v1:ConfigMap", { data: { [SIG]: SECRET, value: { k: "v" } } }), { data: "[secret]" });
        });
    });
});
