import { Framework, Role, Sensitivity } from "../persona/schema";

/**
 * Facts: what the analyzer knows about a workload, whichever way it was described. Text and
 * structured input both become facts; the capacity model reads only facts. Every figure carries
 * its source so the demand can say where each number came from.
 */

/** Figures a workload can state, with their units. Rates without `peak` in the name are averages. */
export const FIGURE_UNITS = {
    usersPerDay: "users/day",
    registeredUsers: "users",
    organisations: "organisations",
    ordersPerDay: "orders/day",
    requestsPerSecond: "req/s",
    peakRequestsPerSecond: "req/s",
    concurrentConnections: "connections",
    cpuMsPerRequest: "ms",
    requestKB: "KB",
    responseKB: "KB",
    latencyTargetMs: "ms",
    dataGiB: "GiB",
    workingSetGiB: "GiB",
    memoryGiB: "GiB",
    storageGiB: "GiB",
    transactionsPerSecond: "tx/s",
    peakTransactionsPerSecond: "tx/s",
    readRatio: "fraction",
    rows: "rows",
    keys: "keys",
    valueBytes: "bytes",
    cacheGiB: "GiB",
    operationsPerSecond: "ops/s",
    peakOperationsPerSecond: "ops/s",
    messagesPerSecond: "msg/s",
    peakMessagesPerSecond: "msg/s",
    messageKB: "KB",
    retentionHours: "h",
    consumerGroups: "groups",
    devices: "devices",
    documents: "documents",
    documentKB: "KB",
    indexGiB: "GiB",
    queriesPerSecond: "queries/s",
    peakQueriesPerSecond: "queries/s",
    queriesPerHour: "queries/h",
    peakQueriesPerHour: "queries/h",
    dataPerRunGiB: "GiB",
    dataPerDayGiB: "GiB",
    itemsPerDay: "items/day",
    runsPerDay: "runs/day",
    deadlineHours: "h",
    dataRateMBps: "MB/s",
    developers: "developers",
    buildsPerDay: "builds/day",
    concurrentJobs: "jobs",
    buildMinutes: "min",
    modelParameters: "parameters",
    modelGiB: "GiB",
    trainingDataGiB: "GiB",
    gpus: "GPUs",
    trainingHours: "h",
    epochs: "epochs",
} as const;
export type FigureName = keyof typeof FIGURE_UNITS;

/** A stated figure and where it was stated (`your text: "50k daily users"`, `workload.data`). */
export interface Figure {
    readonly value: number;
    readonly source: string;
}

/** Overall scale, when no figure says it. Ordered: each step is larger than the one before. */
export const SCALES = ["small", "medium", "large", "huge"] as const;
export type Scale = (typeof SCALES)[number];

/** A compliance framework and the words that signalled it. */
export interface ComplianceSignal {
    readonly framework: Framework;
    readonly evidence: string;
}

/** A question the text raises; moot once `unlessCompliance` applies anyway (e.g. from a persona). */
export interface Note {
    readonly question: string;
    readonly unlessCompliance?: Framework;
}

export interface Facts {
    readonly role: Role;
    /** Probability of the role (1 when stated or implied by a structured kind). */
    readonly confidence: number;
    /** Where the role came from. */
    readonly roleSource: string;
    /** The runner-up roles when the role came from the text model. */
    readonly alternatives: readonly { role: Role; probability: number }[];
    readonly figures: Partial<Record<FigureName, Figure>>;
    readonly scale?: { readonly value: Scale; readonly source: string };
    /** A load shape the text asked for ("in the evening", "nightly"), overriding the role's. */
    readonly timing?: { readonly shape: string; readonly source: string };
    readonly compliance: readonly ComplianceSignal[];
    readonly sensitivity?: { readonly value: Sensitivity; readonly source: string };
    /** Words asking for an accelerator ("deep learning", "GPUs"), for ML roles. */
    readonly accelerator?: string;
    /** Mentions that matter for sizing or compliance but have no figure yet (e.g. a seasonal peak). */
    readonly notes: readonly Note[];
}
