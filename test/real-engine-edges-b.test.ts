/**
 * The real engine's replay (plan/real-engine.ts), part b: pulumi-eks 4.3.0's
 * ManagedNodeGroup children for the options dev does not set (custom user data, an AMI ID,
 * Bottlerocket, a node role, the user's own launch template, a cluster outside the plan), awsx's
 * Vpc layouts (zones, CIDRs, NAT strategies, isolated subnets, and every input the replay leaves
 * unreplayed), the replayed children's URNs, providers and dependencies, and realEngineNotes.
 *
 * Expected values follow the pinned providers' source: pulumi-eks v4.3.0
 * nodejs/eks/nodes/nodegroup.ts (`createManagedNodeGroup`, `createMNGCustomLaunchTemplate`) and
 * pulumi-awsx v3.8.0 (unchanged at e60adf3c) awsx/ec2/vpc.ts (`Vpc.initialize`,
 * `shouldCreateNatGateway`) and subnetDistributorNew.ts (`getSubnetSpecs`,
 * `allocateSubnetCidrBlocks`, `defaultSubnetInputs`).
 */
import * as assert from "node:assert/strict";

import { PlannedResource, PlanResult } from "../plan/engine";
import { realEngineNotes, realEngineView } from "../plan/real-engine";
import { stackPlan } from "./support/stack-plan";

const P = "urn:pulumi:test::t::";
const U = "[unknown]";

type Recorded = Omit<PlannedResource, "dependencies" | "options" | "custom"> & { options?: PlannedResource["options"] };

/** A plan of one stack's resources (all of them components, parented to the stack). */
function stack(...resources: Recorded[]): PlanResult {
    return stackPlan(...resources.map((r) => ({ ...r, custom: false })));
}

/** A URN without its "urn:pulumi:test::t::" prefix. */
function strip(urn: string | undefined): string | undefined {
    return urn?.startsWith(P) ? urn.slice(P.length) : urn;
}

/** The name part of a URN. */
function nameOf(urn: string | undefined): string | undefined {
    return urn?.split("::").pop();
}

// ---- eks:index:ManagedNodeGroup ----

const CLUSTER_URN = `${P}eks:index:Cluster::c`;
const NG_URN = `${P}eks:index:ManagedNodeGroup::ng`;
const ROLE_ARN = "arn:aws:iam::111122223333:role/n";

/** The cluster the node groups join: named "c", Kubernetes 1.31, one public and one private subnet. */
function cluster(): Recorded {
    return {
        urn: CLUSTER_URN, type: "eks:index:Cluster", name: "c",
        inputs: { name: "c", version: "1.31", authenticationMode: "API", skipDefaultNodeGroup: true, skipDefaultSecurityGroups: true, publicSubnetIds: ["subnet-b"], privateSubnetIds: ["subnet-a"] },
    };
}

/** A managed node group of cluster "c" with a role ARN, plus `inputs`. */
function nodeGroup(inputs: Record<string, unknown>, role: Record<string, unknown> = { nodeRoleArn: ROLE_ARN }): Recorded {
    return { urn: NG_URN, type: "eks:index:ManagedNodeGroup", name: "ng", inputs: { cluster: CLUSTER_URN, ...role, ...inputs } };
}

/** The node group's replayed children as [type, name, custom, inputs]. */
function groupChildren(plan: PlanResult): [string, string, boolean, Record<string, unknown>][] {
    return realEngineView(plan).resources.filter((r) => r.parent === NG_URN).map((r) => [r.type, r.name, r.custom, r.inputs]);
}

/** What every node group of cluster "c" gets without options: the cluster's name, public then private subnets, pulumi-eks's 2/2/1 scaling. */
const GROUP_DEFAULTS = { clusterName: "c", nodeRoleArn: ROLE_ARN, scalingConfig: { desiredSize: 2, maxSize: 2, minSize: 1 }, subnetIds: ["subnet-b", "subnet-a"] };
const OWN_TEMPLATE = { id: U, version: U };

// ---- awsx:ec2:Vpc ----

const VPC_URN = `${P}awsx:ec2:Vpc::v`;
const V = "awsx:ec2:Vpc$aws:ec2/vpc:Vpc";
const S = `${V}$aws:ec2/subnet:Subnet`;
const RT = `${S}$aws:ec2/routeTable:RouteTable`;
const VPC_NOTE = `awsx:ec2:Vpc v: its children are not replayed (only the "Auto" subnet strategy with default sizes, no endpoints, IPv6 or IPAM is)`;

function vpc(inputs: Record<string, unknown>): Recorded {
    return { urn: VPC_URN, type: "awsx:ec2:Vpc", name: "v", inputs };
}

/** Everything replayed below the Vpc component, in the view's (URN) order, as [URN, parent URN, inputs] without the URN prefix. */
function vpcChildren(plan: PlanResult): [string | undefined, string | undefined, Record<string, unknown>][] {
    return realEngineView(plan).resources.filter((r) => r.urn.startsWith(`${P}awsx:ec2:Vpc$`)).map((r) => [strip(r.urn), strip(r.parent), r.inputs]);
}

/** The replayed resources of one type, in the view's order. */
function ofType(plan: PlanResult, type: string): PlannedResource[] {
    return realEngineView(plan).resources.filter((r) => r.type === type);
}

/** A layout the replay models: "Auto", one named zone, a private and a public subnet. */
const MODELLED = { subnetStrategy: "Auto", availabilityZoneNames: ["us-west-2a"], subnetSpecs: [{ type: "Private" }, { type: "Public" }] };

describe("the real engine's replay, part b (plan/real-engine.ts: node groups, awsx VPCs, URNs and providers, notes)", () => {
    describe("eks:index:ManagedNodeGroup children (pulumi-eks v4.3.0 createManagedNodeGroup)", () => {
        it("kubeletExtraArgs: pulumi-eks's launch template carries the disk on /dev/xvda (not Bottlerocket), user data and an AMI; the NodeGroup drops version, releaseVersion, amiType and diskSize", () => {
            const plan = stack(cluster(), nodeGroup({
                kubeletExtraArgs: "--max-pods=110",
                amiType: "AL2023_x86_64_STANDARD",
                version: "1.31",
                releaseVersion: "1.31.0-20250101",
                diskSize: 100,
                instanceTypes: ["m7i.xlarge"],
            }));
            assert.deepEqual(groupChildren(plan), [
                ["aws:ec2/launchTemplate:LaunchTemplate", "ng-launchTemplate", true, {
                    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100 } }],
                    imageId: U,
                    userData: U,
                }],
                ["aws:eks/nodeGroup:NodeGroup", "ng", true, { ...GROUP_DEFAULTS, instanceTypes: ["m7i.xlarge"], launchTemplate: OWN_TEMPLATE }],
            ]);
        });

        it("userData with enableIMDSv2 false: the launch template has httpTokens \"optional\" with hop limit 2, user data and an AMI; the NodeGroup has no version", () => {
            const plan = stack(cluster(), nodeGroup({ userData: "IyEvYmluL2Jhc2g=", enableIMDSv2: false }));
            assert.deepEqual(groupChildren(plan), [
                ["aws:ec2/launchTemplate:LaunchTemplate", "ng-launchTemplate", true, {
                    imageId: U,
                    metadataOptions: { httpEndpoint: "enabled", httpPutResponseHopLimit: 2, httpTokens: "optional" },
                    userData: U,
                }],
                ["aws:eks/nodeGroup:NodeGroup", "ng", true, { ...GROUP_DEFAULTS, launchTemplate: OWN_TEMPLATE }],
            ]);
        });

        it("amiId: the launch template's imageId is the given AMI, with user data; the NodeGroup has no version", () => {
            const plan = stack(cluster(), nodeGroup({ amiId: "ami-0123456789abcdef0" }));
            assert.deepEqual(groupChildren(plan), [
                ["aws:ec2/launchTemplate:LaunchTemplate", "ng-launchTemplate", true, { imageId: "ami-0123456789abcdef0", userData: U }],
                ["aws:eks/nodeGroup:NodeGroup", "ng", true, { ...GROUP_DEFAULTS, launchTemplate: OWN_TEMPLATE }],
            ]);
        });

        it("a Bottlerocket AMI type puts the disk on the data volume /dev/xvdb, and the NodeGroup drops the AMI type for the custom user data", () => {
            const plan = stack(cluster(), nodeGroup({ amiType: "BOTTLEROCKET_x86_64", bottlerocketSettings: { settings: { motd: "hi" } }, diskSize: 50 }));
            assert.deepEqual(groupChildren(plan), [
                ["aws:ec2/launchTemplate:LaunchTemplate", "ng-launchTemplate", true, {
                    blockDeviceMappings: [{ deviceName: "/dev/xvdb", ebs: { volumeSize: 50 } }],
                    imageId: U,
                    userData: U,
                }],
                ["aws:eks/nodeGroup:NodeGroup", "ng", true, { ...GROUP_DEFAULTS, launchTemplate: OWN_TEMPLATE }],
            ]);
        });

        it("operatingSystem Bottlerocket without an AMI type also puts the disk on /dev/xvdb", () => {
            const plan = stack(cluster(), nodeGroup({ operatingSystem: "Bottlerocket", bottlerocketSettings: { settings: { motd: "hi" } }, diskSize: 50 }));
            assert.deepEqual(groupChildren(plan)[0], ["aws:ec2/launchTemplate:LaunchTemplate", "ng-launchTemplate", true, {
                blockDeviceMappings: [{ deviceName: "/dev/xvdb", ebs: { volumeSize: 50 } }],
                imageId: U,
                userData: U,
            }]);
        });

        it("a nodeRole instead of nodeRoleArn gives the NodeGroup the role's ARN as unknown, and the cluster's version without a launch template", () => {
            const plan = stack(cluster(), nodeGroup({}, { nodeRole: `${P}aws:iam/role:Role::n` }));
            assert.deepEqual(groupChildren(plan), [
                ["aws:eks/nodeGroup:NodeGroup", "ng", true, { ...GROUP_DEFAULTS, nodeRoleArn: U, version: "1.31" }],
            ]);
        });

        it("the user's own launch template: no launch template of pulumi-eks, and no version (the template's AMI decides it)", () => {
            const plan = stack(cluster(), nodeGroup({ launchTemplate: { id: "lt-0abc", version: "3" } }));
            assert.deepEqual(groupChildren(plan), [
                ["aws:eks/nodeGroup:NodeGroup", "ng", true, { ...GROUP_DEFAULTS, launchTemplate: { id: "lt-0abc", version: "3" } }],
            ]);
        });

        it("a cluster that is not a resource of the plan: its name and version are unknown, the group's own subnets are kept", () => {
            const plan = stack(nodeGroup({ cluster: `${P}eks:index:Cluster::elsewhere`, subnetIds: ["subnet-x"] }));
            assert.deepEqual(groupChildren(plan), [
                ["aws:eks/nodeGroup:NodeGroup", "ng", true, { clusterName: U, nodeRoleArn: ROLE_ARN, scalingConfig: { desiredSize: 2, maxSize: 2, minSize: 1 }, subnetIds: ["subnet-x"], version: U }],
            ]);
        });
    });

    describe("awsx:ec2:Vpc children (awsx Vpc.initialize, the \"Auto\" subnet strategy)", () => {
        it("two zones by number, the default 10.0.0.0/16 and NAT strategy OnePerAz: /18 subnets per zone, one NAT gateway and EIP in each zone's public subnet, the VPC's tags on everything", () => {
            const plan = stack(vpc({
                subnetStrategy: "Auto",
                numberOfAvailabilityZones: 2,
                subnetSpecs: [{ type: "Private" }, { type: "Public" }],
                enableDnsHostnames: true,
                tags: { team: "ml" },
            }));
            const tags = { Name: "v", team: "ml" };
            const subnet = (name: string, type: string, cidrBlock: string): [string, string, Record<string, unknown>] => [`${S}::${name}`, `${V}::v`, {
                assignIpv6AddressOnCreation: false,
                availabilityZone: U,
                cidrBlock,
                ipv6CidrBlock: U,
                mapPublicIpOnLaunch: type === "Public",
                tags: { Name: name, SubnetType: type, team: "ml" },
                vpcId: U,
            }];
            assert.deepEqual(vpcChildren(plan), [
                [`${V}$aws:ec2/internetGateway:InternetGateway::v`, `${V}::v`, { tags, vpcId: U }],
                [`${S}$aws:ec2/eip:Eip::v-1`, `${S}::v-public-1`, { tags: { Name: "v-1", team: "ml" } }],
                [`${S}$aws:ec2/eip:Eip::v-2`, `${S}::v-public-2`, { tags: { Name: "v-2", team: "ml" } }],
                [`${S}$aws:ec2/natGateway:NatGateway::v-1`, `${S}::v-public-1`, { allocationId: U, subnetId: U, tags: { Name: "v-1", team: "ml" } }],
                [`${S}$aws:ec2/natGateway:NatGateway::v-2`, `${S}::v-public-2`, { allocationId: U, subnetId: U, tags: { Name: "v-2", team: "ml" } }],
                [`${RT}$aws:ec2/route:Route::v-private-1`, `${RT}::v-private-1`, { destinationCidrBlock: "0.0.0.0/0", natGatewayId: U, routeTableId: U }],
                [`${RT}$aws:ec2/route:Route::v-private-2`, `${RT}::v-private-2`, { destinationCidrBlock: "0.0.0.0/0", natGatewayId: U, routeTableId: U }],
                [`${RT}$aws:ec2/route:Route::v-public-1`, `${RT}::v-public-1`, { destinationCidrBlock: "0.0.0.0/0", gatewayId: U, routeTableId: U }],
                [`${RT}$aws:ec2/route:Route::v-public-2`, `${RT}::v-public-2`, { destinationCidrBlock: "0.0.0.0/0", gatewayId: U, routeTableId: U }],
                [`${RT}$aws:ec2/routeTableAssociation:RouteTableAssociation::v-private-1`, `${RT}::v-private-1`, { routeTableId: U, subnetId: U }],
                [`${RT}$aws:ec2/routeTableAssociation:RouteTableAssociation::v-private-2`, `${RT}::v-private-2`, { routeTableId: U, subnetId: U }],
                [`${RT}$aws:ec2/routeTableAssociation:RouteTableAssociation::v-public-1`, `${RT}::v-public-1`, { routeTableId: U, subnetId: U }],
                [`${RT}$aws:ec2/routeTableAssociation:RouteTableAssociation::v-public-2`, `${RT}::v-public-2`, { routeTableId: U, subnetId: U }],
                [`${RT}::v-private-1`, `${S}::v-private-1`, { tags: { Name: "v-private-1", SubnetType: "Private", team: "ml" }, vpcId: U }],
                [`${RT}::v-private-2`, `${S}::v-private-2`, { tags: { Name: "v-private-2", SubnetType: "Private", team: "ml" }, vpcId: U }],
                [`${RT}::v-public-1`, `${S}::v-public-1`, { tags: { Name: "v-public-1", SubnetType: "Public", team: "ml" }, vpcId: U }],
                [`${RT}::v-public-2`, `${S}::v-public-2`, { tags: { Name: "v-public-2", SubnetType: "Public", team: "ml" }, vpcId: U }],
                subnet("v-private-1", "Private", "10.0.0.0/18"),
                subnet("v-private-2", "Private", "10.0.128.0/18"),
                subnet("v-public-1", "Public", "10.0.64.0/18"),
                subnet("v-public-2", "Public", "10.0.192.0/18"),
                [`${V}::v`, "awsx:ec2:Vpc::v", { cidrBlock: "10.0.0.0/16", enableDnsHostnames: true, tags }],
            ]);
            assert.deepEqual(realEngineNotes(plan), []);
        });

        it("natGateways without a strategy is OnePerAz: a NAT gateway in each zone's public subnet", () => {
            const plan = stack(vpc({ subnetStrategy: "Auto", numberOfAvailabilityZones: 2, subnetSpecs: [{ type: "Private" }, { type: "Public" }], natGateways: {} }));
            assert.deepEqual(ofType(plan, "aws:ec2/natGateway:NatGateway").map((r) => [r.name, nameOf(r.parent)]), [["v-1", "v-public-1"], ["v-2", "v-public-2"]]);
        });

        it("OnePerAz with two public subnets per zone: one NAT gateway per zone, in the zone's first public subnet; CIDRs follow the specs' order", () => {
            const plan = stack(vpc({
                subnetStrategy: "Auto",
                availabilityZoneNames: ["us-west-2a", "us-west-2b"],
                subnetSpecs: [{ type: "Public", name: "web" }, { type: "Public" }, { type: "Private" }],
                natGateways: { strategy: "OnePerAz" },
            }));
            assert.deepEqual(ofType(plan, "aws:ec2/subnet:Subnet").map((r) => [r.name, r.inputs.cidrBlock, r.inputs.availabilityZone, r.inputs.mapPublicIpOnLaunch]), [
                ["v-private-1", "10.0.64.0/19", "us-west-2a", false],
                ["v-private-2", "10.0.192.0/19", "us-west-2b", false],
                ["v-public-1", "10.0.32.0/19", "us-west-2a", true],
                ["v-public-2", "10.0.160.0/19", "us-west-2b", true],
                ["v-web-1", "10.0.0.0/19", "us-west-2a", true],
                ["v-web-2", "10.0.128.0/19", "us-west-2b", true],
            ]);
            const nat = realEngineView(plan).resources.filter((r) => r.type === "aws:ec2/eip:Eip" || r.type === "aws:ec2/natGateway:NatGateway");
            assert.deepEqual(nat.map((r) => [r.type, r.name, nameOf(r.parent)]), [
                ["aws:ec2/eip:Eip", "v-1", "v-web-1"],
                ["aws:ec2/eip:Eip", "v-2", "v-web-2"],
                ["aws:ec2/natGateway:NatGateway", "v-1", "v-web-1"],
                ["aws:ec2/natGateway:NatGateway", "v-2", "v-web-2"],
            ]);
            assert.deepEqual(ofType(plan, "aws:ec2/route:Route").map((r) => [r.name, Object.keys(r.inputs)]), [
                ["v-private-1", ["destinationCidrBlock", "natGatewayId", "routeTableId"]],
                ["v-private-2", ["destinationCidrBlock", "natGatewayId", "routeTableId"]],
                ["v-public-1", ["destinationCidrBlock", "gatewayId", "routeTableId"]],
                ["v-public-2", ["destinationCidrBlock", "gatewayId", "routeTableId"]],
                ["v-web-1", ["destinationCidrBlock", "gatewayId", "routeTableId"]],
                ["v-web-2", ["destinationCidrBlock", "gatewayId", "routeTableId"]],
            ]);
        });

        it("NAT strategy None with an isolated subnet: no EIP or NAT gateway, and only the public subnet has a route (to the internet gateway)", () => {
            const plan = stack(vpc({
                subnetStrategy: "Auto",
                availabilityZoneNames: ["us-west-2a"],
                subnetSpecs: [{ type: "Private" }, { type: "Public" }, { type: "Isolated" }],
                natGateways: { strategy: "None" },
            }));
            const subnet = (name: string, type: string, cidrBlock: string): [string, string, Record<string, unknown>] => [`${S}::${name}`, `${V}::v`, {
                assignIpv6AddressOnCreation: false,
                availabilityZone: "us-west-2a",
                cidrBlock,
                ipv6CidrBlock: U,
                mapPublicIpOnLaunch: type === "Public",
                tags: { Name: name, SubnetType: type },
                vpcId: U,
            }];
            assert.deepEqual(vpcChildren(plan), [
                [`${V}$aws:ec2/internetGateway:InternetGateway::v`, `${V}::v`, { tags: { Name: "v" }, vpcId: U }],
                [`${RT}$aws:ec2/route:Route::v-public-1`, `${RT}::v-public-1`, { destinationCidrBlock: "0.0.0.0/0", gatewayId: U, routeTableId: U }],
                [`${RT}$aws:ec2/routeTableAssociation:RouteTableAssociation::v-isolated-1`, `${RT}::v-isolated-1`, { routeTableId: U, subnetId: U }],
                [`${RT}$aws:ec2/routeTableAssociation:RouteTableAssociation::v-private-1`, `${RT}::v-private-1`, { routeTableId: U, subnetId: U }],
                [`${RT}$aws:ec2/routeTableAssociation:RouteTableAssociation::v-public-1`, `${RT}::v-public-1`, { routeTableId: U, subnetId: U }],
                [`${RT}::v-isolated-1`, `${S}::v-isolated-1`, { tags: { Name: "v-isolated-1", SubnetType: "Isolated" }, vpcId: U }],
                [`${RT}::v-private-1`, `${S}::v-private-1`, { tags: { Name: "v-private-1", SubnetType: "Private" }, vpcId: U }],
                [`${RT}::v-public-1`, `${S}::v-public-1`, { tags: { Name: "v-public-1", SubnetType: "Public" }, vpcId: U }],
                subnet("v-isolated-1", "Isolated", "10.0.128.0/18"),
                subnet("v-private-1", "Private", "10.0.0.0/18"),
                subnet("v-public-1", "Public", "10.0.64.0/18"),
                [`${V}::v`, "awsx:ec2:Vpc::v", { cidrBlock: "10.0.0.0/16", tags: { Name: "v" } }],
            ]);
        });

        it("NAT strategy Single with an isolated subnet: one NAT gateway, in the first zone; private subnets of both zones route to a NAT gateway, isolated ones nowhere", () => {
            const plan = stack(vpc({
                subnetStrategy: "Auto",
                availabilityZoneNames: ["us-west-2a", "us-west-2b"],
                subnetSpecs: [{ type: "Private" }, { type: "Public" }, { type: "Isolated" }],
                natGateways: { strategy: "Single" },
            }));
            assert.deepEqual(ofType(plan, "aws:ec2/subnet:Subnet").map((r) => [r.name, r.inputs.cidrBlock]), [
                ["v-isolated-1", "10.0.64.0/19"],
                ["v-isolated-2", "10.0.192.0/19"],
                ["v-private-1", "10.0.0.0/19"],
                ["v-private-2", "10.0.128.0/19"],
                ["v-public-1", "10.0.32.0/19"],
                ["v-public-2", "10.0.160.0/19"],
            ]);
            assert.deepEqual(ofType(plan, "aws:ec2/natGateway:NatGateway").map((r) => [r.name, nameOf(r.parent)]), [["v-1", "v-public-1"]]);
            assert.deepEqual(ofType(plan, "aws:ec2/route:Route").map((r) => [r.name, Object.keys(r.inputs)]), [
                ["v-private-1", ["destinationCidrBlock", "natGatewayId", "routeTableId"]],
                ["v-private-2", ["destinationCidrBlock", "natGatewayId", "routeTableId"]],
                ["v-public-1", ["destinationCidrBlock", "gatewayId", "routeTableId"]],
                ["v-public-2", ["destinationCidrBlock", "gatewayId", "routeTableId"]],
            ]);
            assert.deepEqual(ofType(plan, "aws:ec2/routeTableAssociation:RouteTableAssociation").map((r) => r.name), [
                "v-isolated-1", "v-isolated-2", "v-private-1", "v-private-2", "v-public-1", "v-public-2",
            ]);
        });

        it("a non-default cidrBlock (10.10.10.128/25) is the VPC's and is split between the subnets (/26 each)", () => {
            const plan = stack(vpc({ ...MODELLED, cidrBlock: "10.10.10.128/25" }));
            assert.deepEqual(ofType(plan, "aws:ec2/vpc:Vpc").map((r) => r.inputs.cidrBlock), ["10.10.10.128/25"]);
            assert.deepEqual(ofType(plan, "aws:ec2/subnet:Subnet").map((r) => [r.name, r.inputs.cidrBlock]), [["v-private-1", "10.10.10.128/26"], ["v-public-1", "10.10.10.192/26"]]);
        });

        it("no subnetSpecs: awsx's default private and public subnet in each of three zones, in 10.0.0.0/16 (the private ones /19)", () => {
            const plan = stack(vpc({ subnetStrategy: "Auto" }));
            // The public subnets' prefix length: see "awsx v3.8.0's default subnet sizes" below.
            assert.deepEqual(ofType(plan, "aws:ec2/subnet:Subnet").map((r) => {
                const cidr = String(r.inputs.cidrBlock);
                return [r.name, (r.inputs.tags as Record<string, unknown>).SubnetType, r.name.includes("private") ? cidr : cidr.split("/")[0]];
            }), [
                ["v-private-1", "Private", "10.0.0.0/19"],
                ["v-private-2", "Private", "10.0.64.0/19"],
                ["v-private-3", "Private", "10.0.128.0/19"],
                ["v-public-1", "Public", "10.0.32.0"],
                ["v-public-2", "Public", "10.0.96.0"],
                ["v-public-3", "Public", "10.0.160.0"],
            ]);
            assert.deepEqual(ofType(plan, "aws:ec2/vpc:Vpc").map((r) => r.inputs.cidrBlock), ["10.0.0.0/16"]);
        });

        describe("inputs the replay does not model: the Vpc is re-registered without children, and a note says so", () => {
            const { subnetStrategy: _, ...legacy } = MODELLED;
            const cases: [string, Record<string, unknown>][] = [
                ["subnetStrategy left to awsx's default (Legacy)", legacy],
                ["subnetStrategy Exact", { ...MODELLED, subnetStrategy: "Exact" }],
                ["availabilityZoneCidrMask", { ...MODELLED, availabilityZoneCidrMask: 20 }],
                ["vpcEndpointSpecs", { ...MODELLED, vpcEndpointSpecs: [{ serviceName: "com.amazonaws.us-west-2.s3" }] }],
                ["assignGeneratedIpv6CidrBlock", { ...MODELLED, assignGeneratedIpv6CidrBlock: true }],
                ["ipv4IpamPoolId", { ...MODELLED, ipv4IpamPoolId: "ipam-pool-0123456789abcdef0", ipv4NetmaskLength: 16 }],
                ["natGateways.elasticIpAllocationIds", { ...MODELLED, natGateways: { strategy: "Single", elasticIpAllocationIds: ["eipalloc-0123"] } }],
                ["a cidrBlock unknown during preview", { ...MODELLED, cidrBlock: U }],
                ["a cidrBlock that is not one IPv4 CIDR", { ...MODELLED, cidrBlock: "10.0.0.0/16,10.1.0.0/16" }],
                ["a subnet spec's cidrMask (on the second spec only)", { ...MODELLED, subnetSpecs: [{ type: "Private" }, { type: "Public", cidrMask: 20 }] }],
                ["a subnet spec's size", { ...MODELLED, subnetSpecs: [{ type: "Private", size: 8192 }, { type: "Public" }] }],
                ["a subnet spec's cidrBlocks", { ...MODELLED, subnetSpecs: [{ type: "Private", cidrBlocks: ["10.0.0.0/19"] }, { type: "Public", cidrBlocks: ["10.0.32.0/19"] }] }],
                ["a subnet spec's assignIpv6AddressOnCreation", { ...MODELLED, subnetSpecs: [{ type: "Private", assignIpv6AddressOnCreation: false }, { type: "Public" }] }],
                ["an Unused subnet spec", { ...MODELLED, subnetSpecs: [{ type: "Private" }, { type: "Public" }, { type: "Unused" }] }],
            ];

            it("the modelled layout these cases start from is replayed, without a note", () => {
                assert.equal(vpcChildren(stack(vpc(MODELLED))).length, 12);
                assert.deepEqual(realEngineNotes(stack(vpc(MODELLED))), []);
            });

            for (const [what, inputs] of cases) {
                it(what, () => {
                    const plan = stack(vpc(inputs));
                    assert.deepEqual(vpcChildren(plan), []);
                    assert.deepEqual(realEngineView(plan).resources.map((r) => [strip(r.urn), r.inputs]), [["awsx:ec2:Vpc::v", {}], ["pulumi:pulumi:Stack::t-test", {}]]);
                    assert.deepEqual(realEngineNotes(plan), [VPC_NOTE]);
                });
            }
        });
    });

    describe("the replayed children's records: URN, parent, provider, dependencies, options", () => {
        const AWS = `${P}ray-vllm-eks:index:Network$pulumi:providers:aws::west::7f3c0e52-9a61-4d3b-8d0e-2b6f5a1c9e44`;

        it("a component's aws provider (a provider parented to another component) goes to its aws children; dependencies are empty and options {}", () => {
            const plan = stack(cluster(), { ...nodeGroup({ enableIMDSv2: true, version: "1.31" }), provider: AWS });
            const children = realEngineView(plan).resources.filter((r) => r.parent === NG_URN);
            assert.deepEqual(children, [
                {
                    urn: `${P}eks:index:ManagedNodeGroup$aws:ec2/launchTemplate:LaunchTemplate::ng-launchTemplate`,
                    type: "aws:ec2/launchTemplate:LaunchTemplate",
                    name: "ng-launchTemplate",
                    custom: true,
                    parent: NG_URN,
                    provider: AWS,
                    dependencies: [],
                    inputs: { metadataOptions: { httpEndpoint: "enabled", httpPutResponseHopLimit: 2, httpTokens: "required" } },
                    options: {},
                },
                {
                    urn: `${P}eks:index:ManagedNodeGroup$aws:eks/nodeGroup:NodeGroup::ng`,
                    type: "aws:eks/nodeGroup:NodeGroup",
                    name: "ng",
                    custom: true,
                    parent: NG_URN,
                    provider: AWS,
                    dependencies: [],
                    inputs: { ...GROUP_DEFAULTS, launchTemplate: OWN_TEMPLATE, version: "1.31" },
                    options: {},
                },
            ]);
        });

        it("an aws provider goes to a cluster's custom aws children only: not to its components nor to its Kubernetes provider", () => {
            const plan = stack({ ...cluster(), provider: AWS });
            const below = realEngineView(plan).resources.filter((r) => r.urn.startsWith(`${P}eks:index:Cluster$`));
            assert.deepEqual(below.map((r) => [strip(r.urn), r.custom, r.provider ?? null]), [
                ["eks:index:Cluster$aws:eks/addon:Addon::c-kube-proxy", true, AWS],
                ["eks:index:Cluster$aws:eks/cluster:Cluster::c-eksCluster", true, AWS],
                ["eks:index:Cluster$eks:index:ServiceRole$aws:iam/role:Role::c-eksRole-role", true, AWS],
                ["eks:index:Cluster$eks:index:ServiceRole$aws:iam/rolePolicyAttachment:RolePolicyAttachment::c-eksRole-4b490823", true, AWS],
                ["eks:index:Cluster$eks:index:ServiceRole::c-eksRole", false, null],
                ["eks:index:Cluster$eks:index:VpcCniAddon$aws:eks/addon:Addon::c-vpc-cni", true, AWS],
                ["eks:index:Cluster$eks:index:VpcCniAddon::c-vpc-cni", false, null],
                ["eks:index:Cluster$pulumi:providers:kubernetes::c-eks-k8s", true, null],
            ]);
        });

        it("an eks provider (what the SDK sends for an eks component) stays on the component and goes to none of its children, eks components included", () => {
            const EKS = `${P}pulumi:providers:eks::eks::0d6e4c1b-5b0a-4f7e-9c55-3f1e8a2b7d10`;
            const view = realEngineView(stack({ ...cluster(), provider: EKS }));
            assert.deepEqual(view.resources.filter((r) => r.urn === CLUSTER_URN).map((r) => [r.provider, r.inputs]), [[EKS, {}]]);
            const below = view.resources.filter((r) => r.urn.startsWith(`${P}eks:index:Cluster$`));
            assert.equal(below.length, 8);
            assert.deepEqual(below.filter((r) => "provider" in r).map((r) => r.urn), []);
        });
    });

    describe("realEngineNotes", () => {
        it("names a node group's EFA support and its operating system without an AMI type, joined by \", \"", () => {
            const plan = stack(cluster(), nodeGroup({ enableEfaSupport: true, operatingSystem: "AL2023" }));
            assert.deepEqual(realEngineNotes(plan), [
                "eks:index:ManagedNodeGroup ng: not replayed: enableEfaSupport (the placement group and EFA network interfaces), operatingSystem (the AMI type pulumi-eks derives from it)",
            ]);
        });

        it("names a node group's EFA support alone", () => {
            assert.deepEqual(realEngineNotes(stack(nodeGroup({ enableEfaSupport: true }))), [
                "eks:index:ManagedNodeGroup ng: not replayed: enableEfaSupport (the placement group and EFA network interfaces)",
            ]);
        });

        it("says nothing of a node group with an AMI type (with or without an operating system), or with neither", () => {
            assert.deepEqual(realEngineNotes(stack(nodeGroup({ amiType: "AL2023_x86_64_STANDARD", operatingSystem: "AL2023" }))), []);
            assert.deepEqual(realEngineNotes(stack(nodeGroup({ amiType: "AL2023_x86_64_STANDARD" }))), []);
            assert.deepEqual(realEngineNotes(stack(nodeGroup({ instanceTypes: ["m7i.xlarge"] }))), []);
        });

        it("says a remote component of any other type has children that are not replayed, and the view re-registers it without inputs or children", () => {
            const plan = stack(
                { urn: `${P}eks:index:NodeGroupV2::ng2`, type: "eks:index:NodeGroupV2", name: "ng2", inputs: { cluster: CLUSTER_URN, instanceType: "m7i.xlarge" } },
                { urn: `${P}awsx:lb:ApplicationLoadBalancer::alb`, type: "awsx:lb:ApplicationLoadBalancer", name: "alb", inputs: { subnetIds: ["subnet-a"] } },
                { urn: `${P}kubernetes:yaml/v2:ConfigGroup::cg`, type: "kubernetes:yaml/v2:ConfigGroup", name: "cg", inputs: { files: ["crds.yaml"] } },
            );
            assert.deepEqual(realEngineNotes(plan), [
                "eks:index:NodeGroupV2 ng2: its children are not replayed",
                "awsx:lb:ApplicationLoadBalancer alb: its children are not replayed",
                "kubernetes:yaml/v2:ConfigGroup cg: its children are not replayed",
            ]);
            assert.deepEqual(realEngineView(plan).resources.map((r) => [strip(r.urn), r.inputs]), [
                ["awsx:lb:ApplicationLoadBalancer::alb", {}],
                ["eks:index:NodeGroupV2::ng2", {}],
                ["kubernetes:yaml/v2:ConfigGroup::cg", {}],
                ["pulumi:pulumi:Stack::t-test", {}],
            ]);
        });
    });

    describe("awsx v3.8.0's default subnet sizes and regional children", () => {
        // Without subnetSpecs, awsx sizes its default subnets with cidrMask max(azBitmask, 16) + 1
        // (Private) and + 2 (Public) (subnetDistributorNew.ts `allocateSubnetCidrBlocks` uses
        // `defaultSubnetInputs(azBitmask)`; its own test "creates single private & public with
        // staggered sizes"), each after the one before in the zone's block (`nextNetmask`).
        it("no subnetSpecs: the default public subnets are /20 beside the /19 private ones (10.0.0.0/16, three zones)", () => {
            const plan = stack(vpc({ subnetStrategy: "Auto" }));
            assert.deepEqual(ofType(plan, "aws:ec2/subnet:Subnet").map((r) => [r.name, r.inputs.cidrBlock]), [
                ["v-private-1", "10.0.0.0/19"],
                ["v-private-2", "10.0.64.0/19"],
                ["v-private-3", "10.0.128.0/19"],
                ["v-public-1", "10.0.32.0/20"],
                ["v-public-2", "10.0.96.0/20"],
                ["v-public-3", "10.0.160.0/20"],
            ]);
        });

        it("no subnetSpecs in a /8: the default subnets stay within the zone's first /16 (/17 private, /18 public)", () => {
            const plan = stack(vpc({ subnetStrategy: "Auto", cidrBlock: "10.0.0.0/8" }));
            assert.deepEqual(ofType(plan, "aws:ec2/subnet:Subnet").map((r) => [r.name, r.inputs.cidrBlock]), [
                ["v-private-1", "10.0.0.0/17"],
                ["v-private-2", "10.64.0.0/17"],
                ["v-private-3", "10.128.0.0/17"],
                ["v-public-1", "10.0.128.0/18"],
                ["v-public-2", "10.64.128.0/18"],
                ["v-public-3", "10.128.128.0/18"],
            ]);
        });

        // awsx vpc.ts `Vpc.initialize` passes `region: args.region` to the internet gateway, every
        // subnet, route table, route table association, route, EIP and NAT gateway.
        it("a Vpc's region goes to every child it creates", () => {
            const plan = stack(vpc({ ...MODELLED, region: "us-east-2" }));
            const below = realEngineView(plan).resources.filter((r) => r.urn.startsWith(`${P}awsx:ec2:Vpc$`));
            assert.equal(below.length, 12);
            assert.deepEqual(below.filter((r) => r.inputs.region !== "us-east-2").map((r) => strip(r.urn)), []);
        });
    });
});
