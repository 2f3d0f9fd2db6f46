/**
 * The Ray Serve config of a VllmRayService (the RayService's `serveConfigV2`): one Ray Serve LLM
 * application, `ray.serve.llm:build_openai_app`, whose `llm_configs` are the models. It serves
 * /v1/chat/completions, /v1/completions, /v1/embeddings and /v1/models and routes by `model`.
 */
import * as YAML from "yaml";

import { familyOfInstanceType } from "../gpu-nodepool/catalog";
import { ResolvedModel } from "./args";
import { groupOfModel, ingressDeploymentConfig, modelPlacementGroup, WorkerGroup, workerGroups } from "./placement";

/** The Serve application's name and import path. */
export const SERVE_APP_NAME = "llm";
export const SERVE_IMPORT_PATH = "ray.serve.llm:build_openai_app";
/** Seconds a request may take end to end (long generations included). */
export const REQUEST_TIMEOUT_S = 600;

/** Where Serve LLM loads a model from: a Hugging Face id, or an S3 prefix as a cloud mirror. */
export function modelSource(source: string): string | { bucket_uri: string } {
    return source.startsWith("s3://") ? { bucket_uri: source } : source;
}

/** One model's Serve LLM `LLMConfig`, its replicas placed on `group` (its worker group). */
export function llmConfig(m: ResolvedModel, group: WorkerGroup): Record<string, unknown> {
    const engine: Record<string, unknown> = {
        tensor_parallel_size: m.tensorParallelSize,
        max_model_len: m.maxModelLength,
        gpu_memory_utilization: m.gpuMemoryUtilization,
        enable_prefix_caching: m.enablePrefixCaching,
        dtype: m.dtype,
    };
    if (m.embedding) {
        // vLLM's pooling runner serves /v1/embeddings (its `task` option was removed in vLLM 0.13).
        engine.runner = "pooling";
        delete engine.enable_prefix_caching;
    }
    return {
        model_loading_config: { model_id: m.name, model_source: modelSource(m.source) },
        accelerator_type: familyOfInstanceType(m.accelerator)!.rayAcceleratorType,
        // Every replica on its own worker group's nodes, tensor-parallel GPUs on one node.
        placement_group_config: modelPlacementGroup(m, group),
        engine_kwargs: engine,
        // vLLM's engine metrics (time to first token, KV cache...) through Ray's metrics, for MonitoringStack.
        log_engine_metrics: true,
        deployment_config: {
            autoscaling_config: {
                min_replicas: m.minReplicas,
                max_replicas: m.maxReplicas,
                target_ongoing_requests: m.targetOngoingRequests,
                upscale_delay_s: m.upscaleDelaySeconds,
                downscale_delay_s: m.downscaleDelaySeconds,
                ...(m.upscalingFactor !== undefined ? { upscaling_factor: m.upscalingFactor } : {}),
                ...(m.downscalingFactor !== undefined ? { downscaling_factor: m.downscalingFactor } : {}),
            },
            max_ongoing_requests: m.maxOngoingRequests,
        },
    };
}

/**
 * Where Serve runs its HTTP proxies. "EveryNode" starts one on the head and on every node that
 * hosts a replica (python/ray/serve/_private/controller.py `ServeController._update_proxy_nodes`):
 * the CPU workers that hold the ingress, and the GPU nodes while they hold a model. A proxy takes
 * no CPU and is drained from a node whose last replica goes, so it never keeps a GPU node up.
 * KubeRay 1.7 adds a probe of the proxy's health to every RayService worker's readiness
 * (ray-operator/controllers/ray/common/pod.go `initLivenessAndReadinessProbe`) and selects
 * `ray.io/serve: "true"` pods for the serve Service (common/service.go `BuildServeService`), so the
 * Service's endpoints are exactly the pods whose proxy is up. "HeadOnly" would leave the endpoint
 * on the head alone (down whenever the head restarts, which GCS fault tolerance is there to
 * survive) and every worker pod unready for good.
 */
export const PROXY_LOCATION = "EveryNode";

/** The whole Serve config, as data. */
export function serveConfig(models: ResolvedModel[]): Record<string, unknown> {
    const groups = workerGroups(models);
    return {
        proxy_location: PROXY_LOCATION,
        http_options: { host: "0.0.0.0", port: 8000, request_timeout_s: REQUEST_TIMEOUT_S },
        applications: [{
            name: SERVE_APP_NAME,
            route_prefix: "/",
            import_path: SERVE_IMPORT_PATH,
            args: {
                llm_configs: models.map((m) => llmConfig(m, groupOfModel(m, groups))),
                // The ingress runs only on the CPU group.
                ingress_deployment_config: ingressDeploymentConfig(),
            },
        }],
    };
}

/** The Serve config as the YAML string `serveConfigV2` takes. */
export function serveConfigV2(models: ResolvedModel[]): string {
    return YAML.stringify(serveConfig(models), { lineWidth: 0 });
}
