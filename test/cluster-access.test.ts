/**
 * LlmCluster's builders for who reaches the cluster and what follows the control plane:
 * createAccessEntries, createApiAccessRules, createCoreDns, and the provider's ordering.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

import { componentUrn, descendantsOf, resource, settle, valueOf } from "./support/mocks";
import { asModuleLoad } from "./support/stryker-hooks";

import { accessScope, LlmCluster } from "../components/cluster";

const TYPE = "ray-vllm-eks:index:LlmCluster";
const TAGS = { team: "ml-platform" };

describe("LlmCluster access: createAccessEntries and createApiAccessRules", () => {
    before(async () => {
        const c = new LlmCluster("acc", {
            clusterName: "llm-acc",
            endpointPrivateAccessCidrs: ["10.100.0.0/16", "192.168.8.0/22"],
            endpointPrivateAccessSecurityGroupIds: ["sg-0a1b2c3d4e5f60718"],
            accessEntries: [
                { name: "deployer", principalArn: "arn:aws:iam::111122223333:role/deployer", access: "cluster-admin" },
                { name: "oncall", principalArn: "arn:aws:iam::111122223333:role/oncall", access: "edit", namespaces: ["llm", "monitoring"] },
                { name: "viewer", principalArn: "arn:aws:iam::111122223333:user/auditor", access: "view" },
            ],
            tags: TAGS,
        });
        await valueOf(c.clusterName);
        await settle();
    });

    it("adds one access entry and one policy association per principal, and one 443 rule per source", () => {
        const added = descendantsOf(componentUrn(TYPE, "acc"))
            .filter((r) => /accessEntry:|accessPolicyAssociation:|securityGroupIngressRule:/.test(r.type))
            .map((r) => `${r.type} ${r.name}`).sort();
        assert.deepEqual(added, [
            "aws:eks/accessEntry:AccessEntry acc-access-deployer",
            "aws:eks/accessEntry:AccessEntry acc-access-oncall",
            "aws:eks/accessEntry:AccessEntry acc-access-viewer",
            "aws:eks/accessEntry:AccessEntry acc-karpenter-node-access",
            "aws:eks/accessPolicyAssociation:AccessPolicyAssociation acc-access-deployer",
            "aws:eks/accessPolicyAssociation:AccessPolicyAssociation acc-access-oncall",
            "aws:eks/accessPolicyAssociation:AccessPolicyAssociation acc-access-viewer",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule acc-api-from-cidr-0",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule acc-api-from-cidr-1",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule acc-api-from-sg-0",
        ]);
        assert.equal(descendantsOf(componentUrn(TYPE, "acc")).length, 60);
    });

    it("gives each principal a STANDARD entry and its EKS access policy, cluster-wide or in its namespaces", () => {
        assert.deepEqual(resource("aws:eks/accessEntry:AccessEntry", "acc-access-deployer").inputs, {
            clusterName: "llm-acc",
            principalArn: "arn:aws:iam::111122223333:role/deployer",
            tags: TAGS,
            type: "STANDARD",
        });
        const association = (n: string) => resource("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", `acc-access-${n}`);
        assert.deepEqual(association("deployer").inputs, {
            accessScope: { type: "cluster" },
            clusterName: "llm-acc",
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            principalArn: "arn:aws:iam::111122223333:role/deployer",
        });
        assert.deepEqual(association("oncall").inputs, {
            accessScope: { namespaces: ["llm", "monitoring"], type: "namespace" },
            clusterName: "llm-acc",
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
            principalArn: "arn:aws:iam::111122223333:role/oncall",
        });
        assert.deepEqual(association("viewer").inputs.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy");
        assert.deepEqual(association("viewer").inputs.accessScope, { type: "cluster" });
        // The association follows its entry (it names the entry's principal).
        assert.ok(association("oncall").dependencies.includes(resource("aws:eks/accessEntry:AccessEntry", "acc-access-oncall").urn));
    });

    it("admits each source on 443/tcp only, to the cluster security group", () => {
        const rule = (n: string) => resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `acc-api-from-${n}`).inputs;
        const { securityGroupId, ...first } = rule("cidr-0");
        assert.match(securityGroupId as string, /^sg-[0-9a-f]{17}$/);
        assert.deepEqual(first, {
            cidrIpv4: "10.100.0.0/16",
            description: "Kubernetes API of llm-acc from 10.100.0.0/16",
            fromPort: 443,
            ipProtocol: "tcp",
            tags: TAGS,
            toPort: 443,
        });
        assert.equal(rule("cidr-1").cidrIpv4, "192.168.8.0/22");
        const { securityGroupId: sg, ...bySg } = rule("sg-0");
        assert.equal(sg, securityGroupId);
        assert.deepEqual(bySg, {
            description: "Kubernetes API of llm-acc from sg-0a1b2c3d4e5f60718",
            fromPort: 443,
            ipProtocol: "tcp",
            referencedSecurityGroupId: "sg-0a1b2c3d4e5f60718",
            tags: TAGS,
            toPort: 443,
        });
        assert.equal(securityGroupId, resource("aws:ec2/tag:Tag", "acc-discovery-tag").inputs.resourceId, "the rules and Karpenter's discovery tag are on the same group");
    });

    it("creates the cluster's Kubernetes provider only once the deployer's network and the access entries are in", () => {
        const provider = resource("pulumi:providers:kubernetes", "acc-k8s");
        const expected = [
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule acc-api-from-cidr-0",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule acc-api-from-cidr-1",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule acc-api-from-sg-0",
            "aws:eks/accessEntry:AccessEntry acc-access-deployer",
            "aws:eks/accessPolicyAssociation:AccessPolicyAssociation acc-access-viewer",
        ];
        for (const dep of expected) {
            const [type, name] = dep.split(" ");
            assert.ok(provider.dependencies.includes(resource(type, name).urn), `the provider waits for ${dep}`);
        }
    });

    it("scopes an entry to its namespaces, or to the cluster", () => {
        assert.deepEqual(accessScope({ name: "a", principalArn: "x", access: "view" }), { type: "cluster" });
        assert.deepEqual(accessScope({ name: "a", principalArn: "x", access: "view", namespaces: [] }), { type: "cluster" });
        assert.deepEqual(accessScope({ name: "a", principalArn: "x", access: "admin", namespaces: ["llm"] }), { type: "namespace", namespaces: ["llm"] });
    });
});

describe("LlmCluster upgrades: createCoreDns and the add-on versions", () => {
    before(async () => {
        const c = new LlmCluster("upg", { kubernetesVersion: "1.34", endpointPublicAccessCidrs: ["198.51.100.0/24"], tags: TAGS });
        await valueOf(c.clusterName);
        await settle();
    });

    it("manages CoreDNS after the system nodes, at the version for the cluster's Kubernetes version", () => {
        const coredns = resource("aws:eks/addon:Addon", "upg-coredns");
        assert.deepEqual(coredns.inputs, {
            addonName: "coredns",
            addonVersion: "v1.34.0-eksbuild.1",
            clusterName: "upg",
            preserve: true,
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags: TAGS,
        });
        assert.ok(coredns.dependencies.includes(resource("eks:index:ManagedNodeGroup", "upg-system-nodes").urn));
    });

    it("moves every add-on and the system nodes with kubernetesVersion", () => {
        for (const addon of ["coredns", "pod-identity-agent", "ebs-csi-driver"]) {
            assert.equal(resource("aws:eks/addon:Addon", `upg-${addon}`).inputs.addonVersion, "v1.34.0-eksbuild.1", addon);
        }
        assert.equal(resource("eks:index:ManagedNodeGroup", "upg-system-nodes").inputs.version, "1.34");
        assert.equal(resource("eks:index:Cluster", "upg-eks").inputs.version, "1.34");
    });
});

describe("LlmCluster warnings", () => {
    it("warns, naming the component, when only the cluster's creator can use the API", async () => {
        const warned: string[] = [];
        const warn = pulumi.log.warn;
        (pulumi.log as { warn: typeof warn }).warn = (message: string) => {
            warned.push(message);
            return Promise.resolve();
        };
        try {
            new LlmCluster("lone", { endpointPublicAccessCidrs: ["198.51.100.0/24"] });
            new LlmCluster("shared", {
                endpointPublicAccessCidrs: ["198.51.100.0/24"],
                accessEntries: [{ name: "ci", principalArn: "arn:aws:iam::111122223333:role/ci", access: "cluster-admin" }],
            });
        } finally {
            (pulumi.log as { warn: typeof warn }).warn = warn;
        }
        await settle();
        assert.deepEqual(warned, [
            "LlmCluster lone: only the IAM identity that creates the cluster can use its Kubernetes API (EKS makes it cluster admin; nobody else has an access entry). Add accessEntries for your CI/CD role and operators, or they, and pulumi up run by anyone else, are locked out.",
        ]);
    });
});

describe("LlmCluster's modules", () => {
    /** Loads the cluster's modules afresh, `first` before the rest, and returns the default chart versions. */
    function defaultsLoading(first: string): { lbc: unknown; karpenter: unknown } {
        const dir = require.resolve("../components/cluster/args").replace(/args\.ts$/, "");
        const saved = Object.keys(require.cache).filter((k) => k.startsWith(dir));
        const cache = Object.fromEntries(saved.map((k) => [k, require.cache[k]]));
        saved.forEach((k) => delete require.cache[k]);
        try {
            return asModuleLoad(() => {
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                require(`../components/cluster/${first}`);
                // eslint-disable-next-line @typescript-eslint/no-require-imports
                const { clusterDefaults } = require("../components/cluster/args") as typeof import("../components/cluster/args");
                return { lbc: clusterDefaults.loadBalancerControllerVersion, karpenter: clusterDefaults.karpenterVersion };
            });
        } finally {
            Object.keys(require.cache).filter((k) => k.startsWith(dir)).forEach((k) => delete require.cache[k]);
            Object.assign(require.cache, cache);
        }
    }

    for (const first of ["load-balancer-controller", "args", "karpenter", "iam", "ebs-csi", "eks-cluster", "index"]) {
        it(`pins the default chart versions whichever module loads first (${first})`, () => {
            assert.deepEqual(defaultsLoading(first), { lbc: "3.5.0", karpenter: "1.14.1" });
        });
    }
});
