import solver, { Model, SolveResult } from "javascript-lp-solver";
import { EbsPrices, io2IopsMonthly, VOLUME_LIMITS } from "../catalog/ebs";
import { RaidLevel, StorageLayout, VOLUME_TYPES, VolumeType } from "./proposal";

/**
 * The data-volume layout of one instance: which EBS volume type, how many volumes, their size,
 * IOPS and throughput, and the RAID level combining them, at the lowest monthly cost that meets
 * the instance's share of capacity, IOPS and throughput.
 *
 * Layouts are symmetric (every volume alike, which is how mdadm stripes and mirrors them), so for
 * a given type, RAID level and volume count the cheapest volume follows from the limits directly:
 * the smallest size, IOPS and throughput that meet the need and the type's ratios (layouts within
 * LAYOUT_TIE of the cheapest count as ties, and fewer volumes win them). Two solvers
 * implement the search behind one interface: an exact enumeration of (type, RAID level, count)
 * and a javascript-lp-solver model of the same choice. `npm run bench` times both; the
 * enumeration is the default because it is much faster and exact (test/solver checks they agree).
 */

/** What one instance's data volumes must provide. */
export interface StorageNeed {
    readonly capacityGiB: number;
    /** Peak IOPS. */
    readonly iops: number;
    /** Peak throughput, MB/s. */
    readonly throughputMBps: number;
}

export interface LayoutOptions {
    /** Volume types to consider (HDD types only for sequential-I/O roles). */
    readonly volumeTypes: readonly VolumeType[];
    /** Mirrored layouts (RAID 1/10, or one io2 volume for its 99.999 % durability) instead of plain or striped ones. */
    readonly durable: boolean;
}

/** A layout without the root volume and without the instance's EBS bounds, with its monthly cost per instance. */
export interface VolumeLayout {
    readonly volumeType: VolumeType;
    readonly volumeCount: number;
    readonly sizeGiB: number;
    readonly iops: number;
    readonly throughputMBps: number;
    readonly raid: RaidLevel;
    readonly usableGiB: number;
    /** Read IOPS of the array (writes: half that for RAID 1/10). */
    readonly totalIops: number;
    readonly totalThroughputMBps: number;
    readonly monthly: { readonly storage: number; readonly iops: number; readonly throughput: number };
}

export interface LayoutSolver {
    readonly name: string;
    /** The cheapest layout meeting the need, or undefined when no layout can (too large, too fast). */
    cheapest(need: StorageNeed, prices: EbsPrices, options: LayoutOptions): VolumeLayout | undefined;
}

/** Data volumes per instance at most: mdadm arrays beyond eight EBS volumes gain little and every type attaches more. */
export const MAX_DATA_VOLUMES = 8;

/** Root volume of every instance: gp3, room for the OS, packages and logs. */
export const ROOT_GIB = 20;

/** True when the root volume's gp3 baseline (3,000 IOPS, 125 MB/s) is all the workload needs. */
export function needsDataVolumes(need: StorageNeed): boolean {
    return need.capacityGiB > 0 || need.iops > VOLUME_LIMITS.gp3.baselineIops || need.throughputMBps > VOLUME_LIMITS.gp3.baselineThroughputMBps;
}

/** The layout that adds nothing to the root volume. */
export const NO_DATA_VOLUMES: VolumeLayout = {
    volumeType: "gp3",
    volumeCount: 0,
    sizeGiB: 0,
    iops: 0,
    throughputMBps: 0,
    raid: "none",
    usableGiB: 0,
    totalIops: 0,
    totalThroughputMBps: 0,
    monthly: { storage: 0, iops: 0, throughput: 0 },
};

interface Arrangement {
    readonly raid: RaidLevel;
    readonly count: number;
    /** Share of the capacity need each volume holds. */
    readonly capacityShare: number;
    /** Share of the IOPS and throughput need each volume serves (writes go to every mirror). */
    readonly loadShare: number;
}

/** RAID levels and volume counts to try, plain/striped or mirrored. */
export function arrangements(durable: boolean): Arrangement[] {
    const out: Arrangement[] = [];
    if (durable) {
        out.push({ raid: "raid1", count: 2, capacityShare: 1, loadShare: 1 });
        for (let n = 4; n <= MAX_DATA_VOLUMES; n += 2) {
            out.push({ raid: "raid10", count: n, capacityShare: 2 / n, loadShare: 2 / n });
        }
        return out;
    }
    out.push({ raid: "none", count: 1, capacityShare: 1, loadShare: 1 });
    for (let n = 2; n <= MAX_DATA_VOLUMES; n++) {
        out.push({ raid: "raid0", count: n, capacityShare: 1 / n, loadShare: 1 / n });
    }
    return out;
}

/** One volume's size, IOPS and throughput for its share of the need. */
interface Volume {
    readonly sizeGiB: number;
    readonly iops: number;
    readonly throughputMBps: number;
}

/** Rounds up, ignoring float noise just above an integer (7.0000000001 -> 7). */
const ceil = (x: number): number => Math.ceil(x - 1e-9);

/** The cheapest volume of a type meeting a per-volume need, or undefined when the type cannot. */
export function smallestVolume(type: VolumeType, capacityGiB: number, iops: number, throughputMBps: number): Volume | undefined {
    const l = VOLUME_LIMITS[type];
    let volume: Volume;
    switch (type) {
        case "gp3": {
            const tput = Math.max(l.baselineThroughputMBps, ceil(throughputMBps));
            const volIops = Math.max(l.baselineIops, ceil(iops), ceil(tput / l.throughputPerIops));
            volume = { sizeGiB: Math.max(l.minGiB, ceil(capacityGiB), ceil(volIops / l.iopsPerGiB)), iops: volIops, throughputMBps: tput };
            break;
        }
        case "io2": {
            const volIops = Math.max(l.baselineIops, ceil(iops), ceil(throughputMBps / l.throughputPerIops));
            volume = { sizeGiB: Math.max(l.minGiB, ceil(capacityGiB), ceil(volIops / l.iopsPerGiB)), iops: volIops, throughputMBps: Math.min(l.maxThroughputMBps, volIops * l.throughputPerIops) };
            break;
        }
        case "st1":
        case "sc1": {
            // HDD throughput is sustained at the per-TiB baseline; bursts above it are not counted on.
            const size = Math.max(l.minGiB, ceil(capacityGiB), ceil((throughputMBps * 1024) / l.baselineMBpsPerTiB));
            if (iops > l.maxIops) {
                return undefined;
            }
            volume = { sizeGiB: size, iops: l.maxIops, throughputMBps: Math.min(l.maxThroughputMBps, (size / 1024) * l.baselineMBpsPerTiB) };
            break;
        }
    }
    if (volume.sizeGiB > l.maxGiB || volume.iops > l.maxIops || volume.throughputMBps > l.maxThroughputMBps || volume.throughputMBps + 1e-9 < throughputMBps) {
        return undefined;
    }
    return volume;
}

/** Monthly cost of one volume. */
export function volumeMonthly(type: VolumeType, volume: Volume, prices: EbsPrices): { storage: number; iops: number; throughput: number } {
    switch (type) {
        case "gp3":
            return {
                storage: volume.sizeGiB * prices.gp3.gbMonth,
                iops: Math.max(0, volume.iops - VOLUME_LIMITS.gp3.baselineIops) * prices.gp3.iopsMonth,
                throughput: Math.max(0, volume.throughputMBps - VOLUME_LIMITS.gp3.baselineThroughputMBps) * prices.gp3.throughputMonth,
            };
        case "io2":
            return { storage: volume.sizeGiB * prices.io2.gbMonth, iops: io2IopsMonthly(prices, volume.iops), throughput: 0 };
        case "st1":
            return { storage: volume.sizeGiB * prices.st1.gbMonth, iops: 0, throughput: 0 };
        case "sc1":
            return { storage: volume.sizeGiB * prices.sc1.gbMonth, iops: 0, throughput: 0 };
    }
}

/** Assembles a layout from one volume repeated `count` times under a RAID level. */
export function layoutOf(type: VolumeType, volume: Volume, raid: RaidLevel, count: number, prices: EbsPrices): VolumeLayout {
    const each = volumeMonthly(type, volume, prices);
    const mirrors = raid === "raid1" ? count : raid === "raid10" ? 2 : 1;
    return {
        volumeType: type,
        volumeCount: count,
        sizeGiB: volume.sizeGiB,
        iops: volume.iops,
        throughputMBps: volume.throughputMBps,
        raid,
        usableGiB: (volume.sizeGiB * count) / mirrors,
        totalIops: volume.iops * count,
        totalThroughputMBps: volume.throughputMBps * count,
        monthly: { storage: each.storage * count, iops: each.iops * count, throughput: each.throughput * count },
    };
}

export function layoutMonthly(layout: VolumeLayout): number {
    return layout.monthly.storage + layout.monthly.iops + layout.monthly.throughput;
}

const TYPE_ORDER = new Map(VOLUME_TYPES.map((t, i) => [t, i]));

/**
 * Layouts this close to the cheapest count as equally cheap: rounding each volume up to whole GiB
 * makes 7 x 269 GiB a few cents cheaper than 2 x 942 GiB, and an array of seven volumes is not
 * worth that. Within the margin, fewer volumes win, then the cheaper, then gp3, io2, st1, sc1.
 */
export const LAYOUT_TIE = { relative: 0.01, absolute: 0.5 } as const;

/** The layout to take from the candidates, by the rule above; deterministic. */
function choose(layouts: readonly VolumeLayout[]): VolumeLayout | undefined {
    if (layouts.length === 0) {
        return undefined;
    }
    const cheapest = Math.min(...layouts.map(layoutMonthly));
    const margin = Math.max(LAYOUT_TIE.absolute, cheapest * LAYOUT_TIE.relative);
    const near = layouts.filter((l) => layoutMonthly(l) <= cheapest + margin + 1e-9);
    return near.reduce((best, l) => {
        const d = l.volumeCount - best.volumeCount || layoutMonthly(l) - layoutMonthly(best) || (TYPE_ORDER.get(l.volumeType) as number) - (TYPE_ORDER.get(best.volumeType) as number);
        return d < -1e-9 ? l : best;
    });
}

/** Volume types and arrangements a durable (resilient) layout may use: mirrors of any type, or one io2 volume. */
function candidatesFor(options: LayoutOptions): { type: VolumeType; arrangement: Arrangement }[] {
    const out: { type: VolumeType; arrangement: Arrangement }[] = [];
    for (const type of options.volumeTypes) {
        for (const arrangement of arrangements(options.durable)) {
            out.push({ type, arrangement });
        }
    }
    if (options.durable && options.volumeTypes.includes("io2")) {
        out.push({ type: "io2", arrangement: { raid: "none", count: 1, capacityShare: 1, loadShare: 1 } });
    }
    return out;
}

/** Exact search: every type, RAID level and count, each with its smallest volume. */
export const enumerationLayoutSolver: LayoutSolver = {
    name: "enumeration",
    cheapest(need, prices, options) {
        if (!needsDataVolumes(need)) {
            return NO_DATA_VOLUMES;
        }
        const layouts: VolumeLayout[] = [];
        for (const { type, arrangement } of candidatesFor(options)) {
            const volume = smallestVolume(type, need.capacityGiB * arrangement.capacityShare, need.iops * arrangement.loadShare, need.throughputMBps * arrangement.loadShare);
            if (volume) {
                layouts.push(layoutOf(type, volume, arrangement.raid, arrangement.count, prices));
            }
        }
        return choose(layouts);
    },
};

/**
 * The same choice as a javascript-lp-solver model per (type, arrangement): continuous size, IOPS
 * and throughput of one volume with the type's limits and ratios as constraints, and the io2 IOPS
 * tiers as ordered segments switched on by binaries. The optimum is rounded up to whole GiB, IOPS
 * and MB/s and then priced like any layout.
 */
export const lpLayoutSolver: LayoutSolver = {
    name: "javascript-lp-solver",
    cheapest(need, prices, options) {
        if (!needsDataVolumes(need)) {
            return NO_DATA_VOLUMES;
        }
        const layouts: VolumeLayout[] = [];
        for (const { type, arrangement } of candidatesFor(options)) {
            const c = need.capacityGiB * arrangement.capacityShare;
            const i = need.iops * arrangement.loadShare;
            const t = need.throughputMBps * arrangement.loadShare;
            const volume = lpVolume(type, c, i, t, prices);
            if (volume) {
                const checked = smallestVolumeAtLeast(type, volume, i, t);
                if (checked) {
                    layouts.push(layoutOf(type, checked, arrangement.raid, arrangement.count, prices));
                }
            }
        }
        return choose(layouts);
    },
};

/** Rounds an LP volume up to whole units and re-checks it against the limits. */
function smallestVolumeAtLeast(type: VolumeType, v: Volume, iops: number, throughputMBps: number): Volume | undefined {
    const l = VOLUME_LIMITS[type];
    const gp3Tput = ceil(v.throughputMBps);
    // Rounding throughput up may need more IOPS (gp3: at most 0.25 MB/s per IOPS), and IOPS more GiB.
    const volIops = type === "st1" || type === "sc1" ? l.maxIops : type === "gp3" ? Math.max(ceil(v.iops), ceil(gp3Tput / l.throughputPerIops)) : ceil(v.iops);
    const size = l.iopsPerGiB > 0 ? Math.max(ceil(v.sizeGiB), ceil(volIops / l.iopsPerGiB)) : ceil(v.sizeGiB);
    const tput = type === "gp3" ? gp3Tput : type === "io2" ? Math.min(l.maxThroughputMBps, volIops * l.throughputPerIops) : Math.min(l.maxThroughputMBps, (size / 1024) * l.baselineMBpsPerTiB);
    const volume = { sizeGiB: size, iops: volIops, throughputMBps: tput };
    if (volume.sizeGiB > l.maxGiB || volume.iops > l.maxIops || tput > l.maxThroughputMBps || tput + 1e-9 < throughputMBps || (type !== "st1" && type !== "sc1" && volume.iops + 1e-9 < iops)) {
        return undefined;
    }
    return volume;
}

function lpVolume(type: VolumeType, c: number, i: number, t: number, prices: EbsPrices): Volume | undefined {
    const l = VOLUME_LIMITS[type];
    let model: Model;
    switch (type) {
        case "gp3":
            // Variables: size s, IOPS above the free 3,000 (e), throughput above the free 125 (f).
            model = {
                optimize: "cost",
                opType: "min",
                constraints: {
                    size: { min: Math.max(l.minGiB, c), max: l.maxGiB },
                    iops: { min: Math.max(0, i - l.baselineIops), max: l.maxIops - l.baselineIops },
                    tput: { min: Math.max(0, t - l.baselineThroughputMBps), max: l.maxThroughputMBps - l.baselineThroughputMBps },
                    // 3000 + e <= 500 s
                    iopsPerGiB: { max: -l.baselineIops },
                    // 125 + f <= 0.25 (3000 + e)
                    tputPerIops: { max: l.throughputPerIops * l.baselineIops - l.baselineThroughputMBps },
                },
                variables: {
                    s: { cost: prices.gp3.gbMonth, size: 1, iopsPerGiB: -l.iopsPerGiB },
                    e: { cost: prices.gp3.iopsMonth, iops: 1, iopsPerGiB: 1, tputPerIops: -l.throughputPerIops },
                    f: { cost: prices.gp3.throughputMonth, tput: 1, tputPerIops: 1 },
                },
            };
            break;
        case "io2": {
            // IOPS in tier segments a, b, d (up to 32,000, the next 32,000, the rest); binaries y2, y3
            // allow a segment only when the one below is full, since later tiers are cheaper.
            const [t1, t2, t3] = prices.io2.iopsTiers;
            const w1 = t1.upTo ?? l.maxIops;
            const w2 = (t2?.upTo ?? l.maxIops) - w1;
            model = {
                optimize: "cost",
                opType: "min",
                constraints: {
                    size: { min: Math.max(l.minGiB, c), max: l.maxGiB },
                    iops: { min: Math.max(l.baselineIops, i, t / l.throughputPerIops), max: l.maxIops },
                    iopsPerGiB: { max: 0 },
                    a: { max: w1 },
                    aFull: { min: 0 },
                    bCap: { max: 0 },
                    bFull: { min: 0 },
                    dCap: { max: 0 },
                },
                variables: {
                    s: { cost: prices.io2.gbMonth, size: 1, iopsPerGiB: -l.iopsPerGiB },
                    a: { cost: t1.price, iops: 1, iopsPerGiB: 1, a: 1, aFull: 1 },
                    b: { cost: (t2 ?? t1).price, iops: 1, iopsPerGiB: 1, bCap: 1, bFull: 1 },
                    d: { cost: (t3 ?? t2 ?? t1).price, iops: 1, iopsPerGiB: 1, dCap: 1 },
                    // a >= w1 * y2; b <= w2 * y2; b >= w2 * y3; d <= max * y3
                    y2: { aFull: -w1, bCap: -w2 },
                    y3: { bFull: -w2, dCap: -l.maxIops },
                },
                binaries: { y2: 1, y3: 1 },
            };
            break;
        }
        case "st1":
        case "sc1":
            if (i > l.maxIops) {
                return undefined;
            }
            model = {
                optimize: "cost",
                opType: "min",
                constraints: { size: { min: Math.max(l.minGiB, c, (t * 1024) / l.baselineMBpsPerTiB), max: l.maxGiB } },
                variables: { s: { cost: prices[type].gbMonth, size: 1 } },
            };
            break;
    }
    // Without `full`, Solve returns the simplified result (its declared type widens it to unknown).
    const r = solver.Solve(model) as SolveResult;
    if (!r.feasible) {
        return undefined;
    }
    const v = (name: string): number => (typeof r[name] === "number" ? (r[name] as number) : 0);
    switch (type) {
        case "gp3":
            return { sizeGiB: v("s"), iops: l.baselineIops + v("e"), throughputMBps: l.baselineThroughputMBps + v("f") };
        case "io2": {
            const iops = v("a") + v("b") + v("d");
            return { sizeGiB: v("s"), iops, throughputMBps: Math.min(l.maxThroughputMBps, iops * l.throughputPerIops) };
        }
        default:
            return { sizeGiB: v("s"), iops: l.maxIops, throughputMBps: 0 };
    }
}

/**
 * Binds a layout to an instance: adds the root volume and caps the array's IOPS and throughput
 * at what the instance's EBS connection carries.
 */
export function storageLayout(layout: VolumeLayout, ebs: { readonly maxIops: number; readonly maxMBps: number }): StorageLayout {
    const cap = (value: number, limit: number): number => (limit > 0 ? Math.min(value, limit) : value);
    return {
        rootGiB: ROOT_GIB,
        volumeType: layout.volumeType,
        volumeCount: layout.volumeCount,
        sizeGiB: layout.sizeGiB,
        iops: layout.iops,
        throughputMBps: layout.throughputMBps,
        raid: layout.raid,
        usableGiB: layout.usableGiB,
        totalIops: cap(layout.totalIops, ebs.maxIops),
        totalThroughputMBps: Number(cap(layout.totalThroughputMBps, ebs.maxMBps).toFixed(3)),
    };
}
