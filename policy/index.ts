/**
 * The ray-vllm-eks CrossGuard policy pack: `pulumi preview --policy-pack policy`. The only place
 * that constructs the PolicyPack; each domain's policies live in their own module.
 */
import { PolicyPack } from "@pulumi/policy";

import { allPolicies } from "./policies";

new PolicyPack("ray-vllm-eks", { policies: allPolicies });
