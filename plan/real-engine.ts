/**
 * The real engine's view of a plan: the registrations `pulumi preview --policy-pack` sends the
 * analyzer, replayed from what the offline plan recorded.
 *
 * The offline plan records a remote component (pulumi-eks's `eks:index:*`, awsx's, a Helm v4
 * Chart) as the program registers it: with its inputs, and without children, since the mocks
 * stand in for the provider's Construct. The real engine never analyses that registration: it
 * goes to the provider's Construct, and the analyzer sees the component as the provider
 * registers it again, then the provider's children. Here each remote component is replaced by
 * that re-registration and its children, as the pinned providers' source creates them for the
 * recorded inputs:
 *
 * - Re-registrations carry no inputs (`{}`). pulumi-eks 4.3.0 bundles @pulumi/pulumi 3.173.0
 *   (pulumi-eks v4.3.0 nodejs/eks/yarn.lock), awsx's provider @pulumi/pulumi 3.200.0 (pulumi-awsx
 *   awsx/package.json and awsx/yarn.lock, pinned since 3ef88b82 "Update pulumi/pulumi version to
 *   v3.200.0" and unchanged at e60adf3c, the newest stored commit, after v3.8.0; no v3.9.0 tag is
 *   stored), and before 3.202.0 `ComponentResource` sent the engine `{}` (pulumi v3.173.0
 *   sdk/nodejs/resource.ts `ComponentResource` constructor: `remote || opts?.urn ? args : {}`;
 *   inputs are sent from pulumi/pulumi#20357, 0ab86980, first in v3.202.0). pulumi-kubernetes
 *   registers a Helm v4 Chart with the Go SDK's `ctx.RegisterComponentResource(typ, name, comp,
 *   options)` (provider/pkg/provider/helm/v4/chart.go `ChartProvider.Construct`), which sends no
 *   inputs (sdk/go/pulumi/context.go: only `RegisterComponentResourceV2`, added by #20357, does).
 * - Children carry what the provider gives them. A value the provider derives from an output of
 *   its own new resources (an ARN, an id, a kubeconfig) or looks up from AWS (an add-on's newest
 *   version, the region's zones) is `[unknown]`: unknown during a first preview, and not known
 *   offline. Pulumi's auto-names (given in the provider's Check) are not replayed.
 * - Children inherit the component's `protect` (pulumi v3.173.0 sdk/nodejs/provider/server.ts
 *   `construct` passes it to the component; resource.ts `Resource`: a child without `protect`
 *   takes its parent's) and its provider for their package. Their `dependencies` are not replayed
 *   (no policy of the pack reads them).
 *
 * What a component's inputs ask for that this replay does not model is listed by
 * `realEngineNotes`, so a reader knows where the replayed view is incomplete.
 */
import { createHash } from "crypto";

import { PlannedResource, PlanResult, UNKNOWN_VALUE } from "./engine";

type Inputs = Record<string, unknown>;

/** A replayed child, before it has its URN. */
interface Child {
    type: string;
    name: string;
    custom: boolean;
    inputs: Inputs;
    children?: Child[];
}

/** Remote component types of pulumi-kubernetes (its other components are the Node SDK's own, local ones). */
const KUBERNETES_REMOTE = ["kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigFile", "kubernetes:yaml/v2:ConfigGroup", "kubernetes:kustomize/v2:Directory"];

/** True for a component the program registers remotely (its provider's Construct builds it). */
export function isRemoteComponent(r: PlannedResource): boolean {
    const pkg = r.type.split(":")[0];
    return !r.custom && (pkg === "eks" || pkg === "awsx" || KUBERNETES_REMOTE.includes(r.type));
}

const U = UNKNOWN_VALUE;

function isObject(v: unknown): v is Inputs {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** An object without its undefined entries (the SDK sends none). */
function defined(o: Inputs): Inputs {
    return Object.fromEntries(Object.keys(o).filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

/** A value with every object's keys sorted, as the plan records inputs (engine.ts `plain`). */
function sortedKeys(v: unknown): unknown {
    return Array.isArray(v) ? v.map(sortedKeys) : isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys(v[k])])) : v;
}

function pick(o: Inputs, keys: readonly string[]): Inputs {
    return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

/** JSON with every object's keys sorted (pulumi-eks v4.3.0 nodejs/eks/addons/addon.ts `stringifyAddonConfiguration`). */
function sortedJson(value: unknown): string {
    return JSON.stringify(sortedKeys(value));
}

function asList(v: unknown): unknown[] {
    return Array.isArray(v) ? v : [];
}

/** The partition of the first ARN among the inputs ("aws" when there is none). */
function partitionOf(...values: unknown[]): string {
    for (const v of values) {
        const m = typeof v === "string" ? /^arn:([a-z-]+):/.exec(v) : null;
        if (m) {
            return m[1];
        }
    }
    return "aws";
}

// ---- pulumi-eks v4.3.0: eks:index:Cluster (nodejs/eks/cluster/cluster.ts, createCluster and createCore) ----

/** pulumi-eks's `sha1hash` of a managed policy's ARN: its attachment's name suffix (nodejs/eks/servicerole.ts). */
function policyHash(policyArn: string): string {
    return createHash("sha1").update(policyArn).digest("hex").substring(0, 8);
}

/** The `eks:index:ServiceRole` pulumi-eks creates for the control plane (nodejs/eks/servicerole.ts `ServiceRole`). */
function eksServiceRole(name: string, partition: string, tags: unknown): Child {
    const policy = "AmazonEKSClusterPolicy";
    return {
        type: "eks:index:ServiceRole",
        name: `${name}-eksRole`,
        custom: false,
        inputs: {},
        children: [
            {
                type: "aws:iam/role:Role",
                name: `${name}-eksRole-role`,
                custom: true,
                inputs: defined({
                    // createCore asks for sts:TagSession too (EKS Auto Mode's need, asked for always).
                    assumeRolePolicy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Action: ["sts:AssumeRole", "sts:TagSession"], Effect: "Allow", Principal: { Service: ["eks.amazonaws.com"] } }],
                    }),
                    description: "Allows EKS to manage clusters on your behalf.",
                    tags,
                }),
            },
            {
                type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                name: `${name}-eksRole-${policyHash(`arn:aws:iam::aws:policy/${policy}`)}`,
                custom: true,
                inputs: { policyArn: `arn:${partition}:iam::aws:policy/${policy}`, role: U },
            },
        ],
    };
}

/** The VPC CNI add-on's configuration values, from `vpcCniOptions` (nodejs/eks/addons/cni-addon.ts `computeEnv`, `mergeConfigurationValues`). */
function cniConfiguration(o: Inputs): Inputs {
    const flag = (v: unknown): string => (v ? "true" : "false");
    const env: Record<string, unknown> = {
        WARM_ENI_TARGET: String(o.warmEniTarget ?? 1),
        AWS_VPC_K8S_CNI_LOGLEVEL: o.logLevel || "DEBUG",
        AWS_VPC_K8S_CNI_LOG_FILE: o.logFile || "/host/var/log/aws-routed-eni/ipamd.log",
        AWS_VPC_K8S_CNI_VETHPREFIX: o.vethPrefix || "eni",
        AWS_VPC_ENI_MTU: o.eniMtu ? String(o.eniMtu) : "9001",
        AWS_VPC_K8S_PLUGIN_LOG_LEVEL: o.pluginLogLevel || "DEBUG",
        AWS_VPC_K8S_PLUGIN_LOG_FILE: o.pluginLogFile || "/var/log/aws-routed-eni/plugin.log",
        ENABLE_POD_ENI: flag(o.enablePodEni),
        // Set from customNetworkConfig first, then always from cniCustomNetworkCfg, which wins.
        AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: flag(o.cniCustomNetworkCfg),
        AWS_VPC_K8S_CNI_EXTERNALSNAT: flag(o.externalSnat || o.cniExternalSnat),
    };
    const optional: [string, string, (v: unknown) => string][] = [
        ["nodePortSupport", "AWS_VPC_CNI_NODE_PORT_SUPPORT", flag],
        ["warmIpTarget", "WARM_IP_TARGET", String],
        ["warmPrefixTarget", "WARM_PREFIX_TARGET", String],
        ["enablePrefixDelegation", "ENABLE_PREFIX_DELEGATION", flag],
        ["eniConfigLabelDef", "ENI_CONFIG_LABEL_DEF", String],
        ["cniConfigureRpfilter", "AWS_VPC_K8S_CNI_CONFIGURE_RPFILTER", flag],
    ];
    for (const [option, variable, text] of optional) {
        if (o[option]) {
            env[variable] = text(o[option]);
        }
    }
    const initEnv = { DISABLE_TCP_EARLY_DEMUX: flag(o.disableTcpEarlyDemux) };
    const config: Inputs = { ...(isObject(o.configurationValues) ? o.configurationValues : {}) };
    if (!("enableNetworkPolicy" in config) && o.enableNetworkPolicy !== undefined) {
        config.enableNetworkPolicy = flag(o.enableNetworkPolicy);
    }
    config.env = isObject(config.env) ? { ...env, ...config.env } : env;
    const init = config.init;
    config.init = isObject(init) && isObject(init.env) ? { ...init, env: { ...initEnv, ...init.env } } : isObject(init) ? { env: initEnv, ...init } : { env: initEnv };
    return config;
}

/** How pulumi-eks creates an EKS add-on: kube-proxy and CoreDNS (cluster.ts createCore), the VPC CNI (cni-addon.ts `VpcCniAddon`). */
interface AddonSpec {
    name: string;
    addonName: string;
    clusterName: unknown;
    /** The add-on options' version; without one pulumi-eks looks up the newest for the cluster's version. */
    version: unknown;
    options: Inputs;
    tags: unknown;
    configurationValues?: unknown;
    serviceAccountRoleArn?: unknown;
}

function addon(a: AddonSpec): Child {
    return {
        type: "aws:eks/addon:Addon",
        name: a.name,
        custom: true,
        inputs: defined({
            clusterName: a.clusterName,
            addonName: a.addonName,
            addonVersion: a.version ?? U,
            preserve: true,
            resolveConflictsOnCreate: a.options.resolveConflictsOnCreate ?? "OVERWRITE",
            resolveConflictsOnUpdate: a.options.resolveConflictsOnUpdate ?? "OVERWRITE",
            configurationValues: a.configurationValues === undefined ? undefined : sortedJson(a.configurationValues),
            serviceAccountRoleArn: a.serviceAccountRoleArn,
            tags: a.tags,
        }),
    };
}

function eksClusterChildren(r: PlannedResource): Child[] {
    const a = r.inputs;
    const name = r.name;
    const autoMode = isObject(a.autoMode) && a.autoMode.enabled === true;
    const clusterName = a.name ?? U;
    const children: Child[] = [];
    if (a.serviceRole === undefined) {
        children.push(eksServiceRole(name, partitionOf(a.encryptionConfigKeyArn, a.serviceRole), a.tags));
    }
    const subnetIds = a.subnetIds !== undefined ? a.subnetIds
        : a.publicSubnetIds !== undefined || a.privateSubnetIds !== undefined ? [...asList(a.publicSubnetIds), ...asList(a.privateSubnetIds)]
            // No VPC given: pulumi-eks looks up the default VPC's subnets.
            : U;
    const ipFamily = a.ipFamily ?? "ipv4";
    children.push({
        type: "aws:eks/cluster:Cluster",
        name: `${name}-eksCluster`,
        custom: true,
        inputs: defined({
            name: a.name,
            roleArn: U,
            bootstrapSelfManagedAddons: autoMode ? false : a.bootstrapSelfManagedAddons ?? true,
            vpcConfig: defined({
                securityGroupIds: a.clusterSecurityGroup !== undefined ? [U] : undefined,
                subnetIds,
                endpointPrivateAccess: a.endpointPrivateAccess,
                endpointPublicAccess: a.endpointPublicAccess,
                publicAccessCidrs: a.publicAccessCidrs ? a.publicAccessCidrs : undefined,
            }),
            version: a.version,
            enabledClusterLogTypes: a.enabledClusterLogTypes,
            tags: { Name: `${name}-eksCluster`, ...(isObject(a.clusterTags) ? a.clusterTags : {}), ...(isObject(a.tags) ? a.tags : {}) },
            encryptionConfig: a.encryptionConfigKeyArn ? { provider: { keyArn: a.encryptionConfigKeyArn }, resources: ["secrets"] } : undefined,
            accessConfig: a.authenticationMode ? { authenticationMode: a.authenticationMode, bootstrapClusterCreatorAdminPermissions: true } : undefined,
            kubernetesNetworkConfig: a.kubernetesServiceIpAddressRange || a.ipFamily
                ? defined({ ipFamily, serviceIpv4Cidr: ipFamily === "ipv4" ? a.kubernetesServiceIpAddressRange : undefined })
                : undefined,
            upgradePolicy: a.upgradePolicy,
            deletionProtection: a.deletionProtection,
        }),
    });
    const kubeProxy = isObject(a.kubeProxyAddonOptions) ? a.kubeProxyAddonOptions : {};
    if (kubeProxy.enabled ?? !autoMode) {
        children.push(addon({
            name: `${name}-kube-proxy`, addonName: "kube-proxy", clusterName, version: kubeProxy.version, options: kubeProxy, tags: a.tags,
            configurationValues: kubeProxy.configurationValues,
        }));
    }
    children.push({
        type: "pulumi:providers:kubernetes",
        name: `${name}-eks-k8s`,
        custom: true,
        // Provider configuration travels as strings.
        inputs: defined({ kubeconfig: U, enableConfigMapMutable: a.enableConfigMapMutable === undefined ? undefined : String(a.enableConfigMapMutable) }),
    });
    if (a.useDefaultVpcCni !== undefined ? !a.useDefaultVpcCni : !autoMode) {
        const cni = isObject(a.vpcCniOptions) ? a.vpcCniOptions : {};
        children.push({
            type: "eks:index:VpcCniAddon",
            name: `${name}-vpc-cni`,
            custom: false,
            inputs: {},
            // The add-on takes the cluster's tags over the options' (createCore: { ...vpcCniOptions, tags }).
            children: [addon({
                name: `${name}-vpc-cni`, addonName: "vpc-cni", clusterName, version: cni.addonVersion, options: cni, tags: a.tags,
                configurationValues: cniConfiguration(cni), serviceAccountRoleArn: cni.serviceAccountRoleArn,
            })],
        });
    }
    // CoreDNS needs nodes to run on: pulumi-eks adds it with its default node group, Fargate or
    // Auto Mode, or when corednsAddonOptions turns it on (enabled: true, or configurationValues).
    const coredns = isObject(a.corednsAddonOptions) ? a.corednsAddonOptions : {};
    const hasNodes = Boolean(a.fargate) || !a.skipDefaultNodeGroup || autoMode;
    if (coredns.enabled === true || coredns.configurationValues || (hasNodes && (coredns.enabled ?? true))) {
        const values = a.fargate ? { computeType: "Fargate", ...(isObject(coredns.configurationValues) ? coredns.configurationValues : {}) } : coredns.configurationValues;
        children.push(addon({ name: `${name}-coredns`, addonName: "coredns", clusterName, version: coredns.version, options: coredns, tags: a.tags, configurationValues: values }));
    }
    return children;
}

function eksClusterNotes(r: PlannedResource): string[] {
    const a = r.inputs;
    const autoMode = isObject(a.autoMode) && a.autoMode.enabled === true;
    const notes: [boolean, string][] = [
        [autoMode, "autoMode (Auto Mode's node role, compute and storage configuration)"],
        [Boolean(a.fargate), "fargate (the Fargate profile and its role)"],
        [!a.skipDefaultNodeGroup && !a.fargate && !autoMode, "the default node group (skipDefaultNodeGroup is not set)"],
        [!a.skipDefaultSecurityGroups && !autoMode && a.clusterSecurityGroup === undefined, "the default security groups (skipDefaultSecurityGroups is not set)"],
        [a.createOidcProvider === true, "createOidcProvider (the IAM OIDC provider)"],
        [a.storageClasses !== undefined, "storageClasses"],
        [a.authenticationMode !== "API", "the aws-auth ConfigMap (authenticationMode is not API)"],
        [isObject(a.accessEntries) && Object.keys(a.accessEntries).length > 0, "accessEntries"],
        [a.instanceRole !== undefined || a.instanceRoles !== undefined || a.createInstanceRole === true, "instance roles"],
        [isObject(a.vpcCniOptions) && Boolean(a.vpcCniOptions.securityContextPrivileged), "vpcCniOptions.securityContextPrivileged (the aws-node DaemonSetPatch)"],
        [a.creationRoleProvider !== undefined, "creationRoleProvider"],
    ];
    return notes.filter(([on]) => on).map(([, what]) => what);
}

// ---- pulumi-eks v4.3.0: eks:index:ManagedNodeGroup (nodejs/eks/nodes/nodegroup.ts, createManagedNodeGroup) ----

/** The inputs aws.eks.NodeGroup takes (its SDK constructor copies only these from pulumi-eks's spread of the options). */
const NODE_GROUP_INPUTS = [
    "amiType", "capacityType", "clusterName", "diskSize", "forceUpdateVersion", "instanceTypes", "labels", "launchTemplate", "nodeGroupName",
    "nodeGroupNamePrefix", "nodeRepairConfig", "nodeRoleArn", "region", "releaseVersion", "remoteAccess", "scalingConfig", "subnetIds", "tags",
    "taints", "updateConfig", "version",
] as const;
const CUSTOM_USER_DATA = ["kubeletExtraArgs", "bootstrapExtraArgs", "bottlerocketSettings", "nodeadmExtraOptions"];
const CUSTOM_LAUNCH_TEMPLATE = [...CUSTOM_USER_DATA, "enableIMDSv2", "userData", "amiId", "enableEfaSupport"];

function managedNodeGroupChildren(r: PlannedResource, byUrn: Map<string, PlannedResource>): Child[] {
    const a = r.inputs;
    const cluster = typeof a.cluster === "string" ? byUrn.get(a.cluster)?.inputs ?? {} : {};
    const customLaunchTemplate = CUSTOM_LAUNCH_TEMPLATE.some((k) => a[k] !== undefined);
    const customUserData = CUSTOM_USER_DATA.some((k) => a[k] !== undefined) || Boolean(a.userData) || Boolean(a.amiId);
    const scaling = isObject(a.scalingConfig) ? a.scalingConfig : {};
    const children: Child[] = [];
    if (customLaunchTemplate) {
        const bottlerocket = String(a.amiType ?? "").startsWith("BOTTLEROCKET") || a.operatingSystem === "Bottlerocket";
        children.push({
            type: "aws:ec2/launchTemplate:LaunchTemplate",
            name: `${r.name}-launchTemplate`,
            custom: true,
            inputs: defined({
                blockDeviceMappings: a.diskSize ? [{ deviceName: bottlerocket ? "/dev/xvdb" : "/dev/xvda", ebs: { volumeSize: a.diskSize } }] : undefined,
                userData: customUserData ? U : undefined,
                // enableIMDSv2 gives a hop limit of 2 (createMNGCustomLaunchTemplate).
                metadataOptions: a.enableIMDSv2 !== undefined ? { httpEndpoint: "enabled", httpPutResponseHopLimit: 2, httpTokens: a.enableIMDSv2 ? "required" : "optional" } : undefined,
                imageId: customUserData ? a.amiId ?? U : undefined,
            }),
        });
    }
    const group: Inputs = {
        ...pick(a, NODE_GROUP_INPUTS),
        // The cluster's version, unless the user's launch template decides (createManagedNodeGroup).
        version: a.version ?? (a.launchTemplate === undefined ? cluster.version ?? U : undefined),
        clusterName: a.clusterName || (cluster.name ?? U),
        nodeRoleArn: a.nodeRoleArn ?? (a.nodeRole !== undefined ? U : undefined),
        scalingConfig: { desiredSize: scaling.desiredSize ?? 2, maxSize: scaling.maxSize ?? 2, minSize: scaling.minSize ?? 1 },
        // The cluster's subnets (public and private) unless the group names its own.
        subnetIds: a.subnetIds ?? cluster.subnetIds ?? [...asList(cluster.publicSubnetIds), ...asList(cluster.privateSubnetIds)],
        launchTemplate: customLaunchTemplate ? { id: U, version: U } : a.launchTemplate,
        diskSize: customLaunchTemplate ? undefined : a.diskSize,
    };
    if (customUserData) {
        delete group.version;
        delete group.releaseVersion;
        delete group.amiType;
    }
    children.push({ type: "aws:eks/nodeGroup:NodeGroup", name: r.name, custom: true, inputs: defined(group) });
    return children;
}

function managedNodeGroupNotes(r: PlannedResource): string[] {
    const a = r.inputs;
    return [
        ...(a.enableEfaSupport ? ["enableEfaSupport (the placement group and EFA network interfaces)"] : []),
        ...(a.amiType === undefined && a.operatingSystem !== undefined ? ["operatingSystem (the AMI type pulumi-eks derives from it)"] : []),
    ];
}

// ---- awsx (pulumi-awsx e60adf3c awsx/ec2/vpc.ts `Vpc.initialize`, subnetDistributorNew.ts `getSubnetSpecs`) ----

/** The inputs aws.ec2.Vpc takes from awsx's spread of its own arguments. */
const VPC_INPUTS = [
    "assignGeneratedIpv6CidrBlock", "enableDnsHostnames", "enableDnsSupport", "enableNetworkAddressUsageMetrics", "instanceTenancy", "ipv4IpamPoolId",
    "ipv4NetmaskLength", "ipv6CidrBlock", "ipv6CidrBlockNetworkBorderGroup", "ipv6IpamPoolId", "ipv6NetmaskLength", "region",
] as const;

function ipv4(cidr: string): { base: number; bits: number } | undefined {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    return m ? { base: m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0), bits: Number(m[5]) } : undefined;
}

function cidrText(base: number, bits: number): string {
    return `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join(".")}/${bits}`;
}

/** Bits that number `count` blocks (subnetDistributorNew.ts `newBits`). */
function newBits(count: number): number {
    return count === 0 ? 0 : Math.ceil(Math.log2(count));
}

interface VpcLayout {
    zones: unknown[];
    /** No subnetSpecs given: awsx's default specs, with their own sizes (subnetDistributorNew.ts `defaultSubnetInputs`). */
    defaultSpecs: boolean;
    specs: { type: string; name?: string; tags?: unknown }[];
    strategy: string;
    vpcCidr: string;
}

/** The layout this replay models: the "Auto" strategy with default subnet sizes, no endpoints, no IPv6, no IPAM. */
function vpcLayout(a: Inputs): VpcLayout | undefined {
    const specs = Array.isArray(a.subnetSpecs) ? (a.subnetSpecs as Inputs[]) : [{ type: "Private" }, { type: "Public" }];
    const zones = Array.isArray(a.availabilityZoneNames) ? a.availabilityZoneNames : Array.from({ length: Number(a.numberOfAvailabilityZones ?? 3) }, () => U);
    const vpcCidr = String(a.cidrBlock ?? "10.0.0.0/16");
    const unsupported = a.subnetStrategy !== "Auto" || a.availabilityZoneCidrMask !== undefined || a.vpcEndpointSpecs !== undefined || a.assignGeneratedIpv6CidrBlock
        || a.ipv4IpamPoolId !== undefined || (isObject(a.natGateways) && a.natGateways.elasticIpAllocationIds !== undefined) || ipv4(vpcCidr) === undefined
        || specs.some((s) => s.cidrMask !== undefined || s.size !== undefined || s.cidrBlocks !== undefined || s.assignIpv6AddressOnCreation !== undefined || !["Public", "Private", "Isolated"].includes(String(s.type)));
    return unsupported ? undefined : { zones, defaultSpecs: !Array.isArray(a.subnetSpecs), specs: specs.map((s) => ({ type: String(s.type), name: s.name as string | undefined, tags: s.tags })), strategy: String(isObject(a.natGateways) ? a.natGateways.strategy ?? "OnePerAz" : "OnePerAz"), vpcCidr };
}

function awsxVpcChildren(r: PlannedResource): Child[] {
    const a = r.inputs;
    const layout = vpcLayout(a);
    if (layout === undefined) {
        return [];
    }
    const name = r.name;
    const tags = isObject(a.tags) ? a.tags : {};
    const shared = { Name: name, ...tags };
    const vpc = ipv4(layout.vpcCidr)!;
    const azBits = vpc.bits + newBits(layout.zones.length);
    // awsx's default specs are staggered, Private then Public one bit smaller, within the first
    // /16 (`defaultSubnetInputs`: cidrMask max(azBitmask, 16) + i + 1); given specs without a
    // cidrMask share the zone's block equally (`allocateSubnetCidrBlocks`).
    const masks = layout.specs.map((_, i) => (layout.defaultSpecs ? Math.max(azBits, 16) + i + 1 : azBits + newBits(layout.specs.length)));
    // awsx gives the Vpc's region to every child it creates (vpc.ts `Vpc.initialize`).
    const regional = (inputs: Inputs): Inputs => defined({ ...inputs, region: a.region });
    const subnets: Child[] = [];
    let natGateways = 0;
    layout.zones.forEach((zone, z) => {
        const azNum = z + 1;
        // Each subnet follows the one before it in the zone's block (`nextNetmask`).
        let next = vpc.base + z * 2 ** (32 - azBits);
        const allocated = layout.specs.map((spec, s) => {
            const size = 2 ** (32 - masks[s]);
            const base = Math.ceil(next / size) * size;
            next = base + size;
            return { spec, cidr: cidrText(base, masks[s]) };
        });
        // Public subnets first (vpc.ts `compareSubnetSpecs`), then private, then isolated.
        // awsx creates public subnets first (vpc.ts `compareSubnetSpecs`); the view is sorted by URN, so the replay keeps the specs' order.
        for (const { spec, cidr } of allocated) {
            const subnetName = `${name}-${spec.name ?? spec.type.toLowerCase()}-${azNum}`;
            const kind = { Name: subnetName, SubnetType: spec.type };
            const routeTableChildren: Child[] = [
                { type: "aws:ec2/routeTableAssociation:RouteTableAssociation", name: subnetName, custom: true, inputs: regional({ routeTableId: U, subnetId: U }) },
            ];
            const subnetChildren: Child[] = [];
            if (spec.type === "Public") {
                routeTableChildren.push({ type: "aws:ec2/route:Route", name: subnetName, custom: true, inputs: regional({ destinationCidrBlock: "0.0.0.0/0", gatewayId: U, routeTableId: U }) });
                const needed = layout.strategy === "Single" ? natGateways < 1 : layout.strategy === "OnePerAz" ? natGateways < z + 1 : false;
                if (needed) {
                    natGateways++;
                    const natTags = { ...tags, Name: `${name}-${azNum}` };
                    subnetChildren.push(
                        { type: "aws:ec2/eip:Eip", name: `${name}-${azNum}`, custom: true, inputs: regional({ tags: natTags }) },
                        { type: "aws:ec2/natGateway:NatGateway", name: `${name}-${azNum}`, custom: true, inputs: regional({ allocationId: U, subnetId: U, tags: natTags }) },
                    );
                }
            } else if (spec.type === "Private" && layout.strategy !== "None") {
                routeTableChildren.push({ type: "aws:ec2/route:Route", name: subnetName, custom: true, inputs: regional({ destinationCidrBlock: "0.0.0.0/0", natGatewayId: U, routeTableId: U }) });
            }
            subnetChildren.push({ type: "aws:ec2/routeTable:RouteTable", name: subnetName, custom: true, inputs: regional({ tags: { ...shared, ...kind }, vpcId: U }), children: routeTableChildren });
            subnets.push({
                type: "aws:ec2/subnet:Subnet",
                name: subnetName,
                custom: true,
                inputs: regional({
                    assignIpv6AddressOnCreation: false,
                    availabilityZone: zone,
                    cidrBlock: cidr,
                    // Derived from the VPC's IPv6 block, which is unknown during preview even when unused.
                    ipv6CidrBlock: U,
                    mapPublicIpOnLaunch: spec.type === "Public",
                    tags: { ...shared, ...(isObject(spec.tags) ? spec.tags : {}), ...kind },
                    vpcId: U,
                }),
                children: subnetChildren,
            });
        }
    });
    return [{
        type: "aws:ec2/vpc:Vpc",
        name,
        custom: true,
        inputs: defined({ ...pick(a, VPC_INPUTS), cidrBlock: layout.vpcCidr, tags: shared }),
        children: [{ type: "aws:ec2/internetGateway:InternetGateway", name, custom: true, inputs: regional({ tags: shared, vpcId: U }) }, ...subnets],
    }];
}

// ---- the replay ----

/** The URN of a child (Pulumi's: the parent's type chain, then the child's type and name). */
function childUrn(parentUrn: string, type: string, name: string): string {
    const [stack, project, qualifiedType] = parentUrn.split("::");
    // A component's URN never holds the stack's type (the stack's children do not chain it).
    return `${stack}::${project}::${qualifiedType}$${type}::${name}`;
}

/** The package a provider reference (`<provider urn>::<id>`) is for. */
function providerPackage(ref: string): string | undefined {
    const urn = ref.slice(0, ref.lastIndexOf("::"));
    const type = urn.split("::")[2]?.split("$").pop() ?? "";
    return type.startsWith("pulumi:providers:") ? type.slice("pulumi:providers:".length) : undefined;
}

function flatten(component: PlannedResource, parentUrn: string, children: Child[]): PlannedResource[] {
    const providerPkg = component.provider ? providerPackage(component.provider) : undefined;
    const options = component.options;
    return children.flatMap((c) => {
        const urn = childUrn(parentUrn, c.type, c.name);
        const r: PlannedResource = {
            urn,
            type: c.type,
            name: c.name,
            custom: c.custom,
            parent: parentUrn,
            ...(c.custom && providerPkg !== undefined && c.type.split(":")[0] === providerPkg ? { provider: component.provider } : {}),
            dependencies: [],
            inputs: sortedKeys(c.inputs) as Inputs,
            // The provider's Construct gets the component's protect, and its SDK passes it to every child.
            options: options.protect ? { protect: true } : {},
        };
        return [r, ...flatten(component, urn, c.children ?? [])];
    });
}

function childrenOf(r: PlannedResource, byUrn: Map<string, PlannedResource>): Child[] {
    switch (r.type) {
        case "eks:index:Cluster":
            return eksClusterChildren(r);
        case "eks:index:ManagedNodeGroup":
            return managedNodeGroupChildren(r, byUrn);
        case "awsx:ec2:Vpc":
            return awsxVpcChildren(r);
        default:
            return [];
    }
}

/**
 * The registrations the real engine sends the analyzer for this plan: every remote component
 * as its provider registers it again (`{}`), followed by its children; everything else as the
 * plan recorded it. Pure: the plan is not changed. In URN order, as the plan is.
 */
export function realEngineView(plan: PlanResult): PlanResult {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const resources = plan.resources.flatMap((r) =>
        isRemoteComponent(r) ? [{ ...r, inputs: {} }, ...flatten(r, r.urn, childrenOf(r, byUrn))] : [r]);
    // URNs are unique in a plan.
    return { ...plan, resources: resources.sort((a, b) => (a.urn < b.urn ? -1 : 1)) };
}

/** Where `realEngineView` is incomplete for this plan: one line per remote component with children it does not replay. */
export function realEngineNotes(plan: PlanResult): string[] {
    return plan.resources.filter(isRemoteComponent).flatMap((r) => {
        const label = `${r.type} ${r.name}`;
        switch (r.type) {
            case "eks:index:Cluster": {
                const notes = eksClusterNotes(r);
                return notes.length > 0 ? [`${label}: not replayed: ${notes.join(", ")}`] : [];
            }
            case "eks:index:ManagedNodeGroup": {
                const notes = managedNodeGroupNotes(r);
                return notes.length > 0 ? [`${label}: not replayed: ${notes.join(", ")}`] : [];
            }
            case "awsx:ec2:Vpc":
                return vpcLayout(r.inputs) === undefined ? [`${label}: its children are not replayed (only the "Auto" subnet strategy with default sizes, no endpoints, IPv6 or IPAM is)`] : [];
            case "kubernetes:helm.sh/v4:Chart":
                return [`${label}: the chart's objects are not replayed (the provider renders the chart)`];
            default:
                return [`${label}: its children are not replayed`];
        }
    });
}
