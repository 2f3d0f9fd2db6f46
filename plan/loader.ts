/**
 * Loads TypeScript in Node without a build step: each .ts file is transpiled with TypeScript's
 * own `transpileModule` (no type check: `tsc` does that) and cached on disk by content, so a warm
 * start costs nothing. It is much lighter than a general-purpose loader because only .ts files pass
 * through it, which keeps the offline plan and the tests fast.
 *
 * Two users: this repository's `scripts/register-ts.js` (`node -r`, for the plan's own sources and
 * the tests), and the installed `ray-vllm-eks plan`, which loads the caller's program with the
 * caller's own `typescript` package, as `pulumi preview` does.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import Module from "module";
import * as path from "path";

/** The parts of the `typescript` package the loader uses. */
export interface TypeScriptCompiler {
    version: string;
    ModuleKind: { CommonJS: number };
    ScriptTarget: { ES2022: number };
    transpileModule(source: string, options: { fileName: string; compilerOptions: Record<string, unknown> }): { outputText: string };
}

export interface LoaderOptions {
    /** Where compiled files are cached, by the hash of the compiler's version, the file name and the source. */
    cacheDir: string;
    /** The compiler: its version (part of the cache key) and how to load it, on the first .ts file that is not cached. */
    typescript: TypeScriptPackage;
}

/** A `typescript` package: its version, read without loading it, and its loader. */
export interface TypeScriptPackage {
    version: string;
    load(): TypeScriptCompiler;
}

/**
 * The JavaScript each .ts file compiled to, inline source map included, by file name. Node maps
 * stack traces through it only when it compiles the module itself, which v8-compile-cache (the
 * plan's) replaces: plan/engine.ts maps the SDK's source positions with it instead.
 */
const compiled = new Map<string, string>();

/** The JavaScript a .ts file this loader compiled became, or undefined. */
export function compiledTypeScript(filename: string): string | undefined {
    return compiled.get(filename);
}

/** Marks the `.ts` handler this module installs, so a second call (or a second copy) leaves it. */
const HANDLER_MARK = Symbol.for("ray-vllm-eks:typescript-loader");

type Extensions = Record<string, ((module: Module, filename: string) => void) & { [HANDLER_MARK]?: true }>;

/**
 * Makes `require` load .ts files. Returns false, changing nothing, when this loader already
 * handles them (scripts/register-ts.js installed it before the plan started).
 */
export function registerTypeScript(options: LoaderOptions): boolean {
    const extensions = require.extensions as unknown as Extensions;
    if (extensions[".ts"]?.[HANDLER_MARK]) {
        return false;
    }
    let compiler: TypeScriptCompiler | undefined;
    const transpile = (source: string, filename: string): string => {
        compiler ??= options.typescript.load();
        return compiler.transpileModule(source, {
            fileName: filename,
            compilerOptions: {
                module: compiler.ModuleKind.CommonJS,
                target: compiler.ScriptTarget.ES2022,
                esModuleInterop: true,
                inlineSourceMap: true,
            },
        }).outputText;
    };
    const handler = (module: Module, filename: string): void => {
        const source = fs.readFileSync(filename, "utf8");
        const key = crypto.createHash("sha256").update(`${options.typescript.version}\0${filename}\0${source}`).digest("hex");
        const cached = path.join(options.cacheDir, `${key}.js`);
        let code: string;
        try {
            code = fs.readFileSync(cached, "utf8");
        } catch {
            code = transpile(source, filename);
            try {
                fs.mkdirSync(options.cacheDir, { recursive: true });
                fs.writeFileSync(`${cached}.${process.pid}`, code);
                fs.renameSync(`${cached}.${process.pid}`, cached);
            } catch {
                // A read-only cache only costs speed.
            }
        }
        compiled.set(filename, code);
        (module as unknown as { _compile(code: string, filename: string): void })._compile(code, filename);
    };
    extensions[".ts"] = Object.assign(handler, { [HANDLER_MARK]: true as const });
    return true;
}

/**
 * The `typescript` package Node resolves from the first of `dirs` that has one, for
 * {@link registerTypeScript}; undefined when none has.
 */
export function typeScriptFrom(dirs: readonly string[]): TypeScriptPackage | undefined {
    let manifest: string;
    try {
        manifest = require.resolve("typescript/package.json", { paths: [...dirs] });
    } catch {
        return undefined;
    }
    const { version } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return { version, load: () => require(path.dirname(manifest)) as TypeScriptCompiler };
}

/**
 * @pulumi/pulumi loads TypeScript and npm's Arborist as it starts (about 0.7 s), for serializing
 * JavaScript closures, which nothing here does (no dynamic providers, no function serialization).
 * After this, they load on first use instead: a program that does serialize a closure still gets them.
 */
export function deferClosureDependencies(): void {
    const lazy = [
        { request: "typescript", parent: `${path.sep}@pulumi${path.sep}pulumi${path.sep}typescript-shim.js` },
        { request: "@npmcli/arborist", parent: `${path.sep}@pulumi${path.sep}pulumi${path.sep}runtime${path.sep}closure${path.sep}codePaths.js` },
    ];
    const internals = Module as unknown as { _load: ((request: string, parent: Module | undefined, isMain: boolean) => unknown) & { [HANDLER_MARK]?: true } };
    const load = internals._load;
    if (load[HANDLER_MARK]) {
        return;
    }
    internals._load = Object.assign(function lazyPulumiClosureDeps(this: unknown, request: string, parent: Module | undefined, isMain: boolean): unknown {
        if (parent?.filename && lazy.some((l) => l.request === request && parent.filename.endsWith(l.parent))) {
            let real: object | undefined;
            const target = (): object => (real ??= load.call(this, request, parent, isMain) as object);
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
    }, { [HANDLER_MARK]: true as const });
}
