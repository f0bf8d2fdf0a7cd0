import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../errors";
import { parseYaml } from "../persona/document";
import { METRIC_UNITS, METRICS, MetricName, Persona } from "../persona/schema";
import { openPersonaStore } from "../persona/store";
import { analyzeWorkload } from "../workload/analyze";
import { Demand } from "../workload/demand";
import { WorkloadInput } from "../workload/schema";
import { booleanFlag, listFlag, parseFlags, stringFlag } from "./args";
import { Command, EXIT, writeJson } from "./io";
import { table } from "../table";

const HELP = `Usage: persona analyze --workload <text> | --workload-file <file> [options]

Predicts what a workload needs: the role, a weekly hourly demand series for CPU, memory, IOPS,
disk throughput and network (peak, sustained, average), storage, compliance signals, and every
assumption behind the figures.

Options:
  --workload <text>         the workload in words, e.g. "a medium-sized e-commerce website"
  --workload-file <file>    a structured workload, YAML or JSON, e.g.
                              kind: http
                              requestsPerSecond: { average: 200, peak: 800 }
                              cpuMsPerRequest: 20
                            kinds: http, database, cache, queue, batch, ml, search, analytics,
                            ci, text
  --persona <name[@v]>      a base persona from the store; its profile is the prior that the
                            workload's figures refine (explicit figures win)
  --store <dir>             the user's persona directory (default: $PERSONA_STORE, else
                            ./personas); the built-in library is layered under it
  --assume <name=value>     override an assumption by name (repeatable), e.g.
                            --assume cpuMsPerRequest=40 --assume peakToAverage=3
  --json                    machine-readable output
  -h, --help                this help
`;

const OPTIONS = {
    workload: { type: "string" },
    "workload-file": { type: "string" },
    persona: { type: "string" },
    store: { type: "string" },
    assume: { type: "string", multiple: true },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

/** The JSON the command prints: the issue's shape, plus storage, GPUs, sensitivity and questions. */
export function analysisJson(demand: Demand): Record<string, unknown> {
    const metric = (m: MetricName) => demand[m];
    return {
        role: demand.role,
        confidence: demand.confidence,
        demand: {
            intervalMinutes: demand.intervalMinutes,
            units: METRIC_UNITS,
            cpu: metric("cpu"),
            memoryGiB: metric("memoryGiB"),
            iops: metric("iops"),
            throughputMBps: metric("throughputMBps"),
            networkMbps: metric("networkMbps"),
            storageGiB: demand.storageGiB,
            ...(demand.gpus !== undefined ? { gpus: demand.gpus } : {}),
        },
        compliance: demand.compliance,
        ...(demand.sensitivity !== undefined ? { sensitivity: demand.sensitivity } : {}),
        assumptions: demand.assumptions,
        questions: demand.questions,
    };
}

export const analyzeCommand: Command = async (argv, io) => {
    const args = parseFlags("analyze", argv, OPTIONS, false);
    if (booleanFlag(args, "help")) {
        io.stdout(HELP);
        return EXIT.ok;
    }
    const text = stringFlag(args, "workload");
    const file = stringFlag(args, "workload-file");
    if ((text === undefined) === (file === undefined)) {
        throw InputError.single("persona analyze", text === undefined ? "" : "--workload-file", text === undefined ? "no workload given" : "give the workload once", "use either --workload <text> or --workload-file <file>");
    }
    const assumptions = parseAssumptions(listFlag(args, "assume"));
    const ref = stringFlag(args, "persona");
    let persona: Persona | undefined;
    if (ref !== undefined) {
        persona = openPersonaStore({ userDir: stringFlag(args, "store"), env: io.env, cwd: io.cwd }).get(ref).persona;
    }
    let demand: Demand;
    if (file !== undefined) {
        const full = path.resolve(io.cwd, file);
        if (!fs.existsSync(full)) {
            throw InputError.single("--workload-file", "", `${file} does not exist`, "give the path of a YAML or JSON workload file");
        }
        const { value, locate } = parseYaml(fs.readFileSync(full, "utf8"), file);
        try {
            demand = analyzeWorkload(value as WorkloadInput, { persona, assumptions, input: file });
        } catch (err) {
            // Point at the line in the file where each problem is.
            if (err instanceof InputError) {
                throw new InputError(err.issues.map((issue) => (issue.input === file && issue.path ? { ...issue, input: locate(issue.path.split(/[.[\]]+/).filter(Boolean)) } : issue)));
            }
            throw err;
        }
    } else {
        demand = analyzeWorkload(text ?? "", { persona, assumptions, input: "--workload" });
    }
    if (booleanFlag(args, "json")) {
        writeJson(io, analysisJson(demand));
    } else {
        io.stdout(renderAnalysis(demand, persona));
    }
    return EXIT.ok;
};

function parseAssumptions(values: readonly string[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const v of values) {
        const m = /^([A-Za-z][\w]*)=(.+)$/.exec(v);
        const n = m ? Number(m[2]) : NaN;
        if (!m || !Number.isFinite(n) || n < 0) {
            throw InputError.single("--assume", v, `"${v}" is not name=value with a non-negative number`, "write e.g. --assume cpuMsPerRequest=40");
        }
        out[m[1]] = n;
    }
    return out;
}

const BARS = "▁▂▃▄▅▆▇█";
const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const HOURS_PER_CHAR = 4;

/** One week as bars: a character per 4 hours (mean of the hours), a space between days. */
export function sparkline(series: readonly number[], peak: number): string {
    const days: string[] = [];
    for (let d = 0; d < 7; d++) {
        let day = "";
        for (let h = 0; h < 24; h += HOURS_PER_CHAR) {
            const window = series.slice(d * 24 + h, d * 24 + h + HOURS_PER_CHAR);
            const v = window.length > 0 ? window.reduce((s, x) => s + x, 0) / window.length : 0;
            day += peak > 0 ? BARS[Math.min(BARS.length - 1, Math.floor((v / peak) * BARS.length))] : BARS[0];
        }
        days.push(day);
    }
    return days.join(" ");
}

function fmt(v: number): string {
    return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function renderAnalysis(demand: Demand, persona: Persona | undefined): string {
    const shape = demand.assumptions.find((a) => a.name === "loadShape");
    const out: string[] = [];
    out.push(`role: ${demand.role} (confidence ${demand.confidence.toFixed(2)})${persona ? `, base persona ${persona.name}@${persona.version}` : ""}`);
    if (shape) {
        out.push(`load shape: ${shape.value}, one week, Monday 00:00 first, one bar per ${HOURS_PER_CHAR} hours`);
    }
    out.push("");
    const dayHeader = DAYS.map((d) => d.padEnd(24 / HOURS_PER_CHAR)).join(" ");
    const rows = METRICS.map((m) => [`${m}`, METRIC_UNITS[m], fmt(demand[m].peak), fmt(demand[m].sustained), fmt(demand[m].average), sparkline(demand[m].series, demand[m].peak)]);
    out.push(table(["metric", "unit", "peak", "sustained", "average", dayHeader], rows, ["left", "left", "right", "right", "right", "left"]).trimEnd());
    out.push("");
    out.push(`storage: ${fmt(demand.storageGiB)} GiB${demand.gpus !== undefined ? `, GPUs: ${demand.gpus}` : ""}`);
    out.push(`compliance: ${demand.compliance.length > 0 ? demand.compliance.join(", ") : "none signalled"}${demand.sensitivity ? `; data sensitivity: ${demand.sensitivity}` : ""}`);
    out.push("");
    out.push("assumptions (override any number with --assume name=value):");
    out.push(
        table(
            ["name", "value", "source"],
            demand.assumptions.map((a) => [a.name, `${a.value}${a.unit ? ` ${a.unit}` : ""}`, a.source]),
        ).trimEnd(),
    );
    if (demand.questions.length > 0) {
        out.push("");
        out.push("to make this firmer:");
        for (const q of demand.questions) {
            out.push(`  - ${q}`);
        }
    }
    return `${out.join("\n")}\n`;
}

