import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { childDependsOn, withDefaults } from "../common/args";
import { checkKubernetesProvider, throwIfInvalid } from "../common/validation";
import { SYSTEM_NODE_LABELS } from "../common/labels";
import {
    FeatureGateArgs,
    KUBERAY_CHART,
    KUBERAY_FEATURE_GATES,
    KUBERAY_REPO,
    kubeRayDefaults,
    KubeRayOperatorArgs,
    ResolvedKubeRayArgs,
    validateKubeRayArgs,
} from "./args";

export * from "./args";

const CRD_TYPE = "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition";

/** A resource transform that marks the chart's CustomResourceDefinitions `retainOnDelete`. */
export const retainCrds: pulumi.ResourceTransform = (args) =>
    args.type === CRD_TYPE ? { props: args.props, opts: pulumi.mergeOptions(args.opts, { retainOnDelete: true }) } : undefined;

/** Whether the engine runs resource transforms (the Pulumi CLI does; Pulumi's mock engine does not). */
function engineSupportsTransforms(): boolean {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { supportsTransforms?: boolean } };
    return state.getStore().supportsTransforms === true;
}

/** The whole feature-gate list for the chart: its defaults with the given gates changed. */
export function mergedFeatureGates(changes: FeatureGateArgs[]): FeatureGateArgs[] {
    const set = new Map(changes.map((g) => [g.name, g.enabled]));
    return Object.entries(KUBERAY_FEATURE_GATES).map(([name, enabled]) => ({ name, enabled: set.get(name) ?? enabled }));
}

/** Values for the kuberay-operator chart (every key exists in the chart's values.yaml). */
export function kubeRayValues(a: ResolvedKubeRayArgs): Record<string, unknown> {
    return {
        nodeSelector: { ...SYSTEM_NODE_LABELS },
        resources: {
            requests: { cpu: a.cpuRequest, memory: a.memory },
            limits: { cpu: a.cpuLimit, memory: a.memory },
        },
        featureGates: mergedFeatureGates(a.featureGates),
        // Unset, the operator watches every namespace.
        watchNamespace: pulumi.output(a.watchNamespaces).apply((ns) => (ns.length > 0 ? ns : undefined)),
    };
}

/**
 * The KubeRay operator from its pinned Helm chart, in its own namespace on the system nodes.
 * Rendered by Pulumi's Helm Chart resource, so the chart's CRDs (about 1 MB each, too large
 * for client-side apply) are applied server-side and upgraded with the chart. Give it
 * `dependsOn` the `LlmCluster` (its system nodes), and give RayServices `dependsOn` it.
 */
export class KubeRayOperator extends pulumi.ComponentResource {
    /** The operator's namespace. */
    public readonly namespace: pulumi.Output<string>;
    /** The chart (and operator) version. */
    public readonly version: pulumi.Output<string>;

    constructor(name: string, args?: KubeRayOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ray-vllm-eks:index:KubeRayOperator", name, {}, opts);

        const a: ResolvedKubeRayArgs = withDefaults(kubeRayDefaults, args);
        const providerProblem = checkKubernetesProvider("KubeRayOperator", this);
        throwIfInvalid("KubeRayOperator", [...(providerProblem ? [providerProblem] : []), ...validateKubeRayArgs(name, a)], this);

        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
            metadata: { name: a.namespace, labels: { "app.kubernetes.io/part-of": "kuberay" } },
        }, { parent: this, dependsOn: childDependsOn(opts) });

        new k8s.helm.v4.Chart(`${name}-chart`, {
            name: KUBERAY_CHART,
            chart: KUBERAY_CHART,
            version: a.version,
            repositoryOpts: { repo: KUBERAY_REPO },
            namespace: namespace.metadata.name,
            // The CRDs are part of the release: applied server-side, and updated on upgrade.
            skipCrds: false,
            values: kubeRayValues(a),
        }, {
            parent: this,
            dependsOn: childDependsOn(opts),
            transforms: a.retainCrdsOnDelete && engineSupportsTransforms() ? [retainCrds] : undefined,
        });

        this.namespace = namespace.metadata.name;
        this.version = pulumi.output(a.version);
        this.registerOutputs({ namespace: this.namespace, version: this.version });
    }
}
