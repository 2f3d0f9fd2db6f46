/**
 * The offline plan's reading of Pulumi's wire form of a property (plan/engine.ts `plain`):
 * the signature keys and values are those of @pulumi/pulumi 3.248's runtime/rpc.ts (`specialSigKey`,
 * `specialSecretSig`, `specialResourceSig`, `specialOutputValueSig`, `specialAssetSig`,
 * `specialArchiveSig`, `unknownValue`), written out here.
 */
import * as assert from "node:assert/strict";

import { plain, REDACTED, UNKNOWN_VALUE } from "../plan/engine";

const SIG = "4dabf18193072939515e22adb298388d";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("plain: Pulumi's wire form as plain data", () => {
    it("writes \"[secret]\" for a secret and \"[unknown]\" for an unknown value", () => {
        assert.equal(REDACTED, "[secret]");
        assert.equal(UNKNOWN_VALUE, "[unknown]");
        assert.equal(plain(UNKNOWN), "[unknown]");
        assert.equal(plain({ [SIG]: "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" }), "[secret]");
        assert.deepEqual(plain([UNKNOWN, "known"]), ["[unknown]", "known"]);
    });

    it("writes a resource reference as its URN", () => {
        assert.equal(plain({ [SIG]: "5cf8f73096256a8f31e491e813e4eb8e", urn: "urn:pulumi:s::p::t::n", id: "i" }), "urn:pulumi:s::p::t::n");
    });

    it("reads an output value: its value, \"[secret]\" when secret, \"[unknown]\" without a value (a falsy value included)", () => {
        const OUTPUT = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
        assert.deepEqual(plain({ [SIG]: OUTPUT, value: { b: 1, a: UNKNOWN } }), { a: "[unknown]", b: 1 });
        assert.equal(plain({ [SIG]: OUTPUT, value: 0 }), 0);
        assert.equal(plain({ [SIG]: OUTPUT, value: "" }), "");
        assert.equal(plain({ [SIG]: OUTPUT, value: "x", secret: true }), "[secret]");
        assert.equal(plain({ [SIG]: OUTPUT, dependencies: ["urn:a"] }), "[unknown]");
    });

    for (const [kind, sig] of [["asset", "c44067f5952c0a294b673a41bacd8c17"], ["archive", "0def7320c3a5731c473e5ecbe6d01bc7"]]) {
        it(`writes an ${kind} as its path, else its URI, else "[asset]"`, () => {
            assert.equal(plain({ [SIG]: sig, path: "./chart.tgz", uri: "https://x/y" }), "./chart.tgz");
            assert.equal(plain({ [SIG]: sig, uri: "https://x/y" }), "https://x/y");
            assert.equal(plain({ [SIG]: sig, text: "inline" }), "[asset]");
        });
    }

    it("sorts an object's keys at every depth and keeps null, numbers and booleans", () => {
        const out = plain({ z: null, a: { y: [{ d: true, c: 2 }], x: "s" } });
        assert.deepEqual(out, { a: { x: "s", y: [{ c: 2, d: true }] }, z: null });
        assert.deepEqual(Object.keys(out as object), ["a", "z"]);
        assert.deepEqual(Object.keys((out as { a: object }).a), ["x", "y"]);
        assert.deepEqual(Object.keys((out as { a: { y: object[] } }).a.y[0]), ["c", "d"]);
    });
});
