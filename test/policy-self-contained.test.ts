/**
 * The policy pack publishes on its own: `pulumi policy publish` uploads the tarball `npm pack`
 * makes of policy/, and a stack that requires the pack installs that folder's own dependencies.
 * So policy/ imports nothing from outside itself, depends only on what its package.json pins (to
 * the repository's lockfile's versions), and ships a lockfile npm keeps in the tarball. The real
 * publish, installed from that lockfile in a temporary folder and started under Pulumi's policy
 * runner, is `npm run policy:publish-check` (test/policy-publish.check.ts).
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

import { packLockfile } from "../scripts/policy-publish";
import { ROOT } from "./support/plan";

const POLICY = path.join(ROOT, "policy");

interface Lockfile {
    lockfileVersion: number;
    packages: Record<string, { version?: string; integrity?: string; dependencies?: Record<string, string> }>;
}

function readJson<T>(file: string): T {
    return JSON.parse(fs.readFileSync(file, "utf8")) as T;
}

/** Every TypeScript file of the pack, relative to policy/. */
function packSources(): string[] {
    return fs.readdirSync(POLICY, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts") && !f.split(path.sep).includes("node_modules"))
        .sort();
}

/** The package a lockfile path installs ("node_modules/a/node_modules/@b/c" → "@b/c"). */
function packageName(lockPath: string): string {
    return lockPath.slice(lockPath.lastIndexOf("node_modules/") + "node_modules/".length);
}

describe("the policy pack on its own (policy/ as pulumi policy publish uploads it)", () => {
    it("imports nothing from outside policy/: relative imports stay in the folder, packages are its own dependencies", () => {
        const dependencies = Object.keys(readJson<{ dependencies: Record<string, string> }>(path.join(POLICY, "package.json")).dependencies);
        const outside: string[] = [];
        const packages = new Set<string>();
        for (const file of packSources()) {
            const source = fs.readFileSync(path.join(POLICY, file), "utf8");
            // Imports, exports from, import types, require() and import() calls alike.
            for (const { fileName: spec } of ts.preProcessFile(source, true, true).importedFiles) {
                if (spec.startsWith(".")) {
                    const target = path.resolve(POLICY, path.dirname(file), spec);
                    const exists = [".ts", ".json", "/index.ts", ""].some((ext) => fs.existsSync(`${target}${ext}`) && fs.statSync(`${target}${ext}`).isFile());
                    if (!target.startsWith(`${POLICY}${path.sep}`) || !exists) {
                        outside.push(`${file}: ${spec}`);
                    }
                } else {
                    const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
                    packages.add(name);
                    if (!dependencies.includes(name)) {
                        outside.push(`${file}: ${spec}`);
                    }
                }
            }
        }
        assert.deepEqual(outside, []);
        assert.deepEqual([...packages].sort(), ["@pulumi/policy", "@pulumi/pulumi", "yaml"]);
    });

    it("pins its dependencies to the versions of the repository's lockfile, TypeScript included (Pulumi's policy runner compiles the pack with it)", () => {
        const pack = readJson<{ name: string; version: string; main: string; dependencies: Record<string, string>; devDependencies?: unknown }>(path.join(POLICY, "package.json"));
        assert.deepEqual(pack.dependencies, { "@pulumi/policy": "1.21.0", "@pulumi/pulumi": "3.248.0", typescript: "5.9.3", yaml: "2.9.1" });
        assert.equal(pack.devDependencies, undefined);
        assert.deepEqual([pack.name, pack.main], ["ray-vllm-eks-policy", "index.ts"]);
        const root = readJson<Lockfile>(path.join(ROOT, "package-lock.json"));
        assert.deepEqual(Object.keys(pack.dependencies).map((d) => `${d} ${root.packages[`node_modules/${d}`].version}`), Object.entries(pack.dependencies).map(([d, v]) => `${d} ${v}`));
        const rootPackage = readJson<{ dependencies: Record<string, string>; devDependencies: Record<string, string> }>(path.join(ROOT, "package.json"));
        // The package declares caret ranges from those versions (test/package-dependencies.test.ts); the pack, an application, pins them.
        assert.deepEqual(Object.keys(pack.dependencies).map((d) => rootPackage.dependencies[d] ?? rootPackage.devDependencies[d]), ["^1.21.0", "^3.248.0", "5.9.3", "^2.9.1"]);
    });

    it("locks every package it installs at the version and tarball the repository's lockfile has, in npm-shrinkwrap.json", () => {
        assert.equal(fs.existsSync(path.join(POLICY, "package-lock.json")), false, "npm pack leaves package-lock.json out: the lockfile is npm-shrinkwrap.json");
        const lock = readJson<Lockfile>(path.join(POLICY, "npm-shrinkwrap.json"));
        const root = readJson<Lockfile>(path.join(ROOT, "package-lock.json"));
        assert.equal(lock.lockfileVersion, 3);
        assert.deepEqual(lock.packages[""].dependencies, readJson<{ dependencies: Record<string, string> }>(path.join(POLICY, "package.json")).dependencies);
        const installed = Object.entries(lock.packages).filter(([p]) => p !== "");
        assert.equal(installed.length, 243);
        const rootTarballs = new Set(Object.entries(root.packages).map(([p, e]) => `${packageName(p)}@${e.version} ${e.integrity}`));
        assert.deepEqual(installed.map(([p, e]) => `${packageName(p)}@${e.version} ${e.integrity}`).filter((t) => !rootTarballs.has(t)), []);
    });

    it("has the lockfile npm makes from the repository's (npm run policy:lock)", function () {
        this.timeout(60_000);
        assert.equal(packLockfile(), fs.readFileSync(path.join(POLICY, "npm-shrinkwrap.json"), "utf8"));
    });

    it("packs (npm pack, as pulumi policy publish does) its sources, configs, README and lockfile, nothing else", () => {
        const [packed] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--loglevel=error"], { cwd: POLICY, encoding: "utf8" })) as { files: { path: string }[] }[];
        const files = packed.files.map((f) => f.path).sort();
        assert.deepEqual(files.filter((f) => !f.endsWith(".ts")), [
            "PulumiPolicy.yaml", "README.md", "config/dev.json", "config/prod.json", "config/staging.json", "npm-shrinkwrap.json", "package.json",
        ]);
        assert.deepEqual(files.filter((f) => f.endsWith(".ts")), packSources());
        assert.ok(packSources().includes("index.ts") && packSources().includes("shared.ts"));
    });
});
