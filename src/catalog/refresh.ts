import { z } from "zod";
import { AwsApi } from "./aws/client";
import { buildSnapshot, PriceRow } from "./build";
import { BURSTABLE_SOURCE } from "./burstable";
import { Catalog } from "./catalog";
import { EBS_PRICE_SOURCE, EbsPrices, ebsPricesFor, VOLUME_LIMITS_SOURCE } from "./ebs";
import { CatalogSnapshot, SourceRecord } from "./snapshot";

/**
 * Refreshes the catalog from the AWS APIs, for a user with credentials: DescribeInstanceTypes,
 * DescribeInstanceTypeOfferings (per zone id) and DescribeSpotPriceHistory per region, and the
 * Pricing API's GetProducts for on-demand Linux and EBS prices. The result goes through the same
 * `buildSnapshot` as the shipped snapshot, so it is the same format.
 */

export interface RefreshOptions {
    readonly api: AwsApi;
    readonly regions: readonly string[];
    /** The time of the refresh: the spot snapshot's date and the file's. */
    readonly now: Date;
    /** Call the Pricing API for on-demand and EBS prices (false: take them from `fallback`). */
    readonly pricing: boolean;
    /** A catalog whose prices fill what the Pricing API does not give (usually the shipped one). */
    readonly fallback?: Catalog;
    /** Where the EC2 calls went, for the record. */
    readonly endpoint: string;
    readonly progress?: (line: string) => void;
}

const Zone = z.looseObject({ ZoneName: z.string(), ZoneId: z.string() });
const TypeOffering = z.looseObject({ InstanceType: z.string(), Location: z.string() });
const SpotPrice = z.looseObject({ InstanceType: z.string(), AvailabilityZone: z.string(), SpotPrice: z.coerce.number(), Timestamp: z.string().optional() });

/** A price list document of GetProducts, the parts read here. */
const PriceDocument = z.looseObject({
    product: z.looseObject({ productFamily: z.string().optional(), attributes: z.record(z.string(), z.string()) }),
    terms: z.looseObject({
        OnDemand: z.record(z.string(), z.looseObject({ priceDimensions: z.record(z.string(), z.looseObject({ unit: z.string(), pricePerUnit: z.record(z.string(), z.string()), beginRange: z.string().optional() })) })).optional(),
    }),
});
type PriceDocument = z.infer<typeof PriceDocument>;

/** The USD on-demand price dimensions of a document, lowest range first. */
function usdDimensions(doc: PriceDocument): { unit: string; usd: number; begin: number }[] {
    const out: { unit: string; usd: number; begin: number }[] = [];
    for (const term of Object.values(doc.terms.OnDemand ?? {})) {
        for (const dim of Object.values(term.priceDimensions)) {
            const usd = Number(dim.pricePerUnit.USD);
            if (Number.isFinite(usd)) {
                out.push({ unit: dim.unit, usd, begin: Number(dim.beginRange ?? 0) });
            }
        }
    }
    return out.sort((a, b) => a.begin - b.begin);
}

/** On-demand Linux shared-tenancy hourly prices by instance type, from GetProducts documents. */
export function onDemandPrices(documents: readonly unknown[]): Map<string, number> {
    const prices = new Map<string, number>();
    for (const raw of documents) {
        const parsed = PriceDocument.safeParse(raw);
        if (!parsed.success) {
            continue;
        }
        const a = parsed.data.product.attributes;
        if (!a.instanceType || a.operatingSystem !== "Linux" || a.tenancy !== "Shared" || (a.preInstalledSw ?? "NA") !== "NA" || (a.capacitystatus ?? "Used") !== "Used" || !/BoxUsage/.test(a.usagetype ?? "BoxUsage")) {
            continue;
        }
        const hourly = usdDimensions(parsed.data).find((d) => d.unit === "Hrs" && d.usd > 0);
        if (hourly && !prices.has(a.instanceType)) {
            prices.set(a.instanceType, hourly.usd);
        }
    }
    return prices;
}

/**
 * EBS prices of a region from GetProducts documents (storage, IOPS and throughput families),
 * on top of `base` for anything the documents lack; `basis` is `api` when the gp3 GB-month
 * price came from the API.
 */
export function ebsPricesFromDocuments(documents: readonly unknown[], base: EbsPrices): EbsPrices {
    const found: string[] = [];
    const out = structuredClone(base) as { -readonly [K in keyof EbsPrices]: EbsPrices[K] };
    const tiers = [...out.io2.iopsTiers];
    for (const raw of documents) {
        const parsed = PriceDocument.safeParse(raw);
        if (!parsed.success) {
            continue;
        }
        const usage = parsed.data.product.attributes.usagetype ?? "";
        const price = usdDimensions(parsed.data)[0]?.usd;
        if (price === undefined) {
            continue;
        }
        const set = (name: string, apply: () => void) => {
            apply();
            found.push(name);
        };
        let m: RegExpExecArray | null;
        if ((m = /EBS:VolumeUsage\.(gp3|io2|st1|sc1)$/.exec(usage))) {
            const type = m[1] as "gp3" | "io2" | "st1" | "sc1";
            set(`${type} GB-month`, () => (out[type] = { ...out[type], gbMonth: price } as never));
        } else if (/EBS:VolumeP-IOPS\.gp3$/.test(usage)) {
            set("gp3 IOPS", () => (out.gp3 = { ...out.gp3, iopsMonth: price }));
        } else if (/EBS:VolumeP-Throughput\.gp3$/.test(usage)) {
            set("gp3 throughput", () => (out.gp3 = { ...out.gp3, throughputMonth: price }));
        } else if ((m = /EBS:VolumeP-IOPS\.io2(?:\.tier(\d))?$/.exec(usage))) {
            const tier = m[1] ? Number(m[1]) - 1 : 0;
            if (tiers[tier]) {
                set(`io2 IOPS tier ${tier + 1}`, () => (tiers[tier] = { ...tiers[tier], price }));
            }
        }
    }
    out.io2 = { ...out.io2, iopsTiers: tiers };
    if (!found.includes("gp3 GB-month")) {
        return base;
    }
    const missing = ["gp3 GB-month", "gp3 IOPS", "gp3 throughput", "io2 GB-month", "io2 IOPS tier 1", "st1 GB-month", "sc1 GB-month"].filter((f) => !found.includes(f));
    return { ...out, basis: "api", note: `AWS Pricing API GetProducts${missing.length > 0 ? `; not returned, kept from before: ${missing.join(", ")}` : ""}` };
}

function latestSpot(items: readonly unknown[], zoneIds: ReadonlyMap<string, string>): Map<string, number> {
    const latest = new Map<string, { price: number; at: string }>();
    for (const raw of items) {
        const parsed = SpotPrice.safeParse(raw);
        if (!parsed.success) {
            continue;
        }
        const s = parsed.data;
        const zone = zoneIds.get(s.AvailabilityZone) ?? s.AvailabilityZone;
        const key = `${s.InstanceType}|${zone}`;
        const at = s.Timestamp ?? "";
        const before = latest.get(key);
        if (!before || at > before.at) {
            latest.set(key, { price: s.SpotPrice, at });
        }
    }
    return new Map([...latest].map(([k, v]) => [k, v.price]));
}

/** Runs the refresh and builds the snapshot. */
export async function refreshSnapshot(options: RefreshOptions): Promise<CatalogSnapshot> {
    const { api, now, fallback } = options;
    const say = options.progress ?? (() => undefined);
    const descriptions = new Map<string, unknown>();
    const offeredTypes: Record<string, string[]> = {};
    const prices: PriceRow[] = [];
    const ebs: Record<string, EbsPrices> = {};
    const notes: string[] = [];
    for (const region of [...options.regions].sort()) {
        const zones = (await api.ec2All(region, "DescribeAvailabilityZones", {}, "availabilityZoneInfo")).flatMap((z) => {
            const parsed = Zone.safeParse(z);
            return parsed.success ? [parsed.data] : [];
        });
        const zoneIds = new Map(zones.map((z) => [z.ZoneName, z.ZoneId]));
        const offerings = (await api.ec2All(region, "DescribeInstanceTypeOfferings", { LocationType: "availability-zone-id", MaxResults: "1000" }, "instanceTypeOfferingSet")).flatMap((o) => {
            const parsed = TypeOffering.safeParse(o);
            return parsed.success ? [parsed.data] : [];
        });
        for (const d of await api.ec2All(region, "DescribeInstanceTypes", { MaxResults: "100" }, "instanceTypeSet")) {
            const name = (d as { InstanceType?: unknown }).InstanceType;
            if (typeof name === "string" && !descriptions.has(name)) {
                descriptions.set(name, d);
            }
        }
        const spot = latestSpot(
            await api.ec2All(region, "DescribeSpotPriceHistory", { StartTime: now.toISOString(), "ProductDescription.1": "Linux/UNIX", MaxResults: "1000" }, "spotPriceHistorySet"),
            zoneIds,
        );
        const known = fallback?.regions.get(region);
        let onDemand = new Map<string, number>();
        let regionEbs = known?.ebs ?? ebsPricesFor(region, 1);
        if (options.pricing) {
            const common = [
                { field: "regionCode", value: region },
                { field: "operatingSystem", value: "Linux" },
                { field: "tenancy", value: "Shared" },
                { field: "preInstalledSw", value: "NA" },
                { field: "capacitystatus", value: "Used" },
            ];
            onDemand = onDemandPrices(await api.getProducts("AmazonEC2", [{ field: "productFamily", value: "Compute Instance" }, ...common]));
            const ebsDocs = [];
            for (const family of ["Storage", "System Operation", "Provisioned Throughput"]) {
                ebsDocs.push(...(await api.getProducts("AmazonEC2", [{ field: "regionCode", value: region }, { field: "productFamily", value: family }])));
            }
            regionEbs = ebsPricesFromDocuments(ebsDocs, regionEbs);
        }
        let fromFallback = 0;
        const types = new Set<string>();
        for (const o of offerings) {
            types.add(o.InstanceType);
            let price = onDemand.get(o.InstanceType) ?? null;
            if (price === null && known?.byType.get(o.InstanceType)?.onDemand) {
                price = known.byType.get(o.InstanceType)?.onDemand ?? null;
                fromFallback++;
            }
            prices.push({ instanceType: o.InstanceType, region, zone: o.Location, onDemand: price, spot: spot.get(`${o.InstanceType}|${o.Location}`) ?? null });
        }
        offeredTypes[region] = [...types].sort();
        ebs[region] = regionEbs;
        if (fromFallback > 0) {
            notes.push(`${region}: ${fromFallback} zone offerings priced from the previous snapshot (${fallback?.meta.generatedAt}), the Pricing API ${options.pricing ? "did not price them" : "was not called"}`);
        }
        say(`${region}: ${types.size} types in ${zoneIds.size} zones, ${onDemand.size} on-demand prices from the Pricing API, ${spot.size} spot prices`);
    }
    const date = now.toISOString();
    const sources: SourceRecord[] = [
        { provides: "instance type specs, offerings per zone id, zones", origin: `EC2 API at ${options.endpoint}: DescribeInstanceTypes, DescribeInstanceTypeOfferings, DescribeAvailabilityZones`, date },
        { provides: "spot prices per zone (latest Linux/UNIX price)", origin: `EC2 API at ${options.endpoint}: DescribeSpotPriceHistory`, date },
        options.pricing
            ? { provides: "on-demand Linux prices and EBS prices", origin: "AWS Pricing API GetProducts (AmazonEC2; Linux, shared tenancy)", date }
            : { provides: "on-demand Linux prices and EBS prices", origin: `the previous catalog snapshot (${fallback?.meta.generatedAt ?? "none"}); the Pricing API was not called`, date: fallback?.meta.generatedAt ?? "unknown" },
        { provides: "burstable baselines (T2, T3, T3a, T4g)", origin: BURSTABLE_SOURCE, date: "2025" },
        { provides: "EBS volume limits (gp3, io2, st1, sc1)", origin: VOLUME_LIMITS_SOURCE, date: "2025" },
        { provides: "EBS prices where the Pricing API gave none", origin: EBS_PRICE_SOURCE, date: "2025" },
    ];
    return buildSnapshot({
        descriptions: [...descriptions.values()],
        offeredTypes,
        prices,
        ebs,
        meta: {
            generatedAt: date.slice(0, 10),
            generator: "persona catalog refresh (AWS APIs)",
            sources,
            spotSnapshot: `Spot prices are the latest per zone from DescribeSpotPriceHistory at ${date}; spot prices move hourly, treat them as indicative`,
            onDemandBasis: "Linux, shared tenancy, on-demand, USD per instance-hour",
            notes: ["An offering is a type offered in a zone (DescribeInstanceTypeOfferings) with an on-demand or spot price.", ...notes],
        },
    });
}
