/**
 * The published package, as a consumer gets it: `npm pack` this repository once per test process,
 * then install the tarball into consumer projects the way `npm install ./ray-vllm-eks-<version>.tgz`
 * does, offline: node_modules/ray-vllm-eks from the tarball, and each other package linked from
 * this repository's node_modules, one by one, so that a missing declaration fails instead of being
 * found here.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { ROOT, run, startedEarly } from "./plan";

export const NAME = "ray-vllm-eks";

export interface PackageManifest {
    name: string;
    version: string;
    main: string;
    types: string;
    bin?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
}

export interface Packed {
    /** A temporary folder of the test process (realpath), removed at exit. */
    tmp: string;
    tarball: string;
    /** The tarball's entries, `package/...`, sorted. */
    entries: string[];
    manifest: PackageManifest;
}

/** The environment for child processes: no NODE_PATH, which would resolve modules around the consumer's node_modules. */
export function childEnv(): NodeJS.ProcessEnv {
    const env = { ...process.env };
    delete env.NODE_PATH;
    return env;
}


/** Runs a command to its end, and fails with its output unless it exits 0. */
async function runChecked(command: string, args: string[], cwd: string): Promise<string> {
    const r = await run(command, args, cwd, childEnv());
    if (r.code !== 0) {
        throw new Error(`${command} ${args.join(" ")} (in ${cwd}) failed with exit ${r.code}:\n${r.stderr}\n${r.stdout}`);
    }
    return r.stdout;
}

async function pack(): Promise<Packed> {
    // Realpath: os.tmpdir() may be a symlink, and the compiler and Node report real paths.
    const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "package-test-")));
    process.on("exit", () => fs.rmSync(tmp, { recursive: true, force: true }));
    const stdout = await runChecked("npm", ["pack", "--pack-destination", tmp, "--json"], ROOT);
    // npm sends lifecycle-script output to stderr, but tolerate lines before the JSON.
    const json = stdout.slice(Math.max(0, stdout.search(/^\[/m)));
    let reported: { filename: string; files: { path: string }[] }[];
    try {
        reported = JSON.parse(json);
    } catch (e) {
        throw new Error(`npm pack --json printed no JSON (${e}):\n${stdout}`);
    }
    assert.equal(reported.length, 1, `npm pack packed ${reported.length} packages`);
    const tarball = path.join(tmp, path.basename(reported[0].filename));
    assert.ok(fs.existsSync(tarball), `npm pack reported ${reported[0].filename}, but ${tarball} does not exist`);
    const unpacked = path.join(tmp, "unpacked");
    fs.mkdirSync(unpacked);
    await runChecked("tar", ["-xzf", tarball, "-C", unpacked], tmp);
    const manifest = JSON.parse(fs.readFileSync(path.join(unpacked, "package", "package.json"), "utf8")) as PackageManifest;
    return { tmp, tarball, entries: reported[0].files.map((f) => `package/${f.path}`).sort(), manifest };
}

/**
 * `npm pack` of this repository (its `prepare` script builds dist/), once per test process, started
 * as the suite loads so that the build overlaps the other test files.
 */
export const packOnce = startedEarly(pack);

/**
 * A consumer project in `dir`: node_modules/ray-vllm-eks, a copy of the packed package, the
 * package's declared dependencies and `extra` packages linked from this repository's node_modules,
 * and a package.json that depends on the tarball. Returns the installed package's folder.
 */
export async function installConsumer(dir: string, extra: readonly string[] = []): Promise<string> {
    const { tmp, tarball, manifest } = await packOnce();
    const installed = path.join(dir, "node_modules", NAME);
    fs.mkdirSync(path.dirname(installed), { recursive: true });
    fs.cpSync(path.join(tmp, "unpacked", "package"), installed, { recursive: true });
    for (const dep of new Set([...Object.keys(manifest.dependencies ?? {}), ...extra])) {
        const source = path.join(ROOT, "node_modules", dep);
        assert.ok(fs.existsSync(source), `${dep} is not installed in ${ROOT}/node_modules`);
        const link = path.join(dir, "node_modules", dep);
        fs.mkdirSync(path.dirname(link), { recursive: true });
        fs.symlinkSync(source, link, "dir");
    }
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: path.basename(dir), private: true, dependencies: { [NAME]: `file:${tarball}` } }, null, 4));
    return installed;
}
