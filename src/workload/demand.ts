import { z } from "zod";
import { Framework, METRICS, Persona, Role, Sensitivity } from "../persona/schema";

/**
 * Demand: what a workload needs, as the analyzer predicts it and the solver consumes it.
 * The same five metrics as a persona's performance profile, each a weekly hourly series with its
 * summary, plus the data to store, the compliance signals and every assumption made on the way.
 */

const MetricDemand = z
    .object({
        peak: z.number().nonnegative(),
        average: z.number().nonnegative(),
        sustained: z.number().nonnegative(),
        series: z.array(z.number().nonnegative()),
    })
    .strict();
export type MetricDemand = z.infer<typeof MetricDemand>;

/** One assumption behind a figure, so a user can see it and override it. */
export const Assumption = z
    .object({
        /** Stable name, also the key to override it (e.g. `pageViewsPerUser`). */
        name: z.string(),
        value: z.union([z.number(), z.string(), z.boolean()]),
        /** Unit of `value`, when it has one. */
        unit: z.string().optional(),
        /** Where the figure comes from: the user's text, a persona, vendor guidance, a trace. */
        source: z.string(),
    })
    .strict();
export type Assumption = z.infer<typeof Assumption>;

export const Demand = z
    .object({
        role: Role,
        /** Confidence in the role, 0 to 1 (1 for structured input or a persona). */
        confidence: z.number().min(0).max(1),
        /** Minutes between series points; the analyzer always produces hourly series (60). */
        intervalMinutes: z.number().int().positive(),
        cpu: MetricDemand,
        memoryGiB: MetricDemand,
        iops: MetricDemand,
        throughputMBps: MetricDemand,
        networkMbps: MetricDemand,
        /** Data kept on the data volume(s), GiB. */
        storageGiB: z.number().nonnegative(),
        /** GPUs per instance the workload needs; absent means none. */
        gpus: z.number().int().min(0).optional(),
        /** Compliance frameworks the workload signals (text) or states. */
        compliance: z.array(Framework),
        sensitivity: Sensitivity.optional(),
        assumptions: z.array(Assumption),
        /** What to add to make the prediction firmer ("how many requests per second at peak?"). */
        questions: z.array(z.string()),
    })
    .strict();
export type Demand = z.infer<typeof Demand>;

/** A persona's performance profile read as demand: its own figures, nothing inferred. */
export function demandFromPersona(persona: Persona): Demand {
    const perf = persona.performance;
    const metric = (name: (typeof METRICS)[number]): MetricDemand => {
        const m = perf[name];
        return { peak: m.peak, average: m.average, sustained: m.sustained, series: m.series };
    };
    return {
        role: persona.role.kind,
        confidence: 1,
        intervalMinutes: perf.intervalMinutes,
        cpu: metric("cpu"),
        memoryGiB: metric("memoryGiB"),
        iops: metric("iops"),
        throughputMBps: metric("throughputMBps"),
        networkMbps: metric("networkMbps"),
        storageGiB: perf.storageGiB,
        ...(perf.gpus > 0 ? { gpus: perf.gpus } : {}),
        compliance: persona.security.compliance,
        sensitivity: persona.security.sensitivity,
        assumptions: [{ name: "profile", value: `${persona.name}@${persona.version}`, source: "persona performance profile" }],
        questions: [],
    };
}
