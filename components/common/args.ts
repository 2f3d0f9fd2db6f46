/**
 * `{...defaults, ...args}` where an argument explicitly set to `undefined` (as an optional
 * config value usually is) keeps its default instead of erasing it.
 */
export function withDefaults<D extends object, A extends object>(defaults: D, args: A | undefined): D & A {
    const given = Object.fromEntries(Object.entries(args ?? {}).filter(([, v]) => v !== undefined));
    return { ...defaults, ...given } as D & A;
}
