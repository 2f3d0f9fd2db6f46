import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { componentUrn, descendantsOf, isSecret, resource, settle, valueOf, rejection as refusal } from "./support/mocks";

import { GcsRedis, GcsRedisArgs, gcsRedisAddress, isValidAuthToken } from "../components/gcs-redis";
import { VllmRayService } from "../components/vllm-service";

const TYPE = "ray-vllm-eks:index:GcsRedis";
const BASE: GcsRedisArgs = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-a", "subnet-b"], clientSecurityGroupIds: ["sg-nodes"] };

function rejection(name: string, args: GcsRedisArgs): Promise<string> {
    return refusal(TYPE, name, () => new GcsRedis(name, args));
}

describe("GcsRedis", () => {
    let redis: GcsRedis;

    before(async () => {
        redis = new GcsRedis("r1", { ...BASE, tags: { team: "ml" } });
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
            autoMinorVersionUpgrade: true,
            applyImmediately: false,
            tags: { team: "ml" },
        });
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
        assert.deepEqual(secret.inputs, { apiVersion: "v1", kind: "Secret", metadata: { name: "gcsvs-redis-password", namespace: "llm" }, stringData: "[secret]", type: "Opaque" });
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
