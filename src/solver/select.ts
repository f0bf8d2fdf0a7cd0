import { securityCosts } from "../compliance";
import { proposalId } from "../fingerprint";
import { Atom, ATOMS } from "./atoms";
import { monthlyCost, placement, rootMonthly } from "./cost";
import { diversifiedFleet, FleetPick } from "./fleet";
import { HOURS_PER_MONTH, Proposal, ProposalLabel, StorageLayout } from "./proposal";
import { Requirements } from "./requirements";
import { Assessment, layoutFor, Policy, ScanContext, ScanResult } from "./scan";
import { storageLayout, VolumeLayout } from "./storage";

/**
 * From ranked candidates to 3-5 genuinely different proposals: the cheapest configuration, then
 * the best of each other policy whose configuration differs from every one already chosen
 * (another family when there is one), then a diversified spot fleet when interruption is
 * tolerated. Each gets its cost breakdown, the constraints that bind it, a reason and an id.
 */

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));
const pct = (x: number): string => `${Math.round(x * 100)} %`;

/** One configuration to turn into a proposal. */
export interface Pick {
    readonly label: ProposalLabel;
    readonly members: readonly FleetPick[];
    readonly region: string;
    readonly layout: VolumeLayout;
    readonly policy: Policy;
    /** Instances the load is divided by (see Assessment.divisor). */
    readonly divisor: number;
}

export function pickOf(a: Assessment, label: ProposalLabel): Pick {
    const place = placement(a.offering, a.policy.purchase, a.count);
    if (!place) {
        throw new Error(`pickOf: ${a.offering.spec.name} has no ${a.policy.purchase} price in ${a.offering.region}`);
    }
    return {
        label,
        members: [{ offering: a.offering, count: a.count, zones: place.zones, hourly: place.hourly }],
        region: a.offering.region,
        layout: a.layout as VolumeLayout,
        policy: a.policy,
        divisor: a.divisor,
    };
}

const configKey = (p: Pick): string => `${p.region}|${p.policy.purchase}|${p.members.map((m) => `${m.offering.spec.name}x${m.count}`).join("+")}|${p.layout.volumeType}${p.layout.volumeCount}${p.layout.raid}`;

/** How a binding atom reads in a proposal: the constraint and its value. */
export function bindingLabel(req: Requirements, atom: Atom): string {
    const d = req.demand;
    switch (atom) {
        case "regions":
            return `regions ${req.requestedRegions.join(", ")}`;
        case "residency":
            return `allowed regions: ${req.security.regionReasons.join("; ") || req.security.allowedRegions.join(", ")}`;
        case "architecture":
            return `architecture ${req.architecture}`;
        case "minVcpus":
            return `minVcpus ${req.minVcpus}`;
        case "minMemoryGiB":
            return `minMemoryGiB ${req.minMemoryGiB}`;
        case "gpus":
            return req.gpus > 0 ? `gpus ${req.gpus}` : "no GPU types unless asked for";
        case "accelerators":
            return "no accelerator types unless named in allowTypes";
        case "burstable":
            return "burstable deny";
        case "currentGeneration":
            return "current generation only";
        case "minEbsBandwidthMbps":
            return `minEbsBandwidthMbps ${req.minEbsBandwidthMbps}`;
        case "minNetworkGbps":
            return `minNetworkGbps ${req.minNetworkGbps}`;
        case "allowTypes":
            return `allowTypes ${req.allow?.map((p) => p.text).join(", ")}`;
        case "denyTypes":
            return `denyTypes ${req.deny.map((p) => p.text).join(", ")}`;
        case "purchase":
            return req.purchaseFixed ? `purchase ${req.purchaseFixed}` : "on-demand (not interruption-tolerant)";
        case "tenancy":
            return "dedicated tenancy";
        case "uptime":
            return `uptime ${req.uptimeTarget} % (two zones or more)`;
        case "count":
            return `count ${req.count.fixed ?? `${req.count.min}-${req.count.max}`}`;
        case "maxHourlyCost":
            return `${req.maxHourly?.source.replace(/^constraints\./, "")} ${req.maxHourly?.value}`;
        case "maxMonthlyCost":
            return `${req.maxMonthly?.source.replace(/^constraints\./, "")} ${req.maxMonthly?.value}`;
        case "rejected":
            return "configurations rejected earlier";
        case "demand.cpu":
            return `peak CPU ${round(d.cpuPeak)} vCPU (sustained ${round(d.cpuSustained)})`;
        case "demand.memory":
            return `peak memory ${round(d.memoryPeak)} GiB`;
        case "demand.iops":
            return `peak ${round(d.iopsPeak)} IOPS`;
        case "demand.throughput":
            return `peak ${round(d.throughputPeak)} MB/s`;
        case "demand.network":
            return `peak network ${round(d.networkPeakMbps)} Mbps`;
        case "demand.storage":
            return `${round(d.storageGiB)} GiB of data`;
    }
}

function reasonFor(req: Requirements, pick: Pick, cost: number, cheapest: number, onDemandEquivalent?: number): string {
    const m = pick.members[0];
    const s = m.offering.spec;
    const n = pick.members.reduce((k, x) => k + x.count, 0);
    const d = req.demand;
    const more = cheapest > 0 && cost > cheapest ? ` (+${pct(cost / cheapest - 1)} over the cheapest)` : "";
    const storage =
        pick.layout.volumeCount === 0
            ? "root volume only"
            : `${pick.layout.volumeCount} x ${pick.layout.volumeType}${pick.layout.raid === "none" ? "" : ` ${pick.layout.raid}`}`;
    switch (pick.label) {
        case "cost-optimized": {
            const burst = s.burstable ? `; sustained CPU stays under its ${pct(s.burstBaseline ?? 0)} burst baseline` : "";
            return `Cheapest configuration meeting every hard constraint: ${n} x ${s.name} for ${round(d.cpuPeak)} vCPU / ${round(d.memoryPeak)} GiB at peak${burst}, ${storage}.`;
        }
        case "balanced":
            return `At least 25 % headroom over peak CPU and memory on a current-generation type, ${storage}${more}.`;
        case "performance":
            return `Twice the peak CPU and memory and 1.5x the storage IOPS and throughput, non-burstable current generation${more}.`;
        case "resilient": {
            const durable = pick.layout.volumeCount === 0 ? "" : `; ${storage} for durability`;
            const zones = new Set(pick.members.flatMap((x) => x.zones)).size;
            return pick.divisor < n
                ? `${n} instances over ${zones} zones: losing any one zone still leaves enough to carry the peak${durable}${more}.`
                : `Durable storage (${storage}) on the instance count the constraints allow${more}.`;
        }
        case "spot": {
            const saving = onDemandEquivalent && onDemandEquivalent > cost ? `, ${pct(1 - cost / onDemandEquivalent)} below on-demand` : "";
            const mix =
                pick.members.length > 1
                    ? `over ${pick.members.length} instance types and ${new Set(pick.members.flatMap((x) => x.zones)).size} zones, capacity-weighted, any one type reclaimed leaves half the peak`
                    : `in the cheapest zones`;
            return `Spot capacity ${mix}${saving}; interruptions possible, prices are a snapshot.`;
        }
        default:
            return "Modified by the user.";
    }
}

/** What the same instances and volumes would cost on demand (for a spot proposal's saving). */
function onDemandEquivalent(pick: Pick, nonCompute: number): number | undefined {
    if (pick.policy.purchase !== "spot" || pick.members.some((m) => m.offering.onDemand === null)) {
        return undefined;
    }
    return pick.members.reduce((s, m) => s + (m.offering.onDemand as number) * m.count * HOURS_PER_MONTH, 0) + nonCompute;
}

/** Builds a proposal from a pick. `cheapest` is the cost-optimized total, for the reason line. */
export function buildProposal(ctx: ScanContext, pick: Pick, singleMiss: ReadonlyMap<Atom, number>, cheapest: number): Proposal {
    const { req, catalog } = ctx;
    const settings = req.security.settings;
    const main = pick.members[0];
    const spec = main.offering.spec;
    const count = pick.members.reduce((n, m) => n + m.count, 0);
    const cost = monthlyCost(catalog, { members: pick.members, purchase: pick.policy.purchase, region: pick.region, layout: pick.layout, settings });
    // The array's IOPS and throughput as the smallest member's EBS link carries them.
    const ebs = pick.members.reduce((lim, m) => ({ maxIops: Math.min(lim.maxIops, m.offering.spec.ebs.maxIops), maxMBps: Math.min(lim.maxMBps, m.offering.spec.ebs.maxMBps) }), { maxIops: Infinity, maxMBps: Infinity });
    const storage: StorageLayout = storageLayout(pick.layout, ebs);
    const totalVcpus = pick.members.reduce((v, m) => v + m.count * m.offering.spec.vcpus, 0);
    const totalMemory = pick.members.reduce((v, m) => v + m.count * m.offering.spec.memoryGiB, 0);
    const fleetCap = (total: number, one: number) => (req.sharing === "split" ? total : one);
    const d = req.demand;
    const headroom = {
        cpu: d.cpuPeak > 0 ? round(fleetCap(totalVcpus, spec.vcpus) / d.cpuPeak) : 0,
        memory: d.memoryPeak > 0 ? round(fleetCap(totalMemory, spec.memoryGiB) / d.memoryPeak) : 0,
    };
    const fleet =
        pick.members.length > 1
            ? pick.members.map((m) => ({ instanceType: m.offering.spec.name, count: m.count, vcpus: m.offering.spec.vcpus, memoryGiB: m.offering.spec.memoryGiB, zones: [...m.zones], hourly: round(m.hourly, 6) }))
            : undefined;
    const configuration = {
        instanceType: spec.name,
        count,
        region: pick.region,
        zones: pick.members.flatMap((m) => m.zones),
        vcpus: spec.vcpus,
        memoryGiB: spec.memoryGiB,
        architecture: spec.architecture,
        burstable: spec.burstable,
        gpus: spec.gpus,
        purchase: pick.policy.purchase,
        storage,
        security: { settings, evidence: [...req.security.evidence] },
        monthlyCost: cost,
        hourlyCost: round(cost.total / HOURS_PER_MONTH, 4),
        headroom,
        ...(fleet ? { fleet } : {}),
    };
    const binding: string[] = ATOMS.filter((atom) => (singleMiss.get(atom) ?? Infinity) < cost.total - 0.005).map((atom) => bindingLabel(req, atom));
    if (pick.policy.headroom > 1) {
        binding.push(`headroom ${pick.policy.headroom}x peak (${pick.label})`);
    }
    return {
        id: proposalId(configuration),
        label: pick.label,
        recommended: false,
        ...configuration,
        binding,
        reason: reasonFor(req, pick, cost.total, cheapest, onDemandEquivalent(pick, cost.total - cost.compute)),
    };
}

/** The monthly cost each extra instance adds besides compute and data volumes (root volume, per-instance extras). */
function perInstanceOverhead(ctx: ScanContext, region: string): number {
    const prices = ctx.catalog.regions.get(region)?.ebs;
    const sum = (n: number) => securityCosts(ctx.req.security.settings, n, 0, 0).reduce((s, i) => s + i.monthly, 0);
    return (prices ? rootMonthly(prices) : 0) + (sum(2) - sum(1));
}

/** The diversified spot fleet of the region of the cheapest spot configuration, as a pick. */
function fleetPick(ctx: ScanContext, bestSpot: Assessment, prune: boolean): Pick | undefined {
    const { req } = ctx;
    const region = bestSpot.offering.region;
    const catalogRegion = ctx.catalog.regions.get(region);
    if (!catalogRegion) {
        return undefined;
    }
    const members = diversifiedFleet(ctx, prune ? catalogRegion.spotFrontier : catalogRegion.offerings, perInstanceOverhead(ctx, region));
    if (!members || (req.multiAz && new Set(members.flatMap((m) => m.zones)).size < 2)) {
        return undefined;
    }
    const vcpus = members.reduce((v, m) => v + m.count * m.offering.spec.vcpus, 0);
    const share = Math.max(...members.map((m) => m.offering.spec.vcpus / vcpus));
    const d = req.demand;
    const layout = layoutFor(ctx, region, { capacityGiB: req.dataSharded ? d.storageGiB * share : d.storageGiB, iops: d.iopsPeak * share, throughputMBps: d.throughputPeak * share }, false);
    if (!layout) {
        return undefined;
    }
    return { label: "spot", members, region, layout, policy: bestSpot.policy, divisor: Math.round(1 / share) };
}

const LABEL_ORDER: readonly ProposalLabel[] = ["cost-optimized", "balanced", "performance", "resilient", "spot"];

/**
 * Chooses and builds the proposals. Returns them in label order with exactly one recommended:
 * resilient when the uptime target is 99.9 % or more, else balanced, else the cheapest.
 */
export function selectProposals(ctx: ScanContext, result: ScanResult, prune: boolean): Proposal[] {
    const { req } = ctx;
    const picks: Pick[] = [];
    const seen = new Set<string>();
    const families = new Set<string>();
    const take = (pick: Pick): void => {
        picks.push(pick);
        seen.add(configKey(pick));
        pick.members.forEach((m) => families.add(m.offering.spec.family));
    };
    const cheapestList = result.ranked.get("cost-optimized") ?? [];
    if (cheapestList.length > 0) {
        take(pickOf(cheapestList[0], "cost-optimized"));
    }
    for (const label of ["balanced", "performance", "resilient"] as const) {
        const ranked = (result.ranked.get(label) ?? []).map((a) => pickOf(a, label)).filter((p) => !seen.has(configKey(p)));
        // Another family when there is one, so the proposals differ in more than size.
        const chosen = ranked.find((p) => !p.members.some((m) => families.has(m.offering.spec.family))) ?? ranked[0];
        if (chosen) {
            take(chosen);
        }
    }
    // Spot, when interruption is tolerated: a fleet diversified over types, else the cheapest spot configuration.
    const bestSpot = cheapestList.find((a) => a.policy.purchase === "spot");
    if (bestSpot && req.spotProposed) {
        const fleet = fleetPick(ctx, bestSpot, prune);
        const fleetCost = fleet ? monthlyCost(ctx.catalog, { members: fleet.members, purchase: "spot", region: fleet.region, layout: fleet.layout, settings: req.security.settings }).total : Infinity;
        const withinLimits = fleet !== undefined && (!req.maxMonthly || fleetCost <= req.maxMonthly.value) && (!req.maxHourly || fleetCost / HOURS_PER_MONTH <= req.maxHourly.value);
        const spot = fleet && withinLimits ? fleet : pickOf(bestSpot, "spot");
        if (!seen.has(configKey(spot))) {
            take(spot);
        }
    }
    if (picks.length === 0) {
        return [];
    }
    const first = picks[0];
    const cheapest = monthlyCost(ctx.catalog, { members: first.members, purchase: first.policy.purchase, region: first.region, layout: first.layout, settings: req.security.settings }).total;
    const proposals = picks.map((pick) => buildProposal(ctx, pick, result.singleMiss, cheapest));
    const unique = proposals.filter((p, i) => proposals.findIndex((q) => q.id === p.id) === i);
    unique.sort((a, b) => LABEL_ORDER.indexOf(a.label) - LABEL_ORDER.indexOf(b.label));
    const recommendedLabel: ProposalLabel =
        (req.uptimeTarget ?? 0) >= 99.9 && unique.some((p) => p.label === "resilient") ? "resilient" : unique.some((p) => p.label === "balanced") ? "balanced" : unique[0].label;
    const index = unique.findIndex((p) => p.label === recommendedLabel);
    return unique.map((p, i) => ({ ...p, recommended: i === index }));
}

