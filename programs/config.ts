import * as pulumi from "@pulumi/pulumi";

import { ClusterAccessEntryArgs, LlmClusterArgs } from "../components/cluster";
import { GpuPoolArgs } from "../components/gpu-nodepool";

/**
 * The cluster's arguments from the stack's configuration (declared in Pulumi.yaml); what a
 * stack leaves unset keeps the component's default.
 */
export function clusterArgsFromConfig(config: pulumi.Config, tags: Record<string, string>): LlmClusterArgs {
    return {
        clusterName: config.require("clusterName"),
        kubernetesVersion: config.get("kubernetesVersion"),
        vpcCidr: config.get("vpcCidr"),
        availabilityZoneCount: config.getNumber("availabilityZoneCount"),
        natGateways: config.get("natGateways"),
        endpointPublicAccessCidrs: config.getObject<string[]>("endpointPublicAccessCidrs"),
        endpointPrivateAccessCidrs: config.getObject<string[]>("endpointPrivateAccessCidrs"),
        endpointPrivateAccessSecurityGroupIds: config.getObject<string[]>("endpointPrivateAccessSecurityGroupIds"),
        accessEntries: config.getObject<ClusterAccessEntryArgs[]>("accessEntries"),
        storageReclaimPolicy: config.get("storageReclaimPolicy"),
        systemNodeInstanceTypes: config.getObject<string[]>("systemNodeInstanceTypes"),
        systemNodeMinSize: config.getNumber("systemNodeMinSize"),
        systemNodeMaxSize: config.getNumber("systemNodeMaxSize"),
        deletionProtection: config.getBoolean("deletionProtection"),
        tags,
    };
}

/** The GPU pool of an environment from its configuration: its budget, families and capacity types. */
export function gpuPoolFromConfig(config: pulumi.Config, name: string): GpuPoolArgs {
    return {
        name,
        gpuLimit: config.requireNumber("gpuLimit"),
        instanceFamilies: config.getObject<string[]>("gpuInstanceFamilies"),
        capacityTypes: config.getObject<string[]>("gpuCapacityTypes"),
    };
}
