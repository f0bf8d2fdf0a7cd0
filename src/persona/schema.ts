import { z } from "zod";
import { addIssue } from "../errors";
import { agrees, summarize } from "./series";

/**
 * The persona model: a description of an instance's intended operational role (seed, section I).
 * Every external shape is a zod schema and its TypeScript type is inferred from it.
 */

/** What the instance is for. Drives the analyzer's capacity model and the load shape. */
export const ROLES = [
    "web-server",
    "api-service",
    "database",
    "cache",
    "message-queue",
    "search",
    "analytics",
    "batch-worker",
    "ci-runner",
    "ml-inference",
    "ml-training",
] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Compliance frameworks the compliance module maps to concrete settings. */
export const FRAMEWORKS = ["pci-dss", "hipaa", "soc2", "gdpr"] as const;
export const Framework = z.enum(FRAMEWORKS);
export type Framework = z.infer<typeof Framework>;

/** Data sensitivity classification, lowest to highest. */
export const SENSITIVITIES = ["public", "internal", "confidential", "restricted"] as const;
export const Sensitivity = z.enum(SENSITIVITIES);
export type Sensitivity = z.infer<typeof Sensitivity>;

/** The five predicted metrics of a performance profile, with their units. */
export const METRICS = ["cpu", "memoryGiB", "iops", "throughputMBps", "networkMbps"] as const;
export type MetricName = (typeof METRICS)[number];
export const METRIC_UNITS: Record<MetricName, string> = {
    cpu: "vCPU",
    memoryGiB: "GiB",
    iops: "IOPS",
    throughputMBps: "MB/s",
    networkMbps: "Mbps",
};

const nonNegative = z.number().finite().nonnegative();

/**
 * One metric over time. `series` is the prediction (168 hourly points for a week is usual);
 * `peak`, `average` and `sustained` summarise it (definitions in `series.ts`). The summary may be
 * omitted and is then derived; when given it must agree with the series.
 */
export const MetricInput = z
    .object({
        /** Predicted load, one point per `intervalMinutes`, in the metric's unit. */
        series: z.array(nonNegative).min(1).max(10080),
        /** The series' maximum. */
        peak: nonNegative.optional(),
        /** The series' mean. */
        average: nonNegative.optional(),
        /** 95th percentile of 1-hour window means, at least the average. */
        sustained: nonNegative.optional(),
    })
    .strict();

export interface Metric {
    readonly series: number[];
    readonly peak: number;
    readonly average: number;
    readonly sustained: number;
}

const PerformanceInput = z
    .object({
        /** Minutes between two points of every series. Defaults to 60 (hourly). */
        intervalMinutes: z.number().int().min(1).max(1440).default(60),
        /** Expected vCPUs in use (not provisioned): 1.5 means one and a half cores busy. */
        cpu: MetricInput,
        /** Expected memory in use, GiB. */
        memoryGiB: MetricInput,
        /** Expected disk operations per second on the data volume(s). */
        iops: MetricInput,
        /** Expected disk throughput on the data volume(s), MB/s. */
        throughputMBps: MetricInput,
        /** Expected network traffic, in plus out, Mbps. */
        networkMbps: MetricInput,
        /** Data the instance keeps on its data volume(s), GiB (0: the root volume is enough). */
        storageGiB: nonNegative.default(0),
        /** GPUs each instance needs (training, large-model inference). Defaults to 0. */
        gpus: z.number().int().min(0).max(16).default(0),
    })
    .strict();

/** Checks each metric's stated summary against its series and fills in what was omitted. */
const Performance = PerformanceInput.superRefine((perf, ctx) => {
    for (const name of METRICS) {
        const metric = perf[name];
        const derived = summarize(metric.series, perf.intervalMinutes);
        for (const key of ["peak", "average", "sustained"] as const) {
            const stated = metric[key];
            if (stated !== undefined && !agrees(stated, derived[key])) {
                addIssue(
                    ctx,
                    [name, key],
                    `${key} ${stated} does not agree with the series (its ${key} is ${derived[key]})`,
                    `set ${key} to ${derived[key]} or remove it to have it derived`,
                );
            }
        }
        const { peak, average, sustained } = metric;
        if (peak !== undefined && average !== undefined && peak < average) {
            addIssue(ctx, [name, "peak"], `peak ${peak} is below average ${average}`, "peak is the series' maximum and cannot be below its mean");
        }
        if (sustained !== undefined && peak !== undefined && sustained > peak) {
            addIssue(ctx, [name, "sustained"], `sustained ${sustained} is above peak ${peak}`, "sustained must lie between average and peak");
        }
        if (sustained !== undefined && average !== undefined && sustained < average) {
            addIssue(ctx, [name, "sustained"], `sustained ${sustained} is below average ${average}`, "sustained must lie between average and peak");
        }
    }
}).transform((perf) => {
    const fill = (metric: z.infer<typeof MetricInput>): Metric => ({ series: metric.series, ...summarize(metric.series, perf.intervalMinutes) });
    return {
        intervalMinutes: perf.intervalMinutes,
        cpu: fill(perf.cpu),
        memoryGiB: fill(perf.memoryGiB),
        iops: fill(perf.iops),
        throughputMBps: fill(perf.throughputMBps),
        networkMbps: fill(perf.networkMbps),
        storageGiB: perf.storageGiB,
        gpus: perf.gpus,
    };
});
export const PerformanceProfile = Performance;
export type PerformanceProfile = z.output<typeof Performance>;

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** `10.0.0.0/16`: four octets 0-255 and a prefix 0-32. */
export function isCidr(value: string): boolean {
    const m = CIDR.exec(value);
    if (!m) {
        return false;
    }
    const octets = m.slice(1, 5).map(Number);
    return octets.every((o) => o <= 255) && Number(m[5]) <= 32;
}

const Port = z.number().int().min(0).max(65535);

/** `443`, `8000-8080`, `all`, or `{ from, to }` (the form it is written back in). */
export const PortRange = z
    .union([
        Port,
        z.string().regex(/^(all|\d{1,5}(-\d{1,5})?)$/, "ports must be a port, a range such as 8000-8080, or all"),
        z.object({ from: Port, to: Port }).strict(),
    ])
    .transform((value, ctx) => {
        if (typeof value === "object") {
            return value;
        }
        const [from, to = from] = value === "all" ? [0, 65535] : String(value).split("-").map(Number);
        if (from > 65535 || to > 65535 || from > to) {
            addIssue(ctx, [], `port range ${value} is invalid`, "use ports 0-65535 with the lower port first");
            return z.NEVER;
        }
        return { from, to };
    })
    .refine((range) => range.from <= range.to, { message: "the port range runs backwards", params: { fix: "put the lower port first" } });
export type PortRange = z.output<typeof PortRange>;

/**
 * One allowed flow across the trust boundary. The peer is exactly one of an IPv4 CIDR block or a
 * security group (an id such as `sg-0abc...` or the name of a group the program resolves).
 */
export const TrafficRule = z
    .object({
        /** `tcp`, `udp`, `icmp` or `all`. */
        protocol: z.enum(["tcp", "udp", "icmp", "all"]),
        /** A port (`5432`), a range (`8000-8080`) or `all`. */
        ports: PortRange,
        /** The peer as an IPv4 CIDR block. */
        cidr: z.string().refine(isCidr, "not an IPv4 CIDR block such as 10.0.0.0/16").optional(),
        /** The peer as a security group id or name. */
        securityGroup: z.string().min(1).optional(),
        /** Why this flow exists; becomes the rule's description. */
        description: z.string().min(1),
    })
    .strict()
    .superRefine((rule, ctx) => {
        if ((rule.cidr === undefined) === (rule.securityGroup === undefined)) {
            addIssue(ctx, [], "a rule needs exactly one peer", "give either cidr or securityGroup");
        }
    });
export type TrafficRule = z.output<typeof TrafficRule>;

/** Who administers the instance, and how. */
export const Access = z
    .object({
        /**
         * How administrators reach the instance: `ssm` (Session Manager, no open port),
         * `ssh-bastion` (SSH only from `bastionCidr`) or `none` (immutable, no interactive access).
         */
        method: z.enum(["ssm", "ssh-bastion", "none"]),
        /** The groups or roles allowed to administer it (documentation and tags). */
        administrators: z.array(z.string().min(1)).default([]),
        /** Where SSH comes from when `method` is `ssh-bastion`. */
        bastionCidr: z.string().refine(isCidr, "not an IPv4 CIDR block").optional(),
    })
    .strict()
    .superRefine((access, ctx) => {
        if (access.method === "ssh-bastion" && access.bastionCidr === undefined) {
            addIssue(ctx, ["bastionCidr"], "ssh-bastion access needs the bastion's address", "set bastionCidr, e.g. 10.0.100.0/28");
        }
        if (access.bastionCidr === "0.0.0.0/0") {
            addIssue(ctx, ["bastionCidr"], "a bastion at 0.0.0.0/0 opens SSH to the internet", "give the bastion's own CIDR block");
        }
    });
export type Access = z.output<typeof Access>;

/** The trust boundary: sensitivity, compliance, allowed flows, encryption and access. */
export const SecurityProfile = z
    .object({
        /** Data sensitivity: `public`, `internal`, `confidential` or `restricted`. */
        sensitivity: Sensitivity,
        /** Frameworks the instance must comply with. Defaults to none. */
        compliance: z.array(Framework).default([]),
        /** Allowed inbound flows; nothing else is let in. Defaults to none. */
        ingress: z.array(TrafficRule).default([]),
        /** Allowed outbound flows; nothing else is let out. Defaults to none. */
        egress: z.array(TrafficRule).default([]),
        /** Encryption requirements. Volumes are always encrypted at rest. */
        encryption: z
            .object({
                /** Who holds the key for data at rest: `aws-managed` or `customer-managed` (KMS, rotated). Defaults to aws-managed. */
                atRestKey: z.enum(["aws-managed", "customer-managed"]).default("aws-managed"),
                /** Whether traffic must be encrypted in transit (TLS; instance types with in-transit encryption preferred). Defaults to true. */
                inTransit: z.boolean().default(true),
            })
            .strict()
            .default({ atRestKey: "aws-managed", inTransit: true }),
        /** Administrative access. */
        access: Access,
        /** `default` (shared hardware) or `dedicated` (single-tenant hardware, with AWS's per-region fee). Defaults to default. */
        tenancy: z.enum(["default", "dedicated"]).default("default"),
        /** Regions the data may live in (residency); empty means anywhere. Defaults to anywhere. */
        residency: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "not an AWS region name such as eu-west-1")).default([]),
    })
    .strict();
export type SecurityProfile = z.output<typeof SecurityProfile>;

/** How long the instance lives, how it scales and whether it can be interrupted. */
export const LifecycleExpectations = z
    .object({
        /** Uptime target in percent, e.g. 99.9. Above 99.9 asks for more than one zone. */
        uptimeTarget: z.number().min(50).max(99.999),
        /** Instance count bounds; `max > min` provisions an auto scaling group. */
        scaling: z
            .object({ min: z.number().int().min(1), max: z.number().int().min(1) })
            .strict()
            .refine((s) => s.min <= s.max, { message: "scaling.min is above scaling.max", params: { fix: "make min at most max" } }),
        /** `open-ended`, or how long it is expected to run. */
        expectedDuration: z.union([z.literal("open-ended"), z.object({ days: z.number().positive() }).strict()]),
        /** Whether the workload tolerates interruption (and so may run on spot capacity). */
        interruptionTolerant: z.boolean(),
    })
    .strict();
export type LifecycleExpectations = z.output<typeof LifecycleExpectations>;

/** What the owner is willing to pay, in USD, for the whole persona (all instances and storage). */
export const CostTolerance = z
    .object({
        /** Maximum hourly cost, USD. */
        maxHourly: z.number().positive().optional(),
        /** Maximum monthly cost (730 hours), USD. */
        maxMonthly: z.number().positive().optional(),
    })
    .strict();
export type CostTolerance = z.output<typeof CostTolerance>;

export const PERSONA_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** `name` or `name@version`. */
export const PersonaRefString = z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*(@[1-9]\d*)?$/, "a persona reference is name or name@version, e.g. postgres-oltp@2");

export interface PersonaRef {
    readonly name: string;
    readonly version?: number;
}

export function parsePersonaRef(ref: string): PersonaRef | undefined {
    const m = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:@([1-9]\d*))?$/.exec(ref);
    if (!m) {
        return undefined;
    }
    return m[2] === undefined ? { name: m[1] } : { name: m[1], version: Number(m[2]) };
}

export function formatPersonaRef(ref: PersonaRef): string {
    return ref.version === undefined ? ref.name : `${ref.name}@${ref.version}`;
}

/**
 * A persona as written in a YAML file (`personas/<name>/<version>.yaml`). Metadata first, then
 * the five components of the seed: role, performance, security, lifecycle, cost.
 */
export const Persona = z
    .object({
        /** Lower-case name with dashes, e.g. `postgres-oltp`; the store's directory name. */
        name: z.string().regex(PERSONA_NAME, "a persona name is lower-case words joined by dashes, e.g. postgres-oltp"),
        /** Integer version from 1; versions are immutable once written. */
        version: z.number().int().min(1),
        /** What the persona is and where its figures come from. */
        description: z.string().min(1),
        /** Who wrote it. */
        creator: z.string().min(1),
        /** When it was written, YYYY-MM-DD. */
        created: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date is written YYYY-MM-DD"),
        /** Free-form labels for search. Defaults to none. */
        tags: z.array(z.string().min(1)).default([]),
        /** The persona this one was derived from, `name@version`. */
        basedOn: PersonaRefString.refine((ref) => ref.includes("@"), "basedOn names an exact version, name@version").optional(),
        /** The functional role, and a sentence on what exactly runs. */
        role: z.object({ kind: Role, description: z.string().min(1) }).strict(),
        performance: Performance,
        security: SecurityProfile,
        lifecycle: LifecycleExpectations,
        cost: CostTolerance,
    })
    .strict();
export type Persona = z.output<typeof Persona>;
export type PersonaInput = z.input<typeof Persona>;

/** Usage statistics, kept beside the versions because versions are immutable. */
export interface UsageStats {
    readonly proposed: number;
    readonly accepted: number;
    readonly provisioned: number;
    readonly lastUsed?: string;
}

export const USAGE_EVENTS = ["proposed", "accepted", "provisioned"] as const;
export type UsageEvent = (typeof USAGE_EVENTS)[number];
