/**
 * The plan engine's runProgram (plan/engine.ts) in this process, over the small programs
 * of test/fixtures/run-program: the stack's outputs whichever way the module gives them, the
 * config (aws:region moves the ARNs), `ray-vllm-eks` resolved to this repository's source, the
 * resources recorded (options, reads, a Secret's keys, component and stack outputs, where the
 * program constructed each, URN order, the destroy order), and the ProgramErrors for resources that
 * could not be registered and for URNs registered twice.
 *
 * runProgram installs its own mocks (its program's project, stack and config); every test file
 * after this one relies on the shared ones, which the `after` hook puts back (the last suite
 * checks that it did).
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import Module from "module";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { componentUrn, resource, restoreSharedMocks, settle } from "./support/mocks";

import { plainInputs, PlannedResource, PlanResult, ProgramError, runProgram } from "../plan/engine";
import { SOURCE_ALIASES } from "../scripts/repository";

const FIXTURES = path.join(__dirname, "fixtures", "run-program");
const PREFIX = "urn:pulumi:staging::shop::";
const STACK_URN = `${PREFIX}pulumi:pulumi:Stack::shop-staging`;
const QUEUE = "aws:sqs/queue:Queue";

/** Node's module resolver, which runProgram wraps to resolve `ray-vllm-eks` through SOURCE_ALIASES (put back after the suite). */
interface Resolver {
    _resolveFilename: unknown;
}

/**
 * Runs a fixture program as project "shop", stack "staging". The fixtures load afresh: StrykerJS
 * runs the suite again in the same process, and a cached module would register nothing.
 */
function run(file: string, values: Record<string, string> = {}, secretKeys: string[] = []): Promise<PlanResult> {
    const entry = path.isAbsolute(file) ? file : path.join(FIXTURES, file);
    for (const loaded of Object.keys(require.cache)) {
        if (loaded.startsWith(path.dirname(entry) + path.sep)) {
            delete require.cache[loaded];
        }
    }
    return runProgram({ project: "shop", stack: "staging", projectDir: path.dirname(entry), entry, config: { values, secretKeys } }, { aliases: SOURCE_ALIASES });
}

/** The one resource of the plan named `name`. */
function named(plan: PlanResult, name: string): PlannedResource {
    const found = plan.resources.filter((r) => r.name === name);
    assert.equal(found.length, 1, `one resource named ${name}`);
    return found[0];
}

describe("runProgram, in process (plan/engine.ts)", () => {
    let resolveFilename: unknown;
    before(() => {
        resolveFilename = (Module as unknown as Resolver)._resolveFilename;
    });
    after(() => {
        (Module as unknown as Resolver)._resolveFilename = resolveFilename;
        restoreSharedMocks();
    });

    it("takes a module's exports as the outputs when it has no default export; without aws:region, ARNs are in us-west-2", async () => {
        const plan = await run("module-outputs.ts");
        assert.deepEqual(plan.outputs, { queueArn: "arn:aws:sqs:us-west-2:123456789012:events", zone: "b" });
        assert.equal(named(plan, "events").urn, `${PREFIX}pulumi:pulumi:Stack$aws:sqs/queue:Queue::events`);
    });

    it("calls a module that is itself a function (module.exports = async () => ...) and takes its result as the outputs", async () => {
        const plan = await run("export-function.ts");
        assert.deepEqual(plan.outputs, { mode: "function" });
        assert.deepEqual(plan.resources.map((r) => r.urn), [STACK_URN]);
    });

    it("resolves `import ... from \"ray-vllm-eks\"` to this repository's index.ts", async () => {
        const plan = await run("package-alias.ts");
        assert.deepEqual(plan.outputs, { resolved: "index.ts", sameClass: true });
    });

    it("without aliases leaves `ray-vllm-eks` to Node: from a folder with no copy installed, the program cannot load it (never this clone's sources)", async () => {
        const aliased = (Module as unknown as Resolver)._resolveFilename;
        (Module as unknown as Resolver)._resolveFilename = resolveFilename;
        try {
            const entry = path.join(FIXTURES, "package-alias.ts");
            delete require.cache[entry];
            await assert.rejects(
                runProgram({ project: "shop", stack: "staging", projectDir: FIXTURES, entry, config: { values: {}, secretKeys: [] } }),
                (e: Error) => e.message.startsWith("Cannot find module 'ray-vllm-eks'\n"),
            );
        } finally {
            (Module as unknown as Resolver)._resolveFilename = aliased;
        }
    });

    describe("a program with components, providers, every option, a Secret and two reads", () => {
        let plan: PlanResult;
        before(async () => {
            plan = await run("resources.ts");
        });
        const EAST = `${PREFIX}pulumi:pulumi:Stack$pulumi:providers:aws::east`;
        const K8S = `${PREFIX}pulumi:pulumi:Stack$pulumi:providers:kubernetes::k8s`;
        const GROUP = `${PREFIX}pulumi:pulumi:Stack$test:index:Group::group`;
        const LOGS = `${PREFIX}test:index:Group$aws:cloudwatch/logGroup:LogGroup::logs`;
        const QUEUE_URN = `${PREFIX}test:index:Group$aws:sqs/queue:Queue::queue`;
        const SECRET = `${PREFIX}pulumi:pulumi:Stack$kubernetes:core/v1:Secret::creds`;
        const EXISTING = `${PREFIX}pulumi:pulumi:Stack$aws:sqs/queue:Queue::existing`;
        const REFERENCE = `${PREFIX}pulumi:pulumi:Stack$pulumi:pulumi:StackReference::org/platform/dev`;

        it("lists the resources in URN order", () => {
            assert.deepEqual(plan.resources.map((r) => r.urn), [EXISTING, SECRET, EAST, K8S, REFERENCE, GROUP, STACK_URN, LOGS, QUEUE_URN]);
        });

        it("records protect, retainOnDelete and ignoreChanges as given (in their order)", () => {
            const logs = named(plan, "logs");
            assert.deepEqual(logs.options, { protect: true, retainOnDelete: true, ignoreChanges: ["tags", "retentionInDays"] });
            assert.equal(logs.provider?.startsWith(`${EAST}::`), true, "the component's aws provider");
            assert.deepEqual(logs.source, { file: "test/fixtures/run-program/resources.ts", line: 22, column: 14 });
        });

        it("records deleteBeforeReplace, replaceOnChanges and deletedWith, and leaves out protect: false and retainOnDelete: false", () => {
            assert.deepEqual(named(plan, "queue").options, { deleteBeforeReplace: true, replaceOnChanges: ["name", "fifoQueue"], deletedWith: LOGS });
        });

        it("records a component's providers by package, sorted, and its registered outputs (the secret redacted)", () => {
            const group = named(plan, "group");
            assert.deepEqual(Object.keys(group.options), ["providers"]);
            const providers = group.options.providers!;
            assert.deepEqual(Object.keys(providers), ["aws", "kubernetes"]);
            assert.equal(providers.aws.startsWith(`${EAST}::`), true, providers.aws);
            assert.equal(providers.kubernetes.startsWith(`${K8S}::`), true, providers.kubernetes);
            // The mocks name an unnamed queue as Pulumi does: its name and 7 hex digits (here stable).
            assert.deepEqual(group.outputs, { queueName: "queue-3467a9a", token: "[secret]" });
        });

        it("keeps a Secret's data and stringData keys, sorted, each value \"[secret]\"", () => {
            const inputs = named(plan, "creds").inputs as Record<string, Record<string, unknown>>;
            assert.deepEqual(inputs, {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "creds" },
                data: { a: "[secret]", b: "[secret]" },
                stringData: { password: "[secret]", user: "[secret]" },
            });
            assert.deepEqual(Object.keys(inputs.data), ["a", "b"]);
            assert.deepEqual(Object.keys(inputs.stringData), ["password", "user"]);
        });

        it("records a resource's `get` as a read: its id, provider and dependencies (sorted), no options, no inputs", () => {
            const existing = named(plan, "existing");
            assert.equal(existing.provider?.startsWith(`${EAST}::`), true, existing.provider);
            assert.deepEqual({ ...existing, provider: "east" }, {
                urn: EXISTING,
                type: QUEUE,
                name: "existing",
                custom: true,
                read: "https://sqs.us-east-1.amazonaws.com/123456789012/existing",
                parent: STACK_URN,
                provider: "east",
                dependencies: [LOGS, QUEUE_URN],
                options: {},
                inputs: {},
            });
        });

        it("records a StackReference as a read of the stack's name, without a provider, and its output reaches the stack's outputs", () => {
            assert.deepEqual(named(plan, "org/platform/dev"), {
                urn: REFERENCE,
                type: "pulumi:pulumi:StackReference",
                name: "org/platform/dev",
                custom: true,
                read: "org/platform/dev",
                parent: STACK_URN,
                provider: undefined,
                dependencies: [],
                options: {},
                inputs: { name: "org/platform/dev" },
            });
            assert.deepEqual(plan.outputs, { clusterName: "dev-cluster" });
        });

        it("gives no source to what an SDK in node_modules constructs: the stack and the providers", () => {
            for (const name of ["shop-staging", "east", "k8s"]) {
                assert.equal(named(plan, name).source, undefined, name);
            }
        });

        it("gives the destroy order: dependents before what they depend on, the stack last", () => {
            assert.deepEqual(plan.destroyOrder, [[EXISTING, SECRET, REFERENCE], [K8S, QUEUE_URN], [LOGS], [EAST, GROUP], [STACK_URN]]);
        });
    });

    describe("where the program constructed each resource", () => {
        // A copy of the fixture under a new name: the engine reads each file's source map once per
        // process, and StrykerJS runs the suite again in the same process.
        let dir: string;
        let plan: PlanResult;
        before(async () => {
            dir = fs.mkdtempSync(path.join(FIXTURES, "tmp-"));
            for (const file of ["sources.ts", "sources-helper.js"]) {
                fs.copyFileSync(path.join(FIXTURES, file), path.join(dir, file));
            }
            plan = await run(path.join(dir, "sources.ts"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("gives the TypeScript's line and column (mapped from the compiled JavaScript), the file relative to the working folder", () => {
            assert.deepEqual(named(plan, "typed").source, { file: `test/fixtures/run-program/${path.basename(dir)}/sources.ts`, line: 11, column: 30 });
        });

        it("gives a JavaScript file's own line and column", () => {
            assert.deepEqual(named(plan, "from-js").source, { file: `test/fixtures/run-program/${path.basename(dir)}/sources-helper.js`, line: 3, column: 5 });
        });

        it("gives no source to a resource that a library in node_modules constructs, and its own to the program's", async () => {
            const lib = path.join(dir, "node_modules", "lib");
            fs.mkdirSync(lib, { recursive: true });
            fs.writeFileSync(path.join(lib, "index.js"), 'exports.queue = (aws) => new aws.sqs.Queue("from-library", {});\n');
            fs.writeFileSync(path.join(dir, "library.js"), 'const aws = require("@pulumi/aws");\nrequire("./node_modules/lib").queue(aws);\nnew aws.sqs.Queue("from-program", {});\n');
            const withLibrary = await run(path.join(dir, "library.js"));
            assert.equal(named(withLibrary, "from-library").source, undefined);
            assert.deepEqual(named(withLibrary, "from-program").source, { file: `test/fixtures/run-program/${path.basename(dir)}/library.js`, line: 3, column: 1 });
        });

        it("gives no source when the SDK reads no position from the constructor's caller (an anonymous function)", () => {
            assert.equal(named(plan, "anonymous").source, undefined);
            assert.deepEqual(plan.outputs, { typedName: "typed-190fbc5" });
        });
    });

    it("gives no source to resources constructed outside the working folder", async () => {
        const cwd = process.cwd();
        process.chdir(path.join(cwd, "scripts"));
        let plan: PlanResult;
        try {
            plan = await run("sources.ts");
        } finally {
            process.chdir(cwd);
        }
        assert.deepEqual(plan.resources.map((r) => [r.name, r.source]), [
            ["anonymous", undefined],
            ["from-js", undefined],
            ["typed", undefined],
            ["shop-staging", undefined],
        ]);
    });

    it("names the one resource that could not be registered and its first failed input", async () => {
        await assert.rejects(run("one-failure.ts"), (e: unknown) => {
            assert.ok(e instanceof ProgramError);
            assert.equal(e.name, "ProgramError");
            assert.equal(e.message, [
                "1 resource could not be registered:",
                `  aws:sqs/queue:Queue orders: input "name" failed: error serializing property "name": no such bucket`,
            ].join("\n"));
            return true;
        });
    });

    it("names each resource that could not be registered: a thrown string as it is, and one waiting on the failed queue (its URL never resolves)", async () => {
        await assert.rejects(run("two-failures.ts"), (e: unknown) => {
            assert.ok(e instanceof ProgramError);
            assert.equal(e.message, [
                "2 resources could not be registered:",
                `  aws:sqs/queue:Queue first: input "name" failed: quota exceeded`,
                "  aws:sqs/queuePolicy:QueuePolicy second: its inputs never resolved (it waits on a value that failed above)",
            ].join("\n"));
            return true;
        });
    });

    it("refuses a program that registers a URN more than once, naming each such URN once", async () => {
        await assert.rejects(run("duplicates.ts"), (e: unknown) => {
            assert.ok(e instanceof ProgramError);
            assert.equal(e.message, [
                "the program registers the same URN more than once (pulumi up would refuse it): give these resources different names:",
                `  ${PREFIX}pulumi:pulumi:Stack$aws:sqs/queue:Queue::twice`,
                `  ${PREFIX}pulumi:pulumi:Stack$aws:sqs/queue:Queue::thrice`,
            ].join("\n"));
            return true;
        });
    });

    describe("a module that default-exports an async function, with config (a secret, aws:region; run last, so it leaves its config set)", () => {
        let plan: PlanResult;
        before(async () => {
            plan = await run("async-outputs.ts", { "shop:token": "s3cret", "aws:region": "eu-west-1" }, ["shop:token"]);
        });

        it("returns the project, the stack, the function's result as the outputs (the secret redacted), ARNs in the config's region", () => {
            assert.equal(plan.project, "shop");
            assert.equal(plan.stack, "staging");
            assert.deepEqual(plan.outputs, { queueArn: "arn:aws:sqs:eu-west-1:123456789012:jobs", replicas: 2, token: "[secret]" });
        });

        it("records the stack with those outputs, and the queue below it where the program constructed it", () => {
            assert.deepEqual(plan.resources, [
                {
                    urn: `${PREFIX}pulumi:pulumi:Stack$aws:sqs/queue:Queue::jobs`,
                    type: QUEUE,
                    name: "jobs",
                    custom: true,
                    parent: STACK_URN,
                    provider: undefined,
                    dependencies: [],
                    options: {},
                    inputs: { name: "jobs" },
                    source: { file: "test/fixtures/run-program/async-outputs.ts", line: 7, column: 19 },
                },
                {
                    urn: STACK_URN,
                    type: "pulumi:pulumi:Stack",
                    name: "shop-staging",
                    custom: false,
                    parent: undefined,
                    provider: undefined,
                    dependencies: [],
                    options: {},
                    inputs: {},
                    outputs: { queueArn: "arn:aws:sqs:eu-west-1:123456789012:jobs", replicas: 2, token: "[secret]" },
                },
            ]);
        });

        it("gives the destroy order: the queue, then the stack", () => {
            assert.deepEqual(plan.destroyOrder, [[`${PREFIX}pulumi:pulumi:Stack$aws:sqs/queue:Queue::jobs`], [STACK_URN]]);
        });
    });
});

describe("plainInputs of a Secret given in the SDK's wire form (engine.ts)", () => {
    // Pulumi's wire form of a secret: the special signature key, the secret signature, the value.
    const secret = (value: unknown): Record<string, unknown> => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

    it("lists the keys of a secret data map sorted, whatever order the program gave them in", () => {
        const inputs = plainInputs("kubernetes:core/v1:Secret", { stringData: secret({ zeta: "z", alpha: "a", mid: "m" }) });
        assert.deepEqual(inputs, { stringData: { alpha: "[secret]", mid: "[secret]", zeta: "[secret]" } });
        assert.deepEqual(Object.keys(inputs.stringData as Record<string, unknown>), ["alpha", "mid", "zeta"]);
    });
});

describe("the shared mocks, after runProgram installed its own", () => {
    it("record a new component at the top level of the tests' project and stack, with no config left", async () => {
        new pulumi.ComponentResource("test:index:AfterRunProgram", "after-run-program");
        await settle();
        assert.equal(resource("test:index:AfterRunProgram", "after-run-program").urn, componentUrn("test:index:AfterRunProgram", "after-run-program"));
        assert.equal(componentUrn("test:index:AfterRunProgram", "after-run-program"), "urn:pulumi:test::ray-vllm-eks::test:index:AfterRunProgram::after-run-program");
        assert.deepEqual(pulumi.runtime.allConfig(), {});
    });
});
