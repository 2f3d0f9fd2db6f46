/**
 * The package's dependencies admit the @pulumi/* versions its users run: caret ranges from the
 * versions the lockfile tests (as pulumi-eks and awsx declare theirs), so a team whose stack pins
 * another compatible @pulumi/pulumi ends up with one copy of the SDK, not two (two SDKs in one
 * program do not share their runtime state: resources of one are not resources to the other).
 *
 * Proved with npm's own resolver (@npmcli/arborist, the one `npm install` uses) building the
 * dependency tree of a consumer stack, against a registry served here from the real packages'
 * declared @pulumi/* dependencies (no network).
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";

import { ROOT } from "./support/plan";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Arborist = require("@npmcli/arborist") as new (options: Record<string, unknown>) => { buildIdealTree(): Promise<{ inventory: Map<string, TreeNode> }> };

interface TreeNode { packageName: string; version: string; location: string }
interface Manifest { name: string; version: string; dependencies?: Record<string, string> }

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Manifest;
/** An installed package's manifest, its version as semver (@pulumi/policy's package.json writes "v1.21.0"). */
const installed = (name: string): Manifest => {
    const m = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", name, "package.json"), "utf8")) as Manifest;
    return { ...m, version: m.version.replace(/^v/, "") };
};

/** The registry's packages: every @pulumi/* package installed here and yaml, each at its installed version with its @pulumi/* dependencies. */
function registryPackages(extraSdkVersions: string[]): Map<string, Manifest[]> {
    const packages = new Map<string, Manifest[]>();
    const names = [...fs.readdirSync(path.join(ROOT, "node_modules", "@pulumi")).map((n) => `@pulumi/${n}`), "yaml"];
    for (const name of names) {
        const m = installed(name);
        const dependencies = Object.fromEntries(Object.entries(m.dependencies ?? {}).filter(([d, range]) => d.startsWith("@pulumi/") && !range.startsWith("npm:")));
        packages.set(name, [{ name, version: m.version, dependencies }]);
    }
    packages.get("@pulumi/pulumi")!.push(...extraSdkVersions.map((version) => ({ name: "@pulumi/pulumi", version, dependencies: {} })));
    return packages;
}

/** Serves `packages` as an npm registry (packuments only: building a tree needs no tarball). */
async function registry(packages: Map<string, Manifest[]>): Promise<{ url: string; close(): void }> {
    const server = http.createServer((req, res) => {
        const name = decodeURIComponent((req.url ?? "/").slice(1));
        const versions = packages.get(name);
        res.setHeader("content-type", "application/json");
        if (versions === undefined) {
            res.statusCode = 404;
            res.end(JSON.stringify({ error: "not found" }));
            return;
        }
        const { port } = server.address() as AddressInfo;
        res.end(JSON.stringify({
            name,
            "dist-tags": { latest: versions[versions.length - 1].version },
            versions: Object.fromEntries(versions.map((m) => [m.version, { ...m, dist: { tarball: `http://127.0.0.1:${port}/${name}/-/${m.version}.tgz` } }])),
        }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}

/**
 * The copies of each @pulumi/* package in the tree npm would install for a consumer that depends
 * on this package (with `dependencies`) and on `consumer`, as "location@version".
 */
async function copies(dependencies: Record<string, string>, consumer: Record<string, string>, registryUrl: string): Promise<Record<string, string[]>> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "consumer-"));
    try {
        fs.mkdirSync(path.join(dir, "ray-vllm-eks"));
        fs.writeFileSync(path.join(dir, "ray-vllm-eks", "package.json"), JSON.stringify({ name: pkg.name, version: pkg.version, dependencies }));
        fs.mkdirSync(path.join(dir, "stack"));
        fs.writeFileSync(path.join(dir, "stack", "package.json"), JSON.stringify({ name: "team-stack", version: "1.0.0", dependencies: { "ray-vllm-eks": "file:../ray-vllm-eks", ...consumer } }));
        // installLinks: the package is installed as a copy, as from the npm registry or a tarball, not linked.
        const tree = await new Arborist({ path: path.join(dir, "stack"), registry: registryUrl, cache: path.join(dir, "cache"), installLinks: true }).buildIdealTree();
        const found: Record<string, string[]> = {};
        for (const node of tree.inventory.values()) {
            if (node.packageName.startsWith("@pulumi/")) {
                (found[node.packageName] ??= []).push(`${node.location}@${node.version}`);
            }
        }
        return Object.fromEntries(Object.entries(found).sort(([a], [b]) => (a < b ? -1 : 1)));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("the package's dependencies, beside its users' Pulumi", function () {
    this.timeout(60000);
    let server: { url: string; close(): void };
    before(async () => {
        // Versions of the SDK a team may pin: a later one in the range, and one before it.
        server = await registry(registryPackages(["3.247.0", "3.250.1"]));
    });
    after(() => server.close());

    it("declares caret ranges from the versions the lockfile tests", () => {
        assert.deepEqual(pkg.dependencies, {
            "@pulumi/aws": "^7.48.0",
            "@pulumi/awsx": "^3.9.0",
            "@pulumi/eks": "^4.3.0",
            "@pulumi/kubernetes": "^4.34.2",
            "@pulumi/policy": "^1.21.0",
            "@pulumi/pulumi": "^3.248.0",
            "@pulumi/random": "^4.21.2",
            "yaml": "^2.9.1",
        });
        for (const [name, range] of Object.entries(pkg.dependencies!)) {
            assert.equal(range, `^${installed(name).version}`, name);
        }
    });

    it("leaves a stack that pins a later compatible @pulumi/pulumi (3.250.1) with one copy of the SDK, its own, and one of every provider", async () => {
        assert.deepEqual(await copies(pkg.dependencies!, { "@pulumi/pulumi": "3.250.1" }, server.url), {
            "@pulumi/aws": ["node_modules/@pulumi/aws@7.48.0"],
            "@pulumi/awsx": ["node_modules/@pulumi/awsx@3.9.0"],
            "@pulumi/docker": ["node_modules/@pulumi/docker@4.11.2"],
            "@pulumi/docker-build": ["node_modules/@pulumi/docker-build@0.0.14"],
            "@pulumi/eks": ["node_modules/@pulumi/eks@4.3.0"],
            "@pulumi/kubernetes": ["node_modules/@pulumi/kubernetes@4.34.2"],
            "@pulumi/policy": ["node_modules/@pulumi/policy@1.21.0"],
            "@pulumi/pulumi": ["node_modules/@pulumi/pulumi@3.250.1"],
            "@pulumi/random": ["node_modules/@pulumi/random@4.21.2"],
        });
    });

    it("would leave it with two SDKs if the package pinned exact versions (as it did before)", async () => {
        const pinned = Object.fromEntries(Object.entries(pkg.dependencies!).map(([name, range]) => [name, range.replace(/^\^/, "")]));
        const sdk = (await copies(pinned, { "@pulumi/pulumi": "3.250.1" }, server.url))["@pulumi/pulumi"];
        assert.deepEqual(sdk, ["node_modules/@pulumi/pulumi@3.250.1", "node_modules/ray-vllm-eks/node_modules/@pulumi/pulumi@3.248.0"]);
    });

    it("gives a stack on an SDK older than the range's floor (3.247.0) a second copy for the package, the newest in its range: the floor is the version tested", async () => {
        const sdk = (await copies(pkg.dependencies!, { "@pulumi/pulumi": "3.247.0" }, server.url))["@pulumi/pulumi"];
        assert.deepEqual(sdk, ["node_modules/@pulumi/pulumi@3.247.0", "node_modules/ray-vllm-eks/node_modules/@pulumi/pulumi@3.250.1"]);
    });
});
