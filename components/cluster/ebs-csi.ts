/**
 * The Amazon EBS CSI driver: the EKS add-on with its Pod Identity role, and the encrypted gp3
 * StorageClass persistent volumes (Prometheus's) are made from.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { ClusterScope, EBS_STORAGE_CLASS } from "./args";
import { addonVersion } from "./eks-cluster";
import { createPodIdentityRole } from "./iam";

/** The driver's controller service account, bound to its role through EKS Pod Identity. */
export const EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa";

/** The gp3 StorageClass: encrypted volumes, bound where the pod lands, expandable. */
export function gp3StorageClassArgs(reclaimPolicy: string): k8s.storage.v1.StorageClassArgs {
    return {
        metadata: { name: EBS_STORAGE_CLASS },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy,
    };
}

/** What the EBS CSI builder needs from the builders before it. */
export interface EbsCsiDeps {
    cluster: eks.Cluster;
    systemNodes: eks.ManagedNodeGroup;
    podIdentityAgent: aws.eks.Addon;
    provider: k8s.Provider;
}

/**
 * The driver and the StorageClass. Kubernetes refuses to update a StorageClass's reclaim policy
 * (its fields other than allowVolumeExpansion are immutable), while the provider would plan an
 * update: `replaceOnChanges` makes the change a replacement, and `deleteBeforeReplace` frees the
 * class's fixed name first. Volumes already made keep their own policy.
 */
export function createEbsCsiDriver(s: ClusterScope, d: EbsCsiDeps): { addon: aws.eks.Addon; storageClass: k8s.storage.v1.StorageClass } {
    const { name, parent } = s;
    const role = createPodIdentityRole(s, "ebs-csi", "EBS CSI driver");
    const policy = new aws.iam.RolePolicyAttachment(`${name}-ebs-csi`, {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${s.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`,
    }, { parent });
    const addon = new aws.eks.Addon(`${name}-ebs-csi-driver`, {
        clusterName: d.cluster.eksCluster.name,
        addonName: "aws-ebs-csi-driver",
        addonVersion: addonVersion(s, "aws-ebs-csi-driver"),
        podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT }],
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags: s.args.tags,
    }, { parent, dependsOn: [d.systemNodes, d.podIdentityAgent, policy] });
    const storageClass = new k8s.storage.v1.StorageClass(`${name}-gp3`, gp3StorageClassArgs(s.args.storageReclaimPolicy), {
        parent,
        provider: d.provider,
        dependsOn: [addon],
        replaceOnChanges: ["reclaimPolicy"],
        deleteBeforeReplace: true,
    });
    return { addon, storageClass };
}
