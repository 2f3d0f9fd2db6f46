/**
 * The real engine's replay of pulumi-eks 4.3.0's eks:index:Cluster (plan/real-engine.ts,
 * up to the notes), over small hand-built plans with inputs dev does not set: the service role's
 * partition, the cluster's subnets, network configuration and security group, Auto Mode, the
 * VPC CNI add-on's configuration values, kube-proxy and CoreDNS, the Kubernetes provider, and
 * the notes on what is not replayed. Expected values follow pulumi-eks v4.3.0
 * nodejs/eks/cluster/cluster.ts `createCore`, nodejs/eks/servicerole.ts `ServiceRole` and
 * nodejs/eks/addons/cni-addon.ts `computeEnv` / `mergeConfigurationValues`.
 */
import * as assert from "node:assert/strict";

import { PlannedResource, PlanResult } from "../plan/engine";
import { realEngineNotes, realEngineView } from "../plan/real-engine";
import { stackPlan } from "./support/stack-plan";

type Inputs = Record<string, unknown>;

const CLUSTER = "urn:pulumi:test::t::eks:index:Cluster::c";
const U = "[unknown]";

/** A stack with one eks:index:Cluster "c" of these inputs. */
function clusterPlan(inputs: Inputs): PlanResult {
    return stackPlan({ urn: CLUSTER, type: "eks:index:Cluster", name: "c", custom: false, inputs });
}

/** Every replayed resource below the cluster, as [type, name, inputs], in URN order. */
function replay(inputs: Inputs): [string, string, Inputs][] {
    return realEngineView(clusterPlan(inputs)).resources
        .filter((r: PlannedResource) => r.urn.startsWith("urn:pulumi:test::t::eks:index:Cluster$"))
        .map((r) => [r.type, r.name, r.inputs]);
}

/** The names of the replayed resources of one type. */
function named(inputs: Inputs, type: string): string[] {
    return replay(inputs).filter(([t]) => t === type).map(([, name]) => name);
}

/** The inputs of the one replayed resource of this type and name. */
function child(inputs: Inputs, type: string, name: string): Inputs {
    const found = replay(inputs).filter(([t, n]) => t === type && n === name);
    assert.equal(found.length, 1, `${type} ${name}`);
    return found[0][2];
}

const ADDON = "aws:eks/addon:Addon";
const EKS_CLUSTER = "aws:eks/cluster:Cluster";

function eksCluster(inputs: Inputs): Inputs {
    return child(inputs, EKS_CLUSTER, "c-eksCluster");
}

function policyAttachment(inputs: Inputs): Inputs {
    return child(inputs, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "c-eksRole-4b490823");
}

/** The VPC CNI add-on's configuration values, parsed. */
function cniValues(vpcCniOptions: unknown): Inputs {
    return JSON.parse(child({ skipDefaultSecurityGroups: true, vpcCniOptions }, ADDON, "c-vpc-cni").configurationValues as string) as Inputs;
}

/** computeEnv's env for options that set none of its variables. */
const DEFAULT_ENV = {
    AWS_VPC_ENI_MTU: "9001",
    AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "false",
    AWS_VPC_K8S_CNI_EXTERNALSNAT: "false",
    AWS_VPC_K8S_CNI_LOGLEVEL: "DEBUG",
    AWS_VPC_K8S_CNI_LOG_FILE: "/host/var/log/aws-routed-eni/ipamd.log",
    AWS_VPC_K8S_CNI_VETHPREFIX: "eni",
    AWS_VPC_K8S_PLUGIN_LOG_FILE: "/var/log/aws-routed-eni/plugin.log",
    AWS_VPC_K8S_PLUGIN_LOG_LEVEL: "DEBUG",
    ENABLE_POD_ENI: "false",
    WARM_ENI_TARGET: "1",
};

const EKS_ASSUME_ROLE = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Action\":[\"sts:AssumeRole\",\"sts:TagSession\"],\"Effect\":\"Allow\",\"Principal\":{\"Service\":[\"eks.amazonaws.com\"]}}]}";

/** Cluster inputs that ask for nothing the replay leaves out. */
const QUIET = { skipDefaultNodeGroup: true, skipDefaultSecurityGroups: true, authenticationMode: "API" };

describe("the real engine's replay of eks:index:Cluster: inputs dev does not set (plan/real-engine.ts)", () => {
    describe("the children of a cluster", () => {
        it("replays a cluster given only skipDefaultSecurityGroups: the service role in the aws partition, the cluster on the default VPC's subnets, kube-proxy, the VPC CNI with its default environment, CoreDNS for the default node group, the Kubernetes provider", () => {
            const addon = (addonName: string): Inputs => ({
                addonName, addonVersion: U, clusterName: U, preserve: true, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE",
            });
            assert.deepEqual(replay({ skipDefaultSecurityGroups: true }), [
                [ADDON, "c-coredns", addon("coredns")],
                [ADDON, "c-kube-proxy", addon("kube-proxy")],
                [EKS_CLUSTER, "c-eksCluster", { bootstrapSelfManagedAddons: true, roleArn: U, tags: { Name: "c-eksCluster" }, vpcConfig: { subnetIds: U } }],
                ["aws:iam/role:Role", "c-eksRole-role", { assumeRolePolicy: EKS_ASSUME_ROLE, description: "Allows EKS to manage clusters on your behalf." }],
                ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "c-eksRole-4b490823", { policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", role: U }],
                ["eks:index:ServiceRole", "c-eksRole", {}],
                [ADDON, "c-vpc-cni", {
                    ...addon("vpc-cni"),
                    // Keys sorted at every level (addon.ts stringifyAddonConfiguration).
                    configurationValues: "{\"env\":{\"AWS_VPC_ENI_MTU\":\"9001\",\"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG\":\"false\",\"AWS_VPC_K8S_CNI_EXTERNALSNAT\":\"false\","
                        + "\"AWS_VPC_K8S_CNI_LOGLEVEL\":\"DEBUG\",\"AWS_VPC_K8S_CNI_LOG_FILE\":\"/host/var/log/aws-routed-eni/ipamd.log\",\"AWS_VPC_K8S_CNI_VETHPREFIX\":\"eni\","
                        + "\"AWS_VPC_K8S_PLUGIN_LOG_FILE\":\"/var/log/aws-routed-eni/plugin.log\",\"AWS_VPC_K8S_PLUGIN_LOG_LEVEL\":\"DEBUG\",\"ENABLE_POD_ENI\":\"false\",\"WARM_ENI_TARGET\":\"1\"},"
                        + "\"init\":{\"env\":{\"DISABLE_TCP_EARLY_DEMUX\":\"false\"}}}",
                }],
                ["eks:index:VpcCniAddon", "c-vpc-cni", {}],
                ["pulumi:providers:kubernetes", "c-eks-k8s", { kubeconfig: U }],
            ]);
        });

        it("treats null option objects (autoMode, the add-ons' options, vpcCniOptions) as absent", () => {
            const nulls = { skipDefaultSecurityGroups: true, autoMode: null, kubeProxyAddonOptions: null, corednsAddonOptions: null, vpcCniOptions: null };
            assert.deepEqual(replay(nulls), replay({ skipDefaultSecurityGroups: true }));
        });

        it("gives the service role's policy the partition of the encryption key's ARN, its attachment keeping the name hashed from the aws partition's ARN", () => {
            assert.deepEqual(policyAttachment({ ...QUIET, encryptionConfigKeyArn: "arn:aws-cn:kms:cn-north-1:111122223333:key/k" }), {
                policyArn: "arn:aws-cn:iam::aws:policy/AmazonEKSClusterPolicy", role: U,
            });
            assert.deepEqual(policyAttachment({ ...QUIET, encryptionConfigKeyArn: "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k" }), {
                policyArn: "arn:aws-us-gov:iam::aws:policy/AmazonEKSClusterPolicy", role: U,
            });
            assert.deepEqual(policyAttachment({ ...QUIET, encryptionConfigKeyArn: "arn:aws:kms:us-west-2:111122223333:key/k" }), {
                policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", role: U,
            });
        });

        it("keeps the aws partition for a key that is not a string starting with an ARN's arn:<partition>:", () => {
            for (const key of ["alias/arn:aws-cn:kms:cn-north-1:111122223333:key/k", ["arn:aws-cn:kms:cn-north-1:111122223333:key/k"], U]) {
                assert.deepEqual(policyAttachment({ ...QUIET, encryptionConfigKeyArn: key }), { policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy", role: U }, JSON.stringify(key));
            }
        });

        it("creates no service role when serviceRole is given, and passes the cluster's tags to the role it creates", () => {
            assert.deepEqual(named({ ...QUIET, serviceRole: "urn:pulumi:test::t::aws:iam/role:Role::r" }, "eks:index:ServiceRole"), []);
            assert.deepEqual(named({ ...QUIET, serviceRole: "urn:pulumi:test::t::aws:iam/role:Role::r" }, "aws:iam/role:Role"), []);
            assert.deepEqual(child({ ...QUIET, tags: { team: "ml" } }, "aws:iam/role:Role", "c-eksRole-role").tags, { team: "ml" });
        });

        it("puts the cluster on subnetIds, else the public then the private subnets, else (no VPC given) the default VPC's unknown subnets", () => {
            const subnets = (inputs: Inputs): unknown => (eksCluster({ ...QUIET, ...inputs }).vpcConfig as Inputs).subnetIds;
            assert.deepEqual(subnets({ subnetIds: ["subnet-1", "subnet-2"] }), ["subnet-1", "subnet-2"]);
            assert.deepEqual(subnets({ publicSubnetIds: ["subnet-pub"], privateSubnetIds: ["subnet-priv1", "subnet-priv2"] }), ["subnet-pub", "subnet-priv1", "subnet-priv2"]);
            assert.deepEqual(subnets({ publicSubnetIds: ["subnet-pub"] }), ["subnet-pub"]);
            assert.deepEqual(subnets({ privateSubnetIds: ["subnet-priv"] }), ["subnet-priv"]);
            assert.deepEqual(subnets({ privateSubnetIds: [] }), []);
            assert.equal(subnets({}), U);
        });

        it("gives the cluster its security group's unknown id for clusterSecurityGroup, and no security group without one", () => {
            assert.deepEqual(eksCluster({ ...QUIET, clusterSecurityGroup: "urn:pulumi:test::t::aws:ec2/securityGroup:SecurityGroup::sg", subnetIds: ["subnet-1"] }).vpcConfig, {
                securityGroupIds: [U], subnetIds: ["subnet-1"],
            });
            assert.deepEqual(eksCluster({ ...QUIET, subnetIds: ["subnet-1"] }).vpcConfig, { subnetIds: ["subnet-1"] });
        });

        it("sets kubernetesNetworkConfig from kubernetesServiceIpAddressRange (ipv4 by default) or ipFamily, the service CIDR only for ipv4", () => {
            const network = (inputs: Inputs): unknown => eksCluster({ ...QUIET, ...inputs }).kubernetesNetworkConfig;
            assert.deepEqual(network({ kubernetesServiceIpAddressRange: "172.20.0.0/16" }), { ipFamily: "ipv4", serviceIpv4Cidr: "172.20.0.0/16" });
            assert.deepEqual(network({ kubernetesServiceIpAddressRange: "172.20.0.0/16", ipFamily: "ipv4" }), { ipFamily: "ipv4", serviceIpv4Cidr: "172.20.0.0/16" });
            assert.deepEqual(network({ kubernetesServiceIpAddressRange: "172.20.0.0/16", ipFamily: "ipv6" }), { ipFamily: "ipv6" });
            assert.deepEqual(network({ ipFamily: "ipv6" }), { ipFamily: "ipv6" });
            assert.deepEqual(network({ ipFamily: "ipv4" }), { ipFamily: "ipv4" });
            assert.equal(network({}), undefined);
            assert.equal("kubernetesNetworkConfig" in eksCluster(QUIET), false);
        });

        it("passes enableConfigMapMutable to the Kubernetes provider as a string", () => {
            assert.deepEqual(child({ ...QUIET, enableConfigMapMutable: true }, "pulumi:providers:kubernetes", "c-eks-k8s"), { enableConfigMapMutable: "true", kubeconfig: U });
            assert.deepEqual(child({ ...QUIET, enableConfigMapMutable: false }, "pulumi:providers:kubernetes", "c-eks-k8s"), { enableConfigMapMutable: "false", kubeconfig: U });
        });
    });

    describe("Auto Mode and the add-ons", () => {
        const AUTO = { ...QUIET, autoMode: { enabled: true }, bootstrapSelfManagedAddons: true };

        it("with autoMode enabled: bootstrapSelfManagedAddons false whatever is asked, no kube-proxy, no VPC CNI, and CoreDNS for Auto Mode's nodes", () => {
            assert.equal(eksCluster(AUTO).bootstrapSelfManagedAddons, false);
            assert.deepEqual(named(AUTO, ADDON), ["c-coredns"]);
            assert.deepEqual(named(AUTO, "eks:index:VpcCniAddon"), []);
        });

        it("with autoMode present but not enabled: bootstrapSelfManagedAddons as asked, kube-proxy and the VPC CNI, and no CoreDNS without nodes", () => {
            const off = { ...QUIET, autoMode: { enabled: false }, bootstrapSelfManagedAddons: false };
            assert.equal(eksCluster(off).bootstrapSelfManagedAddons, false);
            assert.equal(eksCluster({ ...off, bootstrapSelfManagedAddons: undefined }).bootstrapSelfManagedAddons, true);
            assert.deepEqual(named(off, ADDON), ["c-kube-proxy", "c-vpc-cni"]);
            assert.deepEqual(named(off, "eks:index:VpcCniAddon"), ["c-vpc-cni"]);
            // autoMode.enabled must be true itself, not just truthy.
            assert.deepEqual(named({ ...QUIET, autoMode: { enabled: "yes" } }, ADDON), ["c-kube-proxy", "c-vpc-cni"]);
        });

        it("creates kube-proxy when kubeProxyAddonOptions.enabled says so, whatever Auto Mode's default, with its configuration values sorted", () => {
            assert.deepEqual(child({ ...AUTO, kubeProxyAddonOptions: { enabled: true, configurationValues: { mode: "ipvs", ipvs: { scheduler: "rr" } } } }, ADDON, "c-kube-proxy"), {
                addonName: "kube-proxy", addonVersion: U, clusterName: U, configurationValues: "{\"ipvs\":{\"scheduler\":\"rr\"},\"mode\":\"ipvs\"}", preserve: true,
                resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE",
            });
            assert.deepEqual(named({ ...QUIET, kubeProxyAddonOptions: { enabled: false } }, ADDON), ["c-vpc-cni"]);
        });

        it("creates the VPC CNI add-on unless useDefaultVpcCni is true, or (useDefaultVpcCni unset) Auto Mode is on", () => {
            assert.deepEqual(named({ ...QUIET, useDefaultVpcCni: true }, "eks:index:VpcCniAddon"), []);
            assert.deepEqual(named({ ...QUIET, useDefaultVpcCni: false }, "eks:index:VpcCniAddon"), ["c-vpc-cni"]);
            assert.deepEqual(named({ ...AUTO, useDefaultVpcCni: false }, "eks:index:VpcCniAddon"), ["c-vpc-cni"]);
            assert.deepEqual(named({ ...AUTO, useDefaultVpcCni: true }, "eks:index:VpcCniAddon"), []);
        });

        it("creates CoreDNS for the default node group, Fargate or Auto Mode unless corednsAddonOptions.enabled is false, and without nodes only when asked", () => {
            const coredns = (inputs: Inputs): string[] => named(inputs, ADDON).filter((n) => n === "c-coredns");
            assert.deepEqual(coredns({ skipDefaultSecurityGroups: true, authenticationMode: "API" }), ["c-coredns"]);
            assert.deepEqual(coredns({ skipDefaultSecurityGroups: true, authenticationMode: "API", corednsAddonOptions: { enabled: false } }), []);
            assert.deepEqual(coredns({ ...QUIET, fargate: true }), ["c-coredns"]);
            assert.deepEqual(coredns({ ...QUIET, fargate: true, corednsAddonOptions: { enabled: false } }), []);
            assert.deepEqual(coredns(AUTO), ["c-coredns"]);
            assert.deepEqual(coredns({ ...AUTO, corednsAddonOptions: { enabled: false } }), []);
            assert.deepEqual(coredns(QUIET), []);
            assert.deepEqual(coredns({ ...QUIET, corednsAddonOptions: { enabled: true } }), ["c-coredns"]);
            assert.deepEqual(coredns({ ...QUIET, corednsAddonOptions: { configurationValues: { replicaCount: 3 } } }), ["c-coredns"]);
        });

        it("runs CoreDNS on Fargate for a Fargate cluster: computeType Fargate before its own configuration values, which may override it", () => {
            const values = (inputs: Inputs): unknown => child({ ...QUIET, ...inputs }, ADDON, "c-coredns").configurationValues;
            assert.equal(values({ fargate: true }), "{\"computeType\":\"Fargate\"}");
            assert.equal(values({ fargate: { subnetIds: ["subnet-1"] }, corednsAddonOptions: { configurationValues: { replicaCount: 3, autoScaling: { enabled: true } } } }),
                "{\"autoScaling\":{\"enabled\":true},\"computeType\":\"Fargate\",\"replicaCount\":3}");
            assert.equal(values({ fargate: true, corednsAddonOptions: { configurationValues: { computeType: "ec2" } } }), "{\"computeType\":\"ec2\"}");
            assert.equal(values({ corednsAddonOptions: { configurationValues: { replicaCount: 3 } } }), "{\"replicaCount\":3}");
        });
    });

    describe("the VPC CNI add-on's configuration values (cni-addon.ts computeEnv, mergeConfigurationValues)", () => {
        it("keeps computeEnv's defaults and no enableNetworkPolicy for empty options", () => {
            assert.deepEqual(cniValues({}), { env: DEFAULT_ENV, init: { env: { DISABLE_TCP_EARLY_DEMUX: "false" } } });
        });

        it("sets each optional variable only for a truthy option: flags as \"true\", numbers and labels as text", () => {
            assert.deepEqual(cniValues({
                nodePortSupport: true, warmIpTarget: 5, warmPrefixTarget: 2, enablePrefixDelegation: true, eniConfigLabelDef: "topology.kubernetes.io/zone", cniConfigureRpfilter: true,
            }).env, {
                ...DEFAULT_ENV,
                AWS_VPC_CNI_NODE_PORT_SUPPORT: "true",
                WARM_IP_TARGET: "5",
                WARM_PREFIX_TARGET: "2",
                ENABLE_PREFIX_DELEGATION: "true",
                ENI_CONFIG_LABEL_DEF: "topology.kubernetes.io/zone",
                AWS_VPC_K8S_CNI_CONFIGURE_RPFILTER: "true",
            });
            assert.deepEqual(cniValues({
                nodePortSupport: false, warmIpTarget: 0, warmPrefixTarget: 0, enablePrefixDelegation: false, eniConfigLabelDef: "", cniConfigureRpfilter: false,
            }).env, DEFAULT_ENV);
        });

        it("overrides the defaults with the options it maps, cniExternalSnat or externalSnat turning external SNAT on", () => {
            assert.deepEqual(cniValues({
                warmEniTarget: 0, logLevel: "INFO", logFile: "stdout", vethPrefix: "abc", eniMtu: 1500, pluginLogLevel: "WARN", pluginLogFile: "stderr",
                enablePodEni: true, cniCustomNetworkCfg: true, externalSnat: true, disableTcpEarlyDemux: true,
            }), {
                env: {
                    AWS_VPC_ENI_MTU: "1500",
                    AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true",
                    AWS_VPC_K8S_CNI_EXTERNALSNAT: "true",
                    AWS_VPC_K8S_CNI_LOGLEVEL: "INFO",
                    AWS_VPC_K8S_CNI_LOG_FILE: "stdout",
                    AWS_VPC_K8S_CNI_VETHPREFIX: "abc",
                    AWS_VPC_K8S_PLUGIN_LOG_FILE: "stderr",
                    AWS_VPC_K8S_PLUGIN_LOG_LEVEL: "WARN",
                    ENABLE_POD_ENI: "true",
                    WARM_ENI_TARGET: "0",
                },
                init: { env: { DISABLE_TCP_EARLY_DEMUX: "true" } },
            });
            assert.equal((cniValues({ cniExternalSnat: true }).env as Inputs).AWS_VPC_K8S_CNI_EXTERNALSNAT, "true");
            assert.equal((cniValues({ externalSnat: false, cniExternalSnat: false }).env as Inputs).AWS_VPC_K8S_CNI_EXTERNALSNAT, "false");
        });

        it("adds enableNetworkPolicy as text when the option is set and the configuration values do not set it", () => {
            assert.equal(cniValues({ enableNetworkPolicy: true }).enableNetworkPolicy, "true");
            assert.equal(cniValues({ enableNetworkPolicy: false }).enableNetworkPolicy, "false");
            assert.equal("enableNetworkPolicy" in cniValues({}), false);
            assert.equal(cniValues({ enableNetworkPolicy: false, configurationValues: { enableNetworkPolicy: "true" } }).enableNetworkPolicy, "true");
        });

        it("keeps the configuration values' own keys, their env over computeEnv's, their init.env over DISABLE_TCP_EARLY_DEMUX's default", () => {
            assert.deepEqual(cniValues({
                configurationValues: { enableWindowsIpam: "true", env: { WARM_ENI_TARGET: "3", MINIMUM_IP_TARGET: "10" }, init: { image: "x", env: { EXTRA: "1" } } },
            }), {
                enableWindowsIpam: "true",
                env: { ...DEFAULT_ENV, WARM_ENI_TARGET: "3", MINIMUM_IP_TARGET: "10" },
                init: { image: "x", env: { DISABLE_TCP_EARLY_DEMUX: "false", EXTRA: "1" } },
            });
            assert.deepEqual(cniValues({ disableTcpEarlyDemux: true, configurationValues: { init: { env: { DISABLE_TCP_EARLY_DEMUX: "false" } } } }).init, {
                env: { DISABLE_TCP_EARLY_DEMUX: "false" },
            });
        });

        it("gives an init without an object env computeEnv's init env unless it names its own env, and replaces an env that is not an object", () => {
            assert.deepEqual(cniValues({ configurationValues: { init: { image: "x" } } }).init, { env: { DISABLE_TCP_EARLY_DEMUX: "false" }, image: "x" });
            assert.deepEqual(cniValues({ configurationValues: { init: { env: "kept" } } }).init, { env: "kept" });
            assert.deepEqual(cniValues({ configurationValues: { init: "replaced" } }).init, { env: { DISABLE_TCP_EARLY_DEMUX: "false" } });
            assert.deepEqual(cniValues({ configurationValues: { env: "replaced" } }).env, DEFAULT_ENV);
        });

        it("takes the add-on's version, conflict resolution and service account role from vpcCniOptions, and its tags from the cluster", () => {
            assert.deepEqual(child({
                ...QUIET, name: "my-cluster", tags: { team: "ml" },
                vpcCniOptions: { addonVersion: "v1.20.0-eksbuild.1", resolveConflictsOnCreate: "NONE", resolveConflictsOnUpdate: "PRESERVE", serviceAccountRoleArn: "arn:aws:iam::111122223333:role/cni", tags: { ignored: "yes" } },
            }, ADDON, "c-vpc-cni"), {
                addonName: "vpc-cni", addonVersion: "v1.20.0-eksbuild.1", clusterName: "my-cluster",
                configurationValues: JSON.stringify({ env: DEFAULT_ENV, init: { env: { DISABLE_TCP_EARLY_DEMUX: "false" } } }),
                preserve: true, resolveConflictsOnCreate: "NONE", resolveConflictsOnUpdate: "PRESERVE", serviceAccountRoleArn: "arn:aws:iam::111122223333:role/cni", tags: { team: "ml" },
            });
        });
    });

    describe("realEngineNotes for a cluster", () => {
        const notes = (inputs: Inputs): string[] => realEngineNotes(clusterPlan(inputs));
        const one = (what: string): string[] => [`eks:index:Cluster c: not replayed: ${what}`];

        it("has no note for a cluster that skips the defaults and authenticates by API", () => {
            assert.deepEqual(notes(QUIET), []);
        });

        it("names the default node group, the default security groups and the aws-auth ConfigMap for a cluster without inputs", () => {
            assert.deepEqual(notes({}), one("the default node group (skipDefaultNodeGroup is not set), the default security groups (skipDefaultSecurityGroups is not set), "
                + "the aws-auth ConfigMap (authenticationMode is not API)"));
        });

        it("names Auto Mode instead of the default node group and security groups when autoMode is enabled", () => {
            assert.deepEqual(notes({ authenticationMode: "API", autoMode: { enabled: true } }), one("autoMode (Auto Mode's node role, compute and storage configuration)"));
            assert.deepEqual(notes({ ...QUIET, autoMode: { enabled: true } }), one("autoMode (Auto Mode's node role, compute and storage configuration)"));
            assert.deepEqual(notes({ ...QUIET, autoMode: { enabled: false } }), []);
        });

        it("names Fargate instead of the default node group, and no default security groups beside clusterSecurityGroup", () => {
            assert.deepEqual(notes({ authenticationMode: "API", skipDefaultSecurityGroups: true, fargate: true }), one("fargate (the Fargate profile and its role)"));
            assert.deepEqual(notes({ authenticationMode: "API", skipDefaultNodeGroup: true, clusterSecurityGroup: "urn:pulumi:test::t::aws:ec2/securityGroup:SecurityGroup::sg" }), []);
            assert.deepEqual(notes({ authenticationMode: "API", skipDefaultNodeGroup: true }), one("the default security groups (skipDefaultSecurityGroups is not set)"));
        });

        it("names storageClasses, the aws-auth ConfigMap for CONFIG_MAP modes, and non-empty accessEntries", () => {
            assert.deepEqual(notes({ ...QUIET, storageClasses: "gp3" }), one("storageClasses"));
            assert.deepEqual(notes({ ...QUIET, authenticationMode: "API_AND_CONFIG_MAP" }), one("the aws-auth ConfigMap (authenticationMode is not API)"));
            assert.deepEqual(notes({ ...QUIET, accessEntries: { admin: { principalArn: "arn:aws:iam::111122223333:role/admin" } } }), one("accessEntries"));
            assert.deepEqual(notes({ ...QUIET, accessEntries: {} }), []);
        });

        it("names instance roles for instanceRole, instanceRoles or createInstanceRole true, not createInstanceRole false", () => {
            assert.deepEqual(notes({ ...QUIET, instanceRole: "urn:pulumi:test::t::aws:iam/role:Role::n" }), one("instance roles"));
            assert.deepEqual(notes({ ...QUIET, instanceRoles: ["urn:pulumi:test::t::aws:iam/role:Role::n"] }), one("instance roles"));
            assert.deepEqual(notes({ ...QUIET, createInstanceRole: true }), one("instance roles"));
            assert.deepEqual(notes({ ...QUIET, createInstanceRole: false }), []);
        });

        it("names the aws-node DaemonSetPatch for vpcCniOptions.securityContextPrivileged, and creationRoleProvider", () => {
            assert.deepEqual(notes({ ...QUIET, vpcCniOptions: { securityContextPrivileged: true } }), one("vpcCniOptions.securityContextPrivileged (the aws-node DaemonSetPatch)"));
            assert.deepEqual(notes({ ...QUIET, vpcCniOptions: { securityContextPrivileged: false } }), []);
            assert.deepEqual(notes({ ...QUIET, creationRoleProvider: { role: "r", provider: "p" } }), one("creationRoleProvider"));
        });

        it("joins every note in its fixed order", () => {
            assert.deepEqual(notes({
                autoMode: { enabled: true }, fargate: true, createOidcProvider: true, storageClasses: {}, accessEntries: { a: {} }, createInstanceRole: true,
                vpcCniOptions: { securityContextPrivileged: true }, creationRoleProvider: {},
            }), one("autoMode (Auto Mode's node role, compute and storage configuration), fargate (the Fargate profile and its role), "
                + "createOidcProvider (the IAM OIDC provider), storageClasses, the aws-auth ConfigMap (authenticationMode is not API), accessEntries, instance roles, "
                + "vpcCniOptions.securityContextPrivileged (the aws-node DaemonSetPatch), creationRoleProvider"));
        });
    });
});
