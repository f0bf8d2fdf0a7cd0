import { z } from "zod";
import { Evidence, SecuritySettings } from "../compliance/settings";

/**
 * A proposal: one complete, costed configuration the user can accept. Everything the provisioner
 * needs is here; its id is a short hash of this content, so the same configuration always has the
 * same id and an id accepted yesterday provisions only if today's solve reproduces it exactly.
 */

export const HOURS_PER_MONTH = 730;

export const VOLUME_TYPES = ["gp3", "io2", "st1", "sc1"] as const;
export const VolumeType = z.enum(VOLUME_TYPES);
export type VolumeType = z.infer<typeof VolumeType>;

export const RAID_LEVELS = ["none", "raid0", "raid1", "raid10"] as const;
export const RaidLevel = z.enum(RAID_LEVELS);
export type RaidLevel = z.infer<typeof RaidLevel>;

/** Data volumes of one instance. `volumeCount` 0 means the workload needs no data volume. */
export const StorageLayout = z
    .object({
        /** Root volume (gp3), GiB. */
        rootGiB: z.number().int().positive(),
        volumeType: VolumeType,
        volumeCount: z.number().int().min(0).max(16),
        /** Size of each data volume, GiB. */
        sizeGiB: z.number().int().min(0),
        /** IOPS of each data volume (provisioned for gp3 above 3000 and io2; the burst baseline for st1/sc1). */
        iops: z.number().int().min(0),
        /** Throughput of each data volume, MB/s. */
        throughputMBps: z.number().min(0),
        /** How the volumes are combined by the instance (mdadm in cloud-init). */
        raid: RaidLevel,
        /** Capacity after RAID, GiB. */
        usableGiB: z.number().min(0),
        /** IOPS after RAID (reads; RAID 1/10 halve writes), bounded by the instance's EBS limit. */
        totalIops: z.number().min(0),
        /** Throughput after RAID, MB/s, bounded by the instance's EBS limit. */
        totalThroughputMBps: z.number().min(0),
    })
    .strict();
export type StorageLayout = z.infer<typeof StorageLayout>;

/** One line of a cost breakdown. */
export const CostItem = z
    .object({
        /** `compute`, `storage`, `iops`, `throughput` or `security`. */
        component: z.enum(["compute", "storage", "iops", "throughput", "security"]),
        /** What exactly, e.g. `2 x m7i.large on-demand`, `gp3 2 x 100 GiB`, `KMS key`. */
        detail: z.string(),
        monthly: z.number(),
    })
    .strict();
export type CostItem = z.infer<typeof CostItem>;

/** Monthly cost in USD on a 730-hour month, all instances and volumes together. */
export const MonthlyCost = z
    .object({
        total: z.number(),
        compute: z.number(),
        storage: z.number(),
        iops: z.number(),
        throughput: z.number(),
        security: z.number(),
        items: z.array(CostItem),
        /** How it was computed: price source, purchase option, hours per month. */
        basis: z.string(),
    })
    .strict();
export type MonthlyCost = z.infer<typeof MonthlyCost>;

/** One instance type of a mixed (spot) fleet: how many, where, at what price. */
export const FleetMember = z
    .object({
        instanceType: z.string(),
        count: z.number().int().positive(),
        vcpus: z.number().positive(),
        memoryGiB: z.number().positive(),
        /** Zone id of each of these instances. */
        zones: z.array(z.string()),
        /** Compute price of these instances together, USD per hour. */
        hourly: z.number().nonnegative(),
    })
    .strict();
export type FleetMember = z.infer<typeof FleetMember>;

export const PROPOSAL_LABELS = ["cost-optimized", "balanced", "performance", "resilient", "spot", "modified"] as const;
export const ProposalLabel = z.enum(PROPOSAL_LABELS);
export type ProposalLabel = z.infer<typeof ProposalLabel>;

export const Proposal = z
    .object({
        /** Short hash of the configuration (everything below but label, reason and binding). */
        id: z.string().regex(/^[bcdfghjkmnpqrstvwxz]{10}$/, "a proposal id is 10 letters, as persona propose prints it"),
        label: ProposalLabel,
        /** The one to take when in doubt; exactly one proposal of a set is recommended. */
        recommended: z.boolean(),
        instanceType: z.string(),
        count: z.number().int().positive(),
        region: z.string(),
        /** Availability zone ids (`use1-az2`), one per instance position, spread when count > 1. */
        zones: z.array(z.string()),
        vcpus: z.number().positive(),
        memoryGiB: z.number().positive(),
        architecture: z.enum(["x86_64", "arm64"]),
        burstable: z.boolean(),
        gpus: z.number().int().min(0),
        purchase: z.enum(["on-demand", "spot"]),
        storage: StorageLayout,
        security: z.object({ settings: SecuritySettings, evidence: z.array(Evidence) }).strict(),
        monthlyCost: MonthlyCost,
        hourlyCost: z.number(),
        /** Capacity over peak demand for cpu and memory (1.25 = 25 % spare at peak), whole fleet. */
        headroom: z.object({ cpu: z.number(), memory: z.number() }).strict(),
        /** The constraints that decide this proposal (would change it if relaxed). */
        binding: z.array(z.string()),
        /** One line on why this one. */
        reason: z.string(),
        /**
         * Present only for a mixed fleet (spot diversified over instance types): every member. Then
         * `instanceType`, `vcpus` and `memoryGiB` describe the largest member, `count` and `zones` the
         * whole fleet, and the load is shared in proportion to vCPUs (capacity-weighted).
         */
        fleet: z.array(FleetMember).min(2).optional(),
    })
    .strict();
export type Proposal = z.infer<typeof Proposal>;
