import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { childDependsOn, withDefaults } from "../common/args";
import { gpuDemand } from "../common/gpu-demand";
import { checkKubernetesProvider, throwIfInvalid } from "../common/validation";
import { SYSTEM_NODE_LABELS } from "../common/labels";
import { RAY_KINDS, RAY_PORT_TABLE, rayContainerPorts } from "../common/ray";
import { GPU_NODE_LABELS, GPU_RESOURCE, GPU_TOLERATION } from "../gpu-nodepool";
import { instanceSizeOf } from "../gpu-nodepool/catalog";
import { dashboardSignIn, ResolvedModel, ResolvedServiceArgs, resolveModel, validateVllmServiceArgs, vllmServiceDefaults, vllmServiceNotes, vllmServiceWarnings, VllmRayServiceArgs } from "./args";
import { LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT } from "../cluster/load-balancer-controller";
import { dashboardIngressSpec, rayNetworkPolicies } from "./network";
import { CPU_WORKER_GROUP, cpuGroupResources, gpuGroupResources, rayStartResources, workerGroups } from "./placement";
import { serveConfigV2 } from "./serve";
import { servingCapacityLine, workerPodSize } from "./sizing";

export * from "../common/gpu-demand";
export * from "./args";
export * from "./network";
export * from "./placement";
export * from "./serve";
export * from "./sizing";

/** The pods' annotation that carries VllmRayService's restartGeneration. */
export const RESTART_GENERATION_ANNOTATION = "ray-vllm-eks.io/restart-generation";

/** Where the model cache is mounted; HF_HOME points there. */
export const MODEL_CACHE_PATH = "/data/model-cache";

/**
 * Ray's ports on the head, with the names KubeRay expects (`RAY_PORT_TABLE`'s): all but the
 * dashboard agent's, which KubeRay probes by number. The autoscaler's and the dashboard's own
 * metrics are scraped by MonitoringStack's PodMonitor, by these names.
 */
export const HEAD_PORTS = rayContainerPorts(["gcs", "dashboard", "client", "serve", "metrics", "autoscalerMetrics", "dashboardMetrics"]);

function tokenEnv(secretName: pulumi.Input<string> | undefined, key: string): Record<string, unknown>[] {
    if (secretName === undefined) {
        return [];
    }
    return [{ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: secretName, key } } }];
}

/**
 * The CA bundle of the image (Ubuntu's) that the GCS verifies a `rediss://` Redis with: Ray links its
 * own OpenSSL, whose default paths miss it, so TLS to ElastiCache fails without it (ray#41161).
 */
export const REDIS_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** Where the Ray dashboard finds Grafana and Prometheus, so it embeds their graphs. */
export function dashboardEnv(a: ResolvedServiceArgs): Record<string, unknown>[] {
    const env: Record<string, unknown>[] = [];
    if (a.grafanaUrl !== undefined) {
        env.push({ name: "RAY_GRAFANA_HOST", value: a.grafanaUrl }, { name: "RAY_GRAFANA_IFRAME_HOST", value: a.grafanaBrowserUrl });
    }
    if (a.prometheusUrl !== undefined) {
        env.push({ name: "RAY_PROMETHEUS_HOST", value: a.prometheusUrl });
    }
    return env;
}

/** The RayService spec. */
export function rayServiceSpec(a: ResolvedServiceArgs, models: ResolvedModel[], tokenSecretName: pulumi.Input<string> | undefined): Record<string, unknown> {
    const env = [{ name: "HF_HOME", value: MODEL_CACHE_PATH }, ...tokenEnv(tokenSecretName, a.huggingFaceTokenSecretKey)];
    const volumes = [a.modelCachePvcName !== undefined
        ? { name: "model-cache", persistentVolumeClaim: { claimName: a.modelCachePvcName } }
        : { name: "model-cache", emptyDir: { sizeLimit: `${a.modelCacheSizeGiB}Gi` } }];
    const volumeMounts = [{ name: "model-cache", mountPath: MODEL_CACHE_PATH }];
    const serviceAccount = a.serviceAccountName !== undefined ? { serviceAccountName: a.serviceAccountName } : {};
    // Every pod of the cluster carries the generation, so raising it changes the cluster's spec.
    const restart: Record<string, string> = a.restartGeneration > 0 ? { [RESTART_GENERATION_ANNOTATION]: String(a.restartGeneration) } : {};
    const metadata = (annotations: Record<string, string>): Record<string, unknown> =>
        (Object.keys(annotations).length > 0 ? { metadata: { annotations } } : {});
    const rayClusterConfig: Record<string, unknown> = {
        rayVersion: a.rayVersion,
        // Ray token authentication: the dashboard, Jobs API and GCS require the token KubeRay generates.
        authOptions: { mode: "token" },
        enableInTreeAutoscaling: true,
        autoscalerOptions: { version: "v2", idleTimeoutSeconds: 300, upscalingMode: "Default" },
        headGroupSpec: {
            serviceType: "ClusterIP",
            // The head runs no tasks or replicas: all GPU work lands on workers.
            rayStartParams: { "num-cpus": "0" },
            template: {
                ...metadata({ "karpenter.sh/do-not-disrupt": "true", ...restart }),
                spec: {
                    ...serviceAccount,
                    nodeSelector: { ...SYSTEM_NODE_LABELS },
                    containers: [{
                        name: "ray-head",
                        image: a.image,
                        ports: HEAD_PORTS.map((p) => ({ ...p })),
                        env: [...env, ...dashboardEnv(a), ...(a.redisAddress !== undefined ? [{ name: "RAY_REDIS_CA_CERT", value: REDIS_CA_BUNDLE }] : [])],
                        resources: {
                            requests: { cpu: a.headCpu, memory: a.headMemory },
                            limits: { memory: a.headMemory },
                        },
                        volumeMounts,
                    }],
                    volumes,
                },
            },
        },
        workerGroupSpecs: [{
            // Serve's OpenAI ingress runs here, on the system nodes, and nowhere else: it asks for this
            // group's mark (placement.ts), so no GPU node is held up by it and every model can scale to zero.
            groupName: CPU_WORKER_GROUP,
            replicas: 1,
            minReplicas: 1,
            maxReplicas: a.cpuWorkerMaxReplicas,
            rayStartParams: { resources: rayStartResources(cpuGroupResources()) },
            template: {
                ...metadata(restart),
                spec: {
                    ...serviceAccount,
                    nodeSelector: { ...SYSTEM_NODE_LABELS },
                    containers: [{
                        name: "ray-worker",
                        image: a.image,
                        env,
                        resources: {
                            requests: { cpu: a.cpuWorkerCpu, memory: a.cpuWorkerMemory },
                            limits: { memory: a.cpuWorkerMemory },
                        },
                    }],
                },
            },
        }, ...workerGroups(models).map((g) => {
            const size = instanceSizeOf(g.accelerator)!;
            // A worker takes its node: what the node can allocate, less room for daemonsets.
            const pod = workerPodSize(size.vcpus, size.memoryGiB);
            const resources = { [GPU_RESOURCE]: String(g.gpusPerNode), cpu: String(pod.cpu), memory: `${pod.memoryMiB}Mi` };
            const requests = a.modelCachePvcName === undefined ? { ...resources, "ephemeral-storage": `${a.modelCacheSizeGiB}Gi` } : resources;
            return {
                groupName: g.groupName,
                replicas: g.minReplicas,
                minReplicas: g.minReplicas,
                maxReplicas: g.maxReplicas,
                // The group's mark (one per GPU) and its GPU's accelerator type, declared so the
                // autoscaler can scale this group up from zero for the models whose bundles ask for them.
                rayStartParams: { resources: rayStartResources(gpuGroupResources(g)) },
                template: {
                    ...metadata(restart),
                    spec: {
                        ...serviceAccount,
                        nodeSelector: { ...GPU_NODE_LABELS, "node.kubernetes.io/instance-type": g.accelerator },
                        tolerations: [{ ...GPU_TOLERATION }],
                        containers: [{
                            name: "ray-worker",
                            image: a.image,
                            env,
                            resources: { requests, limits: resources },
                            volumeMounts,
                        }],
                        volumes,
                    },
                },
            };
        })],
    };
    if (a.redisAddress !== undefined) {
        rayClusterConfig.gcsFaultToleranceOptions = {
            redisAddress: a.redisAddress,
            ...(a.redisPasswordSecretName !== undefined
                ? { redisPassword: { valueFrom: { secretKeyRef: { name: a.redisPasswordSecretName, key: a.redisPasswordSecretKey } } } }
                : {}),
        };
    }
    return {
        upgradeStrategy: { type: a.upgradeStrategy },
        serveConfigV2: serveConfigV2(models),
        rayClusterConfig,
        ...(a.exposeServe ? { serveService: serveLoadBalancer(a) } : {}),
    };
}

/** The TLS policy of the serve load balancer's listener: TLS 1.3 and 1.2 only. */
export const SERVE_TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * The Service KubeRay creates for Serve, as an AWS Network Load Balancer: internal unless asked
 * otherwise, TLS on 443 terminated with the given certificate, open only to the allowed CIDRs.
 * KubeRay keeps its selector on the active cluster across upgrades.
 */
export function serveLoadBalancer(a: ResolvedServiceArgs): Record<string, unknown> {
    const tls = a.serveTlsCertificateArn !== undefined;
    const annotations: Record<string, pulumi.Input<string>> = {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": a.serveInternetFacing ? "internet-facing" : "internal",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
    };
    if (tls) {
        annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"] = a.serveTlsCertificateArn!;
        annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-ports"] = "443";
        annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy"] = SERVE_TLS_POLICY;
    }
    return {
        metadata: { annotations },
        spec: {
            type: "LoadBalancer",
            loadBalancerClass: "service.k8s.aws/nlb",
            ports: [{ name: RAY_PORT_TABLE.serve.name, port: tls ? 443 : 80, targetPort: RAY_PORT_TABLE.serve.port, protocol: "TCP" }],
            ...(a.serveAllowedCidrs.length > 0 ? { loadBalancerSourceRanges: a.serveAllowedCidrs } : {}),
        },
    };
}

/**
 * Ray Serve LLM (vLLM) as a KubeRay RayService: one OpenAI-compatible endpoint for many models,
 * each a Serve LLM deployment with its own autoscaling, on GPU worker groups that Karpenter
 * provides. Needs an explicit Kubernetes provider, and `dependsOn` the `KubeRayOperator`.
 */
export class VllmRayService extends pulumi.ComponentResource {
    /** The RayService's name. */
    public readonly serviceName: pulumi.Output<string>;
    /** Its namespace. */
    public readonly namespace: pulumi.Output<string>;
    /** The Service KubeRay creates for Serve: `<serviceName>-serve-svc` (ClusterIP on 8000, or the load balancer with `exposeServe`). */
    public readonly serveServiceName: pulumi.Output<string>;
    /**
     * The head's ClusterIP Service KubeRay keeps for the RayService, `<serviceName>-head-svc`: reach
     * the dashboard with `kubectl port-forward -n <namespace> svc/<headServiceName> 8265`.
     */
    public readonly headServiceName: pulumi.Output<string>;
    /** The models' names, as clients send them in `model`. */
    public readonly modelNames: pulumi.Output<string[]>;
    /** The most GPUs the service holds (every model at maxReplicas). */
    public readonly maxGpus: pulumi.Output<number>;
    /** The GPUs that stay up with no traffic (every model at minReplicas). */
    public readonly idleGpus: pulumi.Output<number>;
    /** The most GPUs during an upgrade: twice maxGpus with "NewCluster". The GPU budget of the NodePools the workers land in must hold this. */
    public readonly upgradeGpus: pulumi.Output<number>;
    /**
     * One line per model: its KV cache per GPU, the tokens and requests of maxModelLength it holds,
     * and its max_ongoing_requests and target (what `npm run plan` prints).
     */
    public readonly servingCapacity: pulumi.Output<string[]>;

    constructor(name: string, args: VllmRayServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-vllm-eks:index:VllmRayService", name, {}, opts);

        const { model: _modelDefaults, ...serviceDefaults } = vllmServiceDefaults;
        const a = withDefaults(serviceDefaults, args) as ResolvedServiceArgs;
        const given = args?.models ?? [];
        const models = given.map(resolveModel);
        const providerProblem = checkKubernetesProvider("VllmRayService", this);
        throwIfInvalid("VllmRayService", [...(providerProblem ? [providerProblem] : []), ...validateVllmServiceArgs(name, a, models)], this);
        for (const warning of vllmServiceWarnings(name, given, models)) {
            void pulumi.log.warn(warning, this);
        }
        for (const note of vllmServiceNotes(name, models)) {
            void pulumi.log.info(note, this);
        }
        const serviceName = a.serviceName ?? name;

        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: { name: a.namespace },
        }, { parent: this, dependsOn: childDependsOn(opts) });

        let tokenSecretName: pulumi.Input<string> | undefined = a.huggingFaceTokenSecretName;
        if (a.huggingFaceToken !== undefined) {
            const secret = new k8s.core.v1.Secret(`${name}-hf-token`, {
                metadata: { name: `${serviceName}-hf-token`, namespace: namespace.metadata.name },
                type: "Opaque",
                stringData: { [a.huggingFaceTokenSecretKey]: pulumi.secret(a.huggingFaceToken) },
            }, { parent: this, dependsOn: childDependsOn(opts) });
            tokenSecretName = secret.metadata.name;
        }

        let resolved = a;
        const secrets: pulumi.Resource[] = [];
        if (a.redisPassword !== undefined) {
            const secret = new k8s.core.v1.Secret(`${name}-redis-password`, {
                metadata: { name: `${serviceName}-redis-password`, namespace: namespace.metadata.name },
                type: "Opaque",
                stringData: { [a.redisPasswordSecretKey]: pulumi.secret(a.redisPassword) },
            }, { parent: this, dependsOn: childDependsOn(opts) });
            resolved = { ...a, redisPasswordSecretName: `${serviceName}-redis-password` };
            secrets.push(secret);
        }

        const rayService = new k8s.apiextensions.CustomResource(`${name}-rayservice`, {
            apiVersion: RAY_KINDS.RayService.apiVersion,
            kind: RAY_KINDS.RayService.kind,
            metadata: { name: serviceName, namespace: namespace.metadata.name },
            spec: rayServiceSpec(resolved, models, tokenSecretName),
        }, { parent: this, dependsOn: childDependsOn(opts, ...secrets) });

        // Ingress into the namespace: denied unless admitted (Ray pods to each other, the operator
        // to the dashboard port, and the clients, Prometheus and dashboard load balancer given).
        for (const policy of rayNetworkPolicies(a)) {
            new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${policy.role}`, {
                metadata: { name: `${serviceName}-${policy.role}`, namespace: namespace.metadata.name },
                spec: policy.spec,
            }, { parent: this, dependsOn: childDependsOn(opts) });
        }

        const headServiceName = pulumi.interpolate`${rayService.metadata.name}-head-svc`;
        if (a.dashboardIngress !== undefined) {
            const ingress = dashboardIngressSpec(a.dashboardIngress, headServiceName);
            if (dashboardSignIn(a.dashboardIngress) === "oidc") {
                // The load balancer controller reads the OIDC client's Secret; it may read no other
                // (its chart grants no Secret access by default).
                const role = new k8s.rbac.v1.Role(`${name}-dashboard-oidc`, {
                    metadata: { name: `${serviceName}-dashboard-oidc`, namespace: namespace.metadata.name },
                    rules: [{ apiGroups: [""], resources: ["secrets"], resourceNames: [a.dashboardIngress.oidcSecretName!], verbs: ["get", "list", "watch"] }],
                }, { parent: this, dependsOn: childDependsOn(opts) });
                new k8s.rbac.v1.RoleBinding(`${name}-dashboard-oidc`, {
                    metadata: { name: `${serviceName}-dashboard-oidc`, namespace: namespace.metadata.name },
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
                    subjects: [{ kind: "ServiceAccount", name: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT, namespace: "kube-system" }],
                }, { parent: this, dependsOn: childDependsOn(opts) });
            }
            new k8s.networking.v1.Ingress(`${name}-dashboard`, {
                metadata: { name: `${serviceName}-dashboard`, namespace: namespace.metadata.name, annotations: ingress.annotations },
                spec: ingress.spec,
            }, { parent: this, dependsOn: childDependsOn(opts) });
        }

        // The same computation the policy pack's gpu-budget and the offline plan apply to the
        // rendered RayService (components/common/gpu-demand.ts): one pod per GPU node.
        const demand = gpuDemand(workerGroups(models).map((g) => ({ gpusPerPod: g.gpusPerNode, minReplicas: g.minReplicas, maxReplicas: g.maxReplicas })), a.upgradeStrategy);
        this.serviceName = rayService.metadata.name;
        this.namespace = namespace.metadata.name;
        this.serveServiceName = pulumi.interpolate`${rayService.metadata.name}-serve-svc`;
        this.headServiceName = headServiceName;
        this.modelNames = pulumi.output(models.map((m) => m.name));
        this.maxGpus = pulumi.output(demand.maxGpus);
        this.idleGpus = pulumi.output(demand.idleGpus);
        this.upgradeGpus = pulumi.output(demand.upgradeGpus);
        this.servingCapacity = pulumi.output(models.map(servingCapacityLine));
        this.registerOutputs({
            serviceName: this.serviceName,
            namespace: this.namespace,
            serveServiceName: this.serveServiceName,
            headServiceName: this.headServiceName,
            modelNames: this.modelNames,
            maxGpus: this.maxGpus,
            idleGpus: this.idleGpus,
            upgradeGpus: this.upgradeGpus,
            servingCapacity: this.servingCapacity,
        });
    }
}
