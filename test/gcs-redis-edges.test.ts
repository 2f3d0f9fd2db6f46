import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

import { resource, settle, valueOf } from "./support/mocks";

import { GcsRedis, GcsRedisArgs } from "../components/gcs-redis";

const GROUP = "aws:elasticache/replicationGroup:ReplicationGroup";
const BASE: GcsRedisArgs = { vpcId: "vpc-0edge", subnetIds: ["subnet-edge-a", "subnet-edge-b"], clientSecurityGroupIds: ["sg-edge-nodes"] };

/**
 * How the authToken a GcsRedis gives its ReplicationGroup ends: its value, or the error it fails
 * with and that error's message when it fails. A resource transformation reads the prop and swaps
 * it for a valid token before registration (a registration that fails would leave the shared mock
 * engine waiting for it). The message is read as the token fails: Pulumi later prefixes the same
 * error object when it serializes the component's outputs.
 */
async function authTokenOutcome(name: string, args: GcsRedisArgs): Promise<{ value: unknown } | { error: unknown; message: string }> {
    let outcome: Promise<{ value: unknown } | { error: unknown; message: string }> | undefined;
    const redis = new GcsRedis(name, args, {
        transformations: [(t) => {
            if (t.type !== GROUP) {
                return undefined;
            }
            outcome = (t.props.authToken as { promise(): Promise<unknown> }).promise()
                .then((value) => ({ value }), (error: unknown) => ({ error, message: (error as Error).message }));
            return { props: { ...t.props, authToken: pulumi.secret("a-sixteen-char-token-ok") }, opts: t.opts };
        }],
    });
    await valueOf(redis.address);
    await settle();
    assert.ok(outcome !== undefined, "the transformation saw the ReplicationGroup");
    return outcome;
}

describe("GcsRedis edges", () => {
    it("fails the ReplicationGroup's authToken, as the program runs, with a ResourceError when a secret token has fewer than 16 characters", async () => {
        const outcome = await authTokenOutcome("gcsedge-short", { ...BASE, authToken: pulumi.secret("short-token") });
        assert.ok("error" in outcome, "the token fails");
        assert.ok(outcome.error instanceof pulumi.ResourceError, "a ResourceError");
        assert.equal(
            outcome.message,
            "GcsRedis: authToken is not one ElastiCache accepts: use 16 to 128 letters, digits and the special characters ! & # $ ^ < > -.",
        );
    });

    it("passes a valid secret token to the ReplicationGroup unchanged", async () => {
        assert.deepEqual(await authTokenOutcome("gcsedge-token", { ...BASE, authToken: pulumi.secret("Ok-token!&#$^<>1234") }), { value: "Ok-token!&#$^<>1234" });
    });

    it("encrypts at rest with the given KMS key: kmsKeyId is kmsKeyArn", async () => {
        const redis = new GcsRedis("gcsedge-kms", { ...BASE, kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" });
        await valueOf(redis.address);
        await settle();
        assert.equal(resource(GROUP, "gcsedge-kms-redis").inputs.kmsKeyId, "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    });

    it("describes its subnet group as Ray GCS Redis <name>, puts it in the given subnets and tags it", async () => {
        const redis = new GcsRedis("gcsedge-subnets", { ...BASE, tags: { team: "edge" } });
        await valueOf(redis.address);
        await settle();
        assert.deepEqual(resource("aws:elasticache/subnetGroup:SubnetGroup", "gcsedge-subnets-subnets").inputs, {
            description: "Ray GCS Redis gcsedge-subnets",
            subnetIds: ["subnet-edge-a", "subnet-edge-b"],
            tags: { team: "edge" },
        });
    });

    it("registers its address, replicationGroupId, securityGroupId and authToken as the component's outputs", async () => {
        const redis = new GcsRedis("gcsedge-outputs", BASE);
        await valueOf(redis.address);
        await settle();
        // Pulumi's mock monitor keeps what registerOutputs sends as the component's state (it has no
        // public accessor; setMocks sees only resources and calls). A secret travels as Pulumi's
        // secret signature object.
        const urn = await valueOf(redis.urn);
        const monitor = pulumi.runtime.getMonitor() as unknown as { resources: Map<string, { state?: { toJavaScript(): Record<string, unknown> } }> };
        assert.deepStrictEqual(monitor.resources.get(urn)?.state?.toJavaScript(), {
            address: "rediss://master.gcsedge-outputs-redis-13bdb52.13bdb5.us-west-2.cache.amazonaws.com:6379",
            authToken: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "value": "offline-plan-random-placeholder" },
            replicationGroupId: "gcsedge-outputs-redis-13bdb52",
            securityGroupId: "sg-bb058603b9310f4b3",
        });
    });

    it("describes its security group, puts it in the given VPC and tags it", async () => {
        const redis = new GcsRedis("gcsedge-sg", { ...BASE, tags: { team: "edge" } });
        await valueOf(redis.address);
        await settle();
        assert.deepEqual(resource("aws:ec2/securityGroup:SecurityGroup", "gcsedge-sg-sg").inputs, {
            description: "Ray GCS Redis gcsedge-sg: 6379 from the cluster's nodes only",
            vpcId: "vpc-0edge",
            tags: { team: "edge" },
        });
    });
});
