/** Every policy of the pack, in order: the pack (index.ts) and the offline plan both use this list. */
import { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";

import { baselinePolicies } from "./baseline";
import { exposurePolicies } from "./exposure";
import { gpuPolicies } from "./gpu";
import { helmPolicies } from "./helm";

export const allPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [...gpuPolicies, ...exposurePolicies, ...helmPolicies, ...baselinePolicies];
