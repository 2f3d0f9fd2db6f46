import * as assert from "node:assert/strict";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

import { SKIP_UPSTREAM_ENV, UPSTREAM_DIR, upstreamPath } from "./support/upstream";

/** A file's git blob id, as `git hash-object` computes it. */
function gitBlobId(file: string): string {
    const content = fs.readFileSync(file);
    return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

/** Every file under `dir`, as paths relative to it, sorted. */
function filesUnder(dir: string, prefix = ""): string[] {
    return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? filesUnder(dir, path.posix.join(prefix, e.name)) : [path.posix.join(prefix, e.name)]))
        .sort();
}

/** The rows of the table in test/data/upstream/README.md: file, bytes, git blob id. */
function manifest(): { file: string; bytes: number; blob: string }[] {
    const readme = fs.readFileSync(path.join(UPSTREAM_DIR, "README.md"), "utf8");
    return [...readme.matchAll(/^\| `([^`]+)` \| (\d+) \| `([0-9a-f]{40})` \|$/gm)].map((m) => ({ file: m[1], bytes: Number(m[2]), blob: m[3] }));
}

describe("the vendored upstream data (test/data/upstream)", function () {
    before(function () {
        // A file the README lists but the folder lacks fails here by name (or, with the opt-out, skips).
        for (const r of manifest()) {
            upstreamPath(this, r.file);
        }
    });

    it("holds exactly the files its README lists, with their provenance and licence files", () => {
        assert.deepEqual(filesUnder(UPSTREAM_DIR), [
            "LICENSE-APACHE-2.0.txt",
            "LICENSES.md",
            "README.md",
            "charts/README.md",
            "charts/aws-load-balancer-controller/Chart.yaml",
            "charts/aws-load-balancer-controller/values.yaml",
            "charts/dcgm-exporter/Chart.yaml",
            "charts/dcgm-exporter/values.yaml",
            "charts/grafana/Chart.yaml",
            "charts/grafana/values.yaml",
            "charts/karpenter/Chart.yaml",
            "charts/karpenter/values.yaml",
            "charts/kube-prometheus-stack/Chart.yaml",
            "charts/kube-prometheus-stack/values.yaml",
            "charts/kuberay-operator/Chart.yaml",
            "charts/kuberay-operator/values.yaml",
            "charts/nvidia-device-plugin/Chart.yaml",
            "charts/nvidia-device-plugin/values.yaml",
            "crds/README.md",
            "crds/karpenter.k8s.aws_ec2nodeclasses.yaml",
            "crds/karpenter.sh_nodepools.yaml",
            "crds/monitoring.coreos.com_podmonitors.yaml",
            "crds/monitoring.coreos.com_prometheusrules.yaml",
            "crds/monitoring.coreos.com_servicemonitors.yaml",
            "crds/ray.io_rayservices.yaml",
            "k8s-openapi/1.35/api/v1.json",
            "k8s-openapi/1.35/apis/networking.k8s.io/v1.json",
            "k8s-openapi/1.35/apis/rbac.authorization.k8s.io/v1.json",
            "k8s-openapi/1.35/apis/storage.k8s.io/v1.json",
            "k8s-openapi/README.md",
        ]);
        assert.deepEqual(manifest().map((r) => r.file), filesUnder(UPSTREAM_DIR).filter((f) => f.endsWith(".yaml") || f.endsWith(".json")));
    });

    it("holds each file unchanged: the size and git blob id its README lists", () => {
        const changed = manifest().filter((r) => {
            const file = path.join(UPSTREAM_DIR, r.file);
            return fs.statSync(file).size !== r.bytes || gitBlobId(file) !== r.blob;
        });
        assert.deepEqual(changed.map((r) => r.file), []);
    });

    it("holds each CRD as upstream published it: its blob id is the one the provenance table gives for the tag", () => {
        const provenance = fs.readFileSync(path.join(UPSTREAM_DIR, "crds", "README.md"), "utf8");
        const shortIds = Object.fromEntries([...provenance.matchAll(/^\| `([^`]+\.yaml)` \|.*\| `([0-9a-f]{8})` \|$/gm)].map((m) => [`crds/${m[1]}`, m[2]]));
        const crds = manifest().filter((r) => r.file.startsWith("crds/"));
        assert.equal(crds.length, 6);
        for (const r of crds) {
            assert.equal(r.blob.slice(0, 8), shortIds[r.file], r.file);
        }
    });

    it("names each upstream project's licence, and carries the licence's text", () => {
        const licences = fs.readFileSync(path.join(UPSTREAM_DIR, "LICENSES.md"), "utf8");
        for (const repo of ["ray-project/kuberay", "aws/karpenter-provider-aws", "prometheus-operator/prometheus-operator", "prometheus-community/helm-charts", "grafana-community/helm-charts", "NVIDIA/k8s-device-plugin", "NVIDIA/dcgm-exporter", "kubernetes-sigs/aws-load-balancer-controller", "kubernetes/kubernetes"]) {
            assert.match(licences, new RegExp(`\\| https://github\\.com/${repo.replace("/", "\\/")} \\| [^|]+ \\| Apache-2\\.0`), repo);
        }
        const text = fs.readFileSync(path.join(UPSTREAM_DIR, "LICENSE-APACHE-2.0.txt"), "utf8");
        assert.match(text, /Apache License\s+Version 2\.0, January 2004/);
        assert.match(text, /END OF TERMS AND CONDITIONS/);
    });
});

describe("upstreamPath: a missing upstream file", () => {
    const skipped = new Error("skipped");
    const ctx = { skip: () => { throw skipped; } } as unknown as Mocha.Context;
    let saved: string | undefined;

    beforeEach(() => {
        saved = process.env[SKIP_UPSTREAM_ENV];
    });

    afterEach(() => {
        if (saved === undefined) {
            delete process.env[SKIP_UPSTREAM_ENV];
        } else {
            process.env[SKIP_UPSTREAM_ENV] = saved;
        }
    });

    it("is the path of a file that is there", () => {
        delete process.env[SKIP_UPSTREAM_ENV];
        assert.equal(upstreamPath(ctx, "crds", "karpenter.sh_nodepools.yaml"), path.join(UPSTREAM_DIR, "crds", "karpenter.sh_nodepools.yaml"));
    });

    it("fails the test, naming the file, without the opt-out", () => {
        delete process.env[SKIP_UPSTREAM_ENV];
        assert.throws(() => upstreamPath(ctx, "charts", "no-such-chart", "values.yaml"), {
            message: "test/data/upstream/charts/no-such-chart/values.yaml is missing: the tests read the upstream data vendored in test/data/upstream (see its README.md). Restore it (git checkout -- test/data/upstream), or set RAY_VLLM_EKS_SKIP_UPSTREAM=1 to skip the tests that need it.",
        });
        process.env[SKIP_UPSTREAM_ENV] = "true";
        assert.throws(() => upstreamPath(ctx, "charts", "no-such-chart"), /is missing/, "only \"1\" opts out");
    });

    it("skips the test with RAY_VLLM_EKS_SKIP_UPSTREAM=1", () => {
        process.env[SKIP_UPSTREAM_ENV] = "1";
        const log = console.log;
        const printed: string[] = [];
        console.log = (line: string) => printed.push(line);
        try {
            assert.throws(() => upstreamPath(ctx, "charts", "no-such-chart"), skipped);
        } finally {
            console.log = log;
        }
        assert.deepEqual(printed, ["    skipped: test/data/upstream/charts/no-such-chart is missing and RAY_VLLM_EKS_SKIP_UPSTREAM=1"]);
    });
});
