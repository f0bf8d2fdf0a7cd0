import { InputError } from "../errors";
import { Role } from "../persona/schema";
import { round } from "../persona/series";
import { Assumption } from "./demand";
import { Facts, FIGURE_UNITS, FigureName } from "./facts";

/**
 * Every number the capacity model uses that the user did not state, with its default, unit and
 * source. A user overrides any of them by name (`assumptions: { cpuMsPerRequest: 40 }` in a
 * structured workload, or `--assume cpuMsPerRequest=40` on the command line).
 */
export interface AssumptionSpec {
    /** Default, or per-role defaults with a fallback under `default`. */
    readonly value: number | (Partial<Record<Role, number>> & { readonly default: number });
    readonly unit?: string;
    readonly source: string;
    /** Largest sensible value (fractions are at most 1). */
    readonly max?: number;
}

export const ASSUMPTIONS = {
    // Traffic
    pageViewsPerUser: { value: 6, unit: "page views/user/day", source: "web analytics norm: 5-7 pages per visit" },
    requestsPerPageView: { value: 4, unit: "requests/page view", source: "the HTML plus its API calls; static assets served by a CDN" },
    apiCallsPerUser: { value: 40, unit: "calls/user/day", source: "mobile and single-page apps make tens of API calls per active user a day" },
    predictionsPerUser: { value: 10, unit: "predictions/user/day", source: "assumed: a few model calls per user visit" },
    searchesPerUser: { value: 3, unit: "searches/user/day", source: "assumed: a few searches per visit (site-search norm)" },
    eventsPerUser: { value: 50, unit: "events/user/day", source: "assumed: clickstream and domain events of an active user" },
    transactionsPerUser: { value: 50, unit: "transactions/user/day", source: "assumed: reads and writes behind an active user's page views" },
    usersPerOrganisation: { value: 25, unit: "users/organisation/day", source: "assumed: staff of a clinic, store or office using the system daily" },
    dailyActiveShare: { value: 0.15, unit: "fraction", source: "DAU/MAU norm: 10-20 % of registered users are active on a given day", max: 1 },
    conversionRate: { value: 0.025, unit: "fraction", source: "e-commerce norm: 2-3 % of visits end in an order", max: 1 },
    messagesPerDevicePerMinute: { value: 1, unit: "msg/device/min", source: "assumed: one reading per device per minute" },
    peakToAverage: { value: 2, unit: "ratio", source: "peak hour over the weekly mean of the role's learned load shape (Bitbrains traces)" },
    // Service cost
    cpuMsPerRequest: { value: { "web-server": 40, "api-service": 15, default: 15 }, unit: "ms", source: "server-rendered pages cost 20-100 ms of CPU, JSON API calls 5-30 ms" },
    requestKB: { value: 2, unit: "KB", source: "assumed: headers, cookies and a small body" },
    responseKB: { value: { "web-server": 60, "api-service": 8, "ml-inference": 2, default: 8 }, unit: "KB", source: "HTML page without its static assets ~60 KB; JSON response ~8 KB" },
    latencySeconds: { value: { "web-server": 0.2, default: 0.1 }, unit: "s", source: "assumed response time (Little's law: in-flight requests = rate x time)" },
    memoryPerInFlightMiB: { value: { "web-server": 64, default: 16 }, unit: "MiB", source: "a PHP-FPM/Rails worker ~64 MiB; an async API request ~16 MiB" },
    memoryPerConnectionKiB: { value: 64, unit: "KiB", source: "idle keep-alive or websocket connection buffers" },
    baseVcpu: { value: { database: 0.5, search: 0.5, analytics: 0.5, "ml-inference": 0.5, default: 0.25 }, unit: "vCPU", source: "OS, agents and the runtime at idle" },
    baseMemoryGiB: { value: { "web-server": 1, "api-service": 0.75, database: 1, cache: 0.5, "message-queue": 2, search: 1, analytics: 4, "batch-worker": 1, "ci-runner": 1, "ml-inference": 1, "ml-training": 4, default: 1 }, unit: "GiB", source: "OS and runtime (a JVM broker or warehouse needs more)" },
    baseIops: { value: 20, unit: "IOPS", source: "logs and OS writes at idle" },
    iopsPerRequest: { value: 0.05, unit: "IOPS/(req/s)", source: "assumed: buffered access logs and temp files" },
    appStorageGiB: { value: { "web-server": 20, "api-service": 10, "ml-inference": 20, default: 10 }, unit: "GiB", source: "application, logs and uploads kept locally" },
    // Databases
    rowBytes: { value: 1000, unit: "bytes", source: "assumed mean row or document size including indexes" },
    dataPerUserMiB: { value: 2, unit: "MiB/daily user", source: "assumed: profile, orders and history kept per daily user" },
    workingSetFraction: { value: 0.2, unit: "fraction", source: "OLTP working sets are typically 10-30 % of the data", max: 1 },
    bufferPoolShare: { value: 0.75, unit: "fraction", source: "PostgreSQL/MySQL guidance: give the cache ~75 % of RAM", max: 1 },
    cpuMsPerTransaction: { value: 2, unit: "ms", source: "an indexed OLTP statement costs 0.5-5 ms of CPU" },
    readRatio: { value: 0.8, unit: "fraction", source: "OLTP norm: about 80 % reads", max: 1 },
    readIOsPerTransaction: { value: 0.5, unit: "IO", source: "reads that miss the cache" },
    writeIOsPerTransaction: { value: 3, unit: "IO", source: "WAL/redo write plus data and index pages" },
    ioSizeKiB: { value: { database: 16, "message-queue": 64, default: 256 }, unit: "KiB", source: "page-sized random IO for databases; large sequential IO for logs and scans" },
    resultKB: { value: { database: 4, search: 10, default: 4 }, unit: "KB", source: "assumed mean result sent back per query" },
    walKBPerWrite: { value: 4, unit: "KB", source: "assumed WAL/binlog volume per write" },
    replicas: { value: 1, unit: "standbys", source: "one standby for failover, fed by replication over the network" },
    storageHeadroom: { value: { "message-queue": 1.3, analytics: 1.3, default: 1.5 }, unit: "ratio", source: "growth, indexes, WAL and free space over the data" },
    // Caches
    valueBytes: { value: 1024, unit: "bytes", source: "assumed mean value size (a session is 0.5-4 KB)" },
    keyOverheadBytes: { value: 100, unit: "bytes", source: "Redis per-key overhead (dict entry, key, expiry) ~50-100 B" },
    memoryFragmentation: { value: 1.3, unit: "ratio", source: "Redis mem_fragmentation_ratio is typically 1.2-1.5" },
    accessesPerKeyPerHour: { value: 7, unit: "accesses/key/h", source: "assumed: each key read every ~8 minutes on average" },
    operationsPerVcpu: { value: 80000, unit: "ops/s/vCPU", source: "redis-benchmark: ~100k small GET/SET per core" },
    snapshotIntervalSeconds: { value: 3600, unit: "s", source: "RDB snapshot every hour" },
    persistenceCopies: { value: 2, unit: "copies", source: "a snapshot plus room to rewrite it" },
    // Queues
    messageKB: { value: 1, unit: "KB", source: "assumed mean message size" },
    retentionHours: { value: 168, unit: "h", source: "Kafka's default log.retention.hours (7 days)" },
    consumerGroups: { value: 2, unit: "groups", source: "assumed: two independent consumers read every message" },
    replicationFactor: { value: 1, unit: "copies", source: "one copy; use 3 for a replicated Kafka cluster" },
    messagesPerVcpu: { value: 20000, unit: "msg/s/vCPU", source: "Kafka/RabbitMQ sustain tens of thousands of small messages per core" },
    pageCacheSeconds: { value: 600, unit: "s", source: "keep the last 10 minutes of messages in memory so consumers read from cache" },
    consumerCacheHitRatio: { value: 0.9, unit: "fraction", source: "consumers that keep up read from the page cache", max: 1 },
    // Search
    documentKB: { value: 5, unit: "KB", source: "assumed mean source document size" },
    indexToSourceRatio: { value: 1.2, unit: "ratio", source: "inverted index plus stored fields ~1-1.5x the source" },
    cpuMsPerQuery: { value: 15, unit: "ms", source: "a full-text query with facets costs 5-50 ms of CPU" },
    heapShareOfIndex: { value: 0.1, unit: "fraction", source: "Elasticsearch heap sized at ~10 % of the index, at most 31 GiB", max: 1 },
    pageCacheShareOfIndex: { value: 0.5, unit: "fraction", source: "Elastic guidance: keep the hot index in the filesystem cache", max: 1 },
    iopsPerQuery: { value: 2, unit: "IO", source: "assumed: segment reads that miss the cache" },
    logRetentionDays: { value: 14, unit: "days", source: "log search (ELK/OpenSearch) commonly keeps 7-30 days of indices" },
    hotLogDays: { value: 1, unit: "days", source: "most log searches look at the last day; older indices stay on disk" },
    indexingMBpsPerVcpu: { value: 5, unit: "MB/s/vCPU", source: "Elasticsearch/OpenSearch index ~5-10 MB/s of log lines per core" },
    // Analytics
    queriesPerHour: { value: 60, unit: "queries/h", source: "assumed: a team's dashboards and ad-hoc queries at the busiest hour" },
    scanFraction: { value: 0.005, unit: "fraction", source: "partition pruning (recent days) and columnar reads (a few columns) touch ~0.1-2 % of the data per query", max: 1 },
    scanMBpsPerVcpu: { value: 200, unit: "MB/s/vCPU", source: "columnar engines (ClickHouse, Trino) scan 100-500 MB/s per core" },
    hotDataFraction: { value: 0.02, unit: "fraction", source: "assumed share of the data kept in memory", max: 1 },
    cacheHitRatio: { value: 0.5, unit: "fraction", source: "assumed share of scans served from memory", max: 1 },
    // Batch
    runsPerDay: { value: 1, unit: "runs/day", source: "assumed: one run a day" },
    deadlineHours: { value: 6, unit: "h", source: "the nightly window, 00:00 to 06:00" },
    processingMBpsPerVcpu: { value: 50, unit: "MB/s/vCPU", source: "parsing and transforming JSON/CSV runs at 30-100 MB/s per core" },
    outputRatio: { value: 0.5, unit: "ratio", source: "assumed: output half the size of the input" },
    memoryPerVcpuGiB: { value: 4, unit: "GiB/vCPU", source: "Spark executor guidance: 4-8 GiB per core" },
    cpuSecondsPerItem: { value: 0.1, unit: "s", source: "assumed CPU time per record, page or file" },
    scratchFactor: { value: 1, unit: "ratio", source: "local space for staging and spills, the size of one run's input" },
    // CI
    buildsPerDeveloperPerDay: { value: 5, unit: "builds/developer/day", source: "assumed: a few pushes and pull-request updates a day" },
    buildMinutes: { value: 10, unit: "min", source: "assumed mean pipeline duration" },
    vcpuPerJob: { value: 2, unit: "vCPU", source: "GitHub-hosted standard Linux runner (private repositories): 2 vCPU" },
    memoryPerJobGiB: { value: 7, unit: "GiB", source: "GitHub-hosted standard Linux runner (private repositories): 7 GB" },
    iopsPerJob: { value: 1000, unit: "IOPS", source: "dependency installs and compilation hit the disk hard" },
    throughputPerJobMBps: { value: 60, unit: "MB/s", source: "assumed: image layers and caches" },
    networkPerJobMbps: { value: 100, unit: "Mbps", source: "assumed: pulling images and dependencies" },
    buildCacheGiB: { value: 50, unit: "GiB", source: "assumed: Docker layers and dependency caches" },
    // ML
    bytesPerParameter: { value: 2, unit: "bytes", source: "fp16/bf16 weights" },
    trainingBytesPerParameter: { value: 16, unit: "bytes", source: "mixed-precision Adam: weights, gradients and optimizer state ~16 B per parameter (ZeRO paper)" },
    modelGiB: { value: 0.5, unit: "GiB", source: "assumed: a small model (gradient boosting, small neural net)" },
    gpuMemoryGiB: { value: 24, unit: "GiB", source: "NVIDIA A10G (g5 instances), the common AWS inference GPU" },
    gpuModelThresholdGiB: { value: 2, unit: "GiB", source: "models above ~1B parameters are served from a GPU" },
    requestsPerGpuPerSecond: { value: 20, unit: "req/s/GPU", source: "assumed: batched inference of a mid-sized model" },
    vcpuPerGpu: { value: { "ml-training": 8, default: 4 }, unit: "vCPU/GPU", source: "data loading and pre-processing per GPU" },
    hostMemoryPerGpuGiB: { value: 32, unit: "GiB/GPU", source: "host memory of at least the GPU memory, for loading and pinning" },
    cpuMsPerPrediction: { value: 20, unit: "ms", source: "a small model (trees, small net) on CPU: 1-50 ms" },
    epochs: { value: 3, unit: "epochs", source: "assumed passes over the training data" },
    trainingHours: { value: 24, unit: "h", source: "assumed: a run should finish within a day" },
    cpuTrainingMBpsPerVcpu: { value: 5, unit: "MB/s/vCPU", source: "gradient boosting on CPU processes a few MB/s per core per pass" },
    inMemoryFactor: { value: 2, unit: "ratio", source: "tabular training holds the data plus working copies (XGBoost ~2-3x)" },
    maxInMemoryGiB: { value: 768, unit: "GiB", source: "beyond this tabular training goes distributed or out of core" },
} satisfies Record<string, AssumptionSpec>;
export type AssumptionName = keyof typeof ASSUMPTIONS;

export function isAssumptionName(name: string): name is AssumptionName {
    return Object.prototype.hasOwnProperty.call(ASSUMPTIONS, name);
}

/** Checks override names and ranges, so a typo is an error rather than silently ignored. */
export function checkOverrides(overrides: Readonly<Record<string, number>>, input: string): void {
    const issues = Object.entries(overrides).flatMap(([name, value]) => {
        if (!isAssumptionName(name)) {
            const near = Object.keys(ASSUMPTIONS).filter((known) => known.toLowerCase().includes(name.toLowerCase().slice(0, 5)));
            return [{ input, path: `assumptions.${name}`, message: `unknown assumption "${name}"`, fix: near.length > 0 ? `did you mean ${near.join(", ")}?` : `use one of ${Object.keys(ASSUMPTIONS).join(", ")}` }];
        }
        const spec: AssumptionSpec = ASSUMPTIONS[name];
        if (spec.max !== undefined && value > spec.max) {
            return [{ input, path: `assumptions.${name}`, message: `${value} is above ${spec.max}`, fix: `give a value from 0 to ${spec.max}` }];
        }
        return [];
    });
    if (issues.length > 0) {
        throw new InputError(issues);
    }
}

/**
 * The record of everything a demand rests on: stated figures, inferred figures and assumptions,
 * in the order the capacity model used them. It also answers "was this figure stated?", which
 * decides whether the workload or a base persona wins for a metric.
 */
export class Ledger {
    private readonly entries = new Map<string, Assumption>();
    private readonly statedNames = new Set<string>();

    constructor(
        readonly role: Role,
        private readonly facts: Facts,
        private readonly overrides: Readonly<Record<string, number>>,
    ) {}

    /** A figure the user stated, or undefined. */
    figure(name: FigureName): number | undefined {
        const figure = this.facts.figures[name];
        if (figure === undefined) {
            return undefined;
        }
        this.statedNames.add(name);
        this.record({ name, value: round(figure.value), unit: FIGURE_UNITS[name], source: figure.source });
        return figure.value;
    }

    /** Whether a figure was stated (without recording it). */
    has(name: FigureName): boolean {
        return this.facts.figures[name] !== undefined;
    }

    /** An assumption's value: the user's override, else the role's default. */
    assume(name: AssumptionName): number {
        const spec: AssumptionSpec = ASSUMPTIONS[name];
        const override = this.overrides[name];
        if (override !== undefined) {
            this.statedNames.add(name);
            this.record({ name, value: override, ...(spec.unit ? { unit: spec.unit } : {}), source: "your override" });
            return override;
        }
        const value = typeof spec.value === "number" ? spec.value : (spec.value[this.role] ?? spec.value.default);
        this.record({ name, value, ...(spec.unit ? { unit: spec.unit } : {}), source: spec.source });
        return value;
    }

    /** An assumption whose default comes from data (a learned shape), still overridable. */
    assumeFrom(name: AssumptionName, value: number, source: string): number {
        const override = this.overrides[name];
        const spec: AssumptionSpec = ASSUMPTIONS[name];
        if (override !== undefined) {
            this.statedNames.add(name);
            this.record({ name, value: override, ...(spec.unit ? { unit: spec.unit } : {}), source: "your override" });
            return override;
        }
        this.record({ name, value: round(value), ...(spec.unit ? { unit: spec.unit } : {}), source });
        return value;
    }

    /** A figure inferred from others (recorded with how it was inferred). */
    infer(name: string, value: number, unit: string, how: string): number {
        this.record({ name, value: round(value), unit, source: how });
        return value;
    }

    /** Records a non-numeric fact (role, shape, compliance evidence). */
    note(name: string, value: string | number | boolean, source: string): void {
        this.record({ name, value, source });
    }

    /** Whether any of these figures or assumption overrides came from the user. */
    anyStated(names: readonly string[]): boolean {
        return names.some((n) => this.statedNames.has(n) || (this.facts.figures as Record<string, unknown>)[n] !== undefined || this.overrides[n] !== undefined);
    }

    list(): Assumption[] {
        return [...this.entries.values()];
    }

    private record(entry: Assumption): void {
        if (!this.entries.has(entry.name)) {
            this.entries.set(entry.name, entry);
        }
    }
}
