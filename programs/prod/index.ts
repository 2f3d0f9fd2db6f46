/**
 * prod: the production shape (programs/production.ts) at full size, from Pulumi.prod.yaml: a
 * multi-model gateway on two GPU NodePools (spot-first for the small models, on-demand for the
 * 72B model), GCS fault tolerance on Multi-AZ Redis, an internal TLS endpoint, monitoring, and
 * every policy of the pack mandatory (policy/config/prod.json).
 */
import * as pulumi from "@pulumi/pulumi";

import { productionShape } from "../production";

// The stack's outputs: kubeconfig, names, the GPU budget and idle floor (see productionShape).
export = productionShape(new pulumi.Config());
