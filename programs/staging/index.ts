/**
 * staging: production's shape (programs/production.ts) at smaller limits, from Pulumi.staging.yaml:
 * the same three models, the same two GPU NodePools, Redis, internal TLS endpoint and monitoring,
 * with smaller GPU budgets and replica counts, and the large model scaled to zero when idle.
 */
import * as pulumi from "@pulumi/pulumi";

import { productionShape } from "../production";

// The stack's outputs: kubeconfig, names, the GPU budget and idle floor (see productionShape).
export = productionShape(new pulumi.Config());
