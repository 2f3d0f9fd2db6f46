/**
 * The cloud SDKs' resource classes the policies name in `validateResourceOfType`, by their Pulumi
 * type alone. @pulumi/policy reads nothing of a class but its `__pulumiType` (policy.js
 * `validateResourceOfType`, `getPulumiType`; server.js `isTypeOf`), so these stand-ins check
 * exactly what `k8s.core.v1.Service` or `aws.ec2.SecurityGroup` would, without the pack depending
 * on @pulumi/kubernetes and @pulumi/aws (hundreds of megabytes to install, seconds to load and
 * type-check every time the pack starts). Their props are the SDKs' arguments as the policies see
 * them (inputs resolved), field for field: test/policy-shared.test.ts proves each type the SDK's
 * (4.34.2 and 7.48.0) and each Pulumi type the SDK class's.
 */
import type { Resource } from "@pulumi/pulumi";

/** A resource class as `validateResourceOfType` takes it; never constructed. */
export interface ResourceType<Args> {
    new (name: string, args: Args): Resource;
    readonly __pulumiType: string;
}

function resourceType<Args>(type: string): ResourceType<Args> {
    return { __pulumiType: type } as unknown as ResourceType<Args>;
}

/** Kubernetes ObjectMeta, as far as the policies read it (the rest of the SDK's fields are left out). */
export interface ObjectMeta {
    name?: string;
    namespace?: string;
    labels?: { [key: string]: string };
    annotations?: { [key: string]: string };
}

/** core/v1 ServicePort. */
export interface ServicePort {
    appProtocol?: string;
    name?: string;
    nodePort?: number;
    port: number;
    protocol?: string;
    targetPort?: number | string;
}

/** core/v1 ServiceSpec. */
export interface ServiceSpec {
    allocateLoadBalancerNodePorts?: boolean;
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    externalName?: string;
    externalTrafficPolicy?: string;
    healthCheckNodePort?: number;
    internalTrafficPolicy?: string;
    ipFamilies?: string[];
    ipFamily?: string;
    ipFamilyPolicy?: string;
    loadBalancerClass?: string;
    loadBalancerIP?: string;
    loadBalancerSourceRanges?: string[];
    ports?: ServicePort[];
    publishNotReadyAddresses?: boolean;
    sessionAffinity?: string;
    topologyKeys?: string[];
    trafficDistribution?: string;
    type?: string;
}

/** networking/v1 ServiceBackendPort. */
export interface ServiceBackendPort {
    name?: string;
    number?: number;
}

/** networking/v1 IngressBackend (its `resource` backend is left out). */
export interface IngressBackend {
    service?: { name: string; port?: ServiceBackendPort };
}

/** networking/v1 IngressRule. */
export interface IngressRule {
    host?: string;
    http?: { paths: { backend: IngressBackend; path?: string; pathType: string }[] };
}

/** networking/v1 IngressSpec. */
export interface IngressSpec {
    defaultBackend?: IngressBackend;
    ingressClassName?: string;
    rules?: IngressRule[];
    tls?: { hosts?: string[]; secretName?: string }[];
}

/** An inline ingress or egress rule of aws.ec2.SecurityGroup. */
export interface SecurityGroupInlineRule {
    cidrBlocks?: string[];
    description?: string;
    fromPort: number;
    ipv6CidrBlocks?: string[];
    prefixListIds?: string[];
    protocol: string;
    securityGroups?: string[];
    self?: boolean;
    toPort: number;
}

/** Raw Kubernetes resources (@pulumi/kubernetes 4.34.2). */
export const k8s = {
    core: {
        v1: {
            Service: resourceType<{ apiVersion?: "v1"; kind?: "Service"; metadata?: ObjectMeta; spec?: ServiceSpec }>("kubernetes:core/v1:Service"),
        },
    },
    networking: {
        v1: {
            Ingress: resourceType<{ apiVersion?: "networking.k8s.io/v1"; kind?: "Ingress"; metadata?: ObjectMeta; spec?: IngressSpec }>("kubernetes:networking.k8s.io/v1:Ingress"),
        },
    },
};

/** AWS resources (@pulumi/aws 7.48.0). */
export const aws = {
    ec2: {
        SecurityGroupRule: resourceType<{
            cidrBlocks?: string[];
            description?: string;
            fromPort: number;
            ipv6CidrBlocks?: string[];
            prefixListIds?: string[];
            protocol: string;
            region?: string;
            securityGroupId: string;
            self?: boolean;
            sourceSecurityGroupId?: string;
            toPort: number;
            type: string;
        }>("aws:ec2/securityGroupRule:SecurityGroupRule"),
        SecurityGroup: resourceType<{
            description?: string;
            egress?: SecurityGroupInlineRule[];
            ingress?: SecurityGroupInlineRule[];
            name?: string;
            namePrefix?: string;
            region?: string;
            revokeRulesOnDelete?: boolean;
            tags?: { [key: string]: string };
            vpcId?: string;
        }>("aws:ec2/securityGroup:SecurityGroup"),
    },
    vpc: {
        SecurityGroupIngressRule: resourceType<{
            cidrIpv4?: string;
            cidrIpv6?: string;
            description?: string;
            fromPort?: number;
            ipProtocol: string;
            prefixListId?: string;
            referencedSecurityGroupId?: string;
            region?: string;
            securityGroupId: string;
            tags?: { [key: string]: string };
            toPort?: number;
        }>("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
    },
};
