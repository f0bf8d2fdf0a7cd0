import { InputError, parseInput } from "../errors";
import { Framework, METRICS, MetricName, Persona, Role, Sensitivity, SENSITIVITIES } from "../persona/schema";
import { hourlyWindows, round, scaleSeries, summarize } from "../persona/series";
import { checkOverrides, Ledger } from "./assumptions";
import { planCapacity } from "./capacity";
import { Demand, MetricDemand } from "./demand";
import { Facts } from "./facts";
import { AssumptionOverrides, StructuredWorkload, Workload, WORKLOAD_KINDS, WorkloadInput } from "./schema";
import { HOURS_PER_WEEK, loadShapes, shapeNameFor } from "./shapes";
import { LOW_CONFIDENCE, understandStructured, understandText } from "./understand";

/**
 * The workload analyzer (seed III, "Workload Analyzer"): a workload, text or structured, and
 * optionally a base persona, to the demand the solver sizes against. Pure and deterministic; the
 * only I/O is reading the two generated assets (role model, load shapes) once.
 *
 * 1. Understand: the role (trained text model, structured kind, or the persona as prior) and the
 *    stated figures, scale, timing and compliance signals.
 * 2. Capacity model: figures and named assumptions to each metric at the peak hour and on average.
 * 3. Load shape: the weekly hourly shape learned from real traces for the role (or the timing the
 *    text names), bent to the computed peak-to-average, scaled to the peak.
 * 4. Persona as prior: metrics the workload's figures do not drive keep the persona's profile;
 *    those they drive keep the persona's timing at the workload's level. Explicit figures win.
 */

export interface AnalyzeOptions {
    /** A base persona: its profile is the prior the workload's figures refine. */
    readonly persona?: Persona;
    /** Overrides of named assumptions (merged under the workload's own `assumptions`). */
    readonly assumptions?: Readonly<Record<string, number>>;
    /** Name of the input in error messages (a flag or a file). Defaults to "workload". */
    readonly input?: string;
}

/** Roles whose load is requests from people: their CPU, IO and network follow the users' rhythm. */
const REQUEST_DRIVEN: ReadonlySet<Role> = new Set(["web-server", "api-service", "cache", "search", "ml-inference"]);

/** Analyzes a workload into demand. Bad input throws an InputError naming the input, path and fix. */
export function analyzeWorkload(workload: Workload | WorkloadInput, options: AnalyzeOptions = {}): Demand {
    const input = options.input ?? "workload";
    const persona = options.persona;
    let facts: Facts;
    let overrides: Record<string, number> = { ...(options.assumptions ?? {}) };
    if (typeof workload === "string") {
        facts = understandText(workload, input, persona);
    } else {
        checkKind(workload, input);
        const structured: StructuredWorkload = parseInput(StructuredWorkload, workload, input);
        facts = understandStructured(structured, input, persona);
        overrides = { ...overrides, ...fieldOverrides(structured), ...(structured.assumptions ?? {}) };
    }
    checkOverrides(parseInput(AssumptionOverrides, overrides, input, ["assumptions"]), input);
    const role = facts.role;
    const ledger = new Ledger(role, facts, overrides);
    ledger.note("role", role, facts.roleSource);

    // The load shape: what the text says about timing, else the role's learned shape.
    const shapes = loadShapes();
    const shapeName = facts.timing !== undefined && facts.timing.shape in shapes.shapes ? facts.timing.shape : shapeNameFor(role).shape;
    const shape = shapes.shapes[shapeName];
    ledger.note("loadShape", shapeName, facts.timing?.shape === shapeName ? facts.timing.source : `learned from the Bitbrains VM traces (${shape.stats.members} VMs): ${shapeNameFor(role).reason}`);
    const timingMetric = (m: MetricName): MetricName => (REQUEST_DRIVEN.has(role) && m !== "memoryGiB" ? "networkMbps" : m);
    const ratioMetric = REQUEST_DRIVEN.has(role) ? "networkMbps" : "cpu";

    const plan = planCapacity(role, {
        ledger,
        facts,
        shapeRatio: shape.stats.peakToAverage[ratioMetric],
        shapeRatioSource: `peak hour over weekly mean of the learned "${shapeName}" shape (${ratioMetric === "cpu" ? "CPU" : "network traffic"}, Bitbrains traces)`,
        ...(facts.accelerator ? { wantsGpu: `your text: "${facts.accelerator}"` } : {}),
    });

    const metrics = {} as Record<MetricName, MetricDemand>;
    const fromPersona: string[] = [];
    for (const m of METRICS) {
        const p = plan.metrics[m];
        if (persona !== undefined && !p.stated) {
            const prior = persona.performance[m];
            metrics[m] = metricDemand(toWeek(prior.series, persona.performance.intervalMinutes));
            fromPersona.push(m);
            continue;
        }
        const personaTiming = persona !== undefined ? toWeek(persona.performance[m].series, persona.performance.intervalMinutes) : undefined;
        const timing = personaTiming !== undefined && Math.max(...personaTiming) > Math.min(...personaTiming) ? personaTiming : shape.series[timingMetric(m)];
        metrics[m] = metricDemand(shapedSeries(timing, p.peak, p.average));
    }
    const storageFromPersona = persona !== undefined && !plan.storage.stated;
    const storageGiB = round(storageFromPersona ? persona.performance.storageGiB : plan.storage.value);
    const gpusFromPersona = persona !== undefined && plan.gpus === 0 && !ledger.anyStated(["gpus"]) && persona.performance.gpus > 0;
    const gpus = gpusFromPersona ? persona.performance.gpus : plan.gpus;
    if (persona !== undefined) {
        const ref = `${persona.name}@${persona.version}`;
        if (storageFromPersona) {
            fromPersona.push("storageGiB");
        }
        if (gpusFromPersona) {
            fromPersona.push("gpus");
        }
        if (fromPersona.length > 0) {
            ledger.note("fromPersona", fromPersona.join(", "), `persona ${ref}: the workload states no figure that drives ${fromPersona.length === 1 ? "this figure" : "these figures"}`);
        }
        const refined = [...METRICS, "storageGiB"].filter((m) => !fromPersona.includes(m));
        if (refined.length > 0) {
            ledger.note("fromWorkload", refined.join(", "), `your figures, on the timing of persona ${ref}'s profile`);
        }
    }


    const compliance: Framework[] = [];
    for (const signal of facts.compliance) {
        compliance.push(signal.framework);
        ledger.note(`compliance.${signal.framework}`, true, signal.evidence);
    }
    for (const framework of persona?.security.compliance ?? []) {
        if (!compliance.includes(framework)) {
            compliance.push(framework);
            ledger.note(`compliance.${framework}`, true, `persona ${persona?.name}@${persona?.version}`);
        }
    }
    const sensitivity = strictest(facts.sensitivity?.value, persona?.security.sensitivity);
    if (facts.sensitivity !== undefined) {
        ledger.note("sensitivity", facts.sensitivity.value, facts.sensitivity.source);
    }

    const questions: string[] = [];
    if (facts.confidence < LOW_CONFIDENCE) {
        const others = facts.alternatives.map((a) => `${a.role} (${a.probability.toFixed(2)})`).join(", ");
        questions.push(`What does the instance run? The role model's best guess is ${role} (p = ${facts.confidence.toFixed(2)}), then ${others}: name the software or the job (e.g. "a Postgres database", "a web shop", "nightly ETL").`);
    }
    if (persona === undefined) {
        questions.push(...plan.questions);
    }
    questions.push(...facts.notes.filter((n) => n.unlessCompliance === undefined || !compliance.includes(n.unlessCompliance)).map((n) => n.question));

    return Demand.parse({
        role,
        confidence: round(facts.confidence),
        intervalMinutes: 60,
        ...metrics,
        storageGiB,
        ...(gpus > 0 ? { gpus } : {}),
        compliance,
        ...(sensitivity !== undefined ? { sensitivity } : {}),
        assumptions: ledger.list(),
        questions,
    });
}

/** A structured workload names its kind; say which kinds exist rather than zod's union error. */
function checkKind(workload: unknown, input: string): void {
    const kind = typeof workload === "object" && workload !== null ? (workload as { kind?: unknown }).kind : undefined;
    if (typeof kind !== "string" || !(WORKLOAD_KINDS as readonly string[]).includes(kind)) {
        throw InputError.single(
            input,
            "kind",
            kind === undefined ? "a structured workload needs a kind" : `unknown kind ${JSON.stringify(kind)}`,
            `use one of ${WORKLOAD_KINDS.map((k) => JSON.stringify(k)).join(", ")}, or give the workload as text`,
        );
    }
}

/** Structured HTTP fields that are really assumption values (the user knows them). */
function fieldOverrides(workload: StructuredWorkload): Record<string, number> {
    if (workload.kind !== "http") {
        return {};
    }
    const out: Record<string, number> = {};
    if (workload.cpuMsPerRequest !== undefined) out.cpuMsPerRequest = workload.cpuMsPerRequest;
    if (workload.requestKB !== undefined) out.requestKB = workload.requestKB;
    if (workload.responseKB !== undefined) out.responseKB = workload.responseKB;
    if (workload.latencyTargetMs !== undefined) out.latencySeconds = workload.latencyTargetMs / 1000;
    return out;
}

function metricDemand(series: number[]): MetricDemand {
    const s = summarize(series);
    return { peak: s.peak, average: s.average, sustained: s.sustained, series };
}

/**
 * A week of hourly points with the given peak and (approximately) the given average: the shape
 * raised to the power that gives it the wanted peak-to-average ratio, so quiet hours stay above
 * zero and the busy hours keep their order. Found by bisection, so it is exact and deterministic.
 */
export function shapedSeries(shape: readonly number[], peak: number, average: number): number[] {
    if (peak <= 0) {
        return new Array<number>(HOURS_PER_WEEK).fill(0);
    }
    const max = Math.max(...shape);
    const unit = shape.map((v) => (max > 0 ? Math.max(v / max, 1e-3) : 1));
    const target = Math.max(1, peak / Math.max(average, 1e-12));
    const ratioAt = (gamma: number) => 1 / (unit.reduce((s, v) => s + v ** gamma, 0) / unit.length);
    let lo = 0;
    let hi = 1;
    while (ratioAt(hi) < target && hi < 64) {
        hi *= 2;
    }
    for (let i = 0; i < 60; i++) {
        const mid = (lo + hi) / 2;
        if (ratioAt(mid) < target) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    const gamma = (lo + hi) / 2;
    return scaleSeries(
        unit.map((v) => v ** gamma),
        peak,
    );
}

/** A persona's series as one week of hourly points (windows averaged, short series repeated). */
function toWeek(series: readonly number[], intervalMinutes: number): number[] {
    const hourly = hourlyWindows(series, intervalMinutes);
    return Array.from({ length: HOURS_PER_WEEK }, (_, h) => round(hourly[h % hourly.length]));
}

function strictest(a: Sensitivity | undefined, b: Sensitivity | undefined): Sensitivity | undefined {
    if (a === undefined) {
        return b;
    }
    if (b === undefined) {
        return a;
    }
    return SENSITIVITIES.indexOf(a) >= SENSITIVITIES.indexOf(b) ? a : b;
}
