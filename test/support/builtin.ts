/**
 * Strict validation of built-in Kubernetes objects (Namespace, ConfigMap, Secret, Service,
 * Ingress, NetworkPolicy, StorageClass, ...) as the API server of Kubernetes 1.35 would take
 * them, offline: their OpenAPI v3 schemas (test/data/upstream/k8s-openapi/1.35), with unknown
 * fields as errors (what `kubectl apply --validate=strict` and server-side field validation
 * refuse), and the API server's handwritten rules for the kinds the components render, from
 * kubernetes v1.35's validation code: object names, label and annotation syntax, data keys, ports,
 * CIDRs, Ingress paths and the enums the documents leave out (they are generated without enums).
 */
import * as fs from "fs";
import * as path from "path";

type Schema = Record<string, unknown>;
type Json = unknown;

interface Document { components: { schemas: Record<string, Schema> } }

const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === "object" && !Array.isArray(v);

// k8s.io/apimachinery/pkg/util/validation/validation.go
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** `IsDNS1123Label`: at most 63 lower-case alphanumerics and '-', alphanumeric at both ends. */
export function isDns1123Label(v: string): boolean {
    return v.length <= 63 && DNS1123_LABEL.test(v);
}

/** `IsDNS1123Subdomain`: at most 253 characters of dot-separated DNS-1123 labels. */
export function isDns1123Subdomain(v: string): boolean {
    return v.length <= 253 && DNS1123_SUBDOMAIN.test(v);
}

/** `IsQualifiedName`: an optional DNS-1123 subdomain prefix and "/", then a name of at most 63 characters. */
export function isQualifiedName(v: string): boolean {
    const parts = v.split("/");
    if (parts.length > 2) {
        return false;
    }
    const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
    return (prefix === undefined || (prefix !== "" && isDns1123Subdomain(prefix))) && name.length <= 63 && QUALIFIED_NAME.test(name);
}

/** `IsValidPortName` (an IANA service name): at most 15 characters, a letter among them, no "--". */
export function isPortName(v: string): boolean {
    return v.length <= 15 && IANA_SVC_NAME.test(v) && /[a-z]/.test(v) && !v.includes("--");
}

/** An IPv4 or IPv6 CIDR as netip.ParsePrefix reads it (1.35's ipBlock validation: a canonical-enough prefix). */
export function parseCidr(v: string): { bits: number; address: bigint; length: number } | undefined {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(v);
    if (m === null) {
        return undefined;
    }
    const length = Number(m[2]);
    const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(m[1]);
    if (v4 !== null) {
        const octets = v4.slice(1).map(Number);
        if (octets.some((o, i) => o > 255 || (v4[i + 1].length > 1 && v4[i + 1].startsWith("0"))) || length > 32) {
            return undefined;
        }
        return { bits: 32, address: octets.reduce((a, o) => (a << 8n) + BigInt(o), 0n), length };
    }
    if (!m[1].includes(":") || length > 128) {
        return undefined;
    }
    const [head, tail, extra] = m[1].split("::");
    if (extra !== undefined) {
        return undefined;
    }
    const groups = (s: string | undefined): string[] => (s === undefined || s === "" ? [] : s.split(":"));
    const [h, t] = [groups(head), groups(tail)];
    const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
    if (all.length !== 8 || all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) {
        return undefined;
    }
    return { bits: 128, address: all.reduce((a, g) => (a << 16n) + BigInt(parseInt(g, 16)), 0n), length };
}

/** Whether CIDR `inner` lies within CIDR `outer` (same family, longer or equal prefix, same leading bits). */
export function cidrWithin(inner: string, outer: string): boolean {
    const [i, o] = [parseCidr(inner), parseCidr(outer)];
    if (i === undefined || o === undefined || i.bits !== o.bits || i.length < o.length) {
        return false;
    }
    const shift = BigInt(o.bits - o.length);
    return i.address >> shift === o.address >> shift;
}

/** API groups Kubernetes serves itself (its built-in kinds), as opposed to those of CRDs. */
export const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
    "", "apps", "batch", "policy", "autoscaling", "networking.k8s.io", "rbac.authorization.k8s.io", "storage.k8s.io",
    "scheduling.k8s.io", "coordination.k8s.io", "apiextensions.k8s.io", "admissionregistration.k8s.io",
]);

/** The API group of an apiVersion ("" for the core group's "v1"). */
export function groupOf(apiVersion: string): string {
    return apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
}

/** The schemas of a Kubernetes version's OpenAPI v3 documents, by their group, version and kind. */
export class BuiltinSchemas {
    private constructor(private readonly schemas: Map<string, Schema>, private readonly byKind: Map<string, string>) {}

    /** Loads every document under `dir` (api/v1.json, apis/<group>/<version>.json). */
    static load(dir: string): BuiltinSchemas {
        const files = [path.join(dir, "api", "v1.json"), ...fs.readdirSync(path.join(dir, "apis")).flatMap((g) =>
            fs.readdirSync(path.join(dir, "apis", g)).map((v) => path.join(dir, "apis", g, v)))];
        const schemas = new Map<string, Schema>();
        const byKind = new Map<string, string>();
        for (const file of files) {
            const doc = JSON.parse(fs.readFileSync(file, "utf8")) as Document;
            for (const [name, schema] of Object.entries(doc.components.schemas)) {
                schemas.set(name, schema);
                for (const gvk of (schema["x-kubernetes-group-version-kind"] as { group: string; version: string; kind: string }[] | undefined) ?? []) {
                    byKind.set(`${gvk.group === "" ? "" : `${gvk.group}/`}${gvk.version}/${gvk.kind}`, name);
                }
            }
        }
        return new BuiltinSchemas(schemas, byKind);
    }

    /** The kinds the documents define, as "apiVersion/Kind", sorted. */
    kinds(): string[] {
        return [...this.byKind.keys()].sort();
    }

    /** Whether the documents define `obj`'s kind. */
    covers(obj: { apiVersion: string; kind: string }): boolean {
        return this.byKind.has(`${obj.apiVersion}/${obj.kind}`);
    }

    /** Every problem the API server would find with `obj`: its schema (unknown fields included), then the handwritten rules. */
    validate(obj: Record<string, Json>): string[] {
        const name = this.byKind.get(`${String(obj.apiVersion)}/${String(obj.kind)}`);
        if (name === undefined) {
            return [`${String(obj.apiVersion)} ${String(obj.kind)}: no built-in schema`];
        }
        return [...this.check(obj, { $ref: `#/components/schemas/${name}` }, ""), ...handwritten(obj)];
    }

    /**
     * Every schema problem of `value` as the built-in type `schema` (a name of the documents'
     * components, such as "io.k8s.api.core.v1.PodTemplateSpec"): for the pod templates and the
     * Service a custom resource embeds, which the API server turns into those types.
     */
    validateAs(value: Json, schema: string, at: string): string[] {
        if (!this.schemas.has(schema)) {
            throw new Error(`no schema ${schema}`);
        }
        return this.check(value, { $ref: `#/components/schemas/${schema}` }, at);
    }

    private resolve(schema: Schema): Schema {
        let s = schema;
        while (true) {
            if (typeof s.$ref === "string") {
                const target = this.schemas.get(s.$ref.replace("#/components/schemas/", ""));
                if (target === undefined) {
                    throw new Error(`unresolved ${s.$ref}`);
                }
                s = { ...target, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== "$ref")) };
            } else if (Array.isArray(s.allOf) && s.allOf.length === 1) {
                const { allOf, ...rest } = s;
                s = { ...rest, ...(allOf[0] as Schema) };
            } else {
                return s;
            }
        }
    }

    private check(value: Json, raw: Schema, at: string): string[] {
        const schema = this.resolve(raw);
        const where = at === "" ? "(root)" : at;
        if (value === null || value === undefined) {
            return [];
        }
        if (Array.isArray(schema.oneOf)) {
            return (schema.oneOf as Schema[]).some((branch) => this.check(value, branch, at).length === 0)
                ? []
                : [`${where}: ${JSON.stringify(value)} is none of ${(schema.oneOf as Schema[]).map((b) => String(this.resolve(b).type)).join(", ")}`];
        }
        switch (schema.type) {
            case "string":
                if (typeof value !== "string") {
                    return [`${where}: ${JSON.stringify(value)} is not a string`];
                }
                return schema.format === "byte" && !/^[A-Za-z0-9+/]*={0,2}$/.test(value) ? [`${where}: not base64`] : [];
            case "integer":
                if (!Number.isInteger(value)) {
                    return [`${where}: ${JSON.stringify(value)} is not an integer`];
                }
                return schema.format === "int32" && Math.abs(value as number) > 2 ** 31 ? [`${where}: ${String(value)} is out of int32`] : [];
            case "number":
                return typeof value === "number" ? [] : [`${where}: ${JSON.stringify(value)} is not a number`];
            case "boolean":
                return typeof value === "boolean" ? [] : [`${where}: ${JSON.stringify(value)} is not a boolean`];
            case "array": {
                if (!Array.isArray(value)) {
                    return [`${where}: ${JSON.stringify(value)} is not a list`];
                }
                const items = value.flatMap((v, i) => this.check(v, schema.items as Schema, `${at}[${i}]`));
                return [...items, ...uniqueness(value, schema, where)];
            }
            case "object":
            default: {
                if (schema.type === undefined && schema.properties === undefined && schema.additionalProperties === undefined) {
                    return [];
                }
                if (!isObject(value)) {
                    return [`${where}: ${JSON.stringify(value)} is not an object`];
                }
                const properties = schema.properties as Record<string, Schema> | undefined;
                const additional = schema.additionalProperties as Schema | undefined;
                if (properties === undefined && additional === undefined) {
                    // An object of any fields (a RawExtension).
                    return [];
                }
                const problems = ((schema.required as string[] | undefined) ?? []).filter((k) => value[k] === undefined).map((k) => `${at === "" ? "" : `${at}.`}${k}: required`);
                for (const [k, v] of Object.entries(value)) {
                    const child = `${at === "" ? "" : `${at}.`}${k}`;
                    const sub = properties?.[k] ?? additional;
                    if (sub === undefined) {
                        problems.push(`${child}: unknown field`);
                    } else {
                        problems.push(...this.check(v, sub, child));
                    }
                }
                return problems;
            }
        }
    }
}

/** x-kubernetes-list-type "set" and "map": no two items alike, or with the same keys. */
function uniqueness(items: Json[], schema: Schema, where: string): string[] {
    const type = schema["x-kubernetes-list-type"];
    const keys = schema["x-kubernetes-list-map-keys"] as string[] | undefined;
    const identity = type === "set" ? (v: Json) => JSON.stringify(v) : type === "map" && keys !== undefined ? (v: Json) => JSON.stringify(keys.map((k) => (isObject(v) ? v[k] : undefined))) : undefined;
    if (identity === undefined) {
        return [];
    }
    const seen = new Set<string>();
    return items.flatMap((v) => {
        const id = identity(v);
        if (seen.has(id)) {
            return [`${where}: duplicate ${type === "set" ? "item" : `entry for ${keys!.join(", ")}`} ${id}`];
        }
        seen.add(id);
        return [];
    });
}

/** Kinds without a namespace (k8s.io/kubernetes pkg/apis: their REST strategies' NamespaceScoped() is false). */
const CLUSTER_SCOPED = new Set(["Namespace", "StorageClass", "ClusterRole", "ClusterRoleBinding", "PriorityClass", "PersistentVolume", "IngressClass"]);

/**
 * The name rule of each kind (pkg/apis/<group>/validation: ValidateNamespaceName and Service
 * names are DNS-1123 and DNS-1035 labels; the others DNS-1123 subdomains).
 */
function nameProblem(kind: string, name: string): string | undefined {
    if (kind === "Namespace") {
        return isDns1123Label(name) ? undefined : `metadata.name ${JSON.stringify(name)} is not a DNS-1123 label (at most 63 of a-z, 0-9 and "-", alphanumeric at both ends)`;
    }
    if (kind === "Service") {
        return name.length <= 63 && DNS1035_LABEL.test(name) ? undefined : `metadata.name ${JSON.stringify(name)} is not a DNS-1035 label (a letter first, then at most 62 of a-z, 0-9 and "-", alphanumeric at the end)`;
    }
    return isDns1123Subdomain(name) ? undefined : `metadata.name ${JSON.stringify(name)} is not a DNS-1123 subdomain (at most 253 of a-z, 0-9, "-" and ".")`;
}

function metadataProblems(obj: Record<string, Json>): string[] {
    const kind = String(obj.kind);
    const meta = isObject(obj.metadata) ? obj.metadata : {};
    const problems: string[] = [];
    if (typeof meta.name !== "string" || meta.name === "") {
        problems.push("metadata.name: required");
    } else {
        const p = nameProblem(kind, meta.name);
        if (p !== undefined) {
            problems.push(p);
        }
    }
    if (CLUSTER_SCOPED.has(kind) && meta.namespace !== undefined) {
        problems.push(`metadata.namespace: not allowed on ${kind}, a cluster-scoped kind`);
    } else if (typeof meta.namespace === "string" && !isDns1123Label(meta.namespace)) {
        problems.push(`metadata.namespace ${JSON.stringify(meta.namespace)} is not a DNS-1123 label`);
    }
    for (const [key, value] of Object.entries(isObject(meta.labels) ? meta.labels : {})) {
        if (!isQualifiedName(key)) {
            problems.push(`metadata.labels: key ${JSON.stringify(key)} is not a qualified name ([prefix/]name, the name at most 63 alphanumerics, "-", "_" and ".")`);
        }
        if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value)) {
            problems.push(`metadata.labels.${key}: value ${JSON.stringify(value)} is not a label value (at most 63 alphanumerics, "-", "_" and ".", alphanumeric at both ends)`);
        }
    }
    const annotations = isObject(meta.annotations) ? meta.annotations : {};
    for (const key of Object.keys(annotations)) {
        if (!isQualifiedName(key.toLowerCase())) {
            problems.push(`metadata.annotations: key ${JSON.stringify(key)} is not a qualified name`);
        }
    }
    const size = Object.entries(annotations).reduce((sum, [k, v]) => sum + k.length + String(v).length, 0);
    if (size > 256 * 1024) {
        problems.push(`metadata.annotations: ${size} bytes, more than the 262144 allowed`);
    }
    return problems;
}

function portProblems(at: string, port: Json, allowName: boolean): string[] {
    if (typeof port === "number") {
        return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [`${at}: ${port} is not a port number (1 to 65535)`];
    }
    if (typeof port === "string" && allowName) {
        return isPortName(port) ? [] : [`${at}: ${JSON.stringify(port)} is not a port name (an IANA service name: at most 15 of a-z, 0-9 and "-", with a letter)`];
    }
    return port === undefined ? [] : [`${at}: ${JSON.stringify(port)} is not a port number`];
}

const PROTOCOLS = ["TCP", "UDP", "SCTP"];

function kindProblems(obj: Record<string, Json>): string[] {
    const spec = isObject(obj.spec) ? obj.spec : {};
    const list = (v: Json): Json[] => (Array.isArray(v) ? v : []);
    const field = (v: Json, k: string): Json => (isObject(v) ? v[k] : undefined);
    switch (obj.kind) {
        case "ConfigMap":
        case "Secret": {
            const maps = obj.kind === "ConfigMap" ? ["data", "binaryData"] : ["data", "stringData"];
            const keys = maps.flatMap((m) => Object.keys(isObject(obj[m]) ? obj[m] : {}).map((k) => [m, k] as const));
            const problems = keys.filter(([, k]) => k.length > 253 || !CONFIG_MAP_KEY.test(k)).map(([m, k]) => `${m}: key ${JSON.stringify(k)} is not a valid key (at most 253 of alphanumerics, "-", "_" and ".")`);
            if (obj.kind === "ConfigMap") {
                const data = Object.keys(isObject(obj.data) ? obj.data : {});
                problems.push(...Object.keys(isObject(obj.binaryData) ? obj.binaryData : {}).filter((k) => data.includes(k)).map((k) => `binaryData: key ${JSON.stringify(k)} is in data too`));
            }
            return problems;
        }
        case "Service":
            return list(spec.ports).flatMap((p, i) => [
                ...portProblems(`spec.ports[${i}].port`, field(p, "port"), false),
                ...portProblems(`spec.ports[${i}].targetPort`, field(p, "targetPort"), true),
                ...(field(p, "protocol") !== undefined && !PROTOCOLS.includes(String(field(p, "protocol"))) ? [`spec.ports[${i}].protocol: ${JSON.stringify(field(p, "protocol"))} is not TCP, UDP or SCTP`] : []),
                ...(typeof field(p, "name") === "string" && !isDns1123Label(field(p, "name") as string) ? [`spec.ports[${i}].name: ${JSON.stringify(field(p, "name"))} is not a DNS-1123 label`] : []),
            ]);
        case "NetworkPolicy": {
            const problems = list(spec.policyTypes).filter((t) => t !== "Ingress" && t !== "Egress").map((t) => `spec.policyTypes: ${JSON.stringify(t)} is not Ingress or Egress`);
            for (const direction of ["ingress", "egress"] as const) {
                for (const [i, rule] of list(spec[direction]).entries()) {
                    for (const [j, p] of list(field(rule, "ports")).entries()) {
                        const at = `spec.${direction}[${i}].ports[${j}]`;
                        problems.push(...portProblems(`${at}.port`, field(p, "port"), true));
                        const [port, end] = [field(p, "port"), field(p, "endPort")];
                        if (end !== undefined && (typeof port !== "number" || typeof end !== "number" || end < port)) {
                            problems.push(`${at}.endPort: needs a numeric port no greater than it`);
                        }
                        if (field(p, "protocol") !== undefined && !PROTOCOLS.includes(String(field(p, "protocol")))) {
                            problems.push(`${at}.protocol: ${JSON.stringify(field(p, "protocol"))} is not TCP, UDP or SCTP`);
                        }
                    }
                    for (const [j, peer] of list(field(rule, direction === "ingress" ? "from" : "to")).entries()) {
                        const block = field(peer, "ipBlock");
                        if (block === undefined) {
                            continue;
                        }
                        const at = `spec.${direction}[${i}].${direction === "ingress" ? "from" : "to"}[${j}].ipBlock`;
                        const cidr = String(field(block, "cidr"));
                        if (parseCidr(cidr) === undefined) {
                            problems.push(`${at}.cidr: ${JSON.stringify(cidr)} is not a CIDR`);
                            continue;
                        }
                        for (const [k, e] of list(field(block, "except")).entries()) {
                            if (!cidrWithin(String(e), cidr) || String(e) === cidr) {
                                problems.push(`${at}.except[${k}]: ${JSON.stringify(e)} is not a CIDR strictly within ${cidr}`);
                            }
                        }
                    }
                }
            }
            return problems;
        }
        case "StorageClass":
            return [
                ...(obj.provisioner === "" ? [`provisioner: "" is empty: name the volume plugin, such as "ebs.csi.aws.com"`] : []),
                ...(obj.reclaimPolicy !== undefined && !["Delete", "Retain"].includes(String(obj.reclaimPolicy)) ? [`reclaimPolicy: ${JSON.stringify(obj.reclaimPolicy)} is not Delete or Retain`] : []),
                ...(obj.volumeBindingMode !== undefined && !["Immediate", "WaitForFirstConsumer"].includes(String(obj.volumeBindingMode))
                    ? [`volumeBindingMode: ${JSON.stringify(obj.volumeBindingMode)} is not Immediate or WaitForFirstConsumer`] : []),
            ];
        case "Ingress":
            return list(spec.rules).flatMap((rule, i) => list(field(field(rule, "http"), "paths")).flatMap((p, j) => {
                const at = `spec.rules[${i}].http.paths[${j}]`;
                const [type, route] = [field(p, "pathType"), field(p, "path")];
                return [
                    ...(!["Exact", "Prefix", "ImplementationSpecific"].includes(String(type)) ? [`${at}.pathType: ${JSON.stringify(type)} is not Exact, Prefix or ImplementationSpecific`] : []),
                    ...((type === "Exact" || type === "Prefix") && !(typeof route === "string" && route.startsWith("/")) ? [`${at}.path: ${JSON.stringify(route)} must be an absolute path for pathType ${String(type)}`] : []),
                    ...portProblems(`${at}.backend.service.port.number`, field(field(field(field(p, "backend"), "service"), "port"), "number"), false),
                ];
            }));
        default:
            return [];
    }
}

function handwritten(obj: Record<string, Json>): string[] {
    return [...metadataProblems(obj), ...kindProblems(obj)];
}
