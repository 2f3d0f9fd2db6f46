import * as assert from "node:assert/strict";

import { controllerPolicies } from "../components/cluster/karpenter";

// Where the controller runs; the expected documents below are Karpenter v1.14.1's CloudFormation
// (website/content/en/v1.14/getting-started/getting-started-with-karpenter/cloudformation.yaml in
// aws/karpenter-provider-aws) with these values substituted.
const SCOPE = {
    partition: "aws",
    region: "eu-west-1",
    accountId: "111122223333",
    clusterName: "edge",
    nodeRoleArn: "arn:aws:iam::111122223333:role/edge-node",
    queueArn: "arn:aws:sqs:eu-west-1:111122223333:edge",
};

describe("controllerPolicies: the Karpenter controller's statements, as upstream writes them", () => {
    let policies: ReturnType<typeof controllerPolicies>;
    before(() => {
        policies = controllerPolicies(SCOPE);
    });

    it("node-lifecycle: launches from the region's images, snapshots, security groups, subnets, capacity reservations, placement groups and cluster-owned launch templates, tags only what it creates or its instances' names, and deletes only cluster-owned instances and launch templates", () => {
        assert.deepStrictEqual(policies["node-lifecycle"], {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AllowScopedEC2InstanceAccessActions",
                    Effect: "Allow",
                    Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                    Resource: [
                        "arn:aws:ec2:eu-west-1::image/*",
                        "arn:aws:ec2:eu-west-1::snapshot/*",
                        "arn:aws:ec2:eu-west-1:*:security-group/*",
                        "arn:aws:ec2:eu-west-1:*:subnet/*",
                        "arn:aws:ec2:eu-west-1:*:capacity-reservation/*",
                        "arn:aws:ec2:eu-west-1:*:placement-group/*",
                    ],
                },
                {
                    Sid: "AllowScopedEC2LaunchTemplateAccessActions",
                    Effect: "Allow",
                    Action: ["ec2:RunInstances", "ec2:CreateFleet"],
                    Resource: "arn:aws:ec2:eu-west-1:*:launch-template/*",
                    Condition: {
                        StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/edge": "owned" },
                        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                    },
                },
                {
                    Sid: "AllowScopedEC2InstanceActionsWithTags",
                    Effect: "Allow",
                    Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                    Resource: [
                        "arn:aws:ec2:eu-west-1:*:fleet/*",
                        "arn:aws:ec2:eu-west-1:*:instance/*",
                        "arn:aws:ec2:eu-west-1:*:volume/*",
                        "arn:aws:ec2:eu-west-1:*:network-interface/*",
                        "arn:aws:ec2:eu-west-1:*:launch-template/*",
                        "arn:aws:ec2:eu-west-1:*:spot-instances-request/*",
                    ],
                    Condition: {
                        StringEquals: {
                            "aws:RequestTag/kubernetes.io/cluster/edge": "owned",
                            "aws:RequestTag/eks:eks-cluster-name": "edge",
                        },
                        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
                    },
                },
                {
                    Sid: "AllowScopedResourceCreationTagging",
                    Effect: "Allow",
                    Action: "ec2:CreateTags",
                    Resource: [
                        "arn:aws:ec2:eu-west-1:*:fleet/*",
                        "arn:aws:ec2:eu-west-1:*:instance/*",
                        "arn:aws:ec2:eu-west-1:*:volume/*",
                        "arn:aws:ec2:eu-west-1:*:network-interface/*",
                        "arn:aws:ec2:eu-west-1:*:launch-template/*",
                        "arn:aws:ec2:eu-west-1:*:spot-instances-request/*",
                    ],
                    Condition: {
                        StringEquals: {
                            "aws:RequestTag/kubernetes.io/cluster/edge": "owned",
                            "aws:RequestTag/eks:eks-cluster-name": "edge",
                            "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                        },
                        StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
                    },
                },
                {
                    Sid: "AllowScopedResourceTagging",
                    Effect: "Allow",
                    Action: "ec2:CreateTags",
                    Resource: "arn:aws:ec2:eu-west-1:*:instance/*",
                    Condition: {
                        StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/edge": "owned" },
                        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": "edge" },
                        "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
                    },
                },
                {
                    Sid: "AllowScopedDeletion",
                    Effect: "Allow",
                    Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                    Resource: ["arn:aws:ec2:eu-west-1:*:instance/*", "arn:aws:ec2:eu-west-1:*:launch-template/*"],
                    Condition: {
                        StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/edge": "owned" },
                        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                    },
                },
            ],
        });
    });

    it("iam-integration: passes the node role to EC2 only, and creates, tags, changes and deletes only instance profiles tagged for this cluster and region", () => {
        assert.deepStrictEqual(policies["iam-integration"], {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AllowPassingInstanceRole",
                    Effect: "Allow",
                    Action: "iam:PassRole",
                    Resource: "arn:aws:iam::111122223333:role/edge-node",
                    Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
                },
                {
                    Sid: "AllowScopedInstanceProfileCreationActions",
                    Effect: "Allow",
                    Action: "iam:CreateInstanceProfile",
                    Resource: "arn:aws:iam::111122223333:instance-profile/*",
                    Condition: {
                        StringEquals: {
                            "aws:RequestTag/kubernetes.io/cluster/edge": "owned",
                            "aws:RequestTag/eks:eks-cluster-name": "edge",
                            "aws:RequestTag/topology.kubernetes.io/region": "eu-west-1",
                        },
                        StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                    },
                },
                {
                    Sid: "AllowScopedInstanceProfileTagActions",
                    Effect: "Allow",
                    Action: "iam:TagInstanceProfile",
                    Resource: "arn:aws:iam::111122223333:instance-profile/*",
                    Condition: {
                        StringEquals: {
                            "aws:ResourceTag/kubernetes.io/cluster/edge": "owned",
                            "aws:ResourceTag/topology.kubernetes.io/region": "eu-west-1",
                            "aws:RequestTag/kubernetes.io/cluster/edge": "owned",
                            "aws:RequestTag/eks:eks-cluster-name": "edge",
                            "aws:RequestTag/topology.kubernetes.io/region": "eu-west-1",
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
                    Resource: "arn:aws:iam::111122223333:instance-profile/*",
                    Condition: {
                        StringEquals: {
                            "aws:ResourceTag/kubernetes.io/cluster/edge": "owned",
                            "aws:ResourceTag/topology.kubernetes.io/region": "eu-west-1",
                        },
                        StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
                    },
                },
            ],
        });
    });

    it("eks-integration: describes this cluster only", () => {
        assert.deepStrictEqual(policies["eks-integration"], {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AllowAPIServerEndpointDiscovery",
                    Effect: "Allow",
                    Action: "eks:DescribeCluster",
                    Resource: "arn:aws:eks:eu-west-1:111122223333:cluster/edge",
                },
            ],
        });
    });

    it("interruption: deletes, locates and receives messages of the interruption queue only", () => {
        assert.deepStrictEqual(policies.interruption, {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AllowInterruptionQueueActions",
                    Effect: "Allow",
                    Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
                    Resource: "arn:aws:sqs:eu-west-1:111122223333:edge",
                },
            ],
        });
    });

    it("zonal-shift: reads the managed-resource status of this cluster only", () => {
        assert.deepStrictEqual(policies["zonal-shift"], {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "AllowZonalShiftStatusReadOnly",
                    Effect: "Allow",
                    Action: "arc-zonal-shift:GetManagedResource",
                    Resource: "*",
                    Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": "arn:aws:eks:eu-west-1:111122223333:cluster/edge" } },
                },
            ],
        });
    });

    it("resource-discovery: the eleven EC2 Describe actions in the cluster's region, SSM's public parameters, pricing, and listing and reading instance profiles", () => {
        assert.deepStrictEqual(policies["resource-discovery"], {
            Version: "2012-10-17",
            Statement: [
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
                    Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } },
                },
                {
                    Sid: "AllowSSMReadActions",
                    Effect: "Allow",
                    Action: "ssm:GetParameter",
                    Resource: "arn:aws:ssm:eu-west-1::parameter/aws/service/*",
                },
                { Sid: "AllowPricingReadActions", Effect: "Allow", Action: "pricing:GetProducts", Resource: "*" },
                { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Action: "iam:ListInstanceProfiles", Resource: "*" },
                {
                    Sid: "AllowInstanceProfileReadActions",
                    Effect: "Allow",
                    Action: "iam:GetInstanceProfile",
                    Resource: "arn:aws:iam::111122223333:instance-profile/*",
                },
            ],
        });
    });
});
