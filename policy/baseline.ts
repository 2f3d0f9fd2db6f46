/**
 * The security baseline: EKS secrets encryption and control-plane logging (CIS EKS, EKS best
 * practices), IMDSv2 on every node, a Ray version without known critical CVEs, pinned images, a
 * default-deny NetworkPolicy where Ray runs, and no literal secrets in container env.
 */
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { at, componentInputs, containersIn, withoutInputs } from "./common";
import { RAY_KINDS } from "./ray";
import { compareVersions, MIN_RAY_VERSION } from "./shared";

const mandatory = "mandatory" as const;

const LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const EKS_COMPONENT = "eks:index:Cluster";

/** EKS encrypts Kubernetes secrets with a KMS key. */
export const eksSecretsEncryption: ResourceValidationPolicy = {
    name: "eks-secrets-encryption",
    description: "EKS clusters encrypt Kubernetes secrets with a KMS key (envelope encryption): aws:eks/cluster:Cluster, and eks:index:Cluster when its inputs reach the analyzer.",
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        if (args.type === EKS_CLUSTER) {
            // No encryptionConfig: EKS does not envelope-encrypt secrets with a key of yours.
            const resources = at(args.props, "encryptionConfig", "resources");
            const key = at(args.props, "encryptionConfig", "provider", "keyArn");
            if (!Array.isArray(resources) || !resources.includes("secrets") || !key) {
                reportViolation(`the EKS cluster does not encrypt secrets with KMS: set encryptionConfig { resources: ["secrets"], provider: { keyArn } } with a key that rotates.`);
            }
        } else if (args.type === EKS_COMPONENT) {
            const inputs = componentInputs(args.props) ?? args.notApplicable(withoutInputs(args.type));
            if (!inputs.encryptionConfigKeyArn) {
                reportViolation(`the EKS cluster does not encrypt secrets with KMS: set encryptionConfigKeyArn to a KMS key that rotates.`);
            }
        }
    },
};

/** EKS sends its control-plane logs to CloudWatch. */
export const eksControlPlaneLogging: ResourceValidationPolicy = {
    name: "eks-control-plane-logging",
    description: "EKS clusters send the required control-plane log types (all five by default) to CloudWatch: aws:eks/cluster:Cluster, and eks:index:Cluster when its inputs reach the analyzer.",
    enforcementLevel: mandatory,
    configSchema: { properties: { requiredLogTypes: { type: "array", items: { type: "string" }, default: LOG_TYPES } } },
    validateResource: (args, reportViolation) => {
        if (args.type !== EKS_CLUSTER && args.type !== EKS_COMPONENT) {
            return;
        }
        // No enabledClusterLogTypes: EKS's default, no control-plane logs at all.
        const inputs = args.type === EKS_CLUSTER ? args.props : componentInputs(args.props) ?? args.notApplicable(withoutInputs(args.type));
        const { requiredLogTypes } = args.getConfig<{ requiredLogTypes: string[] }>();
        const enabled = at(inputs, "enabledClusterLogTypes");
        const missing = requiredLogTypes.filter((t) => !(Array.isArray(enabled) && enabled.includes(t)));
        if (missing.length > 0) {
            reportViolation(`the EKS cluster does not log ${JSON.stringify(missing)}: add them to enabledClusterLogTypes (the audit log is how you find out who did what).`);
        }
    },
};

const IMDS_FIX = `require IMDSv2 (httpTokens: "required") with a hop limit of 1, and give pods AWS access through EKS Pod Identity.`;

const LAUNCH_TEMPLATE_FIX = `give it a launch template with metadataOptions { httpTokens: "required", httpPutResponseHopLimit: 1 }, and give pods AWS access through EKS Pod Identity.`;

function shown(value: unknown): string {
    return value === undefined ? "unset" : JSON.stringify(value);
}

/**
 * Nodes require IMDSv2 and keep pods away from the instance's credentials: Karpenter's
 * EC2NodeClasses, EC2 launch templates, and EKS managed node groups (which need a launch template
 * for that: the one EKS generates cannot block pods, EKS security best practices).
 */
export const nodesRequireImdsv2: ResourceValidationPolicy = {
    name: "nodes-require-imdsv2",
    description: "Nodes require IMDSv2 with a hop limit of 1, so pods cannot take the node's credentials: Karpenter EC2NodeClasses, EC2 launch templates, and EKS managed node groups (through a launch template).",
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        switch (args.type) {
            case "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass": {
                // Karpenter's defaults are httpTokens "required" and a hop limit of 1.
                const tokens = at(args.props, "spec", "metadataOptions", "httpTokens") ?? "required";
                const hops = at(args.props, "spec", "metadataOptions", "httpPutResponseHopLimit") ?? 1;
                if (tokens !== "required" || Number(hops) > 1) {
                    reportViolation(`EC2NodeClass has metadataOptions httpTokens ${JSON.stringify(tokens)} and httpPutResponseHopLimit ${JSON.stringify(hops)}: ${IMDS_FIX}`);
                }
                return;
            }
            case "aws:ec2/launchTemplate:LaunchTemplate": {
                // Unset, the instance gets the AMI's defaults: IMDSv1 allowed unless the AMI requires
                // v2, and then a hop limit of 2 (AL2023 and Bottlerocket), which pods can reach.
                if (at(args.props, "metadataOptions", "httpEndpoint") === "disabled") {
                    return;
                }
                const tokens = at(args.props, "metadataOptions", "httpTokens");
                const hops = at(args.props, "metadataOptions", "httpPutResponseHopLimit");
                if (tokens !== "required" || hops === undefined || Number(hops) > 1) {
                    reportViolation(`launch template has metadataOptions httpTokens ${shown(tokens)} and httpPutResponseHopLimit ${shown(hops)}: ${IMDS_FIX}`);
                }
                return;
            }
            case "aws:eks/nodeGroup:NodeGroup": {
                // With a launch template, the template is checked (above); without one, EKS generates
                // one whose metadata options pods can reach.
                if (at(args.props, "launchTemplate") === undefined) {
                    reportViolation(`the managed node group has no launch template, and the one EKS generates for it lets pods reach the instance metadata service: ${LAUNCH_TEMPLATE_FIX}`);
                }
                return;
            }
            case "eks:index:ManagedNodeGroup": {
                const inputs = componentInputs(args.props) ?? args.notApplicable(withoutInputs(args.type));
                // Without a launch template, pulumi-eks uses EKS's, or with enableIMDSv2 its own with a
                // hop limit of 2 (pulumi-eks v4.3.0 nodejs/eks/nodes/nodegroup.ts, createMNGCustomLaunchTemplate).
                if (inputs.launchTemplate === undefined) {
                    reportViolation(`the managed node group has no launch template, so pods can reach its nodes' instance metadata service (through EKS's generated template, or the hop limit of 2 pulumi-eks gives enableIMDSv2): ${LAUNCH_TEMPLATE_FIX}`);
                }
                return;
            }
        }
    },
};

/** Ray clusters run a Ray version without known critical CVEs, and never a discontinued ray-ml image. */
export const rayMinimumVersion: ResourceValidationPolicy = {
    name: "ray-minimum-version",
    description: "RayServices, RayClusters and RayJobs run Ray 2.54.0 or later (no known critical CVEs) and no discontinued rayproject/ray-ml image.",
    enforcementLevel: mandatory,
    configSchema: { properties: { minRayVersion: { type: "string", default: MIN_RAY_VERSION } } },
    validateResource: (args, reportViolation) => {
        const kind = Object.values(RAY_KINDS).find((k) => k.type === args.type);
        if (kind === undefined) {
            return;
        }
        const { minRayVersion } = args.getConfig<{ minRayVersion: string }>();
        const cluster = at(args.props, ...kind.clusterSpec);
        const version = at(cluster, "rayVersion");
        if (typeof version !== "string" || compareVersions(version, minRayVersion) < 0) {
            reportViolation(`rayVersion is ${JSON.stringify(version)}: run Ray ${minRayVersion} or later (earlier versions have known critical CVEs) and set rayVersion to match the image.`);
        }
        for (const { where, container } of containersIn(args.type, args.props)) {
            const image = String(container.image ?? "");
            const tag = /^rayproject\/ray[-a-z]*:(\d+\.\d+\.\d+)/.exec(image)?.[1];
            if (image.startsWith("rayproject/ray-ml")) {
                reportViolation(`${where}: image "${image}" is a discontinued rayproject/ray-ml image: use rayproject/ray-llm (Ray with vLLM) at ${minRayVersion} or later.`);
            } else if (tag !== undefined && compareVersions(tag, minRayVersion) < 0) {
                reportViolation(`${where}: image "${image}" runs Ray ${tag}: use ${minRayVersion} or later.`);
            }
        }
    },
};

/** Container images are pinned: a tag other than latest, or a digest. */
export const noLatestImageTags: ResourceValidationPolicy = {
    name: "no-latest-image-tags",
    description: "Container images are pinned to a version tag or digest, never latest or untagged.",
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        for (const { where, container } of containersIn(args.type, args.props)) {
            const image = String(container.image ?? "");
            const lastPart = image.split("/").pop() ?? "";
            if (image !== "" && !image.includes("@") && (!lastPart.includes(":") || lastPart.endsWith(":latest"))) {
                reportViolation(`${where}: container "${String(container.name ?? "?")}" uses image "${image}", which is not pinned: use a version tag or a digest, so every node runs the same code.`);
            }
        }
    },
};

const SECRET_NAME = /(TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/** Secrets reach containers by secretKeyRef, never as literal env values. */
export const noLiteralSecretsInEnv: ResourceValidationPolicy = {
    name: "no-literal-secrets-in-env",
    description: "Container environment variables that carry secrets (tokens, passwords, keys) take them from a Secret, never as literal values.",
    enforcementLevel: mandatory,
    validateResource: (args, reportViolation) => {
        for (const { where, container } of containersIn(args.type, args.props)) {
            for (const e of (Array.isArray(container.env) ? container.env : []) as { name?: string; value?: unknown }[]) {
                if (e.name !== undefined && SECRET_NAME.test(e.name) && e.value !== undefined && e.value !== "") {
                    reportViolation(`${where}: container "${String(container.name ?? "?")}" sets ${e.name} to a literal value, which lands in the manifest and the state in clear text: take it from a Secret with valueFrom.secretKeyRef.`);
                }
            }
        }
    },
};

/** Every namespace that runs Ray has a default-deny ingress NetworkPolicy. */
export const rayNamespaceDefaultDeny: StackValidationPolicy = {
    name: "ray-namespace-default-deny",
    description: "Every namespace running a RayService, RayCluster or RayJob has a default-deny ingress NetworkPolicy (empty podSelector, policyType Ingress).",
    enforcementLevel: mandatory,
    validateStack: (args, reportViolation) => {
        const rayTypes: string[] = Object.values(RAY_KINDS).map((k) => k.type);
        const namespaces = new Set(args.resources.filter((r) => rayTypes.includes(r.type)).map((r) => String(at(r.props, "metadata", "namespace") ?? "default")));
        const denied = new Set(args.resources
            .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy")
            .filter((r) => {
                const selector = at(r.props, "spec", "podSelector") as Record<string, unknown> | undefined;
                const types = at(r.props, "spec", "policyTypes");
                const ingress = at(r.props, "spec", "ingress");
                return selector !== undefined && Object.keys(selector).every((k) => Object.keys((selector[k] ?? {}) as object).length === 0)
                    && Array.isArray(types) && types.includes("Ingress") && (!Array.isArray(ingress) || ingress.length === 0);
            })
            .map((r) => String(at(r.props, "metadata", "namespace") ?? "default")));
        for (const ns of [...namespaces].sort()) {
            if (!denied.has(ns)) {
                reportViolation(`namespace "${ns}" runs Ray but has no default-deny ingress NetworkPolicy: add one (podSelector: {}, policyTypes: [Ingress]) and allow only the ports each client needs (VllmRayService renders them).`);
            }
        }
    },
};

/** The baseline policies, in the order the pack lists them. */
export const baselinePolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    eksSecretsEncryption,
    eksControlPlaneLogging,
    nodesRequireImdsv2,
    rayMinimumVersion,
    noLatestImageTags,
    noLiteralSecretsInEnv,
    rayNamespaceDefaultDeny,
];
