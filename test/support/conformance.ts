/**
 * Offline conformance checks for rendered Kubernetes custom resources.
 *
 * Validates objects against CustomResourceDefinitions: the upstream ones vendored
 * in test/data/upstream/crds (see its README.md), or any others given as documents
 * (the checker's own tests use small inline ones).
 *
 * What is checked, approximating what the API server does on create:
 *  - the `openAPIV3Schema` of the served version, with ajv. Unknown fields are
 *    errors (the API server would prune them silently, which for generated
 *    manifests is almost always a bug);
 *  - root `metadata` only as ObjectMeta: an object with a DNS-subdomain `name`
 *    (plus string-map `labels`/`annotations`);
 *  - every `x-kubernetes-validations` CEL rule, evaluated at the node where it is
 *    declared, after schema defaults have been applied (the API server defaults
 *    before it validates).
 *
 * Not checked: transition rules (those using `oldSelf` need the previous object),
 * `x-kubernetes-list-type`/`-list-map-keys` uniqueness, `x-kubernetes-map-type`,
 * and CEL cost limits.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { Environment } from "@marcbachmann/cel-js";
import * as YAML from "yaml";

/** Every non-empty YAML document in a file, as plain JS values. */
export function loadYamlDocs(file: string): any[] {
    const text = fs.readFileSync(file, "utf8");
    const out: any[] = [];
    for (const doc of YAML.parseAllDocuments(text)) {
        if (doc.errors.length > 0) {
            throw new Error(`${file}: ${doc.errors[0].message}`);
        }
        const value = doc.toJS({ maxAliasCount: -1 });
        if (value !== null && value !== undefined) {
            out.push(value);
        }
    }
    return out;
}

// ---------------------------------------------------------------------------
// Go RE2 patterns -> JS RegExp
// ---------------------------------------------------------------------------

const RE2_CACHE = new Map<string, RegExp>();

/**
 * Compile a Go RE2 pattern as a JS RegExp. Handles the differences that occur in
 * practice: leading inline flags (`(?i)`, `(?s)`, `(?m)`, possibly after `^`)
 * become RegExp flags, and `(?P<name>` becomes `(?<name>`. Tries unicode mode
 * first (RE2 is UTF-8 aware) and falls back to non-unicode mode, which accepts
 * RE2's escaped punctuation such as `\-`. Throws on anything else JS can't parse.
 */
export function re2ToRegExp(pattern: string, flags = ""): RegExp {
    const key = `${flags}\u0000${pattern}`;
    const cached = RE2_CACHE.get(key);
    if (cached) {
        return cached;
    }
    let src = pattern;
    let f = flags.replace("u", "");
    const lead = /^(\^?)\(\?([a-zA-Z]+)\)/.exec(src);
    if (lead) {
        for (const flag of lead[2]) {
            if (flag === "i" || flag === "s" || flag === "m") {
                if (!f.includes(flag)) {
                    f += flag;
                }
            } else {
                throw new SyntaxError(`unsupported RE2 flag (?${flag}) in pattern ${JSON.stringify(pattern)}`);
            }
        }
        src = lead[1] + src.slice(lead[0].length);
    }
    src = src.replace(/\(\?P</g, "(?<");
    let re: RegExp;
    try {
        re = new RegExp(src, f + "u");
    } catch {
        re = new RegExp(src, f);
    }
    RE2_CACHE.set(key, re);
    return re;
}

// ajv's `code.regExp` engine: RE2 semantics for `pattern`/`patternProperties`.
const re2Engine = Object.assign((pattern: string, u: string) => re2ToRegExp(pattern, u), { code: "re2ToRegExp" });

// ---------------------------------------------------------------------------
// Schema transformation
// ---------------------------------------------------------------------------

type Schema = Record<string, any>;

const SCHEMA_CHILD_LISTS = ["allOf", "anyOf", "oneOf"];

/**
 * Deep copy of a structural schema, prepared for ajv: objects that declare
 * `properties` (and neither `additionalProperties` nor
 * `x-kubernetes-preserve-unknown-fields: true`) get `additionalProperties: false`,
 * and descriptions / `x-kubernetes-*` extensions are dropped (ajv ignores them).
 */
function toAjvSchema(node: any): any {
    if (Array.isArray(node)) {
        return node.map(toAjvSchema);
    }
    if (node === null || typeof node !== "object") {
        return node;
    }
    const out: Schema = {};
    for (const [k, v] of Object.entries(node)) {
        if (k === "description" || k.startsWith("x-kubernetes-")) {
            continue;
        }
        if (k === "properties" && v && typeof v === "object") {
            const props: Schema = {};
            for (const [name, sub] of Object.entries(v as Schema)) {
                props[name] = toAjvSchema(sub);
            }
            out[k] = props;
        } else if (k === "items" || k === "additionalProperties" || k === "not" || SCHEMA_CHILD_LISTS.includes(k)) {
            out[k] = toAjvSchema(v);
        } else {
            // Keyword values (enum, default, required, ...) are data: keep them as they are.
            out[k] = v;
        }
    }
    if (
        node.properties &&
        typeof node.properties === "object" &&
        !("additionalProperties" in node) &&
        node["x-kubernetes-preserve-unknown-fields"] !== true
    ) {
        out.additionalProperties = false;
    }
    return out;
}

function rootAjvSchema(openAPIV3Schema: Schema): Schema {
    const schema = toAjvSchema(openAPIV3Schema);
    if (schema.properties && schema.properties.metadata) {
        // Root metadata is ObjectMeta; the CRD only says `type: object`. The few
        // ObjectMeta checks we make are done by hand in `checkMetadata`.
        schema.properties.metadata = { type: "object" };
    }
    return schema;
}

// ---------------------------------------------------------------------------
// CEL
// ---------------------------------------------------------------------------

interface CelRule {
    rule: string;
    message?: string;
    messageExpression?: string;
}

interface CompiledRule {
    evaluate?: (ctx: Record<string, unknown>) => unknown;
    /** Set when the rule cannot be evaluated by this checker. */
    unsupported?: string;
}

/**
 * CEL environment with the Kubernetes extension functions these CRDs use that
 * cel-js does not ship. cel-js already provides the standard macros (`has`,
 * `all`, `exists`, `exists_one`, `map`, `filter`) and the strings functions
 * `startsWith`, `endsWith`, `contains`, `matches`, `split`, `lowerAscii`,
 * `upperAscii`, `trim`, `indexOf`, `lastIndexOf`, `substring`, `join`, `size`.
 */
function makeCelEnvironment(): Environment {
    const findAll = (s: string, pattern: string, limit: bigint): string[] => {
        const base = re2ToRegExp(pattern);
        const re = new RegExp(base.source, base.flags.includes("g") ? base.flags : base.flags + "g");
        const out: string[] = [];
        let m: RegExpExecArray | null;
        while ((limit < 0n || BigInt(out.length) < limit) && (m = re.exec(s)) !== null) {
            out.push(m[0]);
            if (m[0] === "") {
                re.lastIndex++;
            }
        }
        return out;
    };
    return (
        new Environment({ homogeneousAggregateLiterals: false })
            .registerVariable("self", "dyn")
            // Kubernetes regex library (k8s.io/apiserver/pkg/cel/library/regex.go).
            .registerFunction("string.find(string): string", (s: string, pattern: string) => {
                const m = re2ToRegExp(pattern).exec(s);
                return m ? m[0] : "";
            })
            .registerFunction("string.findAll(string): list<string>", (s: string, pattern: string) =>
                findAll(s, pattern, -1n),
            )
            .registerFunction("string.findAll(string, int): list<string>", (s: string, pattern: string, n: bigint) =>
                findAll(s, pattern, n),
            )
    );
}

/** Names of every function/macro call in a parsed CEL AST. */
function celCallNames(root: unknown): Set<string> {
    const names = new Set<string>();
    const seen = new Set<unknown>();
    const visit = (node: unknown): void => {
        if (node === null || typeof node !== "object" || seen.has(node)) {
            return;
        }
        seen.add(node);
        if (Array.isArray(node)) {
            node.forEach(visit);
            return;
        }
        const n = node as { op?: unknown; args?: unknown };
        if ((n.op === "call" || n.op === "rcall") && Array.isArray(n.args) && typeof n.args[0] === "string") {
            names.add(n.args[0]);
        }
        if (n.args !== undefined) {
            visit(n.args);
        }
    };
    visit(root);
    return names;
}

/**
 * Plain JSON value -> CEL value. Integers become BigInt (CEL `int`) unless the
 * schema says `type: number` (CEL `double`).
 */
function toCelValue(value: unknown, schema: Schema | undefined): unknown {
    if (typeof value === "number") {
        return Number.isInteger(value) && schema?.type !== "number" ? BigInt(value) : value;
    }
    if (Array.isArray(value)) {
        const items = schema && typeof schema.items === "object" ? schema.items : undefined;
        return value.map((v) => toCelValue(v, items));
    }
    if (value !== null && typeof value === "object") {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            out[k] = toCelValue(v, childSchema(schema, k));
        }
        return out;
    }
    return value;
}

function childSchema(schema: Schema | undefined, key: string): Schema | undefined {
    if (!schema) {
        return undefined;
    }
    const prop = schema.properties?.[key];
    if (prop) {
        return prop;
    }
    return schema.additionalProperties && typeof schema.additionalProperties === "object"
        ? schema.additionalProperties
        : undefined;
}

/** JSON-pointer segment, as in ajv's instancePath. */
function ptr(segment: string | number): string {
    return "/" + String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

function firstLine(s: string): string {
    return s.split("\n")[0];
}

// ---------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkMetadata(obj: any, label: string): string[] {
    const md = obj?.metadata;
    if (md === undefined) {
        return [`${label}: /: must have required property 'metadata'`];
    }
    if (md === null || typeof md !== "object" || Array.isArray(md)) {
        return [`${label}: /metadata: must be object`];
    }
    const errors: string[] = [];
    if (md.name === undefined) {
        errors.push(`${label}: /metadata: must have required property 'name'`);
    } else if (typeof md.name !== "string") {
        errors.push(`${label}: /metadata/name: must be string`);
    } else if (md.name.length > 253 || !DNS_SUBDOMAIN.test(md.name)) {
        errors.push(
            `${label}: /metadata/name: must be a lowercase RFC 1123 subdomain of at most 253 characters, got ${JSON.stringify(md.name)}`,
        );
    }
    for (const field of ["labels", "annotations"]) {
        const m = md[field];
        if (m === undefined) {
            continue;
        }
        if (m === null || typeof m !== "object" || Array.isArray(m)) {
            errors.push(`${label}: /metadata/${field}: must be object`);
            continue;
        }
        for (const [k, v] of Object.entries(m)) {
            if (typeof v !== "string") {
                errors.push(`${label}: /metadata/${field}${ptr(k)}: must be string`);
            }
        }
    }
    return errors;
}

// ---------------------------------------------------------------------------
// CrdConformance
// ---------------------------------------------------------------------------

interface KindEntry {
    /** "group/version/Kind" */
    id: string;
    kind: string;
    file: string;
    schema: Schema;
    validator?: ValidateFunction;
}

function formatAjvError(label: string, e: ErrorObject): string {
    const where = e.instancePath || "/";
    if (e.keyword === "additionalProperties") {
        return `${label}: ${where}: unknown field ${JSON.stringify((e.params as any).additionalProperty)}`;
    }
    if (e.keyword === "enum") {
        return `${label}: ${where}: ${e.message}: ${JSON.stringify((e.params as any).allowedValues)}`;
    }
    return `${label}: ${where}: ${e.message}`;
}

export class CrdConformance {
    private static readonly loaded = new Map<string, CrdConformance>();

    private readonly entries = new Map<string, KindEntry>();
    private ajv?: Ajv;
    private cel?: Environment;
    private celFunctionNames?: Set<string>;
    private readonly rules = new Map<string, CompiledRule>();
    private readonly hasRulesMemo = new WeakMap<object, boolean>();

    /** `source`: where the CRDs come from (a folder), as messages name it. */
    private constructor(private readonly source: string) {}

    /**
     * Read every CRD (`*.yaml`/`*.yml`) in `crdDir` and index each served version.
     * Parsing the ~1.3 MB of YAML takes about half a second, so instances are memoized
     * per directory; schemas are compiled lazily, on first use of a kind.
     */
    static load(crdDir: string): CrdConformance {
        const dir = path.resolve(crdDir);
        const cached = CrdConformance.loaded.get(dir);
        if (cached) {
            return cached;
        }
        const files = fs
            .readdirSync(dir)
            .filter((f) => /\.ya?ml$/.test(f))
            .sort()
            .map((f) => path.join(dir, f));
        const self = CrdConformance.fromDocuments(dir, files.flatMap((file) => loadYamlDocs(file).map((doc) => ({ file, doc }))));
        CrdConformance.loaded.set(dir, self);
        return self;
    }

    /**
     * Index each served version of the CustomResourceDefinitions among `docs` (other
     * documents are ignored), each with the file it came from; `source` names them all.
     */
    static fromDocuments(source: string, docs: { file: string; doc: any }[]): CrdConformance {
        const self = new CrdConformance(source);
        for (const { file, doc } of docs) {
            if (doc?.kind !== "CustomResourceDefinition") {
                continue;
            }
            const group: string = doc.spec.group;
            const kind: string = doc.spec.names.kind;
            for (const v of doc.spec.versions ?? []) {
                const schema = v.schema?.openAPIV3Schema;
                if (!v.served || !schema) {
                    continue;
                }
                const id = `${group}/${v.name}/${kind}`;
                if (self.entries.has(id)) {
                    throw new Error(`${file}: ${id} is also defined in ${self.entries.get(id)!.file}`);
                }
                self.entries.set(id, { id, kind, file, schema });
            }
        }
        if (self.entries.size === 0) {
            throw new Error(`no CustomResourceDefinitions found in ${source}`);
        }
        return self;
    }

    /** "group/version/Kind" for every served version, sorted. */
    kinds(): string[] {
        return [...this.entries.keys()].sort();
    }

    /** Whether a CRD defines this object's apiVersion and kind. */
    covers(obj: any): boolean {
        return this.entryFor(obj) !== undefined;
    }

    /**
     * Human-readable errors (`<Kind>/<name>: <path>: <message>`); [] if valid.
     * The object is not modified.
     */
    validate(obj: any): string[] {
        const label = `${obj?.kind ?? "<no kind>"}/${obj?.metadata?.name ?? "<no name>"}`;
        const entry = this.entryFor(obj);
        if (!entry) {
            return [`${label}: no CRD in ${this.source} for apiVersion ${JSON.stringify(obj?.apiVersion)} kind ${JSON.stringify(obj?.kind)}`];
        }
        // JSON round trip: what is sent to the API server (drops undefined), and a
        // private copy for ajv to apply schema defaults to.
        const data = JSON.parse(JSON.stringify(obj));
        const errors = checkMetadata(data, label);
        const validator = this.validatorFor(entry);
        if (!validator(data)) {
            for (const e of validator.errors ?? []) {
                errors.push(formatAjvError(label, e));
            }
        }
        this.walkCel(entry.schema, toCelValue(data, entry.schema), "", label, errors, true);
        return errors;
    }

    /** Compile (once) and return the ajv validator of a kind, e.g. to time it. */
    compile(id: string): ValidateFunction {
        const entry = this.entries.get(id);
        if (!entry) {
            throw new Error(`unknown kind ${id}; known: ${this.kinds().join(", ")}`);
        }
        return this.validatorFor(entry);
    }

    /**
     * Every CEL rule in the loaded CRDs that this checker cannot evaluate
     * (`<group/version/Kind> <path>: <reason>: <rule>`); transition rules using
     * `oldSelf` are skipped and not listed. Expected to be [] for the shipped CRDs.
     */
    unsupportedRules(): string[] {
        const out: string[] = [];
        const visit = (id: string, schema: Schema, where: string): void => {
            for (const rule of (schema["x-kubernetes-validations"] ?? []) as CelRule[]) {
                if (/\boldSelf\b/.test(rule.rule)) {
                    continue;
                }
                const compiled = this.compileRule(rule.rule);
                if (compiled.unsupported) {
                    out.push(`${id} ${where || "/"}: ${compiled.unsupported}: ${rule.rule}`);
                }
            }
            for (const [k, sub] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
                visit(id, sub, where + ptr(k));
            }
            if (schema.items && typeof schema.items === "object") {
                visit(id, schema.items, where + "/*");
            }
            if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
                visit(id, schema.additionalProperties, where + "/*");
            }
        };
        for (const entry of this.entries.values()) {
            if (this.hasRules(entry.schema)) {
                visit(entry.id, entry.schema, "");
            }
        }
        return out;
    }

    private entryFor(obj: any): KindEntry | undefined {
        if (!obj || typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
            return undefined;
        }
        return this.entries.get(`${obj.apiVersion}/${obj.kind}`);
    }

    private validatorFor(entry: KindEntry): ValidateFunction {
        if (!entry.validator) {
            if (!this.ajv) {
                this.ajv = new Ajv({
                    strict: false,
                    allErrors: true,
                    // Defaults are applied to the private copy so that CEL rules see
                    // the object as the API server would (it defaults, then validates).
                    useDefaults: true,
                    // Go RE2 patterns (e.g. PrometheusRule's `^(?i)(abort|warn)?$`).
                    // optimize: false halves compile time of the ~1 MB KubeRay
                    // schemas (about 0.5 s instead of 1 s) at no noticeable cost.
                    code: { regExp: re2Engine, optimize: false },
                });
                addFormats(this.ajv);
                this.ajv.addFormat("int32", {
                    type: "number",
                    validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647,
                });
                this.ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
                this.ajv.addFormat("float", { type: "number", validate: () => true });
                this.ajv.addFormat("double", { type: "number", validate: () => true });
            }
            try {
                entry.validator = this.ajv.compile(rootAjvSchema(entry.schema));
            } catch (e) {
                throw new Error(`${entry.file}: cannot compile the ${entry.id} schema: ${(e as Error).message}`);
            }
        }
        return entry.validator;
    }

    private hasRules(schema: Schema): boolean {
        const memo = this.hasRulesMemo.get(schema);
        if (memo !== undefined) {
            return memo;
        }
        let result = Array.isArray(schema["x-kubernetes-validations"]) && schema["x-kubernetes-validations"].length > 0;
        if (!result && schema.properties) {
            result = Object.values(schema.properties).some((s) => this.hasRules(s as Schema));
        }
        if (!result && schema.items && typeof schema.items === "object") {
            result = this.hasRules(schema.items);
        }
        if (!result && schema.additionalProperties && typeof schema.additionalProperties === "object") {
            result = this.hasRules(schema.additionalProperties);
        }
        this.hasRulesMemo.set(schema, result);
        return result;
    }

    /** Walk schema and value together; evaluate rules where they are declared. */
    private walkCel(schema: Schema, value: unknown, where: string, label: string, errors: string[], root = false): void {
        if (value === undefined || value === null || !this.hasRules(schema)) {
            return;
        }
        for (const rule of (schema["x-kubernetes-validations"] ?? []) as CelRule[]) {
            this.evaluateRule(rule, value, where || "/", label, errors);
        }
        if (Array.isArray(value)) {
            if (schema.items && typeof schema.items === "object") {
                value.forEach((v, i) => this.walkCel(schema.items, v, where + ptr(i), label, errors));
            }
            return;
        }
        if (typeof value === "object") {
            for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
                if (root && k === "metadata") {
                    continue; // ObjectMeta, checked separately
                }
                const sub = childSchema(schema, k);
                if (sub) {
                    this.walkCel(sub, v, where + ptr(k), label, errors);
                }
            }
        }
    }

    private evaluateRule(rule: CelRule, self: unknown, where: string, label: string, errors: string[]): void {
        // Transition rules compare with the previous object (`oldSelf`), which a
        // create-time check does not have: skip them, as the API server does on create.
        if (/\boldSelf\b/.test(rule.rule)) {
            return;
        }
        const compiled = this.compileRule(rule.rule);
        if (compiled.unsupported) {
            errors.push(`${label}: ${where}: unsupported CEL: ${compiled.unsupported} in rule ${JSON.stringify(rule.rule)}`);
            return;
        }
        let result: unknown;
        try {
            result = compiled.evaluate!({ self });
        } catch (e) {
            const err = e as { code?: string; message?: string };
            const msg = firstLine(String(err.message ?? e));
            const fn = /no matching overload for '(?:[\w<>, ]+\.)?(\w+)\(/.exec(msg)?.[1];
            if (err.code === "no_matching_overload" && fn && !this.celFunctionNames!.has(fn)) {
                errors.push(`${label}: ${where}: unsupported CEL: ${msg} in rule ${JSON.stringify(rule.rule)}`);
            } else {
                errors.push(`${label}: ${where}: CEL rule ${JSON.stringify(rule.rule)} failed to evaluate: ${msg}`);
            }
            return;
        }
        if (result === true) {
            return;
        }
        if (result === false) {
            // messageExpression is not evaluated (none of the shipped CRDs use it).
            errors.push(`${label}: ${where}: ${rule.message ?? rule.rule}`);
            return;
        }
        errors.push(`${label}: ${where}: CEL rule ${JSON.stringify(rule.rule)} returned ${String(result)}, not a bool`);
    }

    private compileRule(rule: string): CompiledRule {
        const cached = this.rules.get(rule);
        if (cached) {
            return cached;
        }
        if (!this.cel) {
            this.cel = makeCelEnvironment();
            const defs = this.cel.getDefinitions();
            this.celFunctionNames = new Set(defs.functions.map((f) => f.name));
        }
        let compiled: CompiledRule;
        try {
            const parsed = this.cel.parse(rule);
            const missing = [...celCallNames(parsed.ast)].filter((n) => !this.celFunctionNames!.has(n));
            compiled =
                missing.length > 0
                    ? { unsupported: `function ${missing.map((n) => JSON.stringify(n)).join(", ")} not available` }
                    : { evaluate: parsed };
        } catch (e) {
            compiled = { unsupported: `cannot parse (${firstLine((e as Error).message)})` };
        }
        this.rules.set(rule, compiled);
        return compiled;
    }
}
