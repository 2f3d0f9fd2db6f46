/**
 * The EKS cluster's builders: the VPC, the control plane (its KMS key, its log group, the
 * `@pulumi/eks` cluster and who may reach its endpoint), the system node group and the core
 * add-ons that need nodes. Each takes the `ClusterScope` and returns what later builders use.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";

import { SYSTEM_NODE_LABELS } from "../common/labels";
import { ClusterScope, ResolvedClusterArgs } from "./args";
import { DISCOVERY_TAG_KEY } from "./karpenter";

/** The control-plane log types EKS can send to CloudWatch: all of them are enabled. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/**
 * The awsx VPC: private subnets for nodes (tagged for Karpenter discovery and internal load
 * balancers), public subnets for internet-facing load balancers only.
 */
export function vpcArgs(clusterName: pulumi.Input<string>, a: ResolvedClusterArgs): awsx.ec2.VpcArgs {
    return {
        cidrBlock: a.vpcCidr,
        numberOfAvailabilityZones: a.availabilityZoneCount,
        // Validated against NAT_GATEWAY_STRATEGIES, the values of this enum.
        natGateways: { strategy: a.natGateways as awsx.types.enums.ec2.NatGatewayStrategy },
        enableDnsHostnames: true,
        enableDnsSupport: true,
        subnetStrategy: "Auto",
        subnetSpecs: [
            {
                type: "Private",
                tags: {
                    [DISCOVERY_TAG_KEY]: clusterName,
                    "kubernetes.io/role/internal-elb": "1",
                },
            },
            { type: "Public", tags: { "kubernetes.io/role/elb": "1" } },
        ],
        tags: a.tags,
    };
}

/** The EKS cluster: API authentication with access entries, private endpoint always on. */
export function eksClusterArgs(
    clusterName: pulumi.Input<string>,
    a: ResolvedClusterArgs,
    network: { vpcId: pulumi.Input<string>; privateSubnetIds: pulumi.Input<string[]>; publicSubnetIds: pulumi.Input<string[]> },
    secretsKeyArn: pulumi.Input<string>,
): eks.ClusterArgs {
    const publicCidrs = pulumi.output(a.endpointPublicAccessCidrs);
    return {
        name: clusterName,
        version: a.kubernetesVersion,
        vpcId: network.vpcId,
        privateSubnetIds: network.privateSubnetIds,
        publicSubnetIds: network.publicSubnetIds,
        nodeAssociatePublicIpAddress: false,
        authenticationMode: eks.AuthenticationMode.Api,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs.apply((c) => c.length > 0),
        publicAccessCidrs: publicCidrs.apply((c) => (c.length > 0 ? c : undefined)) as pulumi.Output<string[]>,
        enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
        encryptionConfigKeyArn: secretsKeyArn,
        // Nodes come from the managed system node group and from Karpenter; both use the
        // security group EKS creates for the cluster, which is the one Karpenter discovers.
        skipDefaultNodeGroup: true,
        skipDefaultSecurityGroups: true,
        // kube-proxy and the VPC CNI are managed add-ons pulumi-eks creates with the most recent
        // version for the cluster's version (pulumi-eks v4.3.0 nodejs/eks/cluster/cluster.ts,
        // createCore: getAddonVersionOutput({ kubernetesVersion: eksCluster.version, mostRecent })),
        // so they follow an upgrade of the control plane. CoreDNS needs nodes: see createCoreDns.
        // The VPC CNI's network policy agent enforces NetworkPolicies (VllmRayService's default deny).
        vpcCniOptions: { enableNetworkPolicy: true },
        // Karpenter authenticates through EKS Pod Identity: no IAM OIDC provider is needed.
        createOidcProvider: false,
        deletionProtection: a.deletionProtection,
        upgradePolicy: { supportType: a.supportType },
        tags: a.tags,
    };
}

/** The VPC. Protected with `deletionProtection`: its children (subnets, NAT gateways) inherit it through the provider's Construct. */
export function createNetwork(s: ClusterScope): awsx.ec2.Vpc {
    return new awsx.ec2.Vpc(`${s.name}-vpc`, vpcArgs(s.clusterName, s.args), { parent: s.parent, protect: s.args.deletionProtection });
}

/** What the control plane's builder creates. */
export interface ControlPlane {
    secretsKey: aws.kms.Key;
    logGroup: aws.cloudwatch.LogGroup;
    cluster: eks.Cluster;
    /** The security group EKS created for the cluster: the private endpoint's and every node's. */
    clusterSecurityGroupId: pulumi.Output<string>;
    /** The rules admitting `endpointPrivateAccessCidrs` and `endpointPrivateAccessSecurityGroupIds` on 443. */
    apiAccessRules: aws.vpc.SecurityGroupIngressRule[];
}

/**
 * The control plane: a rotating KMS key for secrets, the log group (created first, so its
 * retention applies), the EKS cluster, and the private endpoint's ingress rules.
 *
 * `protect` (with `deletionProtection`) is on the key and on the cluster, whose children inherit
 * it (the Node SDK passes `protect` to the provider's Construct, pulumi sdk/nodejs
 * provider/server.ts `construct`, and a child inherits its parent's, resource.ts). Protect, not
 * retainOnDelete: a retained cluster or key would keep running and billing unseen, while protect
 * stops `pulumi destroy` and any replacement loudly until it is turned off on purpose.
 */
export function createControlPlane(s: ClusterScope, vpc: awsx.ec2.Vpc): ControlPlane {
    const { name, args: a, clusterName, parent } = s;
    const protect = a.deletionProtection;
    const secretsKey = new aws.kms.Key(`${name}-secrets-key`, {
        description: pulumi.interpolate`Envelope encryption of Kubernetes secrets in EKS cluster ${clusterName}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags: a.tags,
    }, { parent, protect });

    // EKS writes control-plane logs to this group; creating it first bounds their retention.
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane-logs`, {
        name: pulumi.interpolate`/aws/eks/${clusterName}/cluster`,
        retentionInDays: a.controlPlaneLogRetentionDays,
        tags: a.tags,
    }, { parent });

    const cluster = new eks.Cluster(`${name}-eks`, eksClusterArgs(clusterName, a, vpc, secretsKey.arn), {
        parent,
        protect,
        dependsOn: [logGroup],
    });
    // With skipDefaultSecurityGroups, pulumi-eks's nodeSecurityGroupId is the cluster security
    // group EKS creates (v4.3.0 nodejs/eks/cluster/cluster.ts, createCore).
    const clusterSecurityGroupId = cluster.nodeSecurityGroupId;
    return { secretsKey, logGroup, cluster, clusterSecurityGroupId, apiAccessRules: createApiAccessRules(s, clusterSecurityGroupId) };
}

/**
 * The private endpoint's sources: the cluster security group admits only itself until these
 * rules admit the networks `pulumi up` and operators run from, on 443 only.
 */
export function createApiAccessRules(s: ClusterScope, clusterSecurityGroupId: pulumi.Output<string>): aws.vpc.SecurityGroupIngressRule[] {
    const { name, args: a, clusterName, parent } = s;
    const rule = (suffix: string, source: Pick<aws.vpc.SecurityGroupIngressRuleArgs, "cidrIpv4" | "referencedSecurityGroupId">, what: pulumi.Input<string>) =>
        new aws.vpc.SecurityGroupIngressRule(`${name}-api-from-${suffix}`, {
            securityGroupId: clusterSecurityGroupId,
            description: pulumi.interpolate`Kubernetes API of ${clusterName} from ${what}`,
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            ...source,
            tags: a.tags,
        }, { parent });
    return [
        ...a.endpointPrivateAccessCidrs.map((cidr, i) => rule(`cidr-${i}`, { cidrIpv4: cidr }, cidr)),
        ...a.endpointPrivateAccessSecurityGroupIds.map((sg, i) => rule(`sg-${i}`, { referencedSecurityGroupId: sg }, sg)),
    ];
}

/**
 * The system nodes' launch template: IMDSv2 only, with a hop limit of 1 so pods cannot take the
 * node's credentials (they use EKS Pod Identity), and an encrypted gp3 root volume.
 */
export function systemNodeLaunchTemplateArgs(a: ResolvedClusterArgs): aws.ec2.LaunchTemplateArgs {
    return {
        description: "System nodes: IMDSv2 with hop limit 1, encrypted gp3 root volume",
        updateDefaultVersion: true,
        metadataOptions: {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 1,
        },
        blockDeviceMappings: [{
            deviceName: "/dev/xvda",
            ebs: { volumeSize: a.systemNodeDiskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        }],
        tags: a.tags,
    };
}

/**
 * The small on-demand, CPU-only managed node group for operators, Ray heads and monitoring.
 * Its `version` is the control plane's: with a launch template, pulumi-eks leaves it unset
 * (v4.3.0 nodejs/eks/nodes/nodegroup.ts, createManagedNodeGroupInternal: the cluster's version is
 * the default only without a launch template), and EKS would then never upgrade the nodes.
 */
export function systemNodeGroupArgs(
    a: ResolvedClusterArgs,
    cluster: eks.Cluster,
    nodeRoleArn: pulumi.Input<string>,
    privateSubnetIds: pulumi.Input<string[]>,
    launchTemplate: aws.ec2.LaunchTemplate,
): eks.ManagedNodeGroupArgs {
    return {
        cluster,
        version: a.kubernetesVersion,
        nodeRoleArn,
        subnetIds: privateSubnetIds,
        capacityType: "ON_DEMAND",
        amiType: "AL2023_x86_64_STANDARD",
        instanceTypes: a.systemNodeInstanceTypes,
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
        scalingConfig: {
            minSize: a.systemNodeMinSize,
            desiredSize: a.systemNodeDesiredSize ?? a.systemNodeMinSize,
            maxSize: a.systemNodeMaxSize,
        },
        labels: { ...SYSTEM_NODE_LABELS },
        tags: a.tags,
    };
}

/** The system node group and its launch template. */
export function createSystemNodes(
    s: ClusterScope,
    controlPlane: ControlPlane,
    vpc: awsx.ec2.Vpc,
    nodeRole: { role: aws.iam.Role; attachments: aws.iam.RolePolicyAttachment[] },
): eks.ManagedNodeGroup {
    const launchTemplate = new aws.ec2.LaunchTemplate(`${s.name}-system-node-template`, systemNodeLaunchTemplateArgs(s.args), { parent: s.parent });
    // EKS creates the access entry of a managed node group's role. The nodes start only once the
    // role has its policies, and on destroy they go before the policies do.
    return new eks.ManagedNodeGroup(
        `${s.name}-system-nodes`,
        systemNodeGroupArgs(s.args, controlPlane.cluster, nodeRole.role.arn, vpc.privateSubnetIds, launchTemplate),
        { parent: s.parent, dependsOn: nodeRole.attachments },
    );
}

/**
 * The most recent version of an EKS add-on for the cluster's Kubernetes version. An add-on
 * created without a version keeps the one it got when the control plane moves on; with this,
 * `pulumi up` after a version change updates it, after the control plane (it names the cluster).
 */
export function addonVersion(s: ClusterScope, addonName: string): pulumi.Output<string> {
    return aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion: s.args.kubernetesVersion, mostRecent: true }, { parent: s.parent }).version;
}

/**
 * CoreDNS as a managed add-on. pulumi-eks creates it only with a default node group or Fargate
 * ("We can only enable the coredns addon if we have a node group to place it on", v4.3.0
 * cluster.ts createCore), so it is ours, after the system nodes it runs on: an add-on whose pods
 * cannot schedule stays DEGRADED, and its creation fails. `preserve` leaves DNS running if the
 * add-on is ever removed from management.
 */
export function createCoreDns(s: ClusterScope, cluster: eks.Cluster, systemNodes: eks.ManagedNodeGroup): aws.eks.Addon {
    return new aws.eks.Addon(`${s.name}-coredns`, {
        clusterName: cluster.eksCluster.name,
        addonName: "coredns",
        addonVersion: addonVersion(s, "coredns"),
        preserve: true,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags: s.args.tags,
    }, { parent: s.parent, dependsOn: [systemNodes] });
}
