import * as pulumi from "@pulumi/pulumi";

import { LlmClusterArgs } from "../components/cluster";

/**
 * The cluster's arguments from the stack's configuration (declared in Pulumi.yaml); what a
 * stack leaves unset keeps the component's default.
 */
export function clusterArgsFromConfig(config: pulumi.Config, tags: Record<string, string>): LlmClusterArgs {
    return {
        clusterName: config.get("clusterName") ?? `llm-${pulumi.getStack()}`,
        kubernetesVersion: config.get("kubernetesVersion"),
        vpcCidr: config.get("vpcCidr"),
        availabilityZoneCount: config.getNumber("availabilityZoneCount"),
        natGateways: config.get("natGateways"),
        endpointPublicAccessCidrs: config.getObject<string[]>("endpointPublicAccessCidrs"),
        systemNodeInstanceTypes: config.getObject<string[]>("systemNodeInstanceTypes"),
        systemNodeMinSize: config.getNumber("systemNodeMinSize"),
        systemNodeMaxSize: config.getNumber("systemNodeMaxSize"),
        deletionProtection: config.getBoolean("deletionProtection"),
        tags,
    };
}
