/**
 * Placeholders in a stack's config (programs/placeholders.ts): documentation IP ranges, AWS's
 * example accounts, example hosts, and a certificate from another region than the stack's. The
 * offline plan and previews warn; an update refuses them before creating anything.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

import "./support/mocks";

import { DOCUMENTATION_RANGES, EXAMPLE_ACCOUNTS, guardPlaceholders, isRealUpdate, placeholdersIn } from "../programs/placeholders";

describe("programs/placeholders.ts", () => {
    it("knows RFC 5737's three documentation ranges and AWS's four example accounts", () => {
        assert.deepEqual(DOCUMENTATION_RANGES, ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"]);
        assert.deepEqual(EXAMPLE_ACCOUNTS, ["123456789012", "111122223333", "444455556666", "777788889999"]);
    });

    it("finds an address or block inside a documentation range, in a list, and nothing else", () => {
        assert.deepEqual(placeholdersIn({ "p:cidrs": JSON.stringify(["203.0.113.0/24", "198.51.100.7", "192.0.2.128/25", "192.0.0.0/16", "10.0.0.0/8", "203.0.114.0/24", "192.0.3.1", "not an ip"]) }, undefined), [
            "p:cidrs: 203.0.113.0/24 is in 203.0.113.0/24, an address range reserved for documentation (RFC 5737): put your own range.",
            "p:cidrs: 198.51.100.7 is in 198.51.100.0/24, an address range reserved for documentation (RFC 5737): put your own range.",
            "p:cidrs: 192.0.2.128/25 is in 192.0.2.0/24, an address range reserved for documentation (RFC 5737): put your own range.",
        ]);
    });

    it("finds AWS's example accounts in ARNs and alone, inside objects, but not another account or a longer number", () => {
        assert.deepEqual(placeholdersIn({
            "p:entries": JSON.stringify([{ name: "d", principalArn: "arn:aws:iam::111122223333:role/deployer" }, { principalArn: "arn:aws:iam::210987654321:role/x" }]),
            "p:account": "777788889999",
            "p:id": "1234567890123",
        }, undefined), [
            "p:account: 777788889999 names 777788889999, an account of AWS's documentation examples: put your own account's.",
            "p:entries: arn:aws:iam::111122223333:role/deployer names 111122223333, an account of AWS's documentation examples: put your own account's.",
        ]);
    });

    it("finds hosts of example.com, .net, .org and the .example domain, in URLs and addresses, but not a name that only contains example", () => {
        assert.deepEqual(placeholdersIn({
            "p:a": "https://grafana.example.com/d/x",
            "p:b": "ops@mail.example.net",
            "p:c": "example.org",
            "p:d": "llm.example",
            "p:e": "myexample.com",
            "p:f": "example.com.evil.io",
            "p:g": "example",
        }, undefined), [
            "p:a: https://grafana.example.com/d/x names grafana.example.com, a domain reserved for examples (RFC 2606): put your own host.",
            "p:b: ops@mail.example.net names mail.example.net, a domain reserved for examples (RFC 2606): put your own host.",
            "p:c: example.org names example.org, a domain reserved for examples (RFC 2606): put your own host.",
            "p:d: llm.example names llm.example, a domain reserved for examples (RFC 2606): put your own host.",
        ]);
    });

    it("finds a certificate ARN in another region than aws:region, and none without a region or in the same one", () => {
        const arn = "arn:aws:acm:us-east-1:210987654321:certificate/4f1c2d3e-0000-4000-8000-000000000001";
        assert.deepEqual(placeholdersIn({ "p:cert": arn }, "us-west-2"), [
            `p:cert: ${arn} is a certificate in us-east-1, but the stack is in us-west-2 (aws:region), where its load balancer needs it: request or import one in us-west-2.`,
        ]);
        assert.deepEqual(placeholdersIn({ "p:cert": arn }, "us-east-1"), []);
        assert.deepEqual(placeholdersIn({ "p:cert": arn }, undefined), []);
        assert.deepEqual(placeholdersIn({ "p:cert": "arn:aws-us-gov:acm:us-gov-west-1:210987654321:certificate/x" }, "us-gov-east-1"), [
            "p:cert: arn:aws-us-gov:acm:us-gov-west-1:210987654321:certificate/x is a certificate in us-gov-west-1, but the stack is in us-gov-east-1 (aws:region), where its load balancer needs it: request or import one in us-gov-east-1.",
        ]);
    });

    it("reports in key order, and nothing for a clean config", () => {
        assert.deepEqual(placeholdersIn({ "z:a": "203.0.113.1", "a:z": "123456789012" }, undefined).map((f) => f.split(":")[0]), ["a", "z"]);
        assert.deepEqual(placeholdersIn({ "p:n": "3", "p:l": "[]", "p:o": "{\"a\":null}", "aws:region": "us-west-2" }, "us-west-2"), []);
    });

    describe("guardPlaceholders", () => {
        const config = { "aws:region": "us-west-2", "p:cidrs": "[\"203.0.113.0/24\"]" };
        let warned: string[] = [];
        const warn = pulumi.log.warn;
        beforeEach(() => {
            warned = [];
            (pulumi.log as { warn: (m: string) => void }).warn = (m: string) => warned.push(m);
        });
        afterEach(() => {
            (pulumi.log as { warn: typeof warn }).warn = warn;
        });

        it("is no real update under the mock engine (the offline plan, these tests), even outside a preview", () => {
            assert.equal(pulumi.runtime.isDryRun(), false);
            assert.equal(isRealUpdate(), false);
        });

        it("warns about each placeholder outside a real update", () => {
            guardPlaceholders(config);
            assert.deepEqual(warned, ["placeholder in the stack's config: p:cidrs: 203.0.113.0/24 is in 203.0.113.0/24, an address range reserved for documentation (RFC 5737): put your own range."]);
        });

        it("refuses them all in a real update, before anything is created, warning about none", () => {
            assert.throws(() => guardPlaceholders({ ...config, "p:arn": "arn:aws:iam::123456789012:role/x" }, true), (e: unknown) => {
                assert.ok(e instanceof pulumi.RunError);
                assert.equal(e.message, "the stack's config still holds placeholders, which must not reach a real deployment:\n"
                    + "  p:arn: arn:aws:iam::123456789012:role/x names 123456789012, an account of AWS's documentation examples: put your own account's.\n"
                    + "  p:cidrs: 203.0.113.0/24 is in 203.0.113.0/24, an address range reserved for documentation (RFC 5737): put your own range.");
                return true;
            });
            assert.deepEqual(warned, []);
        });

        it("says nothing for a clean config, in an update or not", () => {
            guardPlaceholders({ "aws:region": "us-west-2" }, true);
            guardPlaceholders({ "aws:region": "us-west-2" });
            assert.deepEqual(warned, []);
        });
    });
});
