import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { withDefaults } from "../common/args";
import { throwIfInvalid } from "../common/validation";
import { clusterDefaults, ClusterScope, LlmClusterArgs, ResolvedClusterArgs, validateLlmClusterArgs } from "./args";
import { createEbsCsiDriver } from "./ebs-csi";
import { createControlPlane, createCoreDns, createNetwork, createSystemNodes } from "./eks-cluster";
import { createAccessEntries, createNodeRole, createPodIdentityAgent } from "./iam";
import { createKarpenter, DISCOVERY_TAG_KEY } from "./karpenter";
import { createLoadBalancerController } from "./load-balancer-controller";

export * from "./args";
export * from "./ebs-csi";
export * from "./eks-cluster";
export * from "./iam";
export * from "./karpenter";
export * from "./load-balancer-controller";

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
        if (a.accessEntries.length === 0) {
            pulumi.log.warn(`LlmCluster ${name}: only the IAM identity that creates the cluster can use its Kubernetes API (EKS makes it cluster admin; nobody else has an access entry). Add accessEntries for your CI/CD role and operators, or they, and pulumi up run by anyone else, are locked out.`, this);
        }
        const s: ClusterScope = {
            name,
            args: a,
            clusterName: pulumi.output(a.clusterName ?? name),
            parent: this,
            partition: aws.getPartitionOutput({}, { parent: this }).partition,
        };
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

        // The EKS cluster: network, control plane, who may reach it, system nodes, core add-ons.
        const vpc = createNetwork(s);
        const controlPlane = createControlPlane(s, vpc);
        const { cluster } = controlPlane;
        const access = createAccessEntries(s, cluster);
        const systemNodeRole = createNodeRole(s, "system-node");
        const systemNodes = createSystemNodes(s, controlPlane, vpc, systemNodeRole);
        createCoreDns(s, cluster, systemNodes);
        const podIdentityAgent = createPodIdentityAgent(s, cluster, systemNodes);

        // In-cluster objects go through this provider, once the API admits the deployer's network.
        const kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true }, {
            parent: this,
            dependsOn: [...controlPlane.apiAccessRules, ...access.flatMap((g) => [g.entry, g.association])],
        });

        // Add-ons: Karpenter (GPU capacity), the EBS CSI driver, the AWS Load Balancer Controller.
        const karpenterNodeRole = createNodeRole(s, "karpenter-node");
        const karpenter = createKarpenter(s, {
            cluster,
            clusterSecurityGroupId: controlPlane.clusterSecurityGroupId,
            systemNodes,
            podIdentityAgent,
            nodeRole: karpenterNodeRole,
            provider,
            region,
            accountId,
        });
        if (a.ebsCsiDriver) {
            createEbsCsiDriver(s, { cluster, systemNodes, podIdentityAgent, provider });
        }
        if (a.loadBalancerController) {
            createLoadBalancerController(s, { cluster, vpcId: vpc.vpcId, systemNodes, podIdentityAgent, nodeAccess: karpenter.nodeAccess, provider, region });
        }

        this.kubeconfig = kubeconfig;
        this.clusterName = cluster.eksCluster.name;
        this.kubernetesVersion = pulumi.output(a.kubernetesVersion);
        this.vpcId = vpc.vpcId;
        this.privateSubnetIds = vpc.privateSubnetIds;
        this.publicSubnetIds = vpc.publicSubnetIds;
        this.clusterSecurityGroupId = controlPlane.clusterSecurityGroupId;
        this.nodeRoleName = karpenterNodeRole.role.name;
        this.nodeRoleArn = karpenterNodeRole.role.arn;
        this.discoveryTag = s.clusterName.apply((value): { [key: string]: string } => ({ [DISCOVERY_TAG_KEY]: value }));
        this.interruptionQueueName = karpenter.queue.name;
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
