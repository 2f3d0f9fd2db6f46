import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

import { COST_FOOTER, environmentPlan, plan, PlanRun, startedEarly } from "./support/plan";

import { gpuBudgetOf } from "../policy/gpu";

interface Planned {
    type: string;
    name: string;
    urn: string;
    parent?: string;
    dependencies: string[];
    inputs: any;
}

/** The composition every production-shaped environment shares, with its sizes. */
interface Expected {
    /** The plan's output from its GPU budget on, line by line. */
    stdout: string[];
    pools: Record<string, { limit: string; capacity: string[]; types: string[] }>;
    replicas: Record<string, [number, number]>;
    groups: Record<string, [number, number]>;
    redisNodeType: string;
    outputs: { serviceMaxGpus: number; serviceUpgradeGpus: number; idleGpuFloor: number; gpuLimit: number };
    /** plan.json's cost totals, computed by hand (the sums are in the comments). */
    cost: { idle: { hourly: number; monthly: number }; maximum: { hourly: number; monthly: number } };
}

const EXPECTED: Record<string, Expected> = {
    staging: {
        stdout: [
            "GPU budget: the GPU NodePools allow 12 GPUs; the RayServices need at most 6 (12 during NewCluster upgrades): fits in each NodePool; idle GPU floor 2 (GPUs that stay up with no traffic)",
            "  NodePool gpu-large: limit 8 GPUs; needs at most 4 (8 during NewCluster upgrades): fits; idle floor 0; from llm/vllm's g6e-12xlarge",
            "  NodePool gpu-shared: limit 4 GPUs; needs at most 2 (4 during NewCluster upgrades): fits; idle floor 2; from llm/vllm's g6e-xlarge and g6-xlarge",
            "serving capacity: qwen3-8b on g6e.xlarge (L40S, tp 1): 23.5 GiB KV cache per GPU = 170,944 tokens = 20.87 sequences of 8192 tokens; max_ongoing_requests 83, target 56",
            "serving capacity: qwen2.5-72b on g6e.12xlarge (L40S, tp 4): 4.9 GiB KV cache per GPU = 63,952 tokens = 7.81 sequences of 8192 tokens; max_ongoing_requests 31, target 21",
            "serving capacity: bge-m3 on g6.xlarge (L4, tp 1): no KV cache (an encoder-only model); max_ongoing_requests 64, target 16",
            "cost (us-west-2 list prices of 2026-07-06, USD): idle floor $2.75/hour ($2,005.75/month); at the limits $26.18/hour ($19,110.57/month)",
            "  EKS control plane: 1 × $0.10/hour (standard support): $0.10/hour",
            "  NAT gateways: 2 × $0.045/hour: $0.09/hour",
            "  public IPv4 addresses: 2 × $0.005/hour: $0.01/hour",
            "  system nodes: node group llm-system-nodes: 3 to 4 × m7i.2xlarge (on-demand, $0.4032/hour): $1.21 to $1.61/hour",
            "  system node volumes: node group llm-system-nodes: 3 to 4 root volumes ($0.0164/hour each): $0.0493 to $0.0658/hour",
            "  GPU nodes: NodePool gpu-large (on-demand; nodes with their volumes): no node when idle; at its limit of 8 GPUs 2 × g6e.12xlarge: $0.00 to $21.04/hour",
            "  GPU nodes: NodePool gpu-shared (spot first, priced as spot; nodes with their volumes): idle 1 × g6e.xlarge + 1 × g6.xlarge; at its limit of 4 GPUs 4 × g6e.xlarge: $1.12 to $3.09/hour",
            "  Redis: gcs-redis: 2 × cache.t4g.medium ($0.065/hour): $0.13/hour",
            "  load balancers: 1 × $0.0225/hour: $0.0225/hour",
            "  persistent volumes: 100 GiB of gp3: $0.011/hour",
            "  KMS keys: 1 × $1.00/month: $0.0014/hour",
            ...COST_FOOTER,
            "policy pack (config policy/config/staging.json): 21 policies, no violations",
            "policy pack, real engine's view (config policy/config/staging.json): 21 policies, no violations",
            "  note: kubernetes:helm.sh/v4:Chart kuberay-chart: the chart's objects are not replayed (the provider renders the chart)",
        ],
        pools: {
            "gpu-shared": { limit: "4", capacity: ["spot", "on-demand"], types: ["g6e.xlarge", "g6.xlarge"] },
            "gpu-large": { limit: "8", capacity: ["on-demand"], types: ["g6e.12xlarge"] },
        },
        replicas: { "qwen3-8b": [1, 1], "qwen2.5-72b": [0, 1], "bge-m3": [1, 1] },
        groups: { "cpu": [1, 2], "g6e-xlarge": [1, 1], "g6e-12xlarge": [0, 1], "g6-xlarge": [1, 1] },
        redisNodeType: "cache.t4g.medium",
        outputs: { serviceMaxGpus: 6, serviceUpgradeGpus: 12, idleGpuFloor: 2, gpuLimit: 12 },
        // Idle: EKS 0.1 + 2 NAT 0.09 + 2 IPv4 0.01 + 3 × m7i.2xlarge 1.2096 + 3 × 150 GiB 36/730
        // + g6e.xlarge and g6.xlarge at 40% (0.7444 + 0.32192) and their 200 GiB, 250 MiB/s volumes
        // 2 × 21/730 + 2 × cache.t4g.medium 0.13 + an NLB 0.0225 + 100 GiB 8/730 + a KMS key 1/730
        // = 2.74759808. At the limits: 4 system nodes 1.6128 + 48/730, 2 × g6e.12xlarge on-demand
        // 2 × (10.49264 + 21/730), 4 × g6e.xlarge at 40% 4 × (0.7444 + 21/730), and the rest as idle = 26.17886492.
        cost: { idle: { hourly: 2.7476, monthly: 2005.7466 }, maximum: { hourly: 26.1789, monthly: 19110.5714 } },
    },
    prod: {
        stdout: [
            "GPU budget: the GPU NodePools allow 28 GPUs; the RayServices need at most 14 (28 during NewCluster upgrades): fits in each NodePool; idle GPU floor 6 (GPUs that stay up with no traffic)",
            "  NodePool gpu-large: limit 16 GPUs; needs at most 8 (16 during NewCluster upgrades): fits; idle floor 4; from llm/vllm's g6e-12xlarge",
            "  NodePool gpu-shared: limit 12 GPUs; needs at most 6 (12 during NewCluster upgrades): fits; idle floor 2; from llm/vllm's g6e-xlarge and g6-xlarge",
            "serving capacity: qwen3-8b on g6e.xlarge (L40S, tp 1): 23.5 GiB KV cache per GPU = 170,944 tokens = 20.87 sequences of 8192 tokens; max_ongoing_requests 83, target 56",
            "serving capacity: qwen2.5-72b on g6e.12xlarge (L40S, tp 4): 4.9 GiB KV cache per GPU = 63,952 tokens = 7.81 sequences of 8192 tokens; max_ongoing_requests 31, target 21",
            "serving capacity: bge-m3 on g6.xlarge (L4, tp 1): no KV cache (an encoder-only model); max_ongoing_requests 64, target 16",
            "cost (us-west-2 list prices of 2026-07-06, USD): idle floor $13.63/hour ($9,947.71/month); at the limits $54.60/hour ($39,861.13/month)",
            "  EKS control plane: 1 × $0.10/hour (standard support): $0.10/hour",
            "  NAT gateways: 3 × $0.045/hour: $0.135/hour",
            "  public IPv4 addresses: 3 × $0.005/hour: $0.015/hour",
            "  system nodes: node group llm-system-nodes: 3 to 6 × m7i.2xlarge (on-demand, $0.4032/hour): $1.21 to $2.42/hour",
            "  system node volumes: node group llm-system-nodes: 3 to 6 root volumes ($0.0164/hour each): $0.0493 to $0.0986/hour",
            "  GPU nodes: NodePool gpu-large (on-demand; nodes with their volumes): idle 1 × g6e.12xlarge; at its limit of 16 GPUs 4 × g6e.12xlarge: $10.52 to $42.09/hour",
            "  GPU nodes: NodePool gpu-shared (spot first, priced as spot; nodes with their volumes): idle 1 × g6e.xlarge + 1 × g6.xlarge; at its limit of 12 GPUs 12 × g6e.xlarge: $1.12 to $9.28/hour",
            "  Redis: gcs-redis: 2 × cache.r7g.large ($0.219/hour): $0.438/hour",
            "  load balancers: 1 × $0.0225/hour: $0.0225/hour",
            "  persistent volumes: 100 GiB of gp3: $0.011/hour",
            "  KMS keys: 1 × $1.00/month: $0.0014/hour",
            ...COST_FOOTER,
            "policy pack (config policy/config/prod.json): 21 policies, no violations",
            "policy pack, real engine's view (config policy/config/prod.json): 21 policies, no violations",
            "  note: kubernetes:helm.sh/v4:Chart kuberay-chart: the chart's objects are not replayed (the provider renders the chart)",
        ],
        pools: {
            "gpu-shared": { limit: "12", capacity: ["spot", "on-demand"], types: ["g6e.xlarge", "g6.xlarge"] },
            "gpu-large": { limit: "16", capacity: ["on-demand"], types: ["g6e.12xlarge"] },
        },
        replicas: { "qwen3-8b": [1, 4], "qwen2.5-72b": [1, 2], "bge-m3": [1, 2] },
        groups: { "cpu": [1, 2], "g6e-xlarge": [1, 4], "g6e-12xlarge": [1, 2], "g6-xlarge": [1, 2] },
        redisNodeType: "cache.r7g.large",
        outputs: { serviceMaxGpus: 14, serviceUpgradeGpus: 28, idleGpuFloor: 6, gpuLimit: 28 },
        // Idle: EKS 0.1 + 3 NAT 0.135 + 3 IPv4 0.015 + 3 × m7i.2xlarge 1.2096 + 36/730, a
        // g6e.12xlarge on-demand 10.49264 + 21/730, g6e.xlarge and g6.xlarge at 40% 1.06632 + 42/730,
        // 2 × cache.r7g.large 0.438 + 0.0225 + 8/730 + 1/730 = 13.6270052. At the limits: 6 system
        // nodes 2.4192 + 72/730, 4 × (10.49264 + 21/730), 12 × (0.7444 + 21/730), and the rest as idle = 54.60429287.
        cost: { idle: { hourly: 13.627, monthly: 9947.7138 }, maximum: { hourly: 54.6043, monthly: 39861.1338 } },
    },
};

describe("the staging and prod environments (production shape)", () => {
    const runs: Record<string, PlanRun> = {};
    const plans: Record<string, { resources: Planned[]; outputs: Record<string, unknown> }> = {};

    before(async () => {
        const envs = Object.keys(EXPECTED);
        const results = await Promise.all(envs.map((env) => environmentPlan(env)));
        envs.forEach((env, i) => {
            runs[env] = results[i];
            if (results[i].code === 0) {
                plans[env] = JSON.parse(fs.readFileSync(path.join(results[i].out, "plan.json"), "utf8"));
            }
        });
    });

    for (const [env, expected] of Object.entries(EXPECTED)) {
        describe(env, () => {
            const byType = (t: string): Planned[] => plans[env].resources.filter((r) => r.type === t);
            const one = (t: string, name: string): Planned => {
                const found = plans[env].resources.filter((r) => r.type === t && r.name === name);
                assert.equal(found.length, 1, `one ${t} ${name}`);
                return found[0];
            };

            it("plans with exit 0, prints its GPU budget, idle floor and serving capacity, and passes the pack with its policy config", () => {
                assert.equal(runs[env].code, 0, runs[env].stderr + runs[env].stdout);
                // Their config ships AWS's example account as a placeholder: the plan warns, pulumi up would refuse it.
                assert.equal(runs[env].stderr, [
                    "warning: [runtime] placeholder in the stack's config: ray-vllm-eks:accessEntries: arn:aws:iam::111122223333:role/ray-vllm-eks-deployer names 111122223333, an account of AWS's documentation examples: put your own account's.",
                    "warning: [runtime] placeholder in the stack's config: ray-vllm-eks:accessEntries: arn:aws:iam::111122223333:role/ray-vllm-eks-oncall names 111122223333, an account of AWS's documentation examples: put your own account's.",
                    "warning: [runtime] placeholder in the stack's config: ray-vllm-eks:serveTlsCertificateArn: arn:aws:acm:us-west-2:111122223333:certificate/00000000-0000-0000-0000-000000000000 names 111122223333, an account of AWS's documentation examples: put your own account's.",
                    "",
                ].join("\n"));
                const out = runs[env].stdout;
                assert.deepEqual(out.slice(out.indexOf("\nGPU budget:") + 1).split("\n"), [...expected.stdout, ""]);
            });

            it("records its cost in plan.json: the region, the price table's date, and the totals at the idle floor and at the limits", () => {
                const cost = (plans[env] as unknown as { cost: { region: string; prices: { date: string }; idle: unknown; maximum: unknown } }).cost;
                assert.deepEqual([cost.region, cost.prices.date, cost.idle, cost.maximum], ["us-west-2", "2026-07-06", expected.cost.idle, expected.cost.maximum]);
            });

            it("composes one of each component, in order, through one explicit provider", () => {
                const components = plans[env].resources.filter((r) => r.type.startsWith("ray-vllm-eks:index:")).map((r) => `${r.type.split(":")[2]} ${r.name}`).sort();
                assert.deepEqual(components, ["GcsRedis gcs", "GpuNodePool gpu", "KubeRayOperator kuberay", "LlmCluster llm", "MonitoringStack monitoring", "VllmRayService vllm"]);
                // dependsOn a component means every one of its children, recorded on the RayService.
                const rayService = one("kubernetes:ray.io/v1:RayService", "vllm-rayservice");
                for (const [type, before] of [
                    ["kubernetes:helm.sh/v4:Chart", "kuberay-chart"],
                    ["kubernetes:karpenter.sh/v1:NodePool", "gpu-large"],
                    ["kubernetes:helm.sh/v3:Release", "monitoring-kube-prometheus-stack"],
                    ["aws:elasticache/replicationGroup:ReplicationGroup", "gcs-redis"],
                ]) {
                    assert.ok(rayService.dependencies.includes(one(type, before).urn), `the RayService waits for ${before}`);
                }
                const provider = one("pulumi:providers:kubernetes", "k8s");
                for (const r of plans[env].resources.filter((x) => x.type.startsWith("kubernetes:") && !x.urn.includes("LlmCluster"))) {
                    assert.ok((r as any).provider.startsWith(`${provider.urn}::`), `${r.name} deploys through the stack's provider`);
                }
            });

            it("splits GPU capacity into a spot-first pool for the small models and an on-demand pool for the large one", () => {
                const pools = byType("kubernetes:karpenter.sh/v1:NodePool");
                assert.deepEqual(pools.map((p) => p.name).sort(), Object.keys(expected.pools).sort());
                for (const pool of pools) {
                    const want = expected.pools[pool.name];
                    assert.deepEqual(pool.inputs.spec.limits, { "nvidia.com/gpu": want.limit });
                    const requirements = pool.inputs.spec.template.spec.requirements as { key: string; values: string[] }[];
                    assert.deepEqual(requirements.find((r) => r.key === "karpenter.sh/capacity-type")?.values, want.capacity);
                    assert.deepEqual(requirements.find((r) => r.key === "node.kubernetes.io/instance-type")?.values, want.types);
                }
                assert.equal(one("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "gpu-nodeclass").inputs.spec.instanceStorePolicy, "RAID0");
            });

            it("serves three models from one OpenAI app, the large one with tensor parallelism on four GPUs, on four worker groups", () => {
                const service = one("kubernetes:ray.io/v1:RayService", "vllm-rayservice");
                const [app] = YAML.parse(service.inputs.spec.serveConfigV2).applications;
                assert.equal(app.import_path, "ray.serve.llm:build_openai_app");
                const configs = app.args.llm_configs as any[];
                assert.deepEqual(configs.map((c) => c.model_loading_config.model_id), ["qwen3-8b", "qwen2.5-72b", "bge-m3"]);
                assert.deepEqual(Object.fromEntries(configs.map((c) => [c.model_loading_config.model_id, [c.deployment_config.autoscaling_config.min_replicas, c.deployment_config.autoscaling_config.max_replicas]])), expected.replicas);
                assert.equal(configs[1].engine_kwargs.tensor_parallel_size, 4);
                assert.equal(configs[2].engine_kwargs.runner, "pooling");
                // max_ongoing_requests and target_ongoing_requests from each replica's KV cache (the embedding model's are fixed).
                assert.deepEqual(configs.map((c) => [c.deployment_config.max_ongoing_requests, c.deployment_config.autoscaling_config.target_ongoing_requests]), [[83, 56], [31, 21], [64, 16]]);
                const groups = service.inputs.spec.rayClusterConfig.workerGroupSpecs as any[];
                assert.deepEqual(Object.fromEntries(groups.map((g) => [g.groupName, [g.minReplicas, g.maxReplicas]])), expected.groups);
                assert.equal(groups.find((g) => g.groupName === "g6e-12xlarge").template.spec.containers[0].resources.limits["nvidia.com/gpu"], "4");
            });

            it("keeps GCS state in a Multi-AZ ElastiCache Redis with TLS and a generated auth token, read from a Secret", () => {
                const group = one("aws:elasticache/replicationGroup:ReplicationGroup", "gcs-redis");
                assert.deepEqual(
                    [group.inputs.multiAzEnabled, group.inputs.automaticFailoverEnabled, group.inputs.transitEncryptionEnabled, group.inputs.atRestEncryptionEnabled, group.inputs.numCacheClusters],
                    [true, true, true, true, 2],
                );
                assert.equal(group.inputs.authToken, "[secret]");
                assert.equal(group.inputs.nodeType, expected.redisNodeType);
                const rule = one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "gcs-from-0");
                assert.deepEqual([rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.ipProtocol], [6379, 6379, "tcp"]);
                const ft = one("kubernetes:ray.io/v1:RayService", "vllm-rayservice").inputs.spec.rayClusterConfig.gcsFaultToleranceOptions;
                assert.match(ft.redisAddress, /^rediss:\/\/master\.gcs-redis-[0-9a-f]+\.[0-9a-f]{6}\.us-west-2\.cache\.amazonaws\.com:6379$/);
                assert.deepEqual(ft.redisPassword, { valueFrom: { secretKeyRef: { name: "vllm-redis-password", key: "password" } } });
                assert.deepEqual(one("kubernetes:core/v1:Secret", "vllm-redis-password").inputs.stringData, { password: "[secret]" });
                // Ray's own OpenSSL misses the image's CA bundle: the GCS is told where it is.
                const head = one("kubernetes:ray.io/v1:RayService", "vllm-rayservice").inputs.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0];
                assert.deepEqual(head.env.find((e: any) => e.name === "RAY_REDIS_CA_CERT"), { name: "RAY_REDIS_CA_CERT", value: "/etc/ssl/certs/ca-certificates.crt" });
            });

            it("exposes Serve on an internal NLB with TLS, admitted by the namespace's NetworkPolicy from the VPC only", () => {
                const serve = one("kubernetes:ray.io/v1:RayService", "vllm-rayservice").inputs.spec.serveService;
                assert.equal(serve.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internal");
                assert.match(serve.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-ssl-cert"], /^arn:aws:acm:us-west-2:111122223333:certificate\//);
                assert.deepEqual(serve.spec.ports, [{ name: "serve", port: 443, targetPort: 8000, protocol: "TCP" }]);
                assert.deepEqual(one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "vllm-netpol-serve").inputs.spec.ingress[0].from, [{ ipBlock: { cidr: "10.0.0.0/16" } }]);
                assert.equal(one("kubernetes:helm.sh/v3:Release", "llm-lb-controller").inputs.chart, "aws-load-balancer-controller");
            });

            it("keeps Prometheus's samples on a gp3 volume of the cluster's EBS CSI driver", () => {
                const values = one("kubernetes:helm.sh/v3:Release", "monitoring-kube-prometheus-stack").inputs.values;
                assert.deepEqual(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec, {
                    storageClassName: "gp3", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "100Gi" } },
                });
                assert.equal(one("kubernetes:storage.k8s.io/v1:StorageClass", "llm-gp3").inputs.metadata.name, "gp3");
            });

            it("has no public Kubernetes API endpoint, and outputs its GPU budget and idle floor", () => {
                assert.equal(one("eks:index:Cluster", "llm-eks").inputs.endpointPublicAccess, false);
                const o = plans[env].outputs;
                assert.deepEqual({ serviceMaxGpus: o.serviceMaxGpus, serviceUpgradeGpus: o.serviceUpgradeGpus, idleGpuFloor: o.idleGpuFloor, gpuLimit: o.gpuLimit }, expected.outputs);
                assert.deepEqual(o.models, ["qwen3-8b", "qwen2.5-72b", "bge-m3"]);
            });
        });
    }

    it("prod enforces every policy of the pack", () => {
        assert.deepEqual(JSON.parse(fs.readFileSync(path.join(__dirname, "..", "policy", "config", "prod.json"), "utf8")), { all: "mandatory" });
    });
});

describe("the GPU budget, NodePool by NodePool", () => {
    it("is, for dev, staging and prod, the demand the VllmRayService outputs: one computation (components/common/gpu-demand.ts)", async () => {
        for (const env of ["dev", "staging", "prod"]) {
            const run = await environmentPlan(env);
            assert.equal(run.code, 0, run.stderr + run.stdout);
            const planned = JSON.parse(fs.readFileSync(path.join(run.out, "plan.json"), "utf8")) as { resources: Planned[]; outputs: Record<string, unknown> };
            const { total } = gpuBudgetOf(planned.resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs })));
            const o = planned.outputs;
            assert.deepEqual({ maxGpus: o.serviceMaxGpus, idleGpus: o.idleGpuFloor, upgradeGpus: o.serviceUpgradeGpus }, total, env);
        }
    });

    describe("prod with a large pool too small for the 72B model (tensor parallel 4 on g6e.12xlarge, up to 2 replicas, NewCluster: 16 GPUs)", () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "gpu-budget-"));
        // Their own processes, started as the suite loads.
        const runs = {
            small: startedEarly(() => plan("prod", "--config", "largeGpuLimit=4", "--out", path.join(out, "small"))),
            // The pools together allow 44 GPUs, more than the 28 the service needs: only the large pool is short.
            together: startedEarly(() => plan("prod", "--config", "gpuLimit=36", "--config", "largeGpuLimit=8", "--out", path.join(out, "together"))),
        };
        after(() => fs.rmSync(out, { recursive: true, force: true }));

        const violation = (limit: number) => `  [mandatory] gpu-budget: kubernetes:karpenter.sh/v1:NodePool gpu-large: NodePool gpu-large allows ${limit} GPUs, but the RayService GPU groups that can land in it may need 16 at once (llm/vllm's worker group g6e-12xlarge: up to 2 pods × 4 GPUs, × 2 during NewCluster upgrades): raise this NodePool's spec.limits["nvidia.com/gpu"] to at least 16, lower that group's maxReplicas, or use upgradeStrategy None.`;
        // prod's costs with these limits: the idle floor is prod's; at the limits, each pool's full
        // limit on its dearest type (see the prod figures above, and test/plan-cost.test.ts).
        const cost = (max: string, large: string, shared: string) => [
            `cost (us-west-2 list prices of 2026-07-06, USD): idle floor $13.63/hour ($9,947.71/month); at the limits ${max}`,
            "  EKS control plane: 1 × $0.10/hour (standard support): $0.10/hour",
            "  NAT gateways: 3 × $0.045/hour: $0.135/hour",
            "  public IPv4 addresses: 3 × $0.005/hour: $0.015/hour",
            "  system nodes: node group llm-system-nodes: 3 to 6 × m7i.2xlarge (on-demand, $0.4032/hour): $1.21 to $2.42/hour",
            "  system node volumes: node group llm-system-nodes: 3 to 6 root volumes ($0.0164/hour each): $0.0493 to $0.0986/hour",
            `  GPU nodes: NodePool gpu-large (on-demand; nodes with their volumes): idle 1 × g6e.12xlarge; ${large}/hour`,
            `  GPU nodes: NodePool gpu-shared (spot first, priced as spot; nodes with their volumes): idle 1 × g6e.xlarge + 1 × g6.xlarge; ${shared}/hour`,
            "  Redis: gcs-redis: 2 × cache.r7g.large ($0.219/hour): $0.438/hour",
            "  load balancers: 1 × $0.0225/hour: $0.0225/hour",
            "  persistent volumes: 100 GiB of gp3: $0.011/hour",
            "  KMS keys: 1 × $1.00/month: $0.0014/hour",
            ...COST_FOOTER,
        ];
        const expected = (shared: number, large: number, costs: string[]) => [
            `GPU budget: the GPU NodePools allow ${shared + large} GPUs; the RayServices need at most 14 (28 during NewCluster upgrades): DOES NOT FIT in NodePool gpu-large; idle GPU floor 6 (GPUs that stay up with no traffic)`,
            `  NodePool gpu-large: limit ${large} GPUs; needs at most 8 (16 during NewCluster upgrades): DOES NOT FIT; idle floor 4; from llm/vllm's g6e-12xlarge`,
            `  NodePool gpu-shared: limit ${shared} GPUs; needs at most 6 (12 during NewCluster upgrades): fits; idle floor 2; from llm/vllm's g6e-xlarge and g6-xlarge`,
            "serving capacity: qwen3-8b on g6e.xlarge (L40S, tp 1): 23.5 GiB KV cache per GPU = 170,944 tokens = 20.87 sequences of 8192 tokens; max_ongoing_requests 83, target 56",
            "serving capacity: qwen2.5-72b on g6e.12xlarge (L40S, tp 4): 4.9 GiB KV cache per GPU = 63,952 tokens = 7.81 sequences of 8192 tokens; max_ongoing_requests 31, target 21",
            "serving capacity: bge-m3 on g6.xlarge (L4, tp 1): no KV cache (an encoder-only model); max_ongoing_requests 64, target 16",
            ...costs,
            "policy pack (config policy/config/prod.json): 21 policies, 1 violation (1 mandatory)",
            violation(large),
            "policy pack, real engine's view (config policy/config/prod.json): 21 policies, 1 violation (1 mandatory)",
            violation(large),
            "  note: kubernetes:helm.sh/v4:Chart kuberay-chart: the chart's objects are not replayed (the provider renders the chart)",
            "",
        ].join("\n");

        it("npm run plan -- prod --config largeGpuLimit=4 exits 1, naming the pool gpu-large", async () => {
            const run = await runs.small();
            assert.equal(run.code, 1, run.stderr + run.stdout);
            assert.equal(run.stdout.slice(run.stdout.indexOf("GPU budget:")), expected(12, 4, cost(
                "$23.04/hour ($16,819.25/month)",
                "at its limit of 4 GPUs 1 × g6e.12xlarge: $10.52",
                "at its limit of 12 GPUs 12 × g6e.xlarge: $1.12 to $9.28",
            )));
        });

        it("fails the large pool although the pools together allow 44 GPUs (gpuLimit=36, largeGpuLimit=8)", async () => {
            const run = await runs.together();
            assert.equal(run.code, 1, run.stderr + run.stdout);
            assert.equal(run.stdout.slice(run.stdout.indexOf("GPU budget:")), expected(36, 8, cost(
                "$52.12/hour ($38,045.77/month)",
                "at its limit of 8 GPUs 2 × g6e.12xlarge: $10.52 to $21.04",
                "at its limit of 36 GPUs 36 × g6e.xlarge: $1.12 to $27.83",
            )));
        });
    });
});
