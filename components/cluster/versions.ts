/**
 * The pinned versions of what LlmCluster installs. A leaf module (it imports nothing), so that
 * `args.ts` can take its defaults from here whichever of the cluster's modules loads first.
 */

/** The pinned Karpenter version (chart and controller image). Override with `karpenterVersion`. */
export const KARPENTER_VERSION = "1.14.1";

/** The pinned chart version of the `aws-load-balancer-controller` chart (it deploys controller v3.5.0). Override with `loadBalancerControllerVersion`. */
export const LOAD_BALANCER_CONTROLLER_VERSION = "3.5.0";
