/**
 * Pure builders for Karpenter's AWS side: the controller's IAM policies, the node role's
 * managed policies, the interruption queue's policy and the EventBridge rules that feed it.
 *
 * The permissions follow Karpenter's getting-started CloudFormation template for v1.14
 * (https://karpenter.sh/docs/reference/cloudformation/): the same six scoped policies, so
 * the controller can only launch, tag and terminate instances that carry this cluster's
 * ownership tags, and pass only its own node role.
 */

import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import type { ClusterScope } from "./args";
import type { NodeRole } from "./iam";

/** The Karpenter Helm chart (OCI) the cluster installs. */
export const KARPENTER_CHART = "oci://public.ecr.aws/karpenter/karpenter";
/** Karpenter's CRD chart, installed as its own release so CRDs are upgraded with the controller. */
export const KARPENTER_CRD_CHART = "oci://public.ecr.aws/karpenter/karpenter-crd";
export { KARPENTER_VERSION } from "./versions";
/**
 * The namespace of the CRD chart's release, whatever `karpenterNamespace` is: moving that release
 * would uninstall it, and Helm's uninstall deletes the CRDs it rendered, with every NodePool,
 * NodeClaim and so every GPU node. Only the controller moves with `karpenterNamespace`.
 */
export const KARPENTER_CRD_NAMESPACE = "kube-system";
/** The Helm release name; Karpenter's chart names its service account after it. */
export const KARPENTER_RELEASE_NAME = "karpenter";
/** The service account the controller runs as, bound to its IAM role through EKS Pod Identity. */
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";
/** The tag key Karpenter's EC2NodeClass selectors use to find subnets and security groups. */
export const DISCOVERY_TAG_KEY = "karpenter.sh/discovery";

/** AWS managed policies attached to the role of the nodes Karpenter launches (and of the system nodes). */
export const NODE_ROLE_MANAGED_POLICIES: Readonly<Record<string, string>> = {
    "worker-node": "AmazonEKSWorkerNodePolicy",
    "cni": "AmazonEKS_CNI_Policy",
    "ecr-pull": "AmazonEC2ContainerRegistryPullOnly",
    "ssm": "AmazonSSMManagedInstanceCore",
};

/** An EventBridge rule that forwards one kind of EC2 or AWS Health event to the interruption queue. */
export interface InterruptionRule {
    /** The role in the child's resource name, `${name}-karpenter-<role>`: short, so auto-names fit EventBridge's 64 characters. */
    role: string;
    source: string;
    detailType: string;
}

/** The events Karpenter handles: it drains a node before AWS reclaims or changes it. */
export const INTERRUPTION_RULES: readonly InterruptionRule[] = [
    { role: "health", source: "aws.health", detailType: "AWS Health Event" },
    { role: "spot", source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
    { role: "rebalance", source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
    { role: "state-change", source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
    { role: "capacity", source: "aws.ec2", detailType: "EC2 Capacity Reservation Instance Interruption Warning" },
];

/** How long (seconds) interruption messages live: they are useless once the instance is gone. */
export const INTERRUPTION_MESSAGE_RETENTION_SECONDS = 300;

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: unknown;
    Action: string | string[];
    /** Absent in trust policies, which name a principal instead. */
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Id?: string;
    Statement: PolicyStatement[];
}

function doc(statements: PolicyStatement[], id?: string): PolicyDocument {
    return id ? { Version: "2012-10-17", Id: id, Statement: statements } : { Version: "2012-10-17", Statement: statements };
}

/** Trust policy for a role that EC2 instances assume (the node roles). */
export function ec2TrustPolicy(): PolicyDocument {
    return doc([{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
}

/** Trust policy for a role that EKS Pod Identity hands to a service account. */
export function podIdentityTrustPolicy(): PolicyDocument {
    return doc([
        {
            Sid: "AllowEksAuthToAssumeRoleForPodIdentity",
            Effect: "Allow",
            Principal: { Service: "pods.eks.amazonaws.com" },
            Action: ["sts:AssumeRole", "sts:TagSession"],
        },
    ]);
}

/** Where the controller runs: the values its policies are scoped to. */
export interface ControllerScope {
    partition: string;
    region: string;
    accountId: string;
    clusterName: string;
    nodeRoleArn: string;
    queueArn: string;
}

/** The controller's policies, one per concern; each is a child named `${name}-karpenter-<key>`. */
export const CONTROLLER_POLICY_KEYS = [
    "node-lifecycle",
    "iam-integration",
    "eks-integration",
    "interruption",
    "zonal-shift",
    "resource-discovery",
] as const;
export type ControllerPolicyKey = (typeof CONTROLLER_POLICY_KEYS)[number];

/** The controller's permissions, keyed as in `CONTROLLER_POLICY_KEYS`. */
export function controllerPolicies(s: ControllerScope): Record<ControllerPolicyKey, PolicyDocument> {
    const ec2 = (resource: string): string => `arn:${s.partition}:ec2:${s.region}:*:${resource}`;
    const instanceProfiles = `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`;
    const clusterArn = `arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.clusterName}`;
    const ownedTag = `kubernetes.io/cluster/${s.clusterName}`;
    const taggedResources = ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map(ec2);
    const requestTags = {
        [`aws:RequestTag/${ownedTag}`]: "owned",
        "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
    };
    const ownedByCluster = {
        StringEquals: { [`aws:ResourceTag/${ownedTag}`]: "owned" },
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
    };
    return {
        "node-lifecycle": doc([
            {
                Sid: "AllowScopedEC2InstanceAccessActions",
                Effect: "Allow",
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Resource: [
                    `arn:${s.partition}:ec2:${s.region}::image/*`,
                    `arn:${s.partition}:ec2:${s.region}::snapshot/*`,
                    ...["security-group/*", "subnet/*", "capacity-reservation/*", "placement-group/*"].map(ec2),
                ],
            },
            {
                Sid: "AllowScopedEC2LaunchTemplateAccessActions",
                Effect: "Allow",
                Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                Resource: ec2("launch-template/*"),
                Condition: ownedByCluster,
            },
            {
                Sid: "AllowScopedEC2InstanceActionsWithTags",
                Effect: "Allow",
                Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                Resource: taggedResources,
                Condition: { StringEquals: requestTags, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
            },
            {
                Sid: "AllowScopedResourceCreationTagging",
                Effect: "Allow",
                Action: "ec2:CreateTags",
                Resource: taggedResources,
                Condition: {
                    StringEquals: { ...requestTags, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] },
                    StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
                },
            },
            {
                Sid: "AllowScopedResourceTagging",
                Effect: "Allow",
                Action: "ec2:CreateTags",
                Resource: ec2("instance/*"),
                Condition: {
                    ...ownedByCluster,
                    StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": s.clusterName },
                    "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
                },
            },
            {
                Sid: "AllowScopedDeletion",
                Effect: "Allow",
                Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                Resource: [ec2("instance/*"), ec2("launch-template/*")],
                Condition: ownedByCluster,
            },
        ]),
        "iam-integration": doc([
            {
                Sid: "AllowPassingInstanceRole",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: s.nodeRoleArn,
                Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
            },
            {
                Sid: "AllowScopedInstanceProfileCreationActions",
                Effect: "Allow",
                Action: "iam:CreateInstanceProfile",
                Resource: instanceProfiles,
                Condition: {
                    StringEquals: { ...requestTags, "aws:RequestTag/topology.kubernetes.io/region": s.region },
                    StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileTagActions",
                Effect: "Allow",
                Action: "iam:TagInstanceProfile",
                Resource: instanceProfiles,
                Condition: {
                    StringEquals: {
                        [`aws:ResourceTag/${ownedTag}`]: "owned",
                        "aws:ResourceTag/topology.kubernetes.io/region": s.region,
                        ...requestTags,
                        "aws:RequestTag/topology.kubernetes.io/region": s.region,
                    },
                    StringLike: {
                        "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                        "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    },
                },
            },
            {
                Sid: "AllowScopedInstanceProfileActions",
                Effect: "Allow",
                Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
                Resource: instanceProfiles,
                Condition: {
                    StringEquals: {
                        [`aws:ResourceTag/${ownedTag}`]: "owned",
                        "aws:ResourceTag/topology.kubernetes.io/region": s.region,
                    },
                    StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                },
            },
        ]),
        "eks-integration": doc([
            { Sid: "AllowAPIServerEndpointDiscovery", Effect: "Allow", Action: "eks:DescribeCluster", Resource: clusterArn },
        ]),
        "interruption": doc([
            {
                Sid: "AllowInterruptionQueueActions",
                Effect: "Allow",
                Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
                Resource: s.queueArn,
            },
        ]),
        "zonal-shift": doc([
            {
                Sid: "AllowZonalShiftStatusReadOnly",
                Effect: "Allow",
                Action: "arc-zonal-shift:GetManagedResource",
                Resource: "*",
                Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": clusterArn } },
            },
        ]),
        "resource-discovery": doc([
            {
                Sid: "AllowRegionalReadActions",
                Effect: "Allow",
                Action: [
                    "ec2:DescribeCapacityReservations",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstances",
                    "ec2:DescribeInstanceStatus",
                    "ec2:DescribeInstanceTypeOfferings",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplates",
                    "ec2:DescribePlacementGroups",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSpotPriceHistory",
                    "ec2:DescribeSubnets",
                ],
                Resource: "*",
                Condition: { StringEquals: { "aws:RequestedRegion": s.region } },
            },
            {
                Sid: "AllowSSMReadActions",
                Effect: "Allow",
                Action: "ssm:GetParameter",
                Resource: `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`,
            },
            { Sid: "AllowPricingReadActions", Effect: "Allow", Action: "pricing:GetProducts", Resource: "*" },
            { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Action: "iam:ListInstanceProfiles", Resource: "*" },
            { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Action: "iam:GetInstanceProfile", Resource: instanceProfiles },
        ]),
    };
}

/** The interruption queue's policy: EventBridge and SQS may send to it, and only over TLS. */
export function interruptionQueuePolicy(queueArn: string): PolicyDocument {
    return doc(
        [
            {
                Sid: "AllowEventBridgeToSend",
                Effect: "Allow",
                Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
                Action: "sqs:SendMessage",
                Resource: queueArn,
            },
            {
                Sid: "DenyHTTP",
                Effect: "Deny",
                Principal: "*",
                Action: "sqs:*",
                Resource: queueArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
        "EC2InterruptionPolicy",
    );
}

/** The EventBridge pattern of one interruption rule. */
export function interruptionEventPattern(rule: InterruptionRule): string {
    return JSON.stringify({ "source": [rule.source], "detail-type": [rule.detailType] });
}

/** What the controller's Helm values are built from. */
export interface KarpenterValuesInput {
    clusterName: string;
    /** The region, given explicitly: the system nodes' IMDS hop limit of 1 keeps pods from asking IMDS. */
    region: string;
    interruptionQueueName: string;
    controllerCpu: string;
    controllerMemory: string;
}

/**
 * Values for the karpenter chart. Every key exists in the chart's default values at the
 * pinned version (checked by a test against the upstream values.yaml).
 */
export function karpenterHelmValues(v: KarpenterValuesInput): Record<string, unknown> {
    return {
        settings: {
            clusterName: v.clusterName,
            interruptionQueue: v.interruptionQueueName,
        },
        serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
        controller: {
            env: [{ name: "AWS_REGION", value: v.region }],
            resources: {
                requests: { cpu: v.controllerCpu, memory: v.controllerMemory },
                limits: { memory: v.controllerMemory },
            },
        },
    };
}

/** What the Karpenter builder needs from the builders before it. */
export interface KarpenterDeps {
    cluster: eks.Cluster;
    clusterSecurityGroupId: pulumi.Output<string>;
    systemNodes: eks.ManagedNodeGroup;
    podIdentityAgent: aws.eks.Addon;
    /** The role of the nodes Karpenter launches (from `createNodeRole`). */
    nodeRole: NodeRole;
    provider: k8s.Provider;
    region: pulumi.Output<string>;
    accountId: pulumi.Output<string>;
}

/** What the Karpenter builder creates that others use. */
export interface Karpenter {
    nodeAccess: aws.eks.AccessEntry;
    queue: aws.sqs.Queue;
    crds: k8s.helm.v3.Release;
    controller: k8s.helm.v3.Release;
}

/**
 * Karpenter: the node role's access entry, the discovery tag on the cluster security group, the
 * interruption queue and its EventBridge rules, the controller's Pod Identity role and policies,
 * and the CRD and controller charts.
 *
 * The CRD release keeps its CRDs on uninstall (`helm.sh/resource-policy: keep` through the
 * karpenter-crd chart's `additionalAnnotations`, which every CRD template of
 * aws/karpenter-provider-aws v1.14.1 `charts/karpenter-crd/templates/` adds to its metadata
 * annotations; `values.yaml` defaults it to {}): deleting a CRD deletes every object of it, and
 * a NodePool's deletion cascades to its NodeClaims and so to the GPU instances.
 * The controller release is deleted before it is replaced (a new namespace): its cluster-scoped
 * objects (ClusterRoles, webhooks) cannot belong to two releases at once.
 */
export function createKarpenter(s: ClusterScope, d: KarpenterDeps): Karpenter {
    const { name, args: a, clusterName, parent } = s;
    const eksClusterName = d.cluster.eksCluster.name;
    // Karpenter's nodes: their role needs an access entry of type EC2_LINUX to join.
    const nodeAccess = new aws.eks.AccessEntry(`${name}-karpenter-node-access`, {
        clusterName: eksClusterName,
        principalArn: d.nodeRole.role.arn,
        type: "EC2_LINUX",
        tags: a.tags,
    }, { parent });

    new aws.ec2.Tag(`${name}-discovery-tag`, {
        resourceId: d.clusterSecurityGroupId,
        key: DISCOVERY_TAG_KEY,
        value: clusterName,
    }, { parent });

    const queue = new aws.sqs.Queue(`${name}-karpenter-queue`, {
        name: clusterName,
        messageRetentionSeconds: INTERRUPTION_MESSAGE_RETENTION_SECONDS,
        sqsManagedSseEnabled: true,
        tags: a.tags,
    }, { parent });
    new aws.sqs.QueuePolicy(`${name}-karpenter-queue-policy`, {
        queueUrl: queue.url,
        policy: queue.arn.apply((arn) => JSON.stringify(interruptionQueuePolicy(arn))),
    }, { parent });
    for (const rule of INTERRUPTION_RULES) {
        const eventRule = new aws.cloudwatch.EventRule(`${name}-karpenter-${rule.role}`, {
            description: pulumi.interpolate`Karpenter interruption handling for ${clusterName}: ${rule.detailType}`,
            eventPattern: interruptionEventPattern(rule),
            tags: a.tags,
        }, { parent });
        new aws.cloudwatch.EventTarget(`${name}-karpenter-${rule.role}`, {
            rule: eventRule.name,
            arn: queue.arn,
        }, { parent });
    }

    const controllerRole = new aws.iam.Role(`${name}-karpenter-controller`, {
        description: pulumi.interpolate`Karpenter controller of EKS cluster ${clusterName} (EKS Pod Identity)`,
        assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
        tags: a.tags,
    }, { parent });
    const policies = pulumi.all([s.partition, d.region, d.accountId, clusterName, d.nodeRole.role.arn, queue.arn])
        .apply(([partition, region, accountId, clusterName, nodeRoleArn, queueArn]) =>
            controllerPolicies({ partition, region, accountId, clusterName, nodeRoleArn, queueArn }));
    const controllerPolicyResources = CONTROLLER_POLICY_KEYS.map((key) =>
        new aws.iam.RolePolicy(`${name}-karpenter-${key}`, {
            role: controllerRole.name,
            policy: policies.apply((p) => JSON.stringify(p[key])),
        }, { parent }));
    const podIdentity = new aws.eks.PodIdentityAssociation(`${name}-karpenter-pod-identity`, {
        clusterName: eksClusterName,
        namespace: a.karpenterNamespace,
        serviceAccount: KARPENTER_SERVICE_ACCOUNT,
        roleArn: controllerRole.arn,
        tags: a.tags,
    }, { parent, dependsOn: [d.podIdentityAgent] });

    const crds = new k8s.helm.v3.Release(`${name}-karpenter-crd`, {
        name: `${KARPENTER_RELEASE_NAME}-crd`,
        chart: KARPENTER_CRD_CHART,
        version: a.karpenterVersion,
        namespace: KARPENTER_CRD_NAMESPACE,
        values: { additionalAnnotations: { ...KEEP_ON_UNINSTALL } },
    }, { parent, provider: d.provider, dependsOn: [d.systemNodes] });
    const controller = new k8s.helm.v3.Release(`${name}-karpenter`, {
        name: KARPENTER_RELEASE_NAME,
        chart: KARPENTER_CHART,
        version: a.karpenterVersion,
        namespace: a.karpenterNamespace,
        createNamespace: true,
        // The CRDs come from the karpenter-crd release, which Helm also upgrades.
        skipCrds: true,
        values: pulumi.all([clusterName, d.region, queue.name, a.karpenterControllerCpu, a.karpenterControllerMemory])
            .apply(([clusterName, region, interruptionQueueName, controllerCpu, controllerMemory]) =>
                karpenterHelmValues({ clusterName, region, interruptionQueueName, controllerCpu, controllerMemory })),
    }, {
        parent,
        provider: d.provider,
        deleteBeforeReplace: true,
        dependsOn: [crds, d.systemNodes, podIdentity, nodeAccess, ...controllerPolicyResources],
    });
    return { nodeAccess, queue, crds, controller };
}

/** Helm's annotation that leaves a resource in place when its release is uninstalled. */
export const KEEP_ON_UNINSTALL: Readonly<Record<string, string>> = { "helm.sh/resource-policy": "keep" };
