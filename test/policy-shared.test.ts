/**
 * What the policy pack shares with the components, it holds as copies (the pack is published on
 * its own: only policy/ is uploaded). Each copy equals the component's: values deep-equal, and
 * functions give the same results over a table of inputs. The cloud SDKs' resource classes the
 * exposure policies name are stand-ins (policy/resource-types.ts) with the SDK classes' Pulumi
 * types and the SDKs' argument types.
 */
import * as assert from "node:assert/strict";

import * as pulumi from "@pulumi/pulumi";
import * as awsSdk from "@pulumi/aws";
import * as k8sSdk from "@pulumi/kubernetes";
import { validateResourceOfType } from "@pulumi/policy";

import * as componentDemand from "../components/common/gpu-demand";
import { compareVersions as componentCompareVersions } from "../components/common/validation";
import { GPU_RESOURCE as COMPONENT_GPU_RESOURCE } from "../components/gpu-nodepool/args";
import * as componentCatalog from "../components/gpu-nodepool/catalog";
import { MIN_RAY_VERSION as COMPONENT_MIN_RAY_VERSION } from "../components/vllm-service/args";
import * as packCatalog from "../policy/catalog";
import * as packDemand from "../policy/gpu-demand";
import { aws, k8s } from "../policy/resource-types";
import { compareVersions, GPU_RESOURCE, MIN_RAY_VERSION } from "../policy/shared";

/** Each function's results over a table, as [input, result] pairs: the copy's and the component's must be equal. */
function table<I extends unknown[], O>(f: (...args: I) => O, inputs: I[]): [I, O][] {
    return inputs.map((i) => [i, f(...i)]);
}

const VERSIONS: [string, string][] = [
    ["2.54.0", "2.54.0"], ["2.53.9", "2.54.0"], ["2.56.0", "2.54.0"], ["2.10.0", "2.9.1"], ["2.54", "2.54.0"],
    ["3", "2.99.99"], ["2.54.0rc1", "2.54.0"], ["", "0"], ["2.x.1", "2.0.1"], ["10.0.0", "9.10.10"],
];

describe("the policy pack's copies of the components' facts", () => {
    it("exports the same names as the modules they copy", () => {
        assert.deepEqual(Object.keys(packDemand).sort(), Object.keys(componentDemand).sort());
        assert.deepEqual(Object.keys(packCatalog).sort(), Object.keys(componentCatalog).sort());
        assert.deepEqual(Object.keys(packCatalog).sort(), ["GPU_INSTANCE_FAMILIES", "familyOfInstanceType", "gpusOfInstanceType", "instanceSizeOf", "instanceTypesOf"]);
        assert.deepEqual(Object.keys(packDemand).sort(), ["DEFAULT_UPGRADE_STRATEGY", "NO_GPU_DEMAND", "clustersDuringUpgrade", "gpuDemand", "sumGpuDemand"]);
    });

    it("holds the components' values: the GPU resource, the oldest Ray allowed, the GPU catalogue, KubeRay's default upgrade strategy", () => {
        assert.equal(GPU_RESOURCE, "nvidia.com/gpu");
        assert.equal(GPU_RESOURCE, COMPONENT_GPU_RESOURCE);
        assert.equal(MIN_RAY_VERSION, "2.54.0");
        assert.equal(MIN_RAY_VERSION, COMPONENT_MIN_RAY_VERSION);
        assert.deepEqual(packCatalog.GPU_INSTANCE_FAMILIES, componentCatalog.GPU_INSTANCE_FAMILIES);
        assert.deepEqual(Object.keys(packCatalog.GPU_INSTANCE_FAMILIES), ["g5", "g6", "g6e", "p4d", "p4de", "p5", "p5e", "p5en"]);
        assert.deepEqual(packCatalog.GPU_INSTANCE_FAMILIES.g6e.sizes["12xlarge"], { gpus: 4, vcpus: 48, memoryGiB: 384 });
        assert.equal(packDemand.DEFAULT_UPGRADE_STRATEGY, "NewCluster");
        assert.equal(packDemand.DEFAULT_UPGRADE_STRATEGY, componentDemand.DEFAULT_UPGRADE_STRATEGY);
        assert.deepEqual(packDemand.NO_GPU_DEMAND, { maxGpus: 0, idleGpus: 0, upgradeGpus: 0 });
        assert.deepEqual(packDemand.NO_GPU_DEMAND, componentDemand.NO_GPU_DEMAND);
    });

    it("compares versions as the components do", () => {
        const results = table(compareVersions, VERSIONS).map(([[a, b], r]) => `${a} ${Math.sign(r) < 0 ? "<" : Math.sign(r) > 0 ? ">" : "="} ${b}`);
        assert.deepEqual(results, [
            "2.54.0 = 2.54.0", "2.53.9 < 2.54.0", "2.56.0 > 2.54.0", "2.10.0 > 2.9.1", "2.54 = 2.54.0",
            "3 > 2.99.99", "2.54.0rc1 = 2.54.0", " = 0", "2.x.1 = 2.0.1", "10.0.0 > 9.10.10",
        ]);
        assert.deepEqual(table(compareVersions, VERSIONS), table(componentCompareVersions, VERSIONS));
    });

    it("reads the catalogue as the components do, for every catalogued type and for types it does not know", () => {
        const types: [string][] = [
            ...packCatalog.instanceTypesOf(Object.keys(packCatalog.GPU_INSTANCE_FAMILIES)).map((t): [string] => [t]),
            ["g6e.3xlarge"], ["m7i.xlarge"], ["g6e"], [""], ["p5.48xlarge.extra"],
        ];
        assert.equal(types.length, 35);
        for (const f of ["familyOfInstanceType", "instanceSizeOf", "gpusOfInstanceType"] as const) {
            assert.deepEqual(table(packCatalog[f] as (t: string) => unknown, types), table(componentCatalog[f] as (t: string) => unknown, types), f);
        }
        assert.deepEqual(["g6e.12xlarge", "p5.4xlarge", "g6e.3xlarge", "m7i.xlarge"].map((t) => packCatalog.gpusOfInstanceType(t)), [4, 1, undefined, undefined]);
        const families: [string[]][] = [[["g6"]], [["p5", "p5e"]], [["g6e", "unknown"]], [[]]];
        assert.deepEqual(table(packCatalog.instanceTypesOf, families), table(componentCatalog.instanceTypesOf, families));
        assert.deepEqual(packCatalog.instanceTypesOf(["p5", "p5e"]), ["p5.4xlarge", "p5.48xlarge", "p5e.48xlarge"]);
    });

    it("computes GPU demand as the components do", () => {
        const groups = [
            { gpusPerPod: 1, minReplicas: 0, maxReplicas: 2 },
            { gpusPerPod: 4, minReplicas: 1, maxReplicas: 3 },
            { gpusPerPod: 8, minReplicas: 2, maxReplicas: 2 },
        ];
        const inputs: [typeof groups, string | undefined][] = [
            [[], undefined], [groups.slice(0, 1), undefined], [groups, "NewCluster"], [groups, "None"], [groups.slice(1), "IncrementalUpgrade"], [groups, undefined],
        ];
        assert.deepEqual(table(packDemand.gpuDemand, inputs).map(([, d]) => d), [
            { maxGpus: 0, idleGpus: 0, upgradeGpus: 0 },
            { maxGpus: 2, idleGpus: 0, upgradeGpus: 4 },
            { maxGpus: 30, idleGpus: 20, upgradeGpus: 60 },
            { maxGpus: 30, idleGpus: 20, upgradeGpus: 30 },
            { maxGpus: 28, idleGpus: 20, upgradeGpus: 28 },
            { maxGpus: 30, idleGpus: 20, upgradeGpus: 60 },
        ]);
        assert.deepEqual(table(packDemand.gpuDemand, inputs), table(componentDemand.gpuDemand, inputs));
        const strategies: [string | undefined][] = [[undefined], ["NewCluster"], ["None"], ["IncrementalUpgrade"], [""]];
        assert.deepEqual(table(packDemand.clustersDuringUpgrade, strategies).map(([, n]) => n), [2, 2, 1, 1, 1]);
        assert.deepEqual(table(packDemand.clustersDuringUpgrade, strategies), table(componentDemand.clustersDuringUpgrade, strategies));
        const demands = inputs.map(([g, s]) => packDemand.gpuDemand(g, s));
        const sums: [packDemand.GpuDemand[]][] = [[[]], [demands.slice(0, 1)], [demands]];
        assert.deepEqual(table(packDemand.sumGpuDemand, sums).map(([, d]) => d), [
            { maxGpus: 0, idleGpus: 0, upgradeGpus: 0 },
            { maxGpus: 0, idleGpus: 0, upgradeGpus: 0 },
            { maxGpus: 120, idleGpus: 80, upgradeGpus: 182 },
        ]);
        assert.deepEqual(table(packDemand.sumGpuDemand, sums), table(componentDemand.sumGpuDemand, sums));
    });
});

/** The constructor arguments of a resource class. */
type ArgsOf<C> = C extends new (name: string, args: infer A, ...rest: never[]) => unknown ? A : never;
/** Compiles only when the SDK's arguments, inputs resolved, are assignable to the stand-in's: every field the stand-in declares has the SDK's type. */
type SdkFits<Sdk, StandIn> = pulumi.Unwrap<NonNullable<Sdk>> extends StandIn ? true : never;
const SDK_FITS: true[] = [
    true satisfies SdkFits<k8sSdk.core.v1.ServiceArgs, ArgsOf<typeof k8s.core.v1.Service>>,
    true satisfies SdkFits<k8sSdk.networking.v1.IngressArgs, ArgsOf<typeof k8s.networking.v1.Ingress>>,
    true satisfies SdkFits<awsSdk.ec2.SecurityGroupRuleArgs, ArgsOf<typeof aws.ec2.SecurityGroupRule>>,
    true satisfies SdkFits<awsSdk.ec2.SecurityGroupArgs, ArgsOf<typeof aws.ec2.SecurityGroup>>,
    true satisfies SdkFits<awsSdk.vpc.SecurityGroupIngressRuleArgs, ArgsOf<typeof aws.vpc.SecurityGroupIngressRule>>,
];

describe("the policy pack's stand-ins for the cloud SDKs' resource classes (policy/resource-types.ts)", () => {
    const pairs: [string, { __pulumiType: string }, unknown][] = [
        ["k8s.core.v1.Service", k8s.core.v1.Service, k8sSdk.core.v1.Service],
        ["k8s.networking.v1.Ingress", k8s.networking.v1.Ingress, k8sSdk.networking.v1.Ingress],
        ["aws.ec2.SecurityGroupRule", aws.ec2.SecurityGroupRule, awsSdk.ec2.SecurityGroupRule],
        ["aws.ec2.SecurityGroup", aws.ec2.SecurityGroup, awsSdk.ec2.SecurityGroup],
        ["aws.vpc.SecurityGroupIngressRule", aws.vpc.SecurityGroupIngressRule, awsSdk.vpc.SecurityGroupIngressRule],
    ];

    it("carry the SDK classes' Pulumi types, the only thing @pulumi/policy reads of a class", () => {
        assert.deepEqual(pairs.map(([name, standIn]) => `${name} ${standIn.__pulumiType}`), [
            "k8s.core.v1.Service kubernetes:core/v1:Service",
            "k8s.networking.v1.Ingress kubernetes:networking.k8s.io/v1:Ingress",
            "aws.ec2.SecurityGroupRule aws:ec2/securityGroupRule:SecurityGroupRule",
            "aws.ec2.SecurityGroup aws:ec2/securityGroup:SecurityGroup",
            "aws.vpc.SecurityGroupIngressRule aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
        ]);
        assert.deepEqual(pairs.map(([, standIn]) => standIn.__pulumiType), pairs.map(([, , sdk]) => (sdk as { __pulumiType: string }).__pulumiType));
        // The SDKs' argument types fit the stand-ins' (checked when this file compiles).
        assert.equal(SDK_FITS.length, pairs.length);
    });

    it("make validateResourceOfType check what the SDK class would: its own type, and n/a for every other", async () => {
        for (const [name, standIn, sdk] of pairs) {
            const seen: string[] = [];
            const withStandIn = validateResourceOfType(standIn as typeof k8s.core.v1.Service, (props) => void seen.push(`stand-in ${JSON.stringify(props)}`));
            const withSdk = validateResourceOfType(sdk as typeof k8sSdk.core.v1.Service, (props) => void seen.push(`sdk ${JSON.stringify(props)}`));
            const run = (type: string): string[] => [withStandIn, withSdk].map((v) => {
                const args = {
                    type, props: { a: 1 },
                    isType: (c: { __pulumiType?: string }) => c.__pulumiType === type,
                    notApplicable: (reason: string) => {
                        throw new Error(reason);
                    },
                };
                try {
                    void v(args as never, () => undefined);
                    return "ran";
                } catch (e) {
                    return (e as Error).message;
                }
            });
            assert.deepEqual(run(standIn.__pulumiType), ["ran", "ran"], name);
            assert.deepEqual(run("kubernetes:core/v1:ConfigMap"), [`Policy only applies to resources of type '${standIn.__pulumiType}'`, `Policy only applies to resources of type '${standIn.__pulumiType}'`], name);
            assert.deepEqual(seen, [`stand-in {"a":1}`, `sdk {"a":1}`], name);
        }
    });
});
