import * as assert from "node:assert/strict";

// Every default a user relies on, written out: versions of charts and images, sizes, replicas,
// thresholds, timeouts, retention, the policies' configurable limits. A change to any of them is
// a change users see, so it must change this file too (and the docs).

import { clusterDefaults, SUPPORTED_KUBERNETES_VERSIONS } from "../components/cluster/args";
import { INTERRUPTION_MESSAGE_RETENTION_SECONDS } from "../components/cluster/karpenter";
import { KARPENTER_VERSION, LOAD_BALANCER_CONTROLLER_VERSION } from "../components/cluster/versions";
import { DEFAULT_UPGRADE_STRATEGY } from "../components/common/gpu-demand";
import { GCS_REDIS_ENGINE_VERSIONS, gcsRedisDefaults } from "../components/gcs-redis/args";
import { DEFAULT_AMI_ALIAS, DEVICE_PLUGIN_VERSION, gpuNodePoolDefaults } from "../components/gpu-nodepool/args";
import { KUBERAY_FEATURE_GATES, KUBERAY_VERSION, kubeRayDefaults } from "../components/kuberay/args";
import { DCGM_EXPORTER_VERSION, KUBE_PROMETHEUS_STACK_VERSION, monitoringDefaults, RUNBOOK_BASE_URL } from "../components/monitoring/args";
import { MIN_RAY_VERSION, RAY_LLM_IMAGE, RAY_VERSION, vllmServiceDefaults } from "../components/vllm-service/args";
import { REQUEST_TIMEOUT_S } from "../components/vllm-service/serve";
import { allPolicies } from "../policy/policies";

describe("defaults, written out", () => {
    it("pinned versions: charts, controllers, images, the AMI", () => {
        assert.deepEqual(
            {
                KARPENTER_VERSION, LOAD_BALANCER_CONTROLLER_VERSION, KUBERAY_VERSION, DEVICE_PLUGIN_VERSION, DEFAULT_AMI_ALIAS,
                KUBE_PROMETHEUS_STACK_VERSION, DCGM_EXPORTER_VERSION, RAY_VERSION, MIN_RAY_VERSION, RAY_LLM_IMAGE,
            },
            {
                KARPENTER_VERSION: "1.14.1",
                LOAD_BALANCER_CONTROLLER_VERSION: "3.5.0",
                KUBERAY_VERSION: "1.7.0",
                DEVICE_PLUGIN_VERSION: "0.20.0",
                DEFAULT_AMI_ALIAS: "al2023@v20260714",
                KUBE_PROMETHEUS_STACK_VERSION: "88.5.3",
                DCGM_EXPORTER_VERSION: "4.8.2",
                RAY_VERSION: "2.56.0",
                MIN_RAY_VERSION: "2.54.0",
                RAY_LLM_IMAGE: "rayproject/ray-llm:2.56.0-py312-cu130",
            },
        );
        assert.deepEqual(SUPPORTED_KUBERNETES_VERSIONS, ["1.32", "1.33", "1.34", "1.35", "1.36"]);
    });

    it("LlmCluster", () => {
        assert.deepEqual(clusterDefaults, {
            kubernetesVersion: "1.35",
            vpcCidr: "10.0.0.0/16",
            availabilityZoneCount: 3,
            natGateways: "OnePerAz",
            endpointPublicAccessCidrs: [],
            allowPublicEndpointFromAnywhere: false,
            systemNodeInstanceTypes: ["m7i.xlarge", "m6i.xlarge"],
            systemNodeMinSize: 2,
            systemNodeMaxSize: 4,
            systemNodeDiskSizeGiB: 150,
            controlPlaneLogRetentionDays: 90,
            deletionProtection: true,
            endpointPrivateAccessCidrs: [],
            endpointPrivateAccessSecurityGroupIds: [],
            accessEntries: [],
            storageReclaimPolicy: "Retain",
            karpenterVersion: "1.14.1",
            karpenterNamespace: "kube-system",
            karpenterControllerCpu: "1",
            karpenterControllerMemory: "1Gi",
            supportType: "STANDARD",
            ebsCsiDriver: true,
            loadBalancerController: true,
            loadBalancerControllerVersion: "3.5.0",
            tags: {},
        });
        // How long the interruption queue keeps a Spot interruption or health event for Karpenter.
        assert.equal(INTERRUPTION_MESSAGE_RETENTION_SECONDS, 300);
    });

    it("GpuNodePool, and each of its pools", () => {
        assert.deepEqual(gpuNodePoolDefaults, {
            amiAlias: "al2023@v20260714",
            volumeSizeGiB: 200,
            volumeIops: 3000,
            volumeThroughput: 250,
            instanceStoreRaid0: false,
            devicePluginVersion: "0.20.0",
            tags: {},
            pool: {
                instanceFamilies: ["g6", "g6e", "g5"],
                capacityTypes: ["spot", "on-demand"],
                minGpusPerNode: 1,
                maxGpusPerNode: 8,
                consolidationPolicy: "WhenEmpty",
                consolidateAfter: "10m",
                disruptionBudgets: [{ nodes: "1" }],
                expireAfter: "720h",
                terminationGracePeriod: "1h",
                labels: {},
            },
        });
    });

    it("KubeRayOperator, with KubeRay 1.7.0's feature gates as its chart sets them", () => {
        assert.deepEqual(kubeRayDefaults, {
            namespace: "kuberay-system",
            version: "1.7.0",
            featureGates: [],
            watchNamespaces: [],
            cpuRequest: "100m",
            cpuLimit: "1",
            memory: "512Mi",
            retainCrdsOnDelete: true,
        });
        assert.deepEqual(KUBERAY_FEATURE_GATES, {
            RayClusterStatusConditions: true,
            RayJobDeletionPolicy: true,
            RayMultiHostIndexing: true,
            RayServiceIncrementalUpgrade: true,
            RayCronJob: false,
            RayClusterMTLS: false,
            RayClusterNetworkPolicy: false,
            RayClusterHistoryServer: false,
            SidecarSubmitterRestart: false,
            GCSFaultToleranceEmbeddedStorage: false,
            KubernetesWAS: false,
        });
    });

    it("GcsRedis, with each engine's version", () => {
        assert.deepEqual(gcsRedisDefaults, {
            engine: "redis",
            nodeType: "cache.r7g.large",
            nodes: 2,
            snapshotRetentionDays: 1,
            deletionProtection: true,
            finalSnapshot: true,
            tags: {},
        });
        assert.deepEqual(GCS_REDIS_ENGINE_VERSIONS, { redis: "7.1", valkey: "8.0" });
    });

    it("MonitoringStack: retention, storage and the alert thresholds", () => {
        assert.deepEqual(monitoringDefaults, {
            namespace: "monitoring",
            chartVersion: "88.5.3",
            dcgmExporterVersion: "4.8.2",
            rayNamespaces: [],
            karpenterNamespace: "kube-system",
            retention: "15d",
            storageSizeGiB: 50,
            retainVolumeOnDelete: true,
            errorRatioThreshold: 0.05,
            p99LatencySecondsThreshold: 30,
            queueDepthThreshold: 50,
            kvCacheUsageThreshold: 0.95,
            runbookBaseUrl: "https://github.com/ray-vllm-eks/ray-vllm-eks/blob/main/docs/runbooks.md",
        });
        assert.equal(RUNBOOK_BASE_URL, "https://github.com/ray-vllm-eks/ray-vllm-eks/blob/main/docs/runbooks.md");
    });

    it("VllmRayService, each model, Serve's request timeout and the upgrade strategy", () => {
        assert.deepEqual(vllmServiceDefaults, {
            namespace: "llm",
            image: "rayproject/ray-llm:2.56.0-py312-cu130",
            rayVersion: "2.56.0",
            huggingFaceTokenSecretKey: "token",
            modelCacheSizeGiB: 100,
            upgradeStrategy: "NewCluster",
            redisPasswordSecretKey: "password",
            restartGeneration: 0,
            headCpu: "2",
            headMemory: "8Gi",
            cpuWorkerCpu: "2",
            cpuWorkerMemory: "4Gi",
            cpuWorkerMaxReplicas: 2,
            exposeServe: false,
            serveAllowPlaintext: false,
            serveInternetFacing: false,
            serveAllowedCidrs: [],
            serveClientNamespaces: [],
            serveClientCidrs: [],
            kubeRayOperatorNamespace: "kuberay-system",
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
                targetOngoingRequests: 16,
                maxOngoingRequests: 64,
                upscaleDelaySeconds: 30,
                downscaleDelaySeconds: 600,
            },
        });
        assert.equal(REQUEST_TIMEOUT_S, 600);
        // KubeRay's own default, which the GPU demand assumes when a RayService sets none.
        assert.equal(DEFAULT_UPGRADE_STRATEGY, "NewCluster");
    });

    it("the policies: every one mandatory, and the defaults of their settings", () => {
        assert.deepEqual(allPolicies.map((p) => [p.name, p.enforcementLevel]), [
            ["gpu-nodepool-limit", "mandatory"],
            ["gpu-nodepool-taint", "mandatory"],
            ["gpu-instance-families", "mandatory"],
            ["gpu-container-limits", "mandatory"],
            ["gpu-budget", "mandatory"],
            ["ray-ports-not-exposed", "mandatory"],
            ["ray-head-service-internal", "mandatory"],
            ["ray-dashboard-ingress", "mandatory"],
            ["serve-port-exposure", "mandatory"],
            ["serve-route-exposure", "mandatory"],
            ["no-open-security-group-rules", "mandatory"],
            ["eks-public-endpoint-restricted", "mandatory"],
            ["helm-values-exposure", "mandatory"],
            ["monitoring-ui-exposure", "mandatory"],
            ["eks-secrets-encryption", "mandatory"],
            ["eks-control-plane-logging", "mandatory"],
            ["nodes-require-imdsv2", "mandatory"],
            ["ray-minimum-version", "mandatory"],
            ["no-latest-image-tags", "mandatory"],
            ["no-literal-secrets-in-env", "mandatory"],
            ["ray-namespace-default-deny", "mandatory"],
        ]);
        const settings = Object.fromEntries(allPolicies.filter((p) => p.configSchema).map((p) => [
            p.name,
            Object.fromEntries(Object.entries(p.configSchema!.properties as Record<string, { default?: unknown }>).map(([k, v]) => [k, v.default])),
        ]));
        assert.deepEqual(settings, {
            "gpu-nodepool-limit": { maxGpus: 64 },
            "gpu-instance-families": { allowedFamilies: ["g5", "g6", "g6e", "p4d", "p4de", "p5", "p5e", "p5en"] },
            "gpu-container-limits": { maxGpusPerPod: 8 },
            "eks-control-plane-logging": { requiredLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"] },
            "ray-minimum-version": { minRayVersion: "2.54.0" },
        });
    });
});
