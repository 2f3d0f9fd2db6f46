import * as assert from "node:assert/strict";

import { run, startedEarly } from "./support/plan";
import { SOURCE_ROOT } from "./support/source";

import { readDeclarations } from "../scripts/reference";

describe("docs/reference.md, the component reference generated from the code", () => {
    // Its own process (it runs the components under the mock engine), started as the suite loads,
    // on the sources as written (SOURCE_ROOT: not StrykerJS's instrumented copies).
    const checking = startedEarly(() => run(process.execPath, ["-r", "./scripts/register-ts.js", "scripts/reference.ts", "--check"], SOURCE_ROOT));

    it("matches the code (npm run docs -- --check)", async () => {
        const check = await checking();
        assert.equal(check.stderr, "", "run npm run docs and commit docs/reference.md");
        assert.deepEqual([check.code, check.stdout], [0, "docs/reference.md matches the code\n"]);
    });

    it("reads arguments with their defaults, and outputs, from the sources", () => {
        const d = readDeclarations();
        const namespace = d.interfaces.get("VllmRayServiceArgs")!.members.find((m) => m.name === "namespace")!;
        assert.deepEqual(namespace, { name: "namespace", optional: true, type: "string", description: "The namespace of the RayService (created by the component).", default: `"llm"` });
        const models = d.interfaces.get("VllmRayServiceArgs")!.members.find((m) => m.name === "models")!;
        assert.deepEqual([models.optional, models.type, models.default], [false, "ModelArgs[]", undefined]);
        assert.deepEqual(d.classes.get("GcsRedis")!.outputs.map((o) => o.name), ["address", "replicationGroupId", "securityGroupId", "authToken"]);
        // Every optional argument of every component documents its default.
        const undocumented = [...d.interfaces.entries()].filter(([name]) => name.endsWith("Args"))
            .flatMap(([name, i]) => i.members.filter((m) => m.optional && !m.default).map((m) => `${name}.${m.name}`));
        assert.deepEqual(undocumented, []);
    });
});
