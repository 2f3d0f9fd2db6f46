import * as pulumi from "@pulumi/pulumi";

import { withDefaults } from "../common/args";
import { Check, checkName, collect, compareVersions, isKnown, show } from "../common/validation";

/** ElastiCache engines Ray's GCS works with (a standalone, non-cluster-mode Redis protocol server). */
export const GCS_REDIS_ENGINES: readonly string[] = ["redis", "valkey"];
/**
 * The longest component name: the replication group id (at most 40 characters) is derived from it
 * as `<name>-redis-` and 7 random characters.
 */
export const MAX_GCS_REDIS_NAME_LENGTH = 26;
/** The default engine version of each engine (Valkey starts at 7.2). */
export const GCS_REDIS_ENGINE_VERSIONS: Readonly<Record<string, string>> = { redis: "7.1", valkey: "8.0" };

export interface GcsRedisArgs {
    /**
     * The VPC of the cluster (LlmCluster's `vpcId`).
     * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/VPCs.html
     */
    vpcId: pulumi.Input<string>;
    /**
     * Private subnets in at least two availability zones (LlmCluster's `privateSubnetIds`).
     * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/SubnetGroups.html
     */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Security groups whose members may connect on 6379: the nodes' (LlmCluster's `clusterSecurityGroupId`),
     * since pods share their node's security group.
     * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/elasticache-vpc-accessing.html
     */
    clientSecurityGroupIds: pulumi.Input<string>[];
    /**
     * The auth token (Redis password) as a Pulumi secret (`config.requireSecret`): 16 to 128 letters,
     * digits and the special characters `! & # $ ^ < > -`. A plain string is refused.
     * @default a random 64-character token, kept as a secret in the stack's state (output `authToken`)
     * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html
     */
    authToken?: pulumi.Input<string>;
    /**
     * The engine: "redis" (Redis OSS) or "valkey".
     * @default "redis"
     * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html
     */
    engine?: string;
    /**
     * The engine version.
     * @default "7.1" for redis, "8.0" for valkey
     * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/engine-versions.html
     */
    engineVersion?: string;
    /**
     * The node type.
     * @default "cache.r7g.large"
     * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html
     */
    nodeType?: string;
    /**
     * Nodes in the replication group: a primary and its replicas in other availability zones (2 to 6);
     * Multi-AZ with automatic failover needs at least 2.
     * @default 2
     * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
     */
    nodes?: number;
    /**
     * Days of daily snapshots to keep (0 turns them off).
     * @default 1
     * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/backups.html
     */
    snapshotRetentionDays?: number;
    /**
     * A KMS key for encryption at rest.
     * @default the AWS-managed key
     * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html
     */
    kmsKeyArn?: pulumi.Input<string>;
    /**
     * Tags for every AWS resource.
     * @default {}
     * @see https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
     */
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

/** Defaults of `GcsRedisArgs`. */
export const gcsRedisDefaults = {
    engine: "redis",
    nodeType: "cache.r7g.large",
    nodes: 2,
    snapshotRetentionDays: 1,
    tags: {} as { [key: string]: string },
};

export type ResolvedGcsRedisArgs = GcsRedisArgs & { [K in keyof typeof gcsRedisDefaults]-?: NonNullable<GcsRedisArgs[K]> } & { engineVersion: string };

/** The arguments with their defaults; the engine version defaults per engine. */
export function resolveGcsRedisArgs(args: GcsRedisArgs): ResolvedGcsRedisArgs {
    const a = withDefaults(gcsRedisDefaults, args);
    return { ...a, engineVersion: a.engineVersion ?? GCS_REDIS_ENGINE_VERSIONS[a.engine] ?? "" };
}

/** Every problem with the arguments of `GcsRedis` `name`, as messages that name the argument, the value and the fix. */
export function validateGcsRedisArgs(name: string, a: ResolvedGcsRedisArgs): string[] {
    const checks: Check[] = [
        () => checkName("name", name, MAX_GCS_REDIS_NAME_LENGTH, "(the ElastiCache replication group id is derived from it)"),
        () => (isKnown(a.authToken)
            ? `authToken is a plain string: pass it as a secret (config.requireSecret("redisAuthToken") or pulumi.secret(...)), so it never sits in the program or the state in clear text.`
            : undefined),
        () => (!GCS_REDIS_ENGINES.includes(a.engine) ? `engine ${show(a.engine)} is not supported: use "redis" or "valkey".` : undefined),
        () => (!/^\d+\.\d+$/.test(a.engineVersion) ? `engineVersion ${show(a.engineVersion)} is not a major.minor version: use one such as "7.1".` : undefined),
        () => (a.engine === "valkey" && /^\d+\.\d+$/.test(a.engineVersion) && compareVersions(a.engineVersion, "7.2") < 0
            ? `engineVersion ${show(a.engineVersion)} is not a Valkey version: Valkey on ElastiCache starts at 7.2; use "8.0".`
            : undefined),
        () => (!/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(a.nodeType) ? `nodeType ${show(a.nodeType)} is not an ElastiCache node type: use one such as "cache.r7g.large".` : undefined),
        () => (!Number.isInteger(a.nodes) || a.nodes < 2 || a.nodes > 6
            ? `nodes ${show(a.nodes)} is out of range: use a whole number from 2 to 6 (a primary and at least one replica in another availability zone, for Multi-AZ failover).`
            : undefined),
        () => (!Number.isInteger(a.snapshotRetentionDays) || a.snapshotRetentionDays < 0 || a.snapshotRetentionDays > 35
            ? `snapshotRetentionDays ${show(a.snapshotRetentionDays)} is out of range: use a whole number from 0 to 35.`
            : undefined),
        () => ((a.clientSecurityGroupIds ?? []).length === 0
            ? `clientSecurityGroupIds is empty: give the nodes' security group (LlmCluster's clusterSecurityGroupId), or no pod can reach Redis.`
            : undefined),
    ];
    return collect(checks);
}

/**
 * Whether an auth token ElastiCache would accept (checked when the value is known): 16 to 128
 * characters, letters, digits and only the special characters ! & # $ ^ < > -.
 */
export function isValidAuthToken(token: string): boolean {
    return /^[A-Za-z0-9!&#$^<>-]{16,128}$/.test(token);
}
