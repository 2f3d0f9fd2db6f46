import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { componentUrn, descendantsOf, isSecret, resource, settle, valueOf, rejection as refusal } from "./support/mocks";

import { GcsRedis, GcsRedisArgs, gcsRedisAddress, gcsRedisFinalSnapshotName, isValidAuthToken } from "../components/gcs-redis";
import { VllmRayService } from "../components/vllm-service";

const TYPE = "ray-vllm-eks:index:GcsRedis";
const BASE: GcsRedisArgs = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-a", "subnet-b"], clientSecurityGroupIds: ["sg-nodes"] };

function rejection(name: string, args: GcsRedisArgs): Promise<string> {
    return refusal(TYPE, name, () => new GcsRedis(name, args));
}

/**
 * The `protect` option of each child, by name: the recording mocks do not record options, so it is
 * read from the resource objects (a resource keeps its resolved `protect`, inherited from its parent
 * when unset, as `__protect`).
 */
function protectOf(component: pulumi.ComponentResource): Record<string, boolean | undefined> {
    const children = [...((component as any).__childResources as Set<pulumi.Resource>)];
    return Object.fromEntries(children.map((c) => [(c as any).__name as string, (c as any).__protect as boolean | undefined]));
}

/** Runs `construct` and returns the warnings it logged (pulumi.log.warn), in order. */
function warningsOf<T>(construct: () => T): { result: T; warnings: string[] } {
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    (pulumi.log as any).warn = (message: string) => {
        warnings.push(message);
        return Promise.resolve();
    };
    try {
        return { result: construct(), warnings };
    } finally {
        (pulumi.log as any).warn = warn;
    }
}

describe("GcsRedis", () => {
    let redis: GcsRedis;
    let warnings: string[];

    before(async () => {
        ({ result: redis, warnings } = warningsOf(() => new GcsRedis("r1", { ...BASE, tags: { team: "ml" } })));
        await valueOf(redis.address);
        await settle();
    });

    it("registers a subnet group, a security group open to the nodes only, a generated token and the replication group", () => {
        assert.deepEqual(descendantsOf(componentUrn(TYPE, "r1")).map((r) => `${r.type} ${r.name}`), [
            "aws:ec2/securityGroup:SecurityGroup r1-sg",
            "aws:elasticache/replicationGroup:ReplicationGroup r1-redis",
            "aws:elasticache/subnetGroup:SubnetGroup r1-subnets",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule r1-from-0",
            "random:index/randomPassword:RandomPassword r1-auth-token",
        ]);
        const { securityGroupId, ...rule } = resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "r1-from-0").inputs;
        assert.match(securityGroupId as string, /^sg-[0-9a-f]{17}$/);
        assert.ok(resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "r1-from-0").dependencies.includes(resource("aws:ec2/securityGroup:SecurityGroup", "r1-sg").urn));
        assert.deepEqual(rule, {
            referencedSecurityGroupId: "sg-nodes",
            ipProtocol: "tcp",
            fromPort: 6379,
            toPort: 6379,
            description: "Redis from the cluster's nodes",
            tags: { team: "ml" },
        });
        assert.equal("ingress" in resource("aws:ec2/securityGroup:SecurityGroup", "r1-sg").inputs, false, "no inline rules");
        assert.deepEqual(resource("random:index/randomPassword:RandomPassword", "r1-auth-token").inputs, { length: 64, special: false });
    });

    it("is Multi-AZ with automatic failover, TLS required in transit, encrypted at rest, with the token as a secret", () => {
        const group = resource("aws:elasticache/replicationGroup:ReplicationGroup", "r1-redis");
        const { subnetGroupName, securityGroupIds, ...inputs } = group.inputs as any;
        assert.match(subnetGroupName, /^r1-subnets-[0-9a-f]+$/);
        assert.equal(securityGroupIds.length, 1);
        assert.match(securityGroupIds[0], /^sg-[0-9a-f]{17}$/);
        for (const dep of ["aws:elasticache/subnetGroup:SubnetGroup r1-subnets", "aws:ec2/securityGroup:SecurityGroup r1-sg", "random:index/randomPassword:RandomPassword r1-auth-token"]) {
            const [type, name] = dep.split(" ");
            assert.ok(group.dependencies.includes(resource(type, name).urn), dep);
        }
        assert.deepEqual(inputs, {
            description: "Ray GCS fault tolerance (r1)",
            engine: "redis",
            engineVersion: "7.1",
            nodeType: "cache.r7g.large",
            numCacheClusters: 2,
            port: 6379,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            transitEncryptionEnabled: true,
            transitEncryptionMode: "required",
            atRestEncryptionEnabled: true,
            authToken: "[secret]",
            snapshotRetentionLimit: 1,
            finalSnapshotIdentifier: "r1-test-final",
            autoMinorVersionUpgrade: true,
            applyImmediately: false,
            tags: { team: "ml" },
        });
    });

    it("protects the replication group only, and takes a final snapshot named after the component and the stack, without a warning", () => {
        assert.deepEqual(protectOf(redis), {
            "r1-subnets": undefined,
            "r1-sg": undefined,
            "r1-from-0": undefined,
            "r1-auth-token": undefined,
            "r1-redis": true,
        });
        const groups = [...((redis as any).__childResources as Set<pulumi.Resource>)].filter((c) => c instanceof aws.elasticache.ReplicationGroup);
        assert.deepEqual(groups.map((g) => (g as any).__protect), [true], "the protected child is the ElastiCache replication group");
        assert.equal(resource("aws:elasticache/replicationGroup:ReplicationGroup", "r1-redis").inputs.finalSnapshotIdentifier, "r1-test-final");
        assert.deepEqual(warnings, []);
    });

    it("leaves the group unprotected and takes no final snapshot when both are turned off, and warns of each", async () => {
        const { result: r, warnings: warned } = warningsOf(() => new GcsRedis("r3", { ...BASE, deletionProtection: false, finalSnapshot: false }));
        await valueOf(r.address);
        await settle();
        assert.deepEqual(protectOf(r), { "r3-subnets": undefined, "r3-sg": undefined, "r3-from-0": undefined, "r3-auth-token": undefined, "r3-redis": undefined });
        assert.equal("finalSnapshotIdentifier" in resource("aws:elasticache/replicationGroup:ReplicationGroup", "r3-redis").inputs, false);
        assert.deepEqual(warned, [
            "GcsRedis r3: deletionProtection is false: pulumi destroy, or a change that replaces the replication group, deletes it and Ray's GCS state without asking.",
            "GcsRedis r3: finalSnapshot is false: deleting the replication group keeps no copy of Ray's GCS state (its daily snapshots are deleted with it).",
        ]);
    });

    it("without deletionProtection, leaves the group to the component's own protect option", async () => {
        const { result: r } = warningsOf(() => new GcsRedis("r4", { ...BASE, deletionProtection: false }, { protect: true }));
        await valueOf(r.address);
        await settle();
        assert.deepEqual(protectOf(r), { "r4-subnets": true, "r4-sg": true, "r4-from-0": true, "r4-auth-token": true, "r4-redis": true });
        assert.equal(resource("aws:elasticache/replicationGroup:ReplicationGroup", "r4-redis").inputs.finalSnapshotIdentifier, "r4-test-final");
    });

    it("names the final snapshot <name>-<stack>-final within ElastiCache's id rules, whatever the stack is called", () => {
        const cases: [string, string, string][] = [
            ["gcs", "prod", "gcs-prod-final"],
            ["gcs", "staging", "gcs-staging-final"],
            ["gcs", "My_Team.Stack--2", "gcs-my-team-stack-2-final"],
            ["gcs", "___", "gcs-final"],
            // A 26-character name leaves 7 characters of the stack; a hyphen left at the cut goes.
            ["ray-gcs-fault-tolerance-01", "staging", "ray-gcs-fault-tolerance-01-staging-final"],
            ["ray-gcs-fault-tolerance-01", "prod-eu-west-1", "ray-gcs-fault-tolerance-01-prod-eu-final"],
            ["ray-gcs-fault-tolerance-01", "abcdef-gh", "ray-gcs-fault-tolerance-01-abcdef-final"],
        ];
        assert.deepEqual(cases.map(([name, stack]) => gcsRedisFinalSnapshotName(name, stack)), cases.map(([, , expected]) => expected));
        for (const [, , id] of cases) {
            assert.ok(id.length <= 40 && /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*$/.test(id), id);
        }
    });

    it("outputs the rediss:// address and the token as a secret", async () => {
        assert.match(await valueOf(redis.address), /^rediss:\/\/master\.r1-redis-[0-9a-f]+\.[0-9a-f]{6}\.us-west-2\.cache\.amazonaws\.com:6379$/);
        assert.equal(await isSecret(redis.authToken), true);
        assert.equal(gcsRedisAddress("primary.example"), "rediss://primary.example:6379");
    });

    it("uses a given token instead of generating one", async () => {
        const r = new GcsRedis("r2", { ...BASE, authToken: pulumi.secret("a-sixteen-char-token-ok"), nodes: 3, engine: "valkey" });
        await valueOf(r.address);
        await settle();
        assert.equal(descendantsOf(componentUrn(TYPE, "r2")).some((x) => x.type.startsWith("random:")), false);
        assert.equal(await valueOf(r.authToken), "a-sixteen-char-token-ok");
        const group = resource("aws:elasticache/replicationGroup:ReplicationGroup", "r2-redis").inputs;
        assert.deepEqual([group.numCacheClusters, group.engine, group.engineVersion], [3, "valkey", "8.0"], "Valkey's own default version");
    });

    it("knows which tokens ElastiCache accepts", () => {
        assert.deepEqual(
            ["short", "a".repeat(16), "a".repeat(129), "with space 1234567", "with/slash-1234567", "with@at-123456789", `with"quote-1234567`, "with%percent-12345", "Ok-token!&#$^<>1234"].map(isValidAuthToken),
            [false, true, false, false, false, false, false, false, true],
        );
    });

    it("refuses bad arguments before creating anything", async () => {
        assert.equal(
            await rejection("r-bad", { ...BASE, authToken: "plain-text-token-123", nodes: 1, engine: "memcached", clientSecurityGroupIds: [], snapshotRetentionDays: 40 }),
            [
                "GcsRedis: 6 invalid arguments:",
                `  - authToken is a plain string: pass it as a secret (config.requireSecret("redisAuthToken") or pulumi.secret(...)), so it never sits in the program or the state in clear text.`,
                `  - engine "memcached" is not supported: use "redis" or "valkey".`,
                `  - engineVersion "" is not a major.minor version: use one such as "7.1".`,
                "  - nodes 1 is out of range: use a whole number from 2 to 6 (a primary and at least one replica in another availability zone, for Multi-AZ failover).",
                "  - snapshotRetentionDays 40 is out of range: use a whole number from 0 to 35.",
                "  - clientSecurityGroupIds is empty: give the nodes' security group (LlmCluster's clusterSecurityGroupId), or no pod can reach Redis.",
            ].join("\n"),
        );
    });

    it("refuses protection and snapshot switches that are not booleans, and a name with two hyphens in a row", async () => {
        assert.equal(
            await rejection("r--bad", { ...BASE, deletionProtection: "false" as unknown as boolean, finalSnapshot: 0 as unknown as boolean }),
            [
                "GcsRedis: 3 invalid arguments:",
                `  - name "r--bad" has two hyphens in a row, which ElastiCache ids (the replication group's, the final snapshot's) cannot have: use single hyphens.`,
                `  - deletionProtection "false" is not true or false: use true (the default: pulumi destroy refuses to delete Ray's GCS state) or false (before a deliberate destroy).`,
                "  - finalSnapshot 0 is not true or false: use true (the default: a snapshot is taken when the replication group is deleted) or false.",
            ].join("\n"),
        );
    });

    it("refuses a name too long for the replication group id, and Valkey older than 7.2", async () => {
        assert.equal(
            await rejection("gcs-fault-tolerance-redis-x", { ...BASE, engine: "valkey", engineVersion: "7.1" }),
            [
                "GcsRedis: 2 invalid arguments:",
                `  - name "gcs-fault-tolerance-redis-x" is 27 characters long; the limit is 26 (the ElastiCache replication group id is derived from it). Use a shorter name.`,
                `  - engineVersion "7.1" is not a Valkey version: Valkey on ElastiCache starts at 7.2; use "8.0".`,
            ].join("\n"),
        );
    });

    it("hands its token to VllmRayService, which stores it in a Secret the head reads", async () => {
        const provider = new k8s.Provider("gcs-test-k8s", { kubeconfig: "{}" });
        const s = new VllmRayService("gcsvs", {
            models: [{ name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6.2xlarge" }],
            redisAddress: redis.address,
            redisPassword: redis.authToken,
        }, { provider });
        await valueOf(s.serviceName);
        await settle();
        const secret = resource("kubernetes:core/v1:Secret", "gcsvs-redis-password");
        assert.deepEqual(secret.inputs, { apiVersion: "v1", kind: "Secret", metadata: { name: "gcsvs-redis-password", namespace: "llm" }, stringData: { password: "[secret]" }, type: "Opaque" });
        const service = resource("kubernetes:ray.io/v1:RayService", "gcsvs-rayservice");
        assert.deepEqual((service.inputs.spec as any).rayClusterConfig.gcsFaultToleranceOptions.redisPassword, { valueFrom: { secretKeyRef: { name: "gcsvs-redis-password", key: "password" } } });
        assert.ok(service.dependencies.includes(secret.urn), "the RayService waits for its Secret");
    });

    it("VllmRayService refuses a plain Redis password, or two of them", async () => {
        const provider = new k8s.Provider("gcs-test-k8s-2", { kubeconfig: "{}" });
        const models = [{ name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6.2xlarge" }];
        assert.equal(
            await refusal("ray-vllm-eks:index:VllmRayService", "gcsbad", () => new VllmRayService("gcsbad", { models, redisPassword: "hunter2hunter2", redisPasswordSecretName: "r" }, { provider })),
            [
                "VllmRayService: 4 invalid arguments:",
                "  - redisPasswordSecretName is set without redisAddress: give the Redis address too, or drop the password.",
                "  - redisPassword is set without redisAddress: give the Redis address too, or drop the password.",
                `  - redisPassword is a plain string: pass it as a secret (config.requireSecret("redisAuthToken") or pulumi.secret(...)), or name an existing Secret with redisPasswordSecretName.`,
                "  - redisPassword and redisPasswordSecretName are both set: give the password one way only.",
            ].join("\n"),
        );
    });
});
