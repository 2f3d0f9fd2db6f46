/**
 * The order in which `pulumi destroy` deletes a plan's resources, modelled on the engine's
 * dependency graph (pkg/resource/graph in pulumi/pulumi): a resource is deleted before everything
 * it depends on, that is
 *
 *   - its `dependencies` (explicit `dependsOn` and the dependencies of its inputs),
 *   - its parent,
 *   - its provider (the `provider` field is `<provider urn>::<id>`),
 *   - its `deletedWith` resource.
 *
 * A dependency on a component means the component and every resource below it. The Node SDK
 * already expands `dependsOn` a local component into its custom descendants before the engine sees
 * it; a remote component (eks:index:Cluster) stays one URN, and the engine treats it the same way.
 *
 * The engine deletes in steps: each step deletes, in parallel, every resource nothing left depends
 * on. Two resources are deleted in a given order only if a chain of dependencies joins them; the
 * position in the list alone promises nothing, so ask {@link DestroyGraph.chain} for the reason.
 * The options do not change the order: a `protect`ed resource stops the destroy at its step, a
 * `retainOnDelete` one is only forgotten at its step.
 */
import { PlannedResource } from "./engine";

/** The provider resource's URN in a provider reference `<urn>::<id>`. */
export function providerUrn(ref: string): string {
    const i = ref.lastIndexOf("::");
    return i < 0 ? ref : ref.slice(0, i);
}

export class DestroyGraph {
    /** For each URN, the URNs that must still exist when it is deleted. */
    private readonly waitsFor = new Map<string, Set<string>>();

    public constructor(resources: Iterable<PlannedResource>) {
        const all = [...resources];
        const byUrn = new Map(all.map((r) => [r.urn, r]));
        const children = new Map<string, string[]>();
        for (const r of all) {
            if (r.parent) {
                children.set(r.parent, [...(children.get(r.parent) ?? []), r.urn]);
            }
        }
        const below = (urn: string): string[] => (children.get(urn) ?? []).flatMap((c) => [c, ...below(c)]);
        for (const r of all) {
            const own = new Set([r.urn, ...below(r.urn)]);
            const deps = new Set<string>();
            for (const d of [...r.dependencies, ...(r.options.deletedWith ? [r.options.deletedWith] : [])]) {
                deps.add(d);
                if (byUrn.get(d)?.custom === false) {
                    // Everything below the component, but not this resource or its own children (a cycle).
                    below(d).filter((u) => !own.has(u)).forEach((u) => deps.add(u));
                }
            }
            if (r.parent) {
                deps.add(r.parent);
            }
            if (r.provider) {
                deps.add(providerUrn(r.provider));
            }
            deps.delete(r.urn);
            // What is not in the plan (a remote component's children) has no delete to order.
            this.waitsFor.set(r.urn, new Set([...deps].filter((u) => byUrn.has(u))));
        }
    }

    /** The URNs that must still exist when `urn` is deleted (its direct delete dependencies), sorted. */
    public dependenciesOf(urn: string): string[] {
        return [...(this.waitsFor.get(urn) ?? [])].sort();
    }

    /**
     * The destroy's steps, first first: each step holds, sorted, the resources that no resource of
     * a later step depends on. Throws on a dependency cycle (the engine never records one).
     */
    public steps(): string[][] {
        const dependents = new Map<string, number>([...this.waitsFor.keys()].map((u) => [u, 0]));
        for (const deps of this.waitsFor.values()) {
            deps.forEach((d) => dependents.set(d, dependents.get(d)! + 1));
        }
        const steps: string[][] = [];
        let left = dependents.size;
        let ready = [...dependents.keys()].filter((u) => dependents.get(u) === 0).sort();
        while (ready.length > 0) {
            steps.push(ready);
            left -= ready.length;
            const next: string[] = [];
            for (const u of ready) {
                for (const d of this.waitsFor.get(u)!) {
                    dependents.set(d, dependents.get(d)! - 1);
                    if (dependents.get(d) === 0) {
                        next.push(d);
                    }
                }
            }
            ready = next.sort();
        }
        if (left > 0) {
            const stuck = [...dependents.keys()].filter((u) => dependents.get(u)! > 0).sort();
            throw new Error(`the resources' dependencies form a cycle, so no delete order exists; among:\n${stuck.map((u) => `  ${u}`).join("\n")}`);
        }
        return steps;
    }

    /**
     * Why `first` is deleted before `then`: the shortest chain of delete dependencies from `first`
     * to `then` (both included), or undefined when none joins them (the engine may delete them in
     * either order, or together).
     */
    public chain(first: string, then: string): string[] | undefined {
        const via = new Map<string, string>([[first, first]]);
        const queue = [first];
        while (queue.length > 0) {
            const u = queue.shift()!;
            if (u === then) {
                const path = [u];
                while (path[0] !== first) {
                    path.unshift(via.get(path[0])!);
                }
                return path;
            }
            for (const d of this.dependenciesOf(u)) {
                if (!via.has(d)) {
                    via.set(d, u);
                    queue.push(d);
                }
            }
        }
        return undefined;
    }
}

/** How `pulumi destroy` deletes these resources: steps of URNs, first step first (see {@link DestroyGraph.steps}). */
export function destroyOrder(resources: Iterable<PlannedResource>): string[][] {
    return new DestroyGraph(resources).steps();
}
