/**
 * The AWS Load Balancer Controller's IAM policy in the "aws" partition, written out statement by
 * statement (the builder, components/cluster/load-balancer-controller.ts, takes its permissions
 * from upstream's docs/install/iam_policy.json at v3.5.0, in its order, with our statement ids).
 * test/cluster.test.ts and test/load-balancer-controller.test.ts compare what the components
 * render with it, so that any change to a permission shows here.
 */
export const LOAD_BALANCER_CONTROLLER_POLICY_AWS = {
    Version: "2012-10-17",
    Statement: [
        {
            Sid: "CreateElbServiceLinkedRole",
            Effect: "Allow",
            Action: "iam:CreateServiceLinkedRole",
            Resource: "*",
            Condition: {
                StringEquals: {
                    "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com",
                },
            },
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
            Resource: "arn:aws:ec2:*:*:security-group/*",
            Condition: {
                StringEquals: {
                    "ec2:CreateAction": "CreateSecurityGroup",
                },
                Null: {
                    "aws:RequestTag/elbv2.k8s.aws/cluster": "false",
                },
            },
        },
        {
            Sid: "RetagOwnSecurityGroups",
            Effect: "Allow",
            Action: ["ec2:CreateTags", "ec2:DeleteTags"],
            Resource: "arn:aws:ec2:*:*:security-group/*",
            Condition: {
                Null: {
                    "aws:RequestTag/elbv2.k8s.aws/cluster": "true",
                    "aws:ResourceTag/elbv2.k8s.aws/cluster": "false",
                },
            },
        },
        {
            Sid: "ManageOwnSecurityGroups",
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
            Resource: "*",
            Condition: {
                Null: {
                    "aws:ResourceTag/elbv2.k8s.aws/cluster": "false",
                },
            },
        },
        {
            Sid: "CreateTaggedLoadBalancers",
            Effect: "Allow",
            Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            Resource: "*",
            Condition: {
                Null: {
                    "aws:RequestTag/elbv2.k8s.aws/cluster": "false",
                },
            },
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
            Resource: [
                "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
                "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
                "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
            ],
            Condition: {
                Null: {
                    "aws:RequestTag/elbv2.k8s.aws/cluster": "true",
                    "aws:ResourceTag/elbv2.k8s.aws/cluster": "false",
                },
            },
        },
        {
            Sid: "TagListenersAndRules",
            Effect: "Allow",
            Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            Resource: [
                "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
                "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
                "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
                "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
            ],
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
            Condition: {
                Null: {
                    "aws:ResourceTag/elbv2.k8s.aws/cluster": "false",
                },
            },
        },
        {
            Sid: "TagOnCreate",
            Effect: "Allow",
            Action: "elasticloadbalancing:AddTags",
            Resource: [
                "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
                "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
                "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
            ],
            Condition: {
                StringEquals: {
                    "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
                },
                Null: {
                    "aws:RequestTag/elbv2.k8s.aws/cluster": "false",
                },
            },
        },
        {
            Sid: "RegisterTargets",
            Effect: "Allow",
            Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            Resource: "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*",
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
    ],
};

/** The same policy in another partition: only the ARNs' partition differs. */
export function loadBalancerControllerPolicyIn(partition: string): typeof LOAD_BALANCER_CONTROLLER_POLICY_AWS {
    return JSON.parse(JSON.stringify(LOAD_BALANCER_CONTROLLER_POLICY_AWS).split("arn:aws:").join(`arn:${partition}:`));
}
