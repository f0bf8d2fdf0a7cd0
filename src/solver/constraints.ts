import { z } from "zod";
import { Framework, Sensitivity } from "../persona/schema";

/**
 * Hard constraints on proposals: every proposal satisfies all of them, or the solver reports the
 * smallest conflicting set. The same shape is used by `persona propose` flags, the component's
 * `constraints` arg and the `<component>.constraints` stack config key (config wins over args).
 */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** An instance type (`m7i.large`), a family (`m7i`) or a pattern with `*` (`m7*`, `*.large`). */
const TypePattern = z.string().regex(/^[a-z0-9*]+(\.[a-z0-9*-]+)?$/, "not an instance type, family or pattern such as m7i.large, m7i or m7*");

export const Constraints = z
    .object({
        /** Regions to consider, or `all`. Defaults to the persona's residency, else `us-east-1`. */
        regions: z.union([z.literal("all"), z.array(z.string().regex(REGION_NAME, "not an AWS region name such as eu-west-1")).min(1)]).optional(),
        /** CPU architecture. Defaults to either. */
        architecture: z.enum(["x86_64", "arm64"]).optional(),
        /** Minimum vCPUs per instance. Defaults to what the demand needs. */
        minVcpus: z.number().positive().max(1024).optional(),
        /** Minimum memory per instance, GiB. Defaults to what the demand needs. */
        minMemoryGiB: z.number().positive().max(32768).optional(),
        /** Number of instances. Defaults to the persona's scaling minimum, else what the demand and uptime need. */
        count: z.number().int().min(1).max(100).optional(),
        /** Minimum GPUs per instance. Defaults to 0 (GPU types are only offered when asked for or the role needs them). */
        gpus: z.number().int().min(0).max(16).optional(),
        /** Whether burstable (T-family) types may be offered; they qualify only when sustained CPU stays below their baseline. Defaults to allow. */
        burstable: z.enum(["allow", "deny"]).optional(),
        /** Only current-generation types. Defaults to false. */
        currentGeneration: z.boolean().optional(),
        /** Minimum EBS-optimized baseline bandwidth per instance, Mbps. */
        minEbsBandwidthMbps: z.number().positive().optional(),
        /** Minimum baseline network bandwidth per instance, Gbps. */
        minNetworkGbps: z.number().positive().optional(),
        /** `on-demand` or `spot`. Defaults to on-demand, plus a spot proposal when the persona tolerates interruption. */
        purchase: z.enum(["on-demand", "spot"]).optional(),
        /** Maximum total hourly cost, USD. */
        maxHourlyCost: z.number().positive().optional(),
        /** Maximum total monthly cost (730 h), USD. */
        maxMonthlyCost: z.number().positive().optional(),
        /** Only these types, families or patterns. */
        allowTypes: z.array(TypePattern).min(1).optional(),
        /** Never these types, families or patterns. */
        denyTypes: z.array(TypePattern).optional(),
        /** Compliance frameworks, added to the persona's. */
        compliance: z.array(Framework).optional(),
        /** Data sensitivity, overriding the persona's. */
        sensitivity: Sensitivity.optional(),
    })
    .strict();
export type Constraints = z.infer<typeof Constraints>;
export type ConstraintName = keyof Constraints;

/** Merges constraint sets left to right: later keys win; compliance lists are united. */
export function mergeConstraints(...sets: readonly (Constraints | undefined)[]): Constraints {
    const merged: Record<string, unknown> = {};
    const compliance = new Set<string>();
    for (const set of sets) {
        if (!set) {
            continue;
        }
        for (const [key, value] of Object.entries(set)) {
            if (value === undefined) {
                continue;
            }
            if (key === "compliance") {
                (value as string[]).forEach((f) => compliance.add(f));
            } else {
                merged[key] = value;
            }
        }
    }
    if (compliance.size > 0) {
        merged.compliance = [...compliance].sort();
    }
    return merged as Constraints;
}
