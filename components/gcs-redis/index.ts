import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

import { throwIfInvalid } from "../common/validation";
import { gcsRedisFinalSnapshotName, GcsRedisArgs, gcsRedisWarnings, isValidAuthToken, resolveGcsRedisArgs, validateGcsRedisArgs } from "./args";

export * from "./args";

/** The port Redis listens on. */
export const REDIS_PORT = 6379;

/**
 * The Redis URL Ray's GCS connects to: `rediss://` (TLS) on the primary endpoint, which moves to a
 * replica when ElastiCache fails over.
 */
export function gcsRedisAddress(primaryEndpoint: string): string {
    return `rediss://${primaryEndpoint}:${REDIS_PORT}`;
}

/**
 * An ElastiCache replication group for Ray's GCS fault tolerance: Multi-AZ with automatic failover,
 * TLS in transit, encrypted at rest, an auth token from a Pulumi secret, reachable only from the
 * given security groups on 6379; protected from `pulumi destroy` and snapshotted when deleted. Pass
 * `address` and the token to VllmRayService (`redisAddress`, `redisPassword`).
 */
export class GcsRedis extends pulumi.ComponentResource {
    /** The address Ray's GCS connects to (`rediss://<primary endpoint>:6379`). */
    public readonly address: pulumi.Output<string>;
    /** The replication group's id. */
    public readonly replicationGroupId: pulumi.Output<string>;
    /** The security group of the Redis nodes. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** The auth token (a secret): the one given, or the one generated. Pass it to VllmRayService's `redisPassword`. */
    public readonly authToken: pulumi.Output<string>;

    constructor(name: string, args: GcsRedisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-vllm-eks:index:GcsRedis", name, {}, opts);

        const a = resolveGcsRedisArgs(args);
        throwIfInvalid("GcsRedis", validateGcsRedisArgs(name, a), this);
        for (const warning of gcsRedisWarnings(name, a)) {
            void pulumi.log.warn(warning, this);
        }
        const parent = { parent: this };

        const subnets = new aws.elasticache.SubnetGroup(`${name}-subnets`, {
            description: `Ray GCS Redis ${name}`,
            subnetIds: a.subnetIds,
            tags: a.tags,
        }, parent);
        const securityGroup = new aws.ec2.SecurityGroup(`${name}-sg`, {
            description: `Ray GCS Redis ${name}: 6379 from the cluster's nodes only`,
            vpcId: a.vpcId,
            tags: a.tags,
        }, parent);
        a.clientSecurityGroupIds.forEach((client, i) => {
            new aws.vpc.SecurityGroupIngressRule(`${name}-from-${i}`, {
                securityGroupId: securityGroup.id,
                referencedSecurityGroupId: client,
                ipProtocol: "tcp",
                fromPort: REDIS_PORT,
                toPort: REDIS_PORT,
                description: "Redis from the cluster's nodes",
                tags: a.tags,
            }, parent);
        });
        // A secret's value is known only as the program runs: a token ElastiCache would refuse fails here.
        const given = a.authToken !== undefined
            ? pulumi.output(a.authToken).apply((token) => {
                if (!isValidAuthToken(token)) {
                    throw new pulumi.ResourceError("GcsRedis: authToken is not one ElastiCache accepts: use 16 to 128 letters, digits and the special characters ! & # $ ^ < > -.", this);
                }
                return token;
            })
            : new random.RandomPassword(`${name}-auth-token`, { length: 64, special: false }, parent).result;
        const authToken = pulumi.secret(given);
        const group = new aws.elasticache.ReplicationGroup(`${name}-redis`, {
            description: `Ray GCS fault tolerance (${name})`,
            engine: a.engine,
            engineVersion: a.engineVersion,
            nodeType: a.nodeType,
            numCacheClusters: a.nodes,
            port: REDIS_PORT,
            subnetGroupName: subnets.name,
            securityGroupIds: [securityGroup.id],
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            transitEncryptionEnabled: true,
            transitEncryptionMode: "required",
            atRestEncryptionEnabled: true,
            ...(a.kmsKeyArn !== undefined ? { kmsKeyId: a.kmsKeyArn } : {}),
            authToken,
            snapshotRetentionLimit: a.snapshotRetentionDays,
            // Sent only with DeleteReplicationGroup, and not ForceNew in terraform-provider-aws (the
            // bridged provider): changing it updates the stack's state in place.
            ...(a.finalSnapshot ? { finalSnapshotIdentifier: gcsRedisFinalSnapshotName(name, pulumi.getStack()) } : {}),
            autoMinorVersionUpgrade: true,
            applyImmediately: false,
            tags: a.tags,
        }, {
            ...parent,
            // protect, not retainOnDelete: deleting Ray's GCS state takes a deliberate step (set
            // deletionProtection false, pulumi up, then destroy), while a retained group would go on
            // billing outside the stack and hold its subnet group, security group and VPC. Without
            // deletionProtection the group inherits the component's own protect option.
            ...(a.deletionProtection ? { protect: true } : {}),
        });

        this.address = group.primaryEndpointAddress.apply(gcsRedisAddress);
        this.replicationGroupId = group.id;
        this.securityGroupId = securityGroup.id;
        this.authToken = authToken;
        this.registerOutputs({ address: this.address, replicationGroupId: this.replicationGroupId, securityGroupId: this.securityGroupId, authToken: this.authToken });
    }
}
