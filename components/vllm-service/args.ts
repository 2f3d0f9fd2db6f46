import * as pulumi from "@pulumi/pulumi";

import { Check, checkAllowlist, checkName, collect, compareVersions, isKnown, show } from "../common/validation";
import { kubeRayDefaults } from "../kuberay/args";
import { familyOfInstanceType, GPU_INSTANCE_FAMILIES, instanceSizeOf } from "../gpu-nodepool/catalog";
import { cpuCores } from "./placement";
import {
    acceleratorsThatFit, DTYPE_BYTES, MAX_OVER_TARGET, minimumTensorParallelSize, MODEL_ARCHITECTURES, ModelArchitecture, PARAMETER_PRESETS, perGpu,
    servingCapacity, ServingCapacity, targetOngoingRequestsFor, tensorParallelSizes, TYPICAL_REQUEST_SHARE, vllmMaxNumSeqs, weightsGiB,
} from "./sizing";

/** The pinned Ray version: 2.54.0 and later fix CVE-2025-62593 (2.52.0) and CVE-2026-27482 (2.54.0). */
export const RAY_VERSION = "2.56.0";
/** The oldest Ray version the component accepts (known critical CVEs fixed, token authentication available). */
export const MIN_RAY_VERSION = "2.54.0";
/** The pinned Ray Serve LLM image (Ray with vLLM); `rayproject/ray-ml` is discontinued. */
export const RAY_LLM_IMAGE = `rayproject/ray-llm:${RAY_VERSION}-py312-cu130`;
/** The longest RayService name KubeRay accepts (it derives Service names from it). */
export const MAX_RAYSERVICE_NAME_LENGTH = 47;
/**
 * RayService upgrade strategies this component renders. KubeRay's third,
 * NewClusterWithIncrementalUpgrade, needs Gateway API options it does not render.
 */
export const UPGRADE_STRATEGIES: readonly string[] = ["NewCluster", "None"];

/**
 * Organizations on the Hugging Face Hub that gate their models (a licence to accept, then a token
 * to download): Meta's Llama, Mistral's, Google's Gemma and Cohere's (CohereForAI renamed to
 * CohereLabs). A model of one of them needs a token unless its `gated` is false; a gated model of
 * another organization needs `gated: true`. https://huggingface.co/docs/hub/models-gated
 */
export const GATED_HUGGING_FACE_ORGANIZATIONS: readonly string[] = ["meta-llama", "mistralai", "google", "CohereLabs", "CohereForAI"];

/** Whether a model needs a Hugging Face token: its `gated`, or else its source's organization. */
export function isGated(m: Pick<ModelArgs, "source" | "gated">): boolean {
    if (m.gated !== undefined) {
        return m.gated;
    }
    const organization = /^([^/:]+)\/[^/]+$/.exec(m.source)?.[1];
    // The Hub resolves an organization's name whatever its case.
    return organization !== undefined && GATED_HUGGING_FACE_ORGANIZATIONS.some((o) => o.toLowerCase() === organization.toLowerCase());
}

/** One model served behind the OpenAI-compatible endpoint (a Ray Serve LLM `LLMConfig`). */
export interface ModelArgs {
    /**
     * The name clients send as `model` (Serve LLM's `model_id`).
     * @see https://docs.ray.io/en/latest/serve/llm/user-guides/configuration.html
     */
    name: string;
    /**
     * Where the weights come from: a Hugging Face model id, or an `s3://` URI.
     * @see https://docs.ray.io/en/latest/serve/llm/user-guides/configuration.html
     */
    source: string;
    /**
     * The GPU instance type its replicas run on, from the GPU catalogue (such as "g6.xlarge" or "g6e.12xlarge").
     * @see https://aws.amazon.com/ec2/instance-types/#Accelerated_Computing
     */
    accelerator: string;
    /**
     * GPUs per replica (vLLM's `tensor_parallel_size`); must divide the accelerator's GPUs per node.
     * @default 1
     * @see https://docs.vllm.ai/en/latest/serving/parallelism_scaling.html
     */
    tensorParallelSize?: number;
    /**
     * Parameter count in billions, for the sizing check.
     * @default from PARAMETER_PRESETS by `source`; required for other models
     * @see https://huggingface.co/docs/hub/model-cards
     */
    parametersBillions?: number;
    /**
     * The model's layers (`num_hidden_layers` in its Hugging Face config.json), to size its KV cache;
     * give it with numKeyValueHeads and headDim. Not for encoder-only models (BERT, XLM-RoBERTa),
     * which keep no KV cache.
     * @default from MODEL_ARCHITECTURES by `source`; for other models the KV cache is not sized
     * @see https://huggingface.co/docs/transformers/main_classes/configuration
     */
    numHiddenLayers?: number;
    /**
     * The model's key-value heads (`num_key_value_heads` in its config.json, or `num_attention_heads`
     * when it has none), to size its KV cache.
     * @default from MODEL_ARCHITECTURES by `source`; for other models the KV cache is not sized
     * @see https://huggingface.co/docs/transformers/main_classes/configuration
     */
    numKeyValueHeads?: number;
    /**
     * The dimension of an attention head (`head_dim` in its config.json, or `hidden_size` divided by
     * `num_attention_heads`), to size its KV cache.
     * @default from MODEL_ARCHITECTURES by `source`; for other models the KV cache is not sized
     * @see https://huggingface.co/docs/transformers/main_classes/configuration
     */
    headDim?: number;
    /**
     * vLLM's `dtype` ("auto", "bfloat16", "float16", "float32").
     * @default "auto"
     * @see https://docs.vllm.ai/en/latest/configuration/engine_args.html
     */
    dtype?: string;
    /**
     * vLLM's `max_model_len`: the longest context (prompt plus output) in tokens.
     * @default 8192
     * @see https://docs.vllm.ai/en/latest/configuration/engine_args.html
     */
    maxModelLength?: number;
    /**
     * vLLM's `gpu_memory_utilization`: the share of each GPU's memory vLLM may use (0 to 1].
     * @default 0.9
     * @see https://docs.vllm.ai/en/latest/configuration/engine_args.html
     */
    gpuMemoryUtilization?: number;
    /**
     * vLLM's `enable_prefix_caching`: reuse the KV cache of shared prompt prefixes.
     * @default true
     * @see https://docs.vllm.ai/en/latest/features/automatic_prefix_caching.html
     */
    enablePrefixCaching?: boolean;
    /**
     * Serve it on `/v1/embeddings` (vLLM's pooling runner) instead of as a generative model.
     * @default false
     * @see https://docs.vllm.ai/en/latest/models/pooling_models.html
     */
    embedding?: boolean;
    /**
     * Whether downloading the weights needs a Hugging Face token (the repository is gated: its
     * licence must be accepted on the Hub, and the token's account is checked). A gated model with
     * no `huggingFaceToken` or `huggingFaceTokenSecretName` is refused; `false` lets a model of an
     * organization that usually gates its models through.
     * @default true for a Hugging Face id of an organization in GATED_HUGGING_FACE_ORGANIZATIONS (meta-llama, mistralai, google, CohereLabs, CohereForAI), false otherwise
     * @see https://huggingface.co/docs/hub/models-gated
     */
    gated?: boolean;
    /**
     * The fewest replicas; 0 scales the model to zero when idle.
     * @default 1
     * @see https://docs.ray.io/en/latest/serve/advanced-guides/advanced-autoscaling.html
     */
    minReplicas?: number;
    /**
     * The most replicas.
     * @default 2
     * @see https://docs.ray.io/en/latest/serve/advanced-guides/advanced-autoscaling.html
     */
    maxReplicas?: number;
    /**
     * Ongoing requests per replica that Serve's autoscaler aims for.
     * @default two thirds of maxOngoingRequests, rounded up (Ray's guide puts the maximum 20 to 50% above the target), at most 16 for embedding models and models whose KV cache is not sized
     * @see https://docs.ray.io/en/latest/serve/advanced-guides/advanced-autoscaling.html
     */
    targetOngoingRequests?: number;
    /**
     * The most requests a replica takes at once; more wait in Serve's queue, where the autoscaler
     * sees them. Above what the replica's KV cache runs at once, they would wait inside vLLM,
     * unseen (a warning says so).
     * @default the requests of a quarter of maxModelLength that the KV cache holds (at least 2, at most vLLM's max_num_seqs), or 64 for embedding models and models whose KV cache is not sized; 50% above a targetOngoingRequests given at or above that
     * @see https://docs.ray.io/en/latest/serve/advanced-guides/advanced-autoscaling.html
     */
    maxOngoingRequests?: number;
    /**
     * Seconds demand must stay high before Serve adds replicas.
     * @default 30
     * @see https://docs.ray.io/en/latest/serve/advanced-guides/advanced-autoscaling.html
     */
    upscaleDelaySeconds?: number;
    /**
     * Seconds demand must stay low before Serve removes replicas (GPU replicas are slow to start).
     * @default 600
     * @see https://docs.ray.io/en/latest/serve/advanced-guides/advanced-autoscaling.html
     */
    downscaleDelaySeconds?: number;
    /**
     * Multiplier on each upscaling step (Serve's `upscaling_factor`), such as 2 to add replicas faster.
     * @default Serve's default (1)
     * @see https://docs.ray.io/en/latest/serve/advanced-guides/advanced-autoscaling.html
     */
    upscalingFactor?: number;
    /**
     * Multiplier on each downscaling step (Serve's `downscaling_factor`), such as 0.5 to remove replicas more gently.
     * @default Serve's default (1)
     * @see https://docs.ray.io/en/latest/serve/advanced-guides/advanced-autoscaling.html
     */
    downscalingFactor?: number;
}

export interface VllmRayServiceArgs {
    /**
     * The models, each one a Ray Serve LLM deployment behind the same OpenAI-compatible endpoint.
     * @see https://docs.ray.io/en/latest/serve/llm/index.html
     */
    models: ModelArgs[];
    /**
     * The namespace of the RayService (created by the component).
     * @default "llm"
     * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/
     */
    namespace?: string;
    /**
     * The RayService's name, at most 47 characters.
     * @default the component's resource name
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/getting-started/rayservice-quick-start.html
     */
    serviceName?: string;
    /**
     * The Ray Serve LLM image (Ray and vLLM); pin a `rayproject/ray-llm` tag.
     * @default "rayproject/ray-llm:2.56.0-py312-cu130"
     * @see https://hub.docker.com/r/rayproject/ray-llm/tags
     */
    image?: pulumi.Input<string>;
    /**
     * The image's Ray version, at least 2.54.0.
     * @default "2.56.0"
     * @see https://github.com/ray-project/ray/releases
     */
    rayVersion?: string;
    /**
     * A Hugging Face token as a Pulumi secret (`config.requireSecret`); the component stores it in a
     * Kubernetes Secret and the pods read it by `secretKeyRef`. A plain string is refused.
     * @default none (public models only)
     * @see https://huggingface.co/docs/hub/security-tokens
     */
    huggingFaceToken?: pulumi.Input<string>;
    /**
     * The name of an existing Secret in `namespace` holding the Hugging Face token (instead of `huggingFaceToken`).
     * @default none
     * @see https://kubernetes.io/docs/concepts/configuration/secret/
     */
    huggingFaceTokenSecretName?: string;
    /**
     * The key of the token in that Secret.
     * @default "token"
     * @see https://kubernetes.io/docs/concepts/configuration/secret/
     */
    huggingFaceTokenSecretKey?: string;
    /**
     * The Kubernetes service account of the Ray pods. Models in S3 need one whose IAM role (EKS Pod
     * Identity) may read the bucket: nodes allow pods no instance credentials.
     * @default the namespace's default service account
     * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html
     */
    serviceAccountName?: string;
    /**
     * Size limit in GiB of the model cache (`emptyDir` on the node's disk, or its NVMe instance store
     * with RAID0), also requested as ephemeral storage. It must hold the weights of the models on a
     * node, and the node's volume must hold it plus the image (GpuNodePool `volumeSizeGiB`).
     * @default 100
     * @see https://kubernetes.io/docs/concepts/storage/volumes/#emptydir
     */
    modelCacheSizeGiB?: number;
    /**
     * An existing PersistentVolumeClaim (in `namespace`, ReadWriteMany such as EFS) to cache model
     * weights in instead of the node's disk, so new replicas skip the download.
     * @default none (an emptyDir on each node)
     * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
     */
    modelCachePvcName?: string;
    /**
     * Expose the OpenAI endpoint (Serve's port 8000) outside the cluster through an AWS Network Load
     * Balancer (needs the AWS Load Balancer Controller). Off: only in-cluster clients reach it.
     * Decide it, and the settings below, when the service is created: KubeRay does not update an
     * existing serve Service's annotations; to change them, delete `<serviceName>-serve-svc` so
     * KubeRay recreates it.
     * @default false
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/
     */
    exposeServe?: boolean;
    /**
     * The ACM certificate the load balancer terminates TLS with (port 443). Required to expose Serve,
     * unless `serveAllowPlaintext` is set.
     * @default none
     * @see https://docs.aws.amazon.com/acm/latest/userguide/acm-overview.html
     */
    serveTlsCertificateArn?: pulumi.Input<string>;
    /**
     * Accept an exposed endpoint without TLS (plain HTTP on port 80). Only for testing.
     * @default false
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#ssl-cert
     */
    serveAllowPlaintext?: boolean;
    /**
     * Make the load balancer internet-facing instead of internal; then `serveAllowedCidrs` is required.
     * @default false
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#lb-scheme
     */
    serveInternetFacing?: boolean;
    /**
     * Source CIDRs allowed to reach the load balancer.
     * @default [] (internal: anything that can route to the VPC)
     * @see https://kubernetes.io/docs/concepts/services-networking/service/#aws-nlb-support
     */
    serveAllowedCidrs?: string[];
    /**
     * How a change to the Ray cluster is rolled out: "NewCluster" (zero downtime: a second cluster
     * comes up before the first goes, so the GPU budget must hold twice the service's GPUs) or
     * "None" (cluster changes are not rolled out; Serve config changes still are).
     * @default "NewCluster"
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/rayservice.html
     */
    upgradeStrategy?: string;
    /**
     * Raise it to roll the Ray cluster over (with "NewCluster", a second cluster comes up and takes
     * the traffic before the first goes): the pods then read the Secrets again (the Hugging Face
     * token, the Redis password) and KubeRay generates a new Ray auth token for the new cluster.
     * Rendered, when above 0, as the pods' annotation `ray-vllm-eks.io/restart-generation`, which
     * changes the cluster spec KubeRay hashes (ray-operator utils `GenerateHashWithoutReplicasAndWorkersToDelete`).
     * @default 0
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/rayservice.html
     */
    restartGeneration?: number;
    /**
     * GCS fault tolerance: the address of an external Redis ("rediss://host:6379" for TLS).
     * @default none (GCS state lives only in the head)
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/kuberay-gcs-ft.html
     */
    redisAddress?: pulumi.Input<string>;
    /**
     * The Redis password (an ElastiCache auth token, GcsRedis's `authToken`) as a Pulumi secret; the
     * component stores it in a Kubernetes Secret the head reads by `secretKeyRef`. A plain string is refused.
     * @default none
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/kuberay-gcs-ft.html
     */
    redisPassword?: pulumi.Input<string>;
    /**
     * The Secret (in `namespace`) holding the Redis password (instead of `redisPassword`).
     * @default none
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/kuberay-gcs-ft.html
     */
    redisPasswordSecretName?: string;
    /**
     * The key of the password in that Secret.
     * @default "password"
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/kuberay-gcs-ft.html
     */
    redisPasswordSecretKey?: string;
    /**
     * CPU of each CPU worker, at least 1: the pods on the system nodes that run Serve's OpenAI
     * ingress (1 CPU a replica). The ingress asks for a Ray resource only these pods advertise, so it
     * never lands on a GPU node, and GPU nodes hold only models and can scale to zero.
     * @default "2"
     * @see https://docs.ray.io/en/latest/ray-core/scheduling/resources.html#custom-resources
     */
    cpuWorkerCpu?: pulumi.Input<string>;
    /**
     * Memory of each CPU worker.
     * @default "4Gi"
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/config.html
     */
    cpuWorkerMemory?: pulumi.Input<string>;
    /**
     * The most CPU workers (at least 1 always runs).
     * @default 2
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/configuring-autoscaling.html
     */
    cpuWorkerMaxReplicas?: number;
    /**
     * CPU of the head pod (it runs no tasks: `num-cpus` is 0).
     * @default "2"
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/config.html
     */
    headCpu?: pulumi.Input<string>;
    /**
     * Memory of the head pod (GCS, Serve controller, proxy, dashboard).
     * @default "8Gi"
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/config.html
     */
    headMemory?: pulumi.Input<string>;
    /**
     * Namespaces whose pods may call the OpenAI endpoint (Serve's port 8000) inside the cluster,
     * such as your API gateway's. The namespace's NetworkPolicies admit no other caller;
     * `kubectl port-forward` still works (it does not pass through NetworkPolicies).
     * @default [] (no in-cluster caller)
     * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
     */
    serveClientNamespaces?: string[];
    /**
     * IP ranges whose traffic may reach Serve's port 8000 on the Ray pods. With `exposeServe`, give the
     * subnets the load balancer runs in (your VPC's CIDR): a Network Load Balancer with IP targets
     * connects from its own private addresses. Required with `exposeServe`.
     * @default []
     * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
     */
    serveClientCidrs?: string[];
    /**
     * The namespace of the KubeRay operator: its pods may reach the head's dashboard port (8265),
     * where the operator reads and updates Serve applications.
     * @default "kuberay-system" (KubeRayOperator's default)
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/rayservice.html
     */
    kubeRayOperatorNamespace?: string;
    /**
     * The namespace Prometheus runs in (MonitoringStack's `namespace` output): its Prometheus pods may
     * scrape the Ray pods' metrics ports (8080, and the head's 44217 and 44227).
     * @default none (nothing may scrape the Ray pods)
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/k8s-ecosystem/prometheus-grafana.html
     */
    prometheusNamespace?: pulumi.Input<string>;
    /**
     * Grafana's in-cluster URL (MonitoringStack's `grafanaUrl`), so the Ray dashboard embeds its
     * graphs (`RAY_GRAFANA_HOST`).
     * @default none (the Ray dashboard shows no graphs)
     * @see https://docs.ray.io/en/latest/cluster/configure-manage-dashboard.html#embedding-grafana-visualizations-into-ray-dashboard
     */
    grafanaUrl?: pulumi.Input<string>;
    /**
     * Grafana's URL as your browser reaches it (`RAY_GRAFANA_IFRAME_HOST`), such as the address of
     * `kubectl port-forward svc/<grafana> 3000:80`.
     * @default "http://localhost:3000"
     * @see https://docs.ray.io/en/latest/cluster/configure-manage-dashboard.html#embedding-grafana-visualizations-into-ray-dashboard
     */
    grafanaBrowserUrl?: pulumi.Input<string>;
    /**
     * Prometheus's in-cluster URL (MonitoringStack's `prometheusUrl`), so the Ray dashboard can
     * query it (`RAY_PROMETHEUS_HOST`).
     * @default none
     * @see https://docs.ray.io/en/latest/cluster/configure-manage-dashboard.html#embedding-grafana-visualizations-into-ray-dashboard
     */
    prometheusUrl?: pulumi.Input<string>;
    /**
     * An Ingress to the Ray dashboard through an internal AWS Application Load Balancer with a
     * source allowlist, TLS and sign-in in front (needs the AWS Load Balancer Controller). Without it
     * the dashboard is reached only with `kubectl port-forward` to the head's ClusterIP Service.
     * Anyone who reaches the dashboard can run code on the cluster (CVE-2023-48022).
     * @default none (port-forward only)
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#authentication
     */
    dashboardIngress?: RayDashboardIngressArgs;
}

/**
 * The optional Ingress to the Ray dashboard: internal, allowlisted, TLS, and signed in through an
 * OIDC identity provider or a Cognito user pool (set one group of fields).
 */
export interface RayDashboardIngressArgs {
    /**
     * The load balancer's scheme; only "internal" is accepted.
     * @default "internal"
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#scheme
     */
    scheme?: string;
    /**
     * Source CIDRs allowed to reach the load balancer (your VPN's or office's); never 0.0.0.0/0.
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#inbound-cidrs
     */
    allowedCidrs: string[];
    /**
     * The CIDRs of the subnets the load balancer runs in (your VPC's private subnets, or the VPC's
     * CIDR): the NetworkPolicy admits the dashboard port only from these.
     * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
     */
    loadBalancerSubnetCidrs: string[];
    /**
     * The ACM certificate of the HTTPS listener (the load balancer authenticates only on HTTPS).
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#certificate-arn
     */
    certificateArn: pulumi.Input<string>;
    /**
     * The host name the dashboard answers on.
     * @default any host
     * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-rules
     */
    host?: string;
    /**
     * The Ingress class of the AWS Load Balancer Controller.
     * @default "alb"
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/
     */
    ingressClassName?: string;
    /**
     * OIDC sign-in: the identity provider's issuer.
     * @default none
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#auth-idp-oidc
     */
    oidcIssuer?: string;
    /**
     * OIDC sign-in: the authorization endpoint.
     * @default none
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#auth-idp-oidc
     */
    oidcAuthorizationEndpoint?: string;
    /**
     * OIDC sign-in: the token endpoint.
     * @default none
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#auth-idp-oidc
     */
    oidcTokenEndpoint?: string;
    /**
     * OIDC sign-in: the user info endpoint.
     * @default none
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#auth-idp-oidc
     */
    oidcUserInfoEndpoint?: string;
    /**
     * OIDC sign-in: the Secret (in the RayService's namespace) holding `clientID` and `clientSecret`.
     * @default none
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#auth-idp-oidc
     */
    oidcSecretName?: string;
    /**
     * Cognito sign-in: the user pool's ARN.
     * @default none
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#auth-idp-cognito
     */
    cognitoUserPoolArn?: string;
    /**
     * Cognito sign-in: the user pool client's id.
     * @default none
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#auth-idp-cognito
     */
    cognitoUserPoolClientId?: string;
    /**
     * Cognito sign-in: the user pool's domain prefix.
     * @default none
     * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#auth-idp-cognito
     */
    cognitoUserPoolDomain?: string;
}

/** Defaults of `VllmRayServiceArgs`, and of each model (`model`). */
export const vllmServiceDefaults = {
    namespace: "llm",
    image: RAY_LLM_IMAGE,
    rayVersion: RAY_VERSION,
    huggingFaceTokenSecretKey: "token",
    modelCacheSizeGiB: 100,
    upgradeStrategy: "NewCluster",
    redisPasswordSecretKey: "password",
    headCpu: "2",
    headMemory: "8Gi",
    cpuWorkerCpu: "2",
    cpuWorkerMemory: "4Gi",
    cpuWorkerMaxReplicas: 2,
    restartGeneration: 0,
    exposeServe: false,
    serveAllowPlaintext: false,
    serveInternetFacing: false,
    serveAllowedCidrs: [] as string[],
    serveClientNamespaces: [] as string[],
    serveClientCidrs: [] as string[],
    kubeRayOperatorNamespace: kubeRayDefaults.namespace,
    grafanaBrowserUrl: "http://localhost:3000",
    model: {
        tensorParallelSize: 1,
        dtype: "auto",
        maxModelLength: 8192,
        gpuMemoryUtilization: 0.9,
        enablePrefixCaching: true,
        embedding: false,
        minReplicas: 1,
        maxReplicas: 2,
        // For embedding models and models whose KV cache is not sized; the others' follow from
        // their KV cache (resolveModel).
        targetOngoingRequests: 16,
        maxOngoingRequests: 64,
        upscaleDelaySeconds: 30,
        downscaleDelaySeconds: 600,
    },
};

type ServiceDefaults = Omit<typeof vllmServiceDefaults, "model">;
export type ResolvedServiceArgs = Omit<VllmRayServiceArgs, keyof ServiceDefaults> & { [K in keyof ServiceDefaults]-?: NonNullable<VllmRayServiceArgs[K]> };
export type ResolvedModel = ModelArgs & { [K in keyof typeof vllmServiceDefaults.model]-?: NonNullable<ModelArgs[K]> }
    & { parametersBillions?: number; architecture?: ModelArchitecture };

/** The arguments that give a model's architecture, all three or none. */
const ARCHITECTURE_ARGS = ["numHiddenLayers", "numKeyValueHeads", "headDim"] as const;

function isPositiveInteger(v: unknown): v is number {
    return Number.isInteger(v) && (v as number) > 0;
}

function modelChecks(at: string, m: ResolvedModel, names: string[]): Check[] {
    const size = instanceSizeOf(m.accelerator);
    return [
        () => (m.name === "" ? `${at}.name is empty: give the name clients send as "model", such as "llama-3.1-8b".` : undefined),
        () => (names.filter((n) => n === m.name).length > 1 ? `${at}.name ${show(m.name)} is used by more than one model: clients pick a model by name, so give each its own.` : undefined),
        () => (!m.source ? `${at}.source is empty: give a Hugging Face model id such as "meta-llama/Llama-3.1-8B-Instruct", or an s3:// URI.` : undefined),
        () => (size === undefined
            ? `${at}.accelerator ${show(m.accelerator)} is not a GPU instance type of the catalogue: use a size of ${Object.keys(GPU_INSTANCE_FAMILIES).join(", ")}, such as "g6.xlarge" or "g6e.12xlarge".`
            : undefined),
        () => {
            if (!size) {
                return undefined;
            }
            if (!Number.isInteger(m.tensorParallelSize) || m.tensorParallelSize < 1 || size.gpus % m.tensorParallelSize !== 0) {
                return `${at}.tensorParallelSize ${show(m.tensorParallelSize)} does not divide the ${size.gpus} GPUs of a ${m.accelerator} node: use ${tensorParallelSizes(m.accelerator).join(", ")}.`;
            }
            return undefined;
        },
        () => (!(m.dtype in DTYPE_BYTES) ? `${at}.dtype ${show(m.dtype)} is not a dtype the sizing check knows: use ${Object.keys(DTYPE_BYTES).join(", ")}.` : undefined),
        () => (!(m.gpuMemoryUtilization > 0 && m.gpuMemoryUtilization <= 1) ? `${at}.gpuMemoryUtilization ${show(m.gpuMemoryUtilization)} must be in (0, 1]: the share of each GPU's memory vLLM may use, such as 0.9.` : undefined),
        () => (m.parametersBillions === undefined
            ? `${at}.parametersBillions is missing for ${show(m.source)}: give the model's parameter count in billions (from its model card) so its size can be checked against the accelerator.`
            : undefined),
        () => {
            // Only a model whose other figures are valid: at a gpuMemoryUtilization of 0 nothing fits, and
            // its own error says what to fix.
            if (!size || m.parametersBillions === undefined || !(m.dtype in DTYPE_BYTES) || size.gpus % m.tensorParallelSize !== 0
                || !(m.gpuMemoryUtilization > 0 && m.gpuMemoryUtilization <= 1)) {
                return undefined;
            }
            const sizing = { parametersBillions: m.parametersBillions, dtype: m.dtype, accelerator: m.accelerator, gpuMemoryUtilization: m.gpuMemoryUtilization };
            const { needGiB, haveGiB } = perGpu({ ...sizing, tensorParallelSize: m.tensorParallelSize });
            if (needGiB <= haveGiB) {
                return undefined;
            }
            const minimum = minimumTensorParallelSize(sizing);
            const gpu = familyOfInstanceType(m.accelerator)!.gpuModel;
            const fix = minimum !== undefined
                ? `use tensorParallelSize ${minimum} or more`
                : `no tensor-parallel size on ${m.accelerator} fits; use a larger accelerator such as ${show(acceleratorsThatFit(sizing).slice(0, 3))}`;
            return `${at} ${show(m.name)} does not fit on ${m.accelerator} (${gpu}) at tensorParallelSize ${m.tensorParallelSize}: it needs ${needGiB.toFixed(1)} GiB per GPU (weights plus a KV-cache floor) and a GPU offers ${haveGiB.toFixed(1)} GiB; ${fix}.`;
        },
        () => (!Number.isInteger(m.minReplicas) || m.minReplicas < 0 ? `${at}.minReplicas ${show(m.minReplicas)} must be a whole number of at least 0 (0 scales to zero when idle).` : undefined),
        () => (!Number.isInteger(m.maxReplicas) || m.maxReplicas < 1 ? `${at}.maxReplicas ${show(m.maxReplicas)} must be a whole number of at least 1.` : undefined),
        () => (m.minReplicas > m.maxReplicas ? `${at}.minReplicas (${m.minReplicas}) is greater than ${at}.maxReplicas (${m.maxReplicas}): set minReplicas to at most maxReplicas.` : undefined),
        () => (!(m.targetOngoingRequests > 0) ? `${at}.targetOngoingRequests ${show(m.targetOngoingRequests)} must be positive: the ongoing requests per replica the autoscaler aims for, such as 16.` : undefined),
        () => (!(Number.isInteger(m.maxOngoingRequests) && m.maxOngoingRequests > 0) ? `${at}.maxOngoingRequests ${show(m.maxOngoingRequests)} must be a positive whole number, such as 64.` : undefined),
        () => [["upscalingFactor", m.upscalingFactor], ["downscalingFactor", m.downscalingFactor]]
            .filter(([, v]) => v !== undefined && !((v as number) > 0))
            .map(([k, v]) => `${at}.${k} ${show(v)} must be positive, such as 1.`),
        () => (m.maxOngoingRequests < m.targetOngoingRequests ? `${at}.maxOngoingRequests (${m.maxOngoingRequests}) is below targetOngoingRequests (${m.targetOngoingRequests}): a replica could never reach its target; raise maxOngoingRequests.` : undefined),
        () => (!(Number.isInteger(m.maxModelLength) && m.maxModelLength > 0) ? `${at}.maxModelLength ${show(m.maxModelLength)} must be a positive whole number of tokens, such as 8192.` : undefined),
        () => {
            const given = ARCHITECTURE_ARGS.filter((k) => m[k] !== undefined);
            if (given.length > 0 && given.length < ARCHITECTURE_ARGS.length) {
                const missing = ARCHITECTURE_ARGS.filter((k) => m[k] === undefined);
                return `${at} gives ${given.join(", ")} without ${missing.join(" and ")}: the KV cache is sized from all three (num_hidden_layers, num_key_value_heads and head_dim in the model's config.json); give them all, or none.`;
            }
            return ARCHITECTURE_ARGS.filter((k) => m[k] !== undefined && !isPositiveInteger(m[k]))
                .map((k) => `${at}.${k} ${show(m[k])} must be a positive whole number, from the model's config.json.`);
        },
    ];
}

/** A message for each gated model when the service has no Hugging Face token. */
function gatedWithoutToken(models: ModelArgs[], tokenGiven: boolean): string[] {
    return tokenGiven ? [] : models.flatMap((m, i) => {
        if (!isGated(m)) {
            return [];
        }
        const why = m.gated === true ? ` (models[${i}].gated is true)` : `, as ${m.source.split("/")[0]}'s models are`;
        const unless = m.gated === true ? "" : `, or set models[${i}].gated to false if this model is not gated`;
        return [`models[${i}].source ${show(m.source)} is gated on Hugging Face${why}: downloading it needs the token of an account that accepted its licence. `
            + `Give huggingFaceToken (a secret) or huggingFaceTokenSecretName${unless}.`];
    });
}

/**
 * The problems of the models alone: each model's own checks, and a gated model without a token
 * (`tokenGiven`: huggingFaceToken or huggingFaceTokenSecretName is set). What a program can check
 * before it creates anything; validateVllmServiceArgs checks the same and the rest.
 */
export function validateModels(given: ModelArgs[], tokenGiven: boolean): string[] {
    const models = given.map(resolveModel);
    return collect([
        ...models.flatMap((m, i) => modelChecks(`models[${i}]`, m, models.map((x) => x.name))),
        () => gatedWithoutToken(models, tokenGiven),
    ]);
}

/**
 * Every problem with the arguments of `VllmRayService` `name`, as messages that name the
 * argument, the value and the fix. Empty when the arguments are valid.
 */
export function validateVllmServiceArgs(name: string, a: ResolvedServiceArgs, models: ResolvedModel[]): string[] {
    const serviceName = a.serviceName ?? name;
    const checks: Check[] = [
        () => checkName(a.serviceName === undefined ? "name" : "serviceName", serviceName, MAX_RAYSERVICE_NAME_LENGTH, "(KubeRay derives its Services' names from the RayService's)"),
        () => checkName("namespace", a.namespace, 63, "(a Kubernetes namespace name)"),
        () => (models.length === 0 ? `models is empty: give at least one model, such as { name: "llama-3.1-8b", source: "meta-llama/Llama-3.1-8B-Instruct", accelerator: "g6.xlarge" }.` : undefined),
        () => (!/^\d+\.\d+\.\d+$/.test(a.rayVersion) || compareVersions(a.rayVersion, MIN_RAY_VERSION) < 0
            ? `rayVersion ${show(a.rayVersion)} is not allowed: use ${MIN_RAY_VERSION} or later (earlier versions have critical CVEs, such as CVE-2025-62593, and no token authentication), such as "${RAY_VERSION}".`
            : undefined),
        () => (isKnown(a.image) && (/:latest$/.test(a.image) || !a.image.includes(":"))
            ? `image ${show(a.image)} is not pinned: use a tag such as "${RAY_LLM_IMAGE}".`
            : undefined),
        () => (isKnown(a.image) && a.image.includes("rayproject/ray-ml")
            ? `image ${show(a.image)} is a discontinued rayproject/ray-ml image: use rayproject/ray-llm, such as "${RAY_LLM_IMAGE}".`
            : undefined),
        () => (isKnown(a.huggingFaceToken)
            ? `huggingFaceToken is a plain string: pass it as a secret (config.requireSecret("huggingFaceToken") or pulumi.secret(...)), or name an existing Secret with huggingFaceTokenSecretName; a token must never sit in the program or the stack's state in clear text.`
            : undefined),
        () => (a.huggingFaceToken !== undefined && a.huggingFaceTokenSecretName !== undefined
            ? `huggingFaceToken and huggingFaceTokenSecretName are both set: give the token one way only.`
            : undefined),
        () => gatedWithoutToken(models, a.huggingFaceToken !== undefined || a.huggingFaceTokenSecretName !== undefined),
        () => (!UPGRADE_STRATEGIES.includes(a.upgradeStrategy) ? `upgradeStrategy ${show(a.upgradeStrategy)} is not an upgrade strategy this component renders: use "NewCluster" (zero downtime, twice the GPUs during an upgrade) or "None".` : undefined),
        () => (a.redisPasswordSecretName !== undefined && a.redisAddress === undefined ? `redisPasswordSecretName is set without redisAddress: give the Redis address too, or drop the password.` : undefined),
        () => (a.redisPassword !== undefined && a.redisAddress === undefined ? `redisPassword is set without redisAddress: give the Redis address too, or drop the password.` : undefined),
        () => (isKnown(a.redisPassword)
            ? `redisPassword is a plain string: pass it as a secret (config.requireSecret("redisAuthToken") or pulumi.secret(...)), or name an existing Secret with redisPasswordSecretName.`
            : undefined),
        () => (a.redisPassword !== undefined && a.redisPasswordSecretName !== undefined ? `redisPassword and redisPasswordSecretName are both set: give the password one way only.` : undefined),
        () => (a.exposeServe && a.serveTlsCertificateArn === undefined && !a.serveAllowPlaintext
            ? `exposeServe is set without serveTlsCertificateArn: give the ACM certificate the load balancer terminates TLS with, or set serveAllowPlaintext to accept plain HTTP.`
            : undefined),
        () => checkCertificateArn("serveTlsCertificateArn", a.serveTlsCertificateArn),
        () => (a.exposeServe && a.serveInternetFacing && a.serveAllowedCidrs.length === 0
            ? `serveInternetFacing is set without serveAllowedCidrs: an internet-facing endpoint must list the source CIDRs allowed to reach it.`
            : undefined),
        () => checkAllowlist("serveAllowedCidrs", a.serveAllowedCidrs, "your clients"),
        () => checkAllowlist("serveClientCidrs", a.serveClientCidrs, "the load balancer's subnets"),
        () => (a.exposeServe && a.serveClientCidrs.length === 0
            ? `exposeServe is set without serveClientCidrs: the namespace's NetworkPolicy admits port 8000 only from them; give the CIDRs of the subnets the load balancer runs in, such as your VPC's CIDR "10.0.0.0/16".`
            : undefined),
        () => a.serveClientNamespaces.flatMap((ns, i) => checkName(`serveClientNamespaces[${i}]`, ns, 63, "(a Kubernetes namespace name)") ?? []),
        () => checkName("kubeRayOperatorNamespace", a.kubeRayOperatorNamespace, 63, "(a Kubernetes namespace name)"),
        () => (a.dashboardIngress !== undefined ? validateDashboardIngress(a.dashboardIngress) : undefined),
        () => (!a.exposeServe && (a.serveTlsCertificateArn !== undefined || a.serveInternetFacing || a.serveAllowedCidrs.length > 0)
            ? `serve load balancer settings are given but exposeServe is not set: set exposeServe to true to expose the endpoint, or drop those settings.`
            : undefined),
        () => (!Number.isInteger(a.restartGeneration) || a.restartGeneration < 0 ? `restartGeneration ${show(a.restartGeneration)} must be a whole number of at least 0: raise it by one to roll the Ray cluster over.` : undefined),
        () => (!Number.isInteger(a.cpuWorkerMaxReplicas) || a.cpuWorkerMaxReplicas < 1 ? `cpuWorkerMaxReplicas ${show(a.cpuWorkerMaxReplicas)} must be a whole number of at least 1: one CPU worker always runs Serve's ingress.` : undefined),
        () => {
            if (!isKnown(a.cpuWorkerCpu)) {
                return undefined;
            }
            const cores = cpuCores(a.cpuWorkerCpu);
            if (cores === undefined) {
                return `cpuWorkerCpu ${show(a.cpuWorkerCpu)} is not a CPU quantity: give cores or millicores, such as "2" or "1500m".`;
            }
            return cores < 1
                ? `cpuWorkerCpu ${show(a.cpuWorkerCpu)} is less than 1 CPU: Serve's OpenAI ingress takes 1 CPU of a CPU worker (Serve's default for a replica) and runs nowhere else; use at least "1", such as "2".`
                : undefined;
        },
        () => (!Number.isInteger(a.modelCacheSizeGiB) || a.modelCacheSizeGiB < 10 ? `modelCacheSizeGiB ${show(a.modelCacheSizeGiB)} must be a whole number of at least 10: model weights are cached there.` : undefined),
        ...models.flatMap((m, i) => modelChecks(`models[${i}]`, m, models.map((x) => x.name))),
        () => models.flatMap((m, i) => (m.source.startsWith("s3://") && a.serviceAccountName === undefined
            ? [`models[${i}].source ${show(m.source)} is in S3 but serviceAccountName is not set: give the service account whose IAM role (EKS Pod Identity) may read the bucket; pods get no credentials from the node.`]
            : [])),
        () => {
            if (a.modelCachePvcName !== undefined) {
                return undefined;
            }
            // Every model on one accelerator may land on the same node, and share its cache.
            const byAccelerator = new Map<string, number>();
            for (const m of models) {
                if (m.parametersBillions !== undefined && m.dtype in DTYPE_BYTES) {
                    byAccelerator.set(m.accelerator, (byAccelerator.get(m.accelerator) ?? 0) + weightsGiB(m.parametersBillions, m.dtype));
                }
            }
            return [...byAccelerator.entries()]
                .filter(([, gib]) => gib > a.modelCacheSizeGiB)
                .map(([accelerator, gib]) => `modelCacheSizeGiB ${a.modelCacheSizeGiB} cannot hold the ${gib.toFixed(1)} GiB of weights of the models on ${accelerator}: raise it to at least ${Math.ceil(gib)} (and GpuNodePool volumeSizeGiB with it), or use modelCachePvcName.`);
        },
    ];
    return collect(checks);
}

/** An ACM certificate's ARN, when known: a load balancer cannot terminate TLS with anything else. */
function checkCertificateArn(argument: string, value: pulumi.Input<string> | undefined): string | undefined {
    if (!isKnown(value) || /^arn:aws[-a-z]*:acm:[a-z0-9-]+:\d+:certificate\/[\w-]+$/.test(value)) {
        return undefined;
    }
    return `${argument} ${show(value)} is not an ACM certificate ARN: give one such as "arn:aws:acm:us-west-2:123456789012:certificate/0a1b2c3d-...".`;
}

/** The OIDC fields of the dashboard Ingress, all needed for OIDC sign-in. */
const OIDC_FIELDS = ["oidcIssuer", "oidcAuthorizationEndpoint", "oidcTokenEndpoint", "oidcUserInfoEndpoint", "oidcSecretName"] as const;
/** The Cognito fields of the dashboard Ingress, all needed for Cognito sign-in. */
const COGNITO_FIELDS = ["cognitoUserPoolArn", "cognitoUserPoolClientId", "cognitoUserPoolDomain"] as const;

/** The sign-in the dashboard Ingress is configured with, from the fields that are set. */
export function dashboardSignIn(d: RayDashboardIngressArgs): "oidc" | "cognito" | undefined {
    const oidc = OIDC_FIELDS.some((f) => d[f] !== undefined);
    const cognito = COGNITO_FIELDS.some((f) => d[f] !== undefined);
    return oidc && !cognito ? "oidc" : cognito && !oidc ? "cognito" : undefined;
}

/**
 * Refuses a dashboard Ingress that is not internal, allowlisted, on TLS and signed in: whoever
 * reaches the Ray dashboard can run code on the cluster (CVE-2023-48022).
 */
export function validateDashboardIngress(d: RayDashboardIngressArgs): string[] {
    const why = "whoever reaches the Ray dashboard can run code on the cluster (CVE-2023-48022)";
    const allowed = d.allowedCidrs ?? [];
    const subnets = d.loadBalancerSubnetCidrs ?? [];
    const oidc = OIDC_FIELDS.filter((f) => d[f] !== undefined);
    const cognito = COGNITO_FIELDS.filter((f) => d[f] !== undefined);
    const incomplete = (fields: readonly string[], set: string[]): string[] => fields.filter((f) => !set.includes(f));
    return collect([
        () => ((d.scheme ?? "internal") !== "internal"
            ? `dashboardIngress.scheme ${show(d.scheme)} is refused: ${why}, so its load balancer is internal only; use "internal", or drop dashboardIngress and use kubectl port-forward.`
            : undefined),
        () => (allowed.length === 0
            ? `dashboardIngress.allowedCidrs is empty: ${why}; list the source CIDRs allowed to reach it, such as your VPN's "10.20.0.0/16".`
            : checkAllowlist("dashboardIngress.allowedCidrs", allowed, "the people who operate the cluster")),
        () => (subnets.length === 0
            ? `dashboardIngress.loadBalancerSubnetCidrs is empty: the NetworkPolicy admits the dashboard port only from the load balancer's subnets; give them, such as your VPC's CIDR "10.0.0.0/16".`
            : checkAllowlist("dashboardIngress.loadBalancerSubnetCidrs", subnets, "the load balancer's subnets")),
        () => (d.certificateArn === undefined || d.certificateArn === ""
            ? `dashboardIngress.certificateArn is missing: the load balancer signs users in only on HTTPS; give an ACM certificate ARN.`
            : checkCertificateArn("dashboardIngress.certificateArn", d.certificateArn)),
        () => {
            if (oidc.length === 0 && cognito.length === 0) {
                return `dashboardIngress has no sign-in: ${why}; set oidcIssuer, oidcAuthorizationEndpoint, oidcTokenEndpoint, oidcUserInfoEndpoint and oidcSecretName (an OIDC identity provider), or cognitoUserPoolArn, cognitoUserPoolClientId and cognitoUserPoolDomain (a Cognito user pool).`;
            }
            if (oidc.length > 0 && cognito.length > 0) {
                return `dashboardIngress sets both OIDC (${oidc.join(", ")}) and Cognito (${cognito.join(", ")}) fields: choose one sign-in.`;
            }
            const [kind, fields, set] = oidc.length > 0 ? ["OIDC", OIDC_FIELDS, oidc] as const : ["Cognito", COGNITO_FIELDS, cognito] as const;
            const missing = incomplete(fields, set);
            return missing.length > 0 ? `dashboardIngress ${kind} sign-in is incomplete: set ${missing.join(", ")}.` : undefined;
        },
    ]);
}

/** A model's architecture for the KV-cache sizing: the one given (all three numbers), or the catalogue's by `source`. */
export function architectureOf(m: ModelArgs): ModelArchitecture | undefined {
    if (m.numHiddenLayers !== undefined && m.numKeyValueHeads !== undefined && m.headDim !== undefined) {
        return { hiddenLayers: m.numHiddenLayers, keyValueHeads: m.numKeyValueHeads, headDim: m.headDim };
    }
    return MODEL_ARCHITECTURES[m.source];
}

/**
 * What a replica of the model can serve (servingCapacity), when its KV cache can be sized: a
 * model of known size and architecture, with arguments the validation accepts; otherwise undefined.
 */
export function capacityOf(m: ResolvedModel): ServingCapacity | undefined {
    const size = instanceSizeOf(m.accelerator);
    const a = m.architecture;
    const valid = size !== undefined && a !== undefined && (m.parametersBillions ?? 0) > 0 && m.dtype in DTYPE_BYTES
        && isPositiveInteger(m.tensorParallelSize) && size.gpus % m.tensorParallelSize === 0
        && m.gpuMemoryUtilization > 0 && m.gpuMemoryUtilization <= 1 && isPositiveInteger(m.maxModelLength)
        && [a.hiddenLayers, a.keyValueHeads, a.headDim].every(isPositiveInteger);
    if (!valid) {
        return undefined;
    }
    return servingCapacity({ ...m, parametersBillions: m.parametersBillions!, architecture: a! });
}

/**
 * A model with its defaults, its parameter count (given, or from the presets) and its architecture.
 * A generative model whose KV cache is sized takes Serve's `max_ongoing_requests` and
 * `target_ongoing_requests` from it (servingCapacity): Ray Serve LLM's own defaults are unbounded
 * (1e9, ray/llm/_internal/serve/constants.py), so requests would queue inside vLLM where Serve's
 * autoscaler never sees them. An embedding request holds the cache for one forward pass only, so
 * embedding models, and models whose cache is not sized, keep the fixed defaults.
 */
export function resolveModel(m: ModelArgs): ResolvedModel {
    const given = Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as ModelArgs;
    const model: ResolvedModel = { ...vllmServiceDefaults.model, ...given, parametersBillions: m.parametersBillions ?? PARAMETER_PRESETS[m.source], architecture: architectureOf(m) };
    const capacity = model.embedding ? undefined : capacityOf(model);
    const target = m.targetOngoingRequests;
    const defaultMax = capacity?.maxOngoingRequests ?? vllmServiceDefaults.model.maxOngoingRequests;
    // A target alone raises the maximum above it when it has to (Ray: the maximum above the target).
    const maxOngoingRequests = m.maxOngoingRequests
        ?? (typeof target === "number" && target >= defaultMax ? Math.ceil(target * MAX_OVER_TARGET) : defaultMax);
    const targetOngoingRequests = target
        ?? (capacity !== undefined ? targetOngoingRequestsFor(maxOngoingRequests) : Math.min(vllmServiceDefaults.model.targetOngoingRequests, targetOngoingRequestsFor(maxOngoingRequests)));
    return { ...model, maxOngoingRequests, targetOngoingRequests };
}

/** "qwen3-8b" on g6.2xlarge (L4, tensorParallelSize 1), as warnings name a model. */
function modelAt(i: number, m: ResolvedModel): string {
    return `models[${i}] ${show(m.name)} on ${m.accelerator} (${familyOfInstanceType(m.accelerator)!.rayAcceleratorType}, tensorParallelSize ${m.tensorParallelSize})`;
}

/**
 * What is risky but allowed in valid arguments, as warnings naming the model and the values: a KV
 * cache that cannot hold one request of maxModelLength (vLLM refuses to start), and an explicit
 * maxOngoingRequests or targetOngoingRequests above what the KV cache runs at once (the rest would
 * queue inside vLLM, where Serve's autoscaler does not see them).
 */
export function vllmServiceWarnings(name: string, given: ModelArgs[], models: ResolvedModel[]): string[] {
    return models.flatMap((m, i) => {
        const c = capacityOf(m);
        if (c === undefined) {
            return [];
        }
        const warnings: string[] = [];
        if (c.tokens < m.maxModelLength) {
            warnings.push(`VllmRayService ${name}: ${modelAt(i, m)} has about ${c.kvCacheGiB.toFixed(1)} GiB of KV cache per GPU, ${c.tokens} tokens: less than one request of maxModelLength ${m.maxModelLength}, so vLLM refuses to start. Lower maxModelLength to ${c.tokens} or less, or give it more GPU memory (tensorParallelSize, gpuMemoryUtilization or a larger accelerator).`);
        }
        const explicit = [
            // `given` are the models as the program gave them, one for each of `models`.
            ...(given[i].maxOngoingRequests !== undefined && m.maxOngoingRequests > c.maxOngoingRequests ? [`maxOngoingRequests ${m.maxOngoingRequests}`] : []),
            ...(given[i].targetOngoingRequests !== undefined && m.targetOngoingRequests >= c.maxOngoingRequests ? [`targetOngoingRequests ${m.targetOngoingRequests}`] : []),
        ];
        if (!m.embedding && explicit.length > 0) {
            const typical = Math.round(m.maxModelLength * TYPICAL_REQUEST_SHARE);
            warnings.push(`VllmRayService ${name}: ${modelAt(i, m)} runs about ${c.maxOngoingRequests} requests at once: its ${c.kvCacheGiB.toFixed(1)} GiB of KV cache per GPU holds ${c.tokens} tokens, ${c.sequences.toFixed(2)} requests of maxModelLength ${m.maxModelLength} or ${Math.floor(c.tokens / typical)} of a typical ${typical} tokens, and vLLM runs at most ${vllmMaxNumSeqs(m.accelerator)} (max_num_seqs). With ${explicit.join(" and ")}, a replica takes more than it runs, and the rest queue inside vLLM, where Serve's autoscaler does not see them. Use maxOngoingRequests ${c.maxOngoingRequests} and targetOngoingRequests ${c.targetOngoingRequests} (the defaults), or give the model more GPU memory.`);
        }
        return warnings;
    });
}

/** Generative models whose KV cache is not sized (an architecture the catalogue does not know), as notes. */
export function vllmServiceNotes(name: string, models: ResolvedModel[]): string[] {
    return models.filter((m) => !m.embedding && m.architecture === undefined)
        .map((m) => `VllmRayService ${name}: the KV cache of ${show(m.name)} is not sized (MODEL_ARCHITECTURES does not know ${show(m.source)}), so maxOngoingRequests ${m.maxOngoingRequests} and targetOngoingRequests ${m.targetOngoingRequests} do not follow from it. Give numHiddenLayers, numKeyValueHeads and headDim (from the model's config.json) to size it.`);
}
