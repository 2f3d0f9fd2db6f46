/**
 * Units of the plan engine's recording (scripts/plan/engine.ts): the descendants of a resource, and
 * a Kubernetes Secret's data keys kept under redaction. Wire-form signatures are @pulumi/pulumi
 * 3.248's runtime/rpc.ts constants, written out.
 */
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { componentUrn, resource, settle } from "./support/mocks";

import { descendantsIn, PlannedResource, plainInputs } from "../scripts/plan/engine";

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
