import { checkSettings, SecuritySettings } from "../compliance";
import { Conflict, diagnose, Infeasibility } from "./diagnose";
import { Proposal, StorageLayout } from "./proposal";
import { Purchase, requirementsFor, Requirements, SolveInput } from "./requirements";
import { assess, Policy, policy, rejectionKey, scan, ScanContext, scanContext } from "./scan";
import { buildProposal, pickOf, selectProposals } from "./select";
import { enumerationLayoutSolver, LayoutSolver, layoutOf, smallestVolume, VolumeLayout, MAX_DATA_VOLUMES } from "./storage";
import { VOLUME_LIMITS } from "../catalog/ebs";

export type { SolveInput } from "./requirements";

/**
 * The Constraint Solver (seed III): demand, constraints, the catalog and the security
 * requirements in; 3-5 costed, genuinely different proposals out, or the smallest set of
 * conflicting constraints with the nearest candidates. Pure and deterministic.
 */

export type SolveResult = { readonly ok: true; readonly proposals: Proposal[] } | { readonly ok: false; readonly infeasible: Infeasibility };

export interface SolveOptions {
    /** How data-volume layouts are searched (default: exact enumeration; see storage.ts). */
    readonly layoutSolver?: LayoutSolver;
}

/** Contradictions visible before any search: they involve how the count or purchase option is chosen. */
function preConflicts(req: Requirements, input: SolveInput): Conflict[] {
    const out: Conflict[] = [];
    if (req.count.fixed === 1 && req.multiAz) {
        out.push({
            constraint: "count",
            value: 1,
            source: "constraints.count",
            message: `exactly one instance, but uptime ${req.uptimeTarget} % (lifecycle.uptimeTarget) needs instances in two zones or more`,
            fix: "allow two instances or more, or lower the uptime target to 99.9",
        });
    }
    if (req.purchaseFixed === "spot" && input.lifecycle && !input.lifecycle.interruptionTolerant) {
        out.push({
            constraint: "purchase",
            value: "spot",
            source: "constraints.purchase",
            message: "spot only, but the lifecycle says the workload does not tolerate interruption (lifecycle.interruptionTolerant false)",
            fix: "drop purchase spot, or mark the workload interruption-tolerant",
        });
    }
    return out;
}

/**
 * The policies to search: for the main purchase option every kind of proposal; the cheapest
 * configuration also with spot when the workload tolerates interruption (spot is then a hard-
 * constraint-satisfying option like any other, so cost-optimized may be spot).
 */
function policiesFor(req: Requirements): Policy[] {
    const main = req.purchases[0];
    const list = (["cost-optimized", "balanced", "performance", "resilient"] as const).map((label) => policy(label, main));
    for (const other of req.purchases.slice(1)) {
        list.push(policy("cost-optimized", other));
    }
    return list;
}

function solveOnce(req: Requirements, input: SolveInput, rejected: ReadonlySet<string>, options: SolveOptions): SolveResult {
    const ctx = scanContext(req, input.catalog, rejected, options.layoutSolver ?? enumerationLayoutSolver);
    // Dominance pruning is exact unless a list singles out types by name.
    const prune = req.allow === undefined && req.deny.length === 0 && rejected.size === 0;
    const pre = preConflicts(req, input);
    if (pre.length > 0) {
        return { ok: false, infeasible: diagnose(ctx, pre, prune) };
    }
    const policies = policiesFor(req);
    const result = scan(ctx, req.regions, policies, prune);
    const proposals = selectProposals(ctx, result, prune);
    if (proposals.length === 0) {
        return { ok: false, infeasible: diagnose(ctx, [], prune) };
    }
    return { ok: true, proposals };
}

/** A rejected id matches a proposal id exactly or as a prefix of at least four letters. */
function matchesRejected(id: string, rejected: readonly string[]): boolean {
    return rejected.some((r) => r.length >= 4 && id.startsWith(r));
}

/**
 * Solves: validates the input (InputError on what cannot be interpreted), searches, and returns
 * the proposals or why none exists. Rejected ids: the configurations they name are found by
 * solving again the way they were made, and their instance types (in that region, with that
 * purchase option) are excluded, until no proposal is one the user rejected.
 */
export function solve(input: SolveInput, options: SolveOptions = {}): SolveResult {
    const req = requirementsFor(input);
    const rejectedIds = input.rejected ?? [];
    const rejected = new Set<string>();
    for (let round = 0; ; round++) {
        const result = solveOnce(req, input, rejected, options);
        if (!result.ok || rejectedIds.length === 0) {
            return result;
        }
        const hits = result.proposals.filter((p) => matchesRejected(p.id, rejectedIds));
        if (hits.length === 0 || round > rejectedIds.length) {
            return result;
        }
        for (const p of hits) {
            for (const type of p.fleet ? p.fleet.map((m) => m.instanceType) : [p.instanceType]) {
                rejected.add(rejectionKey(type, p.region, p.purchase));
            }
        }
    }
}

/** A configuration to re-cost: a proposal's fields, any of them changed by the user. */
export interface ProposalConfig {
    readonly instanceType: string;
    readonly region: string;
    /** Defaults to what the load needs. */
    readonly count?: number;
    /** Defaults to the main purchase option of the input. */
    readonly purchase?: Purchase;
    /** Data volumes; omitted fields keep the cheapest layout's. Omit entirely for the cheapest layout. */
    readonly storage?: Partial<Pick<StorageLayout, "volumeType" | "volumeCount" | "sizeGiB" | "iops" | "throughputMBps" | "raid">>;
    /** Security settings; default: what the requirements demand. Only stronger settings pass. */
    readonly settings?: SecuritySettings;
}

/** A hard constraint a modified configuration breaks. */
export interface Violation {
    readonly constraint: string;
    readonly message: string;
}

export type RepriceResult = { readonly ok: true; readonly proposal: Proposal } | { readonly ok: false; readonly violations: Violation[] };

/** The user's storage values, checked against the volume type's limits; a layout or the problems. */
function userLayout(config: NonNullable<ProposalConfig["storage"]>, base: VolumeLayout, prices: Parameters<typeof layoutOf>[4]): VolumeLayout | Violation[] {
    const type = config.volumeType ?? base.volumeType;
    const raid = config.raid ?? (config.volumeCount !== undefined && config.volumeCount > 1 ? "raid0" : base.raid);
    const count = config.volumeCount ?? (raid === base.raid ? base.volumeCount : raid === "raid1" ? 2 : raid === "raid10" ? 4 : raid === "raid0" ? Math.max(2, base.volumeCount) : 1);
    const l = VOLUME_LIMITS[type];
    const problems: Violation[] = [];
    const bad = (field: string, message: string) => problems.push({ constraint: `storage.${field}`, message });
    if (count < 1 || count > MAX_DATA_VOLUMES) {
        bad("volumeCount", `${count} volumes: give 1 to ${MAX_DATA_VOLUMES}`);
    }
    if ((raid === "none" && count !== 1) || (raid === "raid0" && count < 2) || (raid === "raid1" && count !== 2) || (raid === "raid10" && (count < 4 || count % 2 !== 0))) {
        bad("raid", `${raid} with ${count} volume(s): none takes 1, raid0 2 or more, raid1 exactly 2, raid10 an even number from 4`);
    }
    const size = config.sizeGiB ?? Math.max(base.sizeGiB, l.minGiB);
    const wantsIops = config.iops ?? (type === base.volumeType ? base.iops : l.baselineIops);
    const wantsTput = config.throughputMBps ?? (type === base.volumeType ? base.throughputMBps : l.baselineThroughputMBps);
    if (size < l.minGiB || size > l.maxGiB) {
        bad("sizeGiB", `${type} volumes are ${l.minGiB}-${l.maxGiB} GiB, not ${size}`);
    }
    let volume = { sizeGiB: size, iops: wantsIops, throughputMBps: wantsTput };
    if (type === "gp3" || type === "io2") {
        if (wantsIops < l.baselineIops || wantsIops > Math.min(l.maxIops, l.iopsPerGiB * size)) {
            bad("iops", `${type} ${size} GiB takes ${l.baselineIops}-${Math.min(l.maxIops, l.iopsPerGiB * size)} IOPS, not ${wantsIops}`);
        }
        if (type === "gp3" && (wantsTput < l.baselineThroughputMBps || wantsTput > Math.min(l.maxThroughputMBps, wantsIops * l.throughputPerIops))) {
            bad("throughputMBps", `gp3 with ${wantsIops} IOPS takes ${l.baselineThroughputMBps}-${Math.min(l.maxThroughputMBps, wantsIops * l.throughputPerIops)} MB/s, not ${wantsTput}`);
        }
        if (type === "io2") {
            volume = { ...volume, throughputMBps: Math.min(l.maxThroughputMBps, wantsIops * l.throughputPerIops) };
        }
    } else {
        const derived = smallestVolume(type, size, 0, 0);
        volume = derived ? { ...derived, sizeGiB: size, throughputMBps: Math.min(l.maxThroughputMBps, (size / 1024) * l.baselineMBpsPerTiB) } : volume;
    }
    return problems.length > 0 ? problems : layoutOf(type, volume, raid, count, prices);
}

/**
 * Re-costs and re-validates one configuration (the negotiation's `modify`): a new proposal
 * labelled `modified` with its own id and cost, or every hard constraint it breaks. The user's
 * choices stand as given (a rejected type may be asked for again); everything else is checked
 * exactly as in `solve`, and security settings may only be strengthened.
 */
export function reprice(config: ProposalConfig, input: SolveInput, options: SolveOptions = {}): RepriceResult {
    const req = requirementsFor(input);
    const ctx: ScanContext = scanContext(req, input.catalog, new Set(), options.layoutSolver ?? enumerationLayoutSolver);
    const region = input.catalog.regions.get(config.region);
    if (!region) {
        const unpriced = input.catalog.unpricedRegions.has(config.region);
        return { ok: false, violations: [{ constraint: "region", message: unpriced ? `${config.region} has no prices in the catalog snapshot` : `unknown region ${config.region}` }] };
    }
    const offering = region.byType.get(config.instanceType);
    if (!offering) {
        const known = input.catalog.types.has(config.instanceType);
        return {
            ok: false,
            violations: [{ constraint: "instanceType", message: known ? `${config.instanceType} is not offered in ${config.region}` : `unknown instance type ${config.instanceType}` }],
        };
    }
    const purchase = config.purchase ?? req.purchases[0];
    const pol: Policy = { ...policy("cost-optimized", purchase), label: "modified" };
    const first = assess(ctx, offering, pol, { ignoreRejection: true, ...(config.count !== undefined ? { count: config.count } : {}) });
    let layout = first.layout;
    if (config.storage) {
        const made = userLayout(config.storage, first.layout ?? { ...layoutOf("gp3", { sizeGiB: 1, iops: 3000, throughputMBps: 125 }, "none", 1, region.ebs) }, region.ebs);
        if (Array.isArray(made)) {
            return { ok: false, violations: made };
        }
        layout = made;
    }
    const checked = assess(ctx, offering, pol, { explain: true, ignoreRejection: true, count: first.count, ...(layout ? { layout } : {}) });
    const violations: Violation[] = (checked.misses ?? []).map((m) => ({ constraint: m.atom, message: `${offering.spec.name}: ${m.message}` }));
    const settings = config.settings ?? req.security.settings;
    for (const v of checkSettings(settings, req.security, config.region)) {
        if (!violations.some((x) => x.constraint === "residency" && v.setting === "region")) {
            violations.push({ constraint: `security.${v.setting}`, message: v.message });
        }
    }
    if (violations.length > 0 || Number.isNaN(checked.hourly) || !checked.layout) {
        return { ok: false, violations: violations.length > 0 ? violations : [{ constraint: "purchase", message: `${offering.spec.name} has no ${purchase} price in ${config.region}` }] };
    }
    const withSettings: ScanContext = settings === req.security.settings ? ctx : { ...ctx, req: { ...req, security: { ...req.security, settings } } };
    const proposal = buildProposal(withSettings, pickOf(checked, "modified"), new Map(), 0);
    return { ok: true, proposal: { ...proposal, recommended: true, binding: [], reason: `Modified: ${describeChange(config)}.` } };
}

function describeChange(config: ProposalConfig): string {
    const parts = [`${config.count ?? "as many as needed"} x ${config.instanceType} in ${config.region}`];
    if (config.purchase) {
        parts.push(config.purchase);
    }
    if (config.storage) {
        const s = config.storage;
        parts.push(`storage ${[s.volumeCount !== undefined ? `${s.volumeCount} x` : "", s.volumeType ?? "", s.sizeGiB !== undefined ? `${s.sizeGiB} GiB` : "", s.iops !== undefined ? `${s.iops} IOPS` : "", s.throughputMBps !== undefined ? `${s.throughputMBps} MB/s` : "", s.raid ?? ""].filter(Boolean).join(" ")}`);
    }
    if (config.settings) {
        parts.push("security settings as given");
    }
    return parts.join(", ");
}
