import { Catalog, InstanceSpec } from "../catalog/catalog";
import { Architecture } from "../catalog/snapshot";
import { SecurityRequirements, securityRequirements } from "../compliance";
import { InputError, parseInput } from "../errors";
import { CostTolerance, LifecycleExpectations, Role, SecurityProfile } from "../persona/schema";
import { Demand } from "../workload/demand";
import { Constraints } from "./constraints";

/**
 * What the solver is asked, and what that means for one instance: hard constraints, the
 * demand spread over the fleet, the purchase options to propose and the security hook.
 */

/** Everything a solve depends on. Pure data: the same input gives the same proposals. */
export interface SolveInput {
    readonly demand: Demand;
    readonly constraints: Constraints;
    readonly catalog: Catalog;
    /** The security requirements (from `securityRequirements`); computed from `profile`, the demand and the constraints when absent. */
    readonly security?: SecurityRequirements;
    /** The persona's security profile, used only when `security` is absent. */
    readonly profile?: SecurityProfile;
    readonly lifecycle?: LifecycleExpectations;
    readonly cost?: CostTolerance;
    /** Ids of proposals the user rejected: the solve offers alternatives that avoid their configurations. */
    readonly rejected?: readonly string[];
}

export type Purchase = "on-demand" | "spot";

/**
 * Roles whose every instance holds the whole data set and serves the whole load (a primary and
 * its replicas); the others split the load evenly across instances.
 */
const REPLICATED_ROLES: readonly Role[] = ["database", "cache"];

/** Split roles whose data is sharded over the instances; the others keep a full copy on each (content, models, caches). */
const SHARDED_DATA_ROLES: readonly Role[] = ["analytics", "batch-worker", "message-queue", "search"];

/** Roles whose I/O is sequential enough for HDD volumes (st1, sc1); everything else gets SSD. */
const SEQUENTIAL_IO_ROLES: readonly Role[] = ["analytics", "batch-worker", "message-queue"];

/** Instances a fleet may grow to when neither the constraints nor the lifecycle say. */
export const DEFAULT_MAX_COUNT = 20;

/** Uptime targets above this need more than one zone (persona schema: "above 99.9 asks for more than one zone"). */
export const SINGLE_ZONE_UPTIME = 99.9;

export interface CostLimit {
    readonly value: number;
    /** `constraints.maxMonthlyCost` or `cost.maxMonthly` (the persona's tolerance). */
    readonly source: string;
}

/** The demand as totals over the fleet (peak and sustained), in the units of `Demand`. */
export interface DemandTotals {
    readonly cpuPeak: number;
    readonly cpuSustained: number;
    readonly memoryPeak: number;
    readonly iopsPeak: number;
    readonly iopsSustained: number;
    readonly throughputPeak: number;
    readonly throughputSustained: number;
    readonly networkPeakMbps: number;
    readonly networkSustainedMbps: number;
    readonly storageGiB: number;
}

export interface Requirements {
    /** Regions to search, sorted: the constraint's regions within the allowed ones. */
    readonly regions: readonly string[];
    /** Regions the constraints name (before residency), for conflict reports. */
    readonly requestedRegions: readonly string[];
    readonly role: Role;
    /** `split`: instances share the load; `replicate`: each instance carries all of it. */
    readonly sharing: "split" | "replicate";
    /** Whether each instance keeps only its share of the stored data (sharded) rather than all of it. */
    readonly dataSharded: boolean;
    readonly count: { readonly fixed: number | undefined; readonly min: number; readonly max: number; readonly source: string };
    /** The uptime target asks for two zones or more. */
    readonly multiAz: boolean;
    readonly uptimeTarget: number | undefined;
    readonly architecture: Architecture | undefined;
    readonly minVcpus: number;
    readonly minMemoryGiB: number;
    readonly gpus: number;
    /** GPU types may be offered (asked for, or the role uses them). */
    readonly gpuTypesAllowed: boolean;
    readonly burstableAllowed: boolean;
    readonly currentGenerationOnly: boolean;
    readonly minEbsBandwidthMbps: number;
    readonly minNetworkGbps: number;
    readonly demand: DemandTotals;
    readonly hddAllowed: boolean;
    /** Purchase options to propose; the first is the main one. */
    readonly purchases: readonly Purchase[];
    /** Whether on-demand / spot configurations may be proposed at all. */
    readonly onDemandProposed: boolean;
    readonly spotProposed: boolean;
    /** The purchase option the constraints fix, if any. */
    readonly purchaseFixed: Purchase | undefined;
    readonly interruptionTolerant: boolean;
    readonly maxHourly: CostLimit | undefined;
    readonly maxMonthly: CostLimit | undefined;
    readonly allow: readonly TypePattern[] | undefined;
    readonly deny: readonly TypePattern[];
    readonly security: SecurityRequirements;
    readonly dedicated: boolean;
}

/** A compiled allow/deny pattern. */
export interface TypePattern {
    readonly text: string;
    /** Names a type or a family exactly (no `*`): such a name also admits accelerator and GPU types. */
    readonly exact: boolean;
    readonly test: (spec: InstanceSpec) => boolean;
}

function compilePattern(text: string): TypePattern {
    if (!text.includes("*")) {
        return { text, exact: true, test: (spec) => (text.includes(".") ? spec.name === text : spec.family === text) };
    }
    const source = text.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
    const re = new RegExp(`^${source}$`);
    return { text, exact: false, test: (spec) => re.test(spec.name) || (!text.includes(".") && re.test(spec.family)) };
}

function typePatterns(catalog: Catalog, patterns: readonly string[] | undefined, key: "allowTypes" | "denyTypes"): TypePattern[] | undefined {
    if (!patterns) {
        return undefined;
    }
    return patterns.map((text, i) => {
        const pattern = compilePattern(text);
        if (![...catalog.types.values()].some(pattern.test)) {
            const family = text.split(".")[0].replace(/\*/g, "");
            const near = [...new Set([...catalog.types.values()].filter((s) => family && s.family.startsWith(family.slice(0, 2))).map((s) => s.family))].slice(0, 6);
            throw InputError.single(
                "constraints",
                `${key}[${i}]`,
                `"${text}" matches no instance type in the catalog`,
                near.length > 0 ? `check the spelling; families nearby: ${near.join(", ")}` : "name a type (m7i.large), a family (m7i) or a pattern (m7*)",
            );
        }
        return pattern;
    });
}

/** Region names the catalog prices, or an InputError naming the constraint and the fix. */
function resolveRegions(catalog: Catalog, regions: Constraints["regions"], allowed: readonly string[]): string[] {
    if (regions === "all") {
        return [...catalog.regionNames];
    }
    if (regions === undefined) {
        const priced = allowed.filter((r) => catalog.regions.has(r));
        return priced.length > 0 ? priced : allowed.length > 0 ? [...allowed] : ["us-east-1"];
    }
    regions.forEach((region, i) => {
        if (catalog.regions.has(region)) {
            return;
        }
        const unpriced = catalog.unpricedRegions.get(region);
        throw InputError.single(
            "constraints",
            `regions[${i}]`,
            unpriced !== undefined
                ? `region ${region} offers ${unpriced} instance types but the catalog snapshot has no prices for it`
                : `unknown region "${region}"`,
            unpriced !== undefined
                ? "pick a priced region or refresh the catalog with persona catalog refresh"
                : `use one of ${catalog.regionNames.join(", ")}, or all`,
        );
    });
    return [...new Set(regions)].sort();
}

/** The security requirements a solve applies: given, or computed from the profile, demand and constraints. */
export function securityFor(input: SolveInput): SecurityRequirements {
    return (
        input.security ??
        securityRequirements({
            profile: input.profile,
            role: input.demand.role,
            compliance: [...new Set([...(input.demand.compliance ?? []), ...(input.constraints.compliance ?? [])])].sort(),
            sensitivity: input.constraints.sensitivity ?? input.demand.sensitivity,
        })
    );
}

function tighter(a: CostLimit | undefined, b: CostLimit | undefined): CostLimit | undefined {
    if (!a) {
        return b;
    }
    if (!b) {
        return a;
    }
    return b.value < a.value ? b : a;
}

/**
 * Validates the input and derives the requirements. Input that cannot be interpreted (an unknown
 * region, a pattern matching no type, a negative figure) is an InputError naming the input and
 * the path; constraints that merely exclude everything are left to the solve to report.
 */
export function requirementsFor(input: SolveInput): Requirements {
    const constraints = parseInput(Constraints, input.constraints, "constraints");
    const demand = parseInput(Demand, input.demand, "demand");
    const lifecycle = input.lifecycle ? parseInput(LifecycleExpectations, input.lifecycle, "lifecycle") : undefined;
    const cost = input.cost ? parseInput(CostTolerance, input.cost, "cost") : undefined;
    const { catalog } = input;
    const security = securityFor({ ...input, constraints, demand });
    const requestedRegions = resolveRegions(catalog, constraints.regions, security.allowedRegions);
    const regions = security.allowedRegions.length > 0 ? requestedRegions.filter((r) => security.allowedRegions.includes(r)) : requestedRegions;

    const sharing = REPLICATED_ROLES.includes(demand.role) ? "replicate" : "split";
    const multiAz = (lifecycle?.uptimeTarget ?? 0) > SINGLE_ZONE_UPTIME;
    const fixed = constraints.count;
    const scalingMin = lifecycle?.scaling.min ?? 1;
    const min = fixed ?? Math.max(scalingMin, multiAz ? 2 : 1);
    // A replicated role runs `min` instances; without a lifecycle a standby may still be proposed (resilient).
    const max = fixed ?? (lifecycle ? Math.max(min, lifecycle.scaling.max) : sharing === "replicate" ? Math.max(min, 2) : Math.max(min, DEFAULT_MAX_COUNT));
    const countSource = fixed !== undefined ? "constraints.count" : lifecycle ? "lifecycle.scaling" : "default";

    const gpus = constraints.gpus ?? demand.gpus ?? (demand.role === "ml-training" ? 1 : 0);
    const gpuTypesAllowed = gpus > 0 || (constraints.gpus === undefined && (demand.role === "ml-inference" || demand.role === "ml-training"));
    const purchaseFixed = constraints.purchase;
    const interruptionTolerant = lifecycle?.interruptionTolerant ?? false;
    const purchases: Purchase[] = purchaseFixed ? [purchaseFixed] : interruptionTolerant ? ["on-demand", "spot"] : ["on-demand"];

    const limit = (value: number | undefined, source: string): CostLimit | undefined => (value === undefined ? undefined : { value, source });
    // One object literal with every key present: the scan reads it for every offering, and a
    // fixed shape keeps those reads fast.
    return {
        regions,
        requestedRegions,
        role: demand.role,
        sharing,
        dataSharded: sharing === "split" && SHARDED_DATA_ROLES.includes(demand.role),
        count: { fixed, min, max, source: countSource },
        multiAz,
        uptimeTarget: lifecycle?.uptimeTarget,
        architecture: constraints.architecture,
        minVcpus: constraints.minVcpus ?? 0,
        minMemoryGiB: constraints.minMemoryGiB ?? 0,
        gpus,
        gpuTypesAllowed,
        burstableAllowed: constraints.burstable !== "deny",
        currentGenerationOnly: constraints.currentGeneration === true,
        minEbsBandwidthMbps: constraints.minEbsBandwidthMbps ?? 0,
        minNetworkGbps: constraints.minNetworkGbps ?? 0,
        demand: {
            cpuPeak: demand.cpu.peak,
            cpuSustained: demand.cpu.sustained,
            memoryPeak: demand.memoryGiB.peak,
            iopsPeak: demand.iops.peak,
            iopsSustained: demand.iops.sustained,
            throughputPeak: demand.throughputMBps.peak,
            throughputSustained: demand.throughputMBps.sustained,
            networkPeakMbps: demand.networkMbps.peak,
            networkSustainedMbps: demand.networkMbps.sustained,
            storageGiB: demand.storageGiB,
        },
        hddAllowed: SEQUENTIAL_IO_ROLES.includes(demand.role),
        purchases,
        onDemandProposed: purchases.includes("on-demand"),
        spotProposed: purchases.includes("spot"),
        purchaseFixed,
        interruptionTolerant,
        maxHourly: tighter(limit(constraints.maxHourlyCost, "constraints.maxHourlyCost"), limit(cost?.maxHourly, "cost.maxHourly")),
        maxMonthly: tighter(limit(constraints.maxMonthlyCost, "constraints.maxMonthlyCost"), limit(cost?.maxMonthly, "cost.maxMonthly")),
        allow: typePatterns(catalog, constraints.allowTypes, "allowTypes"),
        deny: typePatterns(catalog, constraints.denyTypes, "denyTypes") ?? [],
        security,
        dedicated: security.settings.tenancy === "dedicated",
    };
}

/** How many ways the load is divided when `n` instances run: n when they share it, 1 when each carries it all. */
export function shareOf(req: Requirements, n: number): number {
    return req.sharing === "split" ? n : 1;
}
