import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { ClusterAccessEntryArgs, LlmClusterArgs } from "../components/cluster";
import { GpuPoolArgs } from "../components/gpu-nodepool";
import { projectConfigKeys, undeclaredConfigError } from "../scripts/plan/project";

/** The folder of this project's Pulumi.yaml. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/**
 * Refuses config keys of the project's namespace that Pulumi.yaml does not declare, before the
 * program creates anything. Pulumi passes such a key on (it checks declared keys only), and no
 * program reads it: a misspelled `natGateway: Single` would keep one NAT gateway per zone. The
 * offline plan refuses the same keys as it loads the config (scripts/plan/project.ts).
 */
export function refuseUndeclaredConfig(project: string, stack: string, config: Record<string, string>, projectDir: string = PROJECT_DIR): void {
    const error = undeclaredConfigError(project, stack, projectConfigKeys(project, projectDir), Object.keys(config).sort().map((k) => [k, `Pulumi.${stack}.yaml or -c`]));
    if (error !== undefined) {
        throw new pulumi.RunError(error);
    }
}

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
        allowPublicEndpointFromAnywhere: config.getBoolean("allowPublicEndpointFromAnywhere"),
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
