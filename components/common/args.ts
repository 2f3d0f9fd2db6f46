import * as pulumi from "@pulumi/pulumi";

/**
 * `{...defaults, ...args}` where an argument explicitly set to `undefined` (as an optional
 * config value usually is) keeps its default instead of erasing it.
 */
export function withDefaults<D extends object, A extends object>(defaults: D, args: A | undefined): D & A {
    const given = Object.fromEntries(Object.entries(args ?? {}).filter(([, v]) => v !== undefined));
    return { ...defaults, ...given } as D & A;
}

type DependsOn = pulumi.ComponentResourceOptions["dependsOn"];

/**
 * The `dependsOn` of a component's child: the component's own `dependsOn` plus `own`. Pulumi
 * records a component's `dependsOn` on the component only; repeating it on the children puts
 * the edges in the engine's graph, so `pulumi destroy` also respects them (a NodePool goes
 * before the Karpenter CRDs it needs).
 */
export function childDependsOn(opts: pulumi.ComponentResourceOptions | undefined, ...own: pulumi.Resource[]): DependsOn {
    const inherited = opts?.dependsOn;
    if (inherited === undefined) {
        return own;
    }
    if (Array.isArray(inherited)) {
        return [...inherited, ...own];
    }
    if (inherited instanceof pulumi.Resource) {
        return [inherited, ...own];
    }
    // A promise or output of resources: the engine waits for it as for the list.
    const pending: Promise<pulumi.Input<pulumi.Resource>[]> = Promise.resolve(inherited as pulumi.Input<pulumi.Resource>)
        .then((d) => [d as pulumi.Input<pulumi.Resource>, ...own]);
    return pending;
}
