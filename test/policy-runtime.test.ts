/**
 * The pack as the Pulumi CLI runs it (`pulumi preview --policy-pack policy`): the CLI's
 * pulumi-analyzer-policy starts @pulumi/pulumi's run-policy-pack in the pack's folder and talks
 * to it over gRPC. This starts the same runner there, asks it what it serves, and has it analyse
 * prod's resources as the real engine sends them (plan/real-engine.ts), preview unknowns
 * included.
 */
import * as assert from "node:assert/strict";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { environmentPlan } from "./support/plan";

import { allPolicies } from "../policy/policies";
import { PlannedResource, PlanResult } from "../plan/engine";
import { policySettings } from "../plan/policies";
import { loadPolicyConfig } from "../plan/project";
import { realEngineView } from "../plan/real-engine";

/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require("@grpc/grpc-js");
const analyzer = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb.js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js");
const proto = require("@pulumi/pulumi/proto/analyzer_pb.js");
/* eslint-enable @typescript-eslint/no-require-imports */

/** The wire form of a value unknown during preview (the engine's; @pulumi/policy proxy.ts unknownStringValue). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function wire(v: unknown): unknown {
    return v === "[unknown]" ? UNKNOWN : Array.isArray(v) ? v.map(wire) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, wire(x)])) : v;
}

type Call = (req: unknown, cb: (err: Error | null, res: any) => void) => void;

function rpc<T>(client: Record<string, Call>, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method].call(client, req, (err, res) => (err ? reject(err) : resolve(res))));
}

/** What the runner reports for one resource: "policy [level]: message" per diagnostic, "n/a policy: reason" per policy that declined. */
async function analyze(client: Record<string, Call>, r: Pick<PlannedResource, "type" | "name" | "urn" | "inputs">): Promise<{ diagnostics: string[]; notApplicable: string[] }> {
    const req = new proto.AnalyzeRequest();
    req.setType(r.type);
    req.setName(r.name);
    req.setUrn(r.urn);
    req.setProperties(Struct.fromJavaScript(wire(r.inputs)));
    req.setOptions(new proto.AnalyzerResourceOptions());
    const res = await rpc<any>(client, "analyze", req);
    return {
        // The runner puts the policy's description before its message; a level: 0 advisory, 1 mandatory.
        diagnostics: res.getDiagnosticsList().map((d: any) => `${d.getPolicyname()} [${["advisory", "mandatory"][d.getEnforcementlevel()]}]: ${d.getMessage().split("\n").pop()}`),
        notApplicable: res.getNotApplicableList().map((n: any) => `n/a ${n.getPolicyName()}: ${n.getReason()}`),
    };
}

const ROOT = path.resolve(__dirname, "..");
const POLICY = path.join(ROOT, "policy");

describe("the policy pack under Pulumi's policy runner (run-policy-pack, as pulumi preview --policy-pack starts it)", function () {
    this.timeout(60_000);
    let runner: ChildProcess;
    let info: { name: string; version: string; policiesList: { name: string; enforcementlevel: number }[] };
    let stderr = "";
    let client: any;

    before(async () => {
        runner = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], { cwd: POLICY });
        runner.stderr!.on("data", (d) => (stderr += String(d)));
        const port = await new Promise<string>((resolve, reject) => {
            runner.stdout!.once("data", (d) => resolve(String(d).trim()));
            runner.once("exit", (code) => reject(new Error(`run-policy-pack exited ${code}: ${stderr}`)));
        });
        client = new analyzer.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        info = await new Promise((resolve, reject) => client.getAnalyzerInfo(new Empty(), (err: Error | null, res: { toObject(): typeof info }) => (err ? reject(err) : resolve(res.toObject()))));
        // The engine configures the pack before it analyses anything: prod's config over the policies' defaults.
        const config = loadPolicyConfig(path.join(ROOT, "policy", "config", "prod.json"));
        const configure = new proto.ConfigureAnalyzerRequest();
        for (const policy of allPolicies) {
            const { level, properties } = policySettings(policy, config);
            const pc = new proto.PolicyConfig();
            pc.setEnforcementlevel({ advisory: 0, mandatory: 1, disabled: 2 }[level as string]);
            pc.setProperties(Struct.fromJavaScript(properties));
            configure.getPolicyconfigMap().set(policy.name, pc);
        }
        await rpc(client, "configure", configure);
    });

    after(() => {
        client?.close();
        runner?.kill();
    });

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

    it("finds nothing in prod's resources as the real engine sends them, and leaves a component without inputs to its children", async () => {
        const run = await environmentPlan("prod");
        const view = realEngineView(JSON.parse(fs.readFileSync(path.join(run.out, "plan.json"), "utf8")) as PlanResult);
        const found: string[] = [];
        for (const r of view.resources) {
            found.push(...(await analyze(client, r)).diagnostics.map((d) => `${r.type} ${r.name}: ${d}`));
        }
        assert.deepEqual(found, []);
        const cluster = view.resources.find((r) => r.type === "eks:index:Cluster")!;
        const reason = "eks:index:Cluster arrived without its inputs (its provider's SDK sends none): its children are checked instead";
        assert.deepEqual((await analyze(client, cluster)).notApplicable.filter((n) => n.includes("arrived without")), [
            `n/a eks-public-endpoint-restricted: ${reason}`,
            `n/a eks-secrets-encryption: ${reason}`,
            `n/a eks-control-plane-logging: ${reason}`,
        ]);
    });

    it("reports an unsafe aws:eks/cluster:Cluster, and a value unknown during preview as advisory", async () => {
        const r = { type: "aws:eks/cluster:Cluster", name: "c-eksCluster", urn: "urn:pulumi:prod::p::aws:eks/cluster:Cluster::c-eksCluster" };
        assert.deepEqual((await analyze(client, { ...r, inputs: { vpcConfig: { subnetIds: ["subnet-a"] }, encryptionConfig: { provider: { keyArn: "[unknown]" }, resources: ["secrets"] } } })).diagnostics, [
            "eks-public-endpoint-restricted [mandatory]: the EKS cluster's public API endpoint is open to 0.0.0.0/0: turn it off (endpointPublicAccess: false; the private endpoint stays) or list only the CIDRs that need it in publicAccessCidrs.",
            "eks-secrets-encryption [advisory]: can't run policy 'eks-secrets-encryption' from policy pack 'ray-vllm-eks@v0.1.0' during preview: string value at .encryptionConfig.provider.keyArn can't be known during preview",
            `eks-control-plane-logging [mandatory]: the EKS cluster does not log ["api","audit","authenticator","controllerManager","scheduler"]: add them to enabledClusterLogTypes (the audit log is how you find out who did what).`,
        ]);
    });
});
