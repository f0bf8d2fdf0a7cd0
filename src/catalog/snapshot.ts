import { z } from "zod";
import { EbsPrices } from "./ebs";

/**
 * The catalog snapshot file: EC2 instance types with the specs the solver uses, and per region
 * the offerings (type, zones, on-demand price, spot price per zone) and EBS prices. Written by
 * `scripts/build-catalog.ts` (from ../shared/data/aws) and by `persona catalog refresh` (from the
 * AWS APIs) in exactly this shape; read by `loadCatalog`. Offerings are stored as parallel arrays
 * so the file stays small and parses fast.
 */

export const CATALOG_FORMAT = "pulumi-persona/catalog@1";

export const Architecture = z.enum(["x86_64", "arm64"]);
export type Architecture = z.infer<typeof Architecture>;

const nonNegative = z.number().finite().nonnegative();

export const InstanceTypeSpec = z
    .object({
        name: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/),
        vcpus: z.number().int().positive(),
        memoryGiB: z.number().positive(),
        architecture: Architecture,
        /** A T-family type whose CPU above its baseline is paid for with credits. */
        burstable: z.boolean(),
        /** Baseline utilization per vCPU as a fraction (burstable types only, from AWS's table). */
        burstBaseline: z.number().min(0).max(1).nullable(),
        currentGeneration: z.boolean(),
        gpus: z.number().int().nonnegative(),
        gpuName: z.string().nullable(),
        gpuMemoryGiB: nonNegative,
        /** A non-GPU accelerator (Inferentia/Trainium, FPGA, media, Elastic Inference). */
        accelerator: z.object({ kind: z.enum(["neuron", "inference", "fpga", "media"]), name: z.string(), count: z.number().int().positive() }).strict().nullable(),
        ebs: z
            .object({
                /** `default` (always EBS-optimized), `supported` (on request), `unsupported`. */
                optimized: z.enum(["default", "supported", "unsupported"]),
                baselineMbps: nonNegative,
                maxMbps: nonNegative,
                baselineIops: nonNegative,
                maxIops: nonNegative,
                baselineMBps: nonNegative,
                maxMBps: nonNegative,
                maxAttachments: z.number().int().positive(),
                nvme: z.boolean(),
            })
            .strict(),
        network: z
            .object({
                /** AWS's label, e.g. `Up to 12.5 Gigabit`. */
                performance: z.string(),
                /** Sum over network cards. */
                baselineGbps: nonNegative,
                peakGbps: nonNegative,
                encryptionInTransit: z.boolean(),
                efa: z.boolean(),
            })
            .strict(),
        instanceStorage: z.object({ totalGB: nonNegative, disks: z.number().int().positive(), type: z.string() }).strict().nullable(),
        /** Offered as spot capacity (SupportedUsageClasses). */
        spot: z.boolean(),
        bareMetal: z.boolean(),
        clockGhz: z.number().positive().nullable(),
        processor: z.string().nullable(),
    })
    .strict();
export type InstanceTypeSpec = z.infer<typeof InstanceTypeSpec>;

/** One region's offerings as parallel arrays: entry i is one instance type offered in the region. */
export const RegionSnapshot = z
    .object({
        /** Availability zone ids (`use1-az1`) that have any offering. */
        zones: z.array(z.string()).min(1),
        /** Index into `types`. */
        type: z.array(z.number().int().nonnegative()),
        /** On-demand Linux price, USD per hour (null: not sold on demand here). */
        onDemand: z.array(z.number().positive().nullable()),
        /** Zones offering the type, as indices into `zones`, ascending. */
        zoneIndex: z.array(z.array(z.number().int().nonnegative()).min(1)),
        /** Spot price in each of those zones, USD per hour (null: no spot price there). */
        spot: z.array(z.array(nonNegative.nullable())),
        /** Offerings not dominated on on-demand price (a cheaper type at least as capable in every respect). */
        frontier: z.array(z.number().int().nonnegative()),
        /** The same on spot prices. */
        spotFrontier: z.array(z.number().int().nonnegative()),
        ebs: EbsPrices,
        /** Median on-demand price ratio to us-east-1 over the types both offer. */
        computeRatio: z.number().positive(),
    })
    .strict()
    .superRefine((region, ctx) => {
        const n = region.type.length;
        for (const key of ["onDemand", "zoneIndex", "spot"] as const) {
            if (region[key].length !== n) {
                ctx.addIssue({ code: "custom", path: [key], message: `has ${region[key].length} entries, type has ${n}` });
            }
        }
        region.zoneIndex.forEach((zones, i) => {
            if (region.spot[i] && region.spot[i].length !== zones.length) {
                ctx.addIssue({ code: "custom", path: ["spot", i], message: "not aligned with zoneIndex" });
            }
            if (zones.some((z) => z >= region.zones.length)) {
                ctx.addIssue({ code: "custom", path: ["zoneIndex", i], message: "zone index out of range" });
            }
        });
    });
export type RegionSnapshot = z.infer<typeof RegionSnapshot>;

export const SourceRecord = z
    .object({
        /** What it provided, e.g. `on-demand and spot prices`. */
        provides: z.string(),
        /** Where it comes from (repository and path, API, documentation page). */
        origin: z.string(),
        /** When the data was recorded, as far as known. */
        date: z.string(),
        sha256: z.string().optional(),
        licence: z.string().optional(),
    })
    .strict();
export type SourceRecord = z.infer<typeof SourceRecord>;

export const CatalogMeta = z
    .object({
        /** The day the snapshot file was written, YYYY-MM-DD. */
        generatedAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        /** What wrote it: the build script or a refresh from the AWS APIs. */
        generator: z.string(),
        sources: z.array(SourceRecord),
        /** How to read the spot prices (always a dated snapshot, never a forecast). */
        spotSnapshot: z.string(),
        /** What the on-demand price is: operating system, tenancy, unit. */
        onDemandBasis: z.string(),
        /** Types present in a source but left out, and why. */
        excluded: z.array(z.object({ instanceType: z.string(), reason: z.string() }).strict()),
        notes: z.array(z.string()),
    })
    .strict();
export type CatalogMeta = z.infer<typeof CatalogMeta>;

export const CatalogSnapshot = z
    .object({
        format: z.literal(CATALOG_FORMAT),
        meta: CatalogMeta,
        types: z.array(InstanceTypeSpec).min(1),
        regions: z.record(z.string(), RegionSnapshot),
        /** Regions whose offerings are known but that have no prices in the sources: offered type counts. */
        unpricedRegions: z.record(z.string(), z.number().int().nonnegative()),
    })
    .strict()
    .superRefine((snapshot, ctx) => {
        for (const [name, region] of Object.entries(snapshot.regions)) {
            if (region.type.some((t) => t >= snapshot.types.length)) {
                ctx.addIssue({ code: "custom", path: ["regions", name, "type"], message: "type index out of range" });
            }
        }
    });
export type CatalogSnapshot = z.infer<typeof CatalogSnapshot>;
