/**
 * The published package: `npm pack` it, install the tarball into a consumer project the way
 * `npm install ./ray-vllm-eks-<version>.tgz` does (offline: the package's declared dependencies
 * are linked from this repository's node_modules, and nothing else), then type-check and load
 * `import { LlmCluster } from "ray-vllm-eks"` from there.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";

import { childEnv, installConsumer, NAME, packOnce, PackageManifest } from "./support/package";
import { filesBelow, PlanRun as Run, run } from "./support/plan";

const ROOT = path.resolve(__dirname, "..");

/** Files the tarball must hold (paths as `tar` shows them): the components, the plan command and its policy pack. */
const REQUIRED = [
    "package/package.json",
    "package/dist/index.js",
    "package/dist/index.d.ts",
    "package/dist/components/cluster/index.d.ts",
    "package/dist/plan/bin.js",
    "package/dist/plan/engine.js",
    "package/dist/policy/policies.js",
];

/**
 * Why a tarball entry must not ship, or undefined if it may. Allowed: package.json, the
 * README/LICENSE/NOTICE/CHANGELOG npm always adds, and the build output under dist/ (the
 * components, the plan and the policies it evaluates); never tests, scripts or programs (at the
 * top or compiled into dist/), the policy pack's sources or its PolicyPack entry point, nor
 * TypeScript sources other than declarations.
 */
function rejection(entry: string): string | undefined {
    if (/^package\/(dist\/)?(test|scripts|programs)\/|^package\/policy\//.test(entry)) {
        return "test/, scripts/, programs/ and the policy pack's folder are not part of the package";
    }
    if (/^package\/dist\/policy\/index\./.test(entry)) {
        return "the PolicyPack entry point needs @pulumi/policy's runtime, which the package does not start";
    }
    if (/\.(ts|tsx|mts|cts)$/.test(entry) && !/\.d\.(ts|mts|cts)$/.test(entry)) {
        return "TypeScript source (only .d.ts declarations ship)";
    }
    if (!/^package\/(package\.json|(README|LICENSE|LICENCE|NOTICE|CHANGELOG)(\.(md|txt))?|dist\/.+)$/i.test(entry)) {
        return "outside package.json, README/LICENSE/NOTICE/CHANGELOG and dist/";
    }
    return undefined;
}

/** The package a bare module specifier names ("@scope/name/sub" → "@scope/name"), or undefined for relative paths and Node built-ins. */
function packageOf(specifier: string): string | undefined {
    if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) {
        return undefined;
    }
    const parts = specifier.split("/");
    const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
    return builtinModules.includes(name) ? undefined : name;
}

/** The module specifiers a compiled .js or .d.ts file loads (comments stripped, so JSDoc examples don't count). */
function specifiersIn(source: string): string[] {
    const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
    const found: string[] = [];
    for (const re of [/\brequire\(\s*"([^"]+)"\s*\)/g, /\bimport\(\s*"([^"]+)"\s*\)/g, /\bfrom\s+"([^"]+)"/g, /^\s*import\s+"([^"]+)"/gm]) {
        for (const m of code.matchAll(re)) {
            found.push(m[1]);
        }
    }
    return found;
}

const CONSUMER_TSCONFIG = {
    compilerOptions: {
        strict: true,
        module: "commonjs",
        target: "es2022",
        moduleResolution: "node",
        esModuleInterop: true,
        skipLibCheck: true,
        noEmit: true,
    },
    files: ["index.ts"],
};

/** A consumer's program. Each `@ts-expect-error` fails the type-check if its line compiles, i.e. if the types were `any`. */
const CONSUMER_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { LlmCluster, LlmClusterArgs, SUPPORTED_KUBERNETES_VERSIONS } from "${NAME}";

const args: LlmClusterArgs = {
    clusterName: "llm-prod",
    kubernetesVersion: SUPPORTED_KUBERNETES_VERSIONS[SUPPORTED_KUBERNETES_VERSIONS.length - 1],
    endpointPublicAccessCidrs: ["198.51.100.0/24"],
    availabilityZoneCount: 3,
};
const cluster = new LlmCluster("llm", args);

export const kubeconfig: pulumi.Output<string> = cluster.kubeconfig;
export const clusterName: pulumi.Output<string> = cluster.clusterName;

// @ts-expect-error kubernetesVersion is a string ("1.35"), not a number
export const wrongVersionType: LlmClusterArgs = { kubernetesVersion: 135 };

// @ts-expect-error LlmClusterArgs has no such option
export const unknownOption: LlmClusterArgs = { noSuchOption: true };

// @ts-expect-error SUPPORTED_KUBERNETES_VERSIONS is readonly
SUPPORTED_KUBERNETES_VERSIONS.push("0.1");

// @ts-expect-error kubeconfig is an Output<string>, not a string
export const plainKubeconfig: string = cluster.kubeconfig;
`;

/** Run in the consumer with \`node -e\`: what \`require("ray-vllm-eks")\` gives, without constructing anything. */
const RUNTIME_PROBE = `
const m = require(${JSON.stringify(NAME)});
process.stdout.write(JSON.stringify({
    resolved: require.resolve(${JSON.stringify(NAME)}),
    llmCluster: typeof m.LlmCluster,
    versions: m.SUPPORTED_KUBERNETES_VERSIONS,
    loaded: Object.keys(require.cache),
}));
`;

describe("the npm package (npm pack, installed into a consumer)", function () {
    this.timeout(120000);

    let tmp: string;
    let consumer: string;
    let installed: string;
    let entries: string[];
    let manifest: PackageManifest;
    let typecheck: Run;
    let runtime: Run;

    before(async () => {
        ({ tmp, entries, manifest } = await packOnce());
        consumer = path.join(tmp, "consumer");
        // @types/node: any Node.js project's; the program itself uses no Node API.
        installed = await installConsumer(consumer, ["@types/node"]);
        fs.writeFileSync(path.join(consumer, "tsconfig.json"), JSON.stringify(CONSUMER_TSCONFIG, null, 4));
        fs.writeFileSync(path.join(consumer, "index.ts"), CONSUMER_PROGRAM);

        // The two slow steps, side by side: the type-check and loading the package (with all of @pulumi/*).
        [typecheck, runtime] = await Promise.all([
            run(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", path.join(consumer, "tsconfig.json"), "--listFiles"], consumer, childEnv()),
            run(process.execPath, ["-e", RUNTIME_PROBE], consumer, childEnv()),
        ]);
    });

    it("packs the build output: dist/ with .js and .d.ts, and package.json", () => {
        const missing = REQUIRED.filter((f) => !entries.includes(f));
        assert.deepEqual(missing, [], `the tarball lacks ${missing.join(", ")}; it holds:\n${entries.join("\n")}`);
        assert.ok(entries.includes(`package/${path.posix.normalize(manifest.main)}`), `"main" (${manifest.main}) is not in the tarball`);
        assert.ok(entries.includes(`package/${path.posix.normalize(manifest.types)}`), `"types" (${manifest.types}) is not in the tarball`);
        assert.equal(manifest.name, NAME);
    });

    it("installs the command `ray-vllm-eks` (package.json bin): dist/plan/bin.js, a Node script", () => {
        assert.deepEqual(manifest.bin, { "ray-vllm-eks": "dist/plan/bin.js" });
        assert.equal(fs.readFileSync(path.join(installed, "dist", "plan", "bin.js"), "utf8").split("\n")[0], "#!/usr/bin/env node");
    });

    it("packs no tests, scripts, programs, policy-pack sources, PolicyPack entry point or TypeScript sources", () => {
        const offending = entries.flatMap((e) => {
            const why = rejection(e);
            return why ? [`${e}: ${why}`] : [];
        });
        assert.deepEqual(offending, [], `the tarball ships files it should not:\n${offending.join("\n")}`);
    });

    it("holds exactly the files npm pack reported", () => {
        assert.deepEqual(filesBelow(installed).map((f) => `package/${f}`), entries);
    });

    it("declares as dependencies every package its .js and .d.ts files load", () => {
        const declared = new Set(Object.keys(manifest.dependencies ?? {}));
        const undeclared: string[] = [];
        for (const file of filesBelow(path.join(installed, "dist")).filter((f) => /\.(js|d\.ts)$/.test(f))) {
            for (const specifier of specifiersIn(fs.readFileSync(path.join(installed, "dist", file), "utf8"))) {
                const pkg = packageOf(specifier);
                if (pkg !== undefined && pkg !== NAME && !declared.has(pkg)) {
                    undeclared.push(`dist/${file}: "${specifier}"${manifest.devDependencies?.[pkg] ? " (a devDependency)" : ""}`);
                }
            }
        }
        assert.deepEqual(undeclared, [], `loads packages package.json "dependencies" does not declare:\n${undeclared.join("\n")}`);
    });

    it("type-checks a consumer's `import { LlmCluster, LlmClusterArgs, SUPPORTED_KUBERNETES_VERSIONS } from \"ray-vllm-eks\"`", () => {
        const diagnostics = typecheck.stdout
            .split("\n")
            .filter((l) => !l.startsWith("/"))
            .join("\n");
        assert.equal(typecheck.code, 0, `tsc failed on the consumer (exit ${typecheck.code}):\n${diagnostics}\n${typecheck.stderr}\n--- index.ts ---\n${CONSUMER_PROGRAM}`);
        // The types came from the tarball's declarations, not from this repository's sources.
        const files = typecheck.stdout.split("\n").filter((l) => l.startsWith("/"));
        assert.ok(files.includes(path.join(installed, "dist", "index.d.ts")), `tsc did not read ${installed}/dist/index.d.ts:\n${files.filter((f) => !f.includes("/node_modules/@")).join("\n")}`);
        const fromRepo = files.filter((f) => f.startsWith(ROOT + path.sep) && !f.startsWith(path.join(ROOT, "node_modules") + path.sep));
        assert.deepEqual(fromRepo, [], "tsc read this repository's sources");
    });

    it("loads with require(\"ray-vllm-eks\") from the consumer: LlmCluster is a class, SUPPORTED_KUBERNETES_VERSIONS an array", () => {
        assert.equal(runtime.code, 0, `node -e 'require("${NAME}")' failed in the consumer (exit ${runtime.code}):\n${runtime.stderr}\n${runtime.stdout}`);
        const probe: { resolved: string; llmCluster: string; versions: unknown; loaded: string[] } = JSON.parse(runtime.stdout);
        assert.equal(probe.resolved, path.join(installed, "dist", "index.js"));
        assert.equal(probe.llmCluster, "function");
        assert.ok(Array.isArray(probe.versions) && probe.versions.length > 0, `SUPPORTED_KUBERNETES_VERSIONS is ${JSON.stringify(probe.versions)}`);
        assert.ok(probe.versions.every((v) => typeof v === "string"), `SUPPORTED_KUBERNETES_VERSIONS is ${JSON.stringify(probe.versions)}`);
        const fromRepo = probe.loaded.filter((f) => f.startsWith(ROOT + path.sep) && !f.startsWith(path.join(ROOT, "node_modules") + path.sep));
        assert.deepEqual(fromRepo, [], "the consumer loaded this repository's sources");
    });
});
