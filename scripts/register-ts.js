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
    module._compile(code, filename);
};
