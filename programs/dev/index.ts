/**
 * dev: the cheapest safe environment. One small cluster; later components add the GPU node
 * pool, KubeRay, one small model that scales to zero, and monitoring.
 */
import * as pulumi from "@pulumi/pulumi";

import { LlmCluster } from "../../components/cluster";
import { clusterArgsFromConfig } from "../config";

const config = new pulumi.Config();

const cluster = new LlmCluster("llm", clusterArgsFromConfig(config, {
    "environment": pulumi.getStack(),
    "managed-by": "pulumi",
    "project": "ray-vllm-eks",
}));

export const kubeconfig = cluster.kubeconfig;
export const clusterName = cluster.clusterName;
export const vpcId = cluster.vpcId;
export const privateSubnetIds = cluster.privateSubnetIds;
export const nodeRoleName = cluster.nodeRoleName;
export const interruptionQueueName = cluster.interruptionQueueName;
