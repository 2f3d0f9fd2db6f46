import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

import { rejection as refusal } from "./support/mocks";

import { LlmCluster, LlmClusterArgs, clusterDefaults, validateLlmClusterArgs } from "../components/cluster";

const TYPE = "ray-vllm-eks:index:LlmCluster";

/** The message LlmCluster refuses these arguments with (nothing registered below it). */
function rejection(name: string, args: LlmClusterArgs): Promise<string> {
    return refusal(TYPE, name, () => new LlmCluster(name, { ...REACHABLE, ...args }));
}

/** A private endpoint reachable from a VPN: the arguments every case starts from. */
const REACHABLE: LlmClusterArgs = { endpointPrivateAccessCidrs: ["10.100.0.0/16"] };

const cases: { title: string; name?: string; args: LlmClusterArgs; message: string }[] = [
    {
        title: "an empty cluster name",
        args: { clusterName: "" },
        message: `clusterName must not be empty: give a name of 1 to 32 lower-case letters, digits and hyphens, such as "llm-dev".`,
    },
    {
        title: "an over-long component name",
        name: "a".repeat(33),
        args: {},
        message: `name "${"a".repeat(33)}" is 33 characters long; the limit is 32 so that the names derived from it (IAM roles, EventBridge rules) stay within AWS's 64-character limits. Use a shorter name.`,
    },
    {
        title: "an over-long cluster name",
        args: { clusterName: "llm-production-us-west-2-inference" },
        message: `clusterName "llm-production-us-west-2-inference" is 34 characters long; the limit is 32 so that the names derived from it (IAM roles, EventBridge rules) stay within AWS's 64-character limits. Use a shorter name.`,
    },
    {
        title: "a cluster name with invalid characters",
        args: { clusterName: "LLM_Prod" },
        message: `clusterName "LLM_Prod" is not a valid name: use lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit, such as "llm-dev".`,
    },
    {
        title: "an unsupported Kubernetes version",
        args: { kubernetesVersion: "1.28" },
        message: `kubernetesVersion "1.28" is not supported: use one of 1.32, 1.33, 1.34, 1.35, 1.36 (the versions both Amazon EKS and Karpenter 1.14.1 support).`,
    },
    {
        title: "an invalid VPC CIDR",
        args: { vpcCidr: "10.0.0.0/33" },
        message: `vpcCidr "10.0.0.0/33" is not an IPv4 CIDR block: write it as address/prefix, such as "203.0.113.0/24".`,
    },
    {
        title: "a VPC CIDR with host bits",
        args: { vpcCidr: "10.1.2.3/16" },
        message: `vpcCidr "10.1.2.3/16" has host bits set after its prefix: use the network address "10.1.0.0/16".`,
    },
    {
        title: "a VPC too small for pods",
        args: { vpcCidr: "10.0.0.0/24" },
        message: `vpcCidr "10.0.0.0/24" has a /24 prefix: use a prefix from /16 to /20 (AWS allows at most /16, and pods take one VPC address each, so smaller VPCs run out).`,
    },
    {
        title: "an invalid endpoint CIDR",
        args: { endpointPublicAccessCidrs: ["203.0.113.7"] },
        message: `endpointPublicAccessCidrs "203.0.113.7" is not an IPv4 CIDR block: write it as address/prefix, such as "203.0.113.0/24".`,
    },
    {
        title: "0.0.0.0/0 for the endpoint without the opt-in",
        args: { endpointPublicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"] },
        message: `endpointPublicAccessCidrs includes "0.0.0.0/0", which opens the Kubernetes API endpoint to the whole internet: list only the CIDRs that need it (a VPN or CI egress range), or set allowPublicEndpointFromAnywhere to true to accept that exposure.`,
    },
    {
        title: "two /1 endpoint CIDRs that together are the whole internet",
        args: { endpointPublicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] },
        message: [
            "2 invalid arguments:",
            `  - endpointPublicAccessCidrs includes "0.0.0.0/1", which opens the Kubernetes API endpoint to a large part of the internet: list only the CIDRs that need it (a VPN or CI egress range), or set allowPublicEndpointFromAnywhere to true to accept that exposure.`,
            `  - endpointPublicAccessCidrs includes "128.0.0.0/1", which opens the Kubernetes API endpoint to a large part of the internet: list only the CIDRs that need it (a VPN or CI egress range), or set allowPublicEndpointFromAnywhere to true to accept that exposure.`,
        ].join("\n"),
    },
    {
        title: "Graviton instances in the system node group",
        args: { systemNodeInstanceTypes: ["m7g.xlarge", "m7i.xlarge", "c6gn.large"] },
        message: `systemNodeInstanceTypes ["m7g.xlarge","c6gn.large"] includes Graviton (arm64) instances: the system node group runs the x86_64 AMI; use x86_64 types such as "m7i.xlarge".`,
    },
    {
        title: "an unknown support type",
        args: { supportType: "LTS" },
        message: `supportType "LTS" is not an EKS support type: use "STANDARD" (automatic upgrade when standard support ends) or "EXTENDED" (paid extended support).`,
    },
    {
        title: "a tiny system node disk",
        args: { systemNodeDiskSizeGiB: 8 },
        message: "systemNodeDiskSizeGiB 8 is out of range: use a whole number from 20 to 16384.",
    },
    {
        title: "one availability zone",
        args: { availabilityZoneCount: 1 },
        message: `availabilityZoneCount 1 is out of range: use a whole number from 2 to 6 (EKS needs subnets in at least two zones).`,
    },
    {
        title: "an unknown NAT gateway strategy",
        args: { natGateways: "None" },
        message: `natGateways "None" is not a NAT gateway strategy: use "OnePerAz" (highly available) or "Single" (cheaper); nodes in private subnets need one to pull images.`,
    },
    {
        title: "system node group min > max",
        args: { systemNodeMinSize: 5, systemNodeMaxSize: 3 },
        message: `systemNodeMinSize (5) is greater than systemNodeMaxSize (3): set systemNodeMinSize to at most systemNodeMaxSize.`,
    },
    {
        title: "a system node group of zero nodes",
        args: { systemNodeMinSize: 0 },
        message: `systemNodeMinSize 0 is out of range: use a whole number from 1 to 100 (operators and the Karpenter controller need a node).`,
    },
    {
        title: "a desired size outside min..max",
        args: { systemNodeMinSize: 2, systemNodeDesiredSize: 9, systemNodeMaxSize: 4 },
        message: `systemNodeDesiredSize (9) is outside systemNodeMinSize..systemNodeMaxSize (2..4): set it within that range or leave it unset.`,
    },
    {
        title: "GPU instances in the system node group",
        args: { systemNodeInstanceTypes: ["m7i.xlarge", "g5.xlarge"] },
        message: `systemNodeInstanceTypes ["g5.xlarge"] includes accelerated instances: the system node group is CPU only (GPU nodes come from Karpenter through GpuNodePool); use general-purpose types such as "m7i.xlarge".`,
    },
    {
        title: "no system instance types",
        args: { systemNodeInstanceTypes: [] },
        message: `systemNodeInstanceTypes is empty: list at least one CPU instance type, such as "m7i.xlarge".`,
    },
    {
        title: "a log retention CloudWatch does not accept",
        args: { controlPlaneLogRetentionDays: 45 },
        message: `controlPlaneLogRetentionDays 45 is not a retention CloudWatch Logs accepts: use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.`,
    },
    {
        title: "a private-only endpoint nothing can reach",
        args: { endpointPrivateAccessCidrs: [], endpointPublicAccessCidrs: [] },
        message: `endpointPublicAccessCidrs is empty, so the Kubernetes API is private-only, and nothing outside the cluster admits 443 to it: pulumi up could not install a single chart. Admit where it runs: endpointPrivateAccessCidrs (a VPN's or a peered CI runner VPC's CIDR), endpointPrivateAccessSecurityGroupIds (a CI runner's or bastion's security group), or endpointPublicAccessCidrs with your runners' egress CIDRs.`,
    },
    {
        title: "a private access CIDR with host bits",
        args: { endpointPrivateAccessCidrs: ["10.100.0.1/16"] },
        message: `endpointPrivateAccessCidrs "10.100.0.1/16" has host bits set after its prefix: use the network address "10.100.0.0/16".`,
    },
    {
        title: "an access entry for an assumed-role session",
        args: { accessEntries: [{ name: "ci", principalArn: "arn:aws:sts::111122223333:assumed-role/deployer/gha-run-42", access: "cluster-admin" }] },
        message: `accessEntries[0].principalArn "arn:aws:sts::111122223333:assumed-role/deployer/gha-run-42" is an assumed-role session: name the role itself, "arn:aws:iam::111122223333:role/deployer".`,
    },
    {
        title: "an access entry that is not an IAM principal",
        args: { accessEntries: [{ name: "ci", principalArn: "deployer", access: "view" }] },
        message: `accessEntries[0].principalArn "deployer" is not an IAM role or user ARN: use one such as "arn:aws:iam::111122223333:role/deployer".`,
    },
    {
        title: "an unknown access policy",
        args: { accessEntries: [{ name: "ci", principalArn: "arn:aws:iam::111122223333:role/ci", access: "owner" }] },
        message: `accessEntries[0].access "owner" is not an access policy: use "cluster-admin", "admin", "edit" or "view".`,
    },
    {
        title: "cluster-admin limited to namespaces",
        args: { accessEntries: [{ name: "ci", principalArn: "arn:aws:iam::111122223333:role/ci", access: "cluster-admin", namespaces: ["llm"] }] },
        message: `accessEntries[0] gives "cluster-admin" to namespaces ["llm"]: cluster-admin is cluster-wide; use "admin" to limit the entry to namespaces, or remove namespaces.`,
    },
    {
        title: "an access entry scoped to an invalid namespace",
        args: { accessEntries: [{ name: "ci", principalArn: "arn:aws:iam::111122223333:role/ci", access: "edit", namespaces: ["llm", "Team_A"] }] },
        message: `accessEntries[0].namespaces ["Team_A"] are not namespace names: use lower-case letters, digits and hyphens, such as "llm".`,
    },
    {
        title: "two access entries with one name",
        args: { accessEntries: [
            { name: "ops", principalArn: "arn:aws:iam::111122223333:role/ops", access: "view" },
            { name: "ops", principalArn: "arn:aws:iam::111122223333:role/oncall", access: "edit" },
        ] },
        message: `accessEntries[1].name "ops" is used by an earlier entry: give each entry its own name, such as "deployer" or "oncall".`,
    },
    {
        title: "an access entry name that cannot name a resource",
        args: { accessEntries: [{ name: "CI Deployer", principalArn: "arn:aws:iam::111122223333:role/ci", access: "view" }] },
        message: `accessEntries[0].name "CI Deployer" is not a valid name: use lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit, such as "llm-dev".`,
    },
    {
        title: "deletionProtection given as an output",
        args: { deletionProtection: pulumi.output(false) as unknown as boolean },
        message: `deletionProtection (an output) is not a boolean: set true (protect the cluster, VPC and key) or false (before pulumi destroy); it decides resource options, so it cannot be an output.`,
    },
    {
        title: "deletionProtection given as a string",
        args: { deletionProtection: "yes" as unknown as boolean },
        message: `deletionProtection "yes" is not a boolean: set true (protect the cluster, VPC and key) or false (before pulumi destroy); it decides resource options, so it cannot be an output.`,
    },
    {
        title: "an unknown storage reclaim policy",
        args: { storageReclaimPolicy: "Recycle" },
        message: `storageReclaimPolicy "Recycle" is not a reclaim policy: use "Retain" (volumes outlive their claims; delete them yourself) or "Delete" (volumes go with their claims).`,
    },
    {
        title: "an unpinned Karpenter version",
        args: { karpenterVersion: "latest" },
        message: `karpenterVersion "latest" is not an exact chart version: pin one such as "1.14.1" (ranges and "latest" drift between deployments).`,
    },
];

describe("LlmCluster input validation", () => {
    cases.forEach((c, i) => {
        it(`refuses ${c.title} before registering any child`, async () => {
            assert.equal(await rejection(c.name ?? `bad-${i}`, c.args), `LlmCluster: ${c.message}`);
        });
    });

    it("lists every problem at once", async () => {
        const message = await rejection("bad-many", { kubernetesVersion: "1.20", systemNodeMinSize: 4, systemNodeMaxSize: 2 });
        assert.equal(message, [
            "LlmCluster: 2 invalid arguments:",
            `  - kubernetesVersion "1.20" is not supported: use one of 1.32, 1.33, 1.34, 1.35, 1.36 (the versions both Amazon EKS and Karpenter 1.14.1 support).`,
            "  - systemNodeMinSize (4) is greater than systemNodeMaxSize (2): set systemNodeMinSize to at most systemNodeMaxSize.",
        ].join("\n"));
    });

    it("accepts the defaults and the boundaries", () => {
        assert.deepEqual(validateLlmClusterArgs("a".repeat(32), { ...clusterDefaults, endpointPrivateAccessCidrs: ["10.100.0.0/16"] }), []);
        assert.deepEqual(validateLlmClusterArgs("llm", { ...clusterDefaults, endpointPrivateAccessSecurityGroupIds: [pulumi.output("sg-0123456789abcdef0")] }), []);
        assert.deepEqual(validateLlmClusterArgs("llm", { ...clusterDefaults, vpcCidr: "172.16.0.0/20", availabilityZoneCount: 2, systemNodeMinSize: 1, systemNodeMaxSize: 1, endpointPublicAccessCidrs: ["203.0.113.10/32"] }), []);
    });

    it("leaves values that are not known yet to the cloud API", () => {
        const unknown = pulumi.output("1.10");
        assert.deepEqual(validateLlmClusterArgs("llm", { ...clusterDefaults, kubernetesVersion: unknown, clusterName: pulumi.output("BAD NAME"), endpointPublicAccessCidrs: pulumi.output([]) }), []);
        assert.deepEqual(validateLlmClusterArgs("llm", { ...clusterDefaults, ...REACHABLE, accessEntries: [{ name: "ci", principalArn: pulumi.output("not an arn"), access: "view" }] }), []);
    });
});
