import { Catalog, Offering } from "../catalog/catalog";
import { securityCosts } from "../compliance";
import { Atom, ATOMS, atomsOf, BIT, Miss } from "./atoms";
import { baseMonthly, computeHourly, provisionedGiB, rootMonthly, SPREAD_ZONES, spreadZones } from "./cost";
import { HOURS_PER_MONTH, ProposalLabel, VolumeType } from "./proposal";
import { Purchase, Requirements } from "./requirements";
import { enumerationLayoutSolver, LayoutSolver, needsDataVolumes, StorageNeed, volumeMonthly, VolumeLayout } from "./storage";

/**
 * The single-instance-type search: every offering of every region in scope is assessed against
 * every hard constraint (a violation mask, see `atoms.ts`), given the instance count its capacity
 * needs, priced, and ranked. Dominated offerings are skipped when that cannot change the answer.
 */

/** How a proposal of one kind is shaped: headroom over peak, storage, resilience, purchase option. */
export interface Policy {
    readonly label: ProposalLabel;
    readonly purchase: Purchase;
    /** CPU and memory capacity over peak demand the fleet must have (1 = exactly the peak). */
    readonly headroom: number;
    /** Factor on the IOPS and throughput provisioned. */
    readonly storageFactor: number;
    /** Mirrored data volumes (RAID 1/10) or io2, for durability. */
    readonly durable: boolean;
    /** One instance more than the load needs, spread over two zones or more (when the count is not fixed at 1). */
    readonly resilient: boolean;
    /** Burstable types never qualify. */
    readonly nonBurstable: boolean;
    /** Only current-generation types. */
    readonly currentGeneration: boolean;
}

export function policy(label: ProposalLabel, purchase: Purchase): Policy {
    const base: Policy = { label, purchase, headroom: 1, storageFactor: 1, durable: false, resilient: false, nonBurstable: false, currentGeneration: false };
    switch (label) {
        case "balanced":
            return { ...base, headroom: 1.25, currentGeneration: true };
        case "performance":
            return { ...base, headroom: 2, storageFactor: 1.5, nonBurstable: true, currentGeneration: true };
        case "resilient":
            return { ...base, durable: true, resilient: true };
        default:
            return base;
    }
}

/** A mask bit for "the policy rules this out": not a hard constraint, never reported as a conflict. */
export const POLICY_BIT = 1 << 30;

/** One offering assessed under one policy. */
export interface Assessment {
    readonly offering: Offering;
    readonly policy: Policy;
    /** Violated atoms (plus POLICY_BIT); 0 means feasible. */
    readonly mask: number;
    readonly count: number;
    /** Instances the load is divided by (count, one less for N+1, or 1 when each carries it all). */
    readonly divisor: number;
    /** Compute price of all instances, USD per hour; NaN when the purchase option has no price. */
    readonly hourly: number;
    readonly layout: VolumeLayout | undefined;
    /** Total monthly cost, unrounded; Infinity when it cannot be priced. */
    readonly monthly: number;
    /** What it misses, with figures (only when asked for). */
    readonly misses: Miss[] | undefined;
}

/** Memo tables and lookups shared by every assessment of one solve. */
export interface ScanContext {
    readonly req: Requirements;
    readonly catalog: Catalog;
    readonly requested: ReadonlySet<string>;
    readonly allowed: ReadonlySet<string>;
    /** `type|region|purchase` of configurations the user rejected. */
    readonly rejected: ReadonlySet<string>;
    readonly layoutSolver: LayoutSolver;
    readonly volumeTypes: readonly VolumeType[];
    /** Layouts by price shape and need (shared by regions with proportional EBS prices). */
    readonly layouts: Map<string, VolumeLayout | null>;
    /** Per region: layouts by divisor and policy storage flags; and the region's price shape. */
    readonly regionLayouts: Map<string, Map<number, VolumeLayout | null>>;
    readonly shapes: Map<string, string>;
    readonly security: Map<number, number>;
    readonly regionBits: Map<string, number>;
}

export function scanContext(req: Requirements, catalog: Catalog, rejected: ReadonlySet<string>, layoutSolver: LayoutSolver = enumerationLayoutSolver): ScanContext {
    return {
        req,
        catalog,
        requested: new Set(req.requestedRegions),
        allowed: new Set(req.security.allowedRegions),
        rejected,
        layoutSolver,
        volumeTypes: req.hddAllowed ? ["gp3", "io2", "st1", "sc1"] : ["gp3", "io2"],
        layouts: new Map(),
        regionLayouts: new Map(),
        shapes: new Map(),
        security: new Map(),
        regionBits: new Map(),
    };
}

export function rejectionKey(type: string, region: string, purchase: Purchase): string {
    return `${type}|${region}|${purchase}`;
}

/**
 * The cheapest layout for a need in a region, memoized. Only price ratios decide a layout, so
 * regions whose EBS prices are proportional share it (memo key: the price vector normalized by
 * the gp3 GB-month price); it is then priced in the region.
 */
export function layoutFor(ctx: ScanContext, region: string, need: StorageNeed, durable: boolean): VolumeLayout | undefined {
    const prices = ctx.catalog.regions.get(region)?.ebs;
    if (!prices) {
        return undefined;
    }
    let shape = ctx.shapes.get(region);
    if (shape === undefined) {
        const unit = prices.gp3.gbMonth;
        shape = [prices.gp3.iopsMonth, prices.gp3.throughputMonth, prices.io2.gbMonth, prices.st1.gbMonth, prices.sc1.gbMonth, ...prices.io2.iopsTiers.map((t) => t.price)]
            .map((p) => (p / unit).toFixed(6))
            .join(",");
        ctx.shapes.set(region, shape);
    }
    const key = `${shape}|${need.capacityGiB}|${need.iops}|${need.throughputMBps}|${durable}`;
    let layout = ctx.layouts.get(key);
    if (layout === undefined) {
        layout = ctx.layoutSolver.cheapest(need, prices, { volumeTypes: ctx.volumeTypes, durable }) ?? null;
        ctx.layouts.set(key, layout);
    }
    return layout === null ? undefined : repriceLayout(layout, prices);
}

/**
 * Instances left after losing the zone with the most of them, when `n` instances are spread
 * round-robin over up to `zones` zones.
 */
export function zoneSurvivors(n: number, zones: number): number {
    const used = Math.max(1, Math.min(n, zones));
    return used < 2 ? 0 : n - Math.ceil(n / used);
}

/** The fewest instances (at least two) that still carry `needed` instances' load after losing any one zone. */
export function zoneTolerantCount(needed: number, zones: number): number {
    if (zones < 2) {
        return needed + 1;
    }
    let n = Math.max(2, needed + 1);
    while (zoneSurvivors(n, zones) < needed) {
        n++;
    }
    return n;
}

/** The layout of a policy's storage need at a divisor, memoized per region. */
function policyLayout(ctx: ScanContext, region: string, pol: Policy, divisor: number): VolumeLayout | undefined {
    let perRegion = ctx.regionLayouts.get(region);
    if (!perRegion) {
        perRegion = new Map();
        ctx.regionLayouts.set(region, perRegion);
    }
    const key = divisor * 8 + (pol.durable ? 4 : 0) + (pol.storageFactor !== 1 ? 2 : 0);
    let layout = perRegion.get(key);
    if (layout === undefined) {
        layout = layoutFor(ctx, region, storageNeed(ctx.req, pol, divisor), pol.durable) ?? null;
        perRegion.set(key, layout);
    }
    return layout ?? undefined;
}

/** What each instance's data volumes must provide when the load is divided by `divisor`. */
export function storageNeed(req: Requirements, pol: Policy, divisor: number): StorageNeed {
    const d = req.demand;
    return { capacityGiB: req.dataSharded ? d.storageGiB / divisor : d.storageGiB, iops: (d.iopsPeak * pol.storageFactor) / divisor, throughputMBps: (d.throughputPeak * pol.storageFactor) / divisor };
}

function repriceLayout(layout: VolumeLayout, prices: Parameters<LayoutSolver["cheapest"]>[1]): VolumeLayout {
    if (layout.volumeCount === 0) {
        return layout;
    }
    // The same volumes at this region's prices.
    const each = volumeMonthly(layout.volumeType, layout, prices);
    return { ...layout, monthly: { storage: each.storage * layout.volumeCount, iops: each.iops * layout.volumeCount, throughput: each.throughput * layout.volumeCount } };
}

export function securityMonthly(ctx: ScanContext, count: number, gib: number, computeMonthly: number): number {
    if (ctx.req.dedicated) {
        return securityCosts(ctx.req.security.settings, count, gib, computeMonthly).reduce((s, i) => s + i.monthly, 0);
    }
    const key = gib * 1024 + count;
    let value = ctx.security.get(key);
    if (value === undefined) {
        value = securityCosts(ctx.req.security.settings, count, gib, 0).reduce((s, i) => s + i.monthly, 0);
        ctx.security.set(key, value);
    }
    return value;
}

const fmt = (x: number, digits = 2): string => String(Number(x.toFixed(digits)));

export interface AssessOptions {
    /** Build a message for each violation. */
    readonly explain?: boolean;
    /** Use this instance count instead of the one the load needs (a user's modification). */
    readonly count?: number;
    /** Use this layout instead of the cheapest (a user's modification); checked against the need. */
    readonly layout?: VolumeLayout;
    /** Do not count a rejection from an earlier round (the user asks for this configuration). */
    readonly ignoreRejection?: boolean;
    /** Costs at or above this do not matter to the caller (it stops the search over counts early). */
    readonly ceiling?: number;
}

const NO_OPTIONS: AssessOptions = {};

/** The region-level atoms of a region (outside the requested or the allowed regions), memoized. */
function regionBits(ctx: ScanContext, region: string): number {
    let bits = ctx.regionBits.get(region);
    if (bits === undefined) {
        bits = (ctx.requested.has(region) ? 0 : BIT.regions) | (ctx.allowed.size > 0 && !ctx.allowed.has(region) ? BIT.residency : 0);
        ctx.regionBits.set(region, bits);
    }
    return bits;
}

/**
 * The constraints an offering violates whatever the policy and count (type, region, purchase
 * option), as a mask. Allocation-free: the scan calls it for every offering.
 */
export function staticMask(ctx: ScanContext, offering: Offering, purchase: Purchase, ignoreRejection = false): number {
    const { req } = ctx;
    const o = offering;
    let mask = regionBits(ctx, o.region);
    if (req.architecture !== undefined && o.figures.architecture !== req.architecture) {
        mask |= BIT.architecture;
    }
    if (o.figures.vcpus < req.minVcpus) {
        mask |= BIT.minVcpus;
    }
    if (o.figures.memoryGiB < req.minMemoryGiB) {
        mask |= BIT.minMemoryGiB;
    }
    if (o.figures.gpus < req.gpus || (o.figures.gpus > 0 && !req.gpuTypesAllowed && !explicitlyAllowed(req, o))) {
        mask |= BIT.gpus;
    }
    if (o.figures.accelerated && !explicitlyAllowed(req, o)) {
        mask |= BIT.accelerators;
    }
    if (o.figures.burstable && !req.burstableAllowed) {
        mask |= BIT.burstable;
    }
    if (req.currentGenerationOnly && !o.figures.currentGeneration) {
        mask |= BIT.currentGeneration;
    }
    if (o.figures.ebsBaselineMbps < req.minEbsBandwidthMbps) {
        mask |= BIT.minEbsBandwidthMbps;
    }
    if (o.figures.networkBaselineGbps < req.minNetworkGbps) {
        mask |= BIT.minNetworkGbps;
    }
    if (req.allow !== undefined && !req.allow.some((p) => p.test(o.spec))) {
        mask |= BIT.allowTypes;
    }
    if (req.deny.length > 0 && req.deny.some((p) => p.test(o.spec))) {
        mask |= BIT.denyTypes;
    }
    if (purchase === "spot" ? !req.spotProposed : !req.onDemandProposed) {
        mask |= BIT.purchase;
    }
    if (req.dedicated && purchase === "spot") {
        mask |= BIT.tenancy;
    }
    const zones = purchase === "on-demand" ? (o.onDemand === null ? 0 : o.zones.length) : o.spotZones;
    if (zones === 0) {
        mask |= BIT.purchase;
    } else if (req.multiAz && zones < 2) {
        mask |= BIT.uptime;
    }
    if (!ignoreRejection && ctx.rejected.size > 0 && ctx.rejected.has(rejectionKey(o.spec.name, o.region, purchase))) {
        mask |= BIT.rejected;
    }
    return mask;
}

function explicitlyAllowed(req: Requirements, offering: Offering): boolean {
    return req.allow !== undefined && req.allow.some((p) => p.exact && p.test(offering.spec));
}

/** The message of each type-level atom in a mask: what the offering misses, with the figures. */
export function staticMisses(ctx: ScanContext, offering: Offering, purchase: Purchase, mask: number): Miss[] {
    const { req } = ctx;
    const s = offering.spec;
    const region = offering.region;
    const messages: Partial<Record<Atom, () => string>> = {
        regions: () => `in ${region}, not one of the regions asked for (${req.requestedRegions.join(", ")})`,
        residency: () => `in ${region}, outside the allowed regions (${req.security.regionReasons.join("; ") || [...ctx.allowed].join(", ")})`,
        architecture: () => `${s.architecture}, not ${req.architecture}`,
        minVcpus: () => `${s.vcpus} vCPUs < ${req.minVcpus} required`,
        minMemoryGiB: () => `${fmt(s.memoryGiB)} GiB < ${fmt(req.minMemoryGiB)} GiB required`,
        gpus: () => (s.gpus < req.gpus ? `${s.gpus} GPUs < ${req.gpus} required` : `has ${s.gpus} ${s.gpuName ?? ""} GPU(s); GPU types are offered only when GPUs are asked for`),
        accelerators: () => `has ${s.accelerator?.name} accelerators; name the type in allowTypes to use it`,
        burstable: () => "burstable, and burstable types are denied",
        currentGeneration: () => "previous generation",
        minEbsBandwidthMbps: () => `EBS baseline ${s.ebs.baselineMbps} Mbps < ${req.minEbsBandwidthMbps} Mbps required`,
        minNetworkGbps: () => `network baseline ${s.network.baselineGbps} Gbps < ${req.minNetworkGbps} Gbps required`,
        allowTypes: () => `not in allowTypes (${req.allow?.map((p) => p.text).join(", ")})`,
        denyTypes: () => `matches denyTypes ${req.deny.find((p) => p.test(s))?.text}`,
        purchase: () =>
            spreadZones(offering, purchase) === 0
                ? purchase === "spot"
                    ? `no spot price for ${s.name} in ${region}`
                    : `not sold on demand in ${region}`
                : req.purchaseFixed
                  ? `${purchase}, but purchase is ${req.purchaseFixed}`
                  : "spot, but the workload is not interruption-tolerant",
        tenancy: () => "spot capacity is not proposed on dedicated tenancy",
        uptime: () => `offered in 1 zone of ${region}; uptime ${req.uptimeTarget} % needs two or more`,
        rejected: () => "rejected in an earlier round",
    };
    return atomsOf(mask).flatMap((atom) => {
        const message = messages[atom];
        return message ? [{ atom, message: message() }] : [];
    });
}

/** Instances needed to keep `load` at or under `capacity` each (strictly under for burst baselines). */
function instancesFor(load: number, capacity: number, strict: boolean): number {
    if (load <= 0) {
        return 0;
    }
    if (capacity <= 0) {
        return Infinity;
    }
    const ratio = load / capacity;
    return strict ? Math.floor(ratio + 1e-12) + 1 : Math.ceil(ratio - 1e-9);
}

/**
 * Assesses one offering under one policy: the instance count, the violated constraints, the
 * storage layout and the monthly cost. With `explain`, each violation also gets its message.
 * `known` is the offering's static mask when the caller has it already.
 */
export function assess(ctx: ScanContext, offering: Offering, pol: Policy, options: AssessOptions = NO_OPTIONS, known?: number): Assessment {
    const { req } = ctx;
    const region = offering.region;
    let mask = known ?? staticMask(ctx, offering, pol.purchase, options.ignoreRejection === true);
    const misses: Miss[] | undefined = options.explain ? staticMisses(ctx, offering, pol.purchase, mask) : undefined;
    if ((pol.nonBurstable && offering.figures.burstable) || (pol.currentGeneration && !offering.figures.currentGeneration)) {
        mask |= POLICY_BIT;
    }

    // Instances each resource needs when it is split: the load over one instance's capacity.
    const d = req.demand;
    const h = pol.headroom;
    const f = pol.storageFactor;
    const o = offering;
    const cpuN = instancesFor(d.cpuPeak * h, o.figures.vcpus, false);
    const burstN = o.figures.burstable ? instancesFor(d.cpuSustained * h, o.figures.burstVcpus, true) : 0;
    const memN = instancesFor(d.memoryPeak * h, o.figures.memoryGiB, false);
    // Mirrored volumes (durable policies) write everything twice over the instance's EBS link.
    const io = f * (pol.durable ? 2 : 1);
    const iopsN = Math.max(instancesFor(d.iopsPeak * io, o.figures.ebsMaxIops, false), instancesFor(d.iopsSustained * io, o.figures.ebsBaselineIops, false));
    const tputN = Math.max(instancesFor(d.throughputPeak * io, o.figures.ebsMaxMBps, false), instancesFor(d.throughputSustained * io, o.figures.ebsBaselineMBps, false));
    const netN = Math.max(instancesFor(d.networkPeakMbps, o.figures.networkPeakGbps * 1000, false), instancesFor(d.networkSustainedMbps, o.figures.networkBaselineGbps * 1000, false));

    // Spare capacity only where the count may reach two: else resilience is the durable storage alone.
    const spare = pol.resilient && (req.count.fixed ?? req.count.max) >= 2 ? 1 : 0;
    const zones = Math.min(spreadZones(offering, pol.purchase), SPREAD_ZONES);
    // How many instances carry the load: all of them, or for a resilient fleet those left after losing a zone.
    const carrying = (n: number): number => (spare ? Math.max(1, zoneSurvivors(n, zones)) : n);
    let count: number;
    let divisor: number;
    if (req.sharing === "split") {
        const needed = Math.max(1, cpuN, burstN, memN, iopsN, tputN, netN);
        count = options.count ?? req.count.fixed ?? Math.min(req.count.max, Math.max(req.count.min, spare ? zoneTolerantCount(needed, zones) : needed));
        divisor = carrying(count);
    } else {
        count = options.count ?? req.count.fixed ?? Math.max(req.count.min, spare ? 2 : 1);
        divisor = 1;
    }
    if (spare && (count < 2 || spreadZones(offering, pol.purchase) < 2)) {
        mask |= POLICY_BIT;
    }
    const add = (atom: Atom, message: () => string): void => {
        mask |= BIT[atom];
        if (misses) {
            misses.push({ atom, message: message() });
        }
    };
    if (options.count !== undefined && (options.count < req.count.min || options.count > req.count.max)) {
        add("count", () => `${options.count} instances, outside ${req.count.min}-${req.count.max} (${req.count.source})`);
    }
    if (cpuN > divisor || burstN > divisor) {
        add("demand.cpu", () => demandMessage(ctx, offering, pol, "demand.cpu", divisor, count));
    }
    if (memN > divisor) {
        add("demand.memory", () => demandMessage(ctx, offering, pol, "demand.memory", divisor, count));
    }
    if (iopsN > divisor) {
        add("demand.iops", () => demandMessage(ctx, offering, pol, "demand.iops", divisor, count));
    }
    if (tputN > divisor) {
        add("demand.throughput", () => demandMessage(ctx, offering, pol, "demand.throughput", divisor, count));
    }
    if (netN > divisor) {
        add("demand.network", () => demandMessage(ctx, offering, pol, "demand.network", divisor, count));
    }

    // Storage for each instance's share, and the price of the whole configuration.
    const prices = ctx.catalog.regions.get(region)?.ebs;
    const priceAt = (n: number, layout: VolumeLayout | undefined): { hourly: number; monthly: number } => {
        const hourly = computeHourly(offering, pol.purchase, n);
        if (Number.isNaN(hourly) || !layout || !prices) {
            return { hourly, monthly: Infinity };
        }
        return { hourly, monthly: baseMonthly(hourly, layout, n, prices) + securityMonthly(ctx, n, provisionedGiB(layout, n), hourly * HOURS_PER_MONTH) };
    };
    let layout = options.layout ?? policyLayout(ctx, region, pol, divisor);
    let { hourly, monthly } = priceAt(count, layout);
    // More instances can be cheaper when each then needs less IOPS or throughput: every gp3 volume
    // includes 3,000 IOPS and 125 MB/s, and a smaller share may fit cheaper HDD volumes. More are
    // needed when one instance's share fits no layout. Counts are tried upward until compute and
    // root volumes alone cost more than the best so far (or than the caller's ceiling).
    const elastic = req.sharing === "split" && req.count.fixed === undefined && options.count === undefined && options.layout === undefined;
    if (elastic && prices && (!layout || d.iopsPeak > 0 || d.throughputPeak > 0)) {
        const unit = computeHourly(offering, pol.purchase, 1) * HOURS_PER_MONTH + rootMonthly(prices);
        const ceiling = options.ceiling ?? Infinity;
        for (let n = count + 1; n <= req.count.max && n * unit < Math.min(monthly, ceiling); n++) {
            const div = carrying(n);
            const candidate = policyLayout(ctx, region, pol, div);
            const priced = priceAt(n, candidate);
            if (priced.monthly < monthly - 1e-9) {
                ({ hourly, monthly } = priced);
                count = n;
                divisor = div;
                layout = candidate;
            }
        }
    }
    // Resilience without a spare instance is only the durable data volumes: none, nothing to offer.
    if (pol.resilient && spare === 0 && layout && layout.volumeCount === 0) {
        mask |= POLICY_BIT;
    }
    if (!layout) {
        const need = storageNeed(req, pol, divisor);
        add("demand.storage", () => `no ${ctx.volumeTypes.join("/")} layout of up to 8 volumes gives ${fmt(need.capacityGiB)} GiB, ${fmt(need.iops)} IOPS, ${fmt(need.throughputMBps)} MB/s per instance`);
    } else if (options.layout) {
        const short = layoutShortfall(layout, storageNeed(req, pol, divisor));
        if (short) {
            add("demand.storage", () => short);
        }
    }
    if (monthly < Infinity) {
        const total = monthly;
        if (req.maxMonthly && total > req.maxMonthly.value + 1e-9) {
            const limit = req.maxMonthly;
            add("maxMonthlyCost", () => `costs $${total.toFixed(2)}/month > ${limit.source.replace(/^constraints\./, "")} ${limit.value}`);
        }
        if (req.maxHourly && total / HOURS_PER_MONTH > req.maxHourly.value + 1e-9) {
            const limit = req.maxHourly;
            add("maxHourlyCost", () => `costs $${(total / HOURS_PER_MONTH).toFixed(4)}/hour > ${limit.source.replace(/^constraints\./, "")} ${limit.value}`);
        }
    }
    return { offering, policy: pol, mask, count, divisor, hourly, monthly, layout, misses };
}

/** What a given layout lacks for a need (writes count once per mirror), or undefined. */
export function layoutShortfall(layout: VolumeLayout, need: StorageNeed): string | undefined {
    const mirrors = layout.raid === "raid1" ? layout.volumeCount : layout.raid === "raid10" ? 2 : 1;
    const problems: string[] = [];
    if (layout.volumeCount === 0) {
        return needsDataVolumes(need) ? `no data volume, but ${fmt(need.capacityGiB)} GiB, ${fmt(need.iops)} IOPS and ${fmt(need.throughputMBps)} MB/s are needed` : undefined;
    }
    if (layout.usableGiB + 1e-9 < need.capacityGiB) {
        problems.push(`${fmt(layout.usableGiB)} GiB usable < ${fmt(need.capacityGiB)} GiB needed`);
    }
    if (layout.totalIops / mirrors + 1e-9 < need.iops) {
        problems.push(`${fmt(layout.totalIops / mirrors)} write IOPS < ${fmt(need.iops)} needed`);
    }
    if (layout.totalThroughputMBps / mirrors + 1e-9 < need.throughputMBps) {
        problems.push(`${fmt(layout.totalThroughputMBps / mirrors)} MB/s write throughput < ${fmt(need.throughputMBps)} needed`);
    }
    return problems.length > 0 ? problems.join("; ") : undefined;
}

function demandMessage(ctx: ScanContext, offering: Offering, pol: Policy, atom: Atom, divisor: number, count: number): string {
    const { req } = ctx;
    const s = offering.spec;
    const d = req.demand;
    const each = divisor > 1 ? ` per instance (${divisor} sharing the load)` : "";
    const h = pol.headroom !== 1 ? ` with ${pol.headroom}x headroom` : "";
    const capped = req.sharing === "split" && req.count.fixed === undefined && count >= req.count.max ? `; at most ${req.count.max} instances (${req.count.source})` : "";
    switch (atom) {
        case "demand.cpu": {
            if (s.burstable && (d.cpuSustained * pol.headroom) / divisor >= s.vcpus * (s.burstBaseline ?? 0)) {
                return `burst baseline ${fmt(s.vcpus * (s.burstBaseline ?? 0))} vCPU <= sustained CPU ${fmt((d.cpuSustained * pol.headroom) / divisor)} vCPU${each}${capped}`;
            }
            return `${s.vcpus} vCPUs < ${fmt((d.cpuPeak * pol.headroom) / divisor)} vCPU peak${each}${h}${capped}`;
        }
        case "demand.memory":
            return `${fmt(s.memoryGiB)} GiB < ${fmt((d.memoryPeak * pol.headroom) / divisor)} GiB required${each}${h}${capped}`;
        case "demand.iops":
            return `EBS ${s.ebs.maxIops} IOPS max / ${s.ebs.baselineIops} baseline < ${fmt((d.iopsPeak * pol.storageFactor) / divisor)} peak / ${fmt((d.iopsSustained * pol.storageFactor) / divisor)} sustained IOPS${each}${capped}`;
        case "demand.throughput":
            return `EBS ${s.ebs.maxMBps} MB/s max / ${s.ebs.baselineMBps} baseline < ${fmt((d.throughputPeak * pol.storageFactor) / divisor)} peak / ${fmt((d.throughputSustained * pol.storageFactor) / divisor)} sustained MB/s${each}${capped}`;
        case "demand.network":
            return `network ${s.network.peakGbps} Gbps peak / ${s.network.baselineGbps} baseline < ${fmt(d.networkPeakMbps / divisor / 1000, 3)} / ${fmt(d.networkSustainedMbps / divisor / 1000, 3)} Gbps${each}${capped}`;
        default:
            return atom;
    }
}

/** Best feasible assessments of one policy, cheapest first. */
export class Ranking {
    readonly items: Assessment[] = [];

    constructor(readonly size: number) {}

    /** The cost an assessment must beat to enter (Infinity until the ranking is full). */
    worst(): number {
        return this.items.length < this.size ? Infinity : this.items[this.items.length - 1].monthly;
    }

    offer(a: Assessment): void {
        const items = this.items;
        if (items.length === this.size && !before(a, items[items.length - 1])) {
            return;
        }
        let i = items.length;
        while (i > 0 && before(a, items[i - 1])) {
            i--;
        }
        items.splice(i, 0, a);
        if (items.length > this.size) {
            items.pop();
        }
    }
}

/** Deterministic order: cost, then fewer instances, then type and region names. */
export function before(a: Assessment, b: Assessment): boolean {
    const d = a.monthly - b.monthly;
    if (Math.abs(d) > 1e-9) {
        return d < 0;
    }
    if (a.count !== b.count) {
        return a.count < b.count;
    }
    if (a.offering.spec.name !== b.offering.spec.name) {
        return a.offering.spec.name < b.offering.spec.name;
    }
    return a.offering.region < b.offering.region;
}

export interface ScanResult {
    /** Best feasible assessments per policy label, cheapest first. */
    readonly ranked: ReadonlyMap<ProposalLabel, Assessment[]>;
    /** Per atom: the cheapest candidate of the first policy that misses only that atom (it binds anything dearer). */
    readonly singleMiss: ReadonlyMap<Atom, number>;
    readonly assessed: number;
}

/** The fewest instances a policy can give an offering: its compute cost is at least this many times its price. */
function countBound(req: Requirements, offering: Offering, pol: Policy): number {
    if (req.count.fixed !== undefined) {
        return req.count.fixed;
    }
    const spare = pol.resilient && req.count.max >= 2 ? 1 : 0;
    if (req.sharing === "replicate") {
        return Math.max(req.count.min, spare ? 2 : 1);
    }
    const d = req.demand;
    const load = Math.max(1, (d.cpuPeak * pol.headroom) / offering.figures.vcpus, (d.memoryPeak * pol.headroom) / offering.figures.memoryGiB);
    return Math.min(req.count.max, Math.max(req.count.min, load + spare));
}

/**
 * Assesses every offering in the regions under each policy. Per purchase option, the first policy
 * is the least demanding (cost-optimized): its near misses feed the binding analysis, and an
 * offering it rejects is not assessed under the others. `prune` restricts the scan to
 * non-dominated offerings (valid when no allow/deny/rejection list can single a type out), and an
 * offering whose compute alone costs more than the last of every ranking is skipped (bound).
 * Rankings of policies sharing a label are merged.
 */
export function scan(ctx: ScanContext, regions: readonly string[], policies: readonly Policy[], prune: boolean, keep = 12): ScanResult {
    const rankings = policies.map(() => new Ranking(keep));
    const singleMiss = new Map<Atom, number>();
    let assessed = 0;
    const purchases = [...new Set(policies.map((p) => p.purchase))];
    for (const purchase of purchases) {
        const mine = policies.filter((p) => p.purchase === purchase);
        const mineRankings = mine.map((p) => rankings[policies.indexOf(p)]);
        const base = mine[0];
        for (const name of regions) {
            const region = ctx.catalog.regions.get(name);
            if (!region) {
                continue;
            }
            const list = !prune ? region.offerings : purchase === "spot" ? region.spotFrontier : region.frontier;
            for (const offering of list) {
                const known = staticMask(ctx, offering, purchase);
                // Two misses already: neither feasible nor a near miss that binds anything.
                if ((known & (known - 1)) !== 0) {
                    continue;
                }
                // Bound: compute alone already dearer than the last of every ranking.
                const unit = (purchase === "on-demand" ? (offering.onDemand ?? NaN) : offering.spotFrom) * HOURS_PER_MONTH;
                if (Number.isNaN(unit)) {
                    continue;
                }
                let promising = false;
                for (let i = 0; !promising && i < mine.length; i++) {
                    promising = unit * countBound(ctx.req, offering, mine[i]) < mineRankings[i].worst();
                }
                if (!promising) {
                    continue;
                }
                for (let i = 0; i < mine.length; i++) {
                    const pol = mine[i];
                    const worst = mineRankings[i].worst();
                    const a = assess(ctx, offering, pol, worst < Infinity ? { ceiling: worst } : NO_OPTIONS, known);
                    assessed++;
                    if (a.mask === 0 && a.monthly < Infinity) {
                        mineRankings[i].offer(a);
                    } else if (pol === base) {
                        if (a.monthly < Infinity && (a.mask & (a.mask - 1)) === 0) {
                            const atom = ATOMS[31 - Math.clz32(a.mask)];
                            if ((singleMiss.get(atom) ?? Infinity) > a.monthly) {
                                singleMiss.set(atom, a.monthly);
                            }
                        }
                        // Every other policy of this purchase option asks at least as much: none can pass.
                        break;
                    }
                }
            }
        }
    }
    const ranked = new Map<ProposalLabel, Assessment[]>();
    policies.forEach((p, i) => {
        const merged = [...(ranked.get(p.label) ?? []), ...rankings[i].items];
        merged.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
        ranked.set(p.label, merged);
    });
    return { ranked, singleMiss, assessed };
}
