/**
 * The Pulumi program of this project (Pulumi.yaml `main`): the stack's name picks the
 * environment, so `pulumi up -s dev` runs programs/dev.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { refuseUndeclaredConfig } from "./config";
import { guardPlaceholders } from "./placeholders";

const stack = pulumi.getStack();
const environments = fs.readdirSync(__dirname).filter((d) => fs.existsSync(path.join(__dirname, d, "index.ts")) || fs.existsSync(path.join(__dirname, d, "index.js")));
if (!environments.includes(stack)) {
    throw new Error(`stack "${stack}" has no program: name the stack after an environment (${environments.sort().join(", ")}), e.g. pulumi stack select dev.`);
}
const config = pulumi.runtime.allConfig();
refuseUndeclaredConfig(pulumi.getProject(), stack, config);
guardPlaceholders(config);
// eslint-disable-next-line @typescript-eslint/no-require-imports
module.exports = require(`./${stack}`);
