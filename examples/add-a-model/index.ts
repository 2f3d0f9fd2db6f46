/**
 * A team's own stack: one more model, in its own namespace, on the cluster a platform team runs
 * with ray-vllm-eks (its `dev`, `staging` or `prod` stack). The platform's GPU NodePools, KubeRay
 * operator and monitoring serve it; this stack adds only a RayService, its Secret-free config and
 * its NetworkPolicies.
 *
 *   npm install ray-vllm-eks @pulumi/pulumi @pulumi/kubernetes
 *   pulumi config set platformStack <org>/ray-vllm-eks/prod
 *   pulumi up
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { VllmRayService } from "ray-vllm-eks";

const config = new pulumi.Config();
const platform = new pulumi.StackReference(config.require("platformStack"));

// Deploy through the platform cluster's kubeconfig, never the ambient one.
const provider = new k8s.Provider("platform", {
    kubeconfig: platform.requireOutput("kubeconfig") as pulumi.Output<string>,
    enableServerSideApply: true,
});

// Qwen 2.5 7B on one L40S; it scales to zero when the team is not using it. Its namespace's
// NetworkPolicies admit Prometheus from the platform's monitoring namespace.
const service = new VllmRayService("team-a", {
    namespace: "team-a-llm",
    models: [{
        name: "team-a-qwen-7b",
        source: "Qwen/Qwen2.5-7B-Instruct",
        accelerator: "g6e.xlarge",
        minReplicas: 0,
        maxReplicas: config.getNumber("modelMaxReplicas") ?? 2,
    }],
    upgradeStrategy: "NewCluster",
    prometheusNamespace: platform.requireOutput("monitoringNamespace") as pulumi.Output<string>,
}, { provider });

export const rayService = service.serviceName;
export const endpoint = pulumi.interpolate`http://${service.serveServiceName}.${service.namespace}.svc:8000/v1`;
export const models = service.modelNames;
export const maxGpus = service.upgradeGpus;
