import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

import { plan, PlanRun, startedEarly } from "./support/plan";

describe("examples/add-a-model: a team's stack that imports the package and adds one model", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "example-"));
    // Its own process, started as the suite loads.
    const planning = startedEarly(() => plan("--program", "examples/add-a-model", "--out", out));
    let run: PlanRun;
    let resources: any[];

    before(async () => {
        run = await planning();
        resources = run.code === 0 ? JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")).resources : [];
    });

    after(() => fs.rmSync(out, { recursive: true, force: true }));

    it("plans with exit 0 and passes the policy pack", () => {
        assert.equal(run.code, 0, run.stderr + run.stdout);
        assert.match(run.stdout, /^offline plan of team-a-llm \(stack dev\), program examples\/add-a-model\/index\.ts\n/);
        assert.match(run.stdout, /\nGPU budget: no GPU NodePool in this stack \(the cluster's NodePools must hold them\); the RayServices need at most 2 \(4 during NewCluster upgrades\); idle GPU floor 0 \(GPUs that stay up with no traffic\)\nserving capacity: team-a-qwen-7b on g6e\.xlarge \(L40S, tp 1\): 24\.5 GiB KV cache per GPU = 459,488 tokens = 56\.09 sequences of 8192 tokens; max_ongoing_requests 224, target 150\ncost \(us-west-2 list prices of 2026-07-06, USD\): idle floor \$0\.00\/hour \(\$0\.00\/month\); at the limits \$0\.00\/hour \(\$0\.00\/month\)\n {2}left out: the RayServices' GPU nodes \(an idle floor of 0 GPUs, at most 2 GPUs\): no GPU NodePool in this stack, so they are counted with the cluster's\n {2}assumed: spot capacity at 40% of the on-demand price \(spot prices move by hour and zone, and a spot-first pool pays on-demand when spot has no capacity\); 730 hours a month; Prometheus and Alertmanager at one replica; each GPU worker pod on a node of its own instance type\n {2}not counted: data processed by NAT gateways and load balancers \(per GB\) and load balancer capacity units; data transfer; CloudWatch logs and metrics; EBS snapshots, S3 and ECR\npolicy pack: 21 policies, no violations\npolicy pack, real engine's view: 21 policies, no violations\n$/);
    });

    it("reads the platform stack, deploys through its kubeconfig, and creates only the team's service", () => {
        assert.deepEqual(resources.map((r) => `${r.type} ${r.name}`).sort(), [
            "kubernetes:core/v1:Namespace team-a-namespace",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy team-a-netpol-default-deny",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy team-a-netpol-kuberay-operator",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy team-a-netpol-prometheus",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy team-a-netpol-ray-internal",
            "kubernetes:ray.io/v1:RayService team-a-rayservice",
            "pulumi:providers:kubernetes platform",
            "pulumi:pulumi:Stack team-a-llm-dev",
            "pulumi:pulumi:StackReference acme/ray-vllm-eks/dev",
            "ray-vllm-eks:index:VllmRayService team-a",
        ]);
        const reference = resources.find((r) => r.type === "pulumi:pulumi:StackReference");
        assert.equal(reference.read, "acme/ray-vllm-eks/dev", "read, not created");
        assert.equal(resources.find((r) => r.type === "pulumi:providers:kubernetes").inputs.kubeconfig, "[secret]");
        const provider = resources.find((r) => r.type === "pulumi:providers:kubernetes").urn;
        for (const r of resources.filter((x) => x.type.startsWith("kubernetes:"))) {
            assert.ok(r.provider.startsWith(`${provider}::`), `${r.name} deploys through the platform's kubeconfig`);
        }
    });

    it("serves its one model in its own namespace, scraped by the platform's Prometheus", () => {
        const service = resources.find((r) => r.type === "kubernetes:ray.io/v1:RayService");
        assert.deepEqual(service.inputs.metadata, { name: "team-a", namespace: "team-a-llm" });
        const configs = YAML.parse(service.inputs.spec.serveConfigV2).applications[0].args.llm_configs;
        assert.deepEqual(configs.map((c: any) => [c.model_loading_config.model_id, c.model_loading_config.model_source, c.accelerator_type]), [["team-a-qwen-7b", "Qwen/Qwen2.5-7B-Instruct", "L40S"]]);
        const scrape = resources.find((r) => r.name === "team-a-netpol-prometheus");
        assert.equal(scrape.inputs.spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"], "monitoring");
    });
});
