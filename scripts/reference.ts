/**
 * Generates docs/reference.md, the reference of every component, from the code: arguments (with
 * their types, defaults and documentation, read from the TypeScript sources' JSDoc), outputs, and
 * the resources each component creates (recorded by running it under Pulumi's mock engine with the
 * example arguments below). `npm run docs` writes it; `npm run docs -- --check` fails when the
 * committed file differs, so the reference cannot drift from the code (a test runs the check).
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const OUTPUT = path.join(ROOT, "docs", "reference.md");

/** The components, their folders, and the example each is recorded with (the required arguments only). */
const COMPONENTS: { name: string; folder: string; resource: string; example: string; inCluster: boolean }[] = [
    { name: "LlmCluster", folder: "cluster", resource: "llm", example: `{ clusterName: "llm", endpointPrivateAccessCidrs: ["10.100.0.0/16"], accessEntries: [{ name: "deployer", principalArn: "arn:aws:iam::111122223333:role/deployer", access: "cluster-admin" }] }`, inCluster: false },
    { name: "GpuNodePool", folder: "gpu-nodepool", resource: "gpu", example: `{ clusterName: "llm", nodeRoleName: "llm-karpenter-node", pools: [{ name: "inference", gpuLimit: 8 }] }`, inCluster: true },
    { name: "KubeRayOperator", folder: "kuberay", resource: "kuberay", example: `{}`, inCluster: true },
    { name: "VllmRayService", folder: "vllm-service", resource: "vllm", example: `{ models: [{ name: "qwen3-8b", source: "Qwen/Qwen3-8B", accelerator: "g6.2xlarge" }] }`, inCluster: true },
    { name: "MonitoringStack", folder: "monitoring", resource: "monitoring", example: `{}`, inCluster: true },
    { name: "GcsRedis", folder: "gcs-redis", resource: "gcs", example: `{ vpcId: "vpc-0123", subnetIds: ["subnet-a", "subnet-b"], clientSecurityGroupIds: ["sg-0123"] }`, inCluster: false },
];

/** Argument types nested in the components' arguments. */
const NESTED = ["GpuPoolArgs", "DisruptionBudgetArgs", "FeatureGateArgs", "ModelArgs", "RayDashboardIngressArgs"];

interface Member {
    name: string;
    optional: boolean;
    type: string;
    description: string;
    default?: string;
}

interface Declarations {
    interfaces: Map<string, { description: string; members: Member[] }>;
    classes: Map<string, { description: string; outputs: Member[] }>;
}

function jsDoc(node: ts.Node): { description: string; tags: Map<string, string> } {
    const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
    const doc = docs[docs.length - 1];
    const text = (c: string | ts.NodeArray<ts.JSDocComment> | undefined): string =>
        (typeof c === "string" ? c : (c ?? []).map((p) => p.getText()).join("")).replace(/\s+/g, " ").trim();
    const tags = new Map<string, string>();
    for (const tag of doc?.tags ?? []) {
        tags.set(tag.tagName.text, text(tag.comment));
    }
    return { description: text(doc?.comment), tags };
}

/** Every interface and class of the components' sources, with their documented members. */
export function readDeclarations(root: string = ROOT): Declarations {
    const found: Declarations = { interfaces: new Map(), classes: new Map() };
    const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
    for (const file of walk(path.join(root, "components")).sort()) {
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
        for (const statement of source.statements) {
            if (ts.isInterfaceDeclaration(statement)) {
                const members = statement.members.filter(ts.isPropertySignature).map((m): Member => {
                    const doc = jsDoc(m);
                    return { name: m.name.getText(source), optional: m.questionToken !== undefined, type: m.type?.getText(source) ?? "", description: doc.description, default: doc.tags.get("default") };
                });
                found.interfaces.set(statement.name.text, { description: jsDoc(statement).description, members });
            } else if (ts.isClassDeclaration(statement) && statement.name) {
                const outputs = statement.members.filter(ts.isPropertyDeclaration)
                    .filter((m) => (ts.getCombinedModifierFlags(m) & ts.ModifierFlags.Readonly) !== 0 && (ts.getCombinedModifierFlags(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) === 0)
                    .map((m): Member => ({ name: m.name.getText(source), optional: false, type: m.type?.getText(source) ?? "", description: jsDoc(m).description }));
                found.classes.set(statement.name.text, { description: jsDoc(statement).description, outputs });
            }
        }
    }
    return found;
}

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s: string): string => (s === "" ? "" : `\`${s.replace(/`/g, "'")}\``);

function argumentsTable(members: Member[]): string[] {
    return [
        "| Argument | Type | Default | Description |",
        "| --- | --- | --- | --- |",
        ...members.map((m) => `| \`${m.name}\`${m.optional ? "" : " (required)"} | ${cell(code(m.type))} | ${cell(m.optional ? m.default ?? "" : "")} | ${cell(m.description)} |`),
    ];
}

/** The reference, given what each component created with its example arguments. */
export function renderReference(d: Declarations, created: Record<string, { type: string; name: string }[]>): string {
    const lines: string[] = [
        "# Component reference",
        "",
        "Generated from the code by `npm run docs` (`scripts/reference.ts`); a test fails when this file and the code disagree.",
        "Arguments, defaults and descriptions come from each `<Component>Args` interface's JSDoc; outputs from the class's",
        "public readonly properties; the resources from running the component under Pulumi's mock engine with the example arguments shown.",
        "Every component's type token is `ray-vllm-eks:index:<Component>`. In-cluster components need an explicit `k8s.Provider`.",
        "",
    ];
    for (const c of COMPONENTS) {
        const cls = d.classes.get(c.name);
        const args = d.interfaces.get(`${c.name}Args`);
        if (!cls || !args) {
            throw new Error(`${c.name} or ${c.name}Args was not found in components/${c.folder}`);
        }
        lines.push(`## ${c.name}`, "", cls.description, "", `Source: \`components/${c.folder}\`.${c.inCluster ? " In-cluster: pass `{ provider }`." : ""}`, "");
        lines.push(`### Arguments (\`${c.name}Args\`)`, "", ...argumentsTable(args.members), "");
        lines.push("### Outputs", "", "| Output | Type | Description |", "| --- | --- | --- |");
        lines.push(...cls.outputs.map((o) => `| \`${o.name}\` | ${cell(code(o.type))} | ${cell(o.description)} |`), "");
        const children = created[c.name] ?? [];
        lines.push(`### Resources it creates`, "", `With \`new ${c.name}("${c.resource}", ${c.example})\`:`, "", "| Type | Name |", "| --- | --- |");
        lines.push(...children.map((r) => `| \`${r.type}\` | \`${r.name}\` |`), "");
    }
    lines.push("## Nested argument types", "");
    for (const name of NESTED) {
        const t = d.interfaces.get(name);
        if (!t) {
            throw new Error(`${name} was not found in components/`);
        }
        lines.push(`### ${name}`, "", t.description, "", ...argumentsTable(t.members), "");
    }
    return lines.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

/** Runs every component with its example under the mock engine and returns its descendants, sorted. */
async function recordChildren(): Promise<Record<string, { type: string; name: string }[]>> {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { descendantsIn, installRecordingMocks, waitForRegistrations } = require("../plan/engine") as typeof import("../plan/engine");
    const recording = installRecordingMocks("ray-vllm-eks", "reference");
    const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
    const k8s = require("@pulumi/kubernetes") as typeof import("@pulumi/kubernetes");
    const pkg = require(path.join(ROOT, "index")) as Record<string, new (name: string, args: unknown, opts?: unknown) => unknown>;
    /* eslint-enable @typescript-eslint/no-require-imports */
    await pulumi.runtime.runInPulumiStack(async () => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        for (const c of COMPONENTS) {
            const args = new Function(`return (${c.example});`)() as unknown;
            new pkg[c.name](c.resource, args, c.inCluster ? { provider } : undefined);
        }
        return {};
    });
    await waitForRegistrations();
    const all = [...recording.resources.values()];
    const urnOf = (c: { name: string; resource: string }): string => all.find((r) => r.type === `ray-vllm-eks:index:${c.name}` && r.name === c.resource)!.urn;
    return Object.fromEntries(COMPONENTS.map((c) => [c.name, descendantsIn(all, urnOf(c))
        .map((r) => ({ type: r.type, name: r.name }))
        .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type.localeCompare(b.type)))]));
}

async function main(): Promise<number> {
    const check = process.argv.includes("--check");
    const text = renderReference(readDeclarations(), await recordChildren());
    if (check) {
        const committed = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, "utf8") : "";
        if (committed !== text) {
            console.error(`docs/reference.md is out of date with the code: run npm run docs and commit it.`);
            return 1;
        }
        console.log("docs/reference.md matches the code");
        return 0;
    }
    fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
    fs.writeFileSync(OUTPUT, text);
    console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
    return 0;
}

if (require.main === module) {
    main().then((code) => process.exit(code), (e: unknown) => {
        console.error(e);
        process.exit(2);
    });
}
