import { EbsPrices, ebsPricesFor } from "./ebs";
import { specFromDescription } from "./describe";
import { CATALOG_FORMAT, CatalogMeta, CatalogSnapshot, InstanceTypeSpec, RegionSnapshot } from "./snapshot";

/**
 * Builds a catalog snapshot from its sources. Pure: the build script feeds it the shared data
 * files, the refresh path feeds it what the AWS APIs return, and both get the same format.
 */

/** One priced offering in one zone (a row of vms.csv, or a refresh result). USD per hour. */
export interface PriceRow {
    readonly instanceType: string;
    readonly region: string;
    /** Availability zone id, e.g. `use1-az2`. */
    readonly zone: string;
    readonly onDemand: number | null;
    readonly spot: number | null;
}

export interface CatalogSources {
    /** DescribeInstanceTypes results (one per type, API shape). */
    readonly descriptions: readonly unknown[];
    /** Types each region offers (DescribeInstanceTypeOfferings); a priced type missing here is left out. */
    readonly offeredTypes: Readonly<Record<string, readonly string[]>>;
    readonly prices: readonly PriceRow[];
    /** EBS prices per region; regions without an entry get the embedded table (`ebsPricesFor`). */
    readonly ebs?: Readonly<Record<string, EbsPrices>>;
    readonly meta: Omit<CatalogMeta, "excluded">;
}

/**
 * Parses the vms.csv format (header row, quoted fields may contain commas and doubled quotes)
 * into price rows. Empty prices become null.
 */
export function parseVmsCsv(text: string): PriceRow[] {
    const lines = text.split("\n").filter((line) => line.length > 0);
    const header = splitCsvLine(lines[0]);
    const col = (name: string): number => {
        const i = header.indexOf(name);
        if (i < 0) {
            throw new Error(`vms.csv: no column ${name}`);
        }
        return i;
    };
    const [type, price, spot, region, zone] = ["InstanceType", "Price", "SpotPrice", "Region", "AvailabilityZone"].map(col);
    const price_ = (raw: string): number | null => (raw === "" ? null : Number(raw));
    return lines.slice(1).map((line) => {
        const f = splitCsvLine(line);
        return { instanceType: f[type], region: f[region], zone: f[zone], onDemand: price_(f[price]), spot: price_(f[spot]) };
    });
}

function splitCsvLine(line: string): string[] {
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quoted) {
            if (c === '"' && line[i + 1] === '"') {
                field += '"';
                i++;
            } else if (c === '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c === '"') {
            quoted = true;
        } else if (c === ",") {
            fields.push(field);
            field = "";
        } else if (c !== "\r") {
            field += c;
        }
    }
    fields.push(field);
    return fields;
}

interface Draft {
    readonly spec: InstanceTypeSpec;
    onDemand: number | null;
    /** zone id -> spot price (null: offered there, no spot price). */
    readonly zones: Map<string, number | null>;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Zone count that matters for spreading: instances go to at most three zones. */
const SPREAD_ZONES = 3;

/** What a type can do, higher is better, in the order `dominates` compares. */
function capability(spec: InstanceTypeSpec, zones: number): number[] {
    return [
        spec.vcpus,
        spec.memoryGiB,
        // CPU the type sustains: all vCPUs, or the burst baseline.
        spec.burstable ? spec.vcpus * (spec.burstBaseline ?? 0) : spec.vcpus,
        spec.gpus,
        spec.gpuMemoryGiB,
        spec.ebs.baselineMbps,
        spec.ebs.maxMbps,
        spec.ebs.baselineIops,
        spec.ebs.maxIops,
        spec.ebs.baselineMBps,
        spec.ebs.maxMBps,
        spec.network.baselineGbps,
        spec.network.peakGbps,
        spec.network.encryptionInTransit ? 1 : 0,
        spec.currentGeneration ? 1 : 0,
        Math.min(zones, SPREAD_ZONES),
    ];
}

/** Types a filter could tell apart without a capability being lower: they never dominate each other. */
function sameKind(a: InstanceTypeSpec, b: InstanceTypeSpec): boolean {
    return (
        a.architecture === b.architecture &&
        (a.accelerator?.kind ?? null) === (b.accelerator?.kind ?? null) &&
        a.gpus > 0 === b.gpus > 0 &&
        // A burstable type is excluded by `burstable: deny`, so it can only stand in for another burstable one.
        (!a.burstable || b.burstable)
    );
}

interface Candidate {
    readonly index: number;
    readonly spec: InstanceTypeSpec;
    readonly caps: number[];
    /** Prices to compare, cheapest first: one on-demand price, or the spot prices of up to three zones. */
    readonly prices: number[];
}

function dominates(a: Candidate, b: Candidate): boolean {
    if (a.prices.length !== b.prices.length || !sameKind(a.spec, b.spec)) {
        return false;
    }
    let strictly = false;
    for (let i = 0; i < a.prices.length; i++) {
        if (a.prices[i] > b.prices[i]) {
            return false;
        }
        strictly ||= a.prices[i] < b.prices[i];
    }
    for (let i = 0; i < a.caps.length; i++) {
        if (a.caps[i] < b.caps[i]) {
            return false;
        }
        strictly ||= a.caps[i] > b.caps[i];
    }
    // Identical twins: the first name stands for both.
    return strictly || a.spec.name < b.spec.name;
}

/**
 * Indices of the candidates no other candidate dominates (cheaper or equal on every price and at
 * least as capable in every respect the solver checks). Only dominated types are pruned, so a
 * solve over the frontier finds the same cheapest configuration as a solve over everything.
 */
function frontier(candidates: Candidate[]): number[] {
    const sorted = [...candidates].sort((a, b) => a.prices[0] - b.prices[0] || (a.spec.name < b.spec.name ? -1 : 1));
    const kept: number[] = [];
    for (const b of sorted) {
        let dominated = false;
        for (const a of sorted) {
            if (a.prices[0] > b.prices[0]) {
                break;
            }
            if (a !== b && dominates(a, b)) {
                dominated = true;
                break;
            }
        }
        if (!dominated) {
            kept.push(b.index);
        }
    }
    return kept.sort((x, y) => x - y);
}

/** Builds the snapshot. Deterministic: the same sources give the same file. */
export function buildSnapshot(sources: CatalogSources): CatalogSnapshot {
    const excluded = new Map<string, string>();
    const specs = new Map<string, InstanceTypeSpec>();
    for (const raw of sources.descriptions) {
        const result = specFromDescription(raw);
        const name = typeof raw === "object" && raw !== null && "InstanceType" in raw ? String((raw as { InstanceType: unknown }).InstanceType) : "?";
        if (result.ok) {
            specs.set(result.spec.name, result.spec);
        } else {
            excluded.set(name, result.reason);
        }
    }

    const offeredSets = new Map(Object.entries(sources.offeredTypes).map(([region, types]) => [region, new Set(types)]));
    const byRegion = new Map<string, Map<string, Draft>>();
    const notOffered = new Map<string, number>();
    for (const row of sources.prices) {
        const spec = specs.get(row.instanceType);
        if (!spec) {
            if (!excluded.has(row.instanceType)) {
                excluded.set(row.instanceType, "priced, but no DescribeInstanceTypes description (no EBS or network limits to check)");
            }
            continue;
        }
        const offered = offeredSets.get(row.region);
        if (offered && !offered.has(row.instanceType)) {
            notOffered.set(row.region, (notOffered.get(row.region) ?? 0) + 1);
            continue;
        }
        let region = byRegion.get(row.region);
        if (!region) {
            region = new Map();
            byRegion.set(row.region, region);
        }
        let draft = region.get(row.instanceType);
        if (!draft) {
            draft = { spec, onDemand: null, zones: new Map() };
            region.set(row.instanceType, draft);
        }
        draft.onDemand ??= row.onDemand;
        const before = draft.zones.get(row.zone);
        // Duplicate rows for one zone (p4de in vms.csv): keep the lowest spot price given.
        const spot = before === undefined || before === null ? row.spot : row.spot === null ? before : Math.min(before, row.spot);
        draft.zones.set(row.zone, spot);
    }

    const usEast = byRegion.get("us-east-1");
    const usedTypes = new Set<string>();
    const regionDrafts = [...byRegion.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [, drafts] of regionDrafts) {
        for (const [name, draft] of drafts) {
            if (draft.onDemand !== null || [...draft.zones.values()].some((p) => p !== null)) {
                usedTypes.add(name);
            }
        }
    }
    const types = [...usedTypes].sort().map((name) => specs.get(name) as InstanceTypeSpec);
    const typeIndex = new Map(types.map((t, i) => [t.name, i]));

    const regions: Record<string, RegionSnapshot> = {};
    for (const [name, drafts] of regionDrafts) {
        const offerings = [...drafts.values()]
            .filter((d) => usedTypes.has(d.spec.name) && (d.onDemand !== null || [...d.zones.values()].some((p) => p !== null)))
            .sort((a, b) => (a.onDemand ?? Infinity) - (b.onDemand ?? Infinity) || (a.spec.name < b.spec.name ? -1 : 1));
        const zones = [...new Set(offerings.flatMap((d) => [...d.zones.keys()]))].sort();
        const zoneOf = new Map(zones.map((z, i) => [z, i]));
        const ratios = usEast
            ? offerings.flatMap((d) => {
                  const base = usEast.get(d.spec.name)?.onDemand;
                  return base && d.onDemand ? [d.onDemand / base] : [];
              })
            : [];
        const computeRatio = ratios.length > 0 ? Number(median(ratios).toFixed(4)) : 1;
        const zoneIndex = offerings.map((d) => [...d.zones.keys()].map((z) => zoneOf.get(z) as number).sort((a, b) => a - b));
        const spot = offerings.map((d, i) => zoneIndex[i].map((z) => d.zones.get(zones[z]) ?? null));
        const onDemandCandidates: Candidate[] = [];
        const spotCandidates: Candidate[] = [];
        offerings.forEach((d, i) => {
            const caps = capability(d.spec, zoneIndex[i].length);
            if (d.onDemand !== null) {
                onDemandCandidates.push({ index: i, spec: d.spec, caps, prices: [d.onDemand] });
            }
            const spotPrices = spot[i].filter((p): p is number => p !== null).sort((a, b) => a - b);
            if (d.spec.spot && spotPrices.length > 0) {
                spotCandidates.push({ index: i, spec: d.spec, caps: capability(d.spec, spotPrices.length), prices: spotPrices.slice(0, SPREAD_ZONES) });
            }
        });
        regions[name] = {
            zones,
            type: offerings.map((d) => typeIndex.get(d.spec.name) as number),
            onDemand: offerings.map((d) => d.onDemand),
            zoneIndex,
            spot,
            frontier: frontier(onDemandCandidates),
            spotFrontier: frontier(spotCandidates),
            ebs: sources.ebs?.[name] ?? ebsPricesFor(name, computeRatio),
            computeRatio,
        };
    }

    const unpricedRegions: Record<string, number> = {};
    for (const [region, offered] of Object.entries(sources.offeredTypes).sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (!regions[region]) {
            unpricedRegions[region] = offered.length;
        }
    }
    const notes = [...sources.meta.notes];
    for (const [region, count] of [...notOffered.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        notes.push(`${region}: ${count} priced zone rows left out because the region's offerings do not list the type`);
    }
    return {
        format: CATALOG_FORMAT,
        meta: {
            ...sources.meta,
            notes,
            excluded: [...excluded.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([instanceType, reason]) => ({ instanceType, reason })),
        },
        types,
        regions,
        unpricedRegions,
    };
}
