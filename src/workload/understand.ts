import { InputError, InputIssue } from "../errors";
import { Persona, Role, ROLES } from "../persona/schema";
import { ComplianceSignal, Facts, Figure, FIGURE_UNITS, FigureName } from "./facts";
import { roleClassifier } from "./role-model";
import { StructuredWorkload } from "./schema";
import { Mention, Noun, readText, TextFindings } from "./text";

/**
 * Understanding a workload: text or structured input to facts. The role comes from the trained
 * model (text), the structured kind, an explicit `role`, or a base persona as the prior; figures
 * come from the text's mentions, read in the light of the role, or from the structured fields.
 */

const GIB_TO_MB = 2 ** 30 / 1e6;

/** Below this role probability the analyzer asks what the instance runs. */
export const LOW_CONFIDENCE = 0.5;

/** Stated figures beyond these are read as a mistake (a wrong unit, an extra zero). */
const FIGURE_LIMITS: Partial<Record<FigureName, number>> = {
    usersPerDay: 8e9,
    registeredUsers: 8e9,
    requestsPerSecond: 1e8,
    peakRequestsPerSecond: 1e8,
    transactionsPerSecond: 1e7,
    peakTransactionsPerSecond: 1e7,
    operationsPerSecond: 1e8,
    peakOperationsPerSecond: 1e8,
    messagesPerSecond: 1e8,
    peakMessagesPerSecond: 1e8,
    dataGiB: 1e7,
    dataPerRunGiB: 1e7,
    dataPerDayGiB: 1e7,
    trainingDataGiB: 1e7,
    memoryGiB: 1e5,
    gpus: 16,
    modelParameters: 1e13,
    developers: 1e6,
    keys: 1e12,
    documents: 1e12,
};

class FigureSet {
    readonly figures: Partial<Record<FigureName, Figure>> = {};
    private readonly issues: InputIssue[] = [];

    constructor(private readonly input: string) {}

    /** Sets a figure; a second, different value for the same figure is a contradiction. */
    set(name: FigureName, value: number, source: string, path = ""): void {
        const limit = FIGURE_LIMITS[name];
        if (limit !== undefined && value > limit) {
            this.issues.push({ input: this.input, path, message: `${name} ${formatNumber(value)} (${source}) is beyond any real workload (more than ${formatNumber(limit)} ${FIGURE_UNITS[name]})`, fix: "check the number and its unit" });
            return;
        }
        const existing = this.figures[name];
        if (existing !== undefined) {
            if (Math.abs(existing.value - value) > 0.05 * Math.max(existing.value, value)) {
                this.issues.push({
                    input: this.input,
                    path,
                    message: `${name} is stated twice with different values: ${formatNumber(existing.value)} (${existing.source}) and ${formatNumber(value)} (${source})`,
                    fix: "state the figure once, or say which is the average and which the peak",
                });
            }
            return;
        }
        this.figures[name] = { value, source };
    }

    /** Sets a figure only when not already given (structured fields beat their description). */
    fill(name: FigureName, value: number, source: string): void {
        if (this.figures[name] === undefined) {
            this.set(name, value, source);
        }
    }

    has(name: FigureName): boolean {
        return this.figures[name] !== undefined;
    }

    /** Average and peak of one rate must not contradict each other. */
    checkRate(average: FigureName, peak: FigureName): void {
        const a = this.figures[average];
        const p = this.figures[peak];
        if (a !== undefined && p !== undefined && p.value < a.value) {
            this.issues.push({ input: this.input, path: "", message: `the peak (${formatNumber(p.value)}, ${p.source}) is below the average (${formatNumber(a.value)}, ${a.source})`, fix: "the peak is the busiest hour's rate: swap the two or correct one" });
        }
    }

    done(): Partial<Record<FigureName, Figure>> {
        for (const [average, peak] of RATE_PAIRS) {
            this.checkRate(average, peak);
        }
        if (this.issues.length > 0) {
            throw new InputError(this.issues);
        }
        return this.figures;
    }
}

const RATE_PAIRS: readonly [FigureName, FigureName][] = [
    ["requestsPerSecond", "peakRequestsPerSecond"],
    ["transactionsPerSecond", "peakTransactionsPerSecond"],
    ["operationsPerSecond", "peakOperationsPerSecond"],
    ["messagesPerSecond", "peakMessagesPerSecond"],
    ["queriesPerSecond", "peakQueriesPerSecond"],
    ["queriesPerHour", "peakQueriesPerHour"],
];

export function formatNumber(v: number): string {
    if (v >= 1e9) {
        return `${+(v / 1e9).toPrecision(3)} billion`;
    }
    if (v >= 1e6) {
        return `${+(v / 1e6).toPrecision(3)} million`;
    }
    return `${+v.toPrecision(4)}`;
}

/** The rate figure pair each role reads a generic "per second" count as. */
const ROLE_RATE: Readonly<Record<Role, { average: FigureName; peak: FigureName; scale: number } | undefined>> = {
    "web-server": { average: "requestsPerSecond", peak: "peakRequestsPerSecond", scale: 1 },
    "api-service": { average: "requestsPerSecond", peak: "peakRequestsPerSecond", scale: 1 },
    "ml-inference": { average: "requestsPerSecond", peak: "peakRequestsPerSecond", scale: 1 },
    database: { average: "transactionsPerSecond", peak: "peakTransactionsPerSecond", scale: 1 },
    cache: { average: "operationsPerSecond", peak: "peakOperationsPerSecond", scale: 1 },
    "message-queue": { average: "messagesPerSecond", peak: "peakMessagesPerSecond", scale: 1 },
    search: { average: "queriesPerSecond", peak: "peakQueriesPerSecond", scale: 1 },
    analytics: { average: "queriesPerHour", peak: "peakQueriesPerHour", scale: 3600 },
    "batch-worker": undefined,
    "ci-runner": undefined,
    "ml-training": undefined,
};

/** Reads the text's mentions as figures of a role. */
/** Counted nouns that name one figure whatever the role. */
const COUNTED = { organisations: "organisations", developers: "developers", devices: "devices", connections: "concurrentConnections" } as const satisfies Partial<Record<Noun, FigureName>>;

function figuresFromMentions(set: FigureSet, mentions: readonly Mention[], role: Role, findings: TextFindings): void {
    const sourceOf = (text: string) => `your text: "${text}"`;
    // A batch job's counted items are per run; a day has as many runs as the schedule says.
    const runsPerDay = findings.schedule?.runsPerDay ?? 1;
    const rate = ROLE_RATE[role];
    const setRate = (m: Extract<Mention, { kind: "rate" }>) => {
        if (rate === undefined) {
            return false;
        }
        const name = m.qualifier === "average" ? rate.average : rate.peak;
        set.set(name, m.perSecond * rate.scale, sourceOf(m.text));
        return true;
    };
    for (const m of mentions) {
        const source = sourceOf(m.text);
        switch (m.kind) {
            case "size": {
                if (m.of === "memory") {
                    set.set("memoryGiB", m.gib, source);
                } else if (m.of === "model") {
                    set.set("modelGiB", m.gib, source);
                } else if (m.of === "workingSet") {
                    set.set(role === "cache" ? "cacheGiB" : "workingSetGiB", m.gib, source);
                } else if (m.per === "second") {
                    set.set("dataRateMBps", m.gib * GIB_TO_MB, source);
                } else if (m.per !== undefined) {
                    const perDay = m.per === "hour" ? m.gib * 24 : m.per === "week" ? m.gib / 7 : m.per === "month" ? m.gib / 30 : m.gib;
                    if (m.per === "run") {
                        set.set("dataPerRunGiB", m.gib, source);
                    } else {
                        set.set("dataPerDayGiB", perDay, source);
                        if (m.per === "hour" && role === "batch-worker" && !findings.schedule) {
                            set.set("runsPerDay", 24, source);
                        }
                    }
                } else {
                    const name: FigureName =
                        role === "batch-worker" ? "dataPerRunGiB" : role === "ml-training" ? "trainingDataGiB" : role === "ml-inference" ? "modelGiB" : role === "cache" ? "cacheGiB" : "dataGiB";
                    set.set(name, m.gib, source);
                }
                break;
            }
            case "rate":
                switch (m.noun) {
                    case "users":
                    case "sessions":
                        set.set("usersPerDay", m.perSecond * 86400, source);
                        break;
                    case "orders":
                        if (role === "database") {
                            setRate(m);
                        } else {
                            set.set("ordersPerDay", m.perSecond * 86400, source);
                        }
                        break;
                    case "builds":
                        if (role === "batch-worker") {
                            set.set("itemsPerDay", m.perSecond * 86400, source);
                        } else if (role === "ci-runner") {
                            set.set("buildsPerDay", m.perSecond * 86400, source);
                        } else {
                            setRate(m);
                        }
                        break;
                    case "documents":
                    case "rows":
                    case "keys":
                        if (role === "batch-worker") {
                            set.set("itemsPerDay", m.perSecond * 86400, source);
                        } else if (role !== "search" && role !== "database") {
                            setRate(m);
                        }
                        break;
                    default:
                        if (role === "batch-worker") {
                            set.set("itemsPerDay", m.perSecond * 86400, source);
                        } else if (role === "ci-runner") {
                            set.set("buildsPerDay", m.perSecond * 86400, source);
                        } else {
                            setRate(m);
                        }
                }
                break;
            case "count":
                switch (m.noun) {
                    case "users":
                    case "sessions":
                        if (role === "cache" && (m.noun === "sessions" || m.concurrent)) {
                            set.set("keys", m.value, source);
                        } else if (m.concurrent) {
                            set.set("concurrentConnections", m.value, source);
                        } else if (role === "batch-worker") {
                            set.set("itemsPerDay", m.value * runsPerDay, source);
                        } else {
                            set.set("registeredUsers", m.value, source);
                        }
                        break;
                    case "keys":
                    case "documents":
                    case "rows":
                    case "items":
                        if (role === "cache") {
                            set.set("keys", m.value, source);
                        } else if (role === "batch-worker") {
                            set.set("itemsPerDay", m.value * runsPerDay, source);
                        } else if (role === "database") {
                            set.set("rows", m.value, source);
                        } else {
                            set.set("documents", m.value, source);
                        }
                        break;
                    case "organisations":
                    case "developers":
                    case "devices":
                    case "connections":
                        set.set(COUNTED[m.noun], m.value, source);
                        break;
                    case "builds":
                        if (role === "ci-runner") {
                            set.set("concurrentJobs", m.value, source);
                        }
                        break;
                    default:
                        break;
                }
                break;
            case "parameters":
                set.set("modelParameters", m.value, source);
                break;
            case "gpus":
                set.set("gpus", m.value, source);
                break;
            case "duration":
                switch (m.what) {
                    case "deadline":
                        set.set(role === "ml-training" ? "trainingHours" : "deadlineHours", m.hours, source);
                        break;
                    case "retention":
                        set.set("retentionHours", m.hours, source);
                        break;
                    case "build":
                        set.set("buildMinutes", m.hours * 60, source);
                        break;
                    case "training":
                        set.set("trainingHours", m.hours, source);
                        break;
                    case "latency":
                        set.set("latencyTargetMs", m.hours * 3.6e6, source);
                        break;
                }
                break;
            case "readRatio":
                set.set("readRatio", m.value, source);
                break;
            case "unitSize":
                if (m.of === "message") {
                    set.set("messageKB", m.bytes / 1000, source);
                } else if (m.of === "document") {
                    set.set("documentKB", m.bytes / 1000, source);
                } else if (m.of === "value") {
                    set.set("valueBytes", m.bytes, source);
                }
                break;
        }
    }
    if (role === "batch-worker" && findings.schedule) {
        set.fill("runsPerDay", findings.schedule.runsPerDay, findings.schedule.source);
    }
}

/**
 * The role: the role model's reading of the text, unless a base persona is given. A persona is
 * the description of the instance's role, so its role stands; the text then says what the
 * instance serves ("an e-commerce website" for a database persona is the shop it stores).
 */
function roleFromText(
    text: string,
    persona: Persona | undefined,
): { role: Role; confidence: number; source: string; alternatives: { role: Role; probability: number }[]; knownWords: number; conflict?: string } {
    const prediction = roleClassifier().predict(text);
    const ranked = ROLES.map((role) => ({ role, probability: prediction.probabilities[role] })).sort((a, b) => b.probability - a.probability);
    if (persona !== undefined) {
        const reading = prediction.role === persona.role.kind ? "which the text agrees with" : `the text reads as ${prediction.role} (p = ${prediction.probability.toFixed(2)}), sized here as what the ${persona.role.kind} serves`;
        return {
            role: persona.role.kind,
            confidence: 1,
            source: `persona ${persona.name}@${persona.version} is a ${persona.role.kind}; ${reading}`,
            alternatives: ranked.filter((r) => r.role !== persona.role.kind).slice(0, 2),
            knownWords: prediction.knownWords,
            // A text that clearly names another kind of instance may mean the wrong persona was picked.
            ...(prediction.role !== persona.role.kind && prediction.probability >= 0.8
                ? {
                      conflict: `The text reads as a ${prediction.role} (p = ${prediction.probability.toFixed(2)}) but persona ${persona.name}@${persona.version} is a ${persona.role.kind}: it is sized as the ${persona.role.kind} behind it. If the instance itself is a ${prediction.role}, use a ${prediction.role} persona or none.`,
                  }
                : {}),
        };
    }
    return { role: ranked[0].role, confidence: ranked[0].probability, source: `role model (TF-IDF + logistic regression), p = ${prediction.probability.toFixed(2)}`, alternatives: ranked.slice(1, 3), knownWords: prediction.knownWords };
}

/** Merges compliance signals, first evidence per framework kept. */
function mergeCompliance(...lists: readonly (readonly ComplianceSignal[])[]): ComplianceSignal[] {
    const out: ComplianceSignal[] = [];
    for (const signal of lists.flat()) {
        if (!out.some((s) => s.framework === signal.framework)) {
            out.push(signal);
        }
    }
    return out;
}

/** Text to facts. Empty or meaningless text is an InputError that says what to write. */
export function understandText(text: string, input: string, persona?: Persona, statedRole?: Role): Facts & { knownWords: number } {
    const trimmed = text.trim();
    if (trimmed === "") {
        throw InputError.single(input, "", "the workload description is empty", 'describe what runs, e.g. "a medium-sized e-commerce website with 50k daily users"');
    }
    const findings = readText(trimmed, input);
    const guess = roleFromText(trimmed, persona);
    if (statedRole === undefined && guess.knownWords === 0 && findings.mentions.length === 0 && persona === undefined) {
        throw InputError.single(
            input,
            "",
            `"${trimmed.slice(0, 60)}" says nothing the analyzer recognises (no known words, no figures)`,
            'describe what runs and its scale, e.g. "Postgres database with 200 GB of data" or "nightly ETL of 2 TB"',
        );
    }
    const role = statedRole ?? guess.role;
    const set = new FigureSet(input);
    figuresFromMentions(set, findings.mentions, role, findings);
    return {
        role,
        confidence: statedRole !== undefined ? 1 : guess.confidence,
        roleSource: statedRole !== undefined ? "stated" : guess.source,
        alternatives: statedRole !== undefined ? [] : guess.alternatives,
        figures: set.done(),
        scale: findings.scale,
        timing: findings.timing,
        compliance: findings.compliance,
        sensitivity: findings.sensitivity,
        notes: guess.conflict && statedRole === undefined ? [...findings.notes, { question: guess.conflict }] : findings.notes,
        ...(findings.accelerator ? { accelerator: findings.accelerator } : {}),
        knownWords: guess.knownWords,
    };
}

const KIND_ROLE: Readonly<Record<Exclude<StructuredWorkload["kind"], "http" | "ml" | "text">, Role>> = {
    database: "database",
    cache: "cache",
    queue: "message-queue",
    batch: "batch-worker",
    search: "search",
    analytics: "analytics",
    ci: "ci-runner",
};

/** Structured input to facts: fields are figures; the description adds what the fields leave out. */
export function understandStructured(workload: StructuredWorkload, input: string, persona?: Persona): Facts {
    if (workload.kind === "text") {
        const facts = understandText(workload.text, input, persona, workload.role);
        return {
            ...facts,
            compliance: mergeCompliance(
                (workload.compliance ?? []).map((framework) => ({ framework, evidence: `${input}: compliance` })),
                facts.compliance,
            ),
            sensitivity: workload.sensitivity ? { value: workload.sensitivity, source: `${input}: sensitivity` } : facts.sensitivity,
        };
    }
    let role: Role;
    let roleSource = `${input}: kind ${workload.kind}`;
    if (workload.role !== undefined) {
        role = workload.role;
        roleSource = `${input}: role`;
    } else if (workload.kind === "http") {
        // An HTTP service is an API unless its description reads as a website.
        const p = workload.description ? roleClassifier().predict(workload.description).probabilities : undefined;
        role = p !== undefined && p["web-server"] > p["api-service"] ? "web-server" : "api-service";
        roleSource = p !== undefined ? `${input}: kind http, description reads as ${role}` : `${input}: kind http (an API unless role: web-server)`;
    } else if (workload.kind === "ml") {
        role = workload.task === "training" ? "ml-training" : "ml-inference";
    } else {
        role = KIND_ROLE[workload.kind];
    }
    const set = new FigureSet(input);
    const src = (field: string) => `${input}: ${field}`;
    const rate = (field: string, r: { average?: number; peak?: number } | undefined, average: FigureName, peak: FigureName) => {
        if (r?.average !== undefined) {
            set.set(average, r.average, src(`${field}.average`), field);
        }
        if (r?.peak !== undefined) {
            set.set(peak, r.peak, src(`${field}.peak`), field);
        }
    };
    const num = (name: FigureName, value: number | undefined, field: string) => {
        if (value !== undefined) {
            set.set(name, value, src(field), field);
        }
    };
    num("storageGiB", workload.storage, "storage");
    switch (workload.kind) {
        case "http":
            rate("requestsPerSecond", workload.requestsPerSecond, "requestsPerSecond", "peakRequestsPerSecond");
            num("usersPerDay", workload.usersPerDay, "usersPerDay");
            num("concurrentConnections", workload.concurrentConnections, "concurrentConnections");
            num("latencyTargetMs", workload.latencyTargetMs, "latencyTargetMs");
            break;
        case "database":
            num("dataGiB", workload.data, "data");
            num("workingSetGiB", workload.workingSet, "workingSet");
            rate("transactionsPerSecond", workload.transactionsPerSecond, "transactionsPerSecond", "peakTransactionsPerSecond");
            num("readRatio", workload.readRatio, "readRatio");
            break;
        case "cache":
            num("keys", workload.keys, "keys");
            num("valueBytes", workload.valueBytes, "valueBytes");
            num("cacheGiB", workload.size, "size");
            rate("operationsPerSecond", workload.operationsPerSecond, "operationsPerSecond", "peakOperationsPerSecond");
            break;
        case "queue":
            rate("messagesPerSecond", workload.messagesPerSecond, "messagesPerSecond", "peakMessagesPerSecond");
            num("messageKB", workload.messageKB, "messageKB");
            num("retentionHours", workload.retentionHours, "retentionHours");
            num("consumerGroups", workload.consumerGroups, "consumerGroups");
            break;
        case "batch": {
            num("dataPerRunGiB", workload.dataPerRun, "dataPerRun");
            num("dataPerDayGiB", workload.dataPerDay, "dataPerDay");
            const runs = workload.runsPerDay ?? (workload.schedule === "hourly" ? 24 : workload.schedule === "nightly" ? 1 : undefined);
            num("runsPerDay", runs, workload.runsPerDay !== undefined ? "runsPerDay" : "schedule");
            num("deadlineHours", workload.deadlineHours, "deadlineHours");
            break;
        }
        case "ml":
            num("modelParameters", workload.modelParameters, "modelParameters");
            num("modelGiB", workload.modelSize, "modelSize");
            rate("requestsPerSecond", workload.requestsPerSecond, "requestsPerSecond", "peakRequestsPerSecond");
            num("trainingDataGiB", workload.trainingData, "trainingData");
            num("gpus", workload.gpus, "gpus");
            num("trainingHours", workload.trainingHours, "trainingHours");
            num("epochs", workload.epochs, "epochs");
            break;
        case "search":
            num("documents", workload.documents, "documents");
            num("documentKB", workload.documentKB, "documentKB");
            num("indexGiB", workload.indexSize, "indexSize");
            rate("queriesPerSecond", workload.queriesPerSecond, "queriesPerSecond", "peakQueriesPerSecond");
            break;
        case "analytics":
            num("dataGiB", workload.data, "data");
            rate("queriesPerHour", workload.queriesPerHour, "queriesPerHour", "peakQueriesPerHour");
            break;
        case "ci":
            num("developers", workload.developers, "developers");
            num("buildsPerDay", workload.buildsPerDay, "buildsPerDay");
            num("concurrentJobs", workload.concurrentJobs, "concurrentJobs");
            num("buildMinutes", workload.buildMinutes, "buildMinutes");
            break;
    }
    let findings: TextFindings | undefined;
    if (workload.description !== undefined && workload.description.trim() !== "") {
        findings = readText(workload.description, `${input} at description`);
        // Figures in the description fill what the fields leave out.
        const fromText = new FigureSet(`${input} at description`);
        figuresFromMentions(fromText, findings.mentions, role, findings);
        for (const [name, figure] of Object.entries(fromText.done()) as [FigureName, Figure][]) {
            set.fill(name, figure.value, figure.source);
        }
    }
    const scale = workload.scale !== undefined ? { value: workload.scale, source: src("scale") } : findings?.scale;
    return {
        role,
        confidence: 1,
        roleSource,
        alternatives: [],
        figures: set.done(),
        ...(scale ? { scale } : {}),
        ...(findings?.timing ? { timing: findings.timing } : workload.kind === "batch" && workload.schedule !== undefined ? { timing: scheduleTiming(workload.schedule, src("schedule")) } : {}),
        compliance: mergeCompliance(
            (workload.compliance ?? []).map((framework) => ({ framework, evidence: src("compliance") })),
            findings?.compliance ?? [],
        ),
        ...(workload.sensitivity ? { sensitivity: { value: workload.sensitivity, source: src("sensitivity") } } : findings?.sensitivity ? { sensitivity: findings.sensitivity } : {}),
        notes: findings?.notes ?? [],
        ...(findings?.accelerator ? { accelerator: findings.accelerator } : {}),
    };
}

function scheduleTiming(schedule: "nightly" | "hourly" | "continuous" | "on-demand", source: string): { shape: string; source: string } {
    return { shape: schedule === "nightly" ? "nightly-batch" : schedule === "on-demand" ? "spiky" : "steady", source };
}
