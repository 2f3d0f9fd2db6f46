import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { withDefaults } from "../common/args";
import { throwIfInvalid } from "../common/validation";
import {
    CONTROLLER_POLICY_KEYS,
    controllerPolicies,
    DISCOVERY_TAG_KEY,
    ec2TrustPolicy,
    INTERRUPTION_MESSAGE_RETENTION_SECONDS,
    INTERRUPTION_RULES,
    interruptionEventPattern,
    interruptionQueuePolicy,
    KARPENTER_CHART,
    KARPENTER_CRD_CHART,
    KARPENTER_RELEASE_NAME,
    KARPENTER_SERVICE_ACCOUNT,
    karpenterHelmValues,
    NODE_ROLE_MANAGED_POLICIES,
    podIdentityTrustPolicy,
} from "./karpenter";
import { clusterDefaults, EBS_STORAGE_CLASS, LlmClusterArgs, ResolvedClusterArgs, SYSTEM_NODE_LABELS, validateLlmClusterArgs } from "./args";
import {
    LOAD_BALANCER_CONTROLLER_CHART,
    LOAD_BALANCER_CONTROLLER_REPO,
    LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
    loadBalancerControllerPolicy,
    loadBalancerControllerValues,
} from "./load-balancer-controller";

export * from "./args";
export * from "./karpenter";
export * from "./load-balancer-controller";

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
        // The VPC CNI's network policy agent enforces NetworkPolicies (VllmRayService's default deny).
        vpcCniOptions: { enableNetworkPolicy: true },
        // Karpenter authenticates through EKS Pod Identity: no IAM OIDC provider is needed.
        createOidcProvider: false,
        deletionProtection: a.deletionProtection,
        upgradePolicy: { supportType: a.supportType },
        tags: a.tags,
    };
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

/** The small on-demand, CPU-only managed node group for operators, Ray heads and monitoring. */
export function systemNodeGroupArgs(
    a: ResolvedClusterArgs,
    cluster: eks.Cluster,
    nodeRoleArn: pulumi.Input<string>,
    privateSubnetIds: pulumi.Input<string[]>,
    launchTemplate: aws.ec2.LaunchTemplate,
): eks.ManagedNodeGroupArgs {
    return {
        cluster,
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

/**
 * An EKS cluster ready to serve LLMs: an awsx VPC, an `@pulumi/eks` cluster with a small
 * system node group, and the Karpenter controller (IAM through EKS Pod Identity, the
 * interruption queue and its EventBridge rules, and the Helm chart) that provisions GPU
 * nodes for `GpuNodePool`.
 */
export class LlmCluster extends pulumi.ComponentResource {
    /** The kubeconfig (JSON) of the cluster; build in-cluster components' `k8s.Provider` from it. Secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The EKS cluster's name. */
    public readonly clusterName: pulumi.Output<string>;
    /** The Kubernetes version of the control plane. */
    public readonly kubernetesVersion: pulumi.Output<string>;
    /** The VPC's id. */
    public readonly vpcId: pulumi.Output<string>;
    /** The private subnets, where every node runs. */
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The public subnets, for internet-facing load balancers only. */
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    /** The security group EKS created for the cluster, shared by all nodes and tagged for Karpenter. */
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    /** The IAM role of the nodes Karpenter launches (an `EC2NodeClass` `role`). */
    public readonly nodeRoleName: pulumi.Output<string>;
    /** The ARN of that role. */
    public readonly nodeRoleArn: pulumi.Output<string>;
    /** The tag `EC2NodeClass` selectors use to find this cluster's subnets and security group. */
    public readonly discoveryTag: pulumi.Output<{ [key: string]: string }>;
    /** The SQS queue Karpenter reads interruption events from. */
    public readonly interruptionQueueName: pulumi.Output<string>;
    /** The namespace the Karpenter controller runs in. */
    public readonly karpenterNamespace: pulumi.Output<string>;

    constructor(name: string, args: LlmClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-vllm-eks:index:LlmCluster", name, {}, opts);

        const a: ResolvedClusterArgs = withDefaults(clusterDefaults, args);
        throwIfInvalid("LlmCluster", validateLlmClusterArgs(name, a), this);
        const clusterName = pulumi.output(a.clusterName ?? name);
        const parent = { parent: this };

        const vpc = new awsx.ec2.Vpc(`${name}-vpc`, vpcArgs(clusterName, a), parent);

        const secretsKey = new aws.kms.Key(`${name}-secrets-key`, {
            description: pulumi.interpolate`Envelope encryption of Kubernetes secrets in EKS cluster ${clusterName}`,
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            tags: a.tags,
        }, parent);

        // EKS writes control-plane logs to this group; creating it first bounds their retention.
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane-logs`, {
            name: pulumi.interpolate`/aws/eks/${clusterName}/cluster`,
            retentionInDays: a.controlPlaneLogRetentionDays,
            tags: a.tags,
        }, parent);

        const cluster = new eks.Cluster(`${name}-eks`, eksClusterArgs(clusterName, a, vpc, secretsKey.arn), {
            parent: this,
            dependsOn: [logGroup],
        });
        const eksClusterName = cluster.eksCluster.name;

        const partition = aws.getPartitionOutput({}, parent).partition;
        const nodeRole = (role: string): { role: aws.iam.Role; attachments: aws.iam.RolePolicyAttachment[] } => {
            const r = new aws.iam.Role(`${name}-${role}`, {
                description: pulumi.interpolate`Nodes of EKS cluster ${clusterName} (${role})`,
                assumeRolePolicy: JSON.stringify(ec2TrustPolicy()),
                tags: a.tags,
            }, parent);
            const attachments = Object.entries(NODE_ROLE_MANAGED_POLICIES).map(([short, policy]) =>
                new aws.iam.RolePolicyAttachment(`${name}-${role}-${short}`, {
                    role: r.name,
                    policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`,
                }, parent));
            return { role: r, attachments };
        };

        // System nodes: EKS creates their access entry for a managed node group's role. They start
        // only once the role has its policies, and on destroy they go before the policies do.
        const systemNodeRole = nodeRole("system-node");
        const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-system-node-template`, systemNodeLaunchTemplateArgs(a), parent);
        const systemNodes = new eks.ManagedNodeGroup(
            `${name}-system-nodes`,
            systemNodeGroupArgs(a, cluster, systemNodeRole.role.arn, vpc.privateSubnetIds, launchTemplate),
            { parent: this, dependsOn: systemNodeRole.attachments },
        );

        // Karpenter's nodes: their role needs an access entry of type EC2_LINUX to join.
        const karpenterNodeRole = nodeRole("karpenter-node").role;
        const nodeAccess = new aws.eks.AccessEntry(`${name}-karpenter-node-access`, {
            clusterName: eksClusterName,
            principalArn: karpenterNodeRole.arn,
            type: "EC2_LINUX",
            tags: a.tags,
        }, parent);

        new aws.ec2.Tag(`${name}-discovery-tag`, {
            resourceId: cluster.nodeSecurityGroupId,
            key: DISCOVERY_TAG_KEY,
            value: clusterName,
        }, parent);

        const queue = new aws.sqs.Queue(`${name}-karpenter-queue`, {
            name: clusterName,
            messageRetentionSeconds: INTERRUPTION_MESSAGE_RETENTION_SECONDS,
            sqsManagedSseEnabled: true,
            tags: a.tags,
        }, parent);
        new aws.sqs.QueuePolicy(`${name}-karpenter-queue-policy`, {
            queueUrl: queue.url,
            policy: queue.arn.apply((arn) => JSON.stringify(interruptionQueuePolicy(arn))),
        }, parent);
        for (const rule of INTERRUPTION_RULES) {
            const eventRule = new aws.cloudwatch.EventRule(`${name}-karpenter-${rule.role}`, {
                description: pulumi.interpolate`Karpenter interruption handling for ${clusterName}: ${rule.detailType}`,
                eventPattern: interruptionEventPattern(rule),
                tags: a.tags,
            }, parent);
            new aws.cloudwatch.EventTarget(`${name}-karpenter-${rule.role}`, {
                rule: eventRule.name,
                arn: queue.arn,
            }, parent);
        }

        const controllerRole = new aws.iam.Role(`${name}-karpenter-controller`, {
            description: pulumi.interpolate`Karpenter controller of EKS cluster ${clusterName} (EKS Pod Identity)`,
            assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
            tags: a.tags,
        }, parent);
        const region = aws.getRegionOutput({}, parent).region;
        const scope = pulumi.all([
            partition,
            region,
            aws.getCallerIdentityOutput({}, parent).accountId,
            clusterName,
            karpenterNodeRole.arn,
            queue.arn,
        ]);
        const policies = scope.apply(([partition, region, accountId, clusterName, nodeRoleArn, queueArn]) =>
            controllerPolicies({ partition, region, accountId, clusterName, nodeRoleArn, queueArn }));
        const controllerPolicyResources = CONTROLLER_POLICY_KEYS.map((key) =>
            new aws.iam.RolePolicy(`${name}-karpenter-${key}`, {
                role: controllerRole.name,
                policy: policies.apply((p) => JSON.stringify(p[key])),
            }, parent));

        const podIdentityAgent = new aws.eks.Addon(`${name}-pod-identity-agent`, {
            clusterName: eksClusterName,
            addonName: "eks-pod-identity-agent",
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags: a.tags,
        }, { parent: this, dependsOn: [systemNodes] });
        const podIdentity = new aws.eks.PodIdentityAssociation(`${name}-karpenter-pod-identity`, {
            clusterName: eksClusterName,
            namespace: a.karpenterNamespace,
            serviceAccount: KARPENTER_SERVICE_ACCOUNT,
            roleArn: controllerRole.arn,
            tags: a.tags,
        }, { parent: this, dependsOn: [podIdentityAgent] });

        const kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        const provider = new k8s.Provider(`${name}-k8s`, {
            kubeconfig,
            enableServerSideApply: true,
        }, parent);
        const crds = new k8s.helm.v3.Release(`${name}-karpenter-crd`, {
            name: `${KARPENTER_RELEASE_NAME}-crd`,
            chart: KARPENTER_CRD_CHART,
            version: a.karpenterVersion,
            namespace: a.karpenterNamespace,
            createNamespace: true,
        }, { parent: this, provider, dependsOn: [systemNodes] });
        new k8s.helm.v3.Release(`${name}-karpenter`, {
            name: KARPENTER_RELEASE_NAME,
            chart: KARPENTER_CHART,
            version: a.karpenterVersion,
            namespace: a.karpenterNamespace,
            createNamespace: true,
            // The CRDs come from the karpenter-crd release, which Helm also upgrades.
            skipCrds: true,
            values: pulumi.all([clusterName, region, queue.name, a.karpenterControllerCpu, a.karpenterControllerMemory])
                .apply(([clusterName, region, interruptionQueueName, controllerCpu, controllerMemory]) =>
                    karpenterHelmValues({ clusterName, region, interruptionQueueName, controllerCpu, controllerMemory })),
        }, {
            parent: this,
            provider,
            dependsOn: [crds, systemNodes, podIdentity, nodeAccess, ...controllerPolicyResources],
        });

        if (a.ebsCsiDriver) {
            // Persistent volumes (Prometheus's): the EBS CSI driver add-on, its role through Pod Identity.
            const ebsRole = new aws.iam.Role(`${name}-ebs-csi`, {
                description: pulumi.interpolate`EBS CSI driver of EKS cluster ${clusterName} (EKS Pod Identity)`,
                assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
                tags: a.tags,
            }, parent);
            const ebsPolicy = new aws.iam.RolePolicyAttachment(`${name}-ebs-csi`, {
                role: ebsRole.name,
                policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`,
            }, parent);
            const ebsAddon = new aws.eks.Addon(`${name}-ebs-csi-driver`, {
                clusterName: eksClusterName,
                addonName: "aws-ebs-csi-driver",
                podIdentityAssociations: [{ roleArn: ebsRole.arn, serviceAccount: "ebs-csi-controller-sa" }],
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags: a.tags,
            }, { parent: this, dependsOn: [systemNodes, podIdentityAgent, ebsPolicy] });
            new k8s.storage.v1.StorageClass(`${name}-gp3`, {
                metadata: { name: EBS_STORAGE_CLASS },
                provisioner: "ebs.csi.aws.com",
                parameters: { type: "gp3", encrypted: "true" },
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
                reclaimPolicy: "Delete",
            }, { parent: this, provider, dependsOn: [ebsAddon] });
        }

        if (a.loadBalancerController) {
            // The AWS Load Balancer Controller, for internal NLBs and ALBs: its own Pod Identity role.
            const lbcRole = new aws.iam.Role(`${name}-lb-controller`, {
                description: pulumi.interpolate`AWS Load Balancer Controller of EKS cluster ${clusterName} (EKS Pod Identity)`,
                assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
                tags: a.tags,
            }, parent);
            const lbcPolicy = new aws.iam.RolePolicy(`${name}-lb-controller`, {
                role: lbcRole.name,
                policy: partition.apply((p) => JSON.stringify(loadBalancerControllerPolicy({ partition: p }))),
            }, parent);
            const lbcIdentity = new aws.eks.PodIdentityAssociation(`${name}-lb-controller`, {
                clusterName: eksClusterName,
                namespace: "kube-system",
                serviceAccount: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
                roleArn: lbcRole.arn,
                tags: a.tags,
            }, { parent: this, dependsOn: [podIdentityAgent] });
            new k8s.helm.v3.Release(`${name}-lb-controller`, {
                name: LOAD_BALANCER_CONTROLLER_CHART,
                chart: LOAD_BALANCER_CONTROLLER_CHART,
                version: a.loadBalancerControllerVersion,
                repositoryOpts: { repo: LOAD_BALANCER_CONTROLLER_REPO },
                namespace: "kube-system",
                values: pulumi.all([clusterName, region, vpc.vpcId])
                    .apply(([clusterName, region, vpcId]) => loadBalancerControllerValues({ clusterName, region, vpcId })),
            }, { parent: this, provider, dependsOn: [systemNodes, lbcIdentity, lbcPolicy, nodeAccess] });
        }

        this.kubeconfig = kubeconfig;
        this.clusterName = eksClusterName;
        this.kubernetesVersion = pulumi.output(a.kubernetesVersion);
        this.vpcId = vpc.vpcId;
        this.privateSubnetIds = vpc.privateSubnetIds;
        this.publicSubnetIds = vpc.publicSubnetIds;
        this.clusterSecurityGroupId = cluster.nodeSecurityGroupId;
        this.nodeRoleName = karpenterNodeRole.name;
        this.nodeRoleArn = karpenterNodeRole.arn;
        this.discoveryTag = clusterName.apply((value): { [key: string]: string } => ({ [DISCOVERY_TAG_KEY]: value }));
        this.interruptionQueueName = queue.name;
        this.karpenterNamespace = pulumi.output(a.karpenterNamespace);
        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            clusterName: this.clusterName,
            kubernetesVersion: this.kubernetesVersion,
            vpcId: this.vpcId,
            privateSubnetIds: this.privateSubnetIds,
            publicSubnetIds: this.publicSubnetIds,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            nodeRoleName: this.nodeRoleName,
            nodeRoleArn: this.nodeRoleArn,
            discoveryTag: this.discoveryTag,
            interruptionQueueName: this.interruptionQueueName,
            karpenterNamespace: this.karpenterNamespace,
        });
    }
}
