import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { ClusterAccessEntryArgs, LlmClusterArgs } from "../components/cluster";
import { GpuPoolArgs } from "../components/gpu-nodepool";
import { projectConfigKeys, undeclaredConfigError } from "../plan/project";

/** The folder of this project's Pulumi.yaml. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/**
 * Refuses config keys of the project's namespace that Pulumi.yaml does not declare, before the
 * program creates anything. Pulumi passes such a key on (it checks declared keys only), and no
 * program reads it: a misspelled `natGateway: Single` would keep one NAT gateway per zone. The
 * offline plan refuses the same keys as it loads the config (plan/project.ts).
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

/** The cluster's arguments that come from config keys of the same name (clusterArgsFromConfig). */
export const CLUSTER_CONFIG_KEYS: readonly string[] = [
    "clusterName", "kubernetesVersion", "vpcCidr", "availabilityZoneCount", "natGateways", "endpointPublicAccessCidrs",
    "allowPublicEndpointFromAnywhere", "endpointPrivateAccessCidrs", "endpointPrivateAccessSecurityGroupIds", "accessEntries",
    "storageReclaimPolicy", "systemNodeInstanceTypes", "systemNodeMinSize", "systemNodeMaxSize", "deletionProtection",
];

/** fromConfig's map for the cluster: each argument from the config key of its name. */
export const CLUSTER_CONFIG_ARGUMENTS: Record<string, string> = Object.fromEntries(CLUSTER_CONFIG_KEYS.map((k) => [k, k]));

/** Config keys whose values are secrets: `pulumi config set --secret` sets them. */
export const SECRET_CONFIG_KEYS: readonly string[] = ["huggingFaceToken"];

/** The command that sets a config key: a list item's field by path, a secret encrypted. */
function setCommand(key: string): string {
    if (/\[\d+\]$/.test(key)) {
        return `pulumi config set --path '${key}.<field>' <value>`;
    }
    return SECRET_CONFIG_KEYS.includes(key) ? `pulumi config set --secret ${key} <value>` : `pulumi config set ${key}`;
}

/**
 * Constructs a component from the stack's config; when the component refuses its arguments, its
 * error also names the config key behind each argument it mentions, so the user knows what to
 * change in Pulumi.<stack>.yaml. `keys` maps an argument as the component's errors name it
 * (`natGateways`, `pools[0].instanceFamilies`) to the config key (without the project's namespace).
 */
export function fromConfig<T>(keys: Record<string, string>, construct: () => T): T {
    try {
        return construct();
    } catch (e) {
        if (!pulumi.ResourceError.isInstance(e)) {
            throw e;
        }
        const named = Object.keys(keys).filter((arg) => new RegExp(`(^|[^\\w.\\]\\[])${arg.replace(/[.[\]]/g, "\\$&")}(?![\\w[])`).test(e.message));
        if (named.length === 0) {
            throw e;
        }
        const project = pulumi.getProject();
        const file = `Pulumi.${pulumi.getStack()}.yaml`;
        const lines = named.map((arg) => `  ${arg}: config key ${project}:${keys[arg]} (${file}, or ${setCommand(keys[arg])})`);
        throw new pulumi.ResourceError(`${e.message}\nSet by the stack's config:\n${lines.join("\n")}`, e.resource, e.hideStack);
    }
}
