/**
 * What an environment costs per hour and per month, at its idle floor (no traffic: every
 * RayService at its minimum replicas) and at its maximum (every GPU NodePool at its limit),
 * from the real engine's view of the plan (the AWS resources pulumi-eks and awsx create) and the
 * list prices of plan/prices.ts.
 *
 * Counted: the EKS control plane, NAT gateways and their public IPv4 addresses, the system node
 * groups (their minimum and maximum sizes) and their root volumes, the GPU nodes and their
 * volumes (at the idle floor: the nodes the RayServices' worker groups keep at their minimum
 * replicas; at the maximum: every GPU of each NodePool's limit, on the dearest instance type per
 * GPU among the worker groups that land in it), the GCS Redis nodes, load balancers, persistent
 * volumes and KMS keys. Spot-first NodePools are priced at SPOT_SHARE_OF_ON_DEMAND of on-demand.
 * Not counted: what depends on traffic or time (data processed by NAT gateways and load balancers,
 * data transfer, CloudWatch logs and metrics, snapshots, S3, ECR).
 */
import { at, quantity } from "../policy/common";
import { GpuBudget, gpuBudgetOf } from "../policy/gpu";
import { instanceSizeOf } from "../components/gpu-nodepool/catalog";
import { PlannedResource } from "./engine";
import { previewProps } from "./policies";
import { HOURS_PER_MONTH, PRICE_TABLES, PriceTable, SPOT_SHARE_OF_ON_DEMAND } from "./prices";

/** One line of the estimate: what it counts, and its hourly cost at the idle floor and at the maximum. */
export interface CostItem {
    item: string;
    /** What was counted, as the plan prints it. */
    detail: string;
    idleHourly: number;
    /** null: unbounded (a GPU NodePool without a limit). */
    maxHourly: number | null;
}

/** The estimate as plan.json records it. */
export interface CostEstimate {
    region: string;
    prices: { source: string; date: string };
    /** Totals: USD per hour and per month (HOURS_PER_MONTH), at the idle floor and at the maximum (null: unbounded). */
    idle: { hourly: number; monthly: number };
    maximum: { hourly: number; monthly: number } | null;
    items: CostItem[];
    /** What the figures leave out, each with why: no price in the table, no instance type, no GPU NodePool in the stack. */
    leftOut: string[];
    assumptions: string[];
    notCounted: string[];
}

const NOT_COUNTED = [
    "data processed by NAT gateways and load balancers (per GB) and load balancer capacity units",
    "data transfer",
    "CloudWatch logs and metrics",
    "EBS snapshots, S3 and ECR",
];

type Resource = Pick<PlannedResource, "type" | "name" | "inputs" | "dependencies" | "urn" | "parent">;

function count(resources: Resource[], type: string): number {
    return resources.filter((r) => r.type === type).length;
}

/** A size in GiB: a number as it is (EBS sizes), a Kubernetes quantity of bytes ("200Gi", "100G") converted; undefined otherwise. */
export function gibOf(size: unknown): number | undefined {
    if (typeof size === "number") {
        return size;
    }
    const bytes = quantity(size);
    return bytes === undefined ? undefined : bytes / 2 ** 30;
}

/** A gp3 volume's hourly price: its size, and its IOPS and throughput above what gp3 includes. */
export function gp3Hourly(prices: PriceTable, gib: number, iops = 3000, throughput = 125): number {
    const monthly = gib * prices.gp3GiBMonth + Math.max(0, iops - 3000) * prices.gp3IopsMonth + Math.max(0, throughput - 125) * prices.gp3ThroughputMonth;
    return monthly / HOURS_PER_MONTH;
}

/** The hourly price of EBS block device mappings (`ebs.volumeSize`, `iops`, `throughput`), per node. */
function volumesHourly(prices: PriceTable, mappings: unknown): number {
    return (Array.isArray(mappings) ? mappings : []).reduce((sum: number, m) => {
        const gib = gibOf(at(m, "ebs", "volumeSize"));
        // gp3Hourly's defaults stand in for IOPS and throughput the mapping leaves out.
        return gib === undefined ? sum : sum + gp3Hourly(prices, gib, at(m, "ebs", "iops") as number | undefined, at(m, "ebs", "throughput") as number | undefined);
    }, 0);
}

/** An hourly figure: cents, and below $1 up to four decimals ("$0.10", "$0.045", "$0.0164", "$10.49"). */
function money(usd: number): string {
    if (usd >= 1) {
        return `$${usd.toFixed(2)}`;
    }
    const [whole, decimals] = usd.toFixed(4).split(".");
    return `$${whole}.${decimals.replace(/0+$/, "").padEnd(2, "0")}`;
}

function systemNodes(resources: Resource[], prices: PriceTable, leftOut: string[]): CostItem[] {
    return resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup").flatMap((group) => {
        const types = at(group.inputs, "instanceTypes");
        const type = Array.isArray(types) && typeof types[0] === "string" ? types[0] : "t3.medium";
        const [min, max] = [Number(at(group.inputs, "scalingConfig", "minSize") ?? 0), Number(at(group.inputs, "scalingConfig", "maxSize") ?? 0)];
        const spot = at(group.inputs, "capacityType") === "SPOT";
        const price = prices.ec2[type];
        if (price === undefined) {
            leftOut.push(`node group ${group.name}: no price for ${type}`);
            return [];
        }
        const each = price * (spot ? SPOT_SHARE_OF_ON_DEMAND : 1);
        // The root volume: the launch template's (a dependency of the node group, or of the
        // pulumi-eks ManagedNodeGroup that creates it), else EKS's default of 20 GiB.
        const owner = resources.find((r) => r.urn === group.parent);
        const template = resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate" && (group.dependencies.includes(r.urn) || owner?.dependencies.includes(r.urn)));
        const diskSize = at(group.inputs, "diskSize");
        const volume = template !== undefined
            ? volumesHourly(prices, at(template.inputs, "blockDeviceMappings"))
            : gp3Hourly(prices, typeof diskSize === "number" ? diskSize : 20);
        return [
            { item: "system nodes", detail: `node group ${group.name}: ${min} to ${max} × ${type} (${spot ? "spot" : "on-demand"}, ${money(each)}/hour)`, idleHourly: min * each, maxHourly: max * each },
            { item: "system node volumes", detail: `node group ${group.name}: ${min} to ${max} root volumes (${money(volume)}/hour each)`, idleHourly: min * volume, maxHourly: max * volume },
        ];
    });
}

/** The nodes `pods` pods of `gpusPerPod` GPUs take on `type` (a pod never spans nodes). */
function nodesFor(pods: number, gpusPerPod: number, type: string): number {
    const perNode = Math.max(1, Math.floor((instanceSizeOf(type)?.gpus ?? gpusPerPod) / gpusPerPod));
    return Math.ceil(pods / perNode);
}

function gpuNodes(resources: Resource[], budget: GpuBudget, prices: PriceTable, leftOut: string[]): CostItem[] {
    const pools = resources.filter((r) => r.type === "kubernetes:karpenter.sh/v1:NodePool");
    const classes = resources.filter((r) => r.type === "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass");
    const counted = new Set<string>();
    return budget.pools.flatMap((pool) => {
        // gpuBudgetOf names each pool after one of these NodePools.
        const nodePool = pools.find((p) => at(p.inputs, "metadata", "name") === pool.pool)!;
        const requirements = at(nodePool.inputs, "spec", "template", "spec", "requirements");
        const capacity = (Array.isArray(requirements) ? requirements : []).find((r) => at(r, "key") === "karpenter.sh/capacity-type");
        const spot = (at(capacity, "values") as unknown[] | undefined)?.includes("spot") ?? false;
        const share = spot ? SPOT_SHARE_OF_ON_DEMAND : 1;
        // Its EC2NodeClass may live in another stack: then its volumes are not counted.
        const nodeClass = classes.find((c) => at(c.inputs, "metadata", "name") === at(nodePool.inputs, "spec", "template", "spec", "nodeClassRef", "name"));
        const volume = volumesHourly(prices, at(nodeClass?.inputs, "spec", "blockDeviceMappings"));
        // A group that can land in several pools counts in the first only.
        const groups = pool.groups.filter((g) => !counted.has(`${g.service}/${g.group}`));
        groups.forEach((g) => counted.add(`${g.service}/${g.group}`));
        const priced = groups.filter((g) => {
            const known = g.instanceType !== undefined && prices.ec2[g.instanceType] !== undefined;
            if (!known) {
                leftOut.push(`${g.service}'s ${g.group}: ${g.instanceType === undefined ? "pins no instance type" : `no price for ${g.instanceType}`}`);
            }
            return known;
        });
        const idleParts = priced.filter((g) => g.minReplicas > 0).map((g) => {
            const nodes = nodesFor(g.minReplicas, g.gpusPerPod, g.instanceType!);
            return { text: `${nodes} × ${g.instanceType}`, hourly: nodes * (prices.ec2[g.instanceType!] * share + volume) };
        });
        // At the limit: every GPU of it on the dearest type per GPU of the groups that land here.
        const perGpu = priced.map((g) => ({ type: g.instanceType!, gpus: instanceSizeOf(g.instanceType!)?.gpus ?? g.gpusPerPod }))
            .map((t) => ({ ...t, price: prices.ec2[t.type] / t.gpus }))
            // Array.prototype.sort is stable: of equal prices, the first group's type.
            .sort((a, b) => b.price - a.price);
        const dearest = perGpu[0];
        const limitNodes = dearest === undefined || pool.limit === undefined ? undefined : Math.floor(pool.limit / dearest.gpus);
        const maxHourly = dearest === undefined ? 0 : limitNodes === undefined ? null : limitNodes * (prices.ec2[dearest.type] * share + volume);
        const capacityNote = spot ? "spot first, priced as spot" : "on-demand";
        const idleText = idleParts.length === 0 ? "no node when idle" : `idle ${idleParts.map((p) => p.text).join(" + ")}`;
        const maxText = dearest === undefined ? "no priced worker group lands in it"
            : limitNodes === undefined ? "no GPU limit: unbounded"
                : `at its limit of ${pool.limit} GPUs ${limitNodes} × ${dearest.type}`;
        return [{
            item: "GPU nodes",
            detail: `NodePool ${pool.pool} (${capacityNote}; nodes with their volumes): ${idleText}; ${maxText}`,
            idleHourly: idleParts.reduce((sum, p) => sum + p.hourly, 0),
            maxHourly,
        }];
    });
}

function redis(resources: Resource[], prices: PriceTable, leftOut: string[]): CostItem[] {
    return resources.filter((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup").flatMap((g) => {
        const type = String(at(g.inputs, "nodeType"));
        const nodes = Number(at(g.inputs, "numCacheClusters") ?? 1);
        const price = prices.elastiCache[type];
        if (price === undefined) {
            leftOut.push(`Redis ${g.name}: no price for ${type}`);
            return [];
        }
        return [{ item: "Redis", detail: `${g.name}: ${nodes} × ${type} (${money(price)}/hour)`, idleHourly: nodes * price, maxHourly: nodes * price }];
    });
}

/** Load balancers: Services (and RayServices' serve Services) of type LoadBalancer, and ALB Ingresses. */
function loadBalancers(resources: Resource[]): number {
    const services = resources.filter((r) => r.type === "kubernetes:core/v1:Service" && at(r.inputs, "spec", "type") === "LoadBalancer").length;
    const serve = resources.filter((r) => r.type === "kubernetes:ray.io/v1:RayService" && at(r.inputs, "spec", "serveService", "spec", "type") === "LoadBalancer").length;
    const ingresses = resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress" && at(r.inputs, "spec", "ingressClassName") === "alb").length;
    return services + serve + ingresses;
}

/** Every `volumeClaimTemplate`'s and PersistentVolumeClaim's requested storage, in GiB. */
function persistentVolumes(resources: Resource[]): number[] {
    const found: number[] = [];
    const walk = (v: unknown): void => {
        if (Array.isArray(v)) {
            v.forEach(walk);
        } else if (v !== null && typeof v === "object") {
            for (const [k, child] of Object.entries(v)) {
                const gib = k === "volumeClaimTemplate" ? gibOf(at(child, "spec", "resources", "requests", "storage")) : undefined;
                if (gib !== undefined) {
                    found.push(gib);
                } else {
                    walk(child);
                }
            }
        }
    };
    for (const r of resources) {
        if (r.type === "kubernetes:core/v1:PersistentVolumeClaim") {
            const gib = gibOf(at(r.inputs, "spec", "resources", "requests", "storage"));
            if (gib !== undefined) {
                found.push(gib);
            }
        } else if (r.type.startsWith("kubernetes:helm.sh/")) {
            walk(at(r.inputs, "values"));
        }
    }
    return found;
}

/**
 * The estimate for `resources` (the real engine's view of a plan) in `region`, or undefined when
 * there is no price table for it.
 */
export function costEstimate(resources: Resource[], region: string): CostEstimate | undefined {
    const prices = PRICE_TABLES[region];
    if (prices === undefined) {
        return undefined;
    }
    const leftOut: string[] = [];
    const fixed = (item: string, detail: string, hourly: number): CostItem[] => (hourly > 0 ? [{ item, detail, idleHourly: hourly, maxHourly: hourly }] : []);
    const clusters = count(resources, "aws:eks/cluster:Cluster");
    const nats = count(resources, "aws:ec2/natGateway:NatGateway");
    const ips = count(resources, "aws:ec2/eip:Eip");
    const lbs = loadBalancers(resources);
    const volumes = persistentVolumes(resources);
    const keys = count(resources, "aws:kms/key:Key");
    const budget = gpuBudgetOf(resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: previewProps(r.inputs) })));
    if (budget.pools.length === 0 && budget.groups.length > 0) {
        const gpus = (n: number): string => `${n} GPU${n === 1 ? "" : "s"}`;
        leftOut.push(`the RayServices' GPU nodes (an idle floor of ${gpus(budget.total.idleGpus)}, at most ${gpus(budget.total.maxGpus)}): no GPU NodePool in this stack, so they are counted with the cluster's`);
    }
    const items: CostItem[] = [
        ...fixed("EKS control plane", `${clusters} × ${money(prices.eksClusterHour)}/hour (standard support)`, clusters * prices.eksClusterHour),
        ...fixed("NAT gateways", `${nats} × ${money(prices.natGatewayHour)}/hour`, nats * prices.natGatewayHour),
        ...fixed("public IPv4 addresses", `${ips} × ${money(prices.publicIpv4Hour)}/hour`, ips * prices.publicIpv4Hour),
        ...systemNodes(resources, prices, leftOut),
        ...gpuNodes(resources, budget, prices, leftOut),
        ...redis(resources, prices, leftOut),
        ...fixed("load balancers", `${lbs} × ${money(prices.loadBalancerHour)}/hour`, lbs * prices.loadBalancerHour),
        ...fixed("persistent volumes", `${volumes.map((g) => `${g} GiB`).join(" + ")} of gp3`, volumes.reduce((sum, g) => sum + gp3Hourly(prices, g), 0)),
        ...fixed("KMS keys", `${keys} × ${money(prices.kmsKeyMonth)}/month`, (keys * prices.kmsKeyMonth) / HOURS_PER_MONTH),
    ];
    const idle = items.reduce((sum, i) => sum + i.idleHourly, 0);
    const unbounded = items.some((i) => i.maxHourly === null);
    const max = items.reduce((sum, i) => sum + (i.maxHourly ?? 0), 0);
    const round = (usd: number): number => Math.round(usd * 1e4) / 1e4;
    return {
        region,
        prices: { source: prices.source, date: prices.date },
        idle: { hourly: round(idle), monthly: round(idle * HOURS_PER_MONTH) },
        maximum: unbounded ? null : { hourly: round(max), monthly: round(max * HOURS_PER_MONTH) },
        items: items.map((i) => ({ ...i, idleHourly: round(i.idleHourly), maxHourly: i.maxHourly === null ? null : round(i.maxHourly) })),
        leftOut,
        assumptions: [
            `spot capacity at ${SPOT_SHARE_OF_ON_DEMAND * 100}% of the on-demand price (spot prices move by hour and zone, and a spot-first pool pays on-demand when spot has no capacity)`,
            `${HOURS_PER_MONTH} hours a month`,
            "Prometheus and Alertmanager at one replica; each GPU worker pod on a node of its own instance type",
        ],
        notCounted: NOT_COUNTED,
    };
}

const dollars = (usd: number): string => `$${usd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** The estimate's lines for the plan's output. */
export function costLines(estimate: CostEstimate | undefined, region: string): string[] {
    if (estimate === undefined) {
        return [`cost: no price table for ${region} (plan/prices.ts has ${Object.keys(PRICE_TABLES).join(", ")}): not estimated`];
    }
    const max = estimate.maximum === null ? "unbounded (a GPU NodePool has no limit)" : `${money(estimate.maximum.hourly)}/hour (${dollars(estimate.maximum.monthly)}/month)`;
    return [
        `cost (${region} list prices of ${estimate.prices.date}, USD): idle floor ${money(estimate.idle.hourly)}/hour (${dollars(estimate.idle.monthly)}/month); at the limits ${max}`,
        ...estimate.items.map((i) => `  ${i.item}: ${i.detail}: ${money(i.idleHourly)}${i.maxHourly === i.idleHourly ? "" : ` to ${i.maxHourly === null ? "unbounded" : money(i.maxHourly)}`}/hour`),
        ...(estimate.leftOut.length > 0 ? [`  left out: ${estimate.leftOut.join("; ")}`] : []),
        `  assumed: ${estimate.assumptions.join("; ")}`,
        `  not counted: ${estimate.notCounted.join("; ")}`,
    ];
}
