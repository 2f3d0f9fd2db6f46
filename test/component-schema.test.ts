/**
 * The multi-language package schema: runs Pulumi's component analyzer in-process, the way
 * `pulumi package add <this repo>` does (the nodejs plugin host requires the package, collects
 * its exported ComponentResource classes, and a ComponentProvider analyzes the TypeScript sources
 * for GetSchema), and checks every component with its documented inputs and outputs.
 */
import * as assert from "node:assert/strict";
import * as path from "path";

import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";

import * as entry from "../index";
import { MODEL_CONFIG_FIELDS } from "../programs/models";
import { PACKAGE_NAME, packageSchema } from "../scripts/schema";

const ROOT = path.resolve(__dirname, "..");
const NAME = PACKAGE_NAME;

interface Property { type?: string; $ref?: string; description?: string; plain?: boolean; items?: Property; additionalProperties?: Property }
interface Resource { description?: string; inputProperties: Record<string, Property>; requiredInputs: string[]; properties: Record<string, Property>; required: string[] }
interface Schema { name: string; version: string; resources: Record<string, Resource>; types: Record<string, { properties?: Record<string, Property>; required?: string[] }> }

/** The components and their inputs and outputs, as documented (README / args.ts). */
const EXPECTED: Record<string, { inputs: string[]; requiredInputs: string[]; outputs: string[] }> = {
    LlmCluster: {
        inputs: ["clusterName", "kubernetesVersion", "vpcCidr", "availabilityZoneCount", "natGateways", "endpointPublicAccessCidrs",
            "allowPublicEndpointFromAnywhere", "endpointPrivateAccessCidrs", "endpointPrivateAccessSecurityGroupIds", "accessEntries", "storageReclaimPolicy", "systemNodeInstanceTypes", "systemNodeMinSize", "systemNodeDesiredSize", "systemNodeMaxSize",
            "systemNodeDiskSizeGiB", "controlPlaneLogRetentionDays", "deletionProtection", "karpenterVersion", "karpenterNamespace",
            "karpenterControllerCpu", "karpenterControllerMemory", "ebsCsiDriver", "loadBalancerController", "loadBalancerControllerVersion", "supportType", "tags"],
        requiredInputs: [],
        outputs: ["kubeconfig", "clusterName", "kubernetesVersion", "vpcId", "privateSubnetIds", "publicSubnetIds", "clusterSecurityGroupId",
            "nodeRoleName", "nodeRoleArn", "discoveryTag", "interruptionQueueName", "karpenterNamespace"],
    },
    GpuNodePool: {
        inputs: ["clusterName", "nodeRoleName", "pools", "amiAlias", "volumeSizeGiB", "volumeIops", "volumeThroughput", "instanceStoreRaid0",
            "installDevicePlugin", "devicePluginVersion", "tags"],
        requiredInputs: ["clusterName", "nodeRoleName", "pools"],
        outputs: ["nodeClassName", "nodePoolNames", "totalGpuLimit", "nodeLabels"],
    },
    KubeRayOperator: {
        inputs: ["namespace", "version", "featureGates", "watchNamespaces", "cpuRequest", "cpuLimit", "memory", "retainCrdsOnDelete"],
        requiredInputs: [],
        outputs: ["namespace", "version"],
    },
    MonitoringStack: {
        inputs: ["namespace", "chartVersion", "dcgmExporterVersion", "rayNamespaces", "karpenterNamespace", "retention", "storageClassName",
            "storageSizeGiB", "retainVolumeOnDelete", "grafanaAdminSecretName", "alertmanagerConfigSecretName", "errorRatioThreshold", "p99LatencySecondsThreshold",
            "queueDepthThreshold", "kvCacheUsageThreshold", "runbookBaseUrl"],
        requiredInputs: [],
        outputs: ["namespace", "prometheusUrl", "grafanaUrl", "alertmanagerUrl", "dashboardUids", "alertNames"],
    },
    GcsRedis: {
        inputs: ["vpcId", "subnetIds", "clientSecurityGroupIds", "authToken", "engine", "engineVersion", "nodeType", "nodes", "snapshotRetentionDays", "kmsKeyArn",
            "deletionProtection", "finalSnapshot", "tags"],
        requiredInputs: ["clientSecurityGroupIds", "subnetIds", "vpcId"],
        outputs: ["address", "replicationGroupId", "securityGroupId", "authToken"],
    },
    VllmRayService: {
        inputs: ["models", "namespace", "serviceName", "image", "rayVersion", "huggingFaceToken", "huggingFaceTokenSecretName",
            "huggingFaceTokenSecretKey", "serviceAccountName", "modelCacheSizeGiB", "modelCachePvcName", "exposeServe", "serveTlsCertificateArn",
            "serveAllowPlaintext", "serveInternetFacing", "serveAllowedCidrs", "upgradeStrategy", "restartGeneration", "redisAddress", "redisPassword", "redisPasswordSecretName",
            "redisPasswordSecretKey", "cpuWorkerCpu", "cpuWorkerMemory", "cpuWorkerMaxReplicas", "headCpu", "headMemory", "serveClientNamespaces",
            "serveClientCidrs", "kubeRayOperatorNamespace", "prometheusNamespace", "grafanaUrl", "grafanaBrowserUrl", "prometheusUrl",
            "dashboardIngress"],
        requiredInputs: ["models"],
        outputs: ["serviceName", "namespace", "serveServiceName", "headServiceName", "modelNames", "maxGpus", "idleGpus", "upgradeGpus", "servingCapacity"],
    },
};

/** A description the analyzer cut short or mangled: a JSDoc tag mid-sentence ("an @pulumi/eks"), or {@link}. */
function badDescription(d: string | undefined): string | undefined {
    if (d === undefined || d.trim() === "") {
        return "missing";
    }
    if (d.includes("[object Object]")) {
        return `mangled by {@link}: ${JSON.stringify(d)}`;
    }
    if (!/[.)]$/.test(d.trim())) {
        return `cut short (a JSDoc @tag mid-sentence?): ${JSON.stringify(d)}`;
    }
    return undefined;
}

describe("component package schema (pulumi package add)", function () {
    this.timeout(180_000); // parsing @pulumi/aws's declarations takes most of it (about 10 s)

    let schema: Schema;
    before(async () => {
        // In this process: what the plugin host serves (ComponentProvider over the exported components).
        schema = JSON.parse(await packageSchema(ROOT)) as Schema;
    });

    it("exports exactly the six components", () => {
        const exported = getPulumiComponents(entry).map((c) => c.name).sort();
        assert.deepEqual(exported, Object.keys(EXPECTED).sort());
        assert.equal(schema.name, NAME);
        assert.deepEqual(Object.keys(schema.resources).sort(), Object.keys(EXPECTED).map((c) => `${NAME}:index:${c}`).sort());
    });

    for (const [component, want] of Object.entries(EXPECTED)) {
        describe(component, () => {
            const resource = (): Resource => schema.resources[`${NAME}:index:${component}`];

            it("has its inputs, required inputs and outputs", () => {
                assert.deepEqual(Object.keys(resource().inputProperties).sort(), [...want.inputs].sort());
                assert.deepEqual(resource().requiredInputs, [...want.requiredInputs].sort());
                assert.deepEqual(Object.keys(resource().properties).sort(), [...want.outputs].sort());
                assert.deepEqual(resource().required, [...want.outputs].sort(), "every output is always set");
            });

            it("documents the component and every input and output", () => {
                const problems = [
                    [`${component}`, badDescription(resource().description)],
                    ...Object.entries(resource().inputProperties).map(([k, p]) => [`${component} input ${k}`, badDescription(p.description)]),
                    ...Object.entries(resource().properties).map(([k, p]) => [`${component} output ${k}`, badDescription(p.description)]),
                ].filter(([, why]) => why !== undefined).map(([where, why]) => `${where}: ${why}`);
                assert.deepEqual(problems, []);
            });
        });
    }

    it("gives ModelArgs the fields and JSON types of the stack's models config (programs/models.ts), which adds pool", () => {
        const fields = Object.entries(schema.types[`${NAME}:index:ModelArgs`].properties ?? {}).map(([k, p]) => [k, (p as { type?: string }).type]);
        const config = Object.entries(MODEL_CONFIG_FIELDS).filter(([k]) => k !== "pool");
        assert.deepEqual(Object.fromEntries(fields.sort()), Object.fromEntries(config.sort()));
    });

    it("types and describes inputs as the TypeScript sources do", () => {
        const vllm = schema.resources[`${NAME}:index:VllmRayService`];
        // Models are plain values: their sizes are checked when the program runs.
        assert.deepEqual(vllm.inputProperties.models.items, { $ref: `#/types/${NAME}:index:ModelArgs`, plain: true });
        assert.equal(vllm.inputProperties.models.description, "The models, each one a Ray Serve LLM deployment behind the same OpenAI-compatible endpoint.");
        assert.equal(vllm.inputProperties.dashboardIngress.$ref, `#/types/${NAME}:index:RayDashboardIngressArgs`);
        assert.equal(schema.types[`${NAME}:index:ModelArgs`].required?.join(","), "accelerator,name,source");
        const redis = schema.resources[`${NAME}:index:GcsRedis`];
        assert.equal(redis.properties.address.type, "string");
        assert.equal(redis.inputProperties.nodes.type, "number");
        const cluster = schema.resources[`${NAME}:index:LlmCluster`];
        assert.match(cluster.description ?? "", /^An EKS cluster ready to serve LLMs: an awsx VPC, an `@pulumi\/eks` cluster/);
        assert.equal(cluster.properties.privateSubnetIds.type, "array");
        assert.equal(cluster.inputProperties.accessEntries.items?.$ref, `#/types/${NAME}:index:ClusterAccessEntryArgs`);
        assert.equal(schema.types[`${NAME}:index:ClusterAccessEntryArgs`].required?.join(","), "access,name,principalArn");
        assert.equal(cluster.inputProperties.deletionProtection.type, "boolean");
    });

    it("documents every property of the nested types", () => {
        assert.deepEqual(Object.keys(schema.types).sort(),
            ["ClusterAccessEntryArgs", "DisruptionBudgetArgs", "FeatureGateArgs", "GpuPoolArgs", "ModelArgs", "RayDashboardIngressArgs"].map((t) => `${NAME}:index:${t}`));
        const problems = Object.entries(schema.types).flatMap(([t, def]) => Object.entries(def.properties ?? {})
            .map(([k, p]) => [`${t}.${k}`, badDescription(p.description)])
            .filter(([, why]) => why !== undefined).map(([where, why]) => `${where}: ${why}`));
        assert.deepEqual(problems, []);
    });
});
