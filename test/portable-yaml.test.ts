import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

import { plainInputs, PlanResult } from "../plan/engine";
import { misreadPlain, portableYaml } from "../plan/portable-yaml";
import { writePlan } from "../plan/render";
import { environmentPlan, filesBelow } from "./support/plan";

/** The three ways the tests read YAML: 1.2 (the default), 1.1, and 1.2's syntax with 1.1's schema. */
function readings(text: string): { "1.2": unknown; "1.1": unknown; "yaml-1.1 schema": unknown } {
    return { "1.2": YAML.parse(text), "1.1": YAML.parse(text, { version: "1.1" }), "yaml-1.1 schema": YAML.parse(text, { schema: "yaml-1.1" }) };
}

/** Asserts that every reading of `text` is `value`. */
function assertReadsBack(text: string, value: unknown): void {
    assert.deepEqual(readings(text), { "1.2": value, "1.1": value, "yaml-1.1 schema": value });
}

// Pulumi's wire form of a secret (the SDK's signature key and its secret and output signatures).
const SIG = "4dabf18193072939515e22adb298388d";
const secret = (value: unknown): Record<string, unknown> => ({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value });
const secretOutput = (value?: unknown): Record<string, unknown> => ({ [SIG]: "d0e6a833031e9bbcd3f4e8bde6ca49a4", secret: true, ...(value === undefined ? {} : { value }) });

describe("portable YAML: what YAML 1.1 readers (kubectl, Helm, PyYAML) read as something else is quoted", () => {
    it("quotes every YAML 1.1 boolean", () => {
        const booleans = ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"];
        const text = portableYaml({ booleans });
        assert.equal(text, `booleans:\n${booleans.map((b) => `  - "${b}"\n`).join("")}`);
        assertReadsBack(text, { booleans });
    });

    it("quotes the null forms, the empty string among them", () => {
        const text = portableYaml({ nulls: ["~", "null", "Null", "NULL", ""] });
        assert.equal(text, 'nulls:\n  - "~"\n  - "null"\n  - "Null"\n  - "NULL"\n  - ""\n');
        assertReadsBack(text, { nulls: ["~", "null", "Null", "NULL", ""] });
    });

    it("quotes numbers in YAML 1.1's and go-yaml v2's spellings: octal, sexagesimal, underscores, binary, hex, floats, .inf and .nan", () => {
        const numbers = {
            octal: "0755",
            octal12: "0o17",
            signedOctal12: "+0o17",
            sexagesimal: "1:20",
            sexagesimalFloat: "1:20.5",
            underscores: "1_000",
            trailingUnderscore: "1_",
            signUnderscore: "-_1",
            exponentUnderscore: "1e1_0",
            binary: "0b1010",
            hex: "0x1F",
            upperHex: "0X1F",
            leadingDot: ".5",
            exponent: "1e3",
            decimal: "1.34",
            notOctal: "08",
            inf: ".inf",
            negativeInf: "-.Inf",
            nan: ".NaN",
        };
        const text = portableYaml(numbers);
        assert.equal(text, [
            'octal: "0755"',
            'octal12: "0o17"',
            'signedOctal12: "+0o17"',
            'sexagesimal: "1:20"',
            'sexagesimalFloat: "1:20.5"',
            'underscores: "1_000"',
            'trailingUnderscore: "1_"',
            'signUnderscore: "-_1"',
            'exponentUnderscore: "1e1_0"',
            'binary: "0b1010"',
            'hex: "0x1F"',
            'upperHex: "0X1F"',
            'leadingDot: ".5"',
            'exponent: "1e3"',
            'decimal: "1.34"',
            'notOctal: "08"',
            'inf: ".inf"',
            'negativeInf: "-.Inf"',
            'nan: ".NaN"',
            "",
        ].join("\n"));
        assertReadsBack(text, numbers);
    });

    it("quotes timestamps (go-yaml v2 hands them to kubectl as strings; YAML 1.1 and PyYAML read dates)", () => {
        const times = ["2024-01-02", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10"];
        const text = portableYaml({ times });
        assert.equal(text, 'times:\n  - "2024-01-02"\n  - "2001-12-14t21:59:43.10-05:00"\n  - "2001-12-14 21:59:43.10"\n');
        assertReadsBack(text, { times });
    });

    it("quotes keys too: a label key `on`, `y`, a merge key `<<`, PyYAML's value key `=`", () => {
        const labels = { "on": "a", "y": "b", "<<": "c", "=": "d", "1:20": "e", "ray.io/is-ray-node": "yes" };
        const text = portableYaml({ metadata: { labels } });
        assert.equal(text, 'metadata:\n  labels:\n    "on": a\n    "y": b\n    "<<": c\n    "=": d\n    "1:20": e\n    ray.io/is-ray-node: "yes"\n');
        assertReadsBack(text, { metadata: { labels } });
    });

    it("leaves plain what every reader reads as the same string, and non-strings as they were", () => {
        const value = {
            strings: ["yess", "online", "NoSchedule", "v1", "1.2.3", "0.0.0.0/0", "g6e.xlarge", "_1", "0b2", "0x", "2024-01-02T", "1:2:3a", "nvidia.com/gpu"],
            numbers: [0, 1, -1, 0.5, 1e21],
            other: [true, false, null],
        };
        const text = portableYaml(value);
        assert.equal(text, [
            "strings:",
            "  - yess",
            "  - online",
            "  - NoSchedule",
            "  - v1",
            "  - 1.2.3",
            "  - 0.0.0.0/0",
            "  - g6e.xlarge",
            "  - _1",
            "  - 0b2",
            "  - 0x",
            "  - 2024-01-02T",
            "  - 1:2:3a",
            "  - nvidia.com/gpu",
            "numbers:",
            "  - 0",
            "  - 1",
            "  - -1",
            "  - 0.5",
            "  - 1e+21",
            "other:",
            "  - true",
            "  - false",
            "  - null",
            "",
        ].join("\n"));
        assertReadsBack(text, value);
    });

    it("escapes what YAML 1.1 takes for a line break (NEL, U+2028, U+2029) and characters no YAML keeps raw; block text stays a block", () => {
        const value = { nel: "a\u0085b", ls: "a\u2028b", ps: "a\u2029b", bell: "a\u0007b", del: "a\u007fb", bom: "\ufeffa", quote: 'say "on"\u2028', block: "line one\nline two\n" };
        const text = portableYaml(value);
        assert.equal(text, [
            'nel: "a\\Nb"',
            'ls: "a\\Lb"',
            'ps: "a\\Pb"',
            'bell: "a\\x07b"',
            'del: "a\\x7Fb"',
            'bom: "\\uFEFFa"',
            'quote: "say \\"on\\"\\L"',
            "block: |",
            "  line one",
            "  line two",
            "",
        ].join("\n"));
        assertReadsBack(text, value);
    });

    it("agrees with the yaml package's own YAML 1.1 reading of each plain scalar", () => {
        const candidates = [
            "y", "yes", "on", "OFF", "~", "null", "", "0755", "0o17", "1:20", "1:20.5", "1_000", "0b101", "0x1F", ".5", "1e3", ".inf", ".NaN",
            "2024-01-02", "2001-12-14 21:59:43.10", "yess", "online", "v1", "1.2.3", "_1", "0b2", "ray.io/is-ray-node", "a b",
        ];
        for (const s of candidates) {
            const reads = YAML.parse(`k: ${s}\n`, { version: "1.1" }).k;
            if (!(typeof reads === "string" && reads === s)) {
                assert.ok(misreadPlain(s), `YAML 1.1 reads plain ${JSON.stringify(s)} as ${String(reads)}: it must be quoted`);
            }
        }
        // And what only go-yaml v2 (kubectl, Helm) reads as a number.
        assert.deepEqual(["0X1F", "+0o17", "-_1", "1e1_0", "0B11", "yes-please"].map(misreadPlain), [true, true, true, true, true, false]);
    });
});

describe("a redacted Kubernetes Secret keeps its keys (engine.ts plainInputs)", () => {
    it("keeps the keys of a Secret's stringData and data, each value [secret], whether secret as a whole or an output marked secret", () => {
        const inputs = plainInputs("kubernetes:core/v1:Secret", {
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name: "hf", namespace: "llm" },
            stringData: secret({ token: "hf_plaintext", "on": "also-plaintext" }),
            data: secretOutput({ "ca.crt": "cGxhaW50ZXh0" }),
            type: "Opaque",
        });
        assert.deepEqual(inputs, {
            apiVersion: "v1",
            data: { "ca.crt": "[secret]" },
            kind: "Secret",
            metadata: { name: "hf", namespace: "llm" },
            stringData: { "on": "[secret]", token: "[secret]" },
            type: "Opaque",
        });
        assert.doesNotMatch(JSON.stringify(inputs), /plaintext|cGxhaW50ZXh0/);
    });

    it("hides a Secret's data whole when its keys are not known, and every other resource's secrets whole", () => {
        assert.deepEqual(plainInputs("kubernetes:core/v1:Secret", { stringData: secretOutput() }), { stringData: "[secret]" });
        assert.deepEqual(plainInputs("kubernetes:core/v1:Secret", { stringData: secret("04da6b54-80e4-46f7-96ec-b56ff0331ba9") }), { stringData: "[secret]" });
        assert.deepEqual(plainInputs("kubernetes:core/v1:Secret", { stringData: { token: secret("x") } }), { stringData: { token: "[secret]" } });
        assert.deepEqual(plainInputs("kubernetes:core/v1:ConfigMap", { data: secret({ key: "x" }) }), { data: "[secret]" });
        assert.deepEqual(plainInputs("pulumi:providers:kubernetes", { kubeconfig: secret({ clusters: [] }) }), { kubeconfig: "[secret]" });
    });
});

describe("writePlan writes portable YAML: manifests and Helm values", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "portable-yaml-"));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("quotes label values and keys YAML 1.1 misreads, and writes a redacted Secret with its keys", () => {
        const resource = (type: string, name: string, inputs: Record<string, unknown>) => ({ urn: `urn:pulumi:s::p::${type}::${name}`, type, name, custom: true, dependencies: [], options: {}, inputs });
        const plan: PlanResult = {
            project: "p",
            stack: "s",
            resources: [
                resource("kubernetes:core/v1:Secret", "token", { apiVersion: "v1", kind: "Secret", metadata: { name: "token", namespace: "llm" }, stringData: { token: "[secret]" }, type: "Opaque" }),
                resource("kubernetes:networking.k8s.io/v1:NetworkPolicy", "ray", {
                    apiVersion: "networking.k8s.io/v1",
                    kind: "NetworkPolicy",
                    metadata: { name: "ray", namespace: "llm", labels: { "on": "off" } },
                    spec: { podSelector: { matchLabels: { "ray.io/is-ray-node": "yes" } }, policyTypes: ["Ingress"] },
                }),
                resource("kubernetes:helm.sh/v3:Release", "plugin", { chart: "plugin", version: "0.17.0", namespace: "kube-system", name: "plugin", values: { gfd: { enabled: "on" }, mode: "0755", tolerations: [{ key: "nvidia.com/gpu", operator: "Exists" }] } }),
            ],
            outputs: {},
            destroyOrder: [],
        };
        writePlan(plan, tmp);
        assert.deepEqual(filesBelow(tmp), [
            "helm/kube-system_plugin.yaml",
            "manifests/core_v1_Secret_llm_token.yaml",
            "manifests/networking.k8s.io_v1_NetworkPolicy_llm_ray.yaml",
            "plan.json",
        ]);
        const read = (f: string): string => fs.readFileSync(path.join(tmp, f), "utf8");
        assert.equal(read("manifests/core_v1_Secret_llm_token.yaml"), [
            "apiVersion: v1",
            "kind: Secret",
            "metadata:",
            "  name: token",
            "  namespace: llm",
            "stringData:",
            '  token: "[secret]"',
            "type: Opaque",
            "",
        ].join("\n"));
        assert.equal(read("manifests/networking.k8s.io_v1_NetworkPolicy_llm_ray.yaml"), [
            "apiVersion: networking.k8s.io/v1",
            "kind: NetworkPolicy",
            "metadata:",
            "  name: ray",
            "  namespace: llm",
            "  labels:",
            '    "on": "off"',
            "spec:",
            "  podSelector:",
            "    matchLabels:",
            '      ray.io/is-ray-node: "yes"',
            "  policyTypes:",
            "    - Ingress",
            "",
        ].join("\n"));
        assert.equal(read("helm/kube-system_plugin.yaml"), [
            "name: plugin",
            "namespace: kube-system",
            "chart: plugin",
            "version: 0.17.0",
            "values:",
            "  gfd:",
            '    enabled: "on"',
            '  mode: "0755"',
            "  tolerations:",
            "    - key: nvidia.com/gpu",
            "      operator: Exists",
            "",
        ].join("\n"));
    });
});

describe("the dev, staging and prod plans: every rendered file reads the same in YAML 1.1 and 1.2", () => {
    const ENVIRONMENTS = ["dev", "staging", "prod"];
    const outs: Record<string, string> = {};

    before(async () => {
        const runs = await Promise.all(ENVIRONMENTS.map((env) => environmentPlan(env)));
        runs.forEach((r, i) => {
            assert.equal(r.code, 0, `plan ${ENVIRONMENTS[i]}: ${r.stderr}`);
            outs[ENVIRONMENTS[i]] = r.out;
        });
    });

    for (const env of ENVIRONMENTS) {
        it(`${env}: each manifest and Helm values file parses identically as YAML 1.2, as YAML 1.1 and with the yaml-1.1 schema`, () => {
            const files = filesBelow(outs[env]).filter((f) => f.endsWith(".yaml"));
            assert.ok(files.filter((f) => f.startsWith("manifests/")).length >= 18 && files.filter((f) => f.startsWith("helm/")).length >= 7, `${env} renders its manifests and Helm values`);
            const differ = files.filter((f) => {
                const r = readings(fs.readFileSync(path.join(outs[env], f), "utf8"));
                try {
                    assert.deepStrictEqual(r["1.1"], r["1.2"]);
                    assert.deepStrictEqual(r["yaml-1.1 schema"], r["1.2"]);
                    return false;
                } catch {
                    return true;
                }
            });
            assert.deepEqual(differ, []);
        });
    }

    it("dev: the Ray pod selector's `yes` is the string kubectl reads", () => {
        const text = fs.readFileSync(path.join(outs.dev, "manifests/networking.k8s.io_v1_NetworkPolicy_llm_vllm-ray-internal.yaml"), "utf8");
        assert.deepEqual(text.split("\n").filter((l) => l.includes("is-ray-node")), ['              ray.io/is-ray-node: "yes"', '      ray.io/is-ray-node: "yes"']);
    });

    for (const env of ["staging", "prod"]) {
        it(`${env}: the Redis password Secret is rendered with its key, and every secretKeyRef names a rendered Secret's key`, () => {
            const dir = path.join(outs[env], "manifests");
            assert.equal(fs.readFileSync(path.join(dir, "core_v1_Secret_llm_vllm-redis-password.yaml"), "utf8"), [
                "apiVersion: v1",
                "kind: Secret",
                "metadata:",
                "  name: vllm-redis-password",
                "  namespace: llm",
                "stringData:",
                '  password: "[secret]"',
                "type: Opaque",
                "",
            ].join("\n"));
            const objects = fs.readdirSync(dir).sort().map((f) => YAML.parse(fs.readFileSync(path.join(dir, f), "utf8")));
            const secretKeys = new Map(objects.filter((o) => o.kind === "Secret").map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, Object.keys({ ...o.data, ...o.stringData })]));
            const refs: string[] = [];
            const walk = (node: unknown, namespace: string): void => {
                if (Array.isArray(node)) {
                    node.forEach((n) => walk(n, namespace));
                } else if (node !== null && typeof node === "object") {
                    for (const [k, v] of Object.entries(node)) {
                        if (k === "secretKeyRef") {
                            const ref = v as { name: string; key: string };
                            refs.push(`${namespace}/${ref.name} ${ref.key}: ${secretKeys.get(`${namespace}/${ref.name}`)?.includes(ref.key) ? "rendered" : "missing"}`);
                        } else {
                            walk(v, namespace);
                        }
                    }
                }
            };
            objects.forEach((o) => walk(o, o.metadata.namespace));
            assert.deepEqual(refs, ["llm/vllm-redis-password password: rendered"]);
        });
    }
});
