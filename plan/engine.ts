import * as path from "path";
import Module, { SourceMap } from "module";
import { fileURLToPath } from "url";
import * as pulumi from "@pulumi/pulumi";

import { destroyOrder } from "./destroy";
import { compiledTypeScript } from "./loader";
import { createMocks, DEFAULT_MOCK_ENVIRONMENT, MockEnvironment } from "./mocks";
import { Program } from "./project";

/**
 * The resource options the program set on a resource, as the engine receives them; an option
 * left at its default (false, empty) is omitted, so `{}` means none. The provider is not here:
 * it is the resource's `provider` field.
 */
export interface PlannedOptions {
    /** `protect`: the engine refuses to delete it. The SDK passes a parent's `protect` on to its children. */
    protect?: true;
    /** `retainOnDelete`: deleting it only forgets it; the cloud object stays. Not inherited from the parent. */
    retainOnDelete?: true;
    /** `deleteBeforeReplace`: a replacement deletes it before creating the new one. */
    deleteBeforeReplace?: true;
    /** `ignoreChanges`: input paths whose changes are ignored, as given. */
    ignoreChanges?: string[];
    /** `replaceOnChanges`: input paths whose changes force a replacement, as given. */
    replaceOnChanges?: string[];
    /** `deletedWith`: the URN whose deletion deletes this resource too (its own delete is skipped). */
    deletedWith?: string;
    /** A component's `providers` (and `provider`) option, by package: the provider references its children inherit. */
    providers?: Record<string, string>;
    /**
     * `dependsOn` exactly as the program gave it (a component stays one URN), sorted. The
     * `dependencies` field holds what the engine receives: these with components expanded to their
     * custom descendants, merged with the dependencies of the inputs.
     */
    dependsOn?: string[];
}

/**
 * Where the program constructed a resource: the file (relative to the working folder, "/"
 * separated), line and column of the frame that called the resource's constructor, as the SDK
 * sends them to the engine (RegisterResourceRequest.sourcePosition), mapped back to the
 * TypeScript through the source map loader.ts compiled it with.
 */
export interface SourcePosition {
    file: string;
    line: number;
    column: number;
}

/** One resource the program registered, as the plan records it. */
export interface PlannedResource {
    urn: string;
    type: string;
    name: string;
    /** True for custom resources (cloud or Kubernetes objects), false for components. */
    custom: boolean;
    parent?: string;
    /** The provider reference (`<provider urn>::<id>`) when the resource names one. */
    provider?: string;
    /** URNs this resource depends on (explicit `dependsOn` and through its inputs), sorted. */
    dependencies: string[];
    /** The resource options the program set; `{}` when none. */
    options: PlannedOptions;
    /** The inputs the program gave, secrets redacted. */
    inputs: Record<string, unknown>;
    /** For a resource the program reads rather than creates (`get`, a StackReference): its id. */
    read?: string;
    /** For components: the outputs they registered, secrets redacted. */
    outputs?: Record<string, unknown>;
    /**
     * Where the program constructed it, when that is the project's own code: absent for a resource
     * an SDK in node_modules constructs (the stack, a provider's own children, this package's
     * components installed as a dependency) or whose position is unknown.
     */
    source?: SourcePosition;
}

/** A program that ran but whose resources could not all be registered, or that the real engine would reject. */
export class ProgramError extends Error {
    public override readonly name = "ProgramError";
}

export interface PlanResult {
    project: string;
    stack: string;
    resources: PlannedResource[];
    /** The stack's outputs, secrets redacted. */
    outputs: Record<string, unknown>;
    /**
     * How `pulumi destroy` would delete the stack: steps of URNs, first step first; the resources
     * of one step do not wait for each other (see destroy.ts).
     */
    destroyOrder: string[][];
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** What the plan writes in place of a secret. */
export const REDACTED = "[secret]";

/** What the plan writes in place of a value that is not known (during preview, or offline). */
export const UNKNOWN_VALUE = "[unknown]";

/**
 * Turns Pulumi's wire form of a property into plain data: secrets become "[secret]",
 * resource references their URN, unknowns "[unknown]". Object keys are sorted.
 */
export function plain(value: unknown): unknown {
    if (value === UNKNOWN) {
        return UNKNOWN_VALUE;
    }
    if (Array.isArray(value)) {
        return value.map(plain);
    }
    if (value === null || typeof value !== "object") {
        return value;
    }
    const obj = value as Record<string, unknown>;
    switch (obj[SIG_KEY]) {
        case SECRET_SIG:
            return REDACTED;
        case RESOURCE_SIG:
            return obj.urn;
        case OUTPUT_SIG:
            return obj.secret ? REDACTED : "value" in obj ? plain(obj.value) : UNKNOWN_VALUE;
        case ASSET_SIG:
        case ARCHIVE_SIG:
            return obj.path ?? obj.uri ?? "[asset]";
        default:
            return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, plain(obj[k])]));
    }
}

/**
 * Fields the Kubernetes SDK marks secret as a whole (`pulumi.secret(args.stringData)`) although
 * only their values are: Kubernetes itself shows a Secret's keys (kubectl describe). The plan keeps
 * those keys, each value "[secret]", so a `secretKeyRef` can be checked against the Secret.
 */
const SECRET_KEYED_FIELDS: Record<string, readonly string[]> = {
    "kubernetes:core/v1:Secret": ["data", "stringData"],
};

/** A resource's inputs as plain data ({@link plain}); for a Kubernetes Secret, a secret data map keeps its keys. */
export function plainInputs(type: string, wire: Record<string, unknown>): Record<string, unknown> {
    const inputs = plain(wire) as Record<string, unknown>;
    for (const field of SECRET_KEYED_FIELDS[type] ?? []) {
        const wrapped = wire[field] as Record<string, unknown> | undefined;
        const secret = wrapped?.[SIG_KEY] === SECRET_SIG || (wrapped?.[SIG_KEY] === OUTPUT_SIG && !!wrapped.secret);
        const data = secret ? wrapped?.value : undefined;
        // A map of values; anything else (unknown, an output) stays "[secret]" as a whole.
        if (data !== null && typeof data === "object" && !Array.isArray(data) && !(SIG_KEY in data)) {
            inputs[field] = Object.fromEntries(Object.keys(data).sort().map((k) => [k, REDACTED]));
        }
    }
    return inputs;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProvider(): string;
    getProvidersMap(): { forEach(cb: (ref: string, pkg: string) => void): void };
    getDependenciesList(): string[];
    /** Always set: the SDK serializes the inputs of every registration (runtime/resource.ts registerResource). */
    getObject(): { toJavaScript(): Record<string, unknown> };
    /** Proto3 optional booleans: false when the program left them unset. */
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getDeletebeforereplace(): boolean;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
    getDeletedwith(): string;
    getSourceposition(): { getUri(): string; getLine(): number; getColumn(): number } | undefined;
}

const sourceMaps = new Map<string, SourceMap | undefined>();

/** A position in a .ts file as the TypeScript reads (the SDK reports the compiled JavaScript's, 1-based). */
function typeScriptPosition(file: string, line: number, column: number): { line: number; column: number } {
    if (!sourceMaps.has(file)) {
        const map = /\/\/# sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(compiledTypeScript(file) ?? "")?.[1];
        sourceMaps.set(file, map === undefined ? undefined : new SourceMap(JSON.parse(Buffer.from(map, "base64").toString("utf8"))));
    }
    const entry = sourceMaps.get(file)?.findEntry(line - 1, column - 1);
    return entry !== undefined && "originalLine" in entry ? { line: entry.originalLine + 1, column: entry.originalColumn + 1 } : { line, column };
}

/** A registration's source position, when it is a file of the working folder outside node_modules. */
function sourceOf(req: RegisterRequest): SourcePosition | undefined {
    const position = req.getSourceposition();
    if (position === undefined || !position.getUri().startsWith("file:")) {
        return undefined;
    }
    const absolute = fileURLToPath(position.getUri());
    const file = path.relative(process.cwd(), absolute);
    if (file === "" || file.startsWith("..") || path.isAbsolute(file) || file.split(path.sep).includes("node_modules")) {
        return undefined;
    }
    return { file: file.split(path.sep).join("/"), ...typeScriptPosition(absolute, position.getLine(), position.getColumn()) };
}

/** The options a RegisterResourceRequest carries, defaults left out (`dependsOn` comes from {@link explicitDependsOn}). */
function optionsOf(req: RegisterRequest): PlannedOptions {
    const options: PlannedOptions = {};
    if (req.getProtect()) {
        options.protect = true;
    }
    if (req.getRetainondelete()) {
        options.retainOnDelete = true;
    }
    if (req.getDeletebeforereplace()) {
        options.deleteBeforeReplace = true;
    }
    if (req.getIgnorechangesList().length > 0) {
        options.ignoreChanges = req.getIgnorechangesList();
    }
    if (req.getReplaceonchangesList().length > 0) {
        options.replaceOnChanges = req.getReplaceonchangesList();
    }
    if (req.getDeletedwith()) {
        options.deletedWith = req.getDeletedwith();
    }
    const providers: [string, string][] = [];
    req.getProvidersMap().forEach((ref, pkg) => providers.push([pkg, ref]));
    if (providers.length > 0) {
        options.providers = Object.fromEntries(providers.sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    }
    return options;
}

/** The SDK's internals {@link explicitDependsOn} hooks into (@pulumi/pulumi 3.248's runtime). */
export interface SdkRuntime {
    registerResource(res: pulumi.Resource, parent: unknown, t: string, name: string, custom: boolean, remote: boolean, newDependency: unknown, props: unknown, opts: pulumi.ResourceOptions, ...rest: unknown[]): void;
    __recordsDependsOn?: (urn: string, dependsOn: Promise<string[]>) => void;
}

/** A resource object's internals: its name, type and parent (a DependencyResource has type ""). */
interface ResourceInternals {
    __name: string;
    __pulumiType: string;
    __parentResource?: pulumi.Resource;
}

/**
 * Makes every registration report its `dependsOn` exactly as the program gave it, to `report`,
 * by URN (as a promise of URNs).
 *
 * Why not the RegisterResourceRequest: its dependency list merges `dependsOn` with the inputs'
 * dependencies, and the SDK has already replaced a local component there by its custom
 * descendants, so `dependsOn: [cluster]` arrives as the cluster's 50 children. Subtracting the
 * property dependencies would drop a resource named both ways and still list the 50 children.
 * Why not a stack transformation in runProgram: it needs a stack, which the component tests do
 * not have, and it would give the plan and the tests two different records. So this wraps the SDK
 * function every resource registers through (`runtime/resource.registerResource`, called after
 * transformations, with the final options) and resolves the option with the SDK's own
 * `gatherExplicitDependencies` (arrays, promises and outputs of resources).
 *
 * Nothing here waits on a URN still to come: the resource's and its dependencies' URNs are computed
 * the way the mock monitor computes them (parent's type, type, name), so a resource whose
 * registration fails leaves nothing pending. The SDK gathers the same option before it calls the monitor, so by then
 * the promise reported here has settled, or settles within a few microtasks.
 */
export function explicitDependsOn(
    monitor: Pick<MonitorLike, "newUrn">,
    report: (urn: string, dependsOn: Promise<string[]>) => void,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    runtime: SdkRuntime = require("@pulumi/pulumi/runtime/resource") as SdkRuntime,
): void {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const gather = (require("@pulumi/pulumi/runtime/dependsOn") as { gatherExplicitDependencies(d: unknown): Promise<pulumi.Resource[]> }).gatherExplicitDependencies;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const urnOf = (r: pulumi.Resource): string => {
        const { __name, __pulumiType, __parentResource } = r as unknown as ResourceInternals;
        return monitor.newUrn(__parentResource ? urnOf(__parentResource) : "", __pulumiType, __name);
    };
    const resolved = (r: pulumi.Resource): string | Promise<string> => ((r as unknown as ResourceInternals).__pulumiType
        ? urnOf(r)
        // A DependencyResource, which the SDK makes from a URN it already has.
        : (r.urn as unknown as { promise(): Promise<string> }).promise());
    const wrapped = runtime.__recordsDependsOn !== undefined;
    runtime.__recordsDependsOn = report;
    if (wrapped) {
        return;
    }
    const register = runtime.registerResource;
    runtime.registerResource = function (res, parent, t, name, custom, remote, newDependency, props, opts, ...rest) {
        if (opts.dependsOn !== undefined) {
            // A dependsOn that fails fails the registration in the SDK too (it gathers the same
            // option), which never reaches the monitor: nothing is left to report it to.
            runtime.__recordsDependsOn!(urnOf(res), gather(opts.dependsOn).then((deps) => Promise.all(deps.map(resolved))).catch(() => []));
        }
        register.call(this, res, parent, t, name, custom, remote, newDependency, props, opts, ...rest);
    };
}

interface OutputsRequest {
    getUrn(): string;
    getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

type Callback = (err: unknown, response: unknown) => void;

interface MonitorLike {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: RegisterRequest, cb: Callback): Promise<void>;
    registerResourceOutputs(req: OutputsRequest, cb: Callback): void;
    readResource(req: ReadRequest, cb: Callback): void;
}

/** The parts of the engine's ReadResourceRequest the recording reads. */
interface ReadRequest {
    getId(): string;
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getDependenciesList(): string[];
    getProperties(): { toJavaScript(): unknown } | undefined;
}

/** What {@link installRecordingMocks} records. */
export interface Recording {
    /** Every registration, by URN. */
    resources: Map<string, PlannedResource>;
    /** URNs registered more than once (the engine refuses a program that does that). */
    duplicateUrns: string[];
}

/**
 * Installs the mocks with a monitor that records every registration (type, name, parent,
 * provider, dependencies, options and inputs) and every component's outputs.
 */
export function installRecordingMocks(project: string, stack: string, env: MockEnvironment = DEFAULT_MOCK_ENVIRONMENT): Recording {
    // setMocks does all its work before its first await, so the monitor exists on return.
    void pulumi.runtime.setMocks(createMocks(env), project, stack, false);
    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
    const recorded = new Map<string, PlannedResource>();
    const duplicateUrns: string[] = [];
    const register = monitor.registerResource.bind(monitor);
    const dependsOn = new Map<string, Promise<string[]>>();
    explicitDependsOn(monitor, (urn, urns) => dependsOn.set(urn, urns));
    monitor.registerResource = async (req, cb) => {
        const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
        const explicit = await (dependsOn.get(urn) ?? Promise.resolve([]));
        dependsOn.delete(urn);
        if (recorded.has(urn)) {
            duplicateUrns.push(urn);
        }
        const options = optionsOf(req);
        const source = sourceOf(req);
        if (explicit.length > 0) {
            options.dependsOn = [...new Set(explicit)].sort();
        }
        recorded.set(urn, {
            urn,
            type: req.getType(),
            name: req.getName(),
            custom: req.getCustom(),
            parent: req.getParent() || undefined,
            provider: req.getProvider() || undefined,
            // Unique, and the inputs' dependencies among them: the SDK sends its set
            // allDirectDependencyURNs, to which runtime/resource.ts prepareResource adds each property's.
            dependencies: req.getDependenciesList().sort(),
            options,
            inputs: plainInputs(req.getType(), req.getObject().toJavaScript()),
            ...(source ? { source } : {}),
        });
        return register(req, cb);
    };
    // Reads (a StackReference, `get` functions of resources) are recorded too, marked by `read`.
    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (req, cb) => {
        const urn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
        recorded.set(urn, {
            urn,
            type: req.getType(),
            name: req.getName(),
            custom: true,
            read: req.getId(),
            parent: req.getParent() || undefined,
            provider: req.getProvider() || undefined,
            dependencies: req.getDependenciesList().sort(),
            options: {},
            inputs: plainInputs(req.getType(), (req.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>),
        });
        return read(req, cb);
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
        const r = recorded.get(req.getUrn());
        if (r) {
            r.outputs = plain(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
        }
        return registerOutputs(req, cb);
    };
    return { resources: recorded, duplicateUrns };
}

/** Every resource registered below `urn` (children, grandchildren, ...), in URN order. */
export function descendantsIn(resources: Iterable<PlannedResource>, urn: string): PlannedResource[] {
    const all = [...resources];
    const below = new Set<string>([urn]);
    let grew = true;
    while (grew) {
        grew = false;
        for (const r of all) {
            if (r.parent && below.has(r.parent) && !below.has(r.urn)) {
                below.add(r.urn);
                grew = true;
            }
        }
    }
    below.delete(urn);
    return all.filter((r) => below.has(r.urn)).sort((a, b) => (a.urn < b.urn ? -1 : 1));
}

/** Waits until every registration still in flight (applies, component outputs) has finished. */
export async function waitForRegistrations(): Promise<void> {
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/**
 * Makes `require` resolve each module name of `aliases` to the file it maps to, wherever it is
 * required from (this repository's plan: `ray-vllm-eks` to its index.ts, so its programs and
 * examples import the package by name, from source).
 */
function aliasModules(aliases: Readonly<Record<string, string>>): void {
    if (Object.keys(aliases).length === 0) {
        return;
    }
    const mod = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
    const resolve = mod._resolveFilename;
    mod._resolveFilename = function (request: string, ...rest: unknown[]): string {
        return resolve.call(this, Object.hasOwn(aliases, request) ? aliases[request] : request, ...rest);
    };
}

interface Constructed {
    type: string;
    name: string;
    props: Record<string, unknown>;
}

/** Why a resource never reached the engine: the first of its inputs that failed, if one did. */
async function failureOf(c: Constructed): Promise<string> {
    for (const [key, value] of Object.entries(c.props ?? {})) {
        const settled = await Promise.race([
            (pulumi.output(value) as unknown as { promise(): Promise<unknown> }).promise().then(() => undefined, (e: unknown) => e),
            new Promise((resolve) => setTimeout(() => resolve(undefined), 50)),
        ]);
        if (settled !== undefined) {
            return `input "${key}" failed: ${settled instanceof Error ? settled.message : String(settled)}`;
        }
    }
    return "its inputs never resolved (it waits on a value that failed above)";
}

/** How {@link runProgram} loads a program. */
export interface RunOptions {
    /** Module names resolved to a file of their own instead of through node_modules (see {@link aliasModules}). */
    aliases?: Readonly<Record<string, string>>;
}

/** Runs the program under the mock engine and returns everything it registered. */
export async function runProgram(program: Program, options: RunOptions = {}): Promise<PlanResult> {
    const region = program.config.values["aws:region"] ?? DEFAULT_MOCK_ENVIRONMENT.region;
    const recording = installRecordingMocks(program.project, program.stack, { ...DEFAULT_MOCK_ENVIRONMENT, region });
    const recorded = recording.resources;
    pulumi.runtime.setAllConfig(program.config.values, program.config.secretKeys);
    aliasModules(options.aliases ?? {});
    const constructed: Constructed[] = [];
    await pulumi.runtime.runInPulumiStack(async () => {
        // Every resource the program constructs, to find those whose registration failed.
        pulumi.runtime.registerStackTransformation((args) => {
            constructed.push({ type: args.type, name: args.name, props: args.props as Record<string, unknown> });
            return undefined;
        });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const exported = require(program.entry) as unknown;
        const main = exported && typeof exported === "object" && "default" in exported ? (exported as { default: unknown }).default : exported;
        return typeof main === "function" ? await (main as () => unknown)() : exported;
    });
    await waitForRegistrations();
    const registered = new Set([...recorded.values()].map((r) => `${r.type}::${r.name}`));
    const failed = constructed.filter((c) => !registered.has(`${c.type}::${c.name}`));
    if (failed.length > 0) {
        const reasons = await Promise.all(failed.map(async (c) => `  ${c.type} ${c.name}: ${await failureOf(c)}`));
        throw new ProgramError(`${failed.length} resource${failed.length === 1 ? "" : "s"} could not be registered:\n${reasons.join("\n")}`);
    }
    if (recording.duplicateUrns.length > 0) {
        throw new ProgramError(`the program registers the same URN more than once (pulumi up would refuse it): give these resources different names:\n${[...new Set(recording.duplicateUrns)].map((u) => `  ${u}`).join("\n")}`);
    }
    // URNs are unique: they key the recording.
    const resources = [...recorded.values()].sort((a, b) => (a.urn < b.urn ? -1 : 1));
    // The stack's outputs as the engine received them, secrets still marked (and so redacted).
    const stack = resources.find((r) => r.type === "pulumi:pulumi:Stack");
    return { project: program.project, stack: program.stack, resources, outputs: stack?.outputs ?? {}, destroyOrder: destroyOrder(resources) };
}
