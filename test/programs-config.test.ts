/**
 * The environments' config checks (programs/config.ts): a key of the project's namespace that
 * Pulumi.yaml does not declare stops `pulumi up` before anything is created, since Pulumi itself
 * passes it on unread.
 */
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

import { clusterArgsFromConfig, PROJECT_DIR, refuseUndeclaredConfig } from "../programs/config";

/** The RunError refuseUndeclaredConfig throws (a RunError prints without a stack trace), or undefined. */
function refusal(run: () => void): string | undefined {
    try {
        run();
    } catch (e) {
        assert.ok(e instanceof pulumi.RunError, `expected a RunError, got ${String(e)}`);
        return e.message;
    }
    return undefined;
}

describe("programs/config.ts: config keys Pulumi.yaml does not declare", () => {
    it("reads the repository's Pulumi.yaml", () => {
        assert.equal(PROJECT_DIR, path.resolve(__dirname, ".."));
        assert.ok(fs.existsSync(path.join(PROJECT_DIR, "Pulumi.yaml")));
    });

    it("refuses a misspelled key of ray-vllm-eks, naming the declared one", () => {
        assert.equal(
            refusal(() => refuseUndeclaredConfig("ray-vllm-eks", "dev", { "ray-vllm-eks:clusterName": "llm-dev", "ray-vllm-eks:natGateway": "Single", "aws:region": "us-west-2" })),
            'stack "dev" sets configuration that Pulumi.yaml does not declare, which the program would never read:\n'
                + "  natGateway (Pulumi.dev.yaml or -c): did you mean natGateways?\n"
                + "Rename each to a key Pulumi.yaml declares (its config section lists them with their descriptions), or remove it.",
        );
    });

    it("lists several in key order", () => {
        assert.equal(
            refusal(() => refuseUndeclaredConfig("ray-vllm-eks", "prod", { "ray-vllm-eks:gpuLimits": "8", "ray-vllm-eks:availabilityZones": "2" })),
            'stack "prod" sets configuration that Pulumi.yaml does not declare, which the program would never read:\n'
                + "  availabilityZones (Pulumi.prod.yaml or -c): did you mean availabilityZoneCount?\n"
                + "  gpuLimits (Pulumi.prod.yaml or -c): did you mean gpuLimit?\n"
                + "Rename each to a key Pulumi.yaml declares (its config section lists them with their descriptions), or remove it.",
        );
    });

    it("accepts every key the three stacks set, and other namespaces", () => {
        for (const stack of ["dev", "staging", "prod"]) {
            const file = fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8");
            const keys = [...file.matchAll(/^ {2}([A-Za-z0-9-]+:[A-Za-z0-9]+):/gm)].map((m) => m[1]);
            assert.ok(keys.length > 5, `${stack}: ${keys.join(", ")}`);
            assert.equal(refusal(() => refuseUndeclaredConfig("ray-vllm-eks", stack, Object.fromEntries(keys.map((k) => [k, "x"])))), undefined, stack);
        }
    });

    it("checks against the given project folder's Pulumi.yaml", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "programs-config-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: app\nconfig:\n  size: {type: integer, default: 1}\n");
            assert.equal(refusal(() => refuseUndeclaredConfig("app", "dev", { "app:size": "2" }, dir)), undefined);
            assert.equal(
                refusal(() => refuseUndeclaredConfig("app", "dev", { "app:sizes": "2" }, dir)),
                'stack "dev" sets configuration that Pulumi.yaml does not declare, which the program would never read:\n'
                    + "  sizes (Pulumi.dev.yaml or -c): did you mean size?\n"
                    + "Rename each to a key Pulumi.yaml declares (its config section lists them with their descriptions), or remove it.",
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("programs/config.ts: the cluster's arguments from config", () => {
    after(() => pulumi.runtime.setAllConfig({}, []));

    it("passes allowPublicEndpointFromAnywhere, the key the cluster's 0.0.0.0/0 error names, and leaves it unset when the stack does", () => {
        pulumi.runtime.setAllConfig({ "ray-vllm-eks:clusterName": "c", "ray-vllm-eks:allowPublicEndpointFromAnywhere": "true" }, []);
        assert.equal(clusterArgsFromConfig(new pulumi.Config("ray-vllm-eks"), {}).allowPublicEndpointFromAnywhere, true);
        pulumi.runtime.setAllConfig({ "ray-vllm-eks:clusterName": "c" }, []);
        assert.equal(clusterArgsFromConfig(new pulumi.Config("ray-vllm-eks"), {}).allowPublicEndpointFromAnywhere, undefined);
    });

    it("declares allowPublicEndpointFromAnywhere in Pulumi.yaml as a boolean, false by default", () => {
        assert.match(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8"), /\n {2}allowPublicEndpointFromAnywhere:\n {4}type: boolean\n {4}description: [^\n]+\n {4}default: false\n/);
    });
});
