import { MetricName, Role } from "../persona/schema";
import { AssumptionName, Ledger } from "./assumptions";
import { Facts, FigureName, Scale } from "./facts";

/**
 * The capacity model: from a workload's figures (stated, or inferred from its scale) to the five
 * metrics at the peak hour and on average, plus storage and GPUs. One function per role; each is
 * a small, monotone formula over named figures and assumptions, all recorded in the ledger so the
 * user sees (and can override) every number. Demand is expected use: headroom above it is the
 * solver's business.
 */

/** A metric at the busiest hour and on weekly average, and whether the user's figures drive it. */
export interface MetricPlan {
    readonly peak: number;
    readonly average: number;
    readonly stated: boolean;
}

export interface CapacityPlan {
    readonly metrics: Readonly<Record<MetricName, MetricPlan>>;
    readonly storage: { readonly value: number; readonly stated: boolean };
    readonly gpus: number;
    /** What to add to make the estimate firmer. */
    readonly questions: readonly string[];
}

/** What the role models need besides the ledger: the scale and the learned peak-to-average ratio. */
export interface CapacityContext {
    readonly ledger: Ledger;
    readonly facts: Facts;
    /** Peak over mean of the role's learned shape, for the metric that carries its load. */
    readonly shapeRatio: number;
    readonly shapeRatioSource: string;
    /** GPUs asked for in words ("deep learning", "on a GPU") without a count. */
    readonly wantsGpu?: string;
}

type Metrics = Record<MetricName, number>;

const GIB_TO_MB = 2 ** 30 / 1e6;
const MIB_PER_GIB = 1024;

/** Figures per scale word, for the one figure that drives each role when nothing states it. */
const SCALE_DEFAULTS: Readonly<Record<string, Readonly<Record<Scale, number>>>> = {
    usersPerDay: { small: 2000, medium: 50000, large: 500000, huge: 5000000 },
    dataGiB: { small: 10, medium: 200, large: 2000, huge: 20000 },
    peakTransactionsPerSecond: { small: 20, medium: 300, large: 3000, huge: 20000 },
    keys: { small: 100000, medium: 2000000, large: 20000000, huge: 200000000 },
    peakMessagesPerSecond: { small: 50, medium: 1000, large: 20000, huge: 200000 },
    documents: { small: 100000, medium: 2000000, large: 20000000, huge: 200000000 },
    analyticsDataGiB: { small: 50, medium: 1000, large: 20000, huge: 200000 },
    dataPerRunGiB: { small: 5, medium: 100, large: 2000, huge: 20000 },
    developers: { small: 5, medium: 30, large: 200, huge: 1000 },
    peakRequestsPerSecond: { small: 2, medium: 20, large: 200, huge: 2000 },
    trainingDataGiB: { small: 5, medium: 100, large: 2000, huge: 20000 },
};

const QUESTIONS: Readonly<Record<Role, string>> = {
    "web-server": "How many users a day (or requests per second at peak)?",
    "api-service": "How many requests per second at peak?",
    database: "How much data (GB) and how many transactions per second at peak?",
    cache: "How many keys (or GB of data) and how many operations per second at peak?",
    "message-queue": "How many messages per second at peak, and how large are they?",
    search: "How many documents, and how many queries per second at peak?",
    analytics: "How much data (TB) do the queries run over, and how many queries an hour?",
    "batch-worker": "How much data does a run read, and by when must it finish?",
    "ci-runner": "How many developers (or builds a day), and how long does a build take?",
    "ml-inference": "How large is the model (parameters) and how many predictions per second at peak?",
    "ml-training": "How large are the model and the training data, and how long may a run take?",
};

class Plan {
    readonly questions: string[] = [];
    private scaleNoted = false;

    constructor(readonly ctx: CapacityContext) {}

    get ledger(): Ledger {
        return this.ctx.ledger;
    }

    fig(name: FigureName): number | undefined {
        return this.ctx.ledger.figure(name);
    }

    has(name: FigureName): boolean {
        return this.ctx.ledger.has(name);
    }

    a(name: AssumptionName): number {
        return this.ctx.ledger.assume(name);
    }

    /** The learned (or overridden) peak-to-average ratio of the load. */
    ratio(): number {
        return Math.max(1, this.ledger.assumeFrom("peakToAverage", this.ctx.shapeRatio, this.ctx.shapeRatioSource));
    }

    /** A figure from the workload's scale word (or medium), with a question asking for the real one. */
    fromScale(table: string, name: string, unit: string, question: string): number {
        const scale = this.ctx.facts.scale;
        const value = SCALE_DEFAULTS[table][scale?.value ?? "medium"];
        if (!this.scaleNoted) {
            this.scaleNoted = true;
            this.ledger.note("scale", scale?.value ?? "medium", scale?.source ?? "no figure or scale given: assumed medium");
        }
        if (!this.questions.includes(question)) {
            this.questions.push(question);
        }
        return this.ledger.infer(name, value, unit, `scale "${scale?.value ?? "medium"}"`);
    }

    /**
     * Average and peak of a rate: stated figures first (both, or one and the ratio), then volumes
     * over a day or a week, then the scale. Per-second rates without "average" count as peaks.
     */
    rate(opts: { average: FigureName; peak: FigureName; unit: string; fromVolumes?: () => number | undefined; firmVolume?: readonly FigureName[]; scaleTable: string; question: string }): { average: number; peak: number } {
        const peak = this.fig(opts.peak);
        const average = this.fig(opts.average);
        if (peak !== undefined && average !== undefined) {
            return { average, peak };
        }
        if (peak !== undefined) {
            return { peak, average: this.ledger.infer(opts.average, peak / this.ratio(), opts.unit, `${opts.peak} / peakToAverage`) };
        }
        if (average !== undefined) {
            return { average, peak: this.ledger.infer(opts.peak, average * this.ratio(), opts.unit, `${opts.average} x peakToAverage`) };
        }
        const fromVolumes = opts.fromVolumes?.();
        if (fromVolumes !== undefined) {
            // A rate inferred through assumed ratios (users per clinic, accesses per key) is worth asking for.
            if (!(opts.firmVolume ?? []).some((name) => this.ledger.has(name)) && !this.questions.includes(opts.question)) {
                this.questions.push(opts.question);
            }
            const avg = this.ledger.infer(opts.average, fromVolumes, opts.unit, "from the daily volume");
            return { average: avg, peak: this.ledger.infer(opts.peak, avg * this.ratio(), opts.unit, `${opts.average} x peakToAverage`) };
        }
        const p = this.fromScale(opts.scaleTable, opts.peak, opts.unit, opts.question);
        return { peak: p, average: this.ledger.infer(opts.average, p / this.ratio(), opts.unit, `${opts.peak} / peakToAverage`) };
    }

    /** Daily users: stated, or from organisations, registered users, orders or concurrent users. */
    usersPerDay(): number | undefined {
        const users = this.fig("usersPerDay");
        if (users !== undefined) {
            return users;
        }
        const organisations = this.fig("organisations");
        if (organisations !== undefined) {
            return this.ledger.infer("usersPerDay", organisations * this.a("usersPerOrganisation"), "users/day", "organisations x usersPerOrganisation");
        }
        const registered = this.fig("registeredUsers");
        if (registered !== undefined) {
            return this.ledger.infer("usersPerDay", registered * this.a("dailyActiveShare"), "users/day", "registeredUsers x dailyActiveShare");
        }
        const orders = this.fig("ordersPerDay");
        if (orders !== undefined) {
            return this.ledger.infer("usersPerDay", orders / Math.max(1e-6, this.a("conversionRate")), "users/day", "ordersPerDay / conversionRate");
        }
        return undefined;
    }

    /** Assembles the plan from metrics at peak and at average load. */
    build(peak: Metrics, average: Metrics, stated: Readonly<Record<MetricName, readonly string[]>>, storage: { value: number; drivers: readonly string[] }, gpus = 0): CapacityPlan {
        const stored = this.fig("storageGiB");
        const memory = this.fig("memoryGiB");
        const metric = (m: MetricName): MetricPlan => {
            if (m === "memoryGiB" && memory !== undefined) {
                // Explicit figures win: "64 GB of RAM" is the memory, whatever the model says.
                return { peak: memory, average: Math.min(memory, average.memoryGiB * (memory / Math.max(peak.memoryGiB, 1e-9))), stated: true };
            }
            return { peak: peak[m], average: Math.min(peak[m], average[m]), stated: this.ledger.anyStated(stated[m]) };
        };
        return {
            metrics: { cpu: metric("cpu"), memoryGiB: metric("memoryGiB"), iops: metric("iops"), throughputMBps: metric("throughputMBps"), networkMbps: metric("networkMbps") },
            storage: stored !== undefined ? { value: stored, stated: true } : { value: storage.value, stated: this.ledger.anyStated(storage.drivers) },
            gpus,
            questions: this.questions,
        };
    }
}

/** The same drivers for every metric. */
function all(drivers: readonly string[]): Record<MetricName, readonly string[]> {
    return { cpu: drivers, memoryGiB: drivers, iops: drivers, throughputMBps: drivers, networkMbps: drivers };
}

const REQUEST_DRIVERS = ["requestsPerSecond", "peakRequestsPerSecond", "usersPerDay", "organisations", "registeredUsers", "ordersPerDay", "concurrentConnections", "cpuMsPerRequest"];

/** Websites and APIs: requests drive CPU, memory (in-flight work), network and a little disk. */
function httpService(plan: Plan, role: Role): CapacityPlan {
    const perUser = () => (role === "web-server" ? plan.a("pageViewsPerUser") * plan.a("requestsPerPageView") : plan.a("apiCallsPerUser"));
    const rates = plan.rate({
        average: "requestsPerSecond",
        peak: "peakRequestsPerSecond",
        unit: "req/s",
        fromVolumes: () => {
            const users = plan.usersPerDay() ?? plan.fromScale("usersPerDay", "usersPerDay", "users/day", QUESTIONS[role]);
            return (users * perUser()) / 86400;
        },
        firmVolume: ["usersPerDay", "ordersPerDay"],
        scaleTable: "peakRequestsPerSecond",
        question: QUESTIONS[role],
    });
    const cpuMs = plan.a("cpuMsPerRequest");
    const base = plan.a("baseVcpu");
    const baseMemory = plan.a("baseMemoryGiB");
    const kb = plan.a("requestKB") + plan.a("responseKB");
    const latency = plan.a("latencySeconds");
    const perInFlight = plan.a("memoryPerInFlightMiB");
    const connections = plan.fig("concurrentConnections");
    const perConnection = connections !== undefined ? plan.a("memoryPerConnectionKiB") : 0;
    const baseIops = plan.a("baseIops");
    const iopsPerRequest = plan.a("iopsPerRequest");
    const at = (rps: number): Metrics => {
        const open = connections === undefined ? 0 : (connections * rps) / rates.peak;
        return {
            cpu: base + (rps * cpuMs) / 1000,
            memoryGiB: baseMemory + (rps * latency * perInFlight) / MIB_PER_GIB + (open * perConnection) / MIB_PER_GIB ** 2,
            iops: baseIops + rps * iopsPerRequest,
            throughputMBps: 0.5 + (rps * iopsPerRequest * 16) / 1024,
            networkMbps: (rps * kb * 8) / 1000,
        };
    };
    return plan.build(at(rates.peak), at(rates.average), all(REQUEST_DRIVERS), { value: plan.a("appStorageGiB"), drivers: [] });
}

/** OLTP databases: the working set drives memory, transactions drive CPU, IOPS and network. */
function database(plan: Plan): CapacityPlan {
    const data = plan.fig("dataGiB") ?? dataFromCounts(plan) ?? plan.fromScale("dataGiB", "dataGiB", "GiB", QUESTIONS.database);
    const workingSet = plan.fig("workingSetGiB") ?? plan.ledger.infer("workingSetGiB", data * plan.a("workingSetFraction"), "GiB", "dataGiB x workingSetFraction");
    const tx = plan.rate({
        average: "transactionsPerSecond",
        peak: "peakTransactionsPerSecond",
        unit: "tx/s",
        fromVolumes: () => {
            const users = plan.usersPerDay();
            return users === undefined ? undefined : (users * plan.a("transactionsPerUser")) / 86400;
        },
        firmVolume: ["usersPerDay"],
        scaleTable: "peakTransactionsPerSecond",
        question: QUESTIONS.database,
    });
    const readRatio = plan.fig("readRatio") ?? plan.a("readRatio");
    const cpuMs = plan.a("cpuMsPerTransaction");
    const base = plan.a("baseVcpu");
    const memory = Math.max(plan.a("baseMemoryGiB"), workingSet / Math.max(0.05, plan.a("bufferPoolShare")));
    const ioPerTx = readRatio * plan.a("readIOsPerTransaction") + (1 - readRatio) * plan.a("writeIOsPerTransaction");
    const ioKiB = plan.a("ioSizeKiB");
    const resultKB = plan.a("resultKB");
    const walKB = plan.a("walKBPerWrite");
    const replicas = plan.a("replicas");
    const checkpoint = plan.a("baseIops");
    const at = (tps: number): Metrics => {
        const iops = checkpoint + tps * ioPerTx;
        return {
            cpu: base + (tps * cpuMs) / 1000,
            memoryGiB: memory,
            iops,
            throughputMBps: (iops * ioKiB) / 1024,
            networkMbps: (tps * resultKB * 8) / 1000 + (tps * (1 - readRatio) * walKB * 8 * replicas) / 1000,
        };
    };
    const txDrivers = ["transactionsPerSecond", "peakTransactionsPerSecond", "usersPerDay", "organisations", "registeredUsers", "ordersPerDay"];
    const dataDrivers = ["dataGiB", "workingSetGiB", "rows", "documents", "usersPerDay", "registeredUsers", "organisations"];
    return plan.build(
        at(tx.peak),
        at(tx.average),
        { cpu: txDrivers, memoryGiB: dataDrivers, iops: txDrivers, throughputMBps: txDrivers, networkMbps: txDrivers },
        { value: data * plan.a("storageHeadroom"), drivers: dataDrivers },
    );
}

/** Data size from counts: rows, documents or users. */
function dataFromCounts(plan: Plan): number | undefined {
    const rows = plan.fig("rows") ?? plan.fig("documents");
    if (rows !== undefined) {
        return plan.ledger.infer("dataGiB", (rows * plan.a("rowBytes")) / 2 ** 30, "GiB", "rows x rowBytes");
    }
    const users = plan.fig("registeredUsers") ?? plan.usersPerDay();
    if (users !== undefined) {
        return plan.ledger.infer("dataGiB", (users * plan.a("dataPerUserMiB")) / MIB_PER_GIB, "GiB", "users x dataPerUserMiB");
    }
    return undefined;
}

/** In-memory caches: the data set drives memory; operations drive CPU and network. */
function cache(plan: Plan): CapacityPlan {
    const valueBytes = plan.fig("valueBytes") ?? plan.a("valueBytes");
    let keys = plan.fig("keys");
    let dataset = plan.fig("cacheGiB");
    if (dataset === undefined) {
        keys ??= plan.fig("registeredUsers") ?? plan.fig("documents") ?? plan.fromScale("keys", "keys", "keys", QUESTIONS.cache);
        dataset = plan.ledger.infer("cacheGiB", (keys * (valueBytes + plan.a("keyOverheadBytes"))) / 2 ** 30, "GiB", "keys x (valueBytes + keyOverheadBytes)");
    }
    const keyCount = keys ?? (dataset * 2 ** 30) / (valueBytes + plan.a("keyOverheadBytes"));
    const ops = plan.rate({
        average: "operationsPerSecond",
        peak: "peakOperationsPerSecond",
        unit: "ops/s",
        fromVolumes: () => (keyCount * plan.a("accessesPerKeyPerHour")) / 3600,
        scaleTable: "keys",
        question: QUESTIONS.cache,
    });
    const memory = plan.a("baseMemoryGiB") + dataset * plan.a("memoryFragmentation");
    const snapshotMBps = (dataset * GIB_TO_MB) / plan.a("snapshotIntervalSeconds");
    const base = plan.a("baseVcpu");
    const perVcpu = plan.a("operationsPerVcpu");
    const baseIops = plan.a("baseIops");
    const at = (rate: number): Metrics => ({
        cpu: base + rate / perVcpu,
        memoryGiB: memory,
        iops: baseIops + snapshotMBps / 0.25,
        throughputMBps: snapshotMBps,
        networkMbps: (rate * (valueBytes + 100) * 8) / 1e6,
    });
    const sizeDrivers = ["keys", "cacheGiB", "valueBytes", "registeredUsers", "documents"];
    const opsDrivers = ["operationsPerSecond", "peakOperationsPerSecond", ...sizeDrivers];
    return plan.build(
        at(ops.peak),
        at(ops.average),
        { cpu: opsDrivers, memoryGiB: sizeDrivers, iops: sizeDrivers, throughputMBps: sizeDrivers, networkMbps: opsDrivers },
        { value: dataset * plan.a("persistenceCopies"), drivers: sizeDrivers },
    );
}

/** Brokers: message rate and size drive everything; retention drives storage. */
function messageQueue(plan: Plan): CapacityPlan {
    const messageKB = plan.fig("messageKB") ?? plan.a("messageKB");
    const dataRate = plan.fig("dataRateMBps");
    const rates = plan.rate({
        average: "messagesPerSecond",
        peak: "peakMessagesPerSecond",
        unit: "msg/s",
        fromVolumes: () => {
            if (dataRate !== undefined) {
                return (dataRate * 1000) / messageKB / plan.ratio();
            }
            const perDay = plan.fig("dataPerDayGiB");
            if (perDay !== undefined) {
                return (perDay * GIB_TO_MB * 1000) / messageKB / 86400;
            }
            const devices = plan.fig("devices");
            if (devices !== undefined) {
                return (devices * plan.a("messagesPerDevicePerMinute")) / 60;
            }
            const users = plan.usersPerDay();
            return users === undefined ? undefined : (users * plan.a("eventsPerUser")) / 86400;
        },
        firmVolume: ["dataRateMBps", "dataPerDayGiB", "usersPerDay"],
        scaleTable: "peakMessagesPerSecond",
        question: QUESTIONS["message-queue"],
    });
    const retention = plan.fig("retentionHours") ?? plan.a("retentionHours");
    const groups = plan.fig("consumerGroups") ?? plan.a("consumerGroups");
    const rf = plan.a("replicationFactor");
    const base = plan.a("baseVcpu");
    const perVcpu = plan.a("messagesPerVcpu");
    const heap = plan.a("baseMemoryGiB");
    const cacheSeconds = plan.a("pageCacheSeconds");
    const hit = plan.a("consumerCacheHitRatio");
    const ioKiB = plan.a("ioSizeKiB");
    const baseIops = plan.a("baseIops");
    const at = (rate: number): Metrics => {
        const ingest = (rate * messageKB) / 1000;
        const disk = ingest * rf + ingest * groups * (1 - hit);
        return {
            cpu: base + rate / perVcpu,
            memoryGiB: heap + (ingest * cacheSeconds) / GIB_TO_MB,
            iops: baseIops + disk / (ioKiB / 1024),
            throughputMBps: disk,
            networkMbps: ingest * 8 * (1 + groups + (rf - 1)),
        };
    };
    const drivers = ["messagesPerSecond", "peakMessagesPerSecond", "messageKB", "dataRateMBps", "dataPerDayGiB", "devices", "usersPerDay"];
    const storage = (((rates.average * messageKB) / 1000) * retention * 3600 * rf * plan.a("storageHeadroom")) / GIB_TO_MB;
    return plan.build(at(rates.peak), at(rates.average), all(drivers), { value: storage, drivers: [...drivers, "retentionHours"] });
}

/** Search engines: the index drives memory and storage; queries drive CPU, IO and network. */
function search(plan: Plan): CapacityPlan {
    let index = plan.fig("indexGiB") ?? plan.fig("dataGiB");
    const perDay = index === undefined ? plan.fig("dataPerDayGiB") : undefined;
    if (perDay !== undefined) {
        const days = plan.has("retentionHours") ? (plan.fig("retentionHours") ?? 0) / 24 : plan.a("logRetentionDays");
        index = plan.ledger.infer("indexGiB", perDay * days * plan.a("indexToSourceRatio"), "GiB", "dataPerDayGiB x retention days x indexToSourceRatio");
    }
    if (index === undefined) {
        const documents = plan.fig("documents") ?? plan.fig("rows") ?? plan.fig("keys") ?? plan.fromScale("documents", "documents", "documents", QUESTIONS.search);
        const documentKB = plan.fig("documentKB") ?? plan.a("documentKB");
        index = plan.ledger.infer("indexGiB", (documents * documentKB * 1000 * plan.a("indexToSourceRatio")) / 2 ** 30, "GiB", "documents x documentKB x indexToSourceRatio");
    }
    const qps = plan.rate({
        average: "queriesPerSecond",
        peak: "peakQueriesPerSecond",
        unit: "queries/s",
        fromVolumes: () => {
            const users = plan.usersPerDay();
            return users === undefined ? undefined : (users * plan.a("searchesPerUser")) / 86400;
        },
        firmVolume: ["usersPerDay"],
        scaleTable: "peakRequestsPerSecond",
        question: QUESTIONS.search,
    });
    // Logs: only the recent indices are hot, and indexing the stream costs CPU and disk.
    const hot = perDay !== undefined ? Math.min(index, perDay * plan.a("hotLogDays") * plan.a("indexToSourceRatio")) : index;
    const ingestMBps = perDay !== undefined ? (perDay * GIB_TO_MB) / 86400 : 0;
    const indexingVcpu = perDay !== undefined ? ingestMBps / plan.a("indexingMBpsPerVcpu") : 0;
    const heap = Math.min(31, Math.max(1, hot * plan.a("heapShareOfIndex")));
    const memory = plan.a("baseMemoryGiB") + heap + hot * plan.a("pageCacheShareOfIndex");
    const base = plan.a("baseVcpu");
    const cpuMs = plan.a("cpuMsPerQuery");
    const iopsPerQuery = plan.a("iopsPerQuery");
    const baseIops = plan.a("baseIops");
    const resultKB = plan.a("resultKB");
    const at = (rate: number): Metrics => {
        const iops = baseIops + rate * iopsPerQuery + (ingestMBps * 2) / 0.25;
        return {
            cpu: base + (rate * cpuMs) / 1000 + indexingVcpu,
            memoryGiB: memory,
            iops,
            throughputMBps: ((baseIops + rate * iopsPerQuery) * 32) / 1024 + ingestMBps * 2,
            networkMbps: (rate * resultKB * 8) / 1000 + ingestMBps * 8,
        };
    };
    const sizeDrivers = ["indexGiB", "dataGiB", "dataPerDayGiB", "retentionHours", "documents", "rows", "keys", "documentKB"];
    const queryDrivers = ["queriesPerSecond", "peakQueriesPerSecond", "usersPerDay", "organisations", "registeredUsers"];
    return plan.build(
        at(qps.peak),
        at(qps.average),
        { cpu: queryDrivers, memoryGiB: sizeDrivers, iops: queryDrivers, throughputMBps: queryDrivers, networkMbps: queryDrivers },
        { value: index * plan.a("storageHeadroom"), drivers: sizeDrivers },
    );
}

/** Analytics: data scanned per hour drives CPU and disk; the hot data drives memory. */
function analytics(plan: Plan): CapacityPlan {
    const data = plan.fig("dataGiB") ?? plan.fig("dataPerDayGiB") ?? plan.fromScale("analyticsDataGiB", "dataGiB", "GiB", QUESTIONS.analytics);
    const peakQueries = plan.fig("peakQueriesPerHour") ?? plan.fig("queriesPerHour") ?? plan.a("queriesPerHour");
    const ratio = plan.ratio();
    const scanFraction = plan.a("scanFraction");
    const perVcpu = plan.a("scanMBpsPerVcpu");
    const hit = plan.a("cacheHitRatio");
    const base = plan.a("baseVcpu");
    const ioKiB = plan.a("ioSizeKiB");
    const baseIops = plan.a("baseIops");
    const memory = plan.a("baseMemoryGiB") + data * plan.a("hotDataFraction");
    const at = (queriesPerHour: number): Metrics => {
        const scan = (queriesPerHour * data * scanFraction * GIB_TO_MB) / 3600;
        const disk = scan * (1 - hit);
        return {
            cpu: base + scan / perVcpu,
            memoryGiB: memory,
            iops: baseIops + disk / (ioKiB / 1024),
            throughputMBps: disk,
            networkMbps: 10 + (queriesPerHour * 5 * 8) / 3600,
        };
    };
    const drivers = ["dataGiB", "dataPerDayGiB", "queriesPerHour", "peakQueriesPerHour"];
    return plan.build(at(peakQueries), at(peakQueries / ratio), all(drivers), { value: data * plan.a("storageHeadroom"), drivers: ["dataGiB", "dataPerDayGiB"] });
}

/** Batch jobs: data per run over the deadline gives the rates; the duty cycle gives the average. */
function batchWorker(plan: Plan): CapacityPlan {
    const runsPerDay = plan.fig("runsPerDay") ?? plan.a("runsPerDay");
    const perDay = plan.fig("dataPerDayGiB");
    const items = plan.fig("itemsPerDay");
    let dataPerRun = plan.fig("dataPerRunGiB") ?? (perDay !== undefined ? plan.ledger.infer("dataPerRunGiB", perDay / runsPerDay, "GiB", "dataPerDayGiB / runsPerDay") : undefined);
    dataPerRun ??= plan.fig("dataGiB");
    if (dataPerRun === undefined && items === undefined) {
        dataPerRun = plan.fromScale("dataPerRunGiB", "dataPerRunGiB", "GiB", QUESTIONS["batch-worker"]);
    }
    const deadline = Math.min(24 / runsPerDay, plan.fig("deadlineHours") ?? plan.a("deadlineHours"));
    const readMBps = ((dataPerRun ?? 0) * GIB_TO_MB) / (deadline * 3600);
    const itemsPerSecond = items === undefined ? 0 : items / runsPerDay / (deadline * 3600);
    const output = plan.a("outputRatio");
    const base = plan.a("baseVcpu");
    const baseMemory = plan.a("baseMemoryGiB");
    const workVcpu = readMBps / plan.a("processingMBpsPerVcpu") + (items === undefined ? 0 : itemsPerSecond * plan.a("cpuSecondsPerItem"));
    const throughput = readMBps * (1 + output);
    const peak: Metrics = {
        cpu: base + workVcpu,
        memoryGiB: baseMemory + workVcpu * plan.a("memoryPerVcpuGiB"),
        iops: plan.a("baseIops") + throughput / (plan.a("ioSizeKiB") / 1024),
        throughputMBps: throughput,
        networkMbps: throughput * 8,
    };
    const duty = plan.ledger.infer("dutyCycle", Math.min(1, (runsPerDay * deadline) / 24), "fraction", "runsPerDay x deadlineHours / 24");
    const idle: Metrics = { cpu: base, memoryGiB: baseMemory, iops: plan.a("baseIops"), throughputMBps: 0, networkMbps: 0 };
    const average = Object.fromEntries((Object.keys(peak) as MetricName[]).map((m) => [m, idle[m] + (peak[m] - idle[m]) * duty])) as Metrics;
    const drivers = ["dataPerRunGiB", "dataPerDayGiB", "dataGiB", "itemsPerDay", "runsPerDay", "deadlineHours"];
    return plan.build(peak, average, all(drivers), { value: 20 + (dataPerRun ?? 0) * plan.a("scratchFactor"), drivers });
}

/** CI runners: jobs at once times the resources of one job. */
function ciRunner(plan: Plan): CapacityPlan {
    let peakJobs = plan.fig("concurrentJobs");
    let averageJobs: number;
    if (peakJobs !== undefined) {
        averageJobs = peakJobs / plan.ratio();
    } else {
        const builds =
            plan.fig("buildsPerDay") ??
            plan.ledger.infer("buildsPerDay", (plan.fig("developers") ?? plan.fromScale("developers", "developers", "developers", QUESTIONS["ci-runner"])) * plan.a("buildsPerDeveloperPerDay"), "builds/day", "developers x buildsPerDeveloperPerDay");
        const minutes = plan.fig("buildMinutes") ?? plan.a("buildMinutes");
        averageJobs = plan.ledger.infer("averageJobs", (builds * minutes) / 1440, "jobs", "buildsPerDay x buildMinutes / 1440");
        peakJobs = plan.ledger.infer("peakJobs", averageJobs * plan.ratio(), "jobs", "averageJobs x peakToAverage");
    }
    const vcpu = plan.a("vcpuPerJob");
    const memory = plan.a("memoryPerJobGiB");
    const iops = plan.a("iopsPerJob");
    const mbps = plan.a("throughputPerJobMBps");
    const net = plan.a("networkPerJobMbps");
    const base = plan.a("baseVcpu");
    const baseMemory = plan.a("baseMemoryGiB");
    const baseIops = plan.a("baseIops");
    const at = (jobs: number): Metrics => ({
        cpu: base + jobs * vcpu,
        memoryGiB: baseMemory + jobs * memory,
        iops: baseIops + jobs * iops,
        throughputMBps: jobs * mbps,
        networkMbps: 1 + jobs * net,
    });
    const drivers = ["concurrentJobs", "buildsPerDay", "developers", "buildMinutes"];
    return plan.build(at(peakJobs), at(averageJobs), all(drivers), { value: plan.a("buildCacheGiB"), drivers: [] });
}

/** Model serving: the model's size drives memory and GPUs; predictions drive CPU and network. */
function mlInference(plan: Plan): CapacityPlan {
    const params = plan.fig("modelParameters");
    const modelGiB =
        plan.fig("modelGiB") ?? (params !== undefined ? plan.ledger.infer("modelGiB", (params * plan.a("bytesPerParameter")) / 2 ** 30, "GiB", "modelParameters x bytesPerParameter") : plan.a("modelGiB"));
    const rates = plan.rate({
        average: "requestsPerSecond",
        peak: "peakRequestsPerSecond",
        unit: "req/s",
        fromVolumes: () => {
            const users = plan.usersPerDay();
            return users === undefined ? undefined : (users * plan.a("predictionsPerUser")) / 86400;
        },
        firmVolume: ["usersPerDay"],
        scaleTable: "peakRequestsPerSecond",
        question: QUESTIONS["ml-inference"],
    });
    let gpus = plan.fig("gpus") ?? 0;
    if (!plan.ledger.has("gpus")) {
        const gpuMemory = plan.a("gpuMemoryGiB");
        if (modelGiB >= plan.a("gpuModelThresholdGiB") || plan.ctx.wantsGpu !== undefined) {
            const byMemory = Math.ceil((modelGiB * 1.2) / gpuMemory);
            const byRate = Math.ceil(rates.peak / plan.a("requestsPerGpuPerSecond"));
            gpus = plan.ledger.infer("gpus", Math.min(16, Math.max(1, byMemory, byRate)), "GPUs", "max(model x 1.2 / gpuMemoryGiB, peak requests / requestsPerGpuPerSecond)");
        }
    }
    const base = plan.a("baseVcpu");
    const cpuMs = plan.a("cpuMsPerPrediction");
    const vcpuPerGpu = gpus > 0 ? plan.a("vcpuPerGpu") : 0;
    const kb = plan.a("requestKB") + plan.a("responseKB");
    const memory = plan.a("baseMemoryGiB") + modelGiB * 1.2 + (gpus > 0 ? gpus * plan.a("hostMemoryPerGpuGiB") : 0);
    const at = (rate: number): Metrics => ({
        cpu: base + gpus * vcpuPerGpu + (gpus > 0 ? 0 : (rate * cpuMs) / 1000),
        memoryGiB: memory,
        iops: plan.a("baseIops") + rate * plan.a("iopsPerRequest"),
        throughputMBps: 1 + (rate * plan.a("iopsPerRequest") * 16) / 1024,
        networkMbps: (rate * kb * 8) / 1000,
    });
    const modelDrivers = ["modelParameters", "modelGiB", "gpus"];
    const rateDrivers = ["requestsPerSecond", "peakRequestsPerSecond", "usersPerDay", "organisations"];
    return plan.build(
        at(rates.peak),
        at(rates.average),
        { cpu: [...rateDrivers, ...modelDrivers], memoryGiB: modelDrivers, iops: rateDrivers, throughputMBps: rateDrivers, networkMbps: rateDrivers },
        { value: plan.a("appStorageGiB") + modelGiB * 2, drivers: modelDrivers },
        gpus,
    );
}

/** Training: data x epochs over the time allowed; GPUs from the model's training memory. */
function mlTraining(plan: Plan): CapacityPlan {
    const data = plan.fig("trainingDataGiB") ?? plan.fig("dataGiB") ?? plan.fromScale("trainingDataGiB", "trainingDataGiB", "GiB", QUESTIONS["ml-training"]);
    const params = plan.fig("modelParameters");
    const epochs = plan.fig("epochs") ?? plan.a("epochs");
    const hours = plan.fig("trainingHours") ?? plan.a("trainingHours");
    let gpus = plan.fig("gpus") ?? 0;
    if (!plan.ledger.has("gpus") && (params !== undefined || plan.ctx.wantsGpu !== undefined)) {
        const byMemory = params === undefined ? 1 : Math.ceil((params * plan.a("trainingBytesPerParameter")) / 2 ** 30 / (plan.a("gpuMemoryGiB") * 0.9));
        gpus = plan.ledger.infer("gpus", Math.min(16, Math.max(1, byMemory)), "GPUs", params === undefined ? `deep learning (${plan.ctx.wantsGpu}): one GPU` : "modelParameters x trainingBytesPerParameter / (gpuMemoryGiB x 0.9)");
    }
    const readMBps = (data * epochs * GIB_TO_MB) / (hours * 3600);
    const base = plan.a("baseVcpu");
    const baseMemory = plan.a("baseMemoryGiB");
    const cpu = gpus > 0 ? base + gpus * plan.a("vcpuPerGpu") : base + Math.max(2, readMBps / plan.a("cpuTrainingMBpsPerVcpu"));
    const memory = baseMemory + (gpus > 0 ? gpus * plan.a("hostMemoryPerGpuGiB") : Math.min(plan.a("maxInMemoryGiB"), data * plan.a("inMemoryFactor")));
    const checkpointGiB = params === undefined ? 1 : (params * plan.a("trainingBytesPerParameter")) / 2 ** 30;
    const peak: Metrics = {
        cpu,
        memoryGiB: memory,
        iops: plan.a("baseIops") + readMBps / (plan.a("ioSizeKiB") / 1024),
        throughputMBps: readMBps,
        networkMbps: readMBps * 8,
    };
    const drivers = ["trainingDataGiB", "dataGiB", "modelParameters", "gpus", "epochs", "trainingHours"];
    // A training run keeps its hardware busy: average = peak (the steady shape carries the rest).
    return plan.build(peak, peak, all(drivers), { value: data * 1.2 + checkpointGiB * 3 + 50, drivers }, gpus);
}

/** Runs the role's capacity model. */
export function planCapacity(role: Role, ctx: CapacityContext): CapacityPlan {
    const plan = new Plan(ctx);
    switch (role) {
        case "web-server":
        case "api-service":
            return httpService(plan, role);
        case "database":
            return database(plan);
        case "cache":
            return cache(plan);
        case "message-queue":
            return messageQueue(plan);
        case "search":
            return search(plan);
        case "analytics":
            return analytics(plan);
        case "batch-worker":
            return batchWorker(plan);
        case "ci-runner":
            return ciRunner(plan);
        case "ml-inference":
            return mlInference(plan);
        case "ml-training":
            return mlTraining(plan);
    }
}

