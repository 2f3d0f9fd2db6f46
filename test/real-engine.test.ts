/**
 * The real engine's view (plan/real-engine.ts): under `pulumi preview --policy-pack`, the
 * analyzer sees a remote component (pulumi-eks's, awsx's, a Helm v4 Chart) only as its provider
 * registers it again, without inputs, followed by the provider's children. Every environment
 * passes the pack in that view too; the replay of dev is written out; unsafe clusters and node
 * groups are caught on the children, and a component without inputs is left to them.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";

import { environmentPlan, ROOT } from "./support/plan";

import { allPolicies } from "../policy/policies";
import { PlannedResource, PlanResult } from "../plan/engine";
import { evaluatePolicies } from "../plan/policies";
import { loadPolicyConfig } from "../plan/project";
import { realEngineNotes, realEngineView } from "../plan/real-engine";
import { stackPlan } from "./support/stack-plan";

const ENVIRONMENTS = ["dev", "staging", "prod"];
const P = "urn:pulumi:dev::ray-vllm-eks::";

/** dev's replayed registrations: [URN, custom, parent URN, inputs], URNs without their "urn:pulumi:dev::ray-vllm-eks::" prefix, in URN order. */
const DEV_REPLAY: [string, boolean, string, Record<string, unknown>][] = [
        ["ray-vllm-eks:index:KubeRayOperator$kubernetes:helm.sh/v4:Chart::kuberay-chart", false, "pulumi:pulumi:Stack$ray-vllm-eks:index:KubeRayOperator::kuberay", {}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/internetGateway:InternetGateway::llm-vpc", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc::llm-vpc", {tags:{Name:"llm-vpc",environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"},vpcId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/eip:Eip::llm-vpc-1", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::llm-vpc-public-1", {tags:{Name:"llm-vpc-1",environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"}}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/natGateway:NatGateway::llm-vpc-1", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::llm-vpc-public-1", {allocationId:"[unknown]",subnetId:"[unknown]",tags:{Name:"llm-vpc-1",environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"}}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable$aws:ec2/route:Route::llm-vpc-private-1", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable::llm-vpc-private-1", {destinationCidrBlock:"0.0.0.0/0",natGatewayId:"[unknown]",routeTableId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable$aws:ec2/route:Route::llm-vpc-private-2", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable::llm-vpc-private-2", {destinationCidrBlock:"0.0.0.0/0",natGatewayId:"[unknown]",routeTableId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable$aws:ec2/route:Route::llm-vpc-public-1", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable::llm-vpc-public-1", {destinationCidrBlock:"0.0.0.0/0",gatewayId:"[unknown]",routeTableId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable$aws:ec2/route:Route::llm-vpc-public-2", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable::llm-vpc-public-2", {destinationCidrBlock:"0.0.0.0/0",gatewayId:"[unknown]",routeTableId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable$aws:ec2/routeTableAssociation:RouteTableAssociation::llm-vpc-private-1", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable::llm-vpc-private-1", {routeTableId:"[unknown]",subnetId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable$aws:ec2/routeTableAssociation:RouteTableAssociation::llm-vpc-private-2", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable::llm-vpc-private-2", {routeTableId:"[unknown]",subnetId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable$aws:ec2/routeTableAssociation:RouteTableAssociation::llm-vpc-public-1", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable::llm-vpc-public-1", {routeTableId:"[unknown]",subnetId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable$aws:ec2/routeTableAssociation:RouteTableAssociation::llm-vpc-public-2", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable::llm-vpc-public-2", {routeTableId:"[unknown]",subnetId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable::llm-vpc-private-1", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::llm-vpc-private-1", {tags:{Name:"llm-vpc-private-1",SubnetType:"Private",environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"},vpcId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable::llm-vpc-private-2", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::llm-vpc-private-2", {tags:{Name:"llm-vpc-private-2",SubnetType:"Private",environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"},vpcId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable::llm-vpc-public-1", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::llm-vpc-public-1", {tags:{Name:"llm-vpc-public-1",SubnetType:"Public",environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"},vpcId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet$aws:ec2/routeTable:RouteTable::llm-vpc-public-2", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::llm-vpc-public-2", {tags:{Name:"llm-vpc-public-2",SubnetType:"Public",environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"},vpcId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::llm-vpc-private-1", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc::llm-vpc", {assignIpv6AddressOnCreation:false,availabilityZone:"[unknown]",cidrBlock:"10.0.0.0/18",ipv6CidrBlock:"[unknown]",mapPublicIpOnLaunch:false,tags:{Name:"llm-vpc-private-1",SubnetType:"Private",environment:"dev","karpenter.sh/discovery":"llm-dev","kubernetes.io/role/internal-elb":"1","managed-by":"pulumi",project:"ray-vllm-eks"},vpcId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::llm-vpc-private-2", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc::llm-vpc", {assignIpv6AddressOnCreation:false,availabilityZone:"[unknown]",cidrBlock:"10.0.128.0/18",ipv6CidrBlock:"[unknown]",mapPublicIpOnLaunch:false,tags:{Name:"llm-vpc-private-2",SubnetType:"Private",environment:"dev","karpenter.sh/discovery":"llm-dev","kubernetes.io/role/internal-elb":"1","managed-by":"pulumi",project:"ray-vllm-eks"},vpcId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::llm-vpc-public-1", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc::llm-vpc", {assignIpv6AddressOnCreation:false,availabilityZone:"[unknown]",cidrBlock:"10.0.64.0/18",ipv6CidrBlock:"[unknown]",mapPublicIpOnLaunch:true,tags:{Name:"llm-vpc-public-1",SubnetType:"Public",environment:"dev","kubernetes.io/role/elb":"1","managed-by":"pulumi",project:"ray-vllm-eks"},vpcId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc$aws:ec2/subnet:Subnet::llm-vpc-public-2", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc::llm-vpc", {assignIpv6AddressOnCreation:false,availabilityZone:"[unknown]",cidrBlock:"10.0.192.0/18",ipv6CidrBlock:"[unknown]",mapPublicIpOnLaunch:true,tags:{Name:"llm-vpc-public-2",SubnetType:"Public",environment:"dev","kubernetes.io/role/elb":"1","managed-by":"pulumi",project:"ray-vllm-eks"},vpcId:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc$aws:ec2/vpc:Vpc::llm-vpc", true, "ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc::llm-vpc", {cidrBlock:"10.0.0.0/16",enableDnsHostnames:true,enableDnsSupport:true,tags:{Name:"llm-vpc",environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"}}],
        ["ray-vllm-eks:index:LlmCluster$awsx:ec2:Vpc::llm-vpc", false, "pulumi:pulumi:Stack$ray-vllm-eks:index:LlmCluster::llm", {}],
        ["ray-vllm-eks:index:LlmCluster$eks:index:Cluster$aws:eks/addon:Addon::llm-eks-kube-proxy", true, "ray-vllm-eks:index:LlmCluster$eks:index:Cluster::llm-eks", {addonName:"kube-proxy",addonVersion:"[unknown]",clusterName:"llm-dev",preserve:true,resolveConflictsOnCreate:"OVERWRITE",resolveConflictsOnUpdate:"OVERWRITE",tags:{environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"}}],
        ["ray-vllm-eks:index:LlmCluster$eks:index:Cluster$aws:eks/cluster:Cluster::llm-eks-eksCluster", true, "ray-vllm-eks:index:LlmCluster$eks:index:Cluster::llm-eks", {accessConfig:{authenticationMode:"API",bootstrapClusterCreatorAdminPermissions:true},bootstrapSelfManagedAddons:true,deletionProtection:false,enabledClusterLogTypes:["api","audit","authenticator","controllerManager","scheduler"],encryptionConfig:{provider:{keyArn:"arn:aws:kms:us-west-2:123456789012:key/2fe39359-2fe3-4725-81b3-60b1d9b8dca4"},resources:["secrets"]},name:"llm-dev",roleArn:"[unknown]",tags:{Name:"llm-eks-eksCluster",environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"},upgradePolicy:{supportType:"STANDARD"},version:"1.35",vpcConfig:{endpointPrivateAccess:true,endpointPublicAccess:true,publicAccessCidrs:["203.0.113.0/24"],subnetIds:["subnet-421c420cfd4dce514","subnet-9328b8d5619b354f2","subnet-c496b4bce6b6fbb31","subnet-71db4f7777b743b9c"]}}],
        ["ray-vllm-eks:index:LlmCluster$eks:index:Cluster$eks:index:ServiceRole$aws:iam/role:Role::llm-eks-eksRole-role", true, "ray-vllm-eks:index:LlmCluster$eks:index:Cluster$eks:index:ServiceRole::llm-eks-eksRole", {assumeRolePolicy:"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"],\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"eks.amazonaws.com\"]}}]}",description:"Allows EKS to manage clusters on your behalf.",tags:{environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"}}],
        ["ray-vllm-eks:index:LlmCluster$eks:index:Cluster$eks:index:ServiceRole$aws:iam/rolePolicyAttachment:RolePolicyAttachment::llm-eks-eksRole-4b490823", true, "ray-vllm-eks:index:LlmCluster$eks:index:Cluster$eks:index:ServiceRole::llm-eks-eksRole", {policyArn:"arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",role:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$eks:index:Cluster$eks:index:ServiceRole::llm-eks-eksRole", false, "ray-vllm-eks:index:LlmCluster$eks:index:Cluster::llm-eks", {}],
        ["ray-vllm-eks:index:LlmCluster$eks:index:Cluster$eks:index:VpcCniAddon$aws:eks/addon:Addon::llm-eks-vpc-cni", true, "ray-vllm-eks:index:LlmCluster$eks:index:Cluster$eks:index:VpcCniAddon::llm-eks-vpc-cni", {addonName:"vpc-cni",addonVersion:"[unknown]",clusterName:"llm-dev",configurationValues:"{\"enableNetworkPolicy\":\"true\",\"env\":{\"AWS_VPC_ENI_MTU\":\"9001\",\"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG\":\"false\",\"AWS_VPC_K8S_CNI_EXTERNALSNAT\":\"false\",\"AWS_VPC_K8S_CNI_LOGLEVEL\":\"DEBUG\",\"AWS_VPC_K8S_CNI_LOG_FILE\":\"/host/var/log/aws-routed-eni/ipamd.log\",\"AWS_VPC_K8S_CNI_VETHPREFIX\":\"eni\",\"AWS_VPC_K8S_PLUGIN_LOG_FILE\":\"/var/log/aws-routed-eni/plugin.log\",\"AWS_VPC_K8S_PLUGIN_LOG_LEVEL\":\"DEBUG\",\"ENABLE_POD_ENI\":\"false\",\"WARM_ENI_TARGET\":\"1\"},\"init\":{\"env\":{\"DISABLE_TCP_EARLY_DEMUX\":\"false\"}}}",preserve:true,resolveConflictsOnCreate:"OVERWRITE",resolveConflictsOnUpdate:"OVERWRITE",tags:{environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"}}],
        ["ray-vllm-eks:index:LlmCluster$eks:index:Cluster$eks:index:VpcCniAddon::llm-eks-vpc-cni", false, "ray-vllm-eks:index:LlmCluster$eks:index:Cluster::llm-eks", {}],
        ["ray-vllm-eks:index:LlmCluster$eks:index:Cluster$pulumi:providers:kubernetes::llm-eks-eks-k8s", true, "ray-vllm-eks:index:LlmCluster$eks:index:Cluster::llm-eks", {kubeconfig:"[unknown]"}],
        ["ray-vllm-eks:index:LlmCluster$eks:index:Cluster::llm-eks", false, "pulumi:pulumi:Stack$ray-vllm-eks:index:LlmCluster::llm", {}],
        ["ray-vllm-eks:index:LlmCluster$eks:index:ManagedNodeGroup$aws:eks/nodeGroup:NodeGroup::llm-system-nodes", true, "ray-vllm-eks:index:LlmCluster$eks:index:ManagedNodeGroup::llm-system-nodes", {amiType:"AL2023_x86_64_STANDARD",capacityType:"ON_DEMAND",clusterName:"llm-dev",instanceTypes:["m7i.xlarge","m6i.xlarge"],labels:{"ray-vllm-eks/node-pool":"system"},launchTemplate:{id:"lt-ea2da3ab69b928f45",version:"1"},nodeRoleArn:"arn:aws:iam::123456789012:role/llm-system-node-a6a42e5",scalingConfig:{desiredSize:2,maxSize:4,minSize:2},subnetIds:["subnet-c496b4bce6b6fbb31","subnet-71db4f7777b743b9c"],tags:{environment:"dev","managed-by":"pulumi",project:"ray-vllm-eks"},version:"1.35"}],
        ["ray-vllm-eks:index:LlmCluster$eks:index:ManagedNodeGroup::llm-system-nodes", false, "pulumi:pulumi:Stack$ray-vllm-eks:index:LlmCluster::llm", {}],
];

/** A plan of one stack's resources, for the unsafe variants. */
const stack = stackPlan;

function eksCluster(inputs: Record<string, unknown>): Omit<PlannedResource, "dependencies" | "options"> {
    return { urn: "urn:pulumi:test::t::eks:index:Cluster::c", type: "eks:index:Cluster", name: "c", custom: false, inputs };
}

/** A cluster's inputs as LlmCluster gives them, safe in every respect. */
const SAFE: Record<string, unknown> = {
    name: "c",
    authenticationMode: "API",
    skipDefaultNodeGroup: true,
    skipDefaultSecurityGroups: true,
    endpointPrivateAccess: true,
    endpointPublicAccess: false,
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    encryptionConfigKeyArn: "arn:aws:kms:us-west-2:111122223333:key/k",
    privateSubnetIds: ["subnet-a"],
    publicSubnetIds: ["subnet-b"],
};

/** The pack's findings, as "policy: resource: message". */
async function findings(plan: PlanResult): Promise<string[]> {
    return (await evaluatePolicies(plan, allPolicies, {})).map((v) => `${v.policy}: ${v.resource}: ${v.message}${v.enforcementLevel === "mandatory" ? "" : ` [${v.enforcementLevel}]`}`);
}

const ENCRYPTION = `the EKS cluster does not encrypt secrets with KMS: set encryptionConfig { resources: ["secrets"], provider: { keyArn } } with a key that rotates.`;
const ENDPOINT = "the EKS cluster's public API endpoint is open to 0.0.0.0/0: turn it off (endpointPublicAccess: false; the private endpoint stays) or list only the CIDRs that need it in publicAccessCidrs.";

describe("the real engine's view: remote components as their providers register them, with their children", () => {
    const plans: Record<string, PlanResult> = {};

    before(async () => {
        const runs = await Promise.all(ENVIRONMENTS.map((env) => environmentPlan(env)));
        // plan.json is written before the pack runs: a policy finding (exit 1) still leaves it to read here.
        ENVIRONMENTS.forEach((env, i) => {
            assert.ok(runs[i].code === 0 || runs[i].code === 1, runs[i].stderr + runs[i].stdout);
            plans[env] = JSON.parse(fs.readFileSync(path.join(runs[i].out, "plan.json"), "utf8")) as PlanResult;
        });
    });

    for (const env of ENVIRONMENTS) {
        it(`${env}: the pack finds nothing in the real engine's view, with ${env}'s policy config`, async () => {
            const config = loadPolicyConfig(path.join(ROOT, "policy", "config", `${env}.json`));
            const view = realEngineView(plans[env]);
            assert.deepEqual(await evaluatePolicies(view, allPolicies, config), []);
            // Nothing is decided on the components: they arrive without inputs.
            for (const type of ["eks:index:Cluster", "eks:index:ManagedNodeGroup", "awsx:ec2:Vpc", "kubernetes:helm.sh/v4:Chart"]) {
                assert.deepEqual(view.resources.filter((r) => r.type === type).map((r) => r.inputs), [{}], type);
            }
            assert.deepEqual(realEngineNotes(plans[env]), ["kubernetes:helm.sh/v4:Chart kuberay-chart: the chart's objects are not replayed (the provider renders the chart)"]);
        });
    }

    it("replays dev: each remote component without inputs, then the children its provider creates for dev's inputs", () => {
        const plan = plans.dev;
        const view = realEngineView(plan);
        const remote = new Set(["eks:index:Cluster", "eks:index:ManagedNodeGroup", "awsx:ec2:Vpc", "kubernetes:helm.sh/v4:Chart"]);
        const kept = plan.resources.filter((r) => !remote.has(r.type));
        const strip = (u: string | undefined): string => (u === undefined ? "" : u.startsWith(P) ? u.slice(P.length) : u);
        const replayed = view.resources.filter((r) => !kept.some((k) => k.urn === r.urn));
        assert.deepEqual(replayed.map((r) => [strip(r.urn), r.custom, strip(r.parent), r.inputs]), DEV_REPLAY);
        // Everything else is as the plan recorded it, and the plan itself is untouched.
        assert.deepEqual(view.resources.filter((r) => kept.some((k) => k.urn === r.urn)), kept);
        assert.equal(view.resources.length, 108);
        assert.equal(plan.resources.length, 79);
        assert.deepEqual(plan.resources.find((r) => r.type === "eks:index:Cluster")?.inputs.publicAccessCidrs, ["203.0.113.0/24"]);
    });

    it("passes a safe cluster, and leaves a cluster without inputs to its children", async () => {
        assert.deepEqual(await findings(realEngineView(stack(eksCluster(SAFE)))), []);
        assert.deepEqual(await findings(stack(eksCluster({}))), [], "eks:index:Cluster with {} is not checkable");
    });

    it("flags a cluster without secrets encryption on its aws:eks/cluster:Cluster", async () => {
        const { encryptionConfigKeyArn: _, ...inputs } = SAFE;
        assert.deepEqual(await findings(realEngineView(stack(eksCluster(inputs)))), [
            `eks-secrets-encryption: aws:eks/cluster:Cluster c-eksCluster: ${ENCRYPTION}`,
        ]);
    });

    it("flags missing control-plane log types on the aws:eks/cluster:Cluster", async () => {
        assert.deepEqual(await findings(realEngineView(stack(eksCluster({ ...SAFE, enabledClusterLogTypes: ["api", "audit"] })))), [
            `eks-control-plane-logging: aws:eks/cluster:Cluster c-eksCluster: the EKS cluster does not log ["authenticator","controllerManager","scheduler"]: add them to enabledClusterLogTypes (the audit log is how you find out who did what).`,
        ]);
        const { enabledClusterLogTypes: _, ...none } = SAFE;
        assert.deepEqual(await findings(realEngineView(stack(eksCluster(none)))), [
            `eks-control-plane-logging: aws:eks/cluster:Cluster c-eksCluster: the EKS cluster does not log ["api","audit","authenticator","controllerManager","scheduler"]: add them to enabledClusterLogTypes (the audit log is how you find out who did what).`,
        ]);
    });

    it("flags a public endpoint open to 0.0.0.0/0, or public by EKS's default", async () => {
        const open = { ...SAFE, endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] };
        assert.deepEqual(await findings(realEngineView(stack(eksCluster(open)))), [`eks-public-endpoint-restricted: aws:eks/cluster:Cluster c-eksCluster: ${ENDPOINT}`]);
        const { endpointPublicAccess: _, ...unset } = SAFE;
        const view = realEngineView(stack(eksCluster(unset)));
        assert.deepEqual(view.resources.find((r) => r.type === "aws:eks/cluster:Cluster")?.inputs.vpcConfig, { endpointPrivateAccess: true, subnetIds: ["subnet-b", "subnet-a"] });
        assert.deepEqual(await findings(view), [`eks-public-endpoint-restricted: aws:eks/cluster:Cluster c-eksCluster: ${ENDPOINT}`]);
        assert.deepEqual(await findings(realEngineView(stack(eksCluster({ ...SAFE, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })))), []);
    });

    it("flags the same unsafe inputs on eks:index:Cluster when they are present (the plan as recorded)", async () => {
        const { encryptionConfigKeyArn: _k, enabledClusterLogTypes: _l, endpointPublicAccess: _e, ...unsafe } = SAFE;
        assert.deepEqual(await findings(stack(eksCluster(unsafe))), [
            `eks-public-endpoint-restricted: eks:index:Cluster c: ${ENDPOINT}`,
            "eks-secrets-encryption: eks:index:Cluster c: the EKS cluster does not encrypt secrets with KMS: set encryptionConfigKeyArn to a KMS key that rotates.",
            `eks-control-plane-logging: eks:index:Cluster c: the EKS cluster does not log ["api","audit","authenticator","controllerManager","scheduler"]: add them to enabledClusterLogTypes (the audit log is how you find out who did what).`,
        ]);
        // In the real view the component arrives as {}: the findings move to its child.
        assert.deepEqual(await findings(realEngineView(stack(eksCluster(unsafe)))), [
            `eks-public-endpoint-restricted: aws:eks/cluster:Cluster c-eksCluster: ${ENDPOINT}`,
            `eks-secrets-encryption: aws:eks/cluster:Cluster c-eksCluster: ${ENCRYPTION}`,
            `eks-control-plane-logging: aws:eks/cluster:Cluster c-eksCluster: the EKS cluster does not log ["api","audit","authenticator","controllerManager","scheduler"]: add them to enabledClusterLogTypes (the audit log is how you find out who did what).`,
        ]);
    });

    it("leaves a value unknown during preview to the engine: advisory, never a violation", async () => {
        const view = realEngineView(stack(eksCluster({ ...SAFE, encryptionConfigKeyArn: "[unknown]" })));
        assert.deepEqual(await findings(view), [
            "eks-secrets-encryption: aws:eks/cluster:Cluster c-eksCluster: can't run during preview: string value at .encryptionConfig.provider.keyArn can't be known during preview [advisory]",
        ]);
    });

    describe("nodes-require-imdsv2 on launch templates and managed node groups", () => {
        const IMDS = `require IMDSv2 (httpTokens: "required") with a hop limit of 1, and give pods AWS access through EKS Pod Identity.`;
        const TEMPLATE_FIX = `give it a launch template with metadataOptions { httpTokens: "required", httpPutResponseHopLimit: 1 }, and give pods AWS access through EKS Pod Identity.`;
        const template = (metadataOptions?: object): Omit<PlannedResource, "dependencies" | "options"> => ({
            urn: "urn:pulumi:test::t::aws:ec2/launchTemplate:LaunchTemplate::lt", type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", custom: true,
            inputs: metadataOptions === undefined ? {} : { metadataOptions },
        });
        const nodeGroup = (inputs: Record<string, unknown>): Omit<PlannedResource, "dependencies" | "options"> => ({
            urn: "urn:pulumi:test::t::eks:index:ManagedNodeGroup::ng", type: "eks:index:ManagedNodeGroup", name: "ng", custom: false,
            inputs: { cluster: "urn:pulumi:test::t::eks:index:Cluster::c", nodeRoleArn: "arn:aws:iam::111122223333:role/n", ...inputs },
        });

        it("passes a launch template requiring IMDSv2 with hop limit 1, or with IMDS off", async () => {
            assert.deepEqual(await findings(stack(template({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 }))), []);
            assert.deepEqual(await findings(stack(template({ httpEndpoint: "disabled" }))), []);
        });

        it("flags a launch template that allows IMDSv1, more hops, or leaves them to the AMI", async () => {
            assert.deepEqual(await findings(stack(template({ httpTokens: "optional", httpPutResponseHopLimit: 1 }))), [
                `nodes-require-imdsv2: aws:ec2/launchTemplate:LaunchTemplate lt: launch template has metadataOptions httpTokens "optional" and httpPutResponseHopLimit 1: ${IMDS}`,
            ]);
            assert.deepEqual(await findings(stack(template({ httpTokens: "required", httpPutResponseHopLimit: 2 }))), [
                `nodes-require-imdsv2: aws:ec2/launchTemplate:LaunchTemplate lt: launch template has metadataOptions httpTokens "required" and httpPutResponseHopLimit 2: ${IMDS}`,
            ]);
            assert.deepEqual(await findings(stack(template())), [
                `nodes-require-imdsv2: aws:ec2/launchTemplate:LaunchTemplate lt: launch template has metadataOptions httpTokens unset and httpPutResponseHopLimit unset: ${IMDS}`,
            ]);
        });

        it("passes a node group with its own launch template; flags one without, on the NodeGroup in the real view", async () => {
            const safe = stack(eksCluster(SAFE), template({ httpTokens: "required", httpPutResponseHopLimit: 1 }), nodeGroup({ launchTemplate: { id: "lt-1", version: "1" } }));
            assert.deepEqual(await findings(safe), []);
            assert.deepEqual(await findings(realEngineView(safe)), []);
            const without = stack(eksCluster(SAFE), nodeGroup({ instanceTypes: ["m7i.xlarge"] }));
            assert.deepEqual(await findings(without), [
                `nodes-require-imdsv2: eks:index:ManagedNodeGroup ng: the managed node group has no launch template, so pods can reach its nodes' instance metadata service (through EKS's generated template, or the hop limit of 2 pulumi-eks gives enableIMDSv2): ${TEMPLATE_FIX}`,
            ]);
            const view = realEngineView(without);
            assert.deepEqual(view.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup")?.inputs, {
                clusterName: "c",
                instanceTypes: ["m7i.xlarge"],
                nodeRoleArn: "arn:aws:iam::111122223333:role/n",
                scalingConfig: { desiredSize: 2, maxSize: 2, minSize: 1 },
                subnetIds: ["subnet-b", "subnet-a"],
                version: "[unknown]",
            });
            assert.deepEqual(await findings(view), [
                `nodes-require-imdsv2: aws:eks/nodeGroup:NodeGroup ng: the managed node group has no launch template, and the one EKS generates for it lets pods reach the instance metadata service: ${TEMPLATE_FIX}`,
            ]);
        });

        it("flags pulumi-eks's own launch template for enableIMDSv2 (hop limit 2) in the real view", async () => {
            const view = realEngineView(stack(eksCluster({ ...SAFE, version: "1.35" }), nodeGroup({ enableIMDSv2: true })));
            assert.deepEqual(view.resources.filter((r) => r.parent === "urn:pulumi:test::t::eks:index:ManagedNodeGroup::ng").map((r) => [r.type, r.name, r.inputs]), [
                ["aws:ec2/launchTemplate:LaunchTemplate", "ng-launchTemplate", { metadataOptions: { httpEndpoint: "enabled", httpPutResponseHopLimit: 2, httpTokens: "required" } }],
                ["aws:eks/nodeGroup:NodeGroup", "ng", {
                    clusterName: "c",
                    launchTemplate: { id: "[unknown]", version: "[unknown]" },
                    nodeRoleArn: "arn:aws:iam::111122223333:role/n",
                    scalingConfig: { desiredSize: 2, maxSize: 2, minSize: 1 },
                    subnetIds: ["subnet-b", "subnet-a"],
                    version: "1.35",
                }],
            ]);
            assert.deepEqual(await findings(view), [
                `nodes-require-imdsv2: aws:ec2/launchTemplate:LaunchTemplate ng-launchTemplate: launch template has metadataOptions httpTokens "required" and httpPutResponseHopLimit 2: ${IMDS}`,
            ]);
        });

        it("leaves a node group without inputs to its children", async () => {
            const plan = stack({ urn: "urn:pulumi:test::t::eks:index:ManagedNodeGroup::ng", type: "eks:index:ManagedNodeGroup", name: "ng", custom: false, inputs: {} });
            assert.deepEqual(await findings(plan), []);
        });
    });

    it("models CoreDNS and explicit add-on versions from the inputs, and children inherit protect", () => {
        const cluster = {
            ...eksCluster({ ...SAFE, kubeProxyAddonOptions: { version: "v1.35.0-eksbuild.2" }, corednsAddonOptions: { enabled: true, version: "v1.12.4-eksbuild.1" } }),
            options: { protect: true as const },
        };
        const view = realEngineView(stack(cluster));
        const addons = view.resources.filter((r) => r.type === "aws:eks/addon:Addon").map((r) => [r.name, r.inputs.addonName, r.inputs.addonVersion]);
        assert.deepEqual(addons, [["c-coredns", "coredns", "v1.12.4-eksbuild.1"], ["c-kube-proxy", "kube-proxy", "v1.35.0-eksbuild.2"], ["c-vpc-cni", "vpc-cni", "[unknown]"]]);
        for (const r of view.resources.filter((x) => x.urn.includes("eks:index:Cluster$"))) {
            assert.deepEqual((r as { options?: unknown }).options, { protect: true }, r.urn);
        }
        // A version alone does not turn CoreDNS on without a node group to run it (skipDefaultNodeGroup).
        const versionOnly = realEngineView(stack(eksCluster({ ...SAFE, corednsAddonOptions: { version: "v1.12.4-eksbuild.1" } })));
        assert.deepEqual(versionOnly.resources.filter((r) => r.type === "aws:eks/addon:Addon").map((r) => r.name), ["c-kube-proxy", "c-vpc-cni"]);
    });

    it("names what it does not replay", () => {
        const plan = stack(eksCluster({ name: "c", fargate: true, skipDefaultNodeGroup: true, skipDefaultSecurityGroups: true, authenticationMode: "API", createOidcProvider: true }));
        assert.deepEqual(realEngineNotes(plan), ["eks:index:Cluster c: not replayed: fargate (the Fargate profile and its role), createOidcProvider (the IAM OIDC provider)"]);
    });
});
