import * as pulumi from "@pulumi/pulumi";

import { Check, checkName, checkWholeNumber, collect, isKnown, isNetworkAddress, networkOf, parseIpv4Cidr, show } from "../common/validation";
import { KARPENTER_VERSION, LOAD_BALANCER_CONTROLLER_VERSION } from "./versions";

/**
 * Kubernetes versions both Amazon EKS (standard or extended support, late 2026) and
 * Karpenter 1.14 support (https://karpenter.sh/docs/upgrading/compatibility/,
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html).
 */
export const SUPPORTED_KUBERNETES_VERSIONS: readonly string[] = ["1.32", "1.33", "1.34", "1.35", "1.36"];

/** The longest `name`/`clusterName`: derived names (IAM roles, EventBridge rules) must fit AWS's 64-character limits. */
export const MAX_CLUSTER_NAME_LENGTH = 32;

/** Retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** NAT gateway layouts: one shared gateway (cheapest) or one per availability zone (survives an AZ outage). */
export const NAT_GATEWAY_STRATEGIES: readonly string[] = ["Single", "OnePerAz"];

/** The StorageClass LlmCluster creates with `ebsCsiDriver`: encrypted gp3 volumes. */
export const EBS_STORAGE_CLASS = "gp3";

// Re-exported for importers of `cluster/args` from earlier releases; the labels live in common/.
export { SYSTEM_NODE_LABELS } from "../common/labels";

/** Instance families with accelerators: system nodes are CPU only, GPUs come from Karpenter. */
const ACCELERATED_FAMILY = /^(g\d|gr\d|p\d|inf\d|trn\d|dl\d|vt\d|f\d)/;
/** Graviton (arm64) families, such as m7g or c6gn: the system nodes run the x86_64 AMI. */
const GRAVITON_FAMILY = /^(a1|[a-z]+\d+[a-z]*g[a-z]*)\./;

/** EKS support types: STANDARD upgrades the control plane when standard support ends; EXTENDED keeps it, for a fee. */
export const SUPPORT_TYPES: readonly string[] = ["STANDARD", "EXTENDED"];

/** Public endpoint CIDRs with a shorter prefix than this cover a large part of the internet and need the opt-in. */
export const MIN_PUBLIC_ENDPOINT_PREFIX = 8;

export interface LlmClusterArgs {
    /**
     * The EKS cluster's name, also the interruption queue's name and the value of the
     * `karpenter.sh/discovery` tag. Lower-case letters, digits and hyphens, at most 32 characters.
     * Changing it REPLACES the EKS cluster (and so every node and in-cluster object), the
     * interruption queue and the control-plane log group; with `deletionProtection` on, Pulumi
     * refuses that replacement (the cluster is protected).
     * @default the component's resource name
     * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html
     */
    clusterName?: pulumi.Input<string>;
    /**
     * The control plane's Kubernetes version: one of `SUPPORTED_KUBERNETES_VERSIONS`.
     * @default "1.35"
     * @see https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
     */
    kubernetesVersion?: pulumi.Input<string>;
    /**
     * The VPC's IPv4 CIDR block, a network address with a prefix from /16 to /20 (pods take VPC
     * addresses through the VPC CNI, so the VPC must be large).
     * A plain string: the VPC's layout is decided when the program runs.
     * @default "10.0.0.0/16"
     * @see https://www.pulumi.com/registry/packages/awsx/api-docs/ec2/vpc/
     */
    vpcCidr?: string;
    /**
     * How many availability zones the VPC spans (2 to 6); each gets a private and a public subnet.
     * A plain number: the VPC's layout is decided when the program runs.
     * @default 3
     * @see https://www.pulumi.com/registry/packages/awsx/api-docs/ec2/vpc/
     */
    availabilityZoneCount?: number;
    /**
     * NAT gateway layout for the private subnets: "OnePerAz" (highly available) or "Single" (cheaper).
     * A plain string: the VPC's layout is decided when the program runs.
     * @default "OnePerAz"
     * @see https://www.pulumi.com/registry/packages/awsx/api-docs/ec2/vpc/#natgatewaystrategy
     */
    natGateways?: string;
    /**
     * IPv4 CIDRs allowed to reach the Kubernetes API's public endpoint. Empty turns the public
     * endpoint off (the private endpoint is always on); `pulumi up` must then run from inside the VPC.
     * "0.0.0.0/0" is refused unless `allowPublicEndpointFromAnywhere` is set.
     * @default []
     * @see https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
     */
    endpointPublicAccessCidrs?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Accept "0.0.0.0/0" in `endpointPublicAccessCidrs`, exposing the API endpoint to the internet
     * (authentication still applies). Only for throw-away clusters.
     * @default false
     * @see https://docs.aws.amazon.com/eks/latest/best-practices/protecting-the-infrastructure.html
     */
    allowPublicEndpointFromAnywhere?: pulumi.Input<boolean>;
    /**
     * Instance types of the on-demand system node group (CPU only: GPU nodes come from Karpenter).
     * @default ["m7i.xlarge", "m6i.xlarge"]
     * @see https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html
     */
    systemNodeInstanceTypes?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Minimum size of the system node group (at least 1; 2 keeps the controllers available).
     * @default 2
     * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_NodegroupScalingConfig.html
     */
    systemNodeMinSize?: pulumi.Input<number>;
    /**
     * Desired size of the system node group, between the minimum and the maximum.
     * @default systemNodeMinSize
     * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_NodegroupScalingConfig.html
     */
    systemNodeDesiredSize?: pulumi.Input<number>;
    /**
     * Maximum size of the system node group.
     * @default 4
     * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_NodegroupScalingConfig.html
     */
    systemNodeMaxSize?: pulumi.Input<number>;
    /**
     * Root volume size of the system nodes, in GiB. The Ray head and Serve's CPU workers run there
     * with the multi-GB `rayproject/ray-llm` image, two tags of it during an upgrade.
     * @default 150
     * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateNodegroup.html
     */
    systemNodeDiskSizeGiB?: pulumi.Input<number>;
    /**
     * Days CloudWatch keeps the control-plane logs (a value CloudWatch accepts, e.g. 30, 90, 365).
     * @default 90
     * @see https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
     */
    controlPlaneLogRetentionDays?: pulumi.Input<number>;
    /**
     * Guard the state that a mistake would destroy: EKS refuses to delete the cluster, and Pulumi
     * `protect`s the VPC, the secrets' KMS key and the EKS cluster (with every child of those
     * components), so neither `pulumi destroy` nor a change that would replace them (a new
     * `clusterName`, `vpcCidr` or `availabilityZoneCount`) can go through. To tear down: set it to
     * false, `pulumi up`, then `pulumi destroy`. A plain boolean: it decides resource options.
     * @default true
     * @see https://docs.aws.amazon.com/eks/latest/userguide/deletion-protection.html
     * @see https://www.pulumi.com/docs/iac/concepts/options/protect/
     */
    deletionProtection?: boolean;
    /**
     * Extra sources admitted on port 443 to the cluster security group, which fronts the
     * Kubernetes API's private endpoint: the CIDRs of a VPN or of a peered or transit-attached
     * network where `pulumi up` runs (a CI runner VPC). Each becomes one ingress rule. Needed when
     * `endpointPublicAccessCidrs` is empty, unless `endpointPrivateAccessSecurityGroupIds` is set.
     * A plain list: each entry is a child resource.
     * @default []
     * @see https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html#private-access
     */
    endpointPrivateAccessCidrs?: string[];
    /**
     * Security groups admitted on port 443 to the cluster security group (the private endpoint),
     * such as a CI runner's group in a peered VPC or a bastion's. Each becomes one ingress rule.
     * A plain list (its entries may be outputs): each entry is a child resource.
     * @default []
     * @see https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html#private-access
     */
    endpointPrivateAccessSecurityGroupIds?: pulumi.Input<string>[];
    /**
     * Who may use the Kubernetes API besides the IAM identity that creates the cluster (EKS makes
     * that one cluster admin): the CI/CD role that deploys, operators, read-only viewers. Each
     * entry becomes an EKS access entry and one access-policy association. Do not list the
     * identity that runs the first `pulumi up`: EKS already created its entry, and a second one
     * fails. A plain list: each entry is a child resource.
     * @default []
     * @see https://docs.aws.amazon.com/eks/latest/userguide/access-entries.html
     */
    accessEntries?: ClusterAccessEntryArgs[];
    /**
     * What happens to an EBS volume of the `gp3` StorageClass (Prometheus's samples) when its claim
     * is deleted: "Retain" keeps the volume, and its data, until someone deletes it; "Delete"
     * deletes it with the claim (nothing left billing after a teardown). Changing it replaces the
     * StorageClass (Kubernetes does not update a class's reclaim policy); existing volumes keep theirs.
     * @default "Retain"
     * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming
     */
    storageReclaimPolicy?: string;
    /**
     * The Karpenter chart and controller version (1.14.x is what this package is tested with).
     * @default "1.14.1"
     * @see https://karpenter.sh/docs/upgrading/compatibility/
     */
    karpenterVersion?: pulumi.Input<string>;
    /**
     * The namespace of the Karpenter controller. Changing it reinstalls the controller there (the
     * old release goes first, so the two never fight over cluster-wide objects); the CRDs, and so
     * every NodePool and node, stay where they are: their release is always in kube-system.
     * @default "kube-system"
     * @see https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/
     */
    karpenterNamespace?: pulumi.Input<string>;
    /**
     * CPU request of each Karpenter controller replica.
     * @default "1"
     * @see https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/
     */
    karpenterControllerCpu?: pulumi.Input<string>;
    /**
     * Memory request and limit of each Karpenter controller replica.
     * @default "1Gi"
     * @see https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/
     */
    karpenterControllerMemory?: pulumi.Input<string>;
    /**
     * Install the Amazon EBS CSI driver (an EKS add-on with its Pod Identity role) and an encrypted
     * gp3 StorageClass named `gp3`, for persistent volumes such as Prometheus's.
     * @default true
     * @see https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html
     */
    ebsCsiDriver?: boolean;
    /**
     * Install the AWS Load Balancer Controller (its Pod Identity role and the chart), which internal
     * Network and Application Load Balancers (VllmRayService `exposeServe` and `dashboardIngress`) need.
     * @default true
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/
     */
    loadBalancerController?: boolean;
    /**
     * The AWS Load Balancer Controller's chart version.
     * @default "3.5.0"
     * @see https://github.com/aws/eks-charts/tree/master/stable/aws-load-balancer-controller
     */
    loadBalancerControllerVersion?: pulumi.Input<string>;
    /**
     * EKS support type: "STANDARD" (the control plane is upgraded automatically when standard
     * support ends) or "EXTENDED" (it stays on its version, at an extra hourly charge).
     * @default "STANDARD"
     * @see https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html
     */
    supportType?: pulumi.Input<string>;
    /**
     * Tags for every AWS resource the component creates.
     * @default {}
     * @see https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
     */
    tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
}

/** One principal allowed to use the Kubernetes API, with one EKS access policy. */
export interface ClusterAccessEntryArgs {
    /**
     * A short name for the entry, used in its child resources' names (`<name>-access-<entry>`):
     * lower-case letters, digits and hyphens, at most 20 characters, unique in the list.
     * Renaming it replaces the entry.
     */
    name: string;
    /**
     * The IAM role or user ARN, such as `arn:aws:iam::111122223333:role/deployer`. Not an
     * assumed-role session ARN (`arn:aws:sts::...:assumed-role/...`): name the role itself.
     * @see https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
     */
    principalArn: pulumi.Input<string>;
    /**
     * The access policy: "cluster-admin" (everything, cluster-wide), or "admin", "edit" or "view"
     * (Kubernetes' aggregated roles), cluster-wide or limited to `namespaces`.
     * @see https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
     */
    access: string;
    /**
     * Limit "admin", "edit" or "view" to these namespaces. Not allowed with "cluster-admin".
     * @default [] (cluster-wide)
     * @see https://docs.aws.amazon.com/eks/latest/APIReference/API_AccessScope.html
     */
    namespaces?: string[];
}

/** The EKS access policy (`arn:<partition>:eks::aws:cluster-access-policy/<name>`) of each `access` value. */
export const ACCESS_POLICIES: Readonly<Record<string, string>> = {
    "cluster-admin": "AmazonEKSClusterAdminPolicy",
    "admin": "AmazonEKSAdminPolicy",
    "edit": "AmazonEKSEditPolicy",
    "view": "AmazonEKSViewPolicy",
};

/** Reclaim policies of the `gp3` StorageClass. */
export const STORAGE_RECLAIM_POLICIES: readonly string[] = ["Retain", "Delete"];

/** The longest access entry `name`: child names stay short. */
export const MAX_ACCESS_ENTRY_NAME_LENGTH = 20;

/** Defaults of `LlmClusterArgs` (see each field's documentation). */
export const clusterDefaults = {
    kubernetesVersion: "1.35",
    vpcCidr: "10.0.0.0/16",
    availabilityZoneCount: 3,
    natGateways: "OnePerAz",
    endpointPublicAccessCidrs: [] as string[],
    allowPublicEndpointFromAnywhere: false,
    systemNodeInstanceTypes: ["m7i.xlarge", "m6i.xlarge"],
    systemNodeMinSize: 2,
    systemNodeMaxSize: 4,
    systemNodeDiskSizeGiB: 150,
    controlPlaneLogRetentionDays: 90,
    deletionProtection: true,
    endpointPrivateAccessCidrs: [] as string[],
    endpointPrivateAccessSecurityGroupIds: [] as pulumi.Input<string>[],
    accessEntries: [] as ClusterAccessEntryArgs[],
    storageReclaimPolicy: "Retain",
    karpenterVersion: KARPENTER_VERSION,
    karpenterNamespace: "kube-system",
    karpenterControllerCpu: "1",
    karpenterControllerMemory: "1Gi",
    supportType: "STANDARD",
    ebsCsiDriver: true,
    loadBalancerController: true,
    loadBalancerControllerVersion: LOAD_BALANCER_CONTROLLER_VERSION,
    tags: {} as { [key: string]: string },
};

/** The arguments with every default filled in. */
export type ResolvedClusterArgs = Omit<LlmClusterArgs, keyof typeof clusterDefaults> & {
    [K in keyof typeof clusterDefaults]-?: NonNullable<LlmClusterArgs[K]>;
};

function checkCidr(argument: string, value: string): string | undefined {
    const cidr = parseIpv4Cidr(value);
    if (!cidr) {
        return `${argument} ${show(value)} is not an IPv4 CIDR block: write it as address/prefix, such as "203.0.113.0/24".`;
    }
    if (!isNetworkAddress(cidr)) {
        return `${argument} ${show(value)} has host bits set after its prefix: use the network address "${networkOf(cidr)}".`;
    }
    return undefined;
}

/**
 * Every problem with the arguments of `LlmCluster` `name`, as messages that name the argument,
 * the value and the fix. Empty when the arguments are valid (or not yet known).
 */
export function validateLlmClusterArgs(name: string, a: ResolvedClusterArgs): string[] {
    const why = "so that the names derived from it (IAM roles, EventBridge rules) stay within AWS's 64-character limits";
    const checks: Check[] = [
        () => checkName("name", name, MAX_CLUSTER_NAME_LENGTH, why),
        () => (isKnown(a.clusterName) ? checkName("clusterName", a.clusterName, MAX_CLUSTER_NAME_LENGTH, why) : undefined),
        () => {
            const v = a.kubernetesVersion;
            if (isKnown(v) && !SUPPORTED_KUBERNETES_VERSIONS.includes(v)) {
                return `kubernetesVersion ${show(v)} is not supported: use one of ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")} (the versions both Amazon EKS and Karpenter ${KARPENTER_VERSION} support).`;
            }
            return undefined;
        },
        () => {
            const v = a.vpcCidr;
            if (!isKnown(v)) {
                return undefined;
            }
            const problem = checkCidr("vpcCidr", v);
            if (problem) {
                return problem;
            }
            const prefix = parseIpv4Cidr(v)!.prefix;
            if (prefix < 16 || prefix > 20) {
                return `vpcCidr ${show(v)} has a /${prefix} prefix: use a prefix from /16 to /20 (AWS allows at most /16, and pods take one VPC address each, so smaller VPCs run out).`;
            }
            return undefined;
        },
        () => checkWholeNumber("availabilityZoneCount", a.availabilityZoneCount, 2, 6, " (EKS needs subnets in at least two zones)"),
        () => {
            const v = a.natGateways;
            if (isKnown(v) && !NAT_GATEWAY_STRATEGIES.includes(v)) {
                return `natGateways ${show(v)} is not a NAT gateway strategy: use "OnePerAz" (highly available) or "Single" (cheaper); nodes in private subnets need one to pull images.`;
            }
            return undefined;
        },
        () => {
            const cidrs = a.endpointPublicAccessCidrs;
            if (!isKnown(cidrs)) {
                return undefined;
            }
            const problems: string[] = [];
            for (const c of cidrs) {
                if (!isKnown(c)) {
                    continue;
                }
                const problem = checkCidr("endpointPublicAccessCidrs", c);
                if (problem) {
                    problems.push(problem);
                } else if (parseIpv4Cidr(c)!.prefix < MIN_PUBLIC_ENDPOINT_PREFIX && a.allowPublicEndpointFromAnywhere !== true) {
                    const reach = parseIpv4Cidr(c)!.prefix === 0 ? "the whole internet" : "a large part of the internet";
                    problems.push(`endpointPublicAccessCidrs includes ${show(c)}, which opens the Kubernetes API endpoint to ${reach}: list only the CIDRs that need it (a VPN or CI egress range), or set allowPublicEndpointFromAnywhere to true to accept that exposure.`);
                }
            }
            return problems;
        },
        () => (a.endpointPrivateAccessCidrs ?? []).map((c) => (isKnown(c) ? checkCidr("endpointPrivateAccessCidrs", c) : undefined))
            .filter((p): p is string => p !== undefined),
        () => checkApiReachable(a),
        () => checkAccessEntries(a.accessEntries),
        () => (isKnown(a.storageReclaimPolicy) && !STORAGE_RECLAIM_POLICIES.includes(a.storageReclaimPolicy)
            ? `storageReclaimPolicy ${show(a.storageReclaimPolicy)} is not a reclaim policy: use "Retain" (volumes outlive their claims; delete them yourself) or "Delete" (volumes go with their claims).`
            : undefined),
        () => (typeof a.deletionProtection !== "boolean"
            ? `deletionProtection ${isKnown(a.deletionProtection) ? show(a.deletionProtection) : "(an output)"} is not a boolean: set true (protect the cluster, VPC and key) or false (before pulumi destroy); it decides resource options, so it cannot be an output.`
            : undefined),
        () => {
            const types = a.systemNodeInstanceTypes;
            if (!isKnown(types)) {
                return undefined;
            }
            if (types.length === 0) {
                return `systemNodeInstanceTypes is empty: list at least one CPU instance type, such as "m7i.xlarge".`;
            }
            const gpu = types.filter((t) => isKnown(t) && ACCELERATED_FAMILY.test(t));
            if (gpu.length > 0) {
                return `systemNodeInstanceTypes ${show(gpu)} includes accelerated instances: the system node group is CPU only (GPU nodes come from Karpenter through GpuNodePool); use general-purpose types such as "m7i.xlarge".`;
            }
            const arm = types.filter((t) => isKnown(t) && GRAVITON_FAMILY.test(t));
            if (arm.length > 0) {
                return `systemNodeInstanceTypes ${show(arm)} includes Graviton (arm64) instances: the system node group runs the x86_64 AMI; use x86_64 types such as "m7i.xlarge".`;
            }
            return undefined;
        },
        () => checkWholeNumber("systemNodeMinSize", a.systemNodeMinSize, 1, 100, " (operators and the Karpenter controller need a node)"),
        () => checkWholeNumber("systemNodeMaxSize", a.systemNodeMaxSize, 1, 100, ""),
        () => {
            const [min, max] = [a.systemNodeMinSize, a.systemNodeMaxSize];
            if (isKnown(min) && isKnown(max) && min > max) {
                return `systemNodeMinSize (${min}) is greater than systemNodeMaxSize (${max}): set systemNodeMinSize to at most systemNodeMaxSize.`;
            }
            return undefined;
        },
        () => {
            const [min, desired, max] = [a.systemNodeMinSize, a.systemNodeDesiredSize, a.systemNodeMaxSize];
            if (isKnown(desired) && isKnown(min) && isKnown(max) && (desired < min || desired > max)) {
                return `systemNodeDesiredSize (${desired}) is outside systemNodeMinSize..systemNodeMaxSize (${min}..${max}): set it within that range or leave it unset.`;
            }
            return undefined;
        },
        () => checkWholeNumber("systemNodeDiskSizeGiB", a.systemNodeDiskSizeGiB, 20, 16384, ""),
        () => {
            const v = a.controlPlaneLogRetentionDays;
            if (isKnown(v) && !LOG_RETENTION_DAYS.includes(v)) {
                return `controlPlaneLogRetentionDays ${show(v)} is not a retention CloudWatch Logs accepts: use one of ${LOG_RETENTION_DAYS.join(", ")}.`;
            }
            return undefined;
        },
        () => (isKnown(a.supportType) && !SUPPORT_TYPES.includes(a.supportType)
            ? `supportType ${show(a.supportType)} is not an EKS support type: use "STANDARD" (automatic upgrade when standard support ends) or "EXTENDED" (paid extended support).`
            : undefined),
        () => {
            const v = a.karpenterVersion;
            if (isKnown(v) && !/^\d+\.\d+\.\d+$/.test(v)) {
                return `karpenterVersion ${show(v)} is not an exact chart version: pin one such as "${KARPENTER_VERSION}" (ranges and "latest" drift between deployments).`;
            }
            return undefined;
        },
    ];
    return collect(checks);
}

/**
 * Whether `pulumi up` can reach the Kubernetes API: a private-only endpoint (no public CIDR)
 * admits only the cluster security group unless sources are added, and every chart would then
 * fail to install.
 */
function checkApiReachable(a: ResolvedClusterArgs): string | undefined {
    const publicCidrs = a.endpointPublicAccessCidrs;
    if (!isKnown(publicCidrs) || publicCidrs.length > 0) {
        return undefined;
    }
    if (a.endpointPrivateAccessCidrs.length > 0 || a.endpointPrivateAccessSecurityGroupIds.length > 0) {
        return undefined;
    }
    return `endpointPublicAccessCidrs is empty, so the Kubernetes API is private-only, and nothing outside the cluster admits 443 to it: pulumi up could not install a single chart. Admit where it runs: endpointPrivateAccessCidrs (a VPN's or a peered CI runner VPC's CIDR), endpointPrivateAccessSecurityGroupIds (a CI runner's or bastion's security group), or endpointPublicAccessCidrs with your runners' egress CIDRs.`;
}

const PRINCIPAL_ARN = /^arn:aws[-a-z]*:iam::\d{12}:(role|user)\/.+$/;
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Every problem with `accessEntries`: names, principals, access policies and scopes. */
function checkAccessEntries(entries: ClusterAccessEntryArgs[]): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const [i, e] of entries.entries()) {
        const where = `accessEntries[${i}]`;
        const nameProblem = checkName(`${where}.name`, e.name ?? "", MAX_ACCESS_ENTRY_NAME_LENGTH, "so that the names of its child resources stay short");
        if (nameProblem) {
            problems.push(nameProblem);
        } else if (seen.has(e.name)) {
            problems.push(`${where}.name ${show(e.name)} is used by an earlier entry: give each entry its own name, such as "deployer" or "oncall".`);
        }
        seen.add(e.name);
        const arn = e.principalArn;
        if (isKnown(arn) && !PRINCIPAL_ARN.test(arn)) {
            const fix = /^arn:aws[-a-z]*:sts::\d{12}:assumed-role\/([^/]+)\//.exec(arn);
            problems.push(fix
                ? `${where}.principalArn ${show(arn)} is an assumed-role session: name the role itself, "arn:aws:iam::${arn.split(":")[4]}:role/${fix[1]}".`
                : `${where}.principalArn ${show(arn)} is not an IAM role or user ARN: use one such as "arn:aws:iam::111122223333:role/deployer".`);
        }
        if (!(e.access in ACCESS_POLICIES)) {
            problems.push(`${where}.access ${show(e.access)} is not an access policy: use "cluster-admin", "admin", "edit" or "view".`);
        }
        const namespaces = e.namespaces ?? [];
        if (e.access === "cluster-admin" && namespaces.length > 0) {
            problems.push(`${where} gives "cluster-admin" to namespaces ${show(namespaces)}: cluster-admin is cluster-wide; use "admin" to limit the entry to namespaces, or remove namespaces.`);
        }
        const bad = namespaces.filter((n) => !NAMESPACE_NAME.test(n) || n.length > 63);
        if (bad.length > 0) {
            problems.push(`${where}.namespaces ${show(bad)} are not namespace names: use lower-case letters, digits and hyphens, such as "llm".`);
        }
    }
    return problems;
}

/**
 * What every builder of LlmCluster's children needs: the component's name (the prefix of its
 * children's names), its resolved arguments, the EKS cluster's name, the parent and the partition.
 */
export interface ClusterScope {
    /** The LlmCluster's resource name: children are `${name}-<role>`. */
    name: string;
    args: ResolvedClusterArgs;
    /** The EKS cluster's name (`clusterName`, or `name`). */
    clusterName: pulumi.Output<string>;
    /** The LlmCluster itself: every child's parent. */
    parent: pulumi.Resource;
    /** The AWS partition ("aws", "aws-cn", "aws-us-gov"), for managed policy ARNs. */
    partition: pulumi.Output<string>;
}
