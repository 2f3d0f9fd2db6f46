/**
 * How the offline plan finds what to run (plan/project.ts), in-process: the environments,
 * the `plan` script's command line, the Pulumi project of a path, the stack's configuration as
 * `pulumi preview` sees it (declared keys, defaults, the stack file, secrets, -c overrides, types),
 * and the policy config file. Every fixture is built in a temporary folder.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import {
    findProjectDir,
    closestKey,
    editDistance,
    loadConfig,
    loadPolicyConfig,
    MOCKS_ERROR_PREFIX,
    PlanUsageError,
    undeclaredConfigError,
    resolveProgram,
    SECRET_PLACEHOLDER,
} from "../plan/project";
import { environments, planCommand, ROOT } from "../scripts/repository";

/** A check for assert.throws: a PlanUsageError with exactly this message (or one the regex names whole). */
function usageError(message: string | RegExp): (e: unknown) => boolean {
    return (e: unknown) => {
        assert.ok(e instanceof PlanUsageError, `expected a PlanUsageError, got ${String(e)}`);
        if (typeof message === "string") {
            assert.equal(e.message, message);
        } else {
            assert.match(e.message, message);
        }
        return true;
    };
}

/** Writes files (relative path → text) under `dir`, creating folders; returns `dir`. */
function write(dir: string, files: Record<string, string>): string {
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

/** Runs `fn` with `dir` as the working folder, so messages that name paths relative to it are literal. */
function within<T>(dir: string, fn: () => T): T {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
        return fn();
    } finally {
        process.chdir(cwd);
    }
}

/** Whether any folder from `dir` up to the filesystem root holds a Pulumi.yaml (the test's own walk). */
function pulumiYamlAbove(dir: string): boolean {
    let d = dir;
    for (;;) {
        if (fs.existsSync(path.join(d, "Pulumi.yaml"))) {
            return true;
        }
        if (path.dirname(d) === d) {
            return false;
        }
        d = path.dirname(d);
    }
}

/** `text` as a regular expression that matches it literally. */
function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const TMP_PREFIX = path.join(os.tmpdir(), "plan-project-");

describe("the offline plan's project (plan/project.ts)", () => {
    const tmp = fs.realpathSync(fs.mkdtempSync(TMP_PREFIX));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("the temporary folder has no Pulumi.yaml at or above it (what the tests of a project-less folder assume)", () => {
        assert.equal(pulumiYamlAbove(tmp), false);
    });

    it("exports the mocks' error prefix, the secret placeholder and a PlanUsageError that is an Error", () => {
        assert.equal(MOCKS_ERROR_PREFIX, "the offline plan's mocks");
        assert.equal(SECRET_PLACEHOLDER, "offline-plan-secret-placeholder");
        const e = new PlanUsageError("m");
        assert.ok(e instanceof Error);
        assert.equal(e.message, "m");
        assert.equal(fs.existsSync(path.join(ROOT, "plan", "project.ts")), true);
    });

    describe("environments and the plan command", () => {
        it("environments(ROOT), and environments() by default, are the folders of programs/ with an index.ts, sorted", () => {
            assert.deepEqual(environments(ROOT), ["dev", "prod", "staging"]);
            assert.deepEqual(environments(), ["dev", "prod", "staging"]);
        });

        it("environments(root) leaves out folders without an index.ts and plain files, and sorts by UTF-16 code unit", () => {
            const root = path.join(tmp, "env-root");
            // Node lists a folder sorted by its UTF-8 bytes (libuv's scandir); JavaScript sorts by
            // UTF-16 code unit, and the two differ above U+FFFF: U+1F600 comes before U+FF21 only
            // when the code sorts.
            write(root, {
                "programs/\uFF21/index.ts": "",
                "programs/\u{1F600}/index.ts": "",
                "programs/zeta/index.ts": "",
                "programs/alpha/index.ts": "",
                "programs/beta/README.md": "",
                "programs/Mid/index.ts": "",
                "programs/gamma.ts": "",
                "programs/index.ts": "",
            });
            assert.deepEqual(environments(root), ["Mid", "alpha", "zeta", "\u{1F600}", "\uFF21"]);
        });

        it("planCommand(ROOT), and planCommand() by default, are package.json's plan script split at white space", () => {
            const expected = ["node", "-r", "v8-compile-cache", "-r", "./scripts/register-ts.js", "scripts/plan.ts"];
            assert.deepEqual(planCommand(ROOT), expected);
            assert.deepEqual(planCommand(), expected);
        });

        it("planCommand(root) splits at any run of white space", () => {
            const root = write(path.join(tmp, "pkg-root"), { "package.json": JSON.stringify({ scripts: { plan: "node  -r\t./x.js \t scripts/plan.ts", test: "mocha" } }) });
            assert.deepEqual(planCommand(root), ["node", "-r", "./x.js", "scripts/plan.ts"]);
        });
    });

    describe("findProjectDir", () => {
        const base = path.join(tmp, "find");
        before(() => {
            write(base, { "proj/Pulumi.yaml": "name: p\n", "proj/lib/deep/mod.ts": "", "none/sub/x.ts": "" });
        });

        it("finds the folder itself when it holds a Pulumi.yaml", () => {
            assert.equal(findProjectDir(path.join(base, "proj")), path.join(base, "proj"));
        });

        it("finds the nearest ancestor that holds one, from a folder or a file", () => {
            assert.equal(findProjectDir(path.join(base, "proj", "lib", "deep")), path.join(base, "proj"));
            assert.equal(findProjectDir(path.join(base, "proj", "lib", "deep", "mod.ts")), path.join(base, "proj"));
        });

        it("resolves a relative folder against the working folder", () => {
            assert.equal(within(base, () => findProjectDir(path.join("proj", "lib"))), path.join(base, "proj"));
        });

        it("is undefined when no folder up to the filesystem root holds one", () => {
            assert.equal(pulumiYamlAbove(path.join(base, "none", "sub")), false);
            assert.equal(findProjectDir(path.join(base, "none", "sub")), undefined);
            assert.equal(findProjectDir(base), undefined);
        });
    });

    describe("loadConfig", () => {
        let n = 0;
        /** A fresh project folder with these files. */
        const project = (files: Record<string, string>): string => write(path.join(tmp, "config", `p${n++}`), files);
        /** loadConfig of project "app", stack "dev", in a fresh folder with this Pulumi.yaml and Pulumi.dev.yaml. */
        const configOf = (pulumiYaml: string | undefined, stackYaml: string | undefined, overrides: string[] = []) =>
            loadConfig("app", project({ ...(pulumiYaml === undefined ? {} : { "Pulumi.yaml": pulumiYaml }), ...(stackYaml === undefined ? {} : { "Pulumi.dev.yaml": stackYaml }) }), "dev", overrides);

        it("is empty without a Pulumi.yaml or a stack file", () => {
            assert.deepEqual(configOf(undefined, undefined), { values: {}, secretKeys: [] });
        });

        it("is empty when Pulumi.yaml has no config, a config that is not a map, or is empty or a scalar", () => {
            assert.deepEqual(configOf("name: app\n", undefined), { values: {}, secretKeys: [] });
            assert.deepEqual(configOf("name: app\nconfig:\n  - a\n  - b\n", undefined), { values: {}, secretKeys: [] });
            assert.deepEqual(configOf("name: app\nconfig: abc\n", undefined), { values: {}, secretKeys: [] });
            assert.deepEqual(configOf("", undefined), { values: {}, secretKeys: [] });
            assert.deepEqual(configOf("just a scalar\n", undefined), { values: {}, secretKeys: [] });
        });

        it("takes declared keys' defaults, other keys' values (plain or {value}), and keys of other namespaces as they are", () => {
            const config = configOf(
                [
                    "name: app",
                    "config:",
                    "  region: {type: string, default: us-west-2}",
                    "  replicas: {default: 2}",
                    "  nodes:",
                    "    type: array",
                    "    default: [a, b]",
                    "  debug: {type: boolean, default: false}",
                    "  note: {description: a note, default: hi}",
                    "  token: {secret: true, default: dflt}",
                    "  open: {secret: false, default: visible}",
                    "  described: {description: no default, type: string}",
                    "  plainValue: {value: 3}",
                    "  valueMap: {value: {a: 1}}",
                    "  plain: text",
                    "  number: 7",
                    "  list: [1, two]",
                    "  other: {foo: 1}",
                    "  aws:region: eu-west-1",
                    "  kubernetes:namespace: {value: llm}",
                    "",
                ].join("\n"),
                "config:\n  app:described: set\n",
            );
            assert.deepEqual(config, {
                values: {
                    "app:region": "us-west-2",
                    "app:replicas": "2",
                    "app:nodes": '["a","b"]',
                    "app:debug": "false",
                    "app:note": "hi",
                    "app:token": "dflt",
                    "app:open": "visible",
                    "app:described": "set",
                    "app:plainValue": "3",
                    "app:valueMap": '{"a":1}',
                    "app:plain": "text",
                    "app:number": "7",
                    "app:list": '[1,"two"]',
                    "app:other": '{"foo":1}',
                    "aws:region": "eu-west-1",
                    "kubernetes:namespace": "llm",
                },
                secretKeys: ["app:token"],
            });
        });

        for (const [key, spec] of [["type", "{type: string}"], ["description", "{description: d}"], ["secret", "{secret: true}"]] as const) {
            it(`declares a key by \`${key}\` alone: without a default it must be set`, () => {
                assert.throws(
                    () => configOf(`config:\n  k: ${spec}\n`, undefined),
                    usageError('stack "dev" is missing configuration value "app:k", which Pulumi.yaml declares without a default: set it in Pulumi.dev.yaml or with --config k=<value>.'),
                );
                assert.deepEqual(configOf(`config:\n  k: ${spec}\n`, "config:\n  app:k: given\n"), { values: { "app:k": "given" }, secretKeys: key === "secret" ? ["app:k"] : [] });
            });
        }

        it("reads an empty `config:` (null) in Pulumi.yaml or the stack file as no config", () => {
            assert.deepEqual(configOf("name: app\nconfig:\n", "config:\n"), { values: {}, secretKeys: [] });
        });

        it("type-checks a list value as the list it is, a one-number list included", () => {
            assert.deepEqual(configOf("config:\n  k: {type: array, default: [5]}\n  n: {type: integer, default: 3}\n  b: {type: boolean, default: true}\n", undefined), {
                values: { "app:k": "[5]", "app:n": "3", "app:b": "true" },
                secretKeys: [],
            });
        });

        it("declares a key by `default` alone (its default is the value, not the map)", () => {
            assert.deepEqual(configOf("config:\n  k: {default: 5}\n", undefined), { values: { "app:k": "5" }, secretKeys: [] });
        });

        it("names the stack file and the key without its namespace when a declared key is missing", () => {
            const dir = project({ "Pulumi.yaml": "config:\n  aws:region: {type: string}\n  size: {type: integer, default: 1}\n" });
            assert.throws(
                () => loadConfig("app", dir, "prod", []),
                usageError('stack "prod" is missing configuration value "aws:region", which Pulumi.yaml declares without a default: set it in Pulumi.prod.yaml or with --config region=<value>.'),
            );
        });

        it("lays the stack file over Pulumi.yaml, namespacing its keys, for its own stack only", () => {
            const dir = project({
                "Pulumi.yaml": "config:\n  size: {type: integer, default: 1}\n  mode: {default: a}\n  aws:region: us-east-1\n  keep: k\n  extra: {default: e}\n",
                "Pulumi.dev.yaml": "config:\n  size: 4\n  app:mode: b\n  aws:region: eu-west-1\n  extra: x\n",
                "Pulumi.scalar.yaml": "just a scalar\n",
                "Pulumi.list.yaml": "config:\n  - a\n",
                "Pulumi.empty.yaml": "",
            });
            assert.deepEqual(loadConfig("app", dir, "dev", []), {
                values: { "app:size": "4", "app:mode": "b", "aws:region": "eu-west-1", "app:keep": "k", "app:extra": "x" },
                secretKeys: [],
            });
            const defaults = { values: { "app:size": "1", "app:mode": "a", "aws:region": "us-east-1", "app:keep": "k", "app:extra": "e" }, secretKeys: [] };
            assert.deepEqual(loadConfig("app", dir, "prod", []), defaults);
            assert.deepEqual(loadConfig("app", dir, "scalar", []), defaults);
            assert.deepEqual(loadConfig("app", dir, "list", []), defaults);
            assert.deepEqual(loadConfig("app", dir, "empty", []), defaults);
        });

        it("reads a stack file without a Pulumi.yaml", () => {
            assert.deepEqual(configOf(undefined, "config:\n  k: v\n  aws:region: eu-west-1\n"), { values: { "app:k": "v", "aws:region": "eu-west-1" }, secretKeys: [] });
        });

        it("replaces every {secure} in the stack file by a placeholder of the declared type, and marks the key secret; sorted", () => {
            const config = configOf(
                [
                    "config:",
                    "  zeta: {secret: true, default: z}",
                    "  pw: {secret: true}",
                    "  count: {type: integer}",
                    "  flag: {type: boolean}",
                    "  name: {type: string}",
                    "  anyd: {description: untyped}",
                    "  items: {type: array}",
                    "  whole: {type: array}",
                    "  counts: {type: integer}",
                    "  flags: {type: boolean}",
                    "  nested: {description: untyped}",
                    "  deep: {description: untyped}",
                    "  notSecret: {description: untyped}",
                    "  emptyMap: {description: untyped}",
                    "  plainList: {description: untyped}",
                    "  plainMap: {description: untyped}",
                    "",
                ].join("\n"),
                [
                    "config:",
                    "  app:pw: plain-but-declared-secret",
                    "  app:count: {secure: AAA}",
                    "  app:flag: {secure: AAA}",
                    "  app:name: {secure: AAA}",
                    "  app:anyd: {secure: AAA}",
                    "  app:items:",
                    "    - {secure: AAA}",
                    "    - plain",
                    "  app:whole: {secure: AAA}",
                    "  app:counts: [{secure: AAA}]",
                    "  app:flags: {a: {secure: AAA}}",
                    "  app:nested:",
                    "    a: {secure: AAA}",
                    "    b: 1",
                    "  app:deep:",
                    "    l: [x, {m: {secure: AAA}}]",
                    "  app:notSecret: {secure: AAA, other: 1}",
                    "  app:emptyMap: {}",
                    "  app:plainList: [1, {a: 2}]",
                    "  app:plainMap: {a: [1, {b: c}]}",
                    "  aws:secretKey: {secure: AAA}",
                    "",
                ].join("\n"),
            );
            assert.deepEqual(config, {
                values: {
                    "app:zeta": "z",
                    "app:pw": "plain-but-declared-secret",
                    "app:count": "0",
                    "app:flag": "false",
                    "app:name": "offline-plan-secret-placeholder",
                    "app:anyd": "offline-plan-secret-placeholder",
                    "app:items": '["offline-plan-secret-placeholder","plain"]',
                    "app:whole": "offline-plan-secret-placeholder",
                    "app:counts": '["offline-plan-secret-placeholder"]',
                    "app:flags": '{"a":"offline-plan-secret-placeholder"}',
                    "app:nested": '{"a":"offline-plan-secret-placeholder","b":1}',
                    "app:deep": '{"l":["x",{"m":"offline-plan-secret-placeholder"}]}',
                    "app:notSecret": '{"secure":"AAA","other":1}',
                    "app:emptyMap": "{}",
                    "app:plainList": '[1,{"a":2}]',
                    "app:plainMap": '{"a":[1,{"b":"c"}]}',
                    "aws:secretKey": "offline-plan-secret-placeholder",
                },
                secretKeys: [
                    "app:anyd",
                    "app:count",
                    "app:counts",
                    "app:deep",
                    "app:flag",
                    "app:flags",
                    "app:items",
                    "app:name",
                    "app:nested",
                    "app:pw",
                    "app:whole",
                    "app:zeta",
                    "aws:secretKey",
                ],
            });
        });

        it("does not type-check a secret: declared `secret: true` or given as {secure}", () => {
            assert.deepEqual(configOf("config:\n  k: {type: integer, secret: true}\n", "config:\n  app:k: abc\n"), { values: { "app:k": "abc" }, secretKeys: ["app:k"] });
            assert.deepEqual(configOf("config:\n  k: {type: boolean}\n", "config:\n  app:k: [{secure: AAA}]\n"), { values: { "app:k": '["offline-plan-secret-placeholder"]' }, secretKeys: ["app:k"] });
        });

        it("lays -c overrides over the stack file: namespaced, the value all after the first '=', empty allowed", () => {
            const config = configOf(
                "config:\n  size: {type: integer, default: 1}\n  name: {default: a}\n  need: {type: integer}\n  k: {description: any}\n  e: {description: any}\n",
                "config:\n  app:name: b\n  app:size: 2\n",
                ["size=3", "name=c", "k=v=w", "aws:region=eu-central-1", "e=", "need=4"],
            );
            assert.deepEqual(config, {
                values: { "app:size": "3", "app:name": "c", "app:need": "4", "app:k": "v=w", "aws:region": "eu-central-1", "app:e": "" },
                secretKeys: [],
            });
        });

        it("rejects an override that is not key=value", () => {
            assert.throws(() => configOf(undefined, undefined, ["=v"]), usageError('--config "=v" is not key=value: write it as --config instanceType=g6.xlarge (like pulumi preview -c).'));
            assert.throws(() => configOf(undefined, undefined, ["k=v", "novalue"]), usageError('--config "novalue" is not key=value: write it as --config instanceType=g6.xlarge (like pulumi preview -c).'));
        });

        const accepted: [string, string | undefined, string[], string][] = [
            ["integer", "3", [], "3"],
            ["integer", "-2", [], "-2"],
            ["integer", undefined, ["k=3"], "3"],
            ["boolean", "true", [], "true"],
            ["boolean", undefined, ["k=false"], "false"],
            ["array", "[1, x]", [], '[1,"x"]'],
            ["array", undefined, ["k=[1]"], "[1]"],
            ["string", "abc", [], "abc"],
            ["string", undefined, ["k=3"], "3"],
            ["string", undefined, ["k=true"], "true"],
            ["object", "5", [], "5"],
            ["object", undefined, ["k=abc"], "abc"],
        ];
        for (const [type, stackValue, overrides, value] of accepted) {
            it(`accepts ${stackValue !== undefined ? `stack value ${stackValue}` : `override ${overrides[0]}`} for a key of type ${type}`, () => {
                assert.deepEqual(configOf(`config:\n  k: {type: ${type}}\n`, stackValue === undefined ? undefined : `config:\n  app:k: ${stackValue}\n`, overrides), { values: { "app:k": value }, secretKeys: [] });
            });
        }

        const rejected: [string, string | undefined, string[], string][] = [
            ["integer", "3.5", [], "3.5"],
            ["integer", "true", [], "true"],
            ["integer", undefined, ["k=abc"], '"abc"'],
            ["integer", undefined, ["k=3.5"], '"3.5"'],
            ["boolean", "1", [], "1"],
            ["boolean", "yes", [], '"yes"'],
            ["boolean", undefined, ["k=True"], '"True"'],
            ["array", "{a: 1}", [], '{"a":1}'],
            ["array", undefined, ["k=x"], '"x"'],
            ["array", undefined, ["k={}"], '"{}"'],
            ["string", "3", [], "3"],
            ["string", "true", [], "true"],
            ["string", "[a]", [], '["a"]'],
        ];
        for (const [type, stackValue, overrides, shown] of rejected) {
            it(`rejects ${stackValue !== undefined ? `stack value ${stackValue}` : `override ${overrides[0]}`} for a key of type ${type}`, () => {
                assert.throws(
                    () => configOf(`config:\n  k: {type: ${type}}\n`, stackValue === undefined ? undefined : `config:\n  app:k: ${stackValue}\n`, overrides),
                    usageError(`configuration value "app:k" is ${shown}, not of type ${type} as Pulumi.yaml declares it: fix it in Pulumi.dev.yaml or the --config override.`),
                );
            });
        }

        it("type-checks a declared default too, and not a key declared without a type", () => {
            assert.throws(
                () => configOf("config:\n  k: {type: integer, default: abc}\n", undefined),
                usageError('configuration value "app:k" is "abc", not of type integer as Pulumi.yaml declares it: fix it in Pulumi.dev.yaml or the --config override.'),
            );
            assert.deepEqual(configOf("config:\n  k: {description: any, default: [1]}\n", undefined), { values: { "app:k": "[1]" }, secretKeys: [] });
        });

        it("reports a Pulumi.yaml or stack file that is not YAML", () => {
            const base = path.join(tmp, "config", "bad-yaml");
            write(base, { "bad/Pulumi.yaml": "config: [1\nx: 2\n", "good/Pulumi.yaml": "config:\n  k: v\n", "good/Pulumi.dev.yaml": "a: b: c\n" });
            within(base, () => {
                assert.throws(
                    () => loadConfig("app", "bad", "dev", []),
                    usageError(/^cannot read bad\/Pulumi\.yaml: Flow sequence in block collection must be sufficiently indented and end with a \] at line 2, column 1:\n[\s\S]*$/),
                );
                assert.throws(
                    () => loadConfig("app", "good", "dev", []),
                    usageError(/^cannot read good\/Pulumi\.dev\.yaml: Nested mappings are not allowed in compact mappings at line 1, column 4:\n[\s\S]*$/),
                );
            });
        });
        describe("config keys Pulumi.yaml does not declare", () => {
            const DECLARED = "config:\n  natGateways: {type: string, default: OnePerAz}\n  gpuLimit: {type: integer, default: 4}\n  clusterName: llm\n  aws:region: us-west-2\n";

            it("refuses a key of the project's namespace set in the stack file, naming the file and the closest declared key", () => {
                assert.throws(
                    () => configOf(DECLARED, "config:\n  app:natGateway: Single\n"),
                    usageError('stack "dev" sets configuration that Pulumi.yaml does not declare, which the program would never read:\n'
                        + "  natGateway (Pulumi.dev.yaml): did you mean natGateways?\n"
                        + "Rename each to a key Pulumi.yaml declares (its config section lists them with their descriptions), or remove it."),
                );
            });

            it("refuses every such key, from the stack file and from --config, in the order set; a far one gets the closest key, not a guess", () => {
                assert.throws(
                    () => configOf(DECLARED, "config:\n  gpulimit: 8\n  clusterNmae: x\n  replicas: 3\n", ["NatGateway=Single", "gpuLimit=2"]),
                    usageError('stack "dev" sets configuration that Pulumi.yaml does not declare, which the program would never read:\n'
                        + "  gpulimit (Pulumi.dev.yaml): did you mean gpuLimit?\n"
                        + "  clusterNmae (Pulumi.dev.yaml): did you mean clusterName?\n"
                        + "  replicas (Pulumi.dev.yaml): the closest declared key is gpuLimit\n"
                        + "  NatGateway (--config NatGateway): did you mean natGateways?\n"
                        + "Rename each to a key Pulumi.yaml declares (its config section lists them with their descriptions), or remove it."),
                );
            });

            it("accepts declared keys in either form (a declaration or a value), with or without the namespace, and other namespaces", () => {
                assert.deepEqual(configOf(DECLARED, "config:\n  app:natGateways: Single\n  clusterName: c\n  aws:region: eu-west-1\n  kubernetes:context: x\n", ["gpuLimit=2"]), {
                    values: { "app:natGateways": "Single", "app:gpuLimit": "2", "app:clusterName": "c", "aws:region": "eu-west-1", "kubernetes:context": "x" },
                    secretKeys: [],
                });
            });

            it("leaves a project whose Pulumi.yaml declares no key of its own to read what it likes, as Pulumi does", () => {
                assert.deepEqual(configOf("config:\n  aws:region: us-west-2\n", "config:\n  anything: 1\n", ["more=2"]), {
                    values: { "aws:region": "us-west-2", "app:anything": "1", "app:more": "2" },
                    secretKeys: [],
                });
            });

            it("editDistance counts single-character edits; closestKey compares without case, the first declared of equals", () => {
                assert.equal(editDistance("", ""), 0);
                assert.equal(editDistance("natGateway", "natGateways"), 1);
                assert.equal(editDistance("kitten", "sitting"), 3);
                assert.equal(editDistance("abc", ""), 3);
                assert.equal(editDistance("", "ab"), 2);
                assert.equal(editDistance("ab", "ba"), 2);
                assert.equal(closestKey("GPULIMIT", ["gpuLimits", "gpuLimit"]), "gpuLimit");
                assert.equal(closestKey("ab", ["xb", "ay"]), "xb");
                assert.equal(closestKey("ab", []), undefined);
            });

            it("undeclaredConfigError: none without a declared key of the project, or without an undeclared one", () => {
                assert.equal(undeclaredConfigError("app", "dev", ["aws:region"], [["app:x", "Pulumi.dev.yaml"]]), undefined);
                assert.equal(undeclaredConfigError("app", "dev", ["app:x"], [["app:x", "Pulumi.dev.yaml"], ["aws:y", "Pulumi.dev.yaml"]]), undefined);
                assert.equal(undeclaredConfigError("app", "dev", ["app:x"], []), undefined);
                assert.equal(
                    undeclaredConfigError("app", "prod", ["app:abcdef"], [["app:abcxyz", "--config abcxyz"]]),
                    'stack "prod" sets configuration that Pulumi.yaml does not declare, which the program would never read:\n'
                        + "  abcxyz (--config abcxyz): the closest declared key is abcdef\n"
                        + "Rename each to a key Pulumi.yaml declares (its config section lists them with their descriptions), or remove it.",
                );
                // Within max(2, a third of the key's length): 3 edits in a 9-letter key are "near", 4 in 11 are not.
                assert.match(undeclaredConfigError("app", "dev", ["app:abcdefghi"], [["app:abcdefxyz", "f"]]) ?? "", /did you mean abcdefghi\?/);
                assert.match(undeclaredConfigError("app", "dev", ["app:abcdefghijk"], [["app:abcdefgwxyz", "f"]]) ?? "", /the closest declared key is abcdefghijk\n/);
            });
        });
    });

    describe("resolveProgram", () => {
        const base = path.join(tmp, "resolve");
        const at = (...p: string[]): string => path.join(base, ...p);
        before(() => {
            write(base, {
                "proj/Pulumi.yaml": "name: my-app\nmain: src/app.ts\nconfig:\n  size: {type: integer, default: 2}\n  k: {type: integer, default: 0}\n",
                "proj/Pulumi.dev.yaml": "config:\n  my-app:size: 5\n",
                "proj/src/app.ts": "",
                "proj/index.ts": "",
                "proj/sub/index.ts": "",
                "proj/lib/deep/mod.ts": "",
                "folder-main/Pulumi.yaml": "name: fm\nmain: app\n",
                "folder-main/app/index.ts": "",
                "missing-main/Pulumi.yaml": "name: mm\nmain: missing.ts\n",
                "main-dir-no-index/Pulumi.yaml": "name: md\nmain: app\n",
                "main-dir-no-index/app/other.ts": "",
                "numeric-name/Pulumi.yaml": "name: 42\nmain: 7\n",
                "numeric-name/index.ts": "",
                "empty-main/Pulumi.yaml": "name: em\nmain: ''\n",
                "empty-main/index.ts": "",
                "scalar-yaml/Pulumi.yaml": "just a scalar\n",
                "scalar-yaml/index.ts": "",
                "empty-yaml/Pulumi.yaml": "",
                "empty-yaml/index.ts": "",
                "bad-yaml/Pulumi.yaml": "name: [x\ny: 1\n",
                "bad-yaml/index.ts": "",
                "loose/index.ts": "",
                "loose/Pulumi.dev.yaml": "config:\n  k: v\n",
                "loose/Pulumi.Dev.eu_west-2.yaml": "config:\n  k: w\n",
                "loose-file/prog.ts": "",
                "empty/README.md": "",
            });
        });

        it("runs a project folder's `main` file, with the project's name and the stack's config and overrides", () => {
            assert.deepEqual(resolveProgram(at("proj"), "dev", ["k=1"]), {
                project: "my-app",
                stack: "dev",
                projectDir: at("proj"),
                entry: at("proj", "src", "app.ts"),
                config: { values: { "my-app:size": "5", "my-app:k": "1" }, secretKeys: [] },
            });
            assert.deepEqual(resolveProgram(at("proj"), "dev", ["k=1"]).config, loadConfig("my-app", at("proj"), "dev", ["k=1"]));
        });

        it("resolves a relative path against the working folder", () => {
            assert.deepEqual(within(base, () => resolveProgram("proj", "prod", [])), {
                project: "my-app",
                stack: "prod",
                projectDir: at("proj"),
                entry: at("proj", "src", "app.ts"),
                config: { values: { "my-app:size": "2", "my-app:k": "0" }, secretKeys: [] },
            });
        });

        it("runs the index.ts of a `main` folder", () => {
            assert.deepEqual(resolveProgram(at("folder-main"), "dev", []), {
                project: "fm",
                stack: "dev",
                projectDir: at("folder-main"),
                entry: at("folder-main", "app", "index.ts"),
                config: { values: {}, secretKeys: [] },
            });
        });

        it("runs a subfolder's index.ts (not the project's main) in the project above it", () => {
            assert.deepEqual(resolveProgram(at("proj", "sub"), "dev", []), {
                project: "my-app",
                stack: "dev",
                projectDir: at("proj"),
                entry: at("proj", "sub", "index.ts"),
                config: { values: { "my-app:size": "5", "my-app:k": "0" }, secretKeys: [] },
            });
        });

        it("runs a .ts file in the project found above it", () => {
            assert.deepEqual(resolveProgram(at("proj", "lib", "deep", "mod.ts"), "dev", []), {
                project: "my-app",
                stack: "dev",
                projectDir: at("proj"),
                entry: at("proj", "lib", "deep", "mod.ts"),
                config: { values: { "my-app:size": "5", "my-app:k": "0" }, secretKeys: [] },
            });
        });

        it("names the project after its folder when Pulumi.yaml's name is not a string, is empty or a scalar; ignores a `main` that is not a string or is empty", () => {
            for (const name of ["numeric-name", "scalar-yaml", "empty-yaml"]) {
                assert.deepEqual(resolveProgram(at(name), "dev", []), { project: name, stack: "dev", projectDir: at(name), entry: at(name, "index.ts"), config: { values: {}, secretKeys: [] } });
            }
            assert.deepEqual(resolveProgram(at("empty-main"), "dev", []), { project: "em", stack: "dev", projectDir: at("empty-main"), entry: at("empty-main", "index.ts"), config: { values: {}, secretKeys: [] } });
        });

        it("runs a folder without a Pulumi.yaml as its own project, named after it, with its stack files", () => {
            assert.deepEqual(resolveProgram(at("loose"), "dev", []), { project: "loose", stack: "dev", projectDir: at("loose"), entry: at("loose", "index.ts"), config: { values: { "loose:k": "v" }, secretKeys: [] } });
            assert.deepEqual(resolveProgram(at("loose"), "Dev.eu_west-2", []), {
                project: "loose",
                stack: "Dev.eu_west-2",
                projectDir: at("loose"),
                entry: at("loose", "index.ts"),
                config: { values: { "loose:k": "w" }, secretKeys: [] },
            });
            assert.deepEqual(resolveProgram(at("loose-file", "prog.ts"), "dev", []), {
                project: "loose-file",
                stack: "dev",
                projectDir: at("loose-file"),
                entry: at("loose-file", "prog.ts"),
                config: { values: {}, secretKeys: [] },
            });
        });

        it("rejects a path that does not exist", () => {
            assert.throws(
                () => within(base, () => resolveProgram("nope", "dev", [])),
                usageError("--program nope: no such file or folder: give the path of a Pulumi TypeScript program (a folder with Pulumi.yaml or index.ts, or a .ts file)."),
            );
        });

        it("rejects a folder with no program to run, naming it relative to the working folder", () => {
            within(base, () => {
                assert.throws(() => resolveProgram("empty", "dev", []), usageError("--program empty: found no empty/index.ts: point --program at a Pulumi TypeScript program."));
                assert.throws(() => resolveProgram("missing-main", "dev", []), usageError("--program missing-main: found no missing-main/missing.ts: point --program at a Pulumi TypeScript program."));
                assert.throws(
                    () => resolveProgram("main-dir-no-index", "dev", []),
                    usageError("--program main-dir-no-index: found no main-dir-no-index/app/index.ts: point --program at a Pulumi TypeScript program."),
                );
            });
            assert.throws(
                () => within(at("proj"), () => resolveProgram(at("empty"), "dev", [])),
                usageError(`--program ${at("empty")}: found no ../empty/index.ts: point --program at a Pulumi TypeScript program.`),
            );
        });

        it("rejects a stack name that is not letters, digits, '-', '_' and '.'", () => {
            for (const [stack, shown] of [["x y", '"x y"'], ["../dev", '"../dev"'], ["a/b", '"a/b"'], ["", '""'], ["dev!", '"dev!"'], ["!dev", '"!dev"']]) {
                assert.throws(() => resolveProgram(at("loose"), stack, []), usageError(`--stack ${shown} is not a stack name: use letters, digits, "-", "_" and ".".`));
            }
        });

        it("reports a Pulumi.yaml that is not YAML", () => {
            assert.throws(
                () => within(base, () => resolveProgram("bad-yaml", "dev", [])),
                usageError(new RegExp(`^cannot read ${escapeRegExp(at("bad-yaml", "Pulumi.yaml"))}: Flow sequence in block collection must be sufficiently indented and end with a \\] at line 2, column 1:\n[\\s\\S]*$`)),
            );
        });
    });

    describe("loadPolicyConfig", () => {
        const base = path.join(tmp, "policy");
        before(() => {
            write(base, {
                "array.json": "[]",
                "null.json": "null",
                "number.json": "5",
                "string.json": '"mandatory"',
                "empty.json": "",
                "bad.json": "{",
                "empty-object.json": "{}",
                "good.json": JSON.stringify({ "gpu-nodepool-limit": "mandatory", "no-latest-image-tags": { enforcementLevel: "advisory", allow: ["x"] } }),
            });
        });
        const load = (file: string) => within(base, () => loadPolicyConfig(file));

        it("reads a JSON object as it is", () => {
            assert.deepEqual(load("good.json"), { "gpu-nodepool-limit": "mandatory", "no-latest-image-tags": { enforcementLevel: "advisory", allow: ["x"] } });
            assert.deepEqual(load("empty-object.json"), {});
        });

        it("rejects a file that does not exist", () => {
            assert.throws(() => load("nope.json"), usageError("--policy-config nope.json: no such file: give a JSON file in the format of pulumi preview --policy-pack-config."));
        });

        for (const file of ["array.json", "null.json", "number.json", "string.json"]) {
            it(`rejects JSON whose top level is not an object (${file})`, () => {
                assert.throws(
                    () => load(file),
                    usageError(`--policy-config ${file}: the top level must be an object mapping policy names to their configuration: see pulumi preview --policy-pack-config for the format.`),
                );
            });
        }

        it("rejects a file that is not JSON", () => {
            assert.throws(() => load("empty.json"), usageError("--policy-config empty.json: Unexpected end of JSON input: see pulumi preview --policy-pack-config for the format."));
            assert.throws(
                () => load("bad.json"),
                usageError(/^--policy-config bad\.json: Expected property name or '\}' in JSON at position 1( \(line 1 column 2\))?: see pulumi preview --policy-pack-config for the format\.$/),
            );
        });
    });
});
