import { z } from "zod";
import { VolumeType } from "../solver/proposal";

/**
 * EBS volume types: their limits (the same in every region) and their prices (per region).
 *
 * Limits: Amazon EBS User Guide, "Amazon EBS volume types"
 * (https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html), the long-standing
 * figures for gp3, io2 Block Express, st1 and sc1.
 */

/** The performance model of one volume type. Sizes in GiB, throughput in MB/s. */
export interface VolumeLimits {
    readonly type: VolumeType;
    readonly description: string;
    readonly minGiB: number;
    readonly maxGiB: number;
    /** IOPS included in the price (gp3), or the fixed minimum to provision (io2). */
    readonly baselineIops: number;
    readonly maxIops: number;
    /** Maximum IOPS per GiB of size (gp3 500, io2 1000); 0 when IOPS are not provisioned. */
    readonly iopsPerGiB: number;
    /** Throughput included in the price (gp3 125 MB/s). */
    readonly baselineThroughputMBps: number;
    readonly maxThroughputMBps: number;
    /** gp3: provisioned throughput per provisioned IOPS at most; io2: throughput delivered per IOPS (256 KiB I/O). */
    readonly throughputPerIops: number;
    /** HDD: sustained throughput per TiB of size; 0 for SSD. */
    readonly baselineMBpsPerTiB: number;
    /** HDD: burst throughput per TiB of size; 0 for SSD. */
    readonly burstMBpsPerTiB: number;
    /** Annual durability as AWS states it. */
    readonly durability: string;
    readonly bootable: boolean;
}

export const VOLUME_LIMITS: Readonly<Record<VolumeType, VolumeLimits>> = {
    gp3: {
        type: "gp3",
        description: "General Purpose SSD",
        minGiB: 1,
        maxGiB: 16384,
        baselineIops: 3000,
        maxIops: 16000,
        iopsPerGiB: 500,
        baselineThroughputMBps: 125,
        maxThroughputMBps: 1000,
        throughputPerIops: 0.25,
        baselineMBpsPerTiB: 0,
        burstMBpsPerTiB: 0,
        durability: "99.8-99.9 %",
        bootable: true,
    },
    io2: {
        type: "io2",
        description: "Provisioned IOPS SSD (io2 Block Express)",
        minGiB: 4,
        maxGiB: 65536,
        baselineIops: 100,
        maxIops: 256000,
        iopsPerGiB: 1000,
        baselineThroughputMBps: 0,
        maxThroughputMBps: 4000,
        throughputPerIops: 0.25,
        baselineMBpsPerTiB: 0,
        burstMBpsPerTiB: 0,
        durability: "99.999 %",
        bootable: true,
    },
    st1: {
        type: "st1",
        description: "Throughput Optimized HDD",
        minGiB: 125,
        maxGiB: 16384,
        baselineIops: 0,
        maxIops: 500,
        iopsPerGiB: 0,
        baselineThroughputMBps: 0,
        maxThroughputMBps: 500,
        throughputPerIops: 0,
        baselineMBpsPerTiB: 40,
        burstMBpsPerTiB: 250,
        durability: "99.8-99.9 %",
        bootable: false,
    },
    sc1: {
        type: "sc1",
        description: "Cold HDD",
        minGiB: 125,
        maxGiB: 16384,
        baselineIops: 0,
        maxIops: 250,
        iopsPerGiB: 0,
        baselineThroughputMBps: 0,
        maxThroughputMBps: 250,
        throughputPerIops: 0,
        baselineMBpsPerTiB: 12,
        burstMBpsPerTiB: 80,
        durability: "99.8-99.9 %",
        bootable: false,
    },
};

export const VOLUME_LIMITS_SOURCE = "Amazon EBS User Guide, Amazon EBS volume types: https://docs.aws.amazon.com/ebs/latest/userguide/ebs-volume-types.html";

/** One tier of io2 IOPS pricing: the price applies to the IOPS of a volume up to `upTo` (null: no limit). */
export const IopsTier = z.object({ upTo: z.number().positive().nullable(), price: z.number().nonnegative() }).strict();

/** EBS prices of one region, USD per month. */
export const EbsPrices = z
    .object({
        gp3: z
            .object({
                /** Per GB-month of size. */
                gbMonth: z.number().positive(),
                /** Per provisioned IOPS-month above the 3,000 included. */
                iopsMonth: z.number().nonnegative(),
                /** Per provisioned MB/s-month above the 125 included. */
                throughputMonth: z.number().nonnegative(),
            })
            .strict(),
        io2: z.object({ gbMonth: z.number().positive(), iopsTiers: z.array(IopsTier).min(1) }).strict(),
        st1: z.object({ gbMonth: z.number().positive() }).strict(),
        sc1: z.object({ gbMonth: z.number().positive() }).strict(),
        /** `published`: the region's list prices; `derived`: scaled from us-east-1 (see `note`); `api`: the Pricing API. */
        basis: z.enum(["published", "derived", "api"]),
        /** Where each figure comes from. */
        note: z.string(),
    })
    .strict();
export type EbsPrices = z.infer<typeof EbsPrices>;

export const EBS_PRICE_SOURCE = "AWS EBS pricing page (https://aws.amazon.com/ebs/pricing/), list prices recorded in 2025; not fetched by the build";

/** us-east-1 list prices, every dimension. */
const US_EAST_1 = {
    gp3: { gbMonth: 0.08, iopsMonth: 0.005, throughputMonth: 0.04 },
    io2: {
        gbMonth: 0.125,
        iopsTiers: [
            { upTo: 32000, price: 0.065 },
            { upTo: 64000, price: 0.0455 },
            { upTo: null, price: 0.032 },
        ],
    },
    st1: { gbMonth: 0.045 },
    sc1: { gbMonth: 0.015 },
} as const;

/**
 * gp3 GB-month list prices of the regions whose price we know from AWS's page. Every other
 * dimension (io2, st1, sc1, provisioned IOPS and throughput) in these regions is the us-east-1
 * price scaled by the region's gp3 ratio: AWS prices those dimensions with nearly the same
 * regional ratio (eu-west-1: gp3 1.10x, io2 1.10x, st1 1.11x), so the error is small but real.
 */
const GP3_GB_MONTH: Readonly<Record<string, number>> = {
    "us-east-1": 0.08,
    "us-east-2": 0.08,
    "us-west-2": 0.08,
    "us-west-1": 0.096,
    "ca-central-1": 0.088,
    "eu-west-1": 0.088,
    "eu-central-1": 0.0952,
    "eu-west-2": 0.0928,
    "eu-west-3": 0.0928,
    "eu-north-1": 0.0836,
    "ap-northeast-1": 0.096,
    "ap-northeast-2": 0.0912,
    "ap-southeast-1": 0.096,
    "ap-southeast-2": 0.096,
    "ap-south-1": 0.0912,
    "sa-east-1": 0.152,
};

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

function scaled(ratio: number): Omit<EbsPrices, "basis" | "note"> {
    return {
        gp3: {
            gbMonth: round(US_EAST_1.gp3.gbMonth * ratio, 5),
            iopsMonth: round(US_EAST_1.gp3.iopsMonth * ratio, 6),
            throughputMonth: round(US_EAST_1.gp3.throughputMonth * ratio, 5),
        },
        io2: { gbMonth: round(US_EAST_1.io2.gbMonth * ratio, 5), iopsTiers: US_EAST_1.io2.iopsTiers.map((t) => ({ upTo: t.upTo, price: round(t.price * ratio, 5) })) },
        st1: { gbMonth: round(US_EAST_1.st1.gbMonth * ratio, 5) },
        sc1: { gbMonth: round(US_EAST_1.sc1.gbMonth * ratio, 5) },
    };
}

/**
 * The EBS prices of a region. `computeRatio` is the region's median on-demand price over
 * us-east-1's for the same types; it prices the regions whose gp3 price we do not know.
 */
export function ebsPricesFor(region: string, computeRatio: number): EbsPrices {
    if (region === "us-east-1") {
        return { ...scaled(1), basis: "published", note: `us-east-1 list prices: ${EBS_PRICE_SOURCE}` };
    }
    const gp3 = GP3_GB_MONTH[region];
    if (gp3 !== undefined) {
        const ratio = gp3 / US_EAST_1.gp3.gbMonth;
        return {
            ...scaled(ratio),
            gp3: { ...scaled(ratio).gp3, gbMonth: gp3 },
            basis: "published",
            note: `gp3 GB-month is the ${region} list price; io2, st1, sc1, IOPS and throughput are us-east-1 prices x ${round(ratio, 4)} (the region's gp3 ratio)`,
        };
    }
    return {
        ...scaled(computeRatio),
        basis: "derived",
        note: `no list price known here: us-east-1 prices x ${round(computeRatio, 4)}, the region's median on-demand EC2 price ratio to us-east-1`,
    };
}

/** Monthly cost of one io2 volume's provisioned IOPS, tier by tier. */
export function io2IopsMonthly(prices: EbsPrices, iops: number): number {
    let cost = 0;
    let below = 0;
    for (const tier of prices.io2.iopsTiers) {
        const top = tier.upTo ?? Infinity;
        const inTier = Math.max(0, Math.min(iops, top) - below);
        cost += inTier * tier.price;
        below = top;
        if (iops <= top) {
            break;
        }
    }
    return cost;
}
