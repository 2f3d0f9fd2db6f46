/**
 * KubeRayOperator's `transforms` option: retainCrds only when retainCrdsOnDelete is set and the
 * engine runs transforms. The mock engine does not (its store's supportsTransforms is false), so
 * these tests set the flag around the constructor, and read the option the SDK is given: it is not
 * in the registration the mocks record.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import { settle } from "./support/mocks";

import { KubeRayOperator, KubeRayOperatorArgs, retainCrds } from "../components/kuberay";

const provider = new k8s.Provider("kuberay-edges-test-k8s", { kubeconfig: "{}" });

type Register = (res: unknown, parent: unknown, t: string, name: string, custom: boolean, remote: boolean, newDependency: unknown, props: unknown, opts: pulumi.ResourceOptions, ...rest: unknown[]) => void;

/* eslint-disable @typescript-eslint/no-require-imports */
const runtime = require("@pulumi/pulumi/runtime/resource") as { registerResource: Register };
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { supportsTransforms?: boolean } };
/* eslint-enable @typescript-eslint/no-require-imports */

/** The `transforms` option each chart of these tests was registered with, by resource name. */
const transforms = new Map<string, pulumi.ResourceTransform[] | undefined>();

/**
 * Constructs a KubeRayOperator while the engine claims (or denies) support for transforms, and
 * returns the `transforms` its chart was registered with.
 */
async function chartTransforms(name: string, args: KubeRayOperatorArgs, supportsTransforms: boolean): Promise<pulumi.ResourceTransform[] | undefined> {
    const store = state.getStore();
    const previous = store.supportsTransforms;
    store.supportsTransforms = supportsTransforms;
    try {
        new KubeRayOperator(name, args, { provider });
    } finally {
        store.supportsTransforms = previous;
    }
    await settle();
    assert.ok(transforms.has(`${name}-chart`), `${name}-chart was registered`);
    return transforms.get(`${name}-chart`);
}

describe("KubeRayOperator transforms", () => {
    let register: Register;

    before(() => {
        register = runtime.registerResource;
        // Records the option, then registers without it: the mock engine has no callback server to run a transform.
        runtime.registerResource = function (this: unknown, res, parent, t, name, custom, remote, newDependency, props, opts, ...rest) {
            if (name.startsWith("kredge-") && t === "kubernetes:helm.sh/v4:Chart") {
                transforms.set(name, opts.transforms);
                opts = { ...opts, transforms: undefined };
            }
            register.call(this, res, parent, t, name, custom, remote, newDependency, props, opts, ...rest);
        };
    });

    after(() => {
        runtime.registerResource = register;
    });

    it("gives the chart [retainCrds] by default when the engine supports transforms", async () => {
        const given = await chartTransforms("kredge-1", {}, true);
        assert.equal(given?.length, 1);
        assert.equal(given?.[0], retainCrds);
    });

    it("gives the chart no transforms when the engine does not support them (the mock engine)", async () => {
        assert.equal(await chartTransforms("kredge-2", {}, false), undefined);
    });

    it("gives the chart no transforms with retainCrdsOnDelete false, even when the engine supports them", async () => {
        assert.equal(await chartTransforms("kredge-3", { retainCrdsOnDelete: false }, true), undefined);
    });
});
