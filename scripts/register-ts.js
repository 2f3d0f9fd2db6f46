/**
 * Loads this repository's TypeScript in Node without a build step, for the offline plan, the
 * scripts and the tests: `node -r ./scripts/register-ts.js file.ts`. The loader itself is
 * plan/loader.ts (the installed `ray-vllm-eks plan` uses its compiled copy); this file compiles it
 * once (cached on disk by content, like every other file), installs it in require.cache under its
 * own file name, so that the plan's `import "./loader"` gets this very instance, and starts it.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const root = path.join(__dirname, "..");
const cacheDir = process.env.RAY_VLLM_EKS_TS_CACHE || path.join(root, "node_modules", ".cache", "ray-vllm-eks-ts");
const loaderFile = path.join(root, "plan", "loader.ts");
const typescriptVersion = JSON.parse(fs.readFileSync(require.resolve("typescript/package.json"), "utf8")).version;

const source = fs.readFileSync(loaderFile, "utf8");
const cached = path.join(cacheDir, `loader-${crypto.createHash("sha256").update(`${typescriptVersion}\0${loaderFile}\0${source}`).digest("hex")}.js`);
let code;
try {
    code = fs.readFileSync(cached, "utf8");
} catch {
    const ts = require("typescript");
    code = ts.transpileModule(source, { fileName: loaderFile, compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
    try {
        fs.mkdirSync(cacheDir, { recursive: true });
        fs.writeFileSync(`${cached}.${process.pid}`, code);
        fs.renameSync(`${cached}.${process.pid}`, cached);
    } catch {
        // A read-only cache only costs speed.
    }
}
const loader = new Module(loaderFile, module);
loader.filename = loaderFile;
loader.paths = Module._nodeModulePaths(path.dirname(loaderFile));
loader._compile(code, loaderFile);
loader.loaded = true;
require.cache[loaderFile] = loader;

loader.exports.registerTypeScript({ cacheDir, typescript: loader.exports.typeScriptFrom([root]) });
loader.exports.deferClosureDependencies();
