/**
 * The plan's GPU budget: every GPU NodePool's limit against the RayService GPU groups that can
 * land in it, one line per pool, after an overall line. The same analysis as the policy pack's
 * `gpu-budget` (policy/gpu.ts `gpuBudgetOf`), over the inputs as the engine hands them to it
 * (a value unknown during preview leaves the budget uncomputed, as it leaves the policy).
 */
import { GpuBudget, gpuBudgetOf, GpuGroupPlacement } from "../policy/gpu";
import { PlanResult } from "./engine";
import { preview, previewProps } from "./policies";

function groupName(g: GpuGroupPlacement): string {
    return g.group === "head" ? `${g.service}'s head` : `${g.service}'s ${g.group}`;
}

/** The groups that land in a pool, by service: "llm/vllm's g6e-xlarge and g6-xlarge", with what else to know of each. */
function contributors(pool: string, groups: GpuGroupPlacement[]): string {
    const services = [...new Set(groups.map((g) => g.service))];
    return services.map((service) => {
        const names = groups.filter((g) => g.service === service).map((g) => {
            const notes = [
                ...(g.maxReplicas === undefined ? ["no maxReplicas: unbounded"] : []),
                ...(g.pools.length > 1 ? [`can also land in NodePool ${g.pools.filter((x) => x !== pool).join(", ")}: counted in full in each`] : []),
            ];
            return `${g.group}${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`;
        });
        return `${service}'s ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`}`;
    }).join(", ");
}

function upgradeNote(d: { upgradeGpus: number }): string {
    return `${d.upgradeGpus} during NewCluster upgrades`;
}

/** The budget's lines: the overall line, then one per GPU NodePool, then the GPU groups no pool can hold. */
export function gpuBudgetLines(budget: GpuBudget): string[] {
    const { pools, groups, total } = budget;
    if (pools.length === 0 && groups.length === 0) {
        return [];
    }
    const need = `the RayServices need at most ${total.maxGpus} (${upgradeNote(total)})`;
    const idle = `idle GPU floor ${total.idleGpus} (GPUs that stay up with no traffic)`;
    if (pools.length === 0) {
        return [`GPU budget: no GPU NodePool in this stack (the cluster's NodePools must hold them); ${need}; ${idle}`];
    }
    const unplaced = groups.filter((g) => g.pools.length === 0);
    const over = pools.filter((p) => !p.fits).map((p) => `NodePool ${p.pool}`);
    const problems = [
        ...(over.length > 0 ? [`in ${over.join(", ")}`] : []),
        ...(unplaced.length > 0 ? [`${unplaced.length === 1 ? "a GPU group lands" : `${unplaced.length} GPU groups land`} in no NodePool`] : []),
    ];
    const verdict = problems.length === 0 ? "fits in each NodePool" : `DOES NOT FIT ${problems.join("; ")}`;
    const lines = [`GPU budget: the GPU NodePools allow ${budget.limit} GPUs; ${need}: ${verdict}; ${idle}`];
    for (const p of pools) {
        const limit = p.limit === undefined ? "no GPU limit" : `limit ${p.limit} GPUs`;
        if (p.groups.length === 0) {
            lines.push(`  NodePool ${p.pool}: ${limit}; no RayService GPU group lands in it`);
            continue;
        }
        lines.push(`  NodePool ${p.pool}: ${limit}; needs at most ${p.demand.maxGpus} (${upgradeNote(p.demand)}): ${p.fits ? "fits" : "DOES NOT FIT"}; idle floor ${p.demand.idleGpus}; from ${contributors(p.pool, p.groups)}`);
    }
    for (const g of unplaced) {
        lines.push(`  no NodePool: ${groupName(g)} (${g.gpusPerPod} GPU${g.gpusPerPod === 1 ? "" : "s"} per pod) can land in none of them: DOES NOT FIT`);
    }
    return lines;
}

/** The plan's GPU budget lines, or why they cannot be computed during preview. */
export function planGpuBudget(plan: PlanResult): string[] {
    try {
        return gpuBudgetLines(gpuBudgetOf(plan.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: previewProps(r.inputs) }))));
    } catch (e) {
        if (e instanceof preview.UnknownValueError) {
            return [`GPU budget: cannot be computed during preview: ${e.message}`];
        }
        throw e;
    }
}
