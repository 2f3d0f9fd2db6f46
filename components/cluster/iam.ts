/**
 * The cluster's IAM builders: node roles, EKS Pod Identity (the agent and the roles it hands to
 * controllers), and the access entries of the people and pipelines that use the Kubernetes API.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";

import { ACCESS_POLICIES, ClusterAccessEntryArgs, ClusterScope } from "./args";
import { addonVersion } from "./eks-cluster";
import { ec2TrustPolicy, NODE_ROLE_MANAGED_POLICIES, podIdentityTrustPolicy } from "./karpenter";

/** A node role and the attachments of its managed policies. */
export interface NodeRole {
    role: aws.iam.Role;
    attachments: aws.iam.RolePolicyAttachment[];
}

/** A role EC2 instances assume (`${name}-${role}`), with the four managed node policies. */
export function createNodeRole(s: ClusterScope, role: string): NodeRole {
    const r = new aws.iam.Role(`${s.name}-${role}`, {
        description: pulumi.interpolate`Nodes of EKS cluster ${s.clusterName} (${role})`,
        assumeRolePolicy: JSON.stringify(ec2TrustPolicy()),
        tags: s.args.tags,
    }, { parent: s.parent });
    const attachments = Object.entries(NODE_ROLE_MANAGED_POLICIES).map(([short, policy]) =>
        new aws.iam.RolePolicyAttachment(`${s.name}-${role}-${short}`, {
            role: r.name,
            policyArn: pulumi.interpolate`arn:${s.partition}:iam::aws:policy/${policy}`,
        }, { parent: s.parent }));
    return { role: r, attachments };
}

/** A role EKS Pod Identity hands to a controller's service account (`${name}-${role}`). */
export function createPodIdentityRole(s: ClusterScope, role: string, what: string): aws.iam.Role {
    return new aws.iam.Role(`${s.name}-${role}`, {
        description: pulumi.interpolate`${what} of EKS cluster ${s.clusterName} (EKS Pod Identity)`,
        assumeRolePolicy: JSON.stringify(podIdentityTrustPolicy()),
        tags: s.args.tags,
    }, { parent: s.parent });
}

/** The EKS Pod Identity agent add-on (a DaemonSet, so it waits for the system nodes). */
export function createPodIdentityAgent(s: ClusterScope, cluster: eks.Cluster, systemNodes: eks.ManagedNodeGroup): aws.eks.Addon {
    return new aws.eks.Addon(`${s.name}-pod-identity-agent`, {
        clusterName: cluster.eksCluster.name,
        addonName: "eks-pod-identity-agent",
        addonVersion: addonVersion(s, "eks-pod-identity-agent"),
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags: s.args.tags,
    }, { parent: s.parent, dependsOn: [systemNodes] });
}

/** An access entry's scope: the whole cluster, or its namespaces. */
export function accessScope(entry: ClusterAccessEntryArgs): { type: string; namespaces?: string[] } {
    const namespaces = entry.namespaces ?? [];
    return namespaces.length > 0 ? { type: "namespace", namespaces: [...namespaces] } : { type: "cluster" };
}

/** One entry's access entry and policy association. */
export interface AccessGrant {
    entry: aws.eks.AccessEntry;
    association: aws.eks.AccessPolicyAssociation;
}

/**
 * The access entries of `accessEntries`: each an `AccessEntry` (type STANDARD) and one
 * `AccessPolicyAssociation`. Both are replaced, not updated, when the principal (or the policy
 * or scope) changes, and EKS allows one entry per principal: `deleteBeforeReplace` removes the
 * old one first (hashicorp/terraform-provider-aws internal/service/eks access_entry.go and
 * access_policy_association.go mark those arguments ForceNew).
 */
export function createAccessEntries(s: ClusterScope, cluster: eks.Cluster): AccessGrant[] {
    const clusterName = cluster.eksCluster.name;
    return s.args.accessEntries.map((e) => {
        const entry = new aws.eks.AccessEntry(`${s.name}-access-${e.name}`, {
            clusterName,
            principalArn: e.principalArn,
            type: "STANDARD",
            tags: s.args.tags,
        }, { parent: s.parent, deleteBeforeReplace: true });
        const association = new aws.eks.AccessPolicyAssociation(`${s.name}-access-${e.name}`, {
            clusterName,
            principalArn: entry.principalArn,
            policyArn: pulumi.interpolate`arn:${s.partition}:eks::aws:cluster-access-policy/${ACCESS_POLICIES[e.access]}`,
            accessScope: accessScope(e),
        }, { parent: s.parent, deleteBeforeReplace: true });
        return { entry, association };
    });
}
