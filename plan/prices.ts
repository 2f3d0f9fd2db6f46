/**
 * The list prices the plan's cost estimate uses (plan/cost.ts), in USD, per region, each
 * table with its source and date. Update a table by replacing its figures and its date together;
 * test/plan-cost.test.ts pins the figures the environments' estimates use.
 */

/** One region's prices. */
export interface PriceTable {
    /** Where the figures come from. */
    source: string;
    /** When they were read (YYYY-MM-DD). */
    date: string;
    /** EC2 on-demand, Linux, shared tenancy: USD per instance-hour. */
    ec2: Readonly<Record<string, number>>;
    /** ElastiCache on-demand nodes: USD per node-hour. */
    elastiCache: Readonly<Record<string, number>>;
    /** An EKS cluster in standard support: USD per cluster-hour (extended support is $0.60). */
    eksClusterHour: number;
    /** A NAT gateway: USD per hour (its data processing, per GB, is not counted). */
    natGatewayHour: number;
    /** A public IPv4 address (an Elastic IP): USD per hour. */
    publicIpv4Hour: number;
    /** A Network or Application Load Balancer: USD per hour (its capacity units are not counted). */
    loadBalancerHour: number;
    /** EBS gp3 storage: USD per GiB-month. */
    gp3GiBMonth: number;
    /** EBS gp3 IOPS above the 3,000 included: USD per IOPS-month. */
    gp3IopsMonth: number;
    /** EBS gp3 throughput above the 125 MiB/s included: USD per MiB/s-month. */
    gp3ThroughputMonth: number;
    /** A KMS customer managed key: USD per key-month. */
    kmsKeyMonth: number;
}

/** The hours of a month the estimate counts (AWS's pricing pages use 730). */
export const HOURS_PER_MONTH = 730;

/**
 * What a spot instance costs, as a share of its on-demand price. An assumption, not a price:
 * spot prices move with supply and demand, by hour and by zone (AWS quotes "up to 90% off"), and
 * a spot-first NodePool falls back to on-demand when spot has no capacity, at the full price.
 */
export const SPOT_SHARE_OF_ON_DEMAND = 0.4;

/**
 * EC2 on-demand prices in us-east-1: the instance types of the GPU catalogue
 * (components/gpu-nodepool/catalog.ts; p5e.48xlarge has no on-demand price, only capacity
 * blocks) and the usual system node types. From AWS's Price List API as karpenter-provider-aws
 * v1.14.1 records it (pkg/providers/pricing/zz_generated.pricing_aws.go, `InitialOnDemandPricesAWS`,
 * "generated at 2026-07-06T14:20:29Z for us-east-1"), Apache-2.0.
 */
const EC2_US_EAST_1: Readonly<Record<string, number>> = {
    "g5.xlarge": 1.006, "g5.2xlarge": 1.212, "g5.4xlarge": 1.624, "g5.8xlarge": 2.448, "g5.12xlarge": 5.672, "g5.16xlarge": 4.096, "g5.24xlarge": 8.144, "g5.48xlarge": 16.288,
    "g6.xlarge": 0.8048, "g6.2xlarge": 0.9776, "g6.4xlarge": 1.3232, "g6.8xlarge": 2.0144, "g6.12xlarge": 4.6016, "g6.16xlarge": 3.3968, "g6.24xlarge": 6.6752, "g6.48xlarge": 13.3504,
    "g6e.xlarge": 1.861, "g6e.2xlarge": 2.24208, "g6e.4xlarge": 3.00424, "g6e.8xlarge": 4.52856, "g6e.12xlarge": 10.49264, "g6e.16xlarge": 7.57719, "g6e.24xlarge": 15.06559, "g6e.48xlarge": 30.13118,
    "p4d.24xlarge": 21.957642, "p4de.24xlarge": 27.44705, "p5.4xlarge": 6.88, "p5.48xlarge": 55.04, "p5en.48xlarge": 63.296,
    "m7i.large": 0.1008, "m7i.xlarge": 0.2016, "m7i.2xlarge": 0.4032, "m7i.4xlarge": 0.8064, "m7i.8xlarge": 1.6128,
    "m6i.large": 0.096, "m6i.xlarge": 0.192, "m6i.2xlarge": 0.384, "m6i.4xlarge": 0.768, "m6i.8xlarge": 1.536,
    "m7a.large": 0.11592, "m7a.xlarge": 0.23184, "m7a.2xlarge": 0.46368, "m7a.4xlarge": 0.92736, "m7a.8xlarge": 1.85472,
    "m6a.large": 0.0864, "m6a.xlarge": 0.1728, "m6a.2xlarge": 0.3456, "m6a.4xlarge": 0.6912, "m6a.8xlarge": 1.3824,
    "m5.large": 0.096, "m5.xlarge": 0.192, "m5.2xlarge": 0.384, "m5.4xlarge": 0.768, "m5.8xlarge": 1.536,
    "c7i.large": 0.08925, "c7i.xlarge": 0.1785, "c7i.2xlarge": 0.357, "c7i.4xlarge": 0.714, "c7i.8xlarge": 1.428,
    "c6i.large": 0.085, "c6i.xlarge": 0.17, "c6i.2xlarge": 0.34, "c6i.4xlarge": 0.68, "c6i.8xlarge": 1.36,
    "r7i.large": 0.1323, "r7i.xlarge": 0.2646, "r7i.2xlarge": 0.5292, "r7i.4xlarge": 1.0584, "r7i.8xlarge": 2.1168,
    "r6i.large": 0.126, "r6i.xlarge": 0.252, "r6i.2xlarge": 0.504, "r6i.4xlarge": 1.008, "r6i.8xlarge": 2.016,
};

/**
 * The other services' list prices in us-east-1 and us-west-2, from their public pricing pages
 * (aws.amazon.com/eks/pricing, /vpc/pricing (NAT gateways, public IPv4 addresses),
 * /elasticloadbalancing/pricing, /ebs/pricing, /elasticache/pricing, /kms/pricing), as the
 * maintainers read them (not fetched by a machine); the two regions list the same figures.
 */
const SERVICES = {
    elastiCache: {
        "cache.t4g.medium": 0.065, "cache.m7g.large": 0.158, "cache.r6g.large": 0.206, "cache.r7g.large": 0.219, "cache.r7g.xlarge": 0.437,
    },
    eksClusterHour: 0.1,
    natGatewayHour: 0.045,
    publicIpv4Hour: 0.005,
    loadBalancerHour: 0.0225,
    gp3GiBMonth: 0.08,
    gp3IopsMonth: 0.005,
    gp3ThroughputMonth: 0.04,
    kmsKeyMonth: 1,
};

/** The price tables, by region. */
export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = {
    "us-east-1": {
        source: "EC2: AWS's Price List API as recorded by karpenter-provider-aws v1.14.1 (pkg/providers/pricing/zz_generated.pricing_aws.go, generated 2026-07-06); "
            + "other services: their AWS pricing pages",
        date: "2026-07-06",
        ec2: EC2_US_EAST_1,
        ...SERVICES,
    },
    "us-west-2": {
        source: "us-east-1's figures: US West (Oregon) lists the same prices as US East (N. Virginia) for these instance types and services, as far as the "
            + "maintainers know; not read from the Price List API for us-west-2 (the table is built offline): check with aws pricing get-products before relying on it",
        date: "2026-07-06",
        ec2: EC2_US_EAST_1,
        ...SERVICES,
    },
};
