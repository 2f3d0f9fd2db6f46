import * as assert from "node:assert/strict";

import { chartDefaults, chartVersion, unknownValueKeys, upstreamChartsDir } from "./support/charts";
import { LOAD_BALANCER_CONTROLLER_POLICY_AWS, loadBalancerControllerPolicyIn } from "./support/expected-lb-policy";

import { SYSTEM_NODE_LABELS } from "../components/cluster/args";
import { PolicyStatement } from "../components/cluster/karpenter";
import {
    LOAD_BALANCER_CONTROLLER_CHART,
    LOAD_BALANCER_CONTROLLER_CLUSTER_TAG,
    LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
    LOAD_BALANCER_CONTROLLER_VERSION,
    loadBalancerControllerPolicy,
    loadBalancerControllerValues,
} from "../components/cluster/load-balancer-controller";

const INPUT = { clusterName: "llm", region: "us-gov-west-1", vpcId: "vpc-0123456789abcdef0" };

function asList(v: string | string[] | undefined): string[] {
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function statement(statements: PolicyStatement[], sid: string): PolicyStatement {
    const found = statements.find((s) => s.Sid === sid);
    assert.ok(found, `statement ${sid}`);
    return found;
}

describe("AWS Load Balancer Controller IAM policy", () => {
    let policy: ReturnType<typeof loadBalancerControllerPolicy>;
    let statements: PolicyStatement[];
    before(() => {
        policy = loadBalancerControllerPolicy({ partition: "aws-us-gov" });
        statements = policy.Statement;
    });

    it("has upstream's 16 statements (iam_policy.json at v3.5.0), all Allow, with unique IAM-valid Sids", () => {
        assert.equal(policy.Version, "2012-10-17");
        assert.equal(statements.length, 16);
        assert.ok(statements.every((s) => s.Effect === "Allow" && s.Principal === undefined && s.Resource !== undefined));
        const sids = statements.map((s) => s.Sid ?? "");
        assert.ok(sids.every((sid) => /^[A-Za-z0-9]+$/.test(sid)), sids.join(", "));
        assert.equal(new Set(sids).size, sids.length);
    });

    it("grants the service-linked role for Elastic Load Balancing only", () => {
        assert.deepEqual(statement(statements, "CreateElbServiceLinkedRole"), {
            Sid: "CreateElbServiceLinkedRole",
            Effect: "Allow",
            Action: "iam:CreateServiceLinkedRole",
            Resource: "*",
            Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
        });
    });

    it("modifies and deletes only load balancers and target groups carrying the cluster tag", () => {
        assert.equal(LOAD_BALANCER_CONTROLLER_CLUSTER_TAG, "elbv2.k8s.aws/cluster");
        assert.deepEqual(statement(statements, "ModifyOwnLoadBalancers"), {
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
            Condition: { Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } },
        });
        assert.deepEqual(statement(statements, "ManageOwnSecurityGroups").Condition, { Null: { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } });
        assert.deepEqual(asList(statement(statements, "ManageOwnSecurityGroups").Action), [
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:RevokeSecurityGroupIngress",
            "ec2:DeleteSecurityGroup",
        ]);
    });

    it("creates load balancers only with the cluster tag, and tags them only while creating them or without touching that tag", () => {
        assert.deepEqual(statement(statements, "CreateTaggedLoadBalancers").Condition, { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } });
        assert.deepEqual(statement(statements, "TagOnCreate"), {
            Sid: "TagOnCreate",
            Effect: "Allow",
            Action: "elasticloadbalancing:AddTags",
            Resource: [
                "arn:aws-us-gov:elasticloadbalancing:*:*:targetgroup/*/*",
                "arn:aws-us-gov:elasticloadbalancing:*:*:loadbalancer/net/*/*",
                "arn:aws-us-gov:elasticloadbalancing:*:*:loadbalancer/app/*/*",
            ],
            Condition: {
                StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] },
                Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" },
            },
        });
        const retag = { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } };
        assert.deepEqual(statement(statements, "RetagOwnLoadBalancers").Condition, retag);
        assert.deepEqual(statement(statements, "RetagOwnSecurityGroups").Condition, retag);
        assert.deepEqual(statement(statements, "TagNewSecurityGroups"), {
            Sid: "TagNewSecurityGroups",
            Effect: "Allow",
            Action: "ec2:CreateTags",
            Resource: "arn:aws-us-gov:ec2:*:*:security-group/*",
            Condition: {
                StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" },
                Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" },
            },
        });
    });

    it("names every ARN in the given partition", () => {
        const arns = statements.flatMap((s) => asList(s.Resource)).filter((r) => r !== "*");
        assert.equal(arns.length, 13);
        assert.deepEqual(arns.filter((a) => !a.startsWith("arn:aws-us-gov:")), []);
        assert.ok(!JSON.stringify(policy).includes("arn:aws:"));
    });

    it("is the policy written out in test/support/expected-lb-policy.ts, statement by statement, in each partition", () => {
        assert.deepEqual(loadBalancerControllerPolicy({ partition: "aws" }), LOAD_BALANCER_CONTROLLER_POLICY_AWS);
        assert.deepEqual(policy, loadBalancerControllerPolicyIn("aws-us-gov"));
        assert.deepEqual(loadBalancerControllerPolicy({ partition: "aws-cn" }), loadBalancerControllerPolicyIn("aws-cn"));
    });

    it("fits one managed policy (6,144 characters without whitespace)", () => {
        assert.ok(JSON.stringify(policy).length <= 6144, `${JSON.stringify(policy).length} characters`);
    });
});

describe("AWS Load Balancer Controller Helm values", () => {
    let values: ReturnType<typeof loadBalancerControllerValues>;
    before(() => {
        values = loadBalancerControllerValues(INPUT);
    });

    it("pass the cluster, region and VPC, and run two replicas on the system nodes as the Pod Identity service account, keeping the webhook's TLS secret and without the Service mutator", () => {
        assert.deepEqual(values, {
            clusterName: "llm",
            region: "us-gov-west-1",
            vpcId: "vpc-0123456789abcdef0",
            replicaCount: 2,
            serviceAccount: { create: true, name: "aws-load-balancer-controller" },
            nodeSelector: { "ray-vllm-eks/node-pool": "system" },
            podDisruptionBudget: { maxUnavailable: 1 },
            enableServiceMutatorWebhook: false,
            keepTLSSecret: true,
        });
        assert.equal(LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT, "aws-load-balancer-controller");
        assert.deepEqual(values.nodeSelector, SYSTEM_NODE_LABELS, "the labels the system node group carries");
    });

    describe("against the chart's defaults", function () {
        let chartsDir: string;

        before(function () {
            chartsDir = upstreamChartsDir(this, [LOAD_BALANCER_CONTROLLER_CHART]);
        });

        it("are the defaults of the pinned chart version, which deploys the same controller version", () => {
            assert.equal(chartVersion(chartsDir, LOAD_BALANCER_CONTROLLER_CHART), LOAD_BALANCER_CONTROLLER_VERSION, "the defaults checked are those of the pinned version");
            const defaults = chartDefaults(chartsDir, LOAD_BALANCER_CONTROLLER_CHART) as any;
            assert.equal(defaults.image.tag, `v${LOAD_BALANCER_CONTROLLER_VERSION}`);
        });

        it("set only keys the chart has", () => {
            assert.deepEqual(unknownValueKeys(values, chartDefaults(chartsDir, LOAD_BALANCER_CONTROLLER_CHART)), []);
        });

        it("change defaults that need changing", () => {
            const defaults = chartDefaults(chartsDir, LOAD_BALANCER_CONTROLLER_CHART) as any;
            // Empty by default: the chart cannot guess the cluster, and the pods cannot ask IMDS.
            for (const key of ["clusterName", "region", "vpcId"]) {
                assert.equal(defaults[key], null, key);
            }
            // On by default, failing closed: it would claim every new LoadBalancer Service.
            assert.equal(defaults.enableServiceMutatorWebhook, true);
            assert.equal(defaults.serviceMutatorWebhookConfig.failurePolicy, "Fail");
            // No budget by default; the chart renders ours only with more than one replica.
            assert.deepEqual(defaults.podDisruptionBudget, {});
            assert.ok((values.replicaCount as number) > 1);
            assert.equal(defaults.keepTLSSecret, false);
            // The IngressClass the dashboard Ingress uses by default is the one the chart creates.
            assert.equal(defaults.ingressClass, "alb");
            assert.equal(defaults.createIngressClassResource, true);
        });
    });
});
