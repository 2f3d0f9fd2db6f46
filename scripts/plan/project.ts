import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

/** The repository's root. */
export const ROOT = path.resolve(__dirname, "..", "..");

/** The environments: the folders of programs/ with an index.ts, sorted. */
export function environments(root: string = ROOT): string[] {
    const dir = path.join(root, "programs");
    return fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, "index.ts"))).sort();
}

/** The `plan` npm script's command line (executable first), for tools that run it as a user does. */
export function planCommand(root: string = ROOT): string[] {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    return pkg.scripts.plan.split(/\s+/);
}

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

/** The placeholder of a `secure:` config value, which cannot be decrypted offline. */
export const SECRET_PLACEHOLDER = "[secret]";

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

function configString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The stack's configuration as `pulumi preview` sees it: Pulumi.yaml's `config` defaults,
 * then Pulumi.<stack>.yaml, then `-c key=value` overrides.
 */
export function loadConfig(project: string, projectDir: string, stack: string, overrides: string[]): ProgramConfig {
    const values: Record<string, string> = {};
    const secretKeys = new Set<string>();
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    const declared = fs.existsSync(projectFile) ? (readYaml(projectFile).config as Record<string, unknown> | undefined) : undefined;
    for (const [key, spec] of Object.entries(declared ?? {})) {
        const isSpec = spec !== null && typeof spec === "object" && !Array.isArray(spec) && ("type" in spec || "default" in spec || "description" in spec);
        const value = isSpec ? (spec as Record<string, unknown>).default : spec;
        if (value !== undefined) {
            values[namespaced(project, key)] = configString(value);
        }
    }
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (fs.existsSync(stackFile)) {
        const stackConfig = (readYaml(stackFile).config ?? {}) as Record<string, unknown>;
        for (const [key, value] of Object.entries(stackConfig)) {
            const k = namespaced(project, key);
            if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
                values[k] = SECRET_PLACEHOLDER;
                secretKeys.add(k);
            } else {
                values[k] = configString(value);
            }
        }
    }
    for (const pair of overrides) {
        const eq = pair.indexOf("=");
        if (eq <= 0) {
            throw new PlanUsageError(`--config ${JSON.stringify(pair)} is not key=value: write it as --config instanceType=g6.xlarge (like pulumi preview -c).`);
        }
        values[namespaced(project, pair.slice(0, eq))] = pair.slice(eq + 1);
    }
    return { values, secretKeys: [...secretKeys].sort() };
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
