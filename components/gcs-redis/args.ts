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
/**
 * The longest final snapshot name the component derives: ElastiCache documents no rule for
 * snapshot names, so they keep to its replication group ids' (1 to 40 letters, digits and
 * hyphens, starting with a letter, no two hyphens in a row, no hyphen at the end).
 */
export const MAX_FINAL_SNAPSHOT_NAME_LENGTH = 40;

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
     * Protect the replication group, which holds Ray's GCS state, with Pulumi's `protect` option:
     * `pulumi destroy`, and any change that would replace the group, fail until this is turned off.
     * To delete it on purpose: set false, `pulumi up`, then destroy. It is `protect` rather than
     * `retainOnDelete` because a retained group would go on billing outside the stack, and keep its
     * subnet group, security group and the VPC from being deleted. False leaves the group to the
     * component's own `protect` option.
     * @default true
     * @see https://www.pulumi.com/docs/iac/concepts/options/protect/
     */
    deletionProtection?: boolean;
    /**
     * Take a final snapshot when the replication group is deleted, named `<name>-<stack>-final`
     * (`gcsRedisFinalSnapshotName`), unique per account and region: if a snapshot of that name
     * already exists the delete fails, so delete or copy away an old one first. Snapshots are billed
     * per GB-month until you delete them: this one outlives the group, the daily ones do not. The
     * delete uses the value in the stack's state, so a change applies after the next `pulumi up`
     * (an update in place, no replacement).
     * @default true
     * @see https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/backups-final.html
     */
    finalSnapshot?: boolean;
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
    deletionProtection: true,
    finalSnapshot: true,
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
    const boolean = (argument: string, value: unknown, fix: string): string | undefined =>
        (typeof value !== "boolean" ? `${argument} ${show(value)} is not true or false: ${fix}` : undefined);
    const checks: Check[] = [
        () => checkName("name", name, MAX_GCS_REDIS_NAME_LENGTH, "(the ElastiCache replication group id is derived from it)")
            ?? (name.includes("--")
                ? `name ${show(name)} has two hyphens in a row, which ElastiCache ids (the replication group's, the final snapshot's) cannot have: use single hyphens.`
                : undefined),
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
        () => boolean("deletionProtection", a.deletionProtection, "use true (the default: pulumi destroy refuses to delete Ray's GCS state) or false (before a deliberate destroy)."),
        () => boolean("finalSnapshot", a.finalSnapshot, "use true (the default: a snapshot is taken when the replication group is deleted) or false."),
    ];
    return collect(checks);
}

/**
 * The risky choices `GcsRedis` `name` allows, as warnings: turning off its deletion protection or
 * its final snapshot. Empty with the defaults.
 */
export function gcsRedisWarnings(name: string, a: ResolvedGcsRedisArgs): string[] {
    return [
        ...(a.deletionProtection === false
            ? [`GcsRedis ${name}: deletionProtection is false: pulumi destroy, or a change that replaces the replication group, deletes it and Ray's GCS state without asking.`]
            : []),
        ...(a.finalSnapshot === false
            ? [`GcsRedis ${name}: finalSnapshot is false: deleting the replication group keeps no copy of Ray's GCS state (its daily snapshots are deleted with it).`]
            : []),
    ];
}

/**
 * The name of the final snapshot of GcsRedis `name` in stack `stack`: `<name>-<stack>-final`.
 * The stack's name is lower-cased, every run of other characters than letters and digits becomes
 * one hyphen, and it is shortened so that the whole keeps within MAX_FINAL_SNAPSHOT_NAME_LENGTH;
 * the stack is part of the name because snapshot names are unique per account and region, which
 * two stacks of one program (staging and prod) may share.
 */
export function gcsRedisFinalSnapshotName(name: string, stack: string): string {
    const suffix = "-final";
    const room = MAX_FINAL_SNAPSHOT_NAME_LENGTH - name.length - suffix.length - 1;
    const part = stack.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, Math.max(room, 0)).replace(/^-|-$/g, "");
    return part === "" ? `${name}${suffix}` : `${name}-${part}${suffix}`;
}

/**
 * Whether an auth token ElastiCache would accept (checked when the value is known): 16 to 128
 * characters, letters, digits and only the special characters ! & # $ ^ < > -.
 */
export function isValidAuthToken(token: string): boolean {
    return /^[A-Za-z0-9!&#$^<>-]{16,128}$/.test(token);
}
