/**
 * Loads the project's TypeScript in Node without a build step: each .ts file is transpiled
 * with TypeScript's own `transpileModule` (no type check here: `npm run typecheck` does that)
 * and cached on disk by content, so a warm start costs nothing. It is much lighter than a
 * general-purpose loader because only .ts files pass through it, and that keeps the offline
 * plan and the tests fast. Use: `node -r ./scripts/register-ts.js file.ts`.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const cacheDir = process.env.RAY_VLLM_EKS_TS_CACHE || path.join(__dirname, "..", "node_modules", ".cache", "ray-vllm-eks-ts");
let ts;
let version;

function typescriptVersion() {
    if (version === undefined) {
        version = JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8")).version;
    }
    return version;
}

function transpile(source, filename) {
    ts = ts || require("typescript");
    return ts.transpileModule(source, {
        fileName: filename,
        compilerOptions: {
            module: ts.ModuleKind.CommonJS,
            target: ts.ScriptTarget.ES2022,
            esModuleInterop: true,
            inlineSourceMap: true,
        },
    }).outputText;
}

/**
 * The JavaScript each .ts file compiled to, inline source map included, by file name. Node maps
 * stack traces through it only when it compiles the module itself, which v8-compile-cache (the
 * plan's) replaces: scripts/plan/engine.ts maps the SDK's source positions with it instead.
 */
const compiled = new Map();

/** The JavaScript a .ts file this loader compiled became, or undefined. */
exports.compiledTypeScript = (filename) => compiled.get(filename);

require.extensions[".ts"] = function loadTypeScript(module, filename) {
    const source = fs.readFileSync(filename, "utf8");
    const key = crypto.createHash("sha256").update(`${typescriptVersion()}\0${filename}\0${source}`).digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    let code;
    try {
        code = fs.readFileSync(cached, "utf8");
    } catch {
        code = transpile(source, filename);
        try {
            fs.mkdirSync(cacheDir, { recursive: true });
            fs.writeFileSync(`${cached}.${process.pid}`, code);
            fs.renameSync(`${cached}.${process.pid}`, cached);
        } catch {
            // A read-only cache only costs speed.
        }
    }
    compiled.set(filename, code);
    module._compile(code, filename);
};

/**
 * @pulumi/pulumi loads TypeScript and npm's Arborist as it starts (about 0.7 s), for serializing
 * JavaScript closures, which nothing here does (no dynamic providers, no function serialization).
 * They load on first use instead: a program that does serialize a closure still gets them.
 */
const Module = require("module");
const LAZY = [
    { request: "typescript", parent: `${path.sep}@pulumi${path.sep}pulumi${path.sep}typescript-shim.js` },
    { request: "@npmcli/arborist", parent: `${path.sep}@pulumi${path.sep}pulumi${path.sep}runtime${path.sep}closure${path.sep}codePaths.js` },
];
const load = Module._load;
Module._load = function lazyPulumiClosureDeps(request, parent, isMain) {
    if (parent && parent.filename && LAZY.some((l) => l.request === request && parent.filename.endsWith(l.parent))) {
        let real;
        const target = () => (real = real || load.call(this, request, parent, isMain));
        return new Proxy({}, {
            // Lets TypeScript's __importStar take the module as it is, without listing its keys.
            get: (_, key) => (key === "__esModule" ? true : Reflect.get(target(), key)),
            has: (_, key) => Reflect.has(target(), key),
            ownKeys: () => Reflect.ownKeys(target()),
            getOwnPropertyDescriptor: (_, key) => {
                const d = Reflect.getOwnPropertyDescriptor(target(), key);
                return d && { ...d, configurable: true };
            },
        });
    }
    return load.call(this, request, parent, isMain);
};
