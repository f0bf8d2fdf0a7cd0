import { z } from "zod";
import { addIssue } from "../errors";
import { Framework, Role, Sensitivity } from "../persona/schema";

/**
 * What a user says about a workload: free text, or a structured description of one of the kinds
 * of the seed ("specific API call patterns, data processing pipelines"), with free text beside it.
 * Every figure is optional: what is missing is inferred from scale and listed as an assumption.
 */

/** Units a data size may be written in, to GiB. SI units (GB) are 10^9 bytes, binary (GiB) 2^30. */
export const SIZE_UNITS: Readonly<Record<string, number>> = {
    b: 1 / 2 ** 30,
    kb: 1e3 / 2 ** 30,
    kib: 1 / 2 ** 20,
    mb: 1e6 / 2 ** 30,
    mib: 1 / 2 ** 10,
    gb: 1e9 / 2 ** 30,
    gib: 1,
    tb: 1e12 / 2 ** 30,
    tib: 2 ** 10,
    pb: 1e15 / 2 ** 30,
    pib: 2 ** 20,
};

const SIZE_WORDS: Readonly<Record<string, string>> = {
    bytes: "b",
    byte: "b",
    kilobytes: "kb",
    kilobyte: "kb",
    megabytes: "mb",
    megabyte: "mb",
    gigabytes: "gb",
    gigabyte: "gb",
    terabytes: "tb",
    terabyte: "tb",
    petabytes: "pb",
    petabyte: "pb",
};

/** GiB per unit, or undefined for a unit we do not know. */
export function sizeUnitToGiB(unit: string): number | undefined {
    const u = unit.toLowerCase();
    return SIZE_UNITS[SIZE_WORDS[u] ?? u];
}

const KNOWN_SIZE_UNITS = "B, KB, MB, GB, TB, PB (10^3 steps) or KiB, MiB, GiB, TiB, PiB (2^10 steps)";

/**
 * A data size: a number of GiB, or a string with a unit (`"200 GB"`, `"2 TiB"`, `"512MiB"`).
 * Parsed to GiB; an unknown unit is an error that lists the known ones.
 */
export const DataSize = z.union([z.number().finite().nonnegative(), z.string()]).transform((value, ctx) => {
    if (typeof value === "number") {
        return value;
    }
    const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*$/.exec(value.replace(/,/g, ""));
    if (!m) {
        addIssue(ctx, [], `"${value}" is not a data size`, `write a number and a unit, e.g. "200 GB", or a number of GiB`);
        return z.NEVER;
    }
    const perUnit = sizeUnitToGiB(m[2]);
    if (perUnit === undefined) {
        addIssue(ctx, [], `unknown unit "${m[2]}" in "${value}"`, `use one of ${KNOWN_SIZE_UNITS}`);
        return z.NEVER;
    }
    return Number(m[1]) * perUnit;
});

const positive = z.number().finite().positive();
const nonNegative = z.number().finite().nonnegative();

/**
 * A rate: `{ average, peak }` (either or both), or a plain number meaning the average.
 * A peak below the average is a contradiction and is rejected.
 */
export const Rate = z
    .union([positive.transform((average) => ({ average, peak: undefined as number | undefined })), z.object({ average: positive.optional(), peak: positive.optional() }).strict()])
    .superRefine((rate, ctx) => {
        if (rate.average === undefined && rate.peak === undefined) {
            addIssue(ctx, [], "a rate needs an average or a peak", "give average, peak or both, e.g. { average: 200, peak: 800 }");
        }
        if (rate.average !== undefined && rate.peak !== undefined && rate.peak < rate.average) {
            addIssue(ctx, ["peak"], `peak ${rate.peak} is below average ${rate.average}`, "the peak is the busiest hour's rate and cannot be below the average; swap them or fix one");
        }
    });
export type Rate = z.output<typeof Rate>;

/** A name of an assumption (see `persona analyze --help` or the demand's `assumptions`) and its value. */
export const AssumptionOverrides = z.record(z.string().min(1), z.number().finite().nonnegative());
export type AssumptionOverrides = z.infer<typeof AssumptionOverrides>;

/** Fields every structured workload may carry. */
const common = {
    /** A name for the workload, used in messages. */
    name: z.string().min(1).optional(),
    /** Free text beside the figures: mined for compliance signals, timing and figures not given as fields. */
    description: z.string().optional(),
    /** The role, when the kind alone does not say it (an `http` workload is an api-service unless told web-server). */
    role: Role.optional(),
    /** Compliance frameworks that apply, on top of those the description signals. */
    compliance: z.array(Framework).optional(),
    sensitivity: Sensitivity.optional(),
    /** Overall scale when figures are unknown. */
    scale: z.enum(["small", "medium", "large", "huge"]).optional(),
    /** Data the workload keeps on its own volumes (overrides what is inferred). */
    storage: DataSize.optional(),
    /** Overrides of the analyzer's assumptions by name, e.g. `{ cpuMsPerRequest: 40 }`. */
    assumptions: AssumptionOverrides.optional(),
};

/** An HTTP service: a website or an API. */
export const HttpWorkload = z
    .object({
        kind: z.literal("http"),
        ...common,
        /** Requests per second: `{ average, peak }` or a number (the average). */
        requestsPerSecond: Rate.optional(),
        /** Distinct users a day (when the request rate is unknown). */
        usersPerDay: positive.optional(),
        /** CPU time one request costs, ms. */
        cpuMsPerRequest: positive.optional(),
        /** Request body size, KB. */
        requestKB: nonNegative.optional(),
        /** Response size, KB. */
        responseKB: nonNegative.optional(),
        /** Open connections at peak (websockets, keep-alive). */
        concurrentConnections: positive.optional(),
        /** Target response time, ms. */
        latencyTargetMs: positive.optional(),
    })
    .strict();

/** A database (OLTP, document, key-value, time series). */
export const DatabaseWorkload = z
    .object({
        kind: z.literal("database"),
        ...common,
        /** Data size, e.g. "500 GB". */
        data: DataSize.optional(),
        /** The hot part of the data that should stay in memory. */
        workingSet: DataSize.optional(),
        /** Transactions (or queries) per second. */
        transactionsPerSecond: Rate.optional(),
        /** Share of reads among operations, 0 to 1. */
        readRatio: z.number().min(0).max(1).optional(),
    })
    .strict()
    .superRefine((w, ctx) => {
        if (w.data !== undefined && w.workingSet !== undefined && w.workingSet > w.data) {
            addIssue(ctx, ["workingSet"], `the working set (${round1(w.workingSet)} GiB) is larger than the data (${round1(w.data)} GiB)`, "the working set is the hot part of the data: make it at most the data size");
        }
    });

/** An in-memory cache or session store. */
export const CacheWorkload = z
    .object({
        kind: z.literal("cache"),
        ...common,
        /** Number of keys. */
        keys: positive.optional(),
        /** Mean value size, bytes. */
        valueBytes: positive.optional(),
        /** Total cached data (instead of keys x value size). */
        size: DataSize.optional(),
        /** Operations (gets and sets) per second. */
        operationsPerSecond: Rate.optional(),
    })
    .strict();

/** A message queue or event stream. */
export const QueueWorkload = z
    .object({
        kind: z.literal("queue"),
        ...common,
        messagesPerSecond: Rate.optional(),
        /** Mean message size, KB. */
        messageKB: positive.optional(),
        /** How long messages are kept, hours. */
        retentionHours: nonNegative.optional(),
        /** Independent consumers reading every message. */
        consumerGroups: z.number().int().min(1).optional(),
    })
    .strict();

/** A batch job or data pipeline. */
export const BatchWorkload = z
    .object({
        kind: z.literal("batch"),
        ...common,
        /** Data read per run. */
        dataPerRun: DataSize.optional(),
        /** Data read per day (split over `runsPerDay`). */
        dataPerDay: DataSize.optional(),
        runsPerDay: positive.optional(),
        /** When it runs; nightly runs follow the nightly shape. */
        schedule: z.enum(["nightly", "hourly", "continuous", "on-demand"]).optional(),
        /** Hours a run may take. */
        deadlineHours: positive.max(24).optional(),
    })
    .strict()
    .superRefine((w, ctx) => {
        if (w.dataPerRun !== undefined && w.dataPerDay !== undefined && w.runsPerDay !== undefined && Math.abs(w.dataPerRun * w.runsPerDay - w.dataPerDay) > 0.05 * w.dataPerDay) {
            addIssue(ctx, ["dataPerDay"], `dataPerRun x runsPerDay (${round1(w.dataPerRun * w.runsPerDay)} GiB) disagrees with dataPerDay (${round1(w.dataPerDay)} GiB)`, "give two of dataPerRun, dataPerDay and runsPerDay");
        }
    });

/** Model serving or training. */
export const MlWorkload = z
    .object({
        kind: z.literal("ml"),
        ...common,
        task: z.enum(["inference", "training"]),
        /** Model size in parameters, e.g. 7e9. */
        modelParameters: positive.optional(),
        /** Model size on disk/in memory (instead of parameters). */
        modelSize: DataSize.optional(),
        /** Predictions per second (inference). */
        requestsPerSecond: Rate.optional(),
        /** Training data (training). */
        trainingData: DataSize.optional(),
        /** GPUs, when known. */
        gpus: z.number().int().min(0).max(16).optional(),
        /** Hours a training run may take. */
        trainingHours: positive.optional(),
        epochs: positive.optional(),
    })
    .strict();

/** A search engine or vector index. */
export const SearchWorkload = z
    .object({
        kind: z.literal("search"),
        ...common,
        documents: positive.optional(),
        /** Mean document size, KB. */
        documentKB: positive.optional(),
        /** Index size, when known (instead of documents x size). */
        indexSize: DataSize.optional(),
        queriesPerSecond: Rate.optional(),
    })
    .strict();

/** Analytical queries, dashboards, a data warehouse. */
export const AnalyticsWorkload = z
    .object({
        kind: z.literal("analytics"),
        ...common,
        data: DataSize.optional(),
        queriesPerHour: Rate.optional(),
    })
    .strict();

/** Build and test runners. */
export const CiWorkload = z
    .object({
        kind: z.literal("ci"),
        ...common,
        developers: positive.optional(),
        buildsPerDay: positive.optional(),
        /** Jobs running at once at peak (instead of developers or builds). */
        concurrentJobs: positive.optional(),
        /** Minutes a build takes. */
        buildMinutes: positive.optional(),
    })
    .strict();

/** Text with figures, as an object (the same as giving the text alone). */
export const TextWorkload = z
    .object({
        kind: z.literal("text"),
        text: z.string(),
        role: Role.optional(),
        compliance: z.array(Framework).optional(),
        sensitivity: Sensitivity.optional(),
        assumptions: AssumptionOverrides.optional(),
    })
    .strict();

export const StructuredWorkload = z.discriminatedUnion("kind", [
    HttpWorkload,
    DatabaseWorkload,
    CacheWorkload,
    QueueWorkload,
    BatchWorkload,
    MlWorkload,
    SearchWorkload,
    AnalyticsWorkload,
    CiWorkload,
    TextWorkload,
]);
export type StructuredWorkload = z.output<typeof StructuredWorkload>;

export const WORKLOAD_KINDS = ["http", "database", "cache", "queue", "batch", "ml", "search", "analytics", "ci", "text"] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** A workload: free text, or a structured description. */
export const Workload = z.union([z.string(), StructuredWorkload]);
/** The workload as written (sizes may be strings with units). */
export type WorkloadInput = z.input<typeof Workload>;
/** The workload once parsed (sizes in GiB, rates as `{ average, peak }`). */
export type Workload = z.output<typeof Workload>;

function round1(v: number): number {
    return Math.round(v * 10) / 10;
}
