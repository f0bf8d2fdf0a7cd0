/**
 * The solver's constraint vocabulary: every hard constraint a configuration can violate, as one
 * bit. A candidate's violations are a bitmask, so the conflict analysis (which constraints
 * together exclude everything) and the binding analysis (which constraint, relaxed alone, would
 * admit something cheaper) are set operations over masks.
 */
export const ATOMS = [
    "regions",
    "residency",
    "architecture",
    "minVcpus",
    "minMemoryGiB",
    "gpus",
    "accelerators",
    "burstable",
    "currentGeneration",
    "minEbsBandwidthMbps",
    "minNetworkGbps",
    "allowTypes",
    "denyTypes",
    "purchase",
    "tenancy",
    "uptime",
    "count",
    "maxHourlyCost",
    "maxMonthlyCost",
    "rejected",
    "demand.cpu",
    "demand.memory",
    "demand.iops",
    "demand.throughput",
    "demand.network",
    "demand.storage",
] as const;
export type Atom = (typeof ATOMS)[number];

export const BIT: Readonly<Record<Atom, number>> = Object.fromEntries(ATOMS.map((a, i) => [a, 1 << i])) as Record<Atom, number>;

/** The atoms set in a mask, in vocabulary order. */
export function atomsOf(mask: number): Atom[] {
    return ATOMS.filter((a) => (mask & BIT[a]) !== 0);
}

export function popcount(mask: number): number {
    let n = 0;
    for (let m = mask; m !== 0; m &= m - 1) {
        n++;
    }
    return n;
}

/** One constraint a configuration misses, with the figures: `16 GiB < 32 GiB required`. */
export interface Miss {
    readonly atom: Atom;
    readonly message: string;
}
