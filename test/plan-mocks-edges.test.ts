/**
 * The offline plan's Pulumi mocks (plan/mocks.ts) called directly, without setMocks:
 * the id and state each resource type gets, components' outputs, Kubernetes objects, providers,
 * stack references, random passwords, the invokes they answer and the error for one they do not.
 *
 * The hex suffixes written below were derived once by hand, outside the code under test:
 *   node -e 'const c=require("crypto");console.log(c.createHash("sha256").update(PARTS.join("\u0000")).digest("hex"))'
 * over the parts the mock hashes (for a resource: [type, name]; a VPC's subnets: ["private"|"public",
 * name, String(i)]; a cluster's security group: ["cluster-sg", name]; its OIDC issuer: ["oidc", name];
 * a KMS key's last group: [name, type]; a stack reference: [stack]), then cut to the length the mock
 * uses (AWS auto-names: 7, like pulumi-terraform-bridge's `name-<7 hex>`) and upper-cased where it
 * upper-cases. Where the mock departs from what AWS or pulumi-kubernetes really produce (ElastiCache
 * host names, access entry ARNs, add-on ARNs' UUID, EventBridge target ids, provider ids, Kubernetes
 * auto-names, the referenced stack's endpoint region, getRegion's description), the test checks
 * only the shape and does not pin the mock's value.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

import { addonVersionOf, autoName, createMocks, DEFAULT_MOCK_ENVIRONMENT, mockKubeconfig, RANDOM_PLACEHOLDER, stableHex, stackReferenceState } from "../plan/mocks";

/** Not the default environment (us-west-2, 123456789012), so a mock ignoring `env` shows. */
const ENV = { region: "eu-central-1", accountId: "111122223333" };

type Result = { id: string | undefined; state: Record<string, unknown> };

function newResource(type: string, name: string, inputs: Record<string, unknown>, custom = true): Result {
    const args: pulumi.runtime.MockResourceArgs = { type, name, inputs, custom, provider: "", id: undefined };
    return createMocks(ENV).newResource(args) as Result;
}

function call(token: string, inputs: Record<string, unknown> = {}, env = ENV): Record<string, unknown> {
    return createMocks(env).call({ token, inputs, provider: "" }) as Record<string, unknown>;
}

/** The kubeconfig @pulumi/eks writes for `clusterName` at `endpoint`, written out. */
function kubeconfigOf(clusterName: string, endpoint: string, caData: string): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubernetes", cluster: { "server": endpoint, "certificate-authority-data": caData } }],
        contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
        "current-context": "aws",
        users: [{
            name: "aws",
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
                    env: [{ name: "KUBERNETES_EXEC_INFO", value: "{\"apiVersion\": \"client.authentication.k8s.io/v1beta1\"}" }],
                },
            },
        }],
    };
}

describe("the offline plan's mocks' edges (plan/mocks.ts)", () => {
    describe("stableHex, autoName and addonVersionOf", () => {
        it("stableHex is the sha256 of the parts joined by NUL, cut to the length asked for", () => {
            assert.equal(stableHex(7, "aws:iam/role:Role", "node-role"), "e9382e4");
            assert.equal(stableHex(17, "private", "vpc", "1"), "4b34763cf78a8770b");
            assert.equal(stableHex(32, "org/platform/prod"), "bca5dd8783a6d66938ca2a0e4694108a");
        });

        it("autoName is the logical name, a dash and 7 hex characters", () => {
            assert.equal(autoName("aws:sqs/queue:Queue", "queue"), "queue-3467a9a");
        });

        it("addonVersionOf names the add-on and Kubernetes version in an EKS-style version string", () => {
            assert.deepEqual(addonVersionOf("coredns", "1.31"), { id: "coredns-1.31", addonName: "coredns", kubernetesVersion: "1.31", mostRecent: true, version: "v1.31.0-eksbuild.1" });
        });
    });

    describe("AWS resources: the whole id and state", () => {
        it("an IAM role without a name is auto-named, with a region-less ARN and an AROA unique id", () => {
            assert.deepEqual(newResource("aws:iam/role:Role", "node-role", { assumeRolePolicy: "{}" }), {
                id: "node-role-e9382e4",
                state: { assumeRolePolicy: "{}", name: "node-role-e9382e4", arn: "arn:aws:iam::111122223333:role/node-role-e9382e4", uniqueId: "AROAE9382E4B1E7D308E4" },
            });
        });

        it("an IAM role with a name keeps it as its id, name and ARN's last part", () => {
            assert.deepEqual(newResource("aws:iam/role:Role", "node-role", { name: "eks-nodes" }), {
                id: "eks-nodes",
                state: { name: "eks-nodes", arn: "arn:aws:iam::111122223333:role/eks-nodes", uniqueId: "AROAE9382E4B1E7D308E4" },
            });
        });

        it("an inline role policy's id is role:name, with or without a given name", () => {
            assert.deepEqual(newResource("aws:iam/rolePolicy:RolePolicy", "inline", { role: "eks-nodes", name: "pull", policy: "{}" }), {
                id: "eks-nodes:pull",
                state: { role: "eks-nodes", name: "pull", policy: "{}" },
            });
            assert.deepEqual(newResource("aws:iam/rolePolicy:RolePolicy", "inline", { role: "eks-nodes" }), {
                id: "eks-nodes:inline-9a78468",
                state: { role: "eks-nodes", name: "inline-9a78468" },
            });
        });

        it("a role policy attachment's id is the role, a dash and 8 hex characters; its state is its inputs", () => {
            const policyArn = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy";
            assert.deepEqual(newResource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attach", { role: "eks-nodes", policyArn }), {
                id: "eks-nodes-fa1b8d4c",
                state: { role: "eks-nodes", policyArn },
            });
        });

        it("a KMS key's id is a UUID-shaped key id and its ARN is key/<id> in the region and account", () => {
            // sha256(type NUL name) = 65af2a520dfc56223b…: groups [0,8) [0,4) "4"+[12,15) "8"+[15,18); sha256(name NUL type)[0,12).
            const keyId = "65af2a52-65af-4562-823b-2570ef786e1f";
            assert.deepEqual(newResource("aws:kms/key:Key", "secrets-key", { enableKeyRotation: true }), {
                id: keyId,
                state: { enableKeyRotation: true, keyId, arn: `arn:aws:kms:eu-central-1:111122223333:key/${keyId}` },
            });
        });

        it("a log group's id is its name and its ARN is log-group:<name>, named or auto-named", () => {
            assert.deepEqual(newResource("aws:cloudwatch/logGroup:LogGroup", "logs", { name: "/aws/eks/prod/cluster", retentionInDays: 90 }), {
                id: "/aws/eks/prod/cluster",
                state: { name: "/aws/eks/prod/cluster", retentionInDays: 90, arn: "arn:aws:logs:eu-central-1:111122223333:log-group:/aws/eks/prod/cluster" },
            });
            assert.deepEqual(newResource("aws:cloudwatch/logGroup:LogGroup", "logs", {}), {
                id: "logs-6b640fc",
                state: { name: "logs-6b640fc", arn: "arn:aws:logs:eu-central-1:111122223333:log-group:logs-6b640fc" },
            });
        });

        it("an SQS queue's id is its https://sqs.<region>.amazonaws.com/<account>/<name> URL and its ARN has no resource type", () => {
            const url = "https://sqs.eu-central-1.amazonaws.com/111122223333/queue-3467a9a";
            assert.deepEqual(newResource("aws:sqs/queue:Queue", "queue", { messageRetentionSeconds: 300 }), {
                id: url,
                state: { messageRetentionSeconds: 300, name: "queue-3467a9a", url, arn: "arn:aws:sqs:eu-central-1:111122223333:queue-3467a9a" },
            });
        });

        it("a queue policy's id is the queue URL; its state is its inputs", () => {
            const queueUrl = "https://sqs.eu-central-1.amazonaws.com/111122223333/interruptions";
            assert.deepEqual(newResource("aws:sqs/queuePolicy:QueuePolicy", "policy", { queueUrl, policy: "{}" }), { id: queueUrl, state: { queueUrl, policy: "{}" } });
        });

        it("an EventBridge rule's id is its name and its ARN is rule/<name>", () => {
            assert.deepEqual(newResource("aws:cloudwatch/eventRule:EventRule", "rule", {}), {
                id: "rule-1ac7c05",
                state: { name: "rule-1ac7c05", arn: "arn:aws:events:eu-central-1:111122223333:rule/rule-1ac7c05" },
            });
        });

        it("an EventBridge target with a target id has the id <rule>-<targetId>", () => {
            assert.deepEqual(newResource("aws:cloudwatch/eventTarget:EventTarget", "target", { rule: "spot", targetId: "queue", arn: "arn:q" }), {
                id: "spot-queue",
                state: { rule: "spot", targetId: "queue", arn: "arn:q" },
            });
        });

        it("an EventBridge target without a target id gets a terraform- one, also in its id", () => {
            // Terraform's own default is "terraform-" and 26 digits; only the prefix is checked.
            const { id, state } = newResource("aws:cloudwatch/eventTarget:EventTarget", "target", { rule: "spot" });
            const targetId = String(state.targetId);
            assert.match(targetId, /^terraform-[0-9a-z]+$/);
            assert.deepEqual({ id, state }, { id: `spot-${targetId}`, state: { rule: "spot", targetId } });
        });

        it("an EKS access entry's id is cluster:principal and its ARN is an access-entry of the cluster in the region and account", () => {
            const principalArn = "arn:aws:iam::111122223333:role/admin";
            const { id, state } = newResource("aws:eks/accessEntry:AccessEntry", "entry", { clusterName: "prod", principalArn });
            assert.equal(id, "prod:arn:aws:iam::111122223333:role/admin");
            // AWS's form goes on with role/<account>/<role name>/<uuid>: only the common prefix is checked.
            const { accessEntryArn, ...rest } = state;
            assert.deepEqual(rest, { clusterName: "prod", principalArn });
            assert.ok(String(accessEntryArn).startsWith("arn:aws:eks:eu-central-1:111122223333:access-entry/prod/"), String(accessEntryArn));
        });

        it("an EKS add-on without a version gets one; its id is cluster:addon and its ARN addon/<cluster>/<addon>/…", () => {
            const { id, state } = newResource("aws:eks/addon:Addon", "coredns", { clusterName: "prod", addonName: "coredns" });
            assert.equal(id, "prod:coredns");
            // AWS ends the ARN with a UUID: only the part before it is checked.
            const { arn, ...rest } = state;
            assert.deepEqual(rest, { clusterName: "prod", addonName: "coredns", addonVersion: "v1.3.8-eksbuild.2" });
            assert.ok(String(arn).startsWith("arn:aws:eks:eu-central-1:111122223333:addon/prod/coredns/"), String(arn));
        });

        it("an EKS add-on keeps the version the program asked for, as EKS installs it", () => {
            const { state } = newResource("aws:eks/addon:Addon", "ebs", { clusterName: "prod", addonName: "aws-ebs-csi-driver", addonVersion: "v1.50.1-eksbuild.1" });
            assert.equal(state.addonVersion, "v1.50.1-eksbuild.1");
        });

        it("a pod identity association's id is cluster,a-<17 hex> and its ARN podidentityassociation/<cluster>/<id>", () => {
            assert.deepEqual(newResource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "pia", { clusterName: "prod", namespace: "karpenter" }), {
                id: "prod,a-22e9b79b1d5942815",
                state: {
                    clusterName: "prod",
                    namespace: "karpenter",
                    associationId: "a-22e9b79b1d5942815",
                    associationArn: "arn:aws:eks:eu-central-1:111122223333:podidentityassociation/prod/a-22e9b79b1d5942815",
                },
            });
        });

        it("a launch template's id is lt-<17 hex>, its ARN launch-template/<id>, at version 1", () => {
            assert.deepEqual(newResource("aws:ec2/launchTemplate:LaunchTemplate", "lt", {}), {
                id: "lt-e8db9d9b96afc4e2b",
                state: { name: "lt-e8db9d9", arn: "arn:aws:ec2:eu-central-1:111122223333:launch-template/lt-e8db9d9b96afc4e2b", latestVersion: 1, defaultVersion: 1 },
            });
        });

        it("an EC2 tag's id is resourceId,key; its state is its inputs", () => {
            assert.deepEqual(newResource("aws:ec2/tag:Tag", "tag", { resourceId: "sg-1", key: "karpenter.sh/discovery", value: "prod" }), {
                id: "sg-1,karpenter.sh/discovery",
                state: { resourceId: "sg-1", key: "karpenter.sh/discovery", value: "prod" },
            });
        });

        it("a security group's id is sg-<17 hex> and its ARN security-group/<id>", () => {
            assert.deepEqual(newResource("aws:ec2/securityGroup:SecurityGroup", "sg", { vpcId: "vpc-1" }), {
                id: "sg-23d98d32d64cc05f9",
                state: { vpcId: "vpc-1", arn: "arn:aws:ec2:eu-central-1:111122223333:security-group/sg-23d98d32d64cc05f9", name: "sg-23d98d3" },
            });
        });

        it("a security group ingress rule's id and rule id are sgr-<17 hex>, its ARN security-group-rule/<id>", () => {
            assert.deepEqual(newResource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "api", { fromPort: 443 }), {
                id: "sgr-b6233b2d960f88198",
                state: { fromPort: 443, securityGroupRuleId: "sgr-b6233b2d960f88198", arn: "arn:aws:ec2:eu-central-1:111122223333:security-group-rule/sgr-b6233b2d960f88198" },
            });
        });

        it("an ElastiCache subnet group's id is its name and its ARN subnetgroup:<name>", () => {
            assert.deepEqual(newResource("aws:elasticache/subnetGroup:SubnetGroup", "subnets", { name: "redis-subnets" }), {
                id: "redis-subnets",
                state: { name: "redis-subnets", arn: "arn:aws:elasticache:eu-central-1:111122223333:subnetgroup:redis-subnets" },
            });
        });

        /** The checked part of a replication group: endpoints' region segment left out (AWS uses a short code such as euc1). */
        function replicationGroup(inputs: Record<string, unknown>): { id: string | undefined; rest: Record<string, unknown>; primary: string; reader: string } {
            const { id, state } = newResource("aws:elasticache/replicationGroup:ReplicationGroup", "redis", inputs);
            const { primaryEndpointAddress, readerEndpointAddress, ...rest } = state;
            return { id, rest, primary: String(primaryEndpointAddress), reader: String(readerEndpointAddress) };
        }

        it("a replication group with a replicationGroupId has it as its id, in its ARN and in master./replica. endpoints", () => {
            const { id, rest, primary, reader } = replicationGroup({ replicationGroupId: "gcs-redis" });
            assert.equal(id, "gcs-redis");
            assert.deepEqual(rest, { replicationGroupId: "gcs-redis", arn: "arn:aws:elasticache:eu-central-1:111122223333:replicationgroup:gcs-redis" });
            assert.match(primary, /^master\.gcs-redis\.4893b5\.[a-z0-9-]+\.cache\.amazonaws\.com$/);
            assert.match(reader, /^replica\.gcs-redis\.4893b5\.[a-z0-9-]+\.cache\.amazonaws\.com$/);
        });

        it("a replication group without a replicationGroupId is auto-named", () => {
            const { id, rest, primary, reader } = replicationGroup({});
            assert.equal(id, "redis-4893b5b");
            assert.deepEqual(rest, { arn: "arn:aws:elasticache:eu-central-1:111122223333:replicationgroup:redis-4893b5b" });
            assert.match(primary, /^master\.redis-4893b5b\.4893b5\.[a-z0-9-]+\.cache\.amazonaws\.com$/);
            assert.match(reader, /^replica\.redis-4893b5b\.4893b5\.[a-z0-9-]+\.cache\.amazonaws\.com$/);
        });

        it("another AWS type gets the id of its name and an ARN of its module and lower-cased kind (as an ECR repository's)", () => {
            assert.deepEqual(newResource("aws:ecr/repository:Repository", "repo", {}), {
                id: "repo-e0b9b02",
                state: { arn: "arn:aws:ecr:eu-central-1:111122223333:repository/repo-e0b9b02" },
            });
            assert.deepEqual(newResource("aws:ecr/repository:Repository", "repo", { name: "models" }), {
                id: "models",
                state: { name: "models", arn: "arn:aws:ecr:eu-central-1:111122223333:repository/models" },
            });
        });

        it("an aws: type not of the form aws:<module>/<x>:<Kind> gets an aws service and a resource/ kind in its ARN", () => {
            assert.deepEqual(newResource("aws:Thing", "thing", {}), {
                id: "thing-eaeeae2",
                state: { arn: "arn:aws:aws:eu-central-1:111122223333:resource/thing-eaeeae2" },
            });
        });

        it("only a whole type of the form aws:<module>/<x>:<Kind> counts, not one found later in it or ending before a line break", () => {
            for (const type of ["aws:/aws:ecr/repository:Repository", "aws:ecr/repository:Repository\nx"]) {
                assert.deepEqual(newResource(type, "odd", { name: "odd" }), {
                    id: "odd",
                    state: { name: "odd", arn: "arn:aws:aws:eu-central-1:111122223333:resource/odd" },
                }, JSON.stringify(type));
            }
        });

        it("an output overrides an input of the same name", () => {
            assert.deepEqual(newResource("aws:sqs/queue:Queue", "queue", { name: "q", url: "https://stale" }), {
                id: "https://sqs.eu-central-1.amazonaws.com/111122223333/q",
                state: { name: "q", url: "https://sqs.eu-central-1.amazonaws.com/111122223333/q", arn: "arn:aws:sqs:eu-central-1:111122223333:q" },
            });
        });
    });

    describe("components", () => {
        const VPC = {
            vpcId: "vpc-cf5e84e0d68b4bd5c",
            privateSubnetIds: ["subnet-b19f64c71b884c122", "subnet-4b34763cf78a8770b", "subnet-7cc6798cd2b84a87a"],
            publicSubnetIds: ["subnet-6b5426a08d3a82bdc", "subnet-e71aea36d340b29b8", "subnet-1d1b1005fb7aba29d"],
        };

        it("an awsx VPC without numberOfAvailabilityZones has 3 private and 3 public subnets, no isolated ones, and no id", () => {
            assert.deepEqual(newResource("awsx:ec2:Vpc", "vpc", { cidrBlock: "10.0.0.0/16" }, false), {
                id: undefined,
                state: { cidrBlock: "10.0.0.0/16", ...VPC, isolatedSubnetIds: [] },
            });
        });

        it("an awsx VPC with numberOfAvailabilityZones 2 has 2 of each; its outputs override same-named inputs", () => {
            assert.deepEqual(newResource("awsx:ec2:Vpc", "vpc", { numberOfAvailabilityZones: 2, vpcId: "vpc-input" }, false), {
                id: undefined,
                state: {
                    numberOfAvailabilityZones: 2,
                    vpcId: "vpc-cf5e84e0d68b4bd5c",
                    privateSubnetIds: VPC.privateSubnetIds.slice(0, 2),
                    publicSubnetIds: VPC.publicSubnetIds.slice(0, 2),
                    isolatedSubnetIds: [],
                },
            });
        });

        function clusterState(clusterName: string, caData: string, inputs: Record<string, unknown>): Record<string, unknown> {
            const endpoint = "https://F0E05DBC72DDFEE9060F8D3001435692.gr7.eu-central-1.eks.amazonaws.com";
            const kubeconfig = kubeconfigOf(clusterName, endpoint, caData);
            return {
                ...inputs,
                kubeconfig,
                clusterSecurityGroupId: "sg-26abd9554c4c52206",
                nodeSecurityGroupId: "sg-26abd9554c4c52206",
                eksCluster: {
                    name: clusterName,
                    arn: `arn:aws:eks:eu-central-1:111122223333:cluster/${clusterName}`,
                    endpoint,
                    version: inputs.version,
                    vpcConfig: { clusterSecurityGroupId: "sg-26abd9554c4c52206", vpcId: inputs.vpcId },
                },
                oidcProviderArn: "",
                oidcProviderUrl: "",
                oidcIssuer: "https://oidc.eks.eu-central-1.amazonaws.com/id/F038277471C54D11E89A8B4E21BE72DC",
            };
        }

        it("an EKS cluster with a name has its kubeconfig (also as JSON), security group, ARN, endpoint and OIDC issuer", () => {
            const inputs = { name: "eks-prod", version: "1.31", vpcId: "vpc-1" };
            const { id, state } = newResource("eks:index:Cluster", "eks", inputs, false);
            const { kubeconfigJson, ...rest } = state;
            assert.equal(id, undefined);
            // base64("mock CA of eks-prod")
            const expected = clusterState("eks-prod", "bW9jayBDQSBvZiBla3MtcHJvZA==", inputs);
            assert.deepEqual(rest, expected);
            assert.deepEqual(JSON.parse(String(kubeconfigJson)), expected.kubeconfig);
        });

        it("an EKS cluster without a name is auto-named", () => {
            const { state } = newResource("eks:index:Cluster", "eks", {}, false);
            const { kubeconfigJson, ...rest } = state;
            // base64("mock CA of eks-f0e05db")
            const expected = clusterState("eks-f0e05db", "bW9jayBDQSBvZiBla3MtZjBlMDVkYg==", {});
            assert.deepEqual(rest, expected);
            assert.deepEqual(JSON.parse(String(kubeconfigJson)), expected.kubeconfig);
        });

        it("a managed node group has an auto-named, ACTIVE node group", () => {
            assert.deepEqual(newResource("eks:index:ManagedNodeGroup", "nodes", { capacityType: "ON_DEMAND" }, false), {
                id: undefined,
                state: { capacityType: "ON_DEMAND", nodeGroup: { nodeGroupName: "nodes-7b2f032", status: "ACTIVE" } },
            });
        });

        it("an unknown component's state is its inputs", () => {
            assert.deepEqual(newResource("ray-vllm-eks:index:Cluster", "c", { a: 1 }, false), { id: undefined, state: { a: 1 } });
            assert.deepEqual(newResource("aws:iam/role:Role", "r", { name: "x" }, false), { id: undefined, state: { name: "x" } });
        });
    });

    describe("Kubernetes objects and providers", () => {
        it("a namespaced object's id is namespace/name; its state is its inputs", () => {
            const inputs = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "llm" }, data: { a: "b" } };
            assert.deepEqual(newResource("kubernetes:core/v1:ConfigMap", "cm", inputs), { id: "llm/cfg", state: inputs });
        });

        it("a cluster-scoped object's id is its name", () => {
            const inputs = { apiVersion: "v1", kind: "Namespace", metadata: { name: "llm", labels: { a: "b" } } };
            assert.deepEqual(newResource("kubernetes:core/v1:Namespace", "ns", inputs), { id: "llm", state: inputs });
        });

        it("an object without a name is auto-named from its logical name, in its namespace", () => {
            // pulumi-kubernetes auto-names with 8 random hex characters; only the shape is checked.
            const { id, state } = newResource("kubernetes:core/v1:ConfigMap", "cm", { kind: "ConfigMap", metadata: { namespace: "llm" } });
            const name = String((state.metadata as Record<string, unknown>).name);
            assert.match(name, /^cm-[0-9a-f]+$/);
            assert.deepEqual({ id, state }, { id: `llm/${name}`, state: { kind: "ConfigMap", metadata: { namespace: "llm", name } } });
        });

        it("an object without metadata gets metadata with an auto-name, and leaves its inputs' metadata alone", () => {
            const inputs: Record<string, unknown> = { kind: "ClusterRole" };
            const { id, state } = newResource("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "role", inputs);
            const name = String((state.metadata as Record<string, unknown>).name);
            assert.match(name, /^role-[0-9a-f]+$/);
            assert.deepEqual({ id, state }, { id: name, state: { kind: "ClusterRole", metadata: { name } } });
            assert.deepEqual(inputs, { kind: "ClusterRole" });
        });

        it("a Helm release with a name and namespace has the id namespace/name and a deployed status of its chart version", () => {
            const inputs = { chart: "kube-prometheus-stack", version: "69.8.2", name: "kps", namespace: "monitoring", status: "stale" };
            assert.deepEqual(newResource("kubernetes:helm.sh/v3:Release", "kps", inputs), {
                id: "monitoring/kps",
                state: { chart: "kube-prometheus-stack", version: "69.8.2", name: "kps", namespace: "monitoring", status: { status: "deployed", version: "69.8.2" } },
            });
        });

        it("a Helm release without a name or namespace is auto-named in default", () => {
            const { id, state } = newResource("kubernetes:helm.sh/v3:Release", "kps", { chart: "c" });
            const name = String(state.name);
            assert.match(name, /^kps-[0-9a-f]+$/);
            assert.deepEqual({ id, state }, { id: `default/${name}`, state: { chart: "c", name, namespace: "default", status: { status: "deployed", version: undefined } } });
        });

        it("a provider's id is a stable 36-character hex string and its state its inputs, Kubernetes or AWS", () => {
            // Real provider ids are UUIDs: the mock's hex is checked for shape and stability only.
            for (const type of ["pulumi:providers:kubernetes", "pulumi:providers:aws"]) {
                const inputs = { kubeconfig: "{}", region: "eu-central-1" };
                const { id, state } = newResource(type, "p", inputs);
                assert.match(String(id), /^[0-9a-f]{36}$/);
                assert.equal(newResource(type, "p", {}).id, id);
                assert.notEqual(newResource(type, "q", {}).id, id);
                assert.deepEqual(state, inputs);
            }
        });
    });

    describe("stack references, random passwords and other custom resources", () => {
        /** A stack reference's state with the kubeconfig's endpoint left out (see below). */
        function referenceState(state: Record<string, unknown>): { rest: Record<string, unknown>; kubeconfig: Record<string, unknown>; server: string } {
            const outputs = state.outputs as Record<string, unknown>;
            const { kubeconfig, ...otherOutputs } = outputs;
            const parsed = JSON.parse(String(kubeconfig)) as Record<string, unknown>;
            const server = String((parsed.clusters as { cluster: { server: string } }[])[0].cluster.server);
            return { rest: { ...state, outputs: otherOutputs }, kubeconfig: parsed, server };
        }

        it("a stack reference's id is the stack and its outputs those of this repository's environments, the kubeconfig secret", () => {
            const { id, state } = newResource("pulumi:pulumi:StackReference", "ref", { name: "org/platform/prod", outputs: { stale: true } });
            assert.equal(id, "org/platform/prod");
            const { rest, kubeconfig, server } = referenceState(state);
            assert.deepEqual(rest, {
                name: "org/platform/prod",
                outputs: { clusterName: "prod-cluster", kuberayNamespace: "kuberay-system", monitoringNamespace: "monitoring", grafanaUrl: "http://kps-grafana.monitoring.svc" },
                secretOutputNames: ["kubeconfig"],
            });
            // The referenced cluster is in the mocks' region (eu-central-1 here).
            assert.equal(server, "https://BCA5DD8783A6D66938CA2A0E4694108A.gr7.eu-central-1.eks.amazonaws.com");
            // base64("mock CA of prod-cluster")
            assert.deepEqual(kubeconfig, kubeconfigOf("prod-cluster", server, "bW9jayBDQSBvZiBwcm9kLWNsdXN0ZXI="));
        });

        it("stackReferenceState names the cluster after the last part of a stack name without slashes, in us-west-2 by default", () => {
            const { rest, server } = referenceState(stackReferenceState("dev"));
            // sha256("dev") first 32 hex, upper case
            assert.equal(server, "https://EF260E9AA3C673AF240D17A266048036.gr7.us-west-2.eks.amazonaws.com");
            assert.deepEqual(rest, {
                outputs: { clusterName: "dev-cluster", kuberayNamespace: "kuberay-system", monitoringNamespace: "monitoring", grafanaUrl: "http://kps-grafana.monitoring.svc" },
                secretOutputNames: ["kubeconfig"],
            });
        });

        it("mockKubeconfig writes the endpoint, base64 CA and aws eks get-token exec of the cluster", () => {
            // base64("mock CA of eks-prod")
            assert.deepEqual(mockKubeconfig("eks-prod", "https://x"), kubeconfigOf("eks-prod", "https://x", "bW9jayBDQSBvZiBla3MtcHJvZA=="));
        });

        it("a random password's id is none and its result and bcrypt hash are the placeholder, over any such input", () => {
            assert.equal(RANDOM_PLACEHOLDER, "offline-plan-random-placeholder");
            assert.deepEqual(newResource("random:index/randomPassword:RandomPassword", "auth", { length: 64, special: false, result: "from-input" }), {
                id: "none",
                state: { length: 64, special: false, result: "offline-plan-random-placeholder", bcryptHash: "offline-plan-random-placeholder" },
            });
        });

        it("an unknown custom resource's id is its name and 8 hex characters; its state is its inputs", () => {
            assert.deepEqual(newResource("tls:index/privateKey:PrivateKey", "key", { algorithm: "RSA" }), { id: "key-a51ab528", state: { algorithm: "RSA" } });
        });
    });

    describe("invokes", () => {
        it("getRegion answers the environment's region and its EC2 endpoint", () => {
            // AWS's description is the region's long name (e.g. "Europe (Frankfurt)"): not pinned.
            const { description, ...rest } = call("aws:index/getRegion:getRegion");
            assert.deepEqual(rest, { id: "eu-central-1", region: "eu-central-1", name: "eu-central-1", endpoint: "ec2.eu-central-1.amazonaws.com" });
            assert.equal(typeof description, "string");
        });

        it("getPartition answers the aws partition", () => {
            assert.deepEqual(call("aws:index/getPartition:getPartition"), { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" });
        });

        it("getCallerIdentity answers the environment's account and an IAM user in it", () => {
            assert.deepEqual(call("aws:index/getCallerIdentity:getCallerIdentity"), {
                id: "111122223333",
                accountId: "111122223333",
                arn: "arn:aws:iam::111122223333:user/offline-plan",
                userId: "AIDAOFFLINEPLAN",
            });
        });

        it("getAddonVersion answers addonVersionOf the add-on and Kubernetes version asked for", () => {
            assert.deepEqual(call("aws:eks/getAddonVersion:getAddonVersion", { addonName: "vpc-cni", kubernetesVersion: "1.32", mostRecent: true }), {
                id: "vpc-cni-1.32",
                addonName: "vpc-cni",
                kubernetesVersion: "1.32",
                mostRecent: true,
                version: "v1.32.0-eksbuild.1",
            });
        });

        it("without an environment the mocks answer us-west-2 and account 123456789012", () => {
            assert.deepEqual(DEFAULT_MOCK_ENVIRONMENT, { region: "us-west-2", accountId: "123456789012" });
            const mocks = createMocks();
            assert.equal((mocks.call({ token: "aws:index/getRegion:getRegion", inputs: {}, provider: "" }) as Record<string, unknown>).region, "us-west-2");
            assert.equal((mocks.call({ token: "aws:index/getCallerIdentity:getCallerIdentity", inputs: {}, provider: "" }) as Record<string, unknown>).accountId, "123456789012");
        });

        it("an unknown invoke throws an Error whose message and details name it and the file to add it to", () => {
            const text = "the offline plan's mocks do not know the invoke \"aws:ec2/getAmi:getAmi\": add it to plan/mocks.ts";
            assert.throws(() => call("aws:ec2/getAmi:getAmi"), (err: unknown) => {
                assert.ok(err instanceof Error);
                assert.equal(err.message, text);
                assert.equal((err as Error & { details?: unknown }).details, text);
                return true;
            });
        });
    });
});
