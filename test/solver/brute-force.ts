import { Catalog, InstanceSpec, Offering } from "../../src/catalog/catalog";
import { EbsPrices } from "../../src/catalog/ebs";
import { checkSettings, securityCosts } from "../../src/compliance";
import { monthlyCost, placement } from "../../src/solver/cost";
import { Proposal } from "../../src/solver/proposal";
import { Purchase, requirementsFor, Requirements, SolveInput } from "../../src/solver/requirements";
import { enumerationLayoutSolver, VolumeLayout } from "../../src/solver/storage";

/**
 * The reference the solver is checked against: a plain scan of every offering of every region in
 * scope and every instance count in range, each checked against the hard constraints by its own
 * code (not the solver's masks, bounds, dominance pruning or count search) and priced with the
 * shared pricing functions. Slow and simple on purpose. Also used by `npm run bench` as the bare
 * scan the solver's speed is compared with.
 */

export interface Cheapest {
    readonly instanceType: string;
    readonly region: string;
    readonly purchase: Purchase;
    readonly count: number;
    readonly total: number;
}

function typeLevelOk(req: Requirements, spec: InstanceSpec): boolean {
    const named = req.allow?.some((p) => p.exact && p.test(spec)) ?? false;
    return (
        (req.architecture === undefined || spec.architecture === req.architecture) &&
        spec.vcpus >= req.minVcpus &&
        spec.memoryGiB >= req.minMemoryGiB &&
        spec.gpus >= req.gpus &&
        (spec.gpus === 0 || req.gpuTypesAllowed || named) &&
        (spec.accelerator === null || named) &&
        (!spec.burstable || req.burstableAllowed) &&
        (!req.currentGenerationOnly || spec.currentGeneration) &&
        spec.ebs.baselineMbps >= req.minEbsBandwidthMbps &&
        spec.network.baselineGbps >= req.minNetworkGbps &&
        (req.allow === undefined || req.allow.some((p) => p.test(spec))) &&
        !req.deny.some((p) => p.test(spec))
    );
}

/** Whether one instance of `spec` carries its share of the load when `div` instances share it. */
function carries(req: Requirements, spec: InstanceSpec, div: number): boolean {
    const d = req.demand;
    const eps = 1e-9;
    const burstOk = !spec.burstable || d.cpuSustained / div < spec.vcpus * (spec.burstBaseline ?? 0) - 1e-12;
    const io = (load: number, cap: number) => load <= 0 || load / div <= cap + eps;
    return (
        d.cpuPeak / div <= spec.vcpus + eps &&
        burstOk &&
        d.memoryPeak / div <= spec.memoryGiB + eps &&
        io(d.iopsPeak, spec.ebs.maxIops) &&
        io(d.iopsSustained, spec.ebs.baselineIops) &&
        io(d.throughputPeak, spec.ebs.maxMBps) &&
        io(d.throughputSustained, spec.ebs.baselineMBps) &&
        io(d.networkPeakMbps, spec.network.peakGbps * 1000) &&
        io(d.networkSustainedMbps, spec.network.baselineGbps * 1000)
    );
}

function zonesFor(o: Offering, purchase: Purchase): number {
    return purchase === "on-demand" ? (o.onDemand === null ? 0 : o.zones.length) : o.spec.spot ? o.spot.filter((p) => p !== null).length : 0;
}

/** The cheapest plain (not mirrored) layout for one instance's share of the demand, memoized per region and share. */
function layoutCache(req: Requirements): { at(region: string, prices: EbsPrices, div: number): VolumeLayout | undefined } {
    const d = req.demand;
    const cache = new Map<string, VolumeLayout | undefined>();
    return {
        at(region, prices, div) {
            const key = `${region}|${div}`;
            if (!cache.has(key)) {
                const need = { capacityGiB: req.dataSharded ? d.storageGiB / div : d.storageGiB, iops: d.iopsPeak / div, throughputMBps: d.throughputPeak / div };
                cache.set(key, enumerationLayoutSolver.cheapest(need, prices, { volumeTypes: req.hddAllowed ? ["gp3", "io2", "st1", "sc1"] : ["gp3", "io2"], durable: false }));
            }
            return cache.get(key);
        },
    };
}

/** The cheapest feasible single-type configuration of any allowed purchase option, by exhaustive scan. */
export function cheapestFeasible(input: SolveInput, req: Requirements = requirementsFor(input)): Cheapest | undefined {
    const { catalog } = input;
    // Contradictions the solver reports before searching (see solve.ts).
    if ((req.count.fixed === 1 && req.multiAz) || (req.purchaseFixed === "spot" && input.lifecycle && !input.lifecycle.interruptionTolerant)) {
        return undefined;
    }
    const layouts = layoutCache(req);
    let best: Cheapest | undefined;
    for (const purchase of req.purchases.filter((p) => !(req.dedicated && p === "spot")))
    for (const name of req.regions) {
        const region = catalog.regions.get(name);
        if (!region) {
            continue;
        }
        for (const o of region.offerings) {
            if (!typeLevelOk(req, o.spec) || zonesFor(o, purchase) === 0 || (req.multiAz && zonesFor(o, purchase) < 2)) {
                continue;
            }
            const first = req.count.fixed ?? req.count.min;
            const last = req.count.fixed ?? req.count.max;
            for (let n = first; n <= last; n++) {
                const div = req.sharing === "split" ? n : 1;
                if (!carries(req, o.spec, div)) {
                    continue;
                }
                const layout = layouts.at(name, region.ebs, div);
                const place = placement(o, purchase, n);
                if (!layout || !place) {
                    continue;
                }
                const total = monthlyCost(catalog, { members: [{ offering: o, count: n, hourly: place.hourly }], purchase, region: name, layout, settings: req.security.settings }).total;
                if ((req.maxMonthly && total > req.maxMonthly.value) || (req.maxHourly && total / 730 > req.maxHourly.value)) {
                    continue;
                }
                if (!best || total < best.total) {
                    best = { instanceType: o.spec.name, region: name, purchase, count: n, total };
                }
            }
        }
    }
    return best;
}

/** Every hard constraint a proposal breaks, checked from the proposal's own fields. */
export function violations(p: Proposal, input: SolveInput, req: Requirements = requirementsFor(input)): string[] {
    const out: string[] = [];
    const catalog: Catalog = input.catalog;
    const region = catalog.regions.get(p.region);
    if (!req.regions.includes(p.region) || !region) {
        out.push(`region ${p.region} not in scope ${req.regions.join(",")}`);
        return out;
    }
    const members = p.fleet ? p.fleet.map((m) => ({ type: m.instanceType, count: m.count, zones: m.zones })) : [{ type: p.instanceType, count: p.count, zones: p.zones }];
    if (members.reduce((n, m) => n + m.count, 0) !== p.count) {
        out.push("fleet counts do not add up to count");
    }
    if (p.count < req.count.min || p.count > req.count.max || (req.count.fixed !== undefined && p.count !== req.count.fixed)) {
        out.push(`count ${p.count} outside ${req.count.min}-${req.count.max}`);
    }
    if (!req.purchases.includes(p.purchase)) {
        out.push(`purchase ${p.purchase} not allowed`);
    }
    if (req.dedicated && p.purchase === "spot") {
        out.push("spot on dedicated tenancy");
    }
    let vcpus = 0;
    let memory = 0;
    for (const m of members) {
        const o = region.byType.get(m.type);
        if (!o) {
            out.push(`${m.type} not offered in ${p.region}`);
            continue;
        }
        if (!typeLevelOk(req, o.spec)) {
            out.push(`${m.type} fails a type-level constraint`);
        }
        const offeredZones = p.purchase === "on-demand" ? o.zones : o.zones.filter((_, i) => o.spot[i] !== null);
        if (m.zones.length !== m.count || m.zones.some((z) => !offeredZones.includes(z))) {
            out.push(`${m.type} placed in zones ${m.zones.join(",")} that do not offer it`);
        }
        vcpus += o.spec.vcpus * m.count;
        memory += o.spec.memoryGiB * m.count;
        if (!p.fleet && !carries(req, o.spec, req.sharing === "split" ? p.count : 1)) {
            out.push(`${m.type} x ${p.count} does not carry the load`);
        }
    }
    if (p.fleet && (vcpus + 1e-9 < req.demand.cpuPeak || memory + 1e-9 < req.demand.memoryPeak)) {
        out.push(`fleet ${vcpus} vCPU / ${memory} GiB below the peak`);
    }
    if (req.multiAz && new Set(p.zones).size < 2) {
        out.push(`uptime ${req.uptimeTarget} needs two zones, got ${new Set(p.zones).size}`);
    }
    const d = req.demand;
    const div = req.sharing === "split" ? p.count : 1;
    const mirrors = p.storage.raid === "raid1" ? p.storage.volumeCount : p.storage.raid === "raid10" ? 2 : 1;
    const dataPerInstance = req.dataSharded ? d.storageGiB / div : d.storageGiB;
    if (p.storage.usableGiB + 1e-6 < (p.fleet ? 0 : dataPerInstance)) {
        out.push(`storage ${p.storage.usableGiB} GiB < ${dataPerInstance}`);
    }
    if (!p.fleet && d.iopsPeak / div > 3000 && p.storage.totalIops / mirrors + 1e-6 < d.iopsPeak / div) {
        out.push(`storage ${p.storage.totalIops} IOPS < ${d.iopsPeak / div}`);
    }
    if (req.maxMonthly && p.monthlyCost.total > req.maxMonthly.value + 1e-9) {
        out.push(`$${p.monthlyCost.total} > maxMonthly ${req.maxMonthly.value}`);
    }
    if (req.maxHourly && p.hourlyCost > req.maxHourly.value + 1e-4) {
        out.push(`$${p.hourlyCost}/h > maxHourly ${req.maxHourly.value}`);
    }
    const itemSum = Math.round(p.monthlyCost.items.reduce((s, i) => s + i.monthly, 0) * 100) / 100;
    if (Math.abs(itemSum - p.monthlyCost.total) > 0.005) {
        out.push(`cost items add up to ${itemSum}, total says ${p.monthlyCost.total}`);
    }
    for (const v of checkSettings(p.security.settings, req.security, p.region)) {
        out.push(`security: ${v.message}`);
    }
    return out;
}

/**
 * The bare scan: every offering of every region in scope and every allowed purchase option looked
 * at once, checked against the hard constraints at the smallest instance count that carries the
 * load, priced (compute, volumes, security) and the cheapest kept. No pruning, no ranking, no
 * proposals: the irreducible work of a search over the whole catalog, which `npm run bench` times
 * beside `solve`.
 */
export function bareScan(input: SolveInput, req: Requirements = requirementsFor(input)): number {
    const { catalog } = input;
    const layouts = layoutCache(req);
    const security = new Map<string, number>();
    let best = Infinity;
    for (const purchase of req.purchases) {
        for (const name of req.regions) {
            const region = catalog.regions.get(name);
            if (!region) {
                continue;
            }
            const root = 20 * region.ebs.gp3.gbMonth;
            for (const o of region.offerings) {
                const zones = zonesFor(o, purchase);
                if (zones === 0 || (req.multiAz && zones < 2) || !typeLevelOk(req, o.spec)) {
                    continue;
                }
                let n = req.count.fixed ?? req.count.min;
                const last = req.count.fixed ?? req.count.max;
                while (n <= last && !carries(req, o.spec, req.sharing === "split" ? n : 1)) {
                    n++;
                }
                if (n > last) {
                    continue;
                }
                const div = req.sharing === "split" ? n : 1;
                const layout = layouts.at(name, region.ebs, div);
                const hourly = purchase === "on-demand" ? (o.onDemand ?? NaN) * n : (placement(o, purchase, n)?.hourly ?? NaN);
                if (!layout || Number.isNaN(hourly)) {
                    continue;
                }
                const gib = layout.volumeCount * layout.sizeGiB * n;
                const sKey = `${n}|${gib}`;
                let extras = security.get(sKey);
                if (extras === undefined) {
                    extras = securityCosts(req.security.settings, n, gib, 0).reduce((s, i) => s + i.monthly, 0);
                    security.set(sKey, extras);
                }
                const total = hourly * 730 + n * (root + layout.monthly.storage + layout.monthly.iops + layout.monthly.throughput) + extras;
                if ((req.maxMonthly && total > req.maxMonthly.value) || (req.maxHourly && total / 730 > req.maxHourly.value)) {
                    continue;
                }
                best = Math.min(best, total);
            }
        }
    }
    return best;
}
