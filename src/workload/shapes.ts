import { z } from "zod";
import { readJsonAsset } from "../assets";
import { METRICS, MetricName, Role, ROLES } from "../persona/schema";

/**
 * Weekly load shapes learned from real VM traces (Bitbrains GWA-T-12, `scripts/learn-load-shapes.ts`).
 *
 * Convention for every shape series: 168 hourly points, index 0 is Monday 00:00-01:00 local time,
 * index 24 Tuesday 00:00, ..., index 167 Sunday 23:00-24:00. Each series is scaled to a unit peak
 * (its maximum is exactly 1), so a demand series is `shape * peak`. The traces were recorded in
 * Amsterdam (UTC+2 in July-September 2013); their hours are read as the workload's local hours.
 */

export const HOURS_PER_WEEK = 168;

const UnitPeakSeries = z
    .array(z.number().min(0).max(1))
    .length(HOURS_PER_WEEK)
    .refine((series) => Math.max(...series) === 1, "a shape series has a unit peak (its maximum is 1)");

const ShapeStats = z
    .object({
        /** VMs in the cluster. */
        members: z.number().int().positive(),
        /** Series maximum over its mean, per metric. */
        peakToAverage: z.record(z.string(), z.number().min(1)),
        /** Mean of Saturday and Sunday over the mean of Monday to Friday (activity: mean of the CPU and network shapes, each scaled to a unit mean). */
        weekendRatio: z.number().nonnegative(),
        /** Mean of 01:00-06:00 over the weekly mean (activity). */
        nightRatio: z.number().nonnegative(),
        /** Mean of weekdays 08:00-18:00 over the weekly mean (activity). */
        businessHoursRatio: z.number().nonnegative(),
        /** Mean of weekdays 18:00-24:00 over the weekly mean (activity). */
        eveningRatio: z.number().nonnegative(),
    })
    .strict();

export const LoadShape = z
    .object({
        /** What the shape looks like and which VMs showed it. */
        description: z.string(),
        /** Trace VM ids in the cluster (`<month>/<id>.csv.gz` in the dataset). */
        vmIds: z.array(z.number().int()),
        stats: ShapeStats,
        /** One unit-peak series per metric. iops and throughputMBps share the disk (read + write) shape. */
        series: z.object({
            cpu: UnitPeakSeries,
            memoryGiB: UnitPeakSeries,
            iops: UnitPeakSeries,
            throughputMBps: UnitPeakSeries,
            networkMbps: UnitPeakSeries,
        }),
    })
    .strict();
export type LoadShape = z.infer<typeof LoadShape>;

export const LoadShapesAsset = z
    .object({
        /** Where the shapes come from: dataset, citation, files, time zone. */
        source: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])),
        /** The script's parameters, so the asset can be reproduced. */
        parameters: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])),
        convention: z.string(),
        shapes: z.record(z.string(), LoadShape),
        /** Role to shape name, with the reason for the choice. */
        roles: z.record(Role, z.object({ shape: z.string(), reason: z.string() }).strict()),
    })
    .strict()
    .superRefine((asset, ctx) => {
        for (const role of ROLES) {
            const shape = asset.roles[role].shape;
            if (!(shape in asset.shapes)) {
                ctx.addIssue({ code: "custom", path: ["roles", role, "shape"], message: `role ${role} maps to unknown shape ${shape}` });
            }
        }
    });
export type LoadShapesAsset = z.infer<typeof LoadShapesAsset>;

/** The asset file name under `assets/`. */
export const LOAD_SHAPES_ASSET = "load-shapes.json";

let cached: LoadShapesAsset | undefined;

/** The learned shapes, read and validated once (the only I/O of the analyzer besides the role model). */
export function loadShapes(): LoadShapesAsset {
    if (cached === undefined) {
        cached = LoadShapesAsset.parse(readJsonAsset<unknown>(LOAD_SHAPES_ASSET));
    }
    return cached;
}

/** The name of the learned shape a role follows, and why. */
export function shapeNameFor(role: Role): { shape: string; reason: string } {
    return loadShapes().roles[role];
}

/** The learned shape (series and statistics) a role follows. */
export function shapeFor(role: Role): LoadShape & { name: string; reason: string } {
    const { shape, reason } = shapeNameFor(role);
    return { name: shape, reason, ...loadShapes().shapes[shape] };
}

/**
 * A role's weekly load shape for one metric (CPU by default): 168 hourly points, Monday 00:00 local
 * time first, scaled so the maximum is 1. A fresh copy, safe to modify.
 */
export function loadShapeFor(role: Role, metric: MetricName = "cpu"): number[] {
    return [...shapeFor(role).series[metric]];
}

/** Every metric's shape for a role, keyed by metric name. */
export function loadShapesFor(role: Role): Record<MetricName, number[]> {
    const shape = shapeFor(role);
    return Object.fromEntries(METRICS.map((m) => [m, [...shape.series[m]]])) as Record<MetricName, number[]>;
}
