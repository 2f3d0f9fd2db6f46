/**
 * The serving capacity a plan prints: each VllmRayService's `servingCapacity` output (one line per
 * model: its KV cache per GPU, the requests of maxModelLength it holds, and its Serve settings).
 */

/** The component type whose outputs carry the lines. */
export const VLLM_SERVICE_TYPE = "ray-vllm-eks:index:VllmRayService";

/** The plan's "serving capacity" lines, in the order the services were registered. */
export function servingCapacityLines(resources: { type: string; outputs?: Record<string, unknown> }[]): string[] {
    return resources.filter((r) => r.type === VLLM_SERVICE_TYPE)
        .flatMap((r) => (Array.isArray(r.outputs?.servingCapacity) ? r.outputs.servingCapacity as unknown[] : []))
        .map((line) => `serving capacity: ${String(line)}`);
}
