import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";

import { MOCKS_ERROR_PREFIX } from "./project";

/**
 * Pulumi mocks whose outputs look like the real thing: ARNs, ids, subnet lists and a
 * kubeconfig, all derived from the resource's type and name so the same program always
 * gives the same values. An invoke they do not know fails with its token named.
 */

export interface MockEnvironment {
    /** The AWS region ARNs and endpoints are in (the stack's `aws:region`). */
    region: string;
    /** The 12-digit account id in ARNs. */
    accountId: string;
}

/**
 * What `aws.eks.getAddonVersion` answers offline: a version string of EKS's form that names the
 * add-on's Kubernetes version (`v<k8s>.0-eksbuild.1`), so a plan shows which cluster version each
 * add-on was resolved for. Not a real add-on version: the real one comes from EKS at preview.
 */
export function addonVersionOf(addonName: string, kubernetesVersion: string): Record<string, unknown> {
    const version = `v${kubernetesVersion}.0-eksbuild.1`;
    return { id: `${addonName}-${kubernetesVersion}`, addonName, kubernetesVersion, mostRecent: true, version };
}

export const DEFAULT_MOCK_ENVIRONMENT: MockEnvironment = { region: "us-west-2", accountId: "123456789012" };

/** A stable hex digest of the parts, for ids that are the same on every run. */
export function stableHex(length: number, ...parts: string[]): string {
    return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, length);
}

/** Pulumi's auto-naming: the logical name plus a suffix (random in real runs, stable here). */
export function autoName(type: string, name: string): string {
    return `${name}-${stableHex(7, type, name)}`;
}

type State = Record<string, unknown>;

function awsResource(env: MockEnvironment, type: string, name: string, inputs: State): { id: string; state: State } {
    const prefix = `arn:aws`;
    const physical = (inputs.name as string | undefined) ?? autoName(type, name);
    const hex = (n: number): string => stableHex(n, type, name);
    const regional = (service: string, resource: string): string => `${prefix}:${service}:${env.region}:${env.accountId}:${resource}`;
    switch (type) {
        case "aws:iam/role:Role":
            return { id: physical, state: { name: physical, arn: `${prefix}:iam::${env.accountId}:role/${physical}`, uniqueId: `AROA${hex(17).toUpperCase()}` } };
        case "aws:iam/rolePolicy:RolePolicy":
            return { id: `${inputs.role}:${physical}`, state: { name: physical } };
        case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
            return { id: `${inputs.role}-${hex(8)}`, state: {} };
        case "aws:kms/key:Key": {
            const keyId = `${hex(8)}-${hex(12).slice(0, 4)}-4${hex(15).slice(12, 15)}-8${hex(18).slice(15, 18)}-${stableHex(12, name, type)}`;
            return { id: keyId, state: { keyId, arn: regional("kms", `key/${keyId}`) } };
        }
        case "aws:cloudwatch/logGroup:LogGroup":
            return { id: physical, state: { name: physical, arn: regional("logs", `log-group:${physical}`) } };
        case "aws:sqs/queue:Queue": {
            const url = `https://sqs.${env.region}.amazonaws.com/${env.accountId}/${physical}`;
            return { id: url, state: { name: physical, url, arn: regional("sqs", physical) } };
        }
        case "aws:sqs/queuePolicy:QueuePolicy":
            return { id: String(inputs.queueUrl), state: {} };
        case "aws:cloudwatch/eventRule:EventRule":
            return { id: physical, state: { name: physical, arn: regional("events", `rule/${physical}`) } };
        case "aws:cloudwatch/eventTarget:EventTarget": {
            const targetId = (inputs.targetId as string | undefined) ?? `terraform-${hex(20)}`;
            return { id: `${inputs.rule}-${targetId}`, state: { targetId } };
        }
        case "aws:eks/accessEntry:AccessEntry":
            return { id: `${inputs.clusterName}:${inputs.principalArn}`, state: { accessEntryArn: regional("eks", `access-entry/${inputs.clusterName}/${hex(12)}`) } };
        case "aws:eks/addon:Addon":
            // EKS installs the version asked for; without one, it picks the add-on's default for the cluster's version.
            return { id: `${inputs.clusterName}:${inputs.addonName}`, state: { arn: regional("eks", `addon/${inputs.clusterName}/${inputs.addonName}/${hex(12)}`), addonVersion: inputs.addonVersion ?? "v1.3.8-eksbuild.2" } };
        case "aws:eks/podIdentityAssociation:PodIdentityAssociation": {
            const associationId = `a-${hex(17)}`;
            return { id: `${inputs.clusterName},${associationId}`, state: { associationId, associationArn: regional("eks", `podidentityassociation/${inputs.clusterName}/${associationId}`) } };
        }
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { id: `lt-${hex(17)}`, state: { name: physical, arn: regional("ec2", `launch-template/lt-${hex(17)}`), latestVersion: 1, defaultVersion: 1 } };
        case "aws:ec2/tag:Tag":
            return { id: `${inputs.resourceId},${inputs.key}`, state: {} };
        case "aws:ec2/securityGroup:SecurityGroup": {
            const id = `sg-${hex(17)}`;
            return { id, state: { arn: regional("ec2", `security-group/${id}`), name: physical } };
        }
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
            const id = `sgr-${hex(17)}`;
            return { id, state: { securityGroupRuleId: id, arn: regional("ec2", `security-group-rule/${id}`) } };
        }
        case "aws:elasticache/subnetGroup:SubnetGroup":
            return { id: physical, state: { name: physical, arn: regional("elasticache", `subnetgroup:${physical}`) } };
        case "aws:elasticache/replicationGroup:ReplicationGroup": {
            const id = (inputs.replicationGroupId as string | undefined) ?? physical;
            const host = `${id}.${hex(6)}.${env.region}.cache.amazonaws.com`;
            return { id, state: { arn: regional("elasticache", `replicationgroup:${id}`), primaryEndpointAddress: `master.${host}`, readerEndpointAddress: `replica.${host}` } };
        }
        default: {
            const [, mod, kind] = /^aws:([^/]+)\/[^:]+:(.+)$/.exec(type) ?? [];
            const resource = `${(kind ?? "resource").toLowerCase()}/${physical}`;
            return { id: `${physical}`, state: { arn: regional(mod ?? "aws", resource) } };
        }
    }
}

/**
 * A referenced stack's outputs offline: the outputs this repository's environments export (a user
 * stack usually references one of them), with placeholder values; the kubeconfig is a secret.
 */
export function stackReferenceState(stack: string, env: MockEnvironment = DEFAULT_MOCK_ENVIRONMENT): State {
    const cluster = `${stack.slice(stack.lastIndexOf("/") + 1)}-cluster`;
    return {
        outputs: {
            kubeconfig: JSON.stringify(mockKubeconfig(cluster, `https://${stableHex(32, stack).toUpperCase()}.gr7.${env.region}.eks.amazonaws.com`)),
            clusterName: cluster,
            kuberayNamespace: "kuberay-system",
            monitoringNamespace: "monitoring",
            grafanaUrl: "http://kps-grafana.monitoring.svc",
        },
        secretOutputNames: ["kubeconfig"],
    };
}

/** What a random password is in the offline plan. */
export const RANDOM_PLACEHOLDER = "offline-plan-random-placeholder";

function subnetIds(prefix: string, name: string, count: number): string[] {
    return Array.from({ length: count }, (_, i) => `subnet-${stableHex(17, prefix, name, String(i))}`);
}

/** The kubeconfig @pulumi/eks writes: the cluster's endpoint and CA, and `aws eks get-token` for credentials. */
export function mockKubeconfig(clusterName: string, endpoint: string): State {
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "kubernetes", cluster: { "server": endpoint, "certificate-authority-data": Buffer.from(`mock CA of ${clusterName}`).toString("base64") } }],
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

function componentState(env: MockEnvironment, type: string, name: string, inputs: State): State | undefined {
    switch (type) {
        case "awsx:ec2:Vpc": {
            const zones = Number(inputs.numberOfAvailabilityZones ?? 3);
            return {
                vpcId: `vpc-${stableHex(17, type, name)}`,
                privateSubnetIds: subnetIds("private", name, zones),
                publicSubnetIds: subnetIds("public", name, zones),
                isolatedSubnetIds: [],
            };
        }
        case "eks:index:Cluster": {
            const clusterName = (inputs.name as string | undefined) ?? autoName(type, name);
            const endpoint = `https://${stableHex(32, type, name).toUpperCase()}.gr7.${env.region}.eks.amazonaws.com`;
            const kubeconfig = mockKubeconfig(clusterName, endpoint);
            const clusterSecurityGroupId = `sg-${stableHex(17, "cluster-sg", name)}`;
            return {
                kubeconfig,
                kubeconfigJson: JSON.stringify(kubeconfig),
                clusterSecurityGroupId,
                nodeSecurityGroupId: clusterSecurityGroupId,
                eksCluster: {
                    name: clusterName,
                    arn: `arn:aws:eks:${env.region}:${env.accountId}:cluster/${clusterName}`,
                    endpoint,
                    version: inputs.version,
                    vpcConfig: { clusterSecurityGroupId, vpcId: inputs.vpcId },
                },
                oidcProviderArn: "",
                oidcProviderUrl: "",
                oidcIssuer: `https://oidc.eks.${env.region}.amazonaws.com/id/${stableHex(32, "oidc", name).toUpperCase()}`,
            };
        }
        case "eks:index:ManagedNodeGroup":
            return { nodeGroup: { nodeGroupName: autoName(type, name), status: "ACTIVE" } };
        default:
            return undefined;
    }
}

function kubernetesState(type: string, name: string, inputs: State): { id: string; state: State } {
    if (type.startsWith("pulumi:providers:")) {
        return { id: stableHex(36, type, name), state: inputs };
    }
    if (type === "kubernetes:helm.sh/v3:Release") {
        const releaseName = (inputs.name as string | undefined) ?? autoName(type, name);
        const namespace = (inputs.namespace as string | undefined) ?? "default";
        return { id: `${namespace}/${releaseName}`, state: { ...inputs, name: releaseName, namespace, status: { status: "deployed", version: inputs.version } } };
    }
    const metadata = { ...((inputs.metadata as State | undefined) ?? {}) };
    metadata.name ??= autoName(type, name);
    const id = metadata.namespace ? `${metadata.namespace}/${metadata.name}` : String(metadata.name);
    return { id, state: { ...inputs, metadata } };
}

/** An error as the engine reports it: Pulumi shows an RPC error's `details` to the user. */
function engineError(message: string): Error {
    return Object.assign(new Error(message), { details: message });
}

/** Mocks for `pulumi.runtime.setMocks`. */
export function createMocks(env: MockEnvironment = DEFAULT_MOCK_ENVIRONMENT): pulumi.runtime.Mocks {
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
            const inputs = args.inputs as State;
            if (!args.custom) {
                // Components (local or remote, such as awsx's VPC and @pulumi/eks's cluster) have no id.
                return { id: undefined, state: { ...inputs, ...componentState(env, args.type, args.name, inputs) } };
            }
            if (args.type.startsWith("aws:")) {
                const { id, state } = awsResource(env, args.type, args.name, inputs);
                return { id, state: { ...inputs, ...state } };
            }
            if (args.type.startsWith("kubernetes:") || args.type.startsWith("pulumi:providers:")) {
                return kubernetesState(args.type, args.name, inputs);
            }
            if (args.type === "pulumi:pulumi:StackReference") {
                return { id: String(inputs.name), state: { ...inputs, ...stackReferenceState(String(inputs.name), env) } };
            }
            if (args.type === "random:index/randomPassword:RandomPassword") {
                // Never a real password: the plan only shows where it goes (as "[secret]").
                return { id: "none", state: { ...inputs, result: RANDOM_PLACEHOLDER, bcryptHash: RANDOM_PLACEHOLDER } };
            }
            return { id: `${args.name}-${stableHex(8, args.type, args.name)}`, state: inputs };
        },
        call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
            switch (args.token) {
                case "aws:index/getRegion:getRegion":
                    return { id: env.region, region: env.region, name: env.region, endpoint: `ec2.${env.region}.amazonaws.com`, description: env.region };
                case "aws:index/getPartition:getPartition":
                    return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
                case "aws:index/getCallerIdentity:getCallerIdentity":
                    return { id: env.accountId, accountId: env.accountId, arn: `arn:aws:iam::${env.accountId}:user/offline-plan`, userId: "AIDAOFFLINEPLAN" };
                case "aws:eks/getAddonVersion:getAddonVersion":
                    return addonVersionOf(String(args.inputs.addonName), String(args.inputs.kubernetesVersion));
                default:
                    throw engineError(`${MOCKS_ERROR_PREFIX} do not know the invoke "${args.token}": add it to plan/mocks.ts`);
            }
        },
    };
}
