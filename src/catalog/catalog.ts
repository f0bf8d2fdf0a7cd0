import * as fs from "node:fs";
import { assetPath } from "../assets";
import { InputError, issuesFromZod } from "../errors";
import { EbsPrices } from "./ebs";
import { CATALOG_FORMAT, CatalogMeta, CatalogSnapshot, InstanceTypeSpec } from "./snapshot";

/**
 * The EC2 catalog in memory: instance types, and per region the offerings with their prices.
 * Built once from a snapshot; the solver reads it and never changes it.
 */

/** An instance type's spec with its family and size split out (`m7i.large` -> `m7i`, `large`). */
export interface InstanceSpec extends InstanceTypeSpec {
    readonly family: string;
    readonly size: string;
}

/**
 * Copies of the spec figures the solver's scan reads for every offering, flat in one small object
 * per type: the scan then touches two small objects per offering instead of the spec and its
 * nested EBS and network objects (measured: 9 ns against 300 ns per check over the 6,700
 * offerings of all regions, the difference being cache misses).
 */
export interface TypeFigures {
    readonly vcpus: number;
    readonly memoryGiB: number;
    readonly gpus: number;
    readonly architecture: InstanceSpec["architecture"];
    readonly burstable: boolean;
    /** vCPUs of CPU a burstable type sustains (vCPUs x baseline); 0 for other types. */
    readonly burstVcpus: number;
    readonly currentGeneration: boolean;
    /** Has a non-GPU accelerator. */
    readonly accelerated: boolean;
    readonly ebsBaselineMbps: number;
    readonly ebsBaselineIops: number;
    readonly ebsMaxIops: number;
    readonly ebsBaselineMBps: number;
    readonly ebsMaxMBps: number;
    readonly networkBaselineGbps: number;
    readonly networkPeakGbps: number;
}

function figuresOf(spec: InstanceSpec): TypeFigures {
    return {
        vcpus: spec.vcpus,
        memoryGiB: spec.memoryGiB,
        gpus: spec.gpus,
        architecture: spec.architecture,
        burstable: spec.burstable,
        burstVcpus: spec.burstable ? spec.vcpus * (spec.burstBaseline ?? 0) : 0,
        currentGeneration: spec.currentGeneration,
        accelerated: spec.accelerator !== null,
        ebsBaselineMbps: spec.ebs.baselineMbps,
        ebsBaselineIops: spec.ebs.baselineIops,
        ebsMaxIops: spec.ebs.maxIops,
        ebsBaselineMBps: spec.ebs.baselineMBps,
        ebsMaxMBps: spec.ebs.maxMBps,
        networkBaselineGbps: spec.network.baselineGbps,
        networkPeakGbps: spec.network.peakGbps,
    };
}

/** One instance type in one region: where it runs and what it costs. */
export interface Offering {
    readonly spec: InstanceSpec;
    readonly region: string;
    /** Zone ids offering the type, ascending. */
    readonly zones: readonly string[];
    /** On-demand Linux price, USD per hour; null when the type is only sold as spot here. */
    readonly onDemand: number | null;
    /** Spot price per zone, aligned with `zones`; null where the snapshot has none. */
    readonly spot: readonly (number | null)[];
    /** Position in the region's offering list. */
    readonly index: number;
    /** The type's figures the solver's scan reads (shared by every offering of the type). */
    readonly figures: TypeFigures;
    /** Zones with a spot price (0 when the type is not sold as spot). */
    readonly spotZones: number;
    /** The lowest spot price of any zone, USD per hour (NaN when there is none). */
    readonly spotFrom: number;
}

export interface RegionCatalog {
    readonly name: string;
    readonly zones: readonly string[];
    /** Every offering, cheapest on-demand first. */
    readonly offerings: readonly Offering[];
    /** Offerings not dominated on on-demand price (see `build.ts`). */
    readonly frontier: readonly Offering[];
    /** Offerings not dominated on spot prices. */
    readonly spotFrontier: readonly Offering[];
    readonly byType: ReadonlyMap<string, Offering>;
    readonly ebs: EbsPrices;
    readonly computeRatio: number;
}

export interface Catalog {
    readonly meta: CatalogMeta;
    readonly types: ReadonlyMap<string, InstanceSpec>;
    /** Priced regions, by name. */
    readonly regions: ReadonlyMap<string, RegionCatalog>;
    /** Priced region names, sorted. */
    readonly regionNames: readonly string[];
    /** Regions whose offerings are known but that have no prices: offered type counts. */
    readonly unpricedRegions: ReadonlyMap<string, number>;
}

/** Builds the in-memory catalog from a (valid) snapshot. */
export function catalogFromSnapshot(snapshot: CatalogSnapshot): Catalog {
    const specs: InstanceSpec[] = snapshot.types.map((t) => {
        const dot = t.name.indexOf(".");
        return { ...t, family: t.name.slice(0, dot), size: t.name.slice(dot + 1) };
    });
    const figures = specs.map(figuresOf);
    const regions = new Map<string, RegionCatalog>();
    for (const name of Object.keys(snapshot.regions).sort()) {
        const r = snapshot.regions[name];
        // Offerings of a region share few distinct zone sets: one array per set (zone bitmask).
        const zoneSets = new Map<number, readonly string[]>();
        const offerings: Offering[] = new Array(r.type.length);
        for (let i = 0; i < r.type.length; i++) {
            const spec = specs[r.type[i]];
            const zoneIndex = r.zoneIndex[i];
            let bits = 0;
            for (const z of zoneIndex) {
                bits |= 1 << z;
            }
            let zones = zoneSets.get(bits);
            if (!zones) {
                zones = zoneIndex.map((z) => r.zones[z]);
                zoneSets.set(bits, zones);
            }
            const spot = r.spot[i];
            let spotZones = 0;
            let spotFrom = Infinity;
            for (const price of spot) {
                if (price !== null) {
                    spotZones++;
                    spotFrom = price < spotFrom ? price : spotFrom;
                }
            }
            offerings[i] = {
                spec,
                region: name,
                zones,
                onDemand: r.onDemand[i],
                spot,
                index: i,
                figures: figures[r.type[i]],
                spotZones: spec.spot ? spotZones : 0,
                spotFrom: spec.spot && spotZones > 0 ? spotFrom : NaN,
            };
        }
        regions.set(name, {
            name,
            zones: r.zones,
            offerings,
            frontier: r.frontier.map((i) => offerings[i]),
            spotFrontier: r.spotFrontier.map((i) => offerings[i]),
            byType: new Map(offerings.map((o) => [o.spec.name, o])),
            ebs: r.ebs,
            computeRatio: r.computeRatio,
        });
    }
    return {
        meta: snapshot.meta,
        types: new Map(specs.map((s) => [s.name, s])),
        regions,
        regionNames: [...regions.keys()],
        unpricedRegions: new Map(Object.entries(snapshot.unpricedRegions)),
    };
}

/** The snapshot shipped with the package, generated by `npm run build-catalog`. */
export const BUILTIN_CATALOG_ASSET = "catalog.json";

/**
 * Reads a catalog snapshot file: the package's own by default, or one written by
 * `persona catalog refresh`. A file that is not a valid snapshot is an InputError naming it.
 * The shipped snapshot is trusted (a test validates it) and only its format is checked, which
 * keeps a cold load far under 100 ms.
 */
export function loadCatalog(file?: string): Catalog {
    const target = file ?? assetPath(BUILTIN_CATALOG_ASSET);
    let text: string;
    try {
        text = fs.readFileSync(target, "utf8");
    } catch (err) {
        const reason = err instanceof Error && "code" in err && err.code === "ENOENT" ? "does not exist" : `cannot be read (${String(err)})`;
        throw InputError.single(
            target,
            "",
            `the catalog snapshot ${reason}`,
            file ? "give the file written by persona catalog refresh --out <file>" : "run npm run build-catalog to generate it",
        );
    }
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (err) {
        throw InputError.single(target, "", `not JSON: ${err instanceof Error ? err.message : String(err)}`, "give a snapshot written by persona catalog refresh");
    }
    if (file === undefined && (json as { format?: unknown }).format === CATALOG_FORMAT) {
        return catalogFromSnapshot(json as CatalogSnapshot);
    }
    const parsed = CatalogSnapshot.safeParse(json);
    if (!parsed.success) {
        throw new InputError(issuesFromZod(target, parsed.error).slice(0, 10));
    }
    return catalogFromSnapshot(parsed.data);
}

let builtin: Catalog | undefined;

/** The package's snapshot, loaded once per process. */
export function defaultCatalog(): Catalog {
    builtin ??= loadCatalog();
    return builtin;
}
