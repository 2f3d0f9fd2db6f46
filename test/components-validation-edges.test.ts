/**
 * Edges of the components' validation that the mutation run (npm run mutate) showed untested:
 * each case is a value one character away from the rule's boundary, with the exact messages.
 */
import * as assert from "node:assert/strict";

import { compareVersions } from "../components/common/validation";
import { GcsRedisArgs, resolveGcsRedisArgs, validateGcsRedisArgs } from "../components/gcs-redis/args";
import { kubeRayDefaults, validateKubeRayArgs } from "../components/kuberay/args";
import { monitoringDefaults, monitoringWarnings, validateMonitoringArgs } from "../components/monitoring/args";

describe("components/common/validation.ts compareVersions at the edges", () => {
    it("reads a missing trailing part as 0 on either side, so 2.54.1 is after 2.54 and 2.54.0 equals it", () => {
        assert.deepEqual([compareVersions("2.54.1", "2.54"), compareVersions("2.54", "2.54.1"), compareVersions("2.54.0", "2.54")], [1, -1, 0]);
    });
});

describe("GcsRedis engineVersion for Valkey at the edges", () => {
    const BASE: GcsRedisArgs = { vpcId: "vpc-1", subnetIds: ["subnet-1", "subnet-2"], clientSecurityGroupIds: ["sg-1"], engine: "valkey" };
    const check = (engineVersion: string): string[] => validateGcsRedisArgs("gcs", resolveGcsRedisArgs({ ...BASE, engineVersion }));
    const notValkey = (v: string) => `engineVersion "${v}" is not a Valkey version: Valkey on ElastiCache starts at 7.2; use "8.0".`;
    const notMajorMinor = (v: string) => `engineVersion "${v}" is not a major.minor version: use one such as "7.1".`;

    it("refuses a Valkey version before 7.2 however its numbers are written (07.1, 6.10), and says only that a version that is no major.minor is not one", () => {
        assert.deepEqual(check("07.1"), [notValkey("07.1")]);
        assert.deepEqual(check("6.10"), [notValkey("6.10")]);
        assert.deepEqual(check("7.2"), []);
        assert.deepEqual(check("7.10"), []);
        assert.deepEqual(check("v7.1"), [notMajorMinor("v7.1")]);
        assert.deepEqual(check("7.1.0"), [notMajorMinor("7.1.0")]);
    });
});

describe("KubeRayOperator featureGates and MonitoringStack versions and warnings at the edges", () => {
    it("names several unknown feature gates in the plural, with KubeRay 1.7.0's gates", () => {
        assert.deepEqual(validateKubeRayArgs("kuberay", { ...kubeRayDefaults, featureGates: [{ name: "Foo", enabled: true }, { name: "Bar", enabled: false }] }), [
            `featureGates ["Foo","Bar"] are not feature gates of KubeRay 1.7.0: use RayClusterStatusConditions, RayJobDeletionPolicy, RayMultiHostIndexing, RayServiceIncrementalUpgrade, RayCronJob, RayClusterMTLS, RayClusterNetworkPolicy, RayClusterHistoryServer, SidecarSubmitterRestart, GCSFaultToleranceEmbeddedStorage, KubernetesWAS.`,
        ]);
    });

    it("refuses a dcgmExporterVersion that is no chart version, naming the pinned one", () => {
        assert.deepEqual(validateMonitoringArgs({ ...monitoringDefaults, dcgmExporterVersion: "4.8" }), [`dcgmExporterVersion "4.8" is not a chart version: pin one such as "4.8.2".`]);
    });

    it("warns of deleting Prometheus's volume only when there is one (a StorageClass)", () => {
        assert.deepEqual(monitoringWarnings("m", { ...monitoringDefaults, retainVolumeOnDelete: false, storageClassName: undefined }), []);
        assert.deepEqual(monitoringWarnings("m", { ...monitoringDefaults, retainVolumeOnDelete: false, storageClassName: "gp3" }), [
            "MonitoringStack m: retainVolumeOnDelete is false: Prometheus's volume and its samples are deleted with its StatefulSet, which prometheus-operator also deletes and recreates for a change such as a new storageSizeGiB.",
        ]);
    });
});
