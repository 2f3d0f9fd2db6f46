/**
 * Proves the policy pack publishes: does with policy/ what `pulumi policy publish` and a stack that
 * requires the pack do, with no Pulumi CLI and no Pulumi Cloud.
 *
 *   npm run policy:publish-check
 *
 * 1. `npm pack` in policy/: the CLI publishes a Node.js pack as the tarball `npm pack` makes of its
 *    folder, nothing else of the repository (pulumi/pulumi pkg/backend/httpstate/policypack.go,
 *    `Publish`: npm.Pack(op.PlugCtx.Pwd)).
 * 2. Unpacks it in a temporary folder outside the repository, so nothing resolves from the
 *    repository's node_modules, and installs it from its own lockfile (`npm ci`; the CLI runs
 *    `npm install` there, `completeNodeJSInstall`, which follows the same npm-shrinkwrap.json).
 * 3. Starts the installed pack under its own @pulumi/pulumi's policy runner (run-policy-pack, what
 *    the CLI's pulumi-analyzer-policy starts in the pack's folder), asks it over gRPC what it
 *    serves, and has it analyse a GPU NodePool without a limit or taint.
 *
 * Prints each step's time; exits 1 when a step fails. test/policy-publish.check.ts
 * (`npm run policy:publish-check`) asserts what it finds.
 *
 *   npm run policy:lock        # rewrites policy/npm-shrinkwrap.json from the root package-lock.json
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require("@grpc/grpc-js");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
const proto = require("@pulumi/pulumi/proto/analyzer_pb.js");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb.js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js");
/* eslint-enable @typescript-eslint/no-require-imports */

export const POLICY_DIR = path.resolve(__dirname, "..", "policy");

/** A GPU NodePool with no GPU limit and no taint (test/fixtures/policy-violation's), as the engine sends it. */
export const VIOLATING_NODEPOOL = {
    type: "kubernetes:karpenter.sh/v1:NodePool",
    name: "gpu",
    urn: "urn:pulumi:dev::publish-check::kubernetes:karpenter.sh/v1:NodePool::gpu",
    inputs: {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: "gpu" },
        spec: {
            template: {
                spec: {
                    nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
                    requirements: [{ key: "karpenter.k8s.aws/instance-family", operator: "In", values: ["g6", "p5"] }],
                },
            },
        },
    },
};

export interface PublishCheck {
    /** The files the tarball holds (what the CLI uploads), sorted. */
    files: string[];
    /** The packages `npm ci` installed (node_modules/... paths in the lockfile). */
    installed: number;
    /** Where @pulumi/pulumi's policy runner, TypeScript and ts-node were loaded from, relative to the unpacked pack. */
    runner: string;
    /** The pack as the runner serves it. */
    name: string;
    version: string;
    policies: { name: string; enforcementLevel: string }[];
    /** What the runner reports for VIOLATING_NODEPOOL: "policy [level]: message". */
    diagnostics: string[];
    /** Seconds per step. */
    seconds: { pack: number; install: number; start: number; analyze: number };
}

type Call = (req: unknown, cb: (err: Error | null, res: any) => void) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

function rpc<T>(client: Record<string, Call>, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method].call(client, req, (err, res) => (err ? reject(err) : resolve(res))));
}

function seconds(since: bigint): number {
    return Math.round(Number(process.hrtime.bigint() - since) / 1e7) / 100;
}

/** Runs npm in `cwd`, returning its stdout; throws with its output when it fails. */
function npm(cwd: string, args: string[]): string {
    return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, npm_config_update_notifier: "false" } });
}

/**
 * Packs, installs and starts the pack in `work` (a new temporary folder when not given, removed
 * afterwards); `policyDir` is the folder to publish.
 */
export async function publishCheck(policyDir = POLICY_DIR, work?: string): Promise<PublishCheck> {
    const dir = work ?? fs.mkdtempSync(path.join(os.tmpdir(), "policy-publish-"));
    let runner: ChildProcess | undefined;
    let client: { close(): void } | undefined;
    try {
        let t = process.hrtime.bigint();
        const [packed] = JSON.parse(npm(policyDir, ["pack", "--json", "--pack-destination", dir])) as { filename: string; files: { path: string }[] }[];
        execFileSync("tar", ["-xzf", path.join(dir, packed.filename), "-C", dir]);
        const pack = path.join(dir, "package");
        const files = packed.files.map((f) => f.path).sort();
        const packSeconds = seconds(t);

        t = process.hrtime.bigint();
        npm(pack, ["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
        const installed = Object.keys((JSON.parse(fs.readFileSync(path.join(pack, "node_modules", ".package-lock.json"), "utf8")) as { packages: object }).packages).length;
        const installSeconds = seconds(t);

        t = process.hrtime.bigint();
        const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [pack] });
        const loaded = ["typescript", "ts-node", "@pulumi/pulumi/vendor/ts-node@7.0.1"].map((m) => {
            try {
                return path.relative(pack, require.resolve(m, { paths: [path.dirname(runPolicyPack)] }));
            } catch {
                return undefined;
            }
        });
        const env = { ...process.env };
        delete env.NODE_PATH;
        delete env.NODE_OPTIONS;
        runner = spawn(process.execPath, [runPolicyPack, "127.0.0.1:1", "."], { cwd: pack, env });
        let stderr = "";
        runner.stderr!.on("data", (d) => (stderr += String(d)));
        const started = runner;
        const port = await new Promise<string>((resolve, reject) => {
            started.stdout!.once("data", (d) => resolve(String(d).trim()));
            started.once("exit", (code) => reject(new Error(`run-policy-pack exited ${code}: ${stderr}`)));
        });
        const analyzer = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        client = analyzer;
        const infoMessage = await rpc<any>(analyzer, "getAnalyzerInfo", new Empty()); // eslint-disable-line @typescript-eslint/no-explicit-any
        const info = infoMessage.toObject() as { name: string; version: string; policiesList: { name: string; enforcementlevel: number }[] };
        // As the engine does before it analyses anything: each policy at its own level, with its
        // schema's defaults (what `pulumi preview` sends when no --policy-pack-config is given).
        const configure = new proto.ConfigureAnalyzerRequest();
        for (const p of infoMessage.getPoliciesList()) {
            const schema = (p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<string, { default?: unknown }>;
            const config = new proto.PolicyConfig();
            config.setEnforcementlevel(p.getEnforcementlevel());
            config.setProperties(Struct.fromJavaScript(Object.fromEntries(Object.entries(schema).filter(([, s]) => "default" in s).map(([k, s]) => [k, s.default]))));
            configure.getPolicyconfigMap().set(p.getName(), config);
        }
        await rpc(analyzer, "configure", configure);
        const startSeconds = seconds(t);

        t = process.hrtime.bigint();
        const req = new proto.AnalyzeRequest();
        req.setType(VIOLATING_NODEPOOL.type);
        req.setName(VIOLATING_NODEPOOL.name);
        req.setUrn(VIOLATING_NODEPOOL.urn);
        req.setProperties(Struct.fromJavaScript(VIOLATING_NODEPOOL.inputs));
        req.setOptions(new proto.AnalyzerResourceOptions());
        const res = await rpc<any>(analyzer, "analyze", req); // eslint-disable-line @typescript-eslint/no-explicit-any
        const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];
        // The runner puts the policy's description before its message.
        const diagnostics = res.getDiagnosticsList().map((d: any) => `${d.getPolicyname()} [${LEVELS[d.getEnforcementlevel()]}]: ${d.getMessage().split("\n").pop()}`); // eslint-disable-line @typescript-eslint/no-explicit-any
        return {
            files,
            installed,
            runner: [path.relative(pack, runPolicyPack), ...loaded.map((l) => l ?? "-")].join(" "),
            name: info.name,
            version: info.version,
            policies: info.policiesList.map((p) => ({ name: p.name, enforcementLevel: LEVELS[p.enforcementlevel] })),
            diagnostics,
            seconds: { pack: packSeconds, install: installSeconds, start: startSeconds, analyze: seconds(t) },
        };
    } finally {
        client?.close();
        runner?.kill();
        if (work === undefined) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }
}

/**
 * The pack's lockfile as npm makes it from the repository's: policy/package.json beside the root
 * package-lock.json in a temporary folder, `npm install --package-lock-only` (which keeps every
 * version the root lockfile already resolved and drops what the pack does not need), then
 * `npm shrinkwrap`. npm-shrinkwrap.json, not package-lock.json: `npm pack`, and so `pulumi policy
 * publish`, leaves package-lock.json out of the tarball, and ships npm-shrinkwrap.json.
 */
export function packLockfile(policyDir = POLICY_DIR): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-lock-"));
    try {
        fs.copyFileSync(path.join(policyDir, "package.json"), path.join(dir, "package.json"));
        fs.copyFileSync(path.join(policyDir, "..", "package-lock.json"), path.join(dir, "package-lock.json"));
        npm(dir, ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]);
        npm(dir, ["shrinkwrap", "--loglevel=error"]);
        return fs.readFileSync(path.join(dir, "npm-shrinkwrap.json"), "utf8");
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

if (require.main === module && process.argv[2] === "--lock") {
    fs.writeFileSync(path.join(POLICY_DIR, "npm-shrinkwrap.json"), packLockfile());
    console.log("wrote policy/npm-shrinkwrap.json from package-lock.json");
} else if (require.main === module) {
    publishCheck().then((r) => {
        console.log(`npm pack: ${r.files.length} files (${r.seconds.pack} s): ${r.files.join(", ")}`);
        console.log(`npm ci in a temporary folder: ${r.installed} packages (${r.seconds.install} s)`);
        console.log(`policy runner: ${r.runner}; serves ${r.name} ${r.version} with ${r.policies.length} policies (${r.seconds.start} s)`);
        for (const p of r.policies) {
            console.log(`  ${p.name} [${p.enforcementLevel}]`);
        }
        console.log(`a GPU NodePool without limit or taint (${r.seconds.analyze} s):`);
        for (const d of r.diagnostics) {
            console.log(`  ${d}`);
        }
    }, (e: unknown) => {
        console.error(`policy:publish-check: ${e instanceof Error ? e.message : String(e)}`);
        process.exit(1);
    });
}
