/**
 * Pure builders for the AWS Load Balancer Controller: its IAM policy and its Helm values.
 *
 * The controller turns Ingresses (class `alb`) into Application Load Balancers and Services of
 * class `service.k8s.aws/nlb` into Network Load Balancers. Its permissions follow the policy the
 * project publishes for this release (`docs/install/iam_policy.json` in
 * kubernetes-sigs/aws-load-balancer-controller at tag v3.5.0): reads are unscoped, while changes
 * to security groups, load balancers and target groups are limited to resources that carry the
 * controller's `elbv2.k8s.aws/cluster` tag, or to requests that set it.
 *
 * The role is handed to the controller's service account through EKS Pod Identity: its trust
 * policy is `podIdentityTrustPolicy()` from ./karpenter, shared with the Karpenter controller.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { SYSTEM_NODE_LABELS } from "../common/labels";
import type { ClusterScope } from "./args";
import { createPodIdentityRole } from "./iam";
import { PolicyDocument, PolicyStatement } from "./karpenter";

export { LOAD_BALANCER_CONTROLLER_VERSION } from "./versions";
/** The chart's name in its Helm repository. */
export const LOAD_BALANCER_CONTROLLER_CHART = "aws-load-balancer-controller";
/** The Helm repository that publishes the chart (aws/eks-charts). */
export const LOAD_BALANCER_CONTROLLER_REPO = "https://aws.github.io/eks-charts";
/** The service account the controller runs as, bound to its IAM role through EKS Pod Identity. */
export const LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";
/** The tag the controller puts on every security group, load balancer and target group it creates. */
export const LOAD_BALANCER_CONTROLLER_CLUSTER_TAG = "elbv2.k8s.aws/cluster";

/** What the controller's IAM policy is built from. */
export interface LoadBalancerControllerPolicyInput {
    /** The AWS partition of the account: "aws", "aws-cn", "aws-us-gov", ... */
    partition: string;
}

/**
 * The controller's IAM policy: the permissions of upstream's `iam_policy.json` at v3.5.0, in the
 * same order, with ARNs in the given partition (upstream's per-partition variants differ only
 * in the partition). It fits one managed policy (6,144 characters) or an inline role policy.
 */
export function loadBalancerControllerPolicy(p: LoadBalancerControllerPolicyInput): PolicyDocument {
    const requestTag = `aws:RequestTag/${LOAD_BALANCER_CONTROLLER_CLUSTER_TAG}`;
    const resourceTag = `aws:ResourceTag/${LOAD_BALANCER_CONTROLLER_CLUSTER_TAG}`;
    // IAM's Null operator: "false" means the key is present, "true" that it is absent.
    /** The request sets the cluster tag (the controller is creating the resource). */
    const requestSetsClusterTag = { Null: { [requestTag]: "false" } };
    /** The resource already carries the cluster tag (the controller created it). */
    const resourceHasClusterTag = { Null: { [resourceTag]: "false" } };
    /** Retagging a resource the controller owns, without touching the cluster tag itself. */
    const retagKeepingClusterTag = { Null: { [requestTag]: "true", [resourceTag]: "false" } };

    const securityGroups = `arn:${p.partition}:ec2:*:*:security-group/*`;
    const elb = (resource: string): string => `arn:${p.partition}:elasticloadbalancing:*:*:${resource}`;
    const targetGroupsAndLoadBalancers = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];
    const listenersAndRules = [
        elb("listener/net/*/*/*"),
        elb("listener/app/*/*/*"),
        elb("listener-rule/net/*/*/*"),
        elb("listener-rule/app/*/*/*"),
    ];

    const statements: PolicyStatement[] = [
        {
            Sid: "CreateElbServiceLinkedRole",
            Effect: "Allow",
            Action: "iam:CreateServiceLinkedRole",
            Resource: "*",
            Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
        },
        {
            Sid: "DescribeNetworkAndLoadBalancers",
            Effect: "Allow",
            Action: [
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAddresses",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInternetGateways",
                "ec2:DescribeVpcs",
                "ec2:DescribeVpcPeeringConnections",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeTags",
                "ec2:GetCoipPoolUsage",
                "ec2:DescribeCoipPools",
                "ec2:GetSecurityGroupsForVpc",
                "ec2:DescribeIpamPools",
                "ec2:DescribeRouteTables",
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeSSLPolicies",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTags",
                "elasticloadbalancing:DescribeTrustStores",
                "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeCapacityReservation",
            ],
            Resource: "*",
        },
        {
            // Authentication (Cognito), certificates (ACM, IAM), WAF and Shield add-ons of ALBs.
            Sid: "UseAlbAddOns",
            Effect: "Allow",
            Action: [
                "cognito-idp:DescribeUserPoolClient",
                "acm:ListCertificates",
                "acm:DescribeCertificate",
                "iam:ListServerCertificates",
                "iam:GetServerCertificate",
                "waf-regional:GetWebACL",
                "waf-regional:GetWebACLForResource",
                "waf-regional:AssociateWebACL",
                "waf-regional:DisassociateWebACL",
                "wafv2:GetWebACL",
                "wafv2:GetWebACLForResource",
                "wafv2:AssociateWebACL",
                "wafv2:DisassociateWebACL",
                "shield:GetSubscriptionState",
                "shield:DescribeProtection",
                "shield:CreateProtection",
                "shield:DeleteProtection",
            ],
            Resource: "*",
        },
        {
            // Opening the nodes' and pods' security groups to the load balancers.
            Sid: "EditSecurityGroupIngress",
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
            Resource: "*",
        },
        {
            Sid: "CreateSecurityGroups",
            Effect: "Allow",
            Action: "ec2:CreateSecurityGroup",
            Resource: "*",
        },
        {
            Sid: "TagNewSecurityGroups",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: securityGroups,
            Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, ...requestSetsClusterTag },
        },
        {
            Sid: "RetagOwnSecurityGroups",
            Effect: "Allow",
            Action: ["ec2:CreateTags", "ec2:DeleteTags"],
            Resource: securityGroups,
            Condition: retagKeepingClusterTag,
        },
        {
            Sid: "ManageOwnSecurityGroups",
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
            Resource: "*",
            Condition: resourceHasClusterTag,
        },
        {
            Sid: "CreateTaggedLoadBalancers",
            Effect: "Allow",
            Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            Resource: "*",
            Condition: requestSetsClusterTag,
        },
        {
            Sid: "ManageListenersAndRules",
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
            ],
            Resource: "*",
        },
        {
            Sid: "RetagOwnLoadBalancers",
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: targetGroupsAndLoadBalancers,
            Condition: retagKeepingClusterTag,
        },
        {
            Sid: "TagListenersAndRules",
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: listenersAndRules,
        },
        {
            Sid: "ModifyOwnLoadBalancers",
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:SetIpAddressType",
                "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets",
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:ModifyCapacityReservation",
                "elasticloadbalancing:ModifyIpPools",
            ],
            Resource: "*",
            Condition: resourceHasClusterTag,
        },
        {
            // Tags passed in CreateLoadBalancer/CreateTargetGroup are authorized as AddTags too.
            Sid: "TagOnCreate",
            Effect: "Allow",
            Action: "elasticloadbalancing:AddTags",
            Resource: targetGroupsAndLoadBalancers,
            Condition: {
                StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
                ...requestSetsClusterTag,
            },
        },
        {
            Sid: "RegisterTargets",
            Effect: "Allow",
            Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            Resource: elb("targetgroup/*/*"),
        },
        {
            Sid: "ModifyListenersAndRules",
            Effect: "Allow",
            Action: [
                "elasticloadbalancing:SetWebAcl",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:SetRulePriorities",
            ],
            Resource: "*",
        },
    ];
    return { Version: "2012-10-17", Statement: statements };
}

/** What the controller's Helm values are built from. */
export interface LoadBalancerControllerValuesInput {
    /** The EKS cluster's name: the controller tags what it creates with it and finds subnets by it. */
    clusterName: string;
    /** The region, given explicitly: the system nodes' IMDS hop limit of 1 keeps pods from asking IMDS. */
    region: string;
    /** The cluster's VPC, given explicitly for the same reason. */
    vpcId: string;
}

/**
 * Values for the aws-load-balancer-controller chart. Every key exists in the chart's default
 * values at the pinned version (checked by a test against the upstream values.yaml).
 *
 * Beyond the chart's defaults:
 * - `region` and `vpcId` are set, since the controller cannot read them from instance metadata.
 * - The controller runs on the system nodes, two replicas (one leader, one standby that also
 *   answers the webhooks), with a disruption budget so that draining a node keeps one serving:
 *   the ingress and TargetGroupBinding webhooks fail closed.
 * - The Service mutator webhook is off: otherwise every new LoadBalancer Service in the cluster
 *   is silently given the `service.k8s.aws/nlb` class (an NLB, internal unless annotated), and
 *   Service creation fails cluster-wide whenever the controller is down (the webhook fails closed).
 *   This package's own Services name their class explicitly, so they are unaffected.
 * - The webhook TLS secret is kept across upgrades (`keepTLSSecret`). Otherwise each upgrade
 *   generates a new CA: the API server trusts it at once, while the pods serve the old
 *   certificate until the kubelet refreshes the mounted secret, and meanwhile the fail-closed
 *   webhooks reject Ingresses and TargetGroupBindings. It takes effect only in a real Helm
 *   release (such as `k8s.helm.v3.Release`), whose `lookup` reads the existing secret.
 */
export function loadBalancerControllerValues(a: LoadBalancerControllerValuesInput): Record<string, unknown> {
    return {
        clusterName: a.clusterName,
        region: a.region,
        vpcId: a.vpcId,
        replicaCount: 2,
        serviceAccount: { create: true, name: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT },
        nodeSelector: { ...SYSTEM_NODE_LABELS },
        podDisruptionBudget: { maxUnavailable: 1 },
        enableServiceMutatorWebhook: false,
        keepTLSSecret: true,
    };
}

/** What the Load Balancer Controller's builder needs from the builders before it. */
export interface LoadBalancerControllerDeps {
    cluster: eks.Cluster;
    vpcId: pulumi.Output<string>;
    systemNodes: eks.ManagedNodeGroup;
    podIdentityAgent: aws.eks.Addon;
    /** Karpenter's node access entry: the controller registers pods on those nodes as targets. */
    nodeAccess: aws.eks.AccessEntry;
    provider: k8s.Provider;
    region: pulumi.Output<string>;
}

/**
 * The AWS Load Balancer Controller, for internal NLBs and ALBs: its Pod Identity role and policy
 * and the chart. On `pulumi destroy` it must outlive every Service and Ingress it serves (they
 * carry its finalizers, and it deletes their load balancers): in-cluster components depend on the
 * LlmCluster, whose children include this release, so the engine deletes them first.
 */
export function createLoadBalancerController(s: ClusterScope, d: LoadBalancerControllerDeps): k8s.helm.v3.Release {
    const { name, args: a, clusterName, parent } = s;
    const role = createPodIdentityRole(s, "lb-controller", "AWS Load Balancer Controller");
    const policy = new aws.iam.RolePolicy(`${name}-lb-controller`, {
        role: role.name,
        policy: s.partition.apply((p) => JSON.stringify(loadBalancerControllerPolicy({ partition: p }))),
    }, { parent });
    const identity = new aws.eks.PodIdentityAssociation(`${name}-lb-controller`, {
        clusterName: d.cluster.eksCluster.name,
        namespace: "kube-system",
        serviceAccount: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
        roleArn: role.arn,
        tags: a.tags,
    }, { parent, dependsOn: [d.podIdentityAgent] });
    return new k8s.helm.v3.Release(`${name}-lb-controller`, {
        name: LOAD_BALANCER_CONTROLLER_CHART,
        chart: LOAD_BALANCER_CONTROLLER_CHART,
        version: a.loadBalancerControllerVersion,
        repositoryOpts: { repo: LOAD_BALANCER_CONTROLLER_REPO },
        namespace: "kube-system",
        values: pulumi.all([clusterName, d.region, d.vpcId])
            .apply(([clusterName, region, vpcId]) => loadBalancerControllerValues({ clusterName, region, vpcId })),
    }, { parent, provider: d.provider, dependsOn: [d.systemNodes, identity, policy, d.nodeAccess] });
}
