import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** How the mocks' errors begin (the SDK re-wraps them, so the plan recognises them by this). */
export const MOCKS_ERROR_PREFIX = "the offline plan's mocks";

/** A usage or input problem the plan reports with exit code 2. */
export class PlanUsageError extends Error {}

export interface ProgramConfig {
    /** Config as `pulumi.runtime.setAllConfig` takes it: namespaced keys, string values. */
    values: Record<string, string>;
    /** Keys whose values are secrets (redacted in the plan). */
    secretKeys: string[];
}

export interface Program {
    /** The Pulumi project's name (from its Pulumi.yaml). */
    project: string;
    /** The stack the program runs as. */
    stack: string;
    /** The folder of Pulumi.yaml (or of the program when there is none). */
    projectDir: string;
    /** The module the plan loads. */
    entry: string;
    config: ProgramConfig;
}

/**
 * What a `secure:` config value becomes offline, where it cannot be decrypted. Distinct from the
 * plan's "[secret]" redaction, so a test can tell a redacted secret from a leaked placeholder.
 */
export const SECRET_PLACEHOLDER = "offline-plan-secret-placeholder";

function readYaml(file: string): Record<string, unknown> {
    try {
        const parsed = YAML.parse(fs.readFileSync(file, "utf8")) as unknown;
        return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
    } catch (e) {
        throw new PlanUsageError(`cannot read ${file}: ${(e as Error).message}`);
    }
}

/** The nearest folder at or above `dir` that holds a Pulumi.yaml. */
export function findProjectDir(dir: string): string | undefined {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
        if (fs.existsSync(path.join(d, "Pulumi.yaml"))) {
            return d;
        }
        if (path.dirname(d) === d) {
            return undefined;
        }
    }
}

function namespaced(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

function isMap(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A project config key Pulumi.yaml declares (`type`, `default`, `secret`). */
interface Declaration {
    type?: string;
    default?: unknown;
    secret?: boolean;
}

/** The placeholder of a secret of the declared type, so typed getters (`requireSecretNumber`) still work. */
function placeholderFor(type: string | undefined): unknown {
    return type === "integer" ? 0 : type === "boolean" ? false : SECRET_PLACEHOLDER;
}

/** Replaces every `{ secure: ... }` inside a value; says whether it found one. */
function withoutCiphertext(value: unknown, type: string | undefined): { value: unknown; secret: boolean } {
    if (isMap(value) && Object.keys(value).length === 1 && "secure" in value) {
        return { value: placeholderFor(type), secret: true };
    }
    if (Array.isArray(value)) {
        const items = value.map((v) => withoutCiphertext(v, undefined));
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (isMap(value)) {
        const entries = Object.entries(value).map(([k, v]) => [k, withoutCiphertext(v, undefined)] as const);
        return { value: Object.fromEntries(entries.map(([k, i]) => [k, i.value])), secret: entries.some(([, i]) => i.secret) };
    }
    return { value, secret: false };
}

function configString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** Whether a config value (as set, or as the string a -c override gives) has the declared type. */
function hasType(value: unknown, type: string): boolean {
    const v = typeof value === "string" && type !== "string" ? (() => { try { return JSON.parse(value) as unknown; } catch { return value; } })() : value;
    switch (type) {
        case "integer": return Number.isInteger(v);
        case "boolean": return typeof v === "boolean";
        case "array": return Array.isArray(v);
        case "string": return typeof v === "string";
        default: return true;
    }
}

/** The edit distance between two strings (insertions, deletions and substitutions of one character). */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

/** The declared key closest to `key` (case-insensitive edit distance; the first declared of equals). */
export function closestKey(key: string, declared: readonly string[]): string | undefined {
    let best: { key: string; distance: number } | undefined;
    for (const d of declared) {
        const distance = editDistance(key.toLowerCase(), d.toLowerCase());
        if (best === undefined || distance < best.distance) {
            best = { key: d, distance };
        }
    }
    return best?.key;
}

/**
 * The closest of `candidates` to `key`, and whether it is near enough to be the key meant (at most
 * max(2, a third of the key's length) edits): what "did you mean" suggests. `candidates` is not empty.
 */
export function suggestKey(key: string, candidates: readonly string[]): { closest: string; near: boolean } {
    const closest = closestKey(key, candidates) as string;
    return { closest, near: editDistance(key.toLowerCase(), closest.toLowerCase()) <= Math.max(2, Math.floor(key.length / 3)) };
}

/** Every key of a Pulumi.yaml's `config` section (declared, or given a value), namespaced. */
function configKeysOf(project: string, config: unknown): string[] {
    return Object.keys(isMap(config) ? config : {}).map((k) => namespaced(project, k));
}

/** Every key of a Pulumi.yaml's `config` (declared, or given a value), namespaced; none without the file. */
export function projectConfigKeys(project: string, projectDir: string): string[] {
    const file = path.join(projectDir, "Pulumi.yaml");
    return configKeysOf(project, fs.existsSync(file) ? readYaml(file).config : undefined);
}

/**
 * The error for config keys of the project's own namespace that its Pulumi.yaml does not declare,
 * or undefined when there is none, or when Pulumi.yaml declares no key of its own (a project that
 * reads its config undeclared). Pulumi itself passes such a key on to the program (since v3.45,
 * sdk/go/common/workspace/config.go `ValidateStackConfigAndApplyProjectConfig` checks declared keys
 * only), which never reads it: `natGateway: Single` would silently keep `natGateways` at its default.
 * Keys are namespaced (`project:key`); each set key comes with where it was set.
 */
export function undeclaredConfigError(project: string, stack: string, declared: readonly string[], set: readonly (readonly [key: string, where: string])[]): string | undefined {
    const prefix = `${project}:`;
    const own = declared.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    const unknown = set.filter(([k]) => k.startsWith(prefix) && !declared.includes(k));
    if (own.length === 0 || unknown.length === 0) {
        return undefined;
    }
    const lines = unknown.map(([k, where]) => {
        const name = k.slice(prefix.length);
        const { closest, near } = suggestKey(name, own);
        return `  ${name} (${where}): ${near ? `did you mean ${closest}?` : `the closest declared key is ${closest}`}`;
    });
    return `stack "${stack}" sets configuration that Pulumi.yaml does not declare, which the program would never read:\n${lines.join("\n")}\n`
        + "Rename each to a key Pulumi.yaml declares (its config section lists them with their descriptions), or remove it.";
}

/**
 * The stack's configuration as `pulumi preview` sees it: Pulumi.yaml's `config` (declared
 * project keys with their defaults, and values for other namespaces), then Pulumi.<stack>.yaml,
 * then `-c key=value` overrides. Like Pulumi, a declared key with no default must be set, and a
 * value must have its declared type.
 */
export function loadConfig(project: string, projectDir: string, stack: string, overrides: string[]): ProgramConfig {
    const values: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    const declared = new Map<string, Declaration>();
    // The keys Pulumi.<stack>.yaml and the -c overrides set, and where.
    const setKeys: [string, string][] = [];
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    const projectConfig = fs.existsSync(projectFile) ? readYaml(projectFile).config : undefined;
    for (const [key, spec] of Object.entries(isMap(projectConfig) ? projectConfig : {})) {
        const k = namespaced(project, key);
        if (isMap(spec) && ("type" in spec || "default" in spec || "description" in spec || "secret" in spec)) {
            declared.set(k, spec as Declaration);
            if (spec.default !== undefined) {
                values[k] = spec.default;
            }
            if (spec.secret === true) {
                secretKeys.add(k);
            }
        } else {
            values[k] = isMap(spec) && "value" in spec ? spec.value : spec;
        }
    }
    const stackFileName = `Pulumi.${stack}.yaml`;
    const stackFile = path.join(projectDir, stackFileName);
    if (fs.existsSync(stackFile)) {
        const stackConfig = readYaml(stackFile).config;
        for (const [key, raw] of Object.entries(isMap(stackConfig) ? stackConfig : {})) {
            const k = namespaced(project, key);
            setKeys.push([k, stackFileName]);
            const { value, secret } = withoutCiphertext(raw, declared.get(k)?.type);
            values[k] = value;
            if (secret) {
                secretKeys.add(k);
            }
        }
    }
    for (const pair of overrides) {
        const eq = pair.indexOf("=");
        if (eq <= 0) {
            throw new PlanUsageError(`--config ${JSON.stringify(pair)} is not key=value: write it as --config instanceType=g6.xlarge (like pulumi preview -c).`);
        }
        const k = namespaced(project, pair.slice(0, eq));
        setKeys.push([k, `--config ${pair.slice(0, eq)}`]);
        values[k] = pair.slice(eq + 1);
    }
    const undeclared = undeclaredConfigError(project, stack, configKeysOf(project, projectConfig), setKeys);
    if (undeclared !== undefined) {
        throw new PlanUsageError(undeclared);
    }
    for (const [k, d] of declared) {
        if (!(k in values)) {
            throw new PlanUsageError(`stack "${stack}" is missing configuration value "${k}", which Pulumi.yaml declares without a default: set it in ${stackFileName} or with --config ${k.split(":")[1]}=<value>.`);
        }
        if (d.type !== undefined && !secretKeys.has(k) && !hasType(values[k], d.type)) {
            throw new PlanUsageError(`configuration value "${k}" is ${JSON.stringify(values[k])}, not of type ${d.type} as Pulumi.yaml declares it: fix it in ${stackFileName} or the --config override.`);
        }
    }
    const strings = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, configString(v)]));
    return { values: strings, secretKeys: [...secretKeys].sort() };
}

/**
 * Resolves what to run: a path to a Pulumi TypeScript program (a folder with a Pulumi.yaml or an
 * index.ts, or a .ts file), the stack, and the config.
 */
export function resolveProgram(programPath: string, stack: string, overrides: string[]): Program {
    const target = path.resolve(programPath);
    if (!fs.existsSync(target)) {
        throw new PlanUsageError(`--program ${programPath}: no such file or folder: give the path of a Pulumi TypeScript program (a folder with Pulumi.yaml or index.ts, or a .ts file).`);
    }
    const isDir = fs.statSync(target).isDirectory();
    const dir = isDir ? target : path.dirname(target);
    const projectDir = findProjectDir(dir) ?? dir;
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    const projectYaml = fs.existsSync(projectFile) ? readYaml(projectFile) : {};
    const project = typeof projectYaml.name === "string" ? projectYaml.name : path.basename(projectDir);
    let entry = target;
    if (isDir) {
        const main = target === projectDir && typeof projectYaml.main === "string" ? projectYaml.main : undefined;
        entry = main ? path.resolve(projectDir, main) : path.join(target, "index.ts");
        if (fs.existsSync(entry) && fs.statSync(entry).isDirectory()) {
            entry = path.join(entry, "index.ts");
        }
        if (!fs.existsSync(entry)) {
            throw new PlanUsageError(`--program ${programPath}: found no ${path.relative(process.cwd(), entry)}: point --program at a Pulumi TypeScript program.`);
        }
    }
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new PlanUsageError(`--stack ${JSON.stringify(stack)} is not a stack name: use letters, digits, "-", "_" and ".".`);
    }
    return { project, stack, projectDir, entry, config: loadConfig(project, projectDir, stack, overrides) };
}

/**
 * A policy config file in the format of `pulumi preview --policy-pack-config`: policy names
 * mapped to an enforcement level, or to an object with `enforcementLevel` and properties.
 */
export function loadPolicyConfig(file: string): Record<string, unknown> {
    if (!fs.existsSync(file)) {
        throw new PlanUsageError(`--policy-config ${file}: no such file: give a JSON file in the format of pulumi preview --policy-pack-config.`);
    }
    try {
        const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
            throw new Error("the top level must be an object mapping policy names to their configuration");
        }
        return parsed as Record<string, unknown>;
    } catch (e) {
        throw new PlanUsageError(`--policy-config ${file}: ${(e as Error).message}: see pulumi preview --policy-pack-config for the format.`);
    }
}
