import * as pulumi from "@pulumi/pulumi";

import { Check, checkName, collect, isKnown, show } from "../common/validation";

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
    KubernetesWAS: false,
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
    /**
     * Keep KubeRay's CRDs when the component is deleted or renamed: deleting a CRD deletes every
     * RayService, RayCluster and RayJob in the cluster.
     * @default true
     * @see https://www.pulumi.com/docs/iac/concepts/options/retainondelete/
     */
    retainCrdsOnDelete?: boolean;
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
    retainCrdsOnDelete: true,
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

