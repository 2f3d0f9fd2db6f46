import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

import { filesBelow, plan, PlanRun, ROOT } from "./support/plan";
import { REPOSITORY_HELP, REPOSITORY_USAGE } from "./support/plan-help";


describe("the offline plan (npm run plan)", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
    const out = (name: string): string => path.join(tmp, name);
    let devA: PlanRun;
    let devB: PlanRun;
    let user: PlanRun;
    let badArgs: PlanRun;
    let unknownInvoke: PlanRun;
    let applyError: PlanRun;
    let collisions: PlanRun;
    let violation: PlanRun;
    let compliant: PlanRun;
    let relaxed: PlanRun;

    before(async () => {
        // Something of the user's already in the output folder: the plan must leave it alone.
        fs.mkdirSync(out("dev-a"), { recursive: true });
        fs.writeFileSync(path.join(out("dev-a"), "keep.txt"), "mine");
        // Pulumi's mock engine is process-wide, so each plan is its own process; run them side by side.
        [devA, devB, user, badArgs, unknownInvoke, applyError, collisions, violation, compliant, relaxed] = await Promise.all([
            plan("dev", "--out", out("dev-a")),
            plan("dev", "--out", out("dev-b")),
            plan("--program", "test/fixtures/user-stack", "--config", "clusterName=llm-ci", "--out", out("user")),
            plan("--program", "test/fixtures/bad-args", "--out", out("bad")),
            plan("--program", "test/fixtures/unknown-invoke", "--out", out("invoke")),
            plan("--program", "test/fixtures/apply-error", "--out", out("apply")),
            plan("--program", "test/fixtures/collisions", "--out", out("collisions")),
            // With its findings as GitHub Actions annotations too (the other runs print text only).
            plan("--program", "test/fixtures/policy-violation", "--format", "github", "--out", out("violation")),
            plan("--program", "test/fixtures/policy-compliant", "--out", out("compliant")),
            plan("--program", "test/fixtures/policy-violation", "--policy-config", "test/fixtures/policy-violation/advisory.json", "--out", out("relaxed")),
        ]);
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("plans dev: exit 0, a summary by type, plan.json with every resource", () => {
        assert.equal(devA.code, 0, devA.stderr);
        // Dev lists no access entries: the plan says who is locked out.
        assert.equal(devA.stderr, "warning: [runtime] placeholder in the stack's config: ray-vllm-eks:endpointPublicAccessCidrs: 203.0.113.0/24 is in 203.0.113.0/24, an address range reserved for documentation (RFC 5737): put your own range.\n"
            + "warning: [runtime] LlmCluster llm: only the IAM identity that creates the cluster can use its Kubernetes API (EKS makes it cluster admin; nobody else has an access entry). Add accessEntries for your CI/CD role and operators, or they, and pulumi up run by anyone else, are locked out.\n");
        assert.match(devA.stdout, /^offline plan of ray-vllm-eks \(stack dev\), program programs\/index\.ts\n/);
        assert.match(devA.stdout, /\n {2}eks:index:Cluster +1\n/);
        assert.match(devA.stdout, /\n {2}aws:iam\/rolePolicyAttachment:RolePolicyAttachment +9\n/);
        assert.match(devA.stdout, /\n {2}total +79\n/);
        const p = JSON.parse(fs.readFileSync(path.join(out("dev-a"), "plan.json"), "utf8"));
        assert.deepEqual(Object.keys(p), ["project", "stack", "resources", "outputs", "destroyOrder", "findings", "cost"]);
        assert.deepEqual(p.findings, [], "dev violates nothing");
        // EKS 0.1 + a NAT gateway 0.045 and its address 0.005 + 2 to 4 × m7i.xlarge (0.2016) with
        // 150 GiB root volumes (12/730 each) + a KMS key 1/730; at the limit, 4 × g6.2xlarge at 40%
        // of 0.9776 with their 200 GiB, 250 MiB/s volumes (21/730 each).
        assert.deepEqual([p.cost.region, p.cost.idle, p.cost.maximum], ["us-west-2", { hourly: 0.5874, monthly: 428.836 }, { hourly: 2.7028, monthly: 1973.0088 }]);
        assert.equal(p.project, "ray-vllm-eks");
        assert.equal(p.stack, "dev");
        assert.equal(p.resources.length, 79);
        const stack = p.resources.find((r: any) => r.type === "pulumi:pulumi:Stack");
        assert.equal(stack.urn, "urn:pulumi:dev::ray-vllm-eks::pulumi:pulumi:Stack::ray-vllm-eks-dev");
        const cluster = p.resources.find((r: any) => r.type === "ray-vllm-eks:index:LlmCluster");
        assert.deepEqual(
            { urn: cluster.urn, name: cluster.name, custom: cluster.custom, parent: cluster.parent },
            { urn: "urn:pulumi:dev::ray-vllm-eks::pulumi:pulumi:Stack$ray-vllm-eks:index:LlmCluster::llm", name: "llm", custom: false, parent: stack.urn },
        );
        const release = p.resources.find((r: any) => r.name === "llm-karpenter");
        assert.ok(release.provider.startsWith("urn:pulumi:dev::ray-vllm-eks::ray-vllm-eks:index:LlmCluster$pulumi:providers:kubernetes::llm-k8s::"));
        assert.ok(release.dependencies.includes("urn:pulumi:dev::ray-vllm-eks::ray-vllm-eks:index:LlmCluster$kubernetes:helm.sh/v3:Release::llm-karpenter-crd"));
        const eks = p.resources.find((r: any) => r.type === "eks:index:Cluster");
        assert.equal(eks.inputs.name, "llm-dev", "Pulumi.dev.yaml sets the cluster name");
        assert.deepEqual(eks.inputs.publicAccessCidrs, ["203.0.113.0/24"]);
        assert.equal(p.outputs.kubeconfig, "[secret]");
        assert.equal(p.outputs.clusterName, "llm-dev");
    });

    it("records each resource's options, only those the program set", () => {
        const p = JSON.parse(fs.readFileSync(path.join(out("dev-a"), "plan.json"), "utf8"));
        const one = (type: string, name: string): any => {
            const found = p.resources.filter((r: any) => r.type === type && r.name === name);
            assert.equal(found.length, 1, `one ${type} ${name}`);
            return found[0];
        };
        const IN_CLUSTER = "urn:pulumi:dev::ray-vllm-eks::ray-vllm-eks:index:LlmCluster";
        const LLM = "urn:pulumi:dev::ray-vllm-eks::pulumi:pulumi:Stack$ray-vllm-eks:index:LlmCluster::llm";
        const K8S = "urn:pulumi:dev::ray-vllm-eks::pulumi:pulumi:Stack$pulumi:providers:kubernetes::k8s::a5f8956d1d1ab5b5a3818863f60c43d35035";
        const eks = one("eks:index:Cluster", "llm-eks");
        assert.deepEqual(Object.keys(eks), ["urn", "type", "name", "custom", "parent", "dependencies", "options", "inputs", "source"]);
        // Where the program constructed it: the TypeScript line of its constructor call.
        assert.equal(eks.source.file, "components/cluster/eks-cluster.ts");
        assert.match(fs.readFileSync(path.join(ROOT, eks.source.file), "utf8").split("\n")[eks.source.line - 1].slice(eks.source.column - 1), /^new eks\.Cluster\(.*`\$\{name\}-eks`/, "(under npm run mutate, StrykerJS's instrumentation wraps the name)");
        assert.deepEqual(eks.options, { dependsOn: [`${IN_CLUSTER}$aws:cloudwatch/logGroup:LogGroup::llm-control-plane-logs`] });
        for (const name of ["llm-karpenter-crd", "llm-karpenter", "llm-lb-controller"]) {
            assert.equal(one("kubernetes:helm.sh/v3:Release", name).provider, `${IN_CLUSTER}$pulumi:providers:kubernetes::llm-k8s::6948a22c517834282c13ca0335ce3e900d1f`, `${name} installs through the cluster's provider`);
        }
        assert.deepEqual(one("kubernetes:helm.sh/v3:Release", "llm-karpenter-crd").options, { dependsOn: [`${IN_CLUSTER}$eks:index:ManagedNodeGroup::llm-system-nodes`] });
        // KubeRay's chart (a remote component) gets the stack's provider for its package, and dependsOn the cluster as one URN.
        const chart = one("kubernetes:helm.sh/v4:Chart", "kuberay-chart");
        assert.equal(chart.provider, K8S);
        assert.deepEqual(chart.options, { providers: { kubernetes: K8S }, dependsOn: [LLM] });
        assert.ok(chart.dependencies.length > 40, "the engine still receives the cluster's children, one by one");
        assert.deepEqual(one("ray-vllm-eks:index:GpuNodePool", "gpu").options, { providers: { kubernetes: K8S }, dependsOn: [LLM] });
        assert.deepEqual(one("kubernetes:ray.io/v1:RayService", "vllm-rayservice").options, {
            dependsOn: ["GpuNodePool::gpu", "KubeRayOperator::kuberay", "MonitoringStack::monitoring"].map((c) => `urn:pulumi:dev::ray-vllm-eks::pulumi:pulumi:Stack$ray-vllm-eks:index:${c}`),
        });
        assert.deepEqual(one("pulumi:pulumi:Stack", "ray-vllm-eks-dev").options, {});
        // dev turns deletionProtection off: nothing is protected or retained. What replaces itself
        // deletes first where a name is fixed: the Karpenter controller's release and the gp3 class.
        assert.deepEqual([...new Set(p.resources.flatMap((r: any) => Object.keys(r.options)))].sort(), ["deleteBeforeReplace", "dependsOn", "providers", "replaceOnChanges"]);
        assert.deepEqual(p.resources.filter((r: any) => r.options.deleteBeforeReplace).map((r: any) => `${r.type} ${r.name}`).sort(), [
            "kubernetes:helm.sh/v3:Release llm-karpenter",
            "kubernetes:storage.k8s.io/v1:StorageClass llm-gp3",
        ]);
        assert.deepEqual(one("kubernetes:storage.k8s.io/v1:StorageClass", "llm-gp3").options.replaceOnChanges, ["reclaimPolicy"]);
    });

    it("composes dev: GPU capacity, KubeRay and monitoring after the cluster, through one explicit provider", () => {
        const p = JSON.parse(fs.readFileSync(path.join(out("dev-a"), "plan.json"), "utf8"));
        const byType = (t: string): any[] => p.resources.filter((r: any) => r.type === t);
        const cluster = byType("ray-vllm-eks:index:LlmCluster")[0];
        const provider = byType("pulumi:providers:kubernetes").find((r: any) => r.name === "k8s");
        assert.equal(provider.inputs.kubeconfig, "[secret]");
        // dependsOn the cluster component means every one of its children, recorded on each in-cluster child.
        const clusterChildren = p.resources.filter((r: any) => r.parent === cluster.urn).map((r: any) => r.urn);
        const systemNodes = byType("eks:index:ManagedNodeGroup")[0].urn;
        const karpenterCrds = p.resources.find((r: any) => r.name === "llm-karpenter-crd").urn;
        const inCluster = p.resources.filter((r: any) => (r.custom && r.type.startsWith("kubernetes:") || r.type === "kubernetes:helm.sh/v4:Chart") && !r.parent.includes("LlmCluster"));
        assert.deepEqual(inCluster.map((r: any) => r.name).sort(), [
            "gpu-device-plugin", "gpu-inference", "gpu-nodeclass", "kuberay-chart", "kuberay-namespace",
            "monitoring-alerts", "monitoring-dashboard-gpus", "monitoring-dashboard-ray-serve", "monitoring-dashboard-vllm",
            "monitoring-dcgm-exporter", "monitoring-dcgm-exporter", "monitoring-karpenter", "monitoring-kube-prometheus-stack", "monitoring-namespace", "monitoring-ray",
            "vllm-namespace", "vllm-netpol-default-deny", "vllm-netpol-kuberay-operator", "vllm-netpol-prometheus", "vllm-netpol-ray-internal", "vllm-rayservice",
        ]);
        for (const r of inCluster) {
            if (!r.name.startsWith("vllm-")) {
                assert.deepEqual(clusterChildren.filter((u: string) => !r.dependencies.includes(u)), [], `${r.name} waits for every part of the cluster`);
                assert.ok(r.dependencies.includes(systemNodes) && r.dependencies.includes(karpenterCrds));
            }
            assert.ok(r.provider.startsWith(`${provider.urn}::`), `${r.name} deploys through the stack's explicit provider`);
        }
        const [nodePool] = byType("kubernetes:karpenter.sh/v1:NodePool");
        assert.deepEqual(nodePool.inputs.spec.limits, { "nvidia.com/gpu": "4" }, "Pulumi.dev.yaml's gpuLimit");
        assert.deepEqual(p.outputs.gpuNodePools, ["gpu-inference"]);
        assert.equal(p.outputs.gpuLimit, 4);
        // The model scales to zero, and a NewCluster upgrade (twice its 2 GPUs) fits the budget of 4.
        assert.deepEqual([p.outputs.idleGpuFloor, p.outputs.serviceMaxGpus, p.outputs.serviceUpgradeGpus], [0, 2, 4]);
        const rayService = byType("kubernetes:ray.io/v1:RayService")[0];
        const operatorChart = byType("kubernetes:helm.sh/v4:Chart")[0];
        assert.ok(rayService.dependencies.includes(operatorChart.urn), "the RayService waits for the KubeRay operator and its CRDs");
        // One model deployment, on one GPU worker group beside the CPU group of Serve's ingress.
        const configs = YAML.parse(rayService.inputs.spec.serveConfigV2).applications[0].args.llm_configs;
        assert.deepEqual(configs.map((c: any) => [c.model_loading_config.model_id, c.deployment_config.autoscaling_config.min_replicas, c.deployment_config.autoscaling_config.max_replicas]), [["qwen3-8b", 0, 2]]);
        // About three 8k-token requests fit in the L4's KV cache: Serve sends a replica 11 and scales at 8.
        assert.deepEqual(configs.map((c: any) => [c.deployment_config.max_ongoing_requests, c.deployment_config.autoscaling_config.target_ongoing_requests]), [[11, 8]]);
        assert.deepEqual(rayService.inputs.spec.rayClusterConfig.workerGroupSpecs.map((g: any) => [g.groupName, g.minReplicas, g.maxReplicas]), [["cpu", 1, 2], ["g6-2xlarge", 0, 2]]);
        // Prometheus may scrape the Ray pods, and the Ray dashboard finds Grafana and Prometheus.
        const scrape = p.resources.find((r: any) => r.name === "vllm-netpol-prometheus");
        assert.equal(scrape.inputs.spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"], "monitoring");
        assert.deepEqual(rayService.inputs.spec.rayClusterConfig.headGroupSpec.template.spec.containers[0].env.filter((e: any) => e.name.startsWith("RAY_")), [
            { name: "RAY_GRAFANA_HOST", value: "http://kps-grafana.monitoring.svc" },
            { name: "RAY_GRAFANA_IFRAME_HOST", value: "http://localhost:3000" },
            { name: "RAY_PROMETHEUS_HOST", value: "http://kps-prometheus.monitoring.svc:9090" },
        ]);
        assert.equal(p.outputs.grafanaUrl, "http://kps-grafana.monitoring.svc");
    });

    it("writes every Kubernetes object and Helm chart it declares, and nothing else in its folder", () => {
        assert.equal(fs.readFileSync(path.join(out("dev-a"), "keep.txt"), "utf8"), "mine");
        assert.deepEqual(filesBelow(out("dev-a")).filter((f) => f !== "keep.txt"), [
            "helm/kube-system_aws-load-balancer-controller.yaml",
            "helm/kube-system_karpenter-crd.yaml",
            "helm/kube-system_karpenter.yaml",
            "helm/kube-system_nvidia-device-plugin.yaml",
            "helm/kuberay-system_kuberay-operator.yaml",
            "helm/monitoring_dcgm-exporter.yaml",
            "helm/monitoring_kps.yaml",
            "manifests/core_v1_ConfigMap_monitoring_monitoring-dashboard-gpus.yaml",
            "manifests/core_v1_ConfigMap_monitoring_monitoring-dashboard-ray-serve.yaml",
            "manifests/core_v1_ConfigMap_monitoring_monitoring-dashboard-vllm.yaml",
            "manifests/core_v1_Namespace_kuberay-system.yaml",
            "manifests/core_v1_Namespace_llm.yaml",
            "manifests/core_v1_Namespace_monitoring.yaml",
            "manifests/karpenter.k8s.aws_v1_EC2NodeClass_gpu.yaml",
            "manifests/karpenter.sh_v1_NodePool_gpu-inference.yaml",
            "manifests/monitoring.coreos.com_v1_PodMonitor_monitoring_monitoring-ray.yaml",
            "manifests/monitoring.coreos.com_v1_PrometheusRule_monitoring_monitoring-alerts.yaml",
            "manifests/monitoring.coreos.com_v1_ServiceMonitor_monitoring_monitoring-dcgm-exporter.yaml",
            "manifests/monitoring.coreos.com_v1_ServiceMonitor_monitoring_monitoring-karpenter.yaml",
            "manifests/networking.k8s.io_v1_NetworkPolicy_llm_vllm-default-deny.yaml",
            "manifests/networking.k8s.io_v1_NetworkPolicy_llm_vllm-kuberay-operator.yaml",
            "manifests/networking.k8s.io_v1_NetworkPolicy_llm_vllm-prometheus.yaml",
            "manifests/networking.k8s.io_v1_NetworkPolicy_llm_vllm-ray-internal.yaml",
            "manifests/ray.io_v1_RayService_llm_vllm.yaml",
            "manifests/storage.k8s.io_v1_StorageClass_gp3.yaml",
            "plan.json",
        ]);
        // dev relaxes the baseline to advisory (policy/config/dev.json), and violates nothing.
        assert.match(devA.stdout, /\/manifests\/ \(18 Kubernetes objects\)\nGPU budget: the GPU NodePools allow 4 GPUs; the RayServices need at most 2 \(4 during NewCluster upgrades\): fits in each NodePool; idle GPU floor 0 \(GPUs that stay up with no traffic\)\n {2}NodePool gpu-inference: limit 4 GPUs; needs at most 2 \(4 during NewCluster upgrades\): fits; idle floor 0; from llm\/vllm's g6-2xlarge\nserving capacity: qwen3-8b on g6\.2xlarge \(L4, tp 1\): 3\.4 GiB KV cache per GPU = 24,464 tokens = 2\.99 sequences of 8192 tokens; max_ongoing_requests 11, target 8\ncost \(us-west-2 list prices of 2026-07-06, USD\): idle floor \$0\.5874\/hour \(\$428\.84\/month\); at the limits \$2\.70\/hour \(\$1,973\.01\/month\)\n {2}EKS control plane: 1 × \$0\.10\/hour \(standard support\): \$0\.10\/hour\n {2}NAT gateways: 1 × \$0\.045\/hour: \$0\.045\/hour\n {2}public IPv4 addresses: 1 × \$0\.005\/hour: \$0\.005\/hour\n {2}system nodes: node group llm-system-nodes: 2 to 4 × m7i\.xlarge \(on-demand, \$0\.2016\/hour\): \$0\.4032 to \$0\.8064\/hour\n {2}system node volumes: node group llm-system-nodes: 2 to 4 root volumes \(\$0\.0164\/hour each\): \$0\.0329 to \$0\.0658\/hour\n {2}GPU nodes: NodePool gpu-inference \(spot first, priced as spot; nodes with their volumes\): no node when idle; at its limit of 4 GPUs 4 × g6\.2xlarge: \$0\.00 to \$1\.68\/hour\n {2}KMS keys: 1 × \$1\.00\/month: \$0\.0014\/hour\n {2}assumed: spot capacity at 40% of the on-demand price \(spot prices move by hour and zone, and a spot-first pool pays on-demand when spot has no capacity\); 730 hours a month; Prometheus and Alertmanager at one replica; each GPU worker pod on a node of its own instance type\n {2}not counted: data processed by NAT gateways and load balancers \(per GB\) and load balancer capacity units; data transfer; CloudWatch logs and metrics; EBS snapshots, S3 and ECR\npolicy pack \(config policy\/config\/dev\.json\): 21 policies, no violations\npolicy pack, real engine's view \(config policy\/config\/dev\.json\): 21 policies, no violations\n {2}note: kubernetes:helm\.sh\/v4:Chart kuberay-chart: the chart's objects are not replayed \(the provider renders the chart\)\n$/);
        assert.equal(
            fs.readFileSync(path.join(out("dev-a"), "manifests/core_v1_Namespace_kuberay-system.yaml"), "utf8"),
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  labels:\n    app.kubernetes.io/part-of: kuberay\n  name: kuberay-system\n",
        );
        assert.match(fs.readFileSync(path.join(out("dev-a"), "helm/kube-system_karpenter.yaml"), "utf8"), /^name: karpenter\nnamespace: kube-system\nchart: oci:\/\/public\.ecr\.aws\/karpenter\/karpenter\nversion: 1\.14\.1\n/);
    });

    it("is deterministic: the same inputs give byte-identical files", () => {
        assert.equal(devB.code, 0, devB.stderr);
        const files = filesBelow(out("dev-a")).filter((f) => f !== "keep.txt");
        assert.deepEqual(filesBelow(out("dev-b")), files);
        for (const f of files) {
            assert.ok(fs.readFileSync(path.join(out("dev-a"), f)).equals(fs.readFileSync(path.join(out("dev-b"), f))), `${f} differs between runs`);
        }
    });

    it("never writes a secret: kubeconfigs and secret config are redacted in every file", () => {
        for (const dir of [out("dev-a"), out("user")]) {
            for (const f of filesBelow(dir)) {
                const text = fs.readFileSync(path.join(dir, f), "utf8");
                // The kubeconfig's content, and the stand-in for the secure config value the program reads.
                assert.doesNotMatch(text, /certificate-authority-data|get-token|offline-plan-secret-placeholder/, `${dir}/${f}`);
            }
        }
        const p = JSON.parse(fs.readFileSync(path.join(out("user"), "plan.json"), "utf8"));
        assert.equal(p.outputs.apiToken, "[secret]");
        const provider = p.resources.find((r: any) => r.type === "pulumi:providers:kubernetes");
        assert.equal(provider.inputs.kubeconfig, "[secret]");
    });

    it("plans a user's program that imports the package, with its stack config and -c overrides", () => {
        assert.equal(user.code, 0, user.stderr);
        assert.match(user.stdout, /^offline plan of user-llm \(stack dev\), program test\/fixtures\/user-stack\/index\.ts\n/);
        const p = JSON.parse(fs.readFileSync(path.join(out("user"), "plan.json"), "utf8"));
        assert.equal(p.project, "user-llm");
        const eks = p.resources.find((r: any) => r.type === "eks:index:Cluster");
        assert.equal(eks.inputs.name, "llm-ci", "--config overrides the Pulumi.yaml default");
        assert.equal(eks.inputs.version, "1.34", "Pulumi.dev.yaml applies");
        const queue = p.resources.find((r: any) => r.type === "aws:sqs/queue:Queue");
        const target = p.resources.find((r: any) => r.type === "aws:cloudwatch/eventTarget:EventTarget");
        assert.equal(queue.inputs.name, "llm-ci");
        assert.equal(target.inputs.arn, "arn:aws:sqs:eu-west-1:123456789012:llm-ci", "ARNs are in the stack's aws:region");
    });

    it("exits 2 with the component's message when the program fails", () => {
        assert.equal(badArgs.code, 2);
        assert.equal(badArgs.stdout, "");
        assert.equal(badArgs.stderr, `plan: the program failed: LlmCluster: kubernetesVersion "1.20" is not supported: use one of 1.32, 1.33, 1.34, 1.35, 1.36 (the versions both Amazon EKS and Karpenter 1.14.1 support).\n`);
    });

    it("exits 2 naming an invoke the mocks do not know", () => {
        assert.equal(unknownInvoke.code, 2);
        assert.equal(unknownInvoke.stderr, `plan: the program failed: the offline plan's mocks do not know the invoke "aws:ec2/getAmi:getAmi": add it to plan/mocks.ts\n`);
    });

    it("exits 2 naming every resource that could not be registered, and why", () => {
        assert.equal(applyError.code, 2);
        assert.equal(applyError.stdout, "");
        assert.equal(applyError.stderr, [
            "plan: the program failed: 2 resources could not be registered:",
            `  aws:sqs/queue:Queue q: input "name" failed: error serializing property "name": boom in apply`,
            `  aws:sqs/queue:Queue q2: input "name" failed: error serializing property "name": the offline plan's mocks do not know the invoke "aws:ec2/getAmi:getAmi": add it to plan/mocks.ts`,
            "",
        ].join("\n"));
    });

    it("exits 2 when two resources declare the same Helm release (the real install would fail)", () => {
        assert.equal(collisions.code, 2);
        assert.equal(collisions.stderr, "plan: the program failed: Helm release kube-system/nvidia-device-plugin is declared by 2 resources (gpu-a-device-plugin, gpu-b-device-plugin): only one can own it; rename one, or turn the duplicate off.\n");
    });

    it("exits 1 on a mandatory policy violation, naming the policy, the resource and the fix", () => {
        assert.equal(violation.code, 1, violation.stderr);
        assert.equal(violation.stderr, "");
        const found = [
            `  [mandatory] gpu-nodepool-limit: kubernetes:karpenter.sh/v1:NodePool gpu: NodePool has no nvidia.com/gpu limit, so Karpenter may launch GPUs without bound: set spec.limits["nvidia.com/gpu"] to the pool's GPU budget (at most 64).`,
            `  [mandatory] gpu-nodepool-taint: kubernetes:karpenter.sh/v1:NodePool gpu: NodePool's GPU nodes are not tainted: add { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } to spec.template.spec.taints so CPU pods cannot occupy them.`,
        ];
        // The plan as recorded, then the real engine's view (the same: the fixture has no remote component).
        assert.deepEqual(violation.stdout.split("\n").slice(-9, -3), [
            "policy pack: 21 policies, 2 violations (2 mandatory)",
            ...found,
            "policy pack, real engine's view: 21 policies, 2 violations (2 mandatory)",
            ...found,
        ]);
        assert.ok(fs.existsSync(path.join(out("violation"), "plan.json")), "the plan is still written for review");
    });

    it("records every finding in plan.json: view, policy, level, resource URN, message, where the program declared the resource", () => {
        const p = JSON.parse(fs.readFileSync(path.join(out("violation"), "plan.json"), "utf8"));
        const urn = "urn:pulumi:dev::ray-vllm-eks::pulumi:pulumi:Stack$kubernetes:karpenter.sh/v1:NodePool::gpu";
        const source = { file: "test/fixtures/policy-violation/index.ts", line: 6, column: 1 };
        const limit = `NodePool has no nvidia.com/gpu limit, so Karpenter may launch GPUs without bound: set spec.limits["nvidia.com/gpu"] to the pool's GPU budget (at most 64).`;
        const taint = `NodePool's GPU nodes are not tainted: add { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } to spec.template.spec.taints so CPU pods cannot occupy them.`;
        const resource = "kubernetes:karpenter.sh/v1:NodePool gpu";
        assert.deepEqual(p.findings, [
            { view: "recorded", policy: "gpu-nodepool-limit", level: "mandatory", urn, resource, message: limit, source },
            { view: "recorded", policy: "gpu-nodepool-taint", level: "mandatory", urn, resource, message: taint, source },
            { view: "real-engine", policy: "gpu-nodepool-limit", level: "mandatory", urn, resource, message: limit, source },
            { view: "real-engine", policy: "gpu-nodepool-taint", level: "mandatory", urn, resource, message: taint, source },
        ]);
        // The source position is the program's line (test/fixtures/policy-violation/index.ts:6), not the compiled JavaScript's.
        assert.match(fs.readFileSync(path.join(ROOT, source.file), "utf8").split("\n")[source.line - 1], /^new k8s\.apiextensions\.CustomResource\("gpu", \{$/);
        assert.deepEqual(p.resources.map((r: any) => [r.type, r.source]), [
            ["kubernetes:karpenter.sh/v1:NodePool", source],
            // Constructed by @pulumi/kubernetes and @pulumi/pulumi, in node_modules: no source.
            ["pulumi:providers:kubernetes", undefined],
            ["pulumi:pulumi:Stack", undefined],
        ]);
    });

    it("annotates the pull request with --format github: an error per mandatory finding, on the line that declares the resource, once for both views", () => {
        assert.deepEqual(violation.stdout.split("\n").slice(-3), [
            `::error file=test/fixtures/policy-violation/index.ts,line=6,col=1,title=gpu-nodepool-limit%3A kubernetes%3Akarpenter.sh/v1%3ANodePool gpu::NodePool has no nvidia.com/gpu limit, so Karpenter may launch GPUs without bound: set spec.limits["nvidia.com/gpu"] to the pool's GPU budget (at most 64).`,
            `::error file=test/fixtures/policy-violation/index.ts,line=6,col=1,title=gpu-nodepool-taint%3A kubernetes%3Akarpenter.sh/v1%3ANodePool gpu::NodePool's GPU nodes are not tainted: add { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } to spec.template.spec.taints so CPU pods cannot occupy them.`,
            "",
        ]);
        assert.deepEqual(violation.stdout.split("\n").filter((l) => l.startsWith("::")).length, 2);
        // Without --format github (the default, text), no annotation.
        assert.deepEqual([devA, user, compliant, relaxed].map((r) => r.stdout.split("\n").filter((l) => l.startsWith("::"))), [[], [], [], []]);
    });

    it("exits 0 once the same program is compliant", () => {
        assert.equal(compliant.code, 0, compliant.stderr);
        assert.match(compliant.stdout, /\npolicy pack: 21 policies, no violations\npolicy pack, real engine's view: 21 policies, no violations\n$/);
    });

    it("takes enforcement levels from --policy-config: advisory is printed, disabled is skipped", () => {
        assert.equal(relaxed.code, 0, relaxed.stderr);
        const advisory = `  [advisory] gpu-nodepool-limit: kubernetes:karpenter.sh/v1:NodePool gpu: NodePool has no nvidia.com/gpu limit, so Karpenter may launch GPUs without bound: set spec.limits["nvidia.com/gpu"] to the pool's GPU budget (at most 64).`;
        assert.deepEqual(relaxed.stdout.split("\n").slice(-5), [
            "policy pack (config test/fixtures/policy-violation/advisory.json): 21 policies, 1 violation (0 mandatory)",
            advisory,
            "policy pack, real engine's view (config test/fixtures/policy-violation/advisory.json): 21 policies, 1 violation (0 mandatory)",
            advisory,
            "",
        ]);
    });

    const usageCases: { title: string; args: string[]; stderr: string }[] = [
        {
            title: "a config value of the wrong type",
            args: ["dev", "--config", "gpuLimit=four"],
            stderr: `plan: configuration value "ray-vllm-eks:gpuLimit" is "four", not of type integer as Pulumi.yaml declares it: fix it in Pulumi.dev.yaml or the --config override.\n`,
        },
        {
            title: "a stack without a required config value",
            args: ["--program", ".", "--stack", "qa"],
            stderr: `plan: stack "qa" is missing configuration value "ray-vllm-eks:clusterName", which Pulumi.yaml declares without a default: set it in Pulumi.qa.yaml or with --config clusterName=<value>.\n`,
        },
        {
            title: "a misspelled config key (Pulumi would pass it on unread)",
            args: ["dev", "--config", "natGateway=Single"],
            stderr: 'plan: stack "dev" sets configuration that Pulumi.yaml does not declare, which the program would never read:\n'
                + "  natGateway (--config natGateway): did you mean natGateways?\n"
                + "Rename each to a key Pulumi.yaml declares (its config section lists them with their descriptions), or remove it.\n",
        },
        {
            title: "a config value a component refuses, naming the config key behind the argument",
            args: ["dev", "--config", "natGateways=single"],
            stderr: "warning: [runtime] placeholder in the stack's config: ray-vllm-eks:endpointPublicAccessCidrs: 203.0.113.0/24 is in 203.0.113.0/24, an address range reserved for documentation (RFC 5737): put your own range.\n"
                + 'plan: the program failed: LlmCluster: natGateways "single" is not a NAT gateway strategy: use "OnePerAz" (highly available) or "Single" (cheaper); nodes in private subnets need one to pull images.\n'
                + "Set by the stack's config:\n"
                + "  natGateways: config key ray-vllm-eks:natGateways (Pulumi.dev.yaml, or pulumi config set natGateways)\n",
        },
        {
            title: "a misspelled field of a model in the models config, before anything is created",
            args: ["dev", "--config", 'models=[{"name":"qwen3-8b","source":"Qwen/Qwen3-8B","accelerator":"g6.2xlarge","maxReplica":2}]'],
            stderr: "warning: [runtime] placeholder in the stack's config: ray-vllm-eks:endpointPublicAccessCidrs: 203.0.113.0/24 is in 203.0.113.0/24, an address range reserved for documentation (RFC 5737): put your own range.\n"
                + 'plan: the program failed: stack "dev": the config key ray-vllm-eks:models (Pulumi.dev.yaml) is not valid:\n'
                + "  - models[0].maxReplica is not a field of a model: did you mean maxReplicas?\n"
                + "Each model is an object of the fields docs/operations.md lists (Pulumi.yaml describes the key).\n",
        },
        { title: "no environment or program", args: [], stderr: `plan: name an environment (dev, prod, staging) or a --program\n${REPOSITORY_USAGE}\n` },
        { title: "an unknown environment", args: ["qa"], stderr: `plan: unknown environment "qa": use one of dev, prod, staging, or --program <path> for another program.\n` },
        { title: "an environment and a program", args: ["dev", "--program", "programs/dev"], stderr: `plan: give an environment or --program, not both\n${REPOSITORY_USAGE}\n` },
        { title: "an unknown flag", args: ["dev", "--preview"], stderr: `plan: unexpected argument "--preview"\n${REPOSITORY_USAGE}\n` },
        { title: "a flag without its value", args: ["--program"], stderr: `plan: --program needs a value\n${REPOSITORY_USAGE}\n` },
        {
            title: "a program that does not exist",
            args: ["--program", "nowhere"],
            stderr: "plan: --program nowhere: no such file or folder: give the path of a Pulumi TypeScript program (a folder with Pulumi.yaml or index.ts, or a .ts file).\n",
        },
        {
            title: "a config override that is not key=value",
            args: ["dev", "--config", "clusterName"],
            stderr: `plan: --config "clusterName" is not key=value: write it as --config instanceType=g6.xlarge (like pulumi preview -c).\n`,
        },
        {
            title: "a stack name with a space",
            args: ["--program", "test/fixtures/user-stack", "--stack", "my stack"],
            stderr: `plan: --stack "my stack" is not a stack name: use letters, digits, "-", "_" and ".".\n`,
        },
        {
            title: "a policy config file that does not exist",
            args: ["dev", "--policy-config", "missing.json"],
            stderr: "plan: --policy-config missing.json: no such file: give a JSON file in the format of pulumi preview --policy-pack-config.\n",
        },
        {
            title: "an unknown output format",
            args: ["dev", "--format", "sarif"],
            stderr: `plan: --format "sarif" is not a format: use text (the default) or github (the findings as GitHub Actions annotations too).\n`,
        },
    ];
    // Each case is its own process: start them together, then check each.
    let usageRuns: Promise<PlanRun>[] = [];
    before(() => {
        usageRuns = usageCases.map((c) => plan(...c.args));
    });
    for (const [i, c] of usageCases.entries()) {
        it(`exits 2 with a usage message for ${c.title}`, async () => {
            const r = await usageRuns[i];
            assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code: 2, stdout: "", stderr: c.stderr });
        });
    }

    it("prints its help to stdout and exits 0 for --help and -h", async () => {
        const help = `${REPOSITORY_HELP}\n`;
        const [long, short] = await Promise.all([plan("--help"), plan("dev", "-h")]);
        assert.deepEqual({ code: long.code, stdout: long.stdout, stderr: long.stderr }, { code: 0, stdout: help, stderr: "" });
        assert.deepEqual({ code: short.code, stdout: short.stdout, stderr: short.stderr }, { code: 0, stdout: help, stderr: "" });
    });

    it("leaves no plan of an earlier run in the output folder when a run fails, and the rest of the folder alone", async () => {
        const dir = out("stale");
        fs.mkdirSync(path.join(dir, "manifests"), { recursive: true });
        fs.mkdirSync(path.join(dir, "helm"), { recursive: true });
        fs.writeFileSync(path.join(dir, "plan.json"), "{}");
        fs.writeFileSync(path.join(dir, "manifests", "old.yaml"), "kind: Old");
        fs.writeFileSync(path.join(dir, "keep.txt"), "mine");
        const r = await plan("dev", "--config", "natGateways=single", "--out", dir);
        assert.equal(r.code, 2, r.stderr);
        assert.deepEqual(fs.readdirSync(dir), ["keep.txt"]);
    });

    it("keeps plan output out of git", () => {
        assert.match(fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8"), /^out\/$/m);
    });
});
