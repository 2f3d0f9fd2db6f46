/**
 * The exposure policies' CIDR rule (policy/network.ts): a set of source ranges is open when,
 * together, it covers more public addresses than a /8 (IPv4 or IPv6), not only when it names
 * 0.0.0.0/0 or ::/0.
 */
import * as assert from "node:assert/strict";

import { internetReach, NON_PUBLIC_IPV4, OPEN_PREFIX, OPEN_THRESHOLD, parseCidr } from "../policy/network";
import { MIN_PUBLIC_ENDPOINT_PREFIX } from "../components/cluster/args";

describe("policy CIDR rule: when source ranges reach the internet", () => {
    it("draws the line where LlmCluster does: more than a /8", () => {
        assert.equal(OPEN_PREFIX, MIN_PUBLIC_ENDPOINT_PREFIX);
        assert.equal(OPEN_THRESHOLD[4], 16_777_216n);
        assert.equal(OPEN_THRESHOLD[6], 2n ** 120n);
        assert.deepEqual(NON_PUBLIC_IPV4, ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3"]);
    });

    it("parses IPv4 and IPv6 CIDRs and bare addresses, masking host bits; refuses what is neither", () => {
        assert.deepEqual(parseCidr("10.0.0.1/8"), { family: 4, first: 167772160n, last: 184549375n });
        assert.deepEqual(parseCidr(" 203.0.113.7 "), { family: 4, first: 3405803783n, last: 3405803783n });
        assert.deepEqual(parseCidr("::/0"), { family: 6, first: 0n, last: 2n ** 128n - 1n });
        assert.deepEqual(parseCidr("2001:db8::1/32"), { family: 6, first: 0x20010db8n << 96n, last: (0x20010db8n << 96n) + 2n ** 96n - 1n });
        assert.deepEqual(parseCidr("::ffff:10.0.0.0/104"), { family: 6, first: (0xffffn << 32n) + 167772160n, last: (0xffffn << 32n) + 184549375n });
        for (const bad of ["", "bogus", "10.0.0.0/33", "256.0.0.0/8", "10.0.0/8", "1::2:3:4:5:6:7:8", "1:::2/64", "::/129", "10.0.0.0/8/1", "10.0.0.0/x"]) {
            assert.equal(parseCidr(bad), undefined, bad);
        }
    });

    it("names the literal whole internet as it is written", () => {
        assert.equal(internetReach(["0.0.0.0/0"]), "0.0.0.0/0");
        assert.equal(internetReach(["::/0"]), "::/0");
        assert.equal(internetReach(["0.0.0.0/0", "::/0"]), "0.0.0.0/0 and ::/0");
        assert.equal(internetReach(["10.0.0.0/8", " 0.0.0.0/0 "]), "0.0.0.0/0");
    });

    it("counts a set of ranges that together cover the internet as open: halves, quarters, every /8", () => {
        assert.equal(internetReach(["0.0.0.0/1", "128.0.0.0/1"]), "0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4 internet");
        assert.equal(internetReach(["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2"]), "0.0.0.0/1, 128.0.0.0/2 and 192.0.0.0/2, which together cover the whole IPv4 internet");
        // Only the public /8s: 0/8, 10/8, 127/8 and 224/3 add nothing.
        const publicEights = Array.from({ length: 224 }, (_, i) => i).filter((i) => ![0, 10, 127].includes(i)).map((i) => `${i}.0.0.0/8`);
        assert.equal(internetReach(publicEights), "1.0.0.0/8, 2.0.0.0/8, 3.0.0.0/8 and 218 more ranges, which together cover the whole IPv4 internet");
        assert.equal(internetReach(["2000::/4", "3000::/4"]), "2000::/4 and 3000::/4, which together cover the whole IPv6 internet");
        assert.equal(internetReach(["2000::/3"]), "2000::/3, which covers the whole IPv6 internet");
        assert.equal(internetReach(["0.0.0.0/1", "128.0.0.0/1", "::/0"]), "0.0.0.0/1 and 128.0.0.0/1, which together cover the whole IPv4 internet; and ::/0");
    });

    it("counts more public addresses than a /8 as open, however they are split; a /8 or less is not", () => {
        assert.equal(internetReach(["12.0.0.0/7"]), "12.0.0.0/7, which covers 33,554,432 public IPv4 addresses, more than a /8");
        assert.equal(internetReach(["11.0.0.0/8", "12.0.0.0/32"]), "11.0.0.0/8 and 12.0.0.0/32, which together cover 16,777,217 public IPv4 addresses, more than a /8");
        assert.equal(internetReach(["11.0.0.0/8"]), undefined);
        // Overlaps count once.
        assert.equal(internetReach(["11.0.0.0/8", "11.0.0.0/9", "11.128.0.0/9"]), undefined);
        assert.equal(internetReach(["2400::/7"]), "2400::/7, which covers 2,658,455,991,569,831,745,807,614,120,560,689,152 public IPv6 addresses, more than a /8");
        assert.equal(internetReach(["2400::/8"]), undefined);
    });

    it("never counts private or reserved space: RFC 1918, CGNAT, loopback, link-local, multicast; IPv6 outside 2000::/3", () => {
        assert.equal(internetReach(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3"]), undefined);
        assert.equal(internetReach(["fc00::/7", "fe80::/10", "ff00::/8", "::ffff:0.0.0.0/96"]), undefined);
        assert.equal(internetReach(["10.0.0.0/7"]), undefined, "10/8 is private, 11/8 is a /8");
        assert.equal(internetReach(["203.0.113.0/24", "2001:db8::/32"]), undefined);
        assert.equal(internetReach([]), undefined);
        assert.equal(internetReach(["bogus", "0.0.0.0/33"]), undefined);
    });
});
