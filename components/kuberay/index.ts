import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { childDependsOn, withDefaults } from "../common/args";
import { Check, checkKubernetesProvider, checkName, collect, isKnown, show, throwIfInvalid } from "../common/validation";
import { SYSTEM_NODE_LABELS } from "../cluster/args";

/** The kuberay-operator chart (https://github.com/ray-project/kuberay/tree/master/helm-chart/kuberay-operator). */
export const KUBERAY_CHART = "kuberay-operator";
export const KUBERAY_REPO = "https://ray-project.github.io/kuberay-helm/";
/** The pinned KubeRay version (chart and operator image). */
export const KUBERAY_VERSION = "1.7.0";

/** A KubeRay feature gate. */
export interface FeatureGateArgs {
    /**
     * The gate's name, one of `KUBERAY_FEATURE_GATES`.
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/feature-gates.html
     */
    name: string;
    /**
     * Whether it is on.
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/feature-gates.html
     */
    enabled: boolean;
}

/** The feature gates of KubeRay 1.7.0 and the chart's defaults for them. */
export const KUBERAY_FEATURE_GATES: Readonly<Record<string, boolean>> = {
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
};

export interface KubeRayOperatorArgs {
    /**
     * The namespace the operator runs in (created by the component).
     * @default "kuberay-system"
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/getting-started/kuberay-operator-installation.html
     */
    namespace?: string;
    /**
     * The KubeRay chart and operator version (1.7.x is what this package is tested with).
     * @default "1.7.0"
     * @see https://github.com/ray-project/kuberay/releases
     */
    version?: pulumi.Input<string>;
    /**
     * Feature gates to change; the others keep the chart's defaults (a list in Helm values
     * replaces the whole default list, so the component merges them for you).
     * @default []
     * @see https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/feature-gates.html
     */
    featureGates?: FeatureGateArgs[];
    /**
     * Namespaces whose Ray resources the operator reconciles; empty means all namespaces.
     * @default []
     * @see https://github.com/ray-project/kuberay/tree/master/helm-chart/kuberay-operator
     */
    watchNamespaces?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * CPU request of the operator.
     * @default "100m"
     * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
     */
    cpuRequest?: pulumi.Input<string>;
    /**
     * CPU limit of the operator.
     * @default "1"
     * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
     */
    cpuLimit?: pulumi.Input<string>;
    /**
     * Memory request and limit of the operator.
     * @default "512Mi"
     * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
     */
    memory?: pulumi.Input<string>;
}

/** Defaults of `KubeRayOperatorArgs`. */
export const kubeRayDefaults = {
    namespace: "kuberay-system",
    version: KUBERAY_VERSION,
    featureGates: [] as FeatureGateArgs[],
    watchNamespaces: [] as string[],
    cpuRequest: "100m",
    cpuLimit: "1",
    memory: "512Mi",
};

export type ResolvedKubeRayArgs = Omit<KubeRayOperatorArgs, keyof typeof kubeRayDefaults> & {
    [K in keyof typeof kubeRayDefaults]-?: NonNullable<KubeRayOperatorArgs[K]>;
};

/** Every problem with the arguments of `KubeRayOperator` `name`. */
export function validateKubeRayArgs(name: string, a: ResolvedKubeRayArgs): string[] {
    const checks: Check[] = [
        () => checkName("name", name, 40, "so that the names derived from it are valid Kubernetes names"),
        () => checkName("namespace", a.namespace, 63, "(a Kubernetes namespace name)"),
        () => {
            const unknown = a.featureGates.map((g) => g.name).filter((n) => !(n in KUBERAY_FEATURE_GATES));
            return unknown.length > 0
                ? `featureGates ${show(unknown)} ${unknown.length === 1 ? "is not a feature gate" : "are not feature gates"} of KubeRay ${KUBERAY_VERSION}: use ${Object.keys(KUBERAY_FEATURE_GATES).join(", ")}.`
                : undefined;
        },
        () => {
            const names = a.featureGates.map((g) => g.name);
            const twice = names.filter((n, i) => names.indexOf(n) !== i);
            return twice.length > 0 ? `featureGates sets ${show([...new Set(twice)])} more than once: set each gate once.` : undefined;
        },
        () => (isKnown(a.version) && !/^\d+\.\d+\.\d+$/.test(a.version) ? `version ${show(a.version)} is not an exact chart version: pin one such as "${KUBERAY_VERSION}".` : undefined),
    ];
    return collect(checks);
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
        }, { parent: this, dependsOn: childDependsOn(opts) });

        this.namespace = namespace.metadata.name;
        this.version = pulumi.output(a.version);
        this.registerOutputs({ namespace: this.namespace, version: this.version });
    }
}
