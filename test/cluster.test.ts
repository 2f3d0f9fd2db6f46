import * as assert from "node:assert/strict";

import { LOAD_BALANCER_CONTROLLER_POLICY_AWS } from "./support/expected-lb-policy";
import { componentUrn, descendantsOf, isSecret, resource, settle, valueOf } from "./support/mocks";

import {
    CONTROLLER_POLICY_KEYS,
    INTERRUPTION_RULES,
    LlmCluster,
    LlmClusterArgs,
} from "../components/cluster";

const TYPE = "ray-vllm-eks:index:LlmCluster";
const TAGS = { team: "ml-platform" };
/** The trust policy of a role handed to a service account through EKS Pod Identity. */
const POD_IDENTITY_TRUST = {
    Version: "2012-10-17",
    Statement: [{ Sid: "AllowEksAuthToAssumeRoleForPodIdentity", Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
};

function create(name: string, args: LlmClusterArgs = {}): LlmCluster {
    return new LlmCluster(name, { endpointPublicAccessCidrs: ["198.51.100.0/24"], tags: TAGS, ...args });
}

function policyOf(r: { inputs: Record<string, unknown> }, key = "policy"): any {
    return JSON.parse(r.inputs[key] as string);
}

describe("LlmCluster", () => {
    let cluster: LlmCluster;
    const name = "c1";
    const urn = componentUrn(TYPE, name);

    before(async () => {
        cluster = create(name, { clusterName: "llm-test" });
        await valueOf(cluster.clusterName);
        await settle();
    });

    it("registers exactly its children, named <name>-<role>", () => {
        const children = descendantsOf(urn).map((r) => `${r.type} ${r.name}`);
        const expected = [
            "aws:cloudwatch/logGroup:LogGroup c1-control-plane-logs",
            "aws:ec2/tag:Tag c1-discovery-tag",
            "aws:eks/accessEntry:AccessEntry c1-karpenter-node-access",
            "aws:eks/addon:Addon c1-coredns",
            "aws:eks/addon:Addon c1-ebs-csi-driver",
            "aws:eks/addon:Addon c1-pod-identity-agent",
            "aws:eks/podIdentityAssociation:PodIdentityAssociation c1-karpenter-pod-identity",
            "aws:eks/podIdentityAssociation:PodIdentityAssociation c1-lb-controller",
            "aws:iam/role:Role c1-ebs-csi",
            "aws:iam/role:Role c1-karpenter-controller",
            "aws:iam/role:Role c1-karpenter-node",
            "aws:iam/role:Role c1-lb-controller",
            "aws:iam/role:Role c1-system-node",
            ...["cni", "ecr-pull", "ssm", "worker-node"].flatMap((p) => [
                `aws:iam/rolePolicyAttachment:RolePolicyAttachment c1-karpenter-node-${p}`,
                `aws:iam/rolePolicyAttachment:RolePolicyAttachment c1-system-node-${p}`,
            ]),
            ...CONTROLLER_POLICY_KEYS.map((k) => `aws:iam/rolePolicy:RolePolicy c1-karpenter-${k}`),
            "aws:iam/rolePolicy:RolePolicy c1-lb-controller",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment c1-ebs-csi",
            ...INTERRUPTION_RULES.flatMap((r) => [
                `aws:cloudwatch/eventRule:EventRule c1-karpenter-${r.role}`,
                `aws:cloudwatch/eventTarget:EventTarget c1-karpenter-${r.role}`,
            ]),
            "aws:ec2/launchTemplate:LaunchTemplate c1-system-node-template",
            "aws:kms/key:Key c1-secrets-key",
            "aws:sqs/queue:Queue c1-karpenter-queue",
            "aws:sqs/queuePolicy:QueuePolicy c1-karpenter-queue-policy",
            "awsx:ec2:Vpc c1-vpc",
            "eks:index:Cluster c1-eks",
            "eks:index:ManagedNodeGroup c1-system-nodes",
            "kubernetes:helm.sh/v3:Release c1-karpenter",
            "kubernetes:helm.sh/v3:Release c1-karpenter-crd",
            "kubernetes:helm.sh/v3:Release c1-lb-controller",
            "kubernetes:storage.k8s.io/v1:StorageClass c1-gp3",
            "pulumi:providers:kubernetes c1-k8s",
        ];
        assert.deepEqual([...children].sort(), [...expected].sort());
        assert.equal(children.length, 51);
        for (const r of descendantsOf(urn)) {
            assert.equal(r.parent, urn, `${r.name} is a direct child`);
        }
    });

    it("createNetwork: builds the VPC with tagged private subnets for nodes and public ones for load balancers", () => {
        const vpc = resource("awsx:ec2:Vpc", "c1-vpc");
        assert.deepEqual(vpc.inputs, {
            cidrBlock: "10.0.0.0/16",
            enableDnsHostnames: true,
            enableDnsSupport: true,
            natGateways: { strategy: "OnePerAz" },
            numberOfAvailabilityZones: 3,
            subnetSpecs: [
                { type: "Private", tags: { "karpenter.sh/discovery": "llm-test", "kubernetes.io/role/internal-elb": "1" } },
                { type: "Public", tags: { "kubernetes.io/role/elb": "1" } },
            ],
            subnetStrategy: "Auto",
            tags: TAGS,
        });
    });

    it("createControlPlane: creates the EKS cluster with access entries, all logs, a rotating KMS key and a restricted endpoint", () => {
        const eks = resource("eks:index:Cluster", "c1-eks");
        const key = resource("aws:kms/key:Key", "c1-secrets-key");
        assert.deepEqual(key.inputs, {
            deletionWindowInDays: 30,
            description: "Envelope encryption of Kubernetes secrets in EKS cluster llm-test",
            enableKeyRotation: true,
            tags: TAGS,
        });
        const { encryptionConfigKeyArn, privateSubnetIds, publicSubnetIds, vpcId, ...rest } = eks.inputs;
        assert.match(encryptionConfigKeyArn as string, /^arn:aws:kms:us-west-2:123456789012:key\/[0-9a-f-]{36}$/);
        assert.match(vpcId as string, /^vpc-[0-9a-f]{17}$/);
        assert.equal((privateSubnetIds as string[]).length, 3);
        assert.equal((publicSubnetIds as string[]).length, 3);
        assert.deepEqual(rest, {
            authenticationMode: "API",
            createOidcProvider: false,
            deletionProtection: true,
            enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            endpointPrivateAccess: true,
            endpointPublicAccess: true,
            name: "llm-test",
            nodeAssociatePublicIpAddress: false,
            publicAccessCidrs: ["198.51.100.0/24"],
            skipDefaultNodeGroup: true,
            skipDefaultSecurityGroups: true,
            tags: TAGS,
            upgradePolicy: { supportType: "STANDARD" },
            version: "1.35",
            // The network policy agent enforces VllmRayService's NetworkPolicies.
            vpcCniOptions: { enableNetworkPolicy: true, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" },
        });
        assert.ok(eks.dependencies.includes(resource("aws:cloudwatch/logGroup:LogGroup", "c1-control-plane-logs").urn));
        assert.deepEqual(eks.options, { dependsOn: [resource("aws:cloudwatch/logGroup:LogGroup", "c1-control-plane-logs").urn], protect: true }, "the log group exists before EKS would create its own");
        assert.deepEqual(resource("aws:cloudwatch/logGroup:LogGroup", "c1-control-plane-logs").inputs, {
            name: "/aws/eks/llm-test/cluster",
            retentionInDays: 90,
            tags: TAGS,
        });
    });

    it("createSystemNodes: runs a CPU-only, on-demand system node group in the private subnets", () => {
        const ng = resource("eks:index:ManagedNodeGroup", "c1-system-nodes");
        assert.equal(ng.inputs.cluster, resource("eks:index:Cluster", "c1-eks").urn);
        const template = resource("aws:ec2/launchTemplate:LaunchTemplate", "c1-system-node-template");
        assert.deepEqual(template.inputs, {
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { deleteOnTermination: "true", encrypted: "true", volumeSize: 150, volumeType: "gp3" } }],
            description: "System nodes: IMDSv2 with hop limit 1, encrypted gp3 root volume",
            metadataOptions: { httpEndpoint: "enabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
            tags: TAGS,
            updateDefaultVersion: true,
        });
        assert.match((ng.inputs.launchTemplate as any).id, /^lt-[0-9a-f]{17}$/);
        assert.equal((ng.inputs.launchTemplate as any).version, "1");
        for (const p of ["cni", "ecr-pull", "ssm", "worker-node"]) {
            assert.ok(ng.dependencies.includes(resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `c1-system-node-${p}`).urn), `the node group waits for the ${p} policy`);
        }
        assert.deepEqual(
            { ...ng.inputs, cluster: undefined, nodeRoleArn: undefined, subnetIds: undefined, launchTemplate: undefined },
            {
                amiType: "AL2023_x86_64_STANDARD",
                capacityType: "ON_DEMAND",
                cluster: undefined,
                instanceTypes: ["m7i.xlarge", "m6i.xlarge"],
                launchTemplate: undefined,
                labels: { "ray-vllm-eks/node-pool": "system" },
                nodeRoleArn: undefined,
                scalingConfig: { desiredSize: 2, maxSize: 4, minSize: 2 },
                subnetIds: undefined,
                tags: TAGS,
                // With a launch template, pulumi-eks leaves the version unset: it is the control plane's.
                version: "1.35",
            },
        );
        assert.match(ng.inputs.nodeRoleArn as string, /^arn:aws:iam::123456789012:role\/c1-system-node-[0-9a-f]{7}$/);
        assert.deepEqual(ng.inputs.subnetIds, resource("eks:index:Cluster", "c1-eks").inputs.privateSubnetIds);
    });

    it("createNodeRole: gives both node roles the four managed node policies", () => {
        for (const role of ["system-node", "karpenter-node"]) {
            assert.deepEqual(policyOf(resource("aws:iam/role:Role", `c1-${role}`), "assumeRolePolicy"), {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
            const attached = ["worker-node", "cni", "ecr-pull", "ssm"].map((p) => resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `c1-${role}-${p}`).inputs.policyArn);
            assert.deepEqual(attached, [
                "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
                "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
                "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
                "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            ]);
        }
        const access = resource("aws:eks/accessEntry:AccessEntry", "c1-karpenter-node-access");
        assert.deepEqual({ ...access.inputs, principalArn: undefined }, {
            clusterName: "llm-test",
            principalArn: undefined,
            tags: TAGS,
            type: "EC2_LINUX",
        });
        assert.match(access.inputs.principalArn as string, /^arn:aws:iam::123456789012:role\/c1-karpenter-node-[0-9a-f]{7}$/);
    });

    it("createKarpenter: tags the cluster security group for Karpenter discovery", () => {
        const tag = resource("aws:ec2/tag:Tag", "c1-discovery-tag");
        assert.deepEqual({ key: tag.inputs.key, value: tag.inputs.value }, { key: "karpenter.sh/discovery", value: "llm-test" });
        assert.match(tag.inputs.resourceId as string, /^sg-[0-9a-f]{17}$/);
    });

    it("createKarpenter: creates the interruption queue, its TLS-only policy and five EventBridge rules targeting it", () => {
        const queue = resource("aws:sqs/queue:Queue", "c1-karpenter-queue");
        assert.deepEqual(queue.inputs, { messageRetentionSeconds: 300, name: "llm-test", sqsManagedSseEnabled: true, tags: TAGS });
        const queueArn = "arn:aws:sqs:us-west-2:123456789012:llm-test";
        const policy = resource("aws:sqs/queuePolicy:QueuePolicy", "c1-karpenter-queue-policy");
        assert.equal(policy.inputs.queueUrl, "https://sqs.us-west-2.amazonaws.com/123456789012/llm-test");
        assert.deepEqual(policyOf(policy), {
            Version: "2012-10-17",
            Id: "EC2InterruptionPolicy",
            Statement: [
                { Sid: "AllowEventBridgeToSend", Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, Action: "sqs:SendMessage", Resource: queueArn },
                { Sid: "DenyHTTP", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: queueArn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
            ],
        });
        const patterns = INTERRUPTION_RULES.map((r) => JSON.parse(resource("aws:cloudwatch/eventRule:EventRule", `c1-karpenter-${r.role}`).inputs.eventPattern as string));
        assert.deepEqual(patterns, [
            { "source": ["aws.health"], "detail-type": ["AWS Health Event"] },
            { "source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
            { "source": ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
            { "source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
            { "source": ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
        ]);
        for (const r of INTERRUPTION_RULES) {
            const target = resource("aws:cloudwatch/eventTarget:EventTarget", `c1-karpenter-${r.role}`);
            assert.equal(target.inputs.arn, queueArn);
            assert.match(target.inputs.rule as string, new RegExp(`^c1-karpenter-${r.role}-[0-9a-f]{7}$`));
        }
    });

    it("createKarpenter, createPodIdentityAgent: gives the controller a Pod Identity role scoped to this cluster, its node role and its queue", () => {
        const role = resource("aws:iam/role:Role", "c1-karpenter-controller");
        assert.deepEqual(policyOf(role, "assumeRolePolicy"), POD_IDENTITY_TRUST);
        const sids = Object.fromEntries(CONTROLLER_POLICY_KEYS.map((k) => [k, policyOf(resource("aws:iam/rolePolicy:RolePolicy", `c1-karpenter-${k}`)).Statement.map((s: any) => s.Sid)]));
        assert.deepEqual(sids, {
            "node-lifecycle": ["AllowScopedEC2InstanceAccessActions", "AllowScopedEC2LaunchTemplateAccessActions", "AllowScopedEC2InstanceActionsWithTags", "AllowScopedResourceCreationTagging", "AllowScopedResourceTagging", "AllowScopedDeletion"],
            "iam-integration": ["AllowPassingInstanceRole", "AllowScopedInstanceProfileCreationActions", "AllowScopedInstanceProfileTagActions", "AllowScopedInstanceProfileActions"],
            "eks-integration": ["AllowAPIServerEndpointDiscovery"],
            "interruption": ["AllowInterruptionQueueActions"],
            "zonal-shift": ["AllowZonalShiftStatusReadOnly"],
            "resource-discovery": ["AllowRegionalReadActions", "AllowSSMReadActions", "AllowPricingReadActions", "AllowUnscopedInstanceProfileListAction", "AllowInstanceProfileReadActions"],
        });
        const iam = policyOf(resource("aws:iam/rolePolicy:RolePolicy", "c1-karpenter-iam-integration"));
        assert.match(iam.Statement[0].Resource, /^arn:aws:iam::123456789012:role\/c1-karpenter-node-[0-9a-f]{7}$/);
        assert.deepEqual(policyOf(resource("aws:iam/rolePolicy:RolePolicy", "c1-karpenter-interruption")).Statement[0].Resource, "arn:aws:sqs:us-west-2:123456789012:llm-test");
        assert.equal(policyOf(resource("aws:iam/rolePolicy:RolePolicy", "c1-karpenter-eks-integration")).Statement[0].Resource, "arn:aws:eks:us-west-2:123456789012:cluster/llm-test");
        const lifecycle = policyOf(resource("aws:iam/rolePolicy:RolePolicy", "c1-karpenter-node-lifecycle"));
        assert.deepEqual(lifecycle.Statement[5].Condition, {
            StringEquals: { "aws:ResourceTag/kubernetes.io/cluster/llm-test": "owned" },
            StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        });
        // IAM's limit on a role's inline policies is 10,240 characters, white space excluded.
        const total = CONTROLLER_POLICY_KEYS.reduce((n, k) => n + (resource("aws:iam/rolePolicy:RolePolicy", `c1-karpenter-${k}`).inputs.policy as string).replace(/\s/g, "").length, 0);
        assert.ok(total < 10240, `inline policies take ${total} characters`);

        const association = resource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "c1-karpenter-pod-identity");
        assert.deepEqual({ ...association.inputs, roleArn: undefined }, {
            clusterName: "llm-test",
            namespace: "kube-system",
            roleArn: undefined,
            serviceAccount: "karpenter",
            tags: TAGS,
        });
        assert.match(association.inputs.roleArn as string, /^arn:aws:iam::123456789012:role\/c1-karpenter-controller-[0-9a-f]{7}$/);
        assert.ok(association.dependencies.includes(resource("aws:eks/addon:Addon", "c1-pod-identity-agent").urn));
        assert.deepEqual(resource("aws:eks/addon:Addon", "c1-pod-identity-agent").inputs, {
            addonName: "eks-pod-identity-agent",
            // The mocks' getAddonVersion names the Kubernetes version it was asked for.
            addonVersion: "v1.35.0-eksbuild.1",
            clusterName: "llm-test",
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags: TAGS,
        });
    });

    it("createKarpenter: installs the pinned Karpenter CRD and controller charts through the cluster's provider, in order", () => {
        const provider = resource("pulumi:providers:kubernetes", "c1-k8s");
        assert.deepEqual(provider.inputs, { enableServerSideApply: "true", kubeconfig: "[secret]" });
        const crds = resource("kubernetes:helm.sh/v3:Release", "c1-karpenter-crd");
        const controller = resource("kubernetes:helm.sh/v3:Release", "c1-karpenter");
        for (const release of [crds, controller]) {
            assert.ok(release.provider?.startsWith(`${provider.urn}::`), `${release.name} uses the cluster's provider`);
        }
        assert.deepEqual(crds.inputs, {
            chart: "oci://public.ecr.aws/karpenter/karpenter-crd",
            compat: "true",
            name: "karpenter-crd",
            namespace: "kube-system",
            // Helm leaves the CRDs (and so every NodePool and GPU node) in place on uninstall.
            values: { additionalAnnotations: { "helm.sh/resource-policy": "keep" } },
            version: "1.14.1",
        });
        assert.deepEqual(controller.inputs, {
            chart: "oci://public.ecr.aws/karpenter/karpenter",
            compat: "true",
            createNamespace: true,
            name: "karpenter",
            namespace: "kube-system",
            skipCrds: true,
            values: {
                controller: {
                    env: [{ name: "AWS_REGION", value: "us-west-2" }],
                    resources: { limits: { memory: "1Gi" }, requests: { cpu: "1", memory: "1Gi" } },
                },
                serviceAccount: { create: true, name: "karpenter" },
                settings: { clusterName: "llm-test", interruptionQueue: "llm-test" },
            },
            version: "1.14.1",
        });
        const after = ["kubernetes:helm.sh/v3:Release c1-karpenter-crd", "eks:index:ManagedNodeGroup c1-system-nodes", "aws:eks/podIdentityAssociation:PodIdentityAssociation c1-karpenter-pod-identity", "aws:eks/accessEntry:AccessEntry c1-karpenter-node-access", ...CONTROLLER_POLICY_KEYS.map((k) => `aws:iam/rolePolicy:RolePolicy c1-karpenter-${k}`)];
        for (const dep of after) {
            const [type, depName] = dep.split(" ");
            assert.ok(controller.dependencies.includes(resource(type, depName).urn), `the controller release waits for ${dep}`);
        }
    });

    it("createEbsCsiDriver: installs the EBS CSI driver with its own Pod Identity role, and an encrypted gp3 StorageClass", () => {
        assert.deepEqual(JSON.parse(resource("aws:iam/role:Role", "c1-ebs-csi").inputs.assumeRolePolicy as string), POD_IDENTITY_TRUST);
        assert.equal(resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "c1-ebs-csi").inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
        const addon = resource("aws:eks/addon:Addon", "c1-ebs-csi-driver");
        assert.equal(addon.inputs.addonName, "aws-ebs-csi-driver");
        assert.deepEqual((addon.inputs.podIdentityAssociations as any[]).map((p) => p.serviceAccount), ["ebs-csi-controller-sa"]);
        assert.match((addon.inputs.podIdentityAssociations as any[])[0].roleArn, /^arn:aws:iam::123456789012:role\/c1-ebs-csi-/);
        const storageClass = resource("kubernetes:storage.k8s.io/v1:StorageClass", "c1-gp3");
        assert.deepEqual(storageClass.inputs, {
            apiVersion: "storage.k8s.io/v1",
            kind: "StorageClass",
            metadata: { name: "gp3" },
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true" },
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
            reclaimPolicy: "Retain",
        });
        assert.ok(storageClass.dependencies.includes(addon.urn), "the StorageClass waits for its driver");
    });

    it("createLoadBalancerController: installs the AWS Load Balancer Controller with its own Pod Identity role, knowing its region and VPC", async () => {
        const role = resource("aws:iam/role:Role", "c1-lb-controller");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string), POD_IDENTITY_TRUST);
        const policy = resource("aws:iam/rolePolicy:RolePolicy", "c1-lb-controller");
        assert.deepEqual(JSON.parse(policy.inputs.policy as string), LOAD_BALANCER_CONTROLLER_POLICY_AWS);
        const identity = resource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "c1-lb-controller");
        assert.deepEqual({ namespace: identity.inputs.namespace, serviceAccount: identity.inputs.serviceAccount }, { namespace: "kube-system", serviceAccount: "aws-load-balancer-controller" });
        assert.ok(identity.dependencies.includes(resource("aws:eks/addon:Addon", "c1-pod-identity-agent").urn));
        const release = resource("kubernetes:helm.sh/v3:Release", "c1-lb-controller");
        const { values, ...rest } = release.inputs as { values: Record<string, unknown> };
        assert.deepEqual(rest, {
            chart: "aws-load-balancer-controller",
            compat: "true",
            name: "aws-load-balancer-controller",
            namespace: "kube-system",
            repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
            version: "3.5.0",
        });
        assert.match(values.vpcId as string, /^vpc-[0-9a-f]{17}$/);
        assert.equal(values.vpcId, await valueOf(cluster.vpcId), "the cluster's own VPC");
        assert.deepEqual(values, {
            clusterName: "llm-test",
            region: "us-west-2",
            vpcId: values.vpcId,
            replicaCount: 2,
            serviceAccount: { create: true, name: "aws-load-balancer-controller" },
            nodeSelector: { "ray-vllm-eks/node-pool": "system" },
            podDisruptionBudget: { maxUnavailable: 1 },
            enableServiceMutatorWebhook: false,
            keepTLSSecret: true,
        });
        for (const dep of ["eks:index:ManagedNodeGroup c1-system-nodes", "aws:eks/podIdentityAssociation:PodIdentityAssociation c1-lb-controller", "aws:iam/rolePolicy:RolePolicy c1-lb-controller"]) {
            const [type, depName] = dep.split(" ");
            assert.ok(release.dependencies.includes(resource(type, depName).urn), `the controller waits for ${dep}`);
        }
    });

    it("exposes the kubeconfig as a secret, and names, ids and ARNs as outputs", async () => {
        assert.equal(await isSecret(cluster.kubeconfig), true);
        const kubeconfig = JSON.parse(await valueOf(cluster.kubeconfig));
        assert.deepEqual(kubeconfig.users[0].user.exec.args, ["eks", "get-token", "--cluster-name", "llm-test", "--output", "json"]);
        assert.equal(await valueOf(cluster.clusterName), "llm-test");
        assert.equal(await valueOf(cluster.kubernetesVersion), "1.35");
        assert.match(await valueOf(cluster.vpcId), /^vpc-[0-9a-f]{17}$/);
        assert.equal((await valueOf(cluster.privateSubnetIds)).length, 3);
        assert.equal((await valueOf(cluster.publicSubnetIds)).length, 3);
        assert.match(await valueOf(cluster.clusterSecurityGroupId), /^sg-[0-9a-f]{17}$/);
        assert.match(await valueOf(cluster.nodeRoleName), /^c1-karpenter-node-[0-9a-f]{7}$/);
        assert.equal(await valueOf(cluster.nodeRoleArn), `arn:aws:iam::123456789012:role/${await valueOf(cluster.nodeRoleName)}`);
        assert.deepEqual(await valueOf(cluster.discoveryTag), { "karpenter.sh/discovery": "llm-test" });
        assert.equal(await valueOf(cluster.interruptionQueueName), "llm-test");
        assert.equal(await valueOf(cluster.karpenterNamespace), "kube-system");
        const registered = resource(TYPE, name).outputs!;
        assert.deepEqual(Object.keys(registered).sort(), [
            "clusterName", "clusterSecurityGroupId", "discoveryTag", "interruptionQueueName", "karpenterNamespace", "kubeconfig",
            "kubernetesVersion", "nodeRoleArn", "nodeRoleName", "privateSubnetIds", "publicSubnetIds", "vpcId",
        ]);
        assert.equal(registered.kubeconfig, "[secret]");
    });
});

describe("LlmCluster resource options", () => {
    /** The children of a cluster with these options set, as `type name` lists. */
    function withOption(cluster: string, option: string): string[] {
        return descendantsOf(componentUrn(TYPE, cluster)).filter((r) => (r.options as Record<string, unknown>)[option] !== undefined)
            .map((r) => `${r.type} ${r.name}`).sort();
    }

    it("protects the VPC, the secrets' key and the EKS cluster while deletionProtection is on (the default)", () => {
        assert.deepEqual(withOption("c1", "protect"), ["awsx:ec2:Vpc c1-vpc", "aws:kms/key:Key c1-secrets-key", "eks:index:Cluster c1-eks"].sort());
        assert.deepEqual(withOption("c1", "retainOnDelete"), []);
    });

    it("protects nothing once deletionProtection is off, so pulumi destroy can go through", async () => {
        const c = new LlmCluster("c5", { endpointPublicAccessCidrs: ["198.51.100.0/24"], deletionProtection: false });
        await valueOf(c.clusterName);
        await settle();
        assert.deepEqual(withOption("c5", "protect"), []);
        assert.equal(resource("eks:index:Cluster", "c5-eks").inputs.deletionProtection, false);
    });

    it("deletes before replacing what has a fixed name, and replaces the StorageClass on a new reclaim policy", () => {
        assert.deepEqual(withOption("c1", "deleteBeforeReplace"), [
            "kubernetes:helm.sh/v3:Release c1-karpenter",
            "kubernetes:storage.k8s.io/v1:StorageClass c1-gp3",
        ]);
        assert.deepEqual(withOption("c1", "replaceOnChanges"), ["kubernetes:storage.k8s.io/v1:StorageClass c1-gp3"]);
        assert.deepEqual(resource("kubernetes:storage.k8s.io/v1:StorageClass", "c1-gp3").options.replaceOnChanges, ["reclaimPolicy"]);
    });

    it("deletes an access entry and its association before replacing them (one entry per principal)", async () => {
        const c = new LlmCluster("c6", {
            endpointPublicAccessCidrs: ["198.51.100.0/24"],
            accessEntries: [{ name: "ci", principalArn: "arn:aws:iam::111122223333:role/ci", access: "admin", namespaces: ["llm"] }],
        });
        await valueOf(c.clusterName);
        await settle();
        assert.deepEqual(withOption("c6", "deleteBeforeReplace"), [
            "aws:eks/accessEntry:AccessEntry c6-access-ci",
            "aws:eks/accessPolicyAssociation:AccessPolicyAssociation c6-access-ci",
            "kubernetes:helm.sh/v3:Release c6-karpenter",
            "kubernetes:storage.k8s.io/v1:StorageClass c6-gp3",
        ]);
    });

    it("moves only the Karpenter controller with karpenterNamespace; the CRDs' release stays in kube-system", async () => {
        const c = new LlmCluster("c7", { endpointPublicAccessCidrs: ["198.51.100.0/24"], karpenterNamespace: "karpenter" });
        await valueOf(c.clusterName);
        await settle();
        assert.equal(resource("kubernetes:helm.sh/v3:Release", "c7-karpenter-crd").inputs.namespace, "kube-system");
        assert.equal(resource("kubernetes:helm.sh/v3:Release", "c7-karpenter").inputs.namespace, "karpenter");
        assert.equal(resource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "c7-karpenter-pod-identity").inputs.namespace, "karpenter");
    });
});

describe("LlmCluster arguments", () => {
    it("turns the public endpoint off when no CIDR is listed (the private endpoint stays on)", async () => {
        const c = new LlmCluster("c2", { endpointPrivateAccessCidrs: ["10.100.0.0/16"] });
        await valueOf(c.clusterName);
        await settle();
        const eks = resource("eks:index:Cluster", "c2-eks");
        assert.equal(eks.inputs.endpointPublicAccess, false);
        assert.equal(eks.inputs.endpointPrivateAccess, true);
        assert.equal("publicAccessCidrs" in eks.inputs, false);
        assert.equal(eks.inputs.name, "c2", "the cluster is named after the component by default");
    });

    it("accepts 0.0.0.0/0 only with allowPublicEndpointFromAnywhere", async () => {
        const c = new LlmCluster("c3", { endpointPublicAccessCidrs: ["0.0.0.0/0"], allowPublicEndpointFromAnywhere: true });
        await valueOf(c.clusterName);
        await settle();
        assert.deepEqual(resource("eks:index:Cluster", "c3-eks").inputs.publicAccessCidrs, ["0.0.0.0/0"]);
    });

    it("keeps a default when an argument is explicitly undefined (as unset config is)", async () => {
        const c = new LlmCluster("c4", { endpointPublicAccessCidrs: ["198.51.100.0/24"], kubernetesVersion: undefined, systemNodeMinSize: 3, systemNodeMaxSize: 5, natGateways: "Single" });
        await valueOf(c.clusterName);
        await settle();
        assert.equal(resource("eks:index:Cluster", "c4-eks").inputs.version, "1.35");
        assert.deepEqual(resource("eks:index:ManagedNodeGroup", "c4-system-nodes").inputs.scalingConfig, { desiredSize: 3, maxSize: 5, minSize: 3 });
        assert.deepEqual(resource("awsx:ec2:Vpc", "c4-vpc").inputs.natGateways, { strategy: "Single" });
    });
});
