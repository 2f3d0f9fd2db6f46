/**
 * The GPU demand of a Ray cluster's worker groups, for the `gpu-budget` policy: a copy of
 * `components/common/gpu-demand.ts`, which VllmRayService's `maxGpus`, `idleGpus` and
 * `upgradeGpus` and the offline plan's GPU budget use. The pack is published on its own (only
 * this folder is uploaded), so it imports nothing; test/policy-shared.test.ts proves the copy
 * equal to the original. Change both together.
 */

/** KubeRay's upgrade strategy when a RayService sets none: a second cluster comes up before the first goes. */
export const DEFAULT_UPGRADE_STRATEGY = "NewCluster";

/** One worker group as far as GPUs go: the GPUs one pod takes, and how many pods it runs. */
export interface GpuGroupReplicas {
    /** GPUs (`nvidia.com/gpu`) one pod of the group takes. */
    gpusPerPod: number;
    /** Pods that run with no traffic. */
    minReplicas: number;
    /** The most pods the group runs. */
    maxReplicas: number;
}

/** GPUs held at most, with no traffic, and at most during an upgrade. */
export interface GpuDemand {
    /** Every group at maxReplicas. */
    maxGpus: number;
    /** Every group at minReplicas: the idle floor. */
    idleGpus: number;
    /** The most during an upgrade: twice maxGpus with "NewCluster" (two clusters at once), else maxGpus. */
    upgradeGpus: number;
}

/** No demand: the start of a sum. */
export const NO_GPU_DEMAND: Readonly<GpuDemand> = { maxGpus: 0, idleGpus: 0, upgradeGpus: 0 };

/** Ray clusters that run at once during an upgrade: 2 with "NewCluster" (KubeRay's default, when unset), else 1. */
export function clustersDuringUpgrade(upgradeStrategy: string | undefined): number {
    return (upgradeStrategy ?? DEFAULT_UPGRADE_STRATEGY) === "NewCluster" ? 2 : 1;
}

/** The GPU demand of one Ray cluster's groups under its upgrade strategy (unset: KubeRay's default, "NewCluster"). */
export function gpuDemand(groups: readonly GpuGroupReplicas[], upgradeStrategy: string | undefined): GpuDemand {
    const maxGpus = groups.reduce((sum, g) => sum + g.maxReplicas * g.gpusPerPod, 0);
    const idleGpus = groups.reduce((sum, g) => sum + g.minReplicas * g.gpusPerPod, 0);
    return { maxGpus, idleGpus, upgradeGpus: clustersDuringUpgrade(upgradeStrategy) * maxGpus };
}

/** The sum of several demands (several services, or several services' groups in one pool). */
export function sumGpuDemand(demands: readonly GpuDemand[]): GpuDemand {
    return demands.reduce((sum, d) => ({
        maxGpus: sum.maxGpus + d.maxGpus,
        idleGpus: sum.idleGpus + d.idleGpus,
        upgradeGpus: sum.upgradeGpus + d.upgradeGpus,
    }), { ...NO_GPU_DEMAND });
}
