/**
 * The offline plan's findings (plan/findings.ts): where each resource was declared, and
 * the GitHub Actions annotations of `npm run plan -- --format github`, escaped by GitHub's
 * workflow-command rules (@actions/core command.ts: a message escapes %, CR and LF; a property
 * value escapes : and , too).
 */
import * as assert from "node:assert/strict";

import { PlannedResource } from "../plan/engine";
import { escapeData, escapeProperty, Finding, findingsOf, githubAnnotations } from "../plan/findings";

const STACK = "urn:pulumi:ci::app::pulumi:pulumi:Stack::app-ci";
const CLUSTER = "urn:pulumi:ci::app::pulumi:pulumi:Stack$eks:index:Cluster::c";
const EKS = "urn:pulumi:ci::app::eks:index:Cluster$aws:eks/cluster:Cluster::c-eksCluster";
const POOL = "urn:pulumi:ci::app::pulumi:pulumi:Stack$kubernetes:karpenter.sh/v1:NodePool::gpu";

function resource(urn: string, parent?: string, source?: PlannedResource["source"]): PlannedResource {
    const [type, name] = urn.split("::").slice(2);
    return { urn, type: type.split("$").pop()!, name, custom: true, ...(parent ? { parent } : {}), dependencies: [], options: {}, inputs: {}, ...(source ? { source } : {}) };
}

const RESOURCES = [
    resource(STACK),
    resource(CLUSTER, STACK, { file: "index.ts", line: 12, column: 17 }),
    // A provider's child the real engine's view replays: its component's position stands for it.
    resource(EKS, CLUSTER),
    resource(POOL, STACK),
];

describe("the plan's findings (plan/findings.ts)", () => {
    it("escapes a message's %, CR and LF, and a property's : and , too; nothing else", () => {
        assert.equal(escapeData("100% of 8:00,\r\nnext\nline %0A"), "100%25 of 8:00,%0D%0Anext%0Aline %250A");
        assert.equal(escapeProperty("a:b,c% d\r\n"), "a%3Ab%2Cc%25 d%0D%0A");
        assert.equal(escapeProperty("gpu-budget: kubernetes:karpenter.sh/v1:NodePool gpu"), "gpu-budget%3A kubernetes%3Akarpenter.sh/v1%3ANodePool gpu");
        assert.equal(escapeData(`{ "a": [1, 2] } 'x' \\ = ::`), `{ "a": [1, 2] } 'x' \\ = ::`);
    });

    it("places each finding where the program declared its resource, or its nearest declared ancestor; a stack finding nowhere", () => {
        const findings = findingsOf("real-engine", [
            { policy: "eks-secrets-encryption", resource: "aws:eks/cluster:Cluster c-eksCluster", urn: EKS, message: "m1", enforcementLevel: "mandatory" },
            { policy: "gpu-nodepool-limit", resource: "kubernetes:karpenter.sh/v1:NodePool gpu", urn: POOL, message: "m2", enforcementLevel: "advisory" },
            { policy: "ray-namespace-default-deny", resource: "stack", message: "m3", enforcementLevel: "mandatory" },
        ], RESOURCES);
        assert.deepEqual(findings, [
            { view: "real-engine", policy: "eks-secrets-encryption", level: "mandatory", urn: EKS, resource: "aws:eks/cluster:Cluster c-eksCluster", message: "m1", source: { file: "index.ts", line: 12, column: 17 } },
            { view: "real-engine", policy: "gpu-nodepool-limit", level: "advisory", urn: POOL, resource: "kubernetes:karpenter.sh/v1:NodePool gpu", message: "m2" },
            { view: "real-engine", policy: "ray-namespace-default-deny", level: "mandatory", urn: null, resource: "stack", message: "m3" },
        ]);
    });

    it("annotates mandatory findings as errors and advisory ones as warnings, with a file only where it is known, each finding once", () => {
        const source = { file: "src/a,b:c.ts", line: 7, column: 3 };
        const findings: Finding[] = [
            { view: "recorded", policy: "gpu-nodepool-limit", level: "mandatory", urn: POOL, resource: "kubernetes:karpenter.sh/v1:NodePool gpu", message: "no limit: 100%\nset one", source },
            { view: "recorded", policy: "no-latest-image-tags", level: "advisory", urn: POOL, resource: "kubernetes:karpenter.sh/v1:NodePool gpu", message: "unpinned, image" },
            { view: "recorded", policy: "ray-namespace-default-deny", level: "mandatory", urn: null, resource: "stack", message: `namespace "llm" runs Ray` },
            // The same finding in the real engine's view: annotated once.
            { view: "real-engine", policy: "gpu-nodepool-limit", level: "mandatory", urn: POOL, resource: "kubernetes:karpenter.sh/v1:NodePool gpu", message: "no limit: 100%\nset one", source },
            // Only the real engine's view finds this one: said so in its title.
            { view: "real-engine", policy: "eks-secrets-encryption", level: "mandatory", urn: EKS, resource: "aws:eks/cluster:Cluster c-eksCluster", message: "no KMS key", source: { file: "index.ts", line: 12, column: 17 } },
        ];
        assert.deepEqual(githubAnnotations(findings), [
            "::error file=src/a%2Cb%3Ac.ts,line=7,col=3,title=gpu-nodepool-limit%3A kubernetes%3Akarpenter.sh/v1%3ANodePool gpu::no limit: 100%25%0Aset one",
            "::warning title=no-latest-image-tags%3A kubernetes%3Akarpenter.sh/v1%3ANodePool gpu::unpinned, image",
            `::error title=ray-namespace-default-deny%3A stack::namespace "llm" runs Ray`,
            "::error file=index.ts,line=12,col=17,title=eks-secrets-encryption%3A aws%3Aeks/cluster%3ACluster c-eksCluster (real engine's view)::no KMS key",
        ]);
        assert.deepEqual(githubAnnotations([]), []);
    });
});
