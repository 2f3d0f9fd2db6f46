/**
 * Prints the component package's schema, as `pulumi package add` derives it: the Node.js plugin host
 * finds the package's exported ComponentResource classes, and Pulumi's component analyzer reads
 * their TypeScript sources (`npm run schema`).
 */
import * as path from "path";

import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";

/** The package's name, the schema's `name` and the first part of every type token. */
export const PACKAGE_NAME = "ray-vllm-eks";

/** The schema of the package rooted at `root` (its package.json, tsconfig.json and index.ts). */
export async function packageSchema(root: string = path.resolve(__dirname, "..")): Promise<string> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require(path.join(root, "index")) as Record<string, unknown>;
    const provider = new ComponentProvider({ components: getPulumiComponents(entry), name: PACKAGE_NAME, dirname: root });
    return provider.getSchema();
}

if (require.main === module) {
    packageSchema().then((schema) => process.stdout.write(`${schema}\n`), (e: unknown) => {
        console.error(e);
        process.exit(2);
    });
}
