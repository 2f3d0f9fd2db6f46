import * as pulumi from "@pulumi/pulumi";

/**
 * Input validation shared by the components. Every check runs synchronously in a
 * component's constructor, before any child is registered, and every message names the
 * argument, the value it got and how to fix it.
 *
 * Arguments are typed `pulumi.Input<T>` so the components can be served to other Pulumi
 * languages; a value that is still an `Output` when the component is constructed cannot be
 * read synchronously and is checked by the cloud API instead. Configuration values and
 * literals (the normal case) are always plain and always checked here.
 */

/** True when `value` is a plain value that can be validated now (not an Output or a Promise). */
export function isKnown<T>(value: pulumi.Input<T> | undefined): value is T {
    return value !== undefined && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** Renders a value for an error message: strings quoted, everything else as JSON. */
export function show(value: unknown): string {
    return typeof value === "string" ? `"${value}"` : JSON.stringify(value);
}

/**
 * The first invalid argument found, as a message. Components call `collect` with every
 * check so that a user sees all of their mistakes in one run, not one per `pulumi up`.
 */
export type Check = () => string | string[] | undefined;

/** Runs the checks and returns every message, in order. */
export function collect(checks: Check[]): string[] {
    return checks.flatMap((check) => check() ?? []);
}

/** Throws one ResourceError that lists every problem (one per line) when there is any. */
export function throwIfInvalid(component: string, problems: string[], resource: pulumi.Resource): void {
    if (problems.length === 0) {
        return;
    }
    const body = problems.length === 1 ? problems[0] : problems.map((p) => `  - ${p}`).join("\n");
    const lead = problems.length === 1 ? `${component}: ` : `${component}: ${problems.length} invalid arguments:\n`;
    throw new pulumi.ResourceError(lead + body, resource);
}

/** A whole number from `min` to `max` (when known); `why` follows the range in the message. */
export function checkWholeNumber(argument: string, value: pulumi.Input<number> | undefined, min: number, max: number, why: string): string | undefined {
    if (isKnown(value) && (!Number.isInteger(value) || value < min || value > max)) {
        return `${argument} ${show(value)} is out of range: use a whole number from ${min} to ${max}${why}.`;
    }
    return undefined;
}

/** Compares dotted versions ("2.54.0"): negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareVersions(a: string, b: string): number {
    const [x, y] = [a, b].map((v) => v.split(".").map((n) => parseInt(n, 10) || 0));
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
        if ((x[i] ?? 0) !== (y[i] ?? 0)) {
            return (x[i] ?? 0) - (y[i] ?? 0);
        }
    }
    return 0;
}

/** Parses an IPv4 CIDR block; returns undefined when it is not one. */
export function parseIpv4Cidr(value: string): { address: number; prefix: number } | undefined {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
    if (!match) {
        return undefined;
    }
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some((o, i) => o > 255 || (match[i + 1].length > 1 && match[i + 1].startsWith("0"))) || prefix > 32) {
        return undefined;
    }
    const address = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
    return { address, prefix };
}

/**
 * Checks a list of IPv4 CIDR blocks that admit traffic: each must parse, and none may be open to
 * everyone (a /0). `whose` names what the list admits, for the message.
 */
export function checkAllowlist(argument: string, cidrs: string[], whose: string): string[] {
    return cidrs.flatMap((c) => {
        const cidr = parseIpv4Cidr(c);
        if (!cidr) {
            return [`${argument} ${show(c)} is not an IPv4 CIDR block: write it as address/prefix, such as "10.0.0.0/16".`];
        }
        return cidr.prefix === 0 ? [`${argument} ${show(c)} allows everyone: list only the networks of ${whose}.`] : [];
    });
}

/** True when the CIDR's address has no bits set past its prefix (10.0.0.0/16, not 10.0.0.1/16). */
export function isNetworkAddress(cidr: { address: number; prefix: number }): boolean {
    const hostBits = 32 - cidr.prefix;
    // At /0, 2^32 - 1: every bit (the bitwise AND reads it as -1, all 32 bits set).
    const hostMask = (2 ** hostBits) - 1;
    return (cidr.address & hostMask) === 0;
}

/** The canonical network address of a CIDR, for a "did you mean" hint. */
export function networkOf(cidr: { address: number; prefix: number }): string {
    const hostBits = 32 - cidr.prefix;
    // BigInt: shifting a 32-bit address by 32 gives 0 (a number shift by 32 would not).
    const network = Number((BigInt(cidr.address) >> BigInt(hostBits)) << BigInt(hostBits));
    return `${[24, 16, 8, 0].map((s) => (network >>> s) & 255).join(".")}/${cidr.prefix}`;
}

/**
 * A resource-name check shared by the components: lower-case letters, digits and hyphens,
 * starting with a letter, ending with a letter or digit, at most `max` characters. Such a
 * name is valid in every AWS and Kubernetes place the components derive names from it.
 */
export function checkName(argument: string, value: string, max: number, why: string): string | undefined {
    if (value.length === 0) {
        return `${argument} must not be empty: give a name of 1 to ${max} lower-case letters, digits and hyphens, such as "llm-dev".`;
    }
    if (value.length > max) {
        return `${argument} ${show(value)} is ${value.length} characters long; the limit is ${max} ${why}. Use a shorter name.`;
    }
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
        return `${argument} ${show(value)} is not a valid name: use lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit, such as "llm-dev".`;
    }
    return undefined;
}

/**
 * The check that an in-cluster component was given an explicit Kubernetes provider (directly
 * or through its parent): without one it would deploy to whatever cluster the ambient
 * kubeconfig points at.
 */
export function checkKubernetesProvider(component: string, resource: pulumi.Resource): string | undefined {
    if (resource.getProvider("kubernetes::") !== undefined) {
        return undefined;
    }
    return `provider is missing: pass { provider } (a k8s.Provider built from LlmCluster's kubeconfig) in the resource options of ${component}, so it never deploys to the cluster your ambient kubeconfig points at.`;
}

/** Kubernetes durations as Karpenter writes them ("30s", "10m", "1h30m"), optionally "Never". */
export function checkDuration(argument: string, value: string, allowNever: boolean): string | undefined {
    const ok = allowNever ? /^(([0-9]+(s|m|h))+|Never)$/ : /^([0-9]+(s|m|h))+$/;
    if (ok.test(value)) {
        return undefined;
    }
    return `${argument} ${show(value)} is not a duration: write hours, minutes and seconds such as "10m", "1h30m" or "720h"${allowNever ? ', or "Never"' : ""} (no days, no spaces).`;
}
