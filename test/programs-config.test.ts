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

import { PROJECT, runErrorOf, STACK } from "./support/mocks";

import { CLUSTER_CONFIG_KEYS, clusterArgsFromConfig, fromConfig, PROJECT_DIR, refuseUndeclaredConfig } from "../programs/config";


describe("programs/config.ts: config keys Pulumi.yaml does not declare", () => {
    it("reads the repository's Pulumi.yaml", () => {
        assert.equal(PROJECT_DIR, path.resolve(__dirname, ".."));
        assert.ok(fs.existsSync(path.join(PROJECT_DIR, "Pulumi.yaml")));
    });

    it("refuses a misspelled key of ray-vllm-eks, naming the declared one", () => {
        assert.equal(
            runErrorOf(() => refuseUndeclaredConfig("ray-vllm-eks", "dev", { "ray-vllm-eks:clusterName": "llm-dev", "ray-vllm-eks:natGateway": "Single", "aws:region": "us-west-2" })),
            'stack "dev" sets configuration that Pulumi.yaml does not declare, which the program would never read:\n'
                + "  natGateway (Pulumi.dev.yaml or -c): did you mean natGateways?\n"
                + "Rename each to a key Pulumi.yaml declares (its config section lists them with their descriptions), or remove it.",
        );
    });

    it("lists several in key order", () => {
        assert.equal(
            runErrorOf(() => refuseUndeclaredConfig("ray-vllm-eks", "prod", { "ray-vllm-eks:gpuLimits": "8", "ray-vllm-eks:availabilityZones": "2" })),
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
            assert.equal(runErrorOf(() => refuseUndeclaredConfig("ray-vllm-eks", stack, Object.fromEntries(keys.map((k) => [k, "x"])))), undefined, stack);
        }
    });

    it("checks against the given project folder's Pulumi.yaml", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "programs-config-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: app\nconfig:\n  size: {type: integer, default: 1}\n");
            assert.equal(runErrorOf(() => refuseUndeclaredConfig("app", "dev", { "app:size": "2" }, dir)), undefined);
            assert.equal(
                runErrorOf(() => refuseUndeclaredConfig("app", "dev", { "app:sizes": "2" }, dir)),
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

describe("programs/config.ts: fromConfig names the config key behind a refused argument", () => {
    const refuse = (message: string) => (): never => {
        throw new pulumi.ResourceError(message, undefined, true);
    };
    const errorOf = (run: () => unknown): pulumi.ResourceError => {
        try {
            run();
        } catch (e) {
            assert.ok(e instanceof pulumi.ResourceError, String(e));
            return e;
        }
        throw new Error("did not throw");
    };

    it("returns what the constructor returns", () => {
        assert.equal(fromConfig({ a: "b" }, () => 42), 42);
    });

    it("appends each named argument's config key, with the stack file and the pulumi config set command, keeping hideStack", () => {
        assert.equal(PROJECT, "ray-vllm-eks");
        assert.equal(STACK, "test");
        const e = errorOf(() => fromConfig({ "pools[0].instanceFamilies": "gpuInstanceFamilies", "pools[1].gpuLimit": "largeGpuLimit", "pools[0].gpuLimit": "gpuLimit" },
            refuse("GpuNodePool: pools[1].gpuLimit 0 must be at least 1; pools[0].instanceFamilies [\"p9\"] is unknown.")));
        assert.equal(e.message, "GpuNodePool: pools[1].gpuLimit 0 must be at least 1; pools[0].instanceFamilies [\"p9\"] is unknown.\n"
            + "Set by the stack's config:\n"
            + "  pools[0].instanceFamilies: config key ray-vllm-eks:gpuInstanceFamilies (Pulumi.test.yaml, or pulumi config set gpuInstanceFamilies)\n"
            + "  pools[1].gpuLimit: config key ray-vllm-eks:largeGpuLimit (Pulumi.test.yaml, or pulumi config set largeGpuLimit)");
        assert.equal(e.hideStack, true);
    });

    it("matches whole arguments only: not a field of another argument, a longer name, or another index", () => {
        const original = new pulumi.ResourceError("X: pools[0].gpuLimit 0, retentionDays 3, models[10].maxReplicas 0, natGatewaysX y", undefined);
        const thrown = errorOf(() => fromConfig({ "gpuLimit": "gpuLimit", "retention": "prometheusRetention", "models[1].maxReplicas": "m", "natGateways": "natGateways" }, () => {
            throw original;
        }));
        assert.equal(thrown, original);
    });

    it("matches an argument at the start of the message or after a space or quote", () => {
        assert.equal(errorOf(() => fromConfig({ vpcCidr: "vpcCidr" }, refuse("vpcCidr is wrong"))).message,
            "vpcCidr is wrong\nSet by the stack's config:\n  vpcCidr: config key ray-vllm-eks:vpcCidr (Pulumi.test.yaml, or pulumi config set vpcCidr)");
        assert.match(errorOf(() => fromConfig({ vpcCidr: "vpcCidr" }, refuse("set \"vpcCidr\" right"))).message, /\n {2}vpcCidr: config key ray-vllm-eks:vpcCidr /);
    });

    it("rethrows anything but a ResourceError unchanged", () => {
        const plain = new Error("natGateways broke");
        assert.throws(() => fromConfig({ natGateways: "natGateways" }, () => {
            throw plain;
        }), (e) => e === plain);
    });

    it("lists the cluster's arguments read from config keys of the same name, all declared in Pulumi.yaml", () => {
        assert.deepEqual(CLUSTER_CONFIG_KEYS, [
            "clusterName", "kubernetesVersion", "vpcCidr", "availabilityZoneCount", "natGateways", "endpointPublicAccessCidrs",
            "allowPublicEndpointFromAnywhere", "endpointPrivateAccessCidrs", "endpointPrivateAccessSecurityGroupIds", "accessEntries",
            "storageReclaimPolicy", "systemNodeInstanceTypes", "systemNodeMinSize", "systemNodeMaxSize", "deletionProtection",
        ]);
        const declared = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8");
        for (const k of CLUSTER_CONFIG_KEYS) {
            assert.match(declared, new RegExp(`\\n {2}${k}:\\n`), k);
        }
    });
});
