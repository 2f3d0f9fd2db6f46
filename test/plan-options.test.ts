import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyResource, ResourceValidationPolicy } from "@pulumi/policy";

import { componentUrn, resource, settle } from "./support/mocks";

import { evaluatePolicies } from "../plan/policies";

const TYPE = "test:index:Optioned";
const LOGS = "aws:cloudwatch/logGroup:LogGroup";
const QUEUE = "aws:sqs/queue:Queue";
const POLICY = "aws:sqs/queuePolicy:QueuePolicy";

/** A tiny component whose children set every option the plan records. */
class Optioned extends pulumi.ComponentResource {
    public constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super(TYPE, name, {}, opts);
        const logs = new aws.cloudwatch.LogGroup(`${name}-logs`, { retentionInDays: 7 }, { parent: this, retainOnDelete: true, ignoreChanges: ["tags", "retentionInDays"] });
        const queue = new aws.sqs.Queue(`${name}-queue`, { name: `${name}-queue` }, { parent: this, deleteBeforeReplace: true, replaceOnChanges: ["name"], dependsOn: [logs] });
        // The queue both through an input and in dependsOn: still recorded as dependsOn.
        new aws.sqs.QueuePolicy(`${name}-policy`, { queueUrl: queue.url, policy: "{}" }, { parent: this, dependsOn: [queue], deletedWith: queue });
        // protect: false on a child of a protected component overrides what it would inherit.
        new aws.sqs.Queue(`${name}-unprotected`, {}, { parent: this, protect: false, dependsOn: queue.url.apply(() => [logs]) });
        this.registerOutputs({});
    }
}

const urnOf = (type: string, name: string): string => resource(type, name).urn;

describe("the plan's record of resource options", () => {
    before(async () => {
        const component = new Optioned("opt1", { protect: true });
        new aws.sqs.Queue("opt1-after", {}, { dependsOn: [component] });
        // retainOnDelete is the resource's own: the SDK does not pass it on to children.
        const kept = new pulumi.ComponentResource("test:index:Kept", "opt2", {}, { retainOnDelete: true });
        new aws.sqs.Queue("opt2-child", {}, { parent: kept });
        await settle();
    });

    it("records protect on the component and, inherited, on its children", () => {
        assert.deepEqual(resource(TYPE, "opt1").options, { protect: true });
        assert.deepEqual(resource(LOGS, "opt1-logs").options, { protect: true, retainOnDelete: true, ignoreChanges: ["tags", "retentionInDays"] });
    });

    it("records deleteBeforeReplace, replaceOnChanges and dependsOn", () => {
        assert.deepEqual(resource(QUEUE, "opt1-queue").options, {
            protect: true,
            deleteBeforeReplace: true,
            replaceOnChanges: ["name"],
            dependsOn: ["urn:pulumi:test::ray-vllm-eks::test:index:Optioned$aws:cloudwatch/logGroup:LogGroup::opt1-logs"],
        });
    });

    it("records deletedWith, and a dependsOn the inputs also imply", () => {
        const policy = resource(POLICY, "opt1-policy");
        const queue = "urn:pulumi:test::ray-vllm-eks::test:index:Optioned$aws:sqs/queue:Queue::opt1-queue";
        assert.deepEqual(policy.options, { protect: true, deletedWith: queue, dependsOn: [queue] });
        assert.deepEqual(policy.dependencies, [queue]);
    });

    it("leaves out options at their defaults: protect: false, no retainOnDelete on a child", () => {
        assert.deepEqual(resource(QUEUE, "opt2-child").options, {});
        assert.deepEqual(resource("test:index:Kept", "opt2").options, { retainOnDelete: true });
        // A dependsOn given as an Output: its resources, and the resources the Output came from (as the SDK counts them).
        assert.deepEqual(resource(QUEUE, "opt1-unprotected").options, { dependsOn: [urnOf(LOGS, "opt1-logs"), urnOf(QUEUE, "opt1-queue")].sort() });
    });

    it("records a dependsOn a component as the component; the dependencies hold its custom children", () => {
        const after = resource(QUEUE, "opt1-after");
        assert.deepEqual(after.options, { dependsOn: [componentUrn(TYPE, "opt1")] });
        assert.deepEqual(after.dependencies, [urnOf(LOGS, "opt1-logs"), urnOf(POLICY, "opt1-policy"), urnOf(QUEUE, "opt1-queue"), urnOf(QUEUE, "opt1-unprotected")].sort());
    });

    it("gives the policies the recorded options, as the analyzer does", async () => {
        const seen = new Map<string, PolicyResource["opts"]>();
        const policy: ResourceValidationPolicy = {
            name: "sees-options",
            description: "records each resource's options",
            validateResource: (args) => {
                seen.set(args.name, args.opts);
            },
        };
        const resources = [resource(TYPE, "opt1"), resource(LOGS, "opt1-logs"), resource(QUEUE, "opt1-queue"), resource(QUEUE, "opt2-child")];
        await evaluatePolicies({ project: "ray-vllm-eks", stack: "test", resources, outputs: {}, destroyOrder: [] }, [policy], {});
        const timeouts = { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 };
        const common = { aliases: [], customTimeouts: timeouts, additionalSecretOutputs: [] };
        assert.deepEqual(seen.get("opt1"), { protect: true, ignoreChanges: [], ...common });
        assert.deepEqual(seen.get("opt1-logs"), { protect: true, ignoreChanges: ["tags", "retentionInDays"], ...common, parent: componentUrn(TYPE, "opt1") });
        assert.deepEqual(seen.get("opt1-queue"), { protect: true, ignoreChanges: [], deleteBeforeReplace: true, ...common, parent: componentUrn(TYPE, "opt1") });
        assert.deepEqual(seen.get("opt2-child"), { protect: false, ignoreChanges: [], ...common, parent: componentUrn("test:index:Kept", "opt2") });
    });
});

