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
