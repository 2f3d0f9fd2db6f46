/**
 * Single values the policies share with the components, copied here: the pack is published on its
 * own (`pulumi policy publish` uploads only this folder), so it imports nothing from outside it.
 * test/policy-shared.test.ts proves each copy equal to the component's. Change both together.
 */

/** The extended resource, taint key and label of NVIDIA GPUs (`components/gpu-nodepool/args.ts` GPU_RESOURCE). */
export const GPU_RESOURCE = "nvidia.com/gpu";

/**
 * The oldest Ray version without known critical CVEs (CVE-2025-62593 fixed in 2.52.0,
 * CVE-2026-27482 in 2.54.0): `components/vllm-service/args.ts` MIN_RAY_VERSION.
 */
export const MIN_RAY_VERSION = "2.54.0";

/**
 * Compares dotted versions numerically ("2.10.0" > "2.9.1"); a missing or non-numeric part counts
 * as 0. Negative, zero or positive, like a sort comparator (`components/common/validation.ts`
 * compareVersions).
 */
export function compareVersions(a: string, b: string): number {
    const [x, y] = [a, b].map((v) => v.split(".").map((n) => parseInt(n, 10) || 0));
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
        if ((x[i] ?? 0) !== (y[i] ?? 0)) {
            return (x[i] ?? 0) - (y[i] ?? 0);
        }
    }
    return 0;
}
