/**
 * The pack as the Pulumi CLI runs it (`pulumi preview --policy-pack policy`): the CLI's
 * pulumi-analyzer-policy starts @pulumi/pulumi's run-policy-pack in the pack's folder and talks
 * to it over gRPC. This starts the same runner there and asks it what it serves.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { allPolicies } from "../policy/policies";

/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require("@grpc/grpc-js");
const analyzer = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb.js");
/* eslint-enable @typescript-eslint/no-require-imports */

const ROOT = path.resolve(__dirname, "..");
const POLICY = path.join(ROOT, "policy");

describe("the policy pack under Pulumi's policy runner (run-policy-pack, as pulumi preview --policy-pack starts it)", function () {
    this.timeout(60_000);
    let runner: ChildProcess;
    let info: { name: string; version: string; policiesList: { name: string; enforcementlevel: number }[] };
    let stderr = "";

    before(async () => {
        runner = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], { cwd: POLICY });
        runner.stderr!.on("data", (d) => (stderr += String(d)));
        const port = await new Promise<string>((resolve, reject) => {
            runner.stdout!.once("data", (d) => resolve(String(d).trim()));
            runner.once("exit", (code) => reject(new Error(`run-policy-pack exited ${code}: ${stderr}`)));
        });
        const client = new analyzer.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        info = await new Promise((resolve, reject) => client.getAnalyzerInfo(new Empty(), (err: Error | null, res: { toObject(): typeof info }) => (err ? reject(err) : resolve(res.toObject()))));
        client.close();
    });

    after(() => runner?.kill());

    it("starts in policy/ and serves the pack, versioned like the package", () => {
        const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version;
        assert.deepEqual([info.name, info.version], ["ray-vllm-eks", version]);
        assert.equal((JSON.parse(fs.readFileSync(path.join(POLICY, "package.json"), "utf8")) as { version: string }).version, version);
    });

    it("serves every policy of the pack, mandatory by default", () => {
        assert.deepEqual(info.policiesList.map((p) => p.name), allPolicies.map((p) => p.name));
        const MANDATORY = 1;
        assert.deepEqual(info.policiesList.filter((p) => p.enforcementlevel !== MANDATORY).map((p) => p.name), []);
    });
});
