import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

import "./support/mocks";

import { childDependsOn, withDefaults } from "../components/common/args";
import { checkDuration, checkWholeNumber, compareVersions, isNetworkAddress, networkOf, parseIpv4Cidr, show } from "../components/common/validation";

class Dummy extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Dummy", name);
    }
}

describe("shared helpers", () => {
    it("withDefaults keeps a default when the argument is undefined", () => {
        assert.deepEqual(withDefaults({ a: 1, b: 2 }, { a: undefined, b: 3, c: 4 }), { a: 1, b: 3, c: 4 });
        assert.deepEqual(withDefaults({ a: 1 }, undefined), { a: 1 });
    });

    it("childDependsOn repeats the component's dependsOn on a child, plus the child's own", async () => {
        const [x, y, z] = [new Dummy("dep-x"), new Dummy("dep-y"), new Dummy("dep-z")];
        assert.deepEqual(childDependsOn(undefined, z), [z]);
        assert.deepEqual(childDependsOn({}, z), [z]);
        assert.deepEqual(childDependsOn({ dependsOn: x }, z), [x, z]);
        assert.deepEqual(childDependsOn({ dependsOn: [x, y] }, z), [x, y, z]);
        assert.deepEqual(childDependsOn({ dependsOn: [x, y] }), [x, y]);
        assert.deepEqual(await childDependsOn({ dependsOn: Promise.resolve(x) }, z), [x, z]);
    });

    it("parses IPv4 CIDRs strictly", () => {
        assert.deepEqual(parseIpv4Cidr("10.0.0.0/16"), { address: 0x0a000000, prefix: 16 });
        assert.deepEqual(parseIpv4Cidr("0.0.0.0/0"), { address: 0, prefix: 0 });
        for (const bad of ["10.0.0.0", "10.0.0/16", "256.0.0.0/8", "10.0.0.0/33", "010.0.0.0/8", "::/0", " 10.0.0.0/16"]) {
            assert.equal(parseIpv4Cidr(bad), undefined, bad);
        }
        assert.equal(isNetworkAddress(parseIpv4Cidr("10.0.0.0/16")!), true);
        assert.equal(isNetworkAddress(parseIpv4Cidr("10.0.1.0/16")!), false);
        assert.equal(isNetworkAddress(parseIpv4Cidr("203.0.113.7/32")!), true);
        assert.equal(networkOf(parseIpv4Cidr("192.168.77.9/20")!), "192.168.64.0/20");
        assert.equal(networkOf(parseIpv4Cidr("1.2.3.4/0")!), "0.0.0.0/0");
    });

    it("compares versions and checks whole numbers in a range", () => {
        assert.ok(compareVersions("2.54.0", "2.54.0") === 0);
        assert.ok(compareVersions("2.9.0", "2.54.0") < 0);
        assert.ok(compareVersions("2.56.1", "2.54.0") > 0);
        assert.ok(compareVersions("3.0", "2.99.9") > 0);
        assert.equal(checkWholeNumber("x", 3, 1, 8, ""), undefined);
        assert.equal(checkWholeNumber("x", 2.5, 1, 8, " (why)"), "x 2.5 is out of range: use a whole number from 1 to 8 (why).");
        assert.equal(checkWholeNumber("x", undefined, 1, 8, ""), undefined);
    });

    it("checks Karpenter durations", () => {
        for (const ok of ["10m", "1h30m", "720h", "30s"]) {
            assert.equal(checkDuration("x", ok, false), undefined, ok);
        }
        assert.equal(checkDuration("x", "Never", true), undefined);
        assert.equal(checkDuration("x", "Never", false), `x "Never" is not a duration: write hours, minutes and seconds such as "10m", "1h30m" or "720h" (no days, no spaces).`);
        assert.equal(checkDuration("x", "1d", true), `x "1d" is not a duration: write hours, minutes and seconds such as "10m", "1h30m" or "720h", or "Never" (no days, no spaces).`);
    });
});

describe("shared validation at its edges (the mutation run of components/common, 2026-12-02)", () => {
    it("shows a string quoted as it is, quotes inside it too, and anything else as JSON", () => {
        assert.deepEqual([show('a"b'), show("x\\y"), show(3), show(["a"]), show(undefined)], ['"a"b"', '"x\\y"', "3", '["a"]', undefined]);
    });

    it("parses 255 in every octet, and nothing after the prefix", () => {
        assert.deepEqual(parseIpv4Cidr("255.255.255.255/32"), { address: 0xffffffff, prefix: 32 });
        assert.equal(parseIpv4Cidr("10.0.0.0/8x"), undefined);
        assert.equal(parseIpv4Cidr("256.0.0.0/8"), undefined);
    });

    it("takes a /0 as every host bit: only 0.0.0.0/0 is a network address, and its network is 0.0.0.0/0", () => {
        assert.deepEqual([isNetworkAddress({ address: 0, prefix: 0 }), isNetworkAddress({ address: 0x0a000000, prefix: 0 })], [true, false]);
        assert.equal(networkOf({ address: 0x0a000001, prefix: 0 }), "0.0.0.0/0");
        assert.equal(networkOf({ address: 0x0a000001, prefix: 32 }), "10.0.0.1/32");
    });

    it("takes durations whole: nothing before or after, with or without Never", () => {
        const refused = (v: string, never: boolean): string => `d ${JSON.stringify(v)} is not a duration: write hours, minutes and seconds such as "10m", "1h30m" or "720h"${never ? ', or "Never"' : ""} (no days, no spaces).`;
        assert.deepEqual(["x10m", "10mx", "10m", "Never", "Neverx", "xNever"].map((v) => checkDuration("d", v, true)),
            [refused("x10m", true), refused("10mx", true), undefined, undefined, refused("Neverx", true), refused("xNever", true)]);
        assert.deepEqual(["x10m", "10mx", "1h30m", "Never"].map((v) => checkDuration("d", v, false)),
            [refused("x10m", false), refused("10mx", false), undefined, refused("Never", false)]);
    });
});

