/**
 * Placeholders in a stack's config: values the repository's example stacks ship with so the
 * offline plan runs on a clone, which must never reach a real deployment. The offline plan and
 * `pulumi preview` warn about each; `pulumi up` refuses them (programs/index.ts).
 */
import * as pulumi from "@pulumi/pulumi";
// The mock engine's monitor (sdk/nodejs/runtime/mocks.ts `MockMonitor`): under it (the offline
// plan, unit tests) nothing can be deployed, so placeholders are only warned about.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: new (...args: never[]) => unknown };

import { parseIpv4Cidr } from "../components/common/validation";

/** IPv4 blocks reserved for documentation (RFC 5737 TEST-NET-1, -2 and -3). */
export const DOCUMENTATION_RANGES: readonly string[] = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];

/** The account ids AWS's documentation uses in its examples. */
export const EXAMPLE_ACCOUNTS: readonly string[] = ["123456789012", "111122223333", "444455556666", "777788889999"];

/** The documentation range an IPv4 address or CIDR block lies inside, if it does. */
function documentationRangeOf(value: string): string | undefined {
    const cidr = parseIpv4Cidr(value.includes("/") ? value : `${value}/32`);
    return cidr === undefined ? undefined : DOCUMENTATION_RANGES.find((range) => {
        const r = parseIpv4Cidr(range) as { address: number; prefix: number };
        return cidr.prefix >= r.prefix && cidr.address >>> (32 - r.prefix) === r.address >>> (32 - r.prefix);
    });
}

/** Host names reserved for examples (RFC 2606): example.com, .net, .org and their subdomains, and the .example top-level domain. */
const EXAMPLE_HOST = /^(?:[a-z0-9-]+\.)*(?:example\.(?:com|net|org)|[a-z0-9-]+\.example)$/i;

/** Every string inside a config value (JSON objects and lists are searched). */
function stringsIn(value: string): string[] {
    let parsed: unknown = value;
    try {
        parsed = JSON.parse(value);
    } catch {
        // a plain string
    }
    const out: string[] = [];
    const walk = (v: unknown): void => {
        if (typeof v === "string" || typeof v === "number") {
            // A number too: YAML reads an unquoted account id as one.
            out.push(String(v));
        } else if (Array.isArray(v)) {
            v.forEach(walk);
        } else if (v !== null && typeof v === "object") {
            Object.values(v).forEach(walk);
        }
    };
    walk(parsed);
    return out;
}

/**
 * The placeholders in a stack's config (namespaced keys, string values as Pulumi gives them), one
 * message each, in key order. `region` is the stack's `aws:region`: a certificate in another
 * region cannot serve the stack's load balancer.
 */
export function placeholdersIn(config: Record<string, string>, region: string | undefined): string[] {
    const found: string[] = [];
    for (const key of Object.keys(config).sort()) {
        for (const s of stringsIn(config[key])) {
            const range = documentationRangeOf(s);
            if (range !== undefined) {
                found.push(`${key}: ${s} is in ${range}, an address range reserved for documentation (RFC 5737): put your own range.`);
            }
            const account = /(?:^|:)(\d{12})(?::|$)/.exec(s)?.[1];
            if (account !== undefined && EXAMPLE_ACCOUNTS.includes(account)) {
                found.push(`${key}: ${s} names ${account}, an account of AWS's documentation examples: put your own account's.`);
            }
            const host = s.split(/[^A-Za-z0-9.-]+/).find((token) => EXAMPLE_HOST.test(token));
            if (host !== undefined) {
                found.push(`${key}: ${s} names ${host}, a domain reserved for examples (RFC 2606): put your own host.`);
            }
            const certRegion = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):/.exec(s)?.[1];
            if (certRegion !== undefined && region !== undefined && certRegion !== region) {
                found.push(`${key}: ${s} is a certificate in ${certRegion}, but the stack is in ${region} (aws:region), where its load balancer needs it: request or import one in ${region}.`);
            }
        }
    }
    return found;
}

/** True in a real update (`pulumi up`): neither a preview nor a run under the mock engine. */
export function isRealUpdate(): boolean {
    return !pulumi.runtime.isDryRun() && !(pulumi.runtime.getMonitor() instanceof MockMonitor);
}

/**
 * Warns about each placeholder in the stack's config during a preview or under the mock engine (the
 * offline plan), and refuses them in a real update, before anything is created.
 */
export function guardPlaceholders(config: Record<string, string>, realUpdate: boolean = isRealUpdate()): void {
    const found = placeholdersIn(config, config["aws:region"]);
    if (found.length > 0 && realUpdate) {
        throw new pulumi.RunError(`the stack's config still holds placeholders, which must not reach a real deployment:\n${found.map((f) => `  ${f}`).join("\n")}`);
    }
    found.forEach((f) => pulumi.log.warn(`placeholder in the stack's config: ${f}`));
}
