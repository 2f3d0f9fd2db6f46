/**
 * Ray's facts have one home, components/common/ray.ts: every table of ports (the head's container
 * ports, the NetworkPolicies', the PodMonitor's, the exposure policies') derives from it, and the
 * policy pack's copy (policy/ray.ts, which the pack ships on its own) equals it.
 */
import * as assert from "node:assert/strict";

import { readSource } from "./support/source";

import { RAY_KINDS, RAY_METRICS_ROLES, RAY_PORT_ROLES, RAY_PORT_TABLE } from "../components/common/ray";
import { RAY_METRICS_PORT_NAMES } from "../components/monitoring/monitors";
import { HEAD_PORTS, METRICS_PORTS, RAY_PORTS } from "../components/vllm-service";
import { RAY_INTERNAL_PORTS, rayPortOf, SERVE_PORT } from "../policy/exposure";
import * as policyRay from "../policy/ray";

describe("Ray's facts (components/common/ray.ts)", () => {
    it("lists every Ray port once: its number, KubeRay's name for it, what it serves, whether it stays inside the cluster, whether it serves metrics", () => {
        assert.deepEqual(RAY_PORT_TABLE, {
            gcs: { port: 6379, name: "gcs-server", aliases: ["gcs", "redis"], what: "the Ray GCS", internal: true, metrics: false },
            dashboard: { port: 8265, name: "dashboard", aliases: [], what: "the Ray dashboard and Jobs API", internal: true, metrics: false },
            client: { port: 10001, name: "client", aliases: [], what: "the Ray client", internal: true, metrics: false },
            serve: { port: 8000, name: "serve", aliases: [], what: "Ray Serve's HTTP proxy", internal: false, metrics: false },
            metrics: { port: 8080, name: "metrics", aliases: [], what: "Ray's metrics", internal: true, metrics: true },
            autoscalerMetrics: { port: 44217, name: "as-metrics", aliases: [], what: "the Ray autoscaler's metrics", internal: true, metrics: true },
            dashboardMetrics: { port: 44227, name: "dash-metrics", aliases: [], what: "the Ray dashboard's metrics", internal: true, metrics: true },
            dashboardAgent: { port: 52365, name: "dashboard-agent", aliases: [], what: "the Ray dashboard agent", internal: true, metrics: false },
        });
        assert.deepEqual(RAY_PORT_ROLES, ["gcs", "dashboard", "client", "serve", "metrics", "autoscalerMetrics", "dashboardMetrics", "dashboardAgent"]);
        assert.deepEqual(RAY_METRICS_ROLES, ["metrics", "autoscalerMetrics", "dashboardMetrics"]);
    });

    it("gives each port its own number and names, every name a valid container port name (IANA_SVC_NAME, at most 15 characters)", () => {
        const ports = Object.values(RAY_PORT_TABLE);
        assert.equal(new Set(ports.map((p) => p.port)).size, ports.length);
        const names = ports.flatMap((p) => [p.name, ...p.aliases]);
        assert.equal(new Set(names).size, names.length);
        assert.deepEqual(names.filter((n) => !(n.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(n) && /[a-z]/.test(n) && !n.includes("--"))), []);
    });

    it("names KubeRay's kinds: API version, kind, Pulumi type and where the RayCluster spec sits", () => {
        assert.deepEqual(RAY_KINDS, {
            RayService: { apiVersion: "ray.io/v1", kind: "RayService", type: "kubernetes:ray.io/v1:RayService", clusterSpec: ["spec", "rayClusterConfig"] },
            RayCluster: { apiVersion: "ray.io/v1", kind: "RayCluster", type: "kubernetes:ray.io/v1:RayCluster", clusterSpec: ["spec"] },
            RayJob: { apiVersion: "ray.io/v1", kind: "RayJob", type: "kubernetes:ray.io/v1:RayJob", clusterSpec: ["spec", "rayClusterSpec"] },
        });
    });

    it("is copied into the policy pack unchanged, and the copy imports nothing (the pack ships on its own)", () => {
        assert.deepEqual(policyRay.RAY_PORT_TABLE, RAY_PORT_TABLE);
        assert.deepEqual(policyRay.RAY_KINDS, RAY_KINDS);
        const source = readSource("policy/ray.ts");
        assert.deepEqual(source.split("\n").filter((l) => /^\s*(import|export .* from)\b|require\(/.test(l)), []);
    });

    it("is where the head's container ports, the NetworkPolicies' ports and the PodMonitor's ports come from", () => {
        assert.deepEqual(HEAD_PORTS, [
            { name: "gcs-server", containerPort: 6379 },
            { name: "dashboard", containerPort: 8265 },
            { name: "client", containerPort: 10001 },
            { name: "serve", containerPort: 8000 },
            { name: "metrics", containerPort: 8080 },
            { name: "as-metrics", containerPort: 44217 },
            { name: "dash-metrics", containerPort: 44227 },
        ]);
        assert.deepEqual(RAY_PORTS, { gcs: 6379, dashboard: 8265, client: 10001, serve: 8000, metrics: 8080, autoscalerMetrics: 44217, dashboardMetrics: 44227, dashboardAgent: 52365 });
        assert.deepEqual(METRICS_PORTS, [8080, 44217, 44227]);
        assert.deepEqual(RAY_METRICS_PORT_NAMES, ["metrics", "as-metrics", "dash-metrics"]);
        // Prometheus is admitted to exactly the ports the PodMonitor scrapes by name.
        assert.deepEqual(HEAD_PORTS.filter((p) => METRICS_PORTS.includes(p.containerPort)).map((p) => p.name), RAY_METRICS_PORT_NAMES);
    });

    it("is where the exposure policies' Ray-internal ports come from: every port but Serve's, by number and by every name", () => {
        assert.deepEqual(RAY_INTERNAL_PORTS, {
            6379: { what: "the Ray GCS", names: ["gcs-server", "gcs", "redis"] },
            8080: { what: "Ray's metrics", names: ["metrics"] },
            8265: { what: "the Ray dashboard and Jobs API", names: ["dashboard"] },
            10001: { what: "the Ray client", names: ["client"] },
            44217: { what: "the Ray autoscaler's metrics", names: ["as-metrics"] },
            44227: { what: "the Ray dashboard's metrics", names: ["dash-metrics"] },
            52365: { what: "the Ray dashboard agent", names: ["dashboard-agent"] },
        });
        assert.equal(SERVE_PORT, 8000);
        // Every port the head declares, but Serve's, is one the policies keep inside the cluster, by name alone.
        assert.deepEqual(HEAD_PORTS.map((p) => `${p.name}:${rayPortOf({ name: p.name })}`), [
            "gcs-server:6379", "dashboard:8265", "client:10001", "serve:undefined", "metrics:8080", "as-metrics:44217", "dash-metrics:44227",
        ]);
    });
});
