import { Catalog, Offering } from "../catalog/catalog";
import { EbsPrices } from "../catalog/ebs";
import { securityCosts, SecuritySettings } from "../compliance";
import { CostItem, HOURS_PER_MONTH, MonthlyCost } from "./proposal";
import { Purchase } from "./requirements";
import { ROOT_GIB, VolumeLayout } from "./storage";

/**
 * Prices a configuration: compute (per zone for spot), root and data volumes, provisioned IOPS
 * and throughput, and the security extras (`securityCosts` from the compliance module, which also
 * prices dedicated tenancy). Every figure is USD on a 730-hour month.
 */

/** Instances are spread over at most this many zones. */
export const SPREAD_ZONES = 3;

export interface Placement {
    /** Zone id of each instance position. */
    readonly zones: readonly string[];
    /** Compute price of all instances together, USD per hour. */
    readonly hourly: number;
}

/** Spot prices of an offering with their zones, cheapest first (memoized per offering: the catalog never changes). */
const spotOrder = new WeakMap<Offering, readonly { readonly zone: string; readonly price: number }[]>();

function spotSlots(offering: Offering): readonly { readonly zone: string; readonly price: number }[] {
    let slots = spotOrder.get(offering);
    if (!slots) {
        const priced: { zone: string; price: number }[] = [];
        offering.spot.forEach((price, i) => {
            if (price !== null) {
                priced.push({ zone: offering.zones[i], price });
            }
        });
        slots = priced.sort((a, b) => a.price - b.price || (a.zone < b.zone ? -1 : 1));
        spotOrder.set(offering, slots);
    }
    return slots;
}

/**
 * Compute price of `count` instances, USD per hour, placed as `placement` places them; NaN when
 * the offering has no price for the purchase option. The scan's fast path.
 */
export function computeHourly(offering: Offering, purchase: Purchase, count: number): number {
    if (purchase === "on-demand") {
        return offering.onDemand === null ? NaN : offering.onDemand * count;
    }
    const slots = offering.spec.spot ? spotSlots(offering) : [];
    if (slots.length === 0) {
        return NaN;
    }
    const k = Math.min(count, slots.length, SPREAD_ZONES);
    let hourly = 0;
    for (let i = 0; i < count; i++) {
        hourly += slots[i % k].price;
    }
    return hourly;
}

/**
 * Where `count` instances of an offering go and what they cost per hour: round-robin over the
 * first zones (by id for on-demand, whose price is the same everywhere; cheapest first for spot),
 * at most three. Undefined when the offering has no price for the purchase option.
 */
export function placement(offering: Offering, purchase: Purchase, count: number): Placement | undefined {
    const hourly = computeHourly(offering, purchase, count);
    if (Number.isNaN(hourly)) {
        return undefined;
    }
    if (purchase === "on-demand") {
        const k = Math.min(count, offering.zones.length, SPREAD_ZONES);
        return { zones: Array.from({ length: count }, (_, i) => offering.zones[i % k]), hourly };
    }
    const slots = spotSlots(offering);
    const k = Math.min(count, slots.length, SPREAD_ZONES);
    return { zones: Array.from({ length: count }, (_, i) => slots[i % k].zone), hourly };
}

/** Zones a placement can spread over (for the uptime requirement). */
export function spreadZones(offering: Offering, purchase: Purchase): number {
    return purchase === "on-demand" ? (offering.onDemand === null ? 0 : offering.zones.length) : offering.spotZones;
}

const cents = (value: number): number => Math.round(value * 100) / 100;

/** Monthly storage of one instance's root volume. */
export function rootMonthly(prices: EbsPrices): number {
    return ROOT_GIB * prices.gp3.gbMonth;
}

/** Data GiB provisioned over the fleet (what snapshots copy). */
export function provisionedGiB(layout: VolumeLayout, count: number): number {
    return layout.volumeCount * layout.sizeGiB * count;
}

/**
 * The monthly cost of everything but security, unrounded: what the scan ranks by before the
 * security items (which depend only on count, storage and compute) are added.
 */
export function baseMonthly(computeHourly: number, layout: VolumeLayout, count: number, prices: EbsPrices): number {
    return computeHourly * HOURS_PER_MONTH + count * (rootMonthly(prices) + layout.monthly.storage + layout.monthly.iops + layout.monthly.throughput);
}

/** A configuration to price. Several instance types only in a mixed spot fleet. */
export interface PricedConfig {
    readonly members: readonly { readonly offering: Offering; readonly count: number; readonly hourly: number }[];
    readonly purchase: Purchase;
    readonly region: string;
    readonly layout: VolumeLayout;
    readonly settings: SecuritySettings;
}

/** The cost breakdown of a configuration, each line rounded to cents, the total their sum. */
export function monthlyCost(catalog: Catalog, config: PricedConfig): MonthlyCost {
    const region = catalog.regions.get(config.region);
    if (!region) {
        throw new Error(`monthlyCost: region ${config.region} is not in the catalog`);
    }
    const prices = region.ebs;
    const count = config.members.reduce((n, m) => n + m.count, 0);
    const items: CostItem[] = [];
    let computeMonthly = 0;
    for (const m of config.members) {
        const monthly = m.hourly * HOURS_PER_MONTH;
        computeMonthly += monthly;
        items.push({ component: "compute", detail: `${m.count} x ${m.offering.spec.name} ${config.purchase} ($${(m.hourly / m.count).toFixed(4)}/h each)`, monthly: cents(monthly) });
    }
    items.push({ component: "storage", detail: `root gp3 ${count} x ${ROOT_GIB} GiB`, monthly: cents(count * rootMonthly(prices)) });
    const l = config.layout;
    if (l.volumeCount > 0) {
        const what = `${l.volumeType} ${count} x ${l.volumeCount} x ${l.sizeGiB} GiB${l.raid === "none" ? "" : ` ${l.raid}`}`;
        items.push({ component: "storage", detail: what, monthly: cents(count * l.monthly.storage) });
        if (l.monthly.iops > 0) {
            items.push({ component: "iops", detail: `${l.volumeType} ${l.iops} IOPS per volume, ${count * l.volumeCount} volume(s)`, monthly: cents(count * l.monthly.iops) });
        }
        if (l.monthly.throughput > 0) {
            items.push({ component: "throughput", detail: `${l.volumeType} ${l.throughputMBps} MB/s per volume, ${count * l.volumeCount} volume(s)`, monthly: cents(count * l.monthly.throughput) });
        }
    }
    items.push(...securityCosts(config.settings, count, provisionedGiB(l, count), computeMonthly));
    const sum = (component: CostItem["component"]) => cents(items.filter((i) => i.component === component).reduce((s, i) => s + i.monthly, 0));
    const total = cents(items.reduce((s, i) => s + i.monthly, 0));
    const priceBasis =
        config.purchase === "spot"
            ? `spot prices per zone from the catalog snapshot (${catalog.meta.generatedAt}; a snapshot, not a quote)`
            : `on-demand Linux list prices (catalog ${catalog.meta.generatedAt})`;
    return {
        total,
        compute: sum("compute"),
        storage: sum("storage"),
        iops: sum("iops"),
        throughput: sum("throughput"),
        security: sum("security"),
        items,
        basis: `${priceBasis} in ${config.region}; EBS ${prices.basis} prices; ${HOURS_PER_MONTH} h/month; USD`,
    };
}
