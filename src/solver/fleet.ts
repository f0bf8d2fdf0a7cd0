import solver, { Model, SolveResult } from "javascript-lp-solver";
import { Offering } from "../catalog/catalog";
import { placement } from "./cost";
import { HOURS_PER_MONTH } from "./proposal";
import { ScanContext, staticMask } from "./scan";

/**
 * A spot fleet diversified over instance types: the integer program that picks how many instances
 * of each type so the fleet carries the peak (vCPUs and memory, the load shared in proportion to
 * vCPUs) at minimum cost, with no single type (one spot capacity pool) carrying more than half:
 * whichever type is reclaimed, the others still carry half the peak. javascript-lp-solver solves
 * it; the candidate types are pruned first so the model stays small (ten integer variables).
 */

export interface FleetPick {
    readonly offering: Offering;
    readonly count: number;
    readonly zones: readonly string[];
    /** These instances together, USD per hour. */
    readonly hourly: number;
}

/** Integer variables the model gets at most: the branch-and-bound stays in the low milliseconds. */
export const FLEET_CANDIDATES = 10;

/**
 * The cheapest diversified fleet of spot offerings (of one region) that meet every type-level
 * constraint, or undefined when the demand has no CPU to weight by, the count is pinned to one, or
 * fewer than two types qualify. `overhead` is the monthly cost each instance adds besides compute
 * (root volume, per-instance security extras).
 */
export function diversifiedFleet(ctx: ScanContext, offerings: readonly Offering[], overhead: number): FleetPick[] | undefined {
    const { req } = ctx;
    const d = req.demand;
    const minCount = Math.max(2, req.count.min);
    const maxCount = req.count.fixed ?? req.count.max;
    if (req.sharing !== "split" || d.cpuPeak <= 0 || maxCount < minCount) {
        return undefined;
    }
    // A type's share of the load is at most its vCPUs over the peak (the fleet has at least the peak):
    // each type must carry that share of every per-instance load on its own.
    const fits = (o: Offering): boolean => {
        const s = o.spec;
        const share = Math.min(1, s.vcpus / d.cpuPeak);
        return (
            !s.burstable &&
            s.memoryGiB >= d.memoryPeak * share &&
            (d.iopsPeak === 0 || (s.ebs.maxIops >= d.iopsPeak * share && s.ebs.baselineIops >= d.iopsSustained * share)) &&
            (d.throughputPeak === 0 || (s.ebs.maxMBps >= d.throughputPeak * share && s.ebs.baselineMBps >= d.throughputSustained * share)) &&
            (d.networkPeakMbps === 0 || (s.network.peakGbps * 1000 >= d.networkPeakMbps * share && s.network.baselineGbps * 1000 >= d.networkSustainedMbps * share))
        );
    };
    const unit = (o: Offering): number => (placement(o, "spot", 1)?.hourly ?? Infinity) * HOURS_PER_MONTH + overhead;
    // Cost per share of the demand one instance covers: the resource it covers least, and no more
    // than all of it (a type larger than the whole demand is worth the whole demand, not more).
    const covers = (o: Offering): number => Math.min(1, o.spec.vcpus / d.cpuPeak, d.memoryPeak > 0 ? o.spec.memoryGiB / d.memoryPeak : 1);
    const score = (o: Offering): number => unit(o) / covers(o);
    const candidates = offerings
        .filter((o) => staticMask(ctx, o, "spot") === 0 && fits(o))
        .sort((a, b) => score(a) - score(b) || (a.spec.name < b.spec.name ? -1 : 1))
        .slice(0, FLEET_CANDIDATES);
    if (candidates.length < 2) {
        return undefined;
    }
    const constraints: Model["constraints"] = {
        cpu: { min: d.cpuPeak },
        memory: { min: d.memoryPeak },
        count: req.count.fixed !== undefined ? { equal: req.count.fixed } : { min: minCount, max: maxCount },
    };
    const variables: Model["variables"] = {};
    const ints: Record<string, 1> = {};
    candidates.forEach((o, i) => {
        constraints[`cpuWithout${i}`] = { min: d.cpuPeak / 2 };
        constraints[`memoryWithout${i}`] = { min: d.memoryPeak / 2 };
        const v: Record<string, number> = { cost: unit(o), cpu: o.spec.vcpus, memory: o.spec.memoryGiB, count: 1 };
        candidates.forEach((_, j) => {
            if (j !== i) {
                v[`cpuWithout${j}`] = o.spec.vcpus;
                v[`memoryWithout${j}`] = o.spec.memoryGiB;
            }
        });
        variables[`x${i}`] = v;
        ints[`x${i}`] = 1;
    });
    const model: Model = { optimize: "cost", opType: "min", constraints, variables, ints };
    // Without `full`, Solve returns the simplified result (its declared type widens it to unknown).
    const result = solver.Solve(model) as SolveResult;
    if (!result.feasible) {
        return undefined;
    }
    const chosen: { offering: Offering; count: number }[] = [];
    candidates.forEach((o, i) => {
        const raw = result[`x${i}`];
        const count = typeof raw === "number" ? Math.round(raw) : 0;
        if (count > 0) {
            chosen.push({ offering: o, count });
        }
    });
    if (chosen.length < 2) {
        return undefined;
    }
    chosen.sort((a, b) => b.count - a.count || b.offering.spec.vcpus - a.offering.spec.vcpus || (a.offering.spec.name < b.offering.spec.name ? -1 : 1));
    return spreadFleet(chosen);
}

/**
 * Zones for a fleet's instances: each goes to the cheapest zone its type has a spot price in that
 * no instance uses yet, and once every such zone is used, round-robin over its three cheapest.
 * Spreading over zones is what makes a diversified fleet survive a zone's capacity running out.
 */
export function spreadFleet(members: readonly { offering: Offering; count: number }[]): FleetPick[] {
    const used = new Set<string>();
    return members.map(({ offering, count }) => {
        const slots = offering.zones
            .map((zone, i) => ({ zone, price: offering.spot[i] }))
            .filter((s): s is { zone: string; price: number } => s.price !== null)
            .sort((a, b) => a.price - b.price || (a.zone < b.zone ? -1 : 1));
        const zones: string[] = [];
        let hourly = 0;
        for (let i = 0; i < count; i++) {
            const slot = slots.find((s) => !used.has(s.zone)) ?? slots[i % Math.min(slots.length, 3)];
            used.add(slot.zone);
            zones.push(slot.zone);
            hourly += slot.price;
        }
        return { offering, count, zones, hourly };
    });
}
