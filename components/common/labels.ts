/**
 * Node labels shared by every component: the system node group carries them, and what must run
 * there (operators, Ray heads, monitoring, controllers) selects them. They live here, not in
 * `cluster/`, so any component can import them without loading LlmCluster's modules.
 */

/** The label on system nodes; operators, Ray heads and monitoring select it. */
export const SYSTEM_NODE_LABELS: Readonly<Record<string, string>> = { "ray-vllm-eks/node-pool": "system" };
