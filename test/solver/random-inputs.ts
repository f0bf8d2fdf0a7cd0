import { Catalog } from "../../src/catalog/catalog";
import { FRAMEWORKS, LifecycleExpectations, ROLES } from "../../src/persona/schema";
import { Constraints } from "../../src/solver/constraints";
import { SolveInput } from "../../src/solver/requirements";
import { Demand } from "../../src/workload/demand";
import { seededRandom } from "../../src/random";

/** A small seeded generator: the same seed gives the same inputs on every machine. */
export const rng = seededRandom;

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/** A demand with the given peaks; sustained and average as fractions of the peak. */
export function flatDemand(role: Demand["role"], figures: { cpu: number; memoryGiB: number; iops?: number; throughputMBps?: number; networkMbps?: number; storageGiB?: number; sustained?: number }): Demand {
    const f = figures.sustained ?? 1;
    const metric = (peak: number) => ({ peak, average: round(peak * f * 0.8), sustained: round(peak * f), series: [peak, round(peak * f * 0.8)] });
    return {
        role,
        confidence: 1,
        intervalMinutes: 60,
        cpu: metric(figures.cpu),
        memoryGiB: metric(figures.memoryGiB),
        iops: metric(figures.iops ?? 0),
        throughputMBps: metric(figures.throughputMBps ?? 0),
        networkMbps: metric(figures.networkMbps ?? 0),
        storageGiB: figures.storageGiB ?? 0,
        compliance: [],
        assumptions: [],
        questions: [],
    };
}

/** A random but plausible solve input over the real catalog. */
export function randomInput(catalog: Catalog, next: () => number): SolveInput {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
    const logUniform = (lo: number, hi: number) => round(Math.exp(Math.log(lo) + next() * (Math.log(hi) - Math.log(lo))));
    const chance = (p: number) => next() < p;
    const role = pick(ROLES);
    const demand = flatDemand(role, {
        cpu: logUniform(0.1, 96),
        memoryGiB: logUniform(0.25, 512),
        iops: chance(0.5) ? logUniform(50, 60000) : 0,
        throughputMBps: chance(0.4) ? logUniform(5, 2000) : 0,
        networkMbps: chance(0.5) ? logUniform(10, 20000) : 0,
        storageGiB: chance(0.6) ? logUniform(1, 30000) : 0,
        sustained: round(0.1 + next() * 0.9),
    });
    const regions = catalog.regionNames;
    const constraints: Record<string, unknown> = {};
    constraints.regions = chance(0.1) ? "all" : [...new Set([pick(regions), ...(chance(0.3) ? [pick(regions)] : [])])];
    if (chance(0.25)) constraints.architecture = pick(["x86_64", "arm64"]);
    if (chance(0.2)) constraints.minVcpus = pick([1, 2, 4, 8]);
    if (chance(0.2)) constraints.minMemoryGiB = pick([1, 4, 8, 16, 64]);
    if (chance(0.2)) constraints.burstable = "deny";
    if (chance(0.2)) constraints.currentGeneration = true;
    if (chance(0.2)) constraints.count = pick([1, 2, 3, 5]);
    if (chance(0.1)) constraints.purchase = pick(["on-demand", "spot"]);
    if (chance(0.25)) constraints.maxMonthlyCost = logUniform(20, 20000);
    if (chance(0.1)) constraints.denyTypes = [pick(["t3", "m5", "c7*", "r6g"])];
    if (chance(0.15)) constraints.compliance = [pick(FRAMEWORKS)];
    if (chance(0.1)) constraints.minNetworkGbps = pick([1, 5, 10]);
    const lifecycle: LifecycleExpectations | undefined = chance(0.5)
        ? (() => {
              const min = pick([1, 1, 2, 3]);
              return { uptimeTarget: pick([99, 99.5, 99.9, 99.95, 99.99]), scaling: { min, max: min + pick([0, 2, 10]) }, expectedDuration: "open-ended", interruptionTolerant: chance(0.4) };
          })()
        : undefined;
    return { demand, constraints: constraints as Constraints, catalog, ...(lifecycle ? { lifecycle } : {}) };
}
