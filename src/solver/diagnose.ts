import { z } from "zod";
import { Atom, ATOMS, atomsOf, BIT, popcount } from "./atoms";
import { Purchase, Requirements } from "./requirements";
import { assess, Assessment, policy, POLICY_BIT, ScanContext } from "./scan";

/**
 * Why nothing fits: the smallest set of constraints that together exclude every candidate (a
 * minimum hitting set over the candidates' violation masks, searched exactly up to four
 * constraints), and the nearest candidates with what each misses, Karpenter-style per type.
 * Every priced region and both purchase options are searched, so a region or purchase
 * restriction shows up in the conflict set like any other constraint.
 */

export const Conflict = z
    .object({
        /** The constraint, as named in Constraints (`maxMonthlyCost`), or a demand figure (`demand.memory`). */
        constraint: z.string(),
        /** Its value. */
        value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]),
        /** Where it comes from: a constraint key, the persona, a compliance requirement. */
        source: z.string(),
        message: z.string(),
        fix: z.string(),
    })
    .strict();
export type Conflict = z.infer<typeof Conflict>;

export const NearMiss = z
    .object({
        instanceType: z.string(),
        region: z.string(),
        purchase: z.enum(["on-demand", "spot"]),
        count: z.number().int().positive(),
        /** USD per month (730 h) as it would be configured; null when it cannot be priced. */
        monthlyCost: z.number().nullable(),
        /** Each constraint it misses, with the figures: "16 GiB < 32 GiB required". */
        misses: z.array(z.string()),
    })
    .strict();
export type NearMiss = z.infer<typeof NearMiss>;

export const Infeasibility = z
    .object({
        /** One line: which constraints conflict. */
        summary: z.string(),
        conflicts: z.array(Conflict),
        nearest: z.array(NearMiss),
    })
    .strict();
export type Infeasibility = z.infer<typeof Infeasibility>;

const money = (x: number): string => `$${x.toFixed(2)}`;

/** The conflict entry of an atom: value, source and fix. `cheapest` prices the cost conflicts. */
export function conflictOf(req: Requirements, atom: Atom, cheapest?: number): Conflict {
    const d = req.demand;
    const c = (value: Conflict["value"], source: string, message: string, fix: string): Conflict => ({ constraint: atom, value, source, message, fix });
    switch (atom) {
        case "regions":
            return c([...req.requestedRegions], "constraints.regions", `regions ${req.requestedRegions.join(", ")}`, "add regions, or use regions all");
        case "residency":
            return c(
                [...req.security.allowedRegions],
                req.security.regionReasons.join("; ") || "security profile residency",
                `data must stay in ${req.security.allowedRegions.join(", ")}`,
                "pick one of these regions, or drop the framework or residency that demands them",
            );
        case "architecture":
            return c(req.architecture ?? "", "constraints.architecture", `architecture ${req.architecture}`, "drop the architecture constraint or use the other one");
        case "minVcpus":
            return c(req.minVcpus, "constraints.minVcpus", `at least ${req.minVcpus} vCPUs per instance`, "lower minVcpus");
        case "minMemoryGiB":
            return c(req.minMemoryGiB, "constraints.minMemoryGiB", `at least ${req.minMemoryGiB} GiB per instance`, "lower minMemoryGiB");
        case "gpus":
            return c(req.gpus, "constraints.gpus / demand.gpus", req.gpus > 0 ? `at least ${req.gpus} GPUs per instance` : "no GPU types unless GPUs are asked for", req.gpus > 0 ? "lower gpus or widen the regions" : "set gpus to use GPU types");
        case "accelerators":
            return c("excluded", "catalog policy", "accelerator types (Inferentia, Trainium, FPGA) only when named", "name the type in allowTypes");
        case "burstable":
            return c("deny", "constraints.burstable", "no burstable types", "set burstable to allow");
        case "currentGeneration":
            return c(true, "constraints.currentGeneration", "current-generation types only", "drop currentGeneration");
        case "minEbsBandwidthMbps":
            return c(req.minEbsBandwidthMbps, "constraints.minEbsBandwidthMbps", `EBS baseline at least ${req.minEbsBandwidthMbps} Mbps`, "lower minEbsBandwidthMbps");
        case "minNetworkGbps":
            return c(req.minNetworkGbps, "constraints.minNetworkGbps", `network baseline at least ${req.minNetworkGbps} Gbps`, "lower minNetworkGbps");
        case "allowTypes":
            return c(req.allow?.map((p) => p.text) ?? [], "constraints.allowTypes", `only ${req.allow?.map((p) => p.text).join(", ")}`, "allow more types or families");
        case "denyTypes":
            return c(req.deny.map((p) => p.text), "constraints.denyTypes", `never ${req.deny.map((p) => p.text).join(", ")}`, "deny fewer types");
        case "purchase":
            return req.purchaseFixed
                ? c(req.purchaseFixed, "constraints.purchase", `${req.purchaseFixed} only`, `drop purchase ${req.purchaseFixed}`)
                : c("on-demand", "lifecycle.interruptionTolerant", "on-demand only: the workload is not interruption-tolerant", "mark the workload interruption-tolerant to allow spot");
        case "tenancy":
            return c("dedicated", "security.settings.tenancy", "dedicated tenancy (no spot)", "use default tenancy or on-demand");
        case "uptime":
            return c(req.uptimeTarget ?? 0, "lifecycle.uptimeTarget", `uptime ${req.uptimeTarget} % needs two zones or more`, "lower the uptime target to 99.9 or less, or use a region with more zones");
        case "count":
            return c(req.count.fixed ?? req.count.max, req.count.source === "default" ? "default fleet size" : req.count.source, req.count.fixed !== undefined ? `exactly ${req.count.fixed} instance(s)` : `at most ${req.count.max} instances`, "change the instance count");
        case "maxHourlyCost":
            return c(
                req.maxHourly?.value ?? 0,
                req.maxHourly?.source ?? "",
                cheapest !== undefined ? `cheapest option otherwise compliant costs ${money(cheapest / 730)}/hour > ${req.maxHourly?.value}` : `at most $${req.maxHourly?.value}/hour`,
                cheapest !== undefined ? `raise it to at least ${(Math.ceil((cheapest / 730) * 10000) / 10000).toFixed(4)}` : "raise it",
            );
        case "maxMonthlyCost":
            return c(
                req.maxMonthly?.value ?? 0,
                req.maxMonthly?.source ?? "",
                cheapest !== undefined ? `cheapest option otherwise compliant costs ${money(cheapest)}/month > ${req.maxMonthly?.source.replace(/^constraints\./, "")} ${req.maxMonthly?.value}` : `at most $${req.maxMonthly?.value}/month`,
                cheapest !== undefined ? `raise it to at least ${Math.ceil(cheapest)}` : "raise it",
            );
        case "rejected":
            return c("rejected", "negotiation", "configurations rejected in earlier rounds", "reconsider a rejected proposal or relax another constraint");
        case "demand.cpu":
            return c(d.cpuPeak, "demand.cpu", `peak CPU ${d.cpuPeak} vCPU (sustained ${d.cpuSustained})`, "allow more instances, or lower the CPU demand");
        case "demand.memory":
            return c(d.memoryPeak, "demand.memoryGiB", `peak memory ${d.memoryPeak} GiB`, "allow more instances, or lower the memory demand");
        case "demand.iops":
            return c(d.iopsPeak, "demand.iops", `peak ${d.iopsPeak} IOPS (sustained ${d.iopsSustained})`, "allow more instances, or lower the IOPS demand");
        case "demand.throughput":
            return c(d.throughputPeak, "demand.throughputMBps", `peak ${d.throughputPeak} MB/s (sustained ${d.throughputSustained})`, "allow more instances, or lower the throughput demand");
        case "demand.network":
            return c(d.networkPeakMbps, "demand.networkMbps", `peak network ${d.networkPeakMbps} Mbps`, "allow more instances, or lower the network demand");
        case "demand.storage":
            return c(d.storageGiB, "demand.storageGiB", `${d.storageGiB} GiB of data with its IOPS and throughput`, "allow more instances, or lower the storage demand");
    }
}

/**
 * The smallest set of atoms meeting every mask (each candidate violates one of them). Exact for
 * sets of up to four atoms (subsets tried in vocabulary order, so the answer is deterministic),
 * then greedy with redundant atoms removed.
 */
export function smallestConflict(masks: readonly number[]): number {
    const unique = [...new Set(masks)];
    if (unique.length === 0 || unique.includes(0)) {
        return 0;
    }
    const active = ATOMS.map((a) => BIT[a]).filter((bit) => unique.some((m) => (m & bit) !== 0));
    const hitsAll = (set: number) => unique.every((m) => (m & set) !== 0);
    const search = (start: number, size: number, set: number): number => {
        if (size === 0) {
            return hitsAll(set) ? set : 0;
        }
        for (let i = start; i <= active.length - size; i++) {
            const found = search(i + 1, size - 1, set | active[i]);
            if (found) {
                return found;
            }
        }
        return 0;
    };
    for (let size = 1; size <= Math.min(4, active.length); size++) {
        const found = search(0, size, 0);
        if (found) {
            return found;
        }
    }
    let set = 0;
    let left = unique;
    while (left.length > 0) {
        let best = active[0];
        let bestHits = -1;
        for (const bit of active) {
            const hits = left.filter((m) => (m & bit) !== 0).length;
            if (hits > bestHits) {
                best = bit;
                bestHits = hits;
            }
        }
        set |= best;
        left = left.filter((m) => (m & best) === 0);
    }
    for (const bit of active) {
        if ((set & bit) !== 0 && hitsAll(set & ~bit)) {
            set &= ~bit;
        }
    }
    return set;
}

/** How many nearest candidates to report. */
export const NEAREST = 5;

/**
 * Diagnoses an infeasible solve: assesses every offering of every priced region under the
 * cost-optimized policy with both purchase options, finds the smallest conflicting set, and
 * explains the nearest candidates (fewest misses, in the requested regions first, cheapest).
 */
export function diagnose(ctx: ScanContext, pre: readonly Conflict[] = [], prune = false): Infeasibility {
    const { req, catalog } = ctx;
    const all: Assessment[] = [];
    const purchases: Purchase[] = ["on-demand", "spot"];
    for (const name of catalog.regionNames) {
        const region = catalog.regions.get(name);
        if (!region) {
            continue;
        }
        for (const purchase of purchases) {
            const pol = policy("cost-optimized", purchase);
            // A dominated offering misses everything its dominator misses: the frontier gives the same conflicts.
            const list = !prune ? region.offerings : purchase === "spot" ? region.spotFrontier : region.frontier;
            for (const offering of list) {
                all.push(assess(ctx, offering, pol));
            }
        }
    }
    const masks = all.map((a) => a.mask & ~POLICY_BIT);
    const conflictMask = smallestConflict(masks);
    // The cheapest candidate missing nothing but cost limits prices the cost conflict.
    const costBits = BIT.maxMonthlyCost | BIT.maxHourlyCost;
    const cheapestOtherwise = Math.min(...all.filter((a) => (a.mask & ~POLICY_BIT & ~costBits) === 0 && a.mask !== 0).map((a) => a.monthly));
    const conflicts = [...pre, ...atomsOf(conflictMask).map((atom) => conflictOf(req, atom, Number.isFinite(cheapestOtherwise) ? cheapestOtherwise : undefined))];

    const inScope = new Set(req.regions);
    // With a contradiction found before the search, the candidates that miss nothing else are the nearest.
    const sorted = all
        .filter((a) => a.mask !== 0 || (pre.length > 0 && a.monthly < Infinity))
        .sort(
            (a, b) =>
                popcount(a.mask & ~POLICY_BIT) - popcount(b.mask & ~POLICY_BIT) ||
                Number(!inScope.has(a.offering.region)) - Number(!inScope.has(b.offering.region)) ||
                a.monthly - b.monthly ||
                (a.offering.spec.name < b.offering.spec.name ? -1 : a.offering.spec.name > b.offering.spec.name ? 1 : 0) ||
                (a.offering.region < b.offering.region ? -1 : 1),
        );
    // First, for each conflicting constraint, the best candidate that misses only it: relaxing
    // that one constraint admits it. Then the rest in order.
    const firsts = atomsOf(conflictMask).flatMap((atom) => sorted.find((a) => (a.mask & ~POLICY_BIT) === BIT[atom]) ?? []);
    const ordered = [...firsts, ...sorted.filter((a) => !firsts.includes(a))];
    const nearest: NearMiss[] = [];
    const types = new Set<string>();
    for (const a of ordered) {
        if (nearest.length >= NEAREST) {
            break;
        }
        if (types.has(a.offering.spec.name)) {
            continue;
        }
        types.add(a.offering.spec.name);
        const explained = assess(ctx, a.offering, a.policy, { explain: true });
        nearest.push({
            instanceType: a.offering.spec.name,
            region: a.offering.region,
            purchase: a.policy.purchase,
            count: a.count,
            monthlyCost: Number.isFinite(a.monthly) ? Number(a.monthly.toFixed(2)) : null,
            misses: [...pre.map((c) => `${c.constraint}: ${c.message}`), ...(explained.misses ?? []).map((m) => `${m.atom}: ${m.message}`)],
        });
    }
    const summary =
        conflicts.length > 0
            ? `No configuration satisfies ${conflicts.map((c) => c.message).join(" together with ")}.`
            : "No configuration satisfies the constraints.";
    return { summary, conflicts, nearest };
}
