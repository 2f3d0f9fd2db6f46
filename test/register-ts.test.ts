import * as assert from "node:assert/strict";

import { run, ROOT } from "./support/plan";

describe("scripts/register-ts.js (the loader of the plan and the tests)", () => {
    it("defers @pulumi/pulumi's closure-serialization dependencies until a closure is serialized", async () => {
        const probe = `
            const pulumi = require("@pulumi/pulumi");
            const loaded = () => Object.keys(require.cache).filter((f) => /node_modules\\/(typescript\\/lib\\/typescript\\.js|@npmcli\\/arborist\\/lib\\/index\\.js)$/.test(f)).length;
            const before = loaded();
            pulumi.runtime.serializeFunction(function f() { return 42; }).then((s) => {
                console.log(JSON.stringify({ before, after: loaded(), exportName: s.exportName, works: s.text.includes("return 42") }));
            });`;
        const r = await run(process.execPath, ["-r", "./scripts/register-ts.js", "-e", probe], ROOT);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), { before: 0, after: 1, exportName: "handler", works: true });
    });
});
