import * as assert from "node:assert/strict";
import { ResourceValidationPolicy } from "@pulumi/policy";

import { preview, violationsOf } from "./support/policy";

import { allPolicies } from "../policy/policies";

const { unknownCheckingProxy, UnknownValueError, unknownObjectValue, unknownArrayValue, unknownStringValue } = preview;

/** For each resource policy, a resource of its kind whose deciding values are unknown during preview. */
const PREVIEW: Record<string, { type: string; props: Record<string, unknown> }[]> = {
    "gpu-nodepool-limit": [{ type: "kubernetes:karpenter.sh/v1:NodePool", props: { spec: unknownObjectValue } }],
    "gpu-nodepool-taint": [{ type: "kubernetes:karpenter.sh/v1:NodePool", props: { spec: { limits: { "nvidia.com/gpu": "4" }, template: unknownObjectValue } } }],
    "gpu-instance-families": [{ type: "kubernetes:karpenter.sh/v1:NodePool", props: { spec: { limits: { "nvidia.com/gpu": "4" }, template: { spec: { requirements: unknownArrayValue } } } } }],
    "gpu-container-limits": [{ type: "kubernetes:apps/v1:Deployment", props: { spec: { template: { spec: { containers: unknownArrayValue } } } } }],
    "ray-ports-not-exposed": [{ type: "kubernetes:core/v1:Service", props: { spec: { type: "LoadBalancer", ports: unknownArrayValue } } }],
    "ray-head-service-internal": [{ type: "kubernetes:ray.io/v1:RayService", props: { spec: { rayClusterConfig: { headGroupSpec: { serviceType: unknownStringValue } } } } }],
    "ray-dashboard-ingress": [{ type: "kubernetes:networking.k8s.io/v1:Ingress", props: { spec: { rules: unknownArrayValue } } }],
    "serve-port-exposure": [{ type: "kubernetes:core/v1:Service", props: { metadata: { annotations: unknownObjectValue }, spec: { type: "LoadBalancer", ports: [{ name: "serve", port: 443 }] } } }],
    "no-open-security-group-rules": [{ type: "aws:ec2/securityGroupRule:SecurityGroupRule", props: { type: "ingress", fromPort: 8265, toPort: 8265, protocol: "tcp", cidrBlocks: unknownArrayValue } }],
    "eks-public-endpoint-restricted": [
        { type: "aws:eks/cluster:Cluster", props: { vpcConfig: unknownObjectValue } },
        { type: "eks:index:Cluster", props: { name: "c", publicAccessCidrs: unknownArrayValue } },
    ],
    "eks-secrets-encryption": [
        { type: "aws:eks/cluster:Cluster", props: { encryptionConfig: unknownObjectValue } },
        { type: "eks:index:Cluster", props: { name: "c", encryptionConfigKeyArn: unknownStringValue } },
    ],
    "eks-control-plane-logging": [
        { type: "eks:index:Cluster", props: { enabledClusterLogTypes: unknownArrayValue } },
        { type: "aws:eks/cluster:Cluster", props: { enabledClusterLogTypes: unknownArrayValue } },
    ],
    "nodes-require-imdsv2": [
        { type: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", props: { spec: { metadataOptions: unknownObjectValue } } },
        { type: "aws:ec2/launchTemplate:LaunchTemplate", props: { metadataOptions: unknownObjectValue } },
        { type: "aws:ec2/launchTemplate:LaunchTemplate", props: { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: unknownStringValue } } },
        { type: "aws:eks/nodeGroup:NodeGroup", props: { launchTemplate: unknownObjectValue } },
        { type: "eks:index:ManagedNodeGroup", props: { launchTemplate: unknownObjectValue } },
    ],
    "helm-values-exposure": [
        { type: "kubernetes:helm.sh/v3:Release", props: { chart: "kube-prometheus-stack", values: unknownObjectValue } },
        { type: "kubernetes:helm.sh/v3:Release", props: { chart: "grafana", values: { service: { type: "LoadBalancer" }, "grafana.ini": unknownObjectValue } } },
        { type: "kubernetes:helm.sh/v4:Chart", props: { chart: unknownStringValue, values: { service: { type: "LoadBalancer" } } } },
        { type: "kubernetes:helm.sh/v3:Release", props: { chart: "kuberay-apiserver", values: { service: { type: "NodePort" }, security: unknownObjectValue } } },
    ],
    "ray-minimum-version": [{ type: "kubernetes:ray.io/v1:RayService", props: { spec: { rayClusterConfig: { rayVersion: unknownStringValue } } } }],
    "no-latest-image-tags": [{ type: "kubernetes:apps/v1:Deployment", props: { spec: { template: { spec: { containers: [{ name: "app", image: unknownStringValue }] } } } } }],
    "no-literal-secrets-in-env": [{ type: "kubernetes:apps/v1:Deployment", props: { spec: { template: { spec: { containers: [{ name: "app", env: unknownArrayValue }] } } } } }],
};

describe("policies during preview, with unknown values", () => {
    const resourcePolicies = allPolicies.filter((p): p is ResourceValidationPolicy => "validateResource" in p);

    it("covers every resource policy", () => {
        assert.deepEqual(resourcePolicies.map((p) => p.name).filter((n) => !(n in PREVIEW)), []);
    });

    for (const policy of resourcePolicies) {
        it(`${policy.name} reports nothing false: it leaves an unknown value to the engine`, async () => {
            for (const r of PREVIEW[policy.name] ?? []) {
                let reported: string[] = [];
                try {
                    reported = await violationsOf(policy, { ...r, props: unknownCheckingProxy(r.props) });
                } catch (e) {
                    assert.ok(e instanceof UnknownValueError, `${policy.name} threw ${String(e)}`);
                    continue;
                }
                assert.deepEqual(reported, [], `${policy.name} must not decide on an unknown value`);
            }
        });
    }
});
