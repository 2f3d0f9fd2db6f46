/**
 * CIDR arithmetic for the exposure policies: when does a set of source ranges reach the internet?
 *
 * The rule: a set of ranges is open when, taken together (overlaps counted once), it covers
 *
 * - more public IPv4 addresses than one /8 holds (2^24 = 16,777,216), or
 * - more public IPv6 addresses than one /8 of IPv6 holds (2^120).
 *
 * A /8 is the widest single range `LlmCluster` accepts for its public endpoint without an opt-in
 * (components/cluster/args.ts `MIN_PUBLIC_ENDPOINT_PREFIX`): anything wider covers "a large part
 * of the internet". Summing the union rather than looking at each range means 0.0.0.0/1 with
 * 128.0.0.0/1, or 256 /8s, are as open as 0.0.0.0/0; ::/0 and 2000::/3 are open too.
 *
 * Public means not private or reserved: the IPv4 ranges in `NON_PUBLIC_IPV4` (RFC 1918, shared
 * address space, loopback, link-local, "this network", multicast and the reserved 240/4) and
 * every IPv6 address outside global unicast 2000::/3 (RFC 4291: unique local fc00::/7, link-local,
 * multicast and the unassigned space). So an allowlist of the RFC 1918 ranges, however wide, is
 * never open: it reaches only networks you route to yourself.
 *
 * A string that is not a CIDR (nor a bare address, taken as one host) is ignored: the API that
 * owns the field rejects it.
 */

/** Ranges wider than this prefix cover "a large part of the internet" (LlmCluster's `MIN_PUBLIC_ENDPOINT_PREFIX`). */
export const OPEN_PREFIX = 8;

/** An address range: its family and first and last address. */
interface Range {
    family: 4 | 6;
    first: bigint;
    last: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

function ipv4Address(text: string): bigint | undefined {
    const parts = text.split(".");
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
        return undefined;
    }
    return parts.reduce((acc, p) => acc * 256n + BigInt(Number(p)), 0n);
}

function ipv6Address(text: string): bigint | undefined {
    let groups: string[];
    // An embedded IPv4 address (::ffff:10.0.0.1) stands for the last two groups.
    const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
    let head = text;
    if (v4) {
        const value = ipv4Address(v4[2]);
        if (value === undefined) {
            return undefined;
        }
        head = `${v4[1]}${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
    }
    // More than one "::" falls to the plain split below, whose empty groups fail the group check.
    const halves = head.split("::");
    const split = (s: string): string[] => (s === "" ? [] : s.split(":"));
    if (halves.length === 2) {
        const [left, right] = [split(halves[0]), split(halves[1])];
        if (left.length + right.length > 7) {
            return undefined;
        }
        groups = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
    } else {
        groups = split(head);
    }
    if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) {
        return undefined;
    }
    return groups.reduce((acc, g) => acc * 65536n + BigInt(parseInt(g, 16)), 0n);
}

/** A CIDR ("10.0.0.0/8", "2001:db8::/32") or a bare address (one host) as a range; undefined when it is neither. */
export function parseCidr(text: string): Range | undefined {
    const [address, prefixText, ...rest] = text.trim().split("/");
    if (rest.length > 0) {
        return undefined;
    }
    const family: 4 | 6 = address.includes(":") ? 6 : 4;
    const value = family === 4 ? ipv4Address(address) : ipv6Address(address);
    const bits = BITS[family];
    const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    // The prefix is NaN or a whole number of at most three digits: only the upper bound can fail.
    if (value === undefined || !(prefix <= bits)) {
        return undefined;
    }
    // The host bits past the prefix do not narrow the range (AWS and Kubernetes mask them).
    const size = 1n << BigInt(bits - prefix);
    const first = value - (value % size);
    return { family, first, last: first + size - 1n };
}

/** IPv4 ranges that are not the internet (IANA's special-purpose registry, the wide ones). */
export const NON_PUBLIC_IPV4 = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3",
] as const;
/** The only IPv6 range that is the internet: global unicast. */
export const PUBLIC_IPV6 = "2000::/3";

/** Ranges merged: sorted, overlapping ones joined (adjacent ones may stay apart: they count the same). */
function merge(ranges: Range[]): Range[] {
    const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
    const merged: Range[] = [];
    for (const r of sorted) {
        const last = merged[merged.length - 1];
        if (last !== undefined && r.first <= last.last) {
            last.last = r.last > last.last ? r.last : last.last;
        } else {
            merged.push({ ...r });
        }
    }
    return merged;
}

const EXCLUDED_IPV4 = merge(NON_PUBLIC_IPV4.map((c) => parseCidr(c)!));
const GLOBAL_UNICAST = parseCidr(PUBLIC_IPV6)!;

/** The public addresses of merged ranges of one family. */
function publicAddresses(merged: Range[], family: 4 | 6): bigint {
    let total = 0n;
    const overlap = (a: Range, b: Range): bigint => {
        const first = a.first > b.first ? a.first : b.first;
        const last = a.last < b.last ? a.last : b.last;
        return last >= first ? last - first + 1n : 0n;
    };
    for (const r of merged) {
        total += family === 4 ? r.last - r.first + 1n - EXCLUDED_IPV4.reduce((sum, e) => sum + overlap(r, e), 0n) : overlap(r, GLOBAL_UNICAST);
    }
    return total;
}

/** How many public addresses a family holds in all. */
const ALL_PUBLIC = {
    4: publicAddresses([parseCidr("0.0.0.0/0")!], 4),
    6: publicAddresses([parseCidr("::/0")!], 6),
} as const;

/** The most public addresses a set of ranges may cover and not be open: one /8's worth. */
export const OPEN_THRESHOLD = { 4: 1n << BigInt(32 - OPEN_PREFIX), 6: 1n << BigInt(128 - OPEN_PREFIX) } as const;

function grouped(n: bigint): string {
    return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Where a set of source ranges reaches when it is open (see the rule above), as the policies'
 * messages say it: the ranges that carry public addresses, and how much of the internet they
 * cover together ("0.0.0.0/0"; "0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4
 * internet"; "12.0.0.0/7, which covers 33,554,432 public IPv4 addresses, more than a /8");
 * undefined when the set is not open.
 */
export function internetReach(cidrs: readonly string[]): string | undefined {
    const parsed = cidrs.map((text) => ({ text: text.trim(), range: parseCidr(text) }))
        .filter((c): c is { text: string; range: Range } => c.range !== undefined);
    const reaches: string[] = [];
    for (const family of [4, 6] as const) {
        const mine = parsed.filter((c) => c.range.family === family && publicAddresses([c.range], family) > 0n);
        const covered = publicAddresses(merge(mine.map((c) => c.range)), family);
        if (covered <= OPEN_THRESHOLD[family]) {
            continue;
        }
        const names = [...new Set(mine.map((c) => c.text))];
        const listed = names.length === 1 ? names[0]
            : names.length > 4 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more ranges`
                : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
        const whole = covered === ALL_PUBLIC[family];
        const literal = names.length === 1 && (names[0] === "0.0.0.0/0" || names[0] === "::/0");
        reaches.push(literal ? listed
            : whole ? `${listed}, which ${names.length === 1 ? "covers" : "together cover"} the whole IPv${family} internet`
                : `${listed}, which ${names.length === 1 ? "covers" : "together cover"} ${grouped(covered)} public IPv${family} addresses, more than a /${OPEN_PREFIX}`);
    }
    return reaches.length === 0 ? undefined : reaches.join(reaches.some((r) => r.includes(",")) ? "; and " : " and ");
}
