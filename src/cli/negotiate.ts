import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import { stringify } from "yaml";
import { Catalog, defaultCatalog, loadCatalog } from "../catalog/catalog";
import { InputError } from "../errors";
import { Agreement, agreementSummary } from "../negotiation/agreement";
import { proposalDiff, proposalLines, proposalTable } from "../negotiation/present";
import { AgreementMessage, BadInputMessage, ErrorMessage, ExplanationMessage, FailedMessage, OutputMessage, RoundMessage, VALID_INPUT } from "../negotiation/protocol";
import { constraintText, Explanation, FailureReason, Feedback, RefusalCode, SessionInput, SessionState, startSession, step, Step } from "../negotiation/session";
import { projectName, stackFile, writeAgreement, writeFileAtomic } from "../negotiation/stackFile";
import { defaultTranscriptFile, TranscriptLog, TranscriptOutcome, writeTranscript } from "../negotiation/transcript";
import { formatPersonaRef } from "../persona/schema";
import { openPersonaStore, PersonaStore } from "../persona/store";
import { booleanFlag, numberFlag, parseFlags, ParsedArgs, stringFlag } from "./args";
import { FEEDBACK_HELP, ParsedLine, parseFeedbackLine, parseJsonFeedback } from "./feedback";
import { CliIO, Command, EXIT } from "./io";
import { renderInfeasibility } from "./propose";
import { flagsNamed, Request, REQUEST_HELP, REQUEST_OPTIONS, requestFrom } from "./request";

const DEFAULT_MAX_ROUNDS = 10;

const HELP = `Usage: persona negotiate [--workload <text> | --workload-file <file>] [--persona <name[@v]>] [options]

The negotiation loop (seed II.4-6): proposals for the request, then feedback line by line (from a
person at a terminal, a pipe, or an application with --json) until an agreement or a failure.

${REQUEST_HELP}
Agreement (where it is written; both may be given):
  --out <file>               the agreement as JSON, or YAML for .yaml/.yml
  --stack <s>                into Pulumi.<s>.yaml for --component, as persona accept writes it
  --component <name>         the NegotiatedInstance's name in the Pulumi program
  --cwd <dir>                the Pulumi project directory (default: the working directory)

Negotiation:
  --max-rounds <n>           rounds of proposals before the negotiation fails (default ${DEFAULT_MAX_ROUNDS})
  --transcript <file>        where the record of the negotiation goes (default: .persona/transcripts/ in the project)
  --catalog <file>           a snapshot from persona catalog refresh (default: the shipped one)
  --json                     JSON lines on stdin and stdout, for applications (see below)
  -h, --help                 this help

${FEEDBACK_HELP}
JSON lines (--json): the command writes {"round":1,"proposals":[...]} and then exactly one line per
input line: {"round":n,"proposals":[...]} for a new round, {"round":n,"explanation":{...},"proposals":[...]},
{"round":n,"error":{"code":...,"message":...},"proposals":[...]} (the loop goes on), and at the end
{"agreement":{...},...} or {"outcome":"failed","reason":...}. Input lines:
  ${VALID_INPUT.join("\n  ")}

Exit codes: 0 agreement; 3 negotiation failed (quit, end of input, round limit); 2 bad input, or no
configuration satisfies the request at all.
`;

const OPTIONS = {
    ...REQUEST_OPTIONS,
    out: { type: "string" },
    stack: { type: "string" },
    component: { type: "string" },
    cwd: { type: "string" },
    "max-rounds": { type: "string" },
    transcript: { type: "string" },
    catalog: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

const COMMAND = "persona negotiate";

/** Where an agreement goes, checked before negotiating so a long negotiation cannot end unwritable. */
interface Destinations {
    readonly out?: string;
    readonly stack?: { readonly projectDir: string; readonly stack: string; readonly component: string };
}

function destinationsFrom(args: ParsedArgs, io: CliIO, projectDir: string): Destinations {
    const out = stringFlag(args, "out");
    const stack = stringFlag(args, "stack");
    const component = stringFlag(args, "component");
    if ((stack === undefined) !== (component === undefined)) {
        throw InputError.single(COMMAND, stack === undefined ? "--stack" : "--component", "--stack and --component go together", "give both, e.g. --stack dev --component shop-db");
    }
    if (out !== undefined && !/\.(json|ya?ml)$/i.test(out)) {
        throw InputError.single(COMMAND, "--out", `${out} is neither .json nor .yaml/.yml`, "name the file agreement.json or agreement.yaml");
    }
    if (stack !== undefined && component !== undefined) {
        projectName(projectDir);
        return { ...(out !== undefined ? { out: path.resolve(io.cwd, out) } : {}), stack: { projectDir, stack, component } };
    }
    return out !== undefined ? { out: path.resolve(io.cwd, out) } : {};
}

/** Writes the agreement everywhere it was asked for; the files written. */
function writeDestinations(destinations: Destinations, agreement: Agreement): string[] {
    const written: string[] = [];
    if (destinations.out) {
        const file = destinations.out;
        const text = /\.ya?ml$/i.test(file) ? stringify(JSON.parse(JSON.stringify(agreement)) as unknown, { lineWidth: 0 }) : `${JSON.stringify(agreement, null, 2)}\n`;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        writeFileAtomic(file, text);
        written.push(file);
    }
    if (destinations.stack) {
        const { projectDir, stack, component } = destinations.stack;
        written.push(writeAgreement(projectDir, stack, component, agreement));
    }
    return written;
}

/** How each kind of unhonoured feedback is announced to a person. */
const REFUSAL_HEADLINE: Record<RefusalCode, string> = {
    "invalid-feedback": "Invalid feedback",
    "modify-refused": "Modification refused",
    infeasible: "Constraints not applied: nothing satisfies them",
    "no-alternatives": "No alternatives left",
    "no-change": "Nothing changed",
    "write-failed": "The agreement could not be written",
};

function relative(io: CliIO, file: string): string {
    return path.relative(io.cwd, file) || file;
}

/** A round for a person: the table, then each proposal against the round's baseline. */
function roundText(state: SessionState, maxRounds: number): string {
    const lines = [
        `Round ${state.round} of at most ${maxRounds}: ${state.proposals.length} proposals (constraints: ${constraintText(state.constraints)}${state.rejected.length > 0 ? `; ${state.rejected.length} rejected` : ""})`,
        proposalTable(state.proposals),
        "",
    ];
    const baseline = state.baseline;
    for (const p of state.proposals) {
        lines.push(`${p.id} ${p.label}${p.recommended ? " (recommended)" : ""}: ${p.reason}`);
        if (baseline && baseline.proposal.id !== p.id) {
            const diff = proposalDiff(baseline.proposal, p);
            lines.push(`  against ${baseline.label}:`, ...(diff.length > 0 ? diff : ["(same configuration)"]).map((l) => `    ${l}`));
        } else if (!baseline) {
            lines.push(...proposalLines(p).map((l) => `    ${l}`));
        }
    }
    if (state.notes.length > 0) {
        lines.push("", ...state.notes);
    }
    lines.push("", "Feedback: accept <id> | reject [<id>...] | modify <id> <setting>=<value>... | constrain <constraint> <value> | relax <constraint> | explain <id> | help | quit");
    return `${lines.join("\n")}\n`;
}

function explanationText(e: Explanation): string {
    const d = e.demand;
    const lines = [
        `${e.id} ${e.label}${e.recommended ? " (recommended)" : ""}: ${e.summary}`,
        `Why: ${e.reason}`,
        `Demand (${d.role}, confidence ${d.confidence.toFixed(2)}): peak ${+d.cpuPeak.toFixed(2)} vCPU (sustained ${+d.cpuSustained.toFixed(2)}), ${+d.memoryGiBPeak.toFixed(2)} GiB, ` +
            `${Math.round(d.iopsPeak)} IOPS, ${Math.round(d.throughputMBpsPeak)} MB/s, ${Math.round(d.networkMbpsPeak)} Mbps, ${+d.storageGiB.toFixed(1)} GiB stored`,
        "Assumptions:",
        ...(e.assumptions.length > 0 ? e.assumptions.map((a) => `  ${a.name} = ${String(a.value)}${a.unit ? ` ${a.unit}` : ""}  (${a.source})`) : ["  none"]),
        ...(e.questions.length > 0 ? ["Open questions:", ...e.questions.map((q) => `  ${q}`)] : []),
        `Constraints in effect: ${constraintText(e.constraints)}`,
        `Compliance: ${e.compliance.length > 0 ? e.compliance.join(", ") : "none"}`,
        `Bound by: ${e.binding.length > 0 ? e.binding.join("; ") : "nothing beyond the hard constraints"}`,
        `Headroom at peak: cpu ${e.headroom.cpu.toFixed(2)}x, memory ${e.headroom.memory.toFixed(2)}x`,
        "Security evidence:",
        ...(e.evidence.length > 0
            ? e.evidence.map((ev) => `  ${ev.setting} = ${Array.isArray(ev.value) ? ev.value.join(",") : String(ev.value)}: ${ev.requirements.map((r) => `${r.framework} ${r.id} (${r.title})`).join("; ")}`)
            : ["  none required beyond the baseline"]),
        "Cost per month:",
        ...e.cost.items.map((i) => `  ${i.component.padEnd(10)} ${i.detail.padEnd(48)} ${`$${i.monthly.toFixed(2)}`.padStart(10)}`),
        `  ${"total".padEnd(10)} ${"".padEnd(48)} ${`$${e.cost.total.toFixed(2)}`.padStart(10)}`,
        `  basis: ${e.cost.basis}`,
        ...(e.against ? [`Against ${e.against.label} (${e.against.id}):`, ...(e.against.diff.length > 0 ? e.against.diff : ["(same configuration)"]).map((l) => `  ${l}`)] : []),
    ];
    return `${lines.join("\n")}\n`;
}

/** Writes to a person or, with --json, one protocol line per message. */
interface Channel {
    round(state: SessionState): void;
    explanation(state: SessionState, explanation: Explanation): void;
    /** `syntax`: the line was not feedback at all, so the valid forms are listed. */
    refused(state: SessionState, code: RefusalCode, message: string, details: readonly string[], syntax?: boolean): void;
    help(): void;
    agreed(agreement: Agreement, written: readonly string[], transcript: string): void;
    failed(reason: FailureReason, message: string, transcript: string): void;
}

function jsonChannel(io: CliIO): Channel {
    const send = (message: OutputMessage) => io.stdout(`${JSON.stringify(message)}\n`);
    return {
        round: (state) => send({ round: state.round, proposals: [...state.proposals], ...(state.notes.length > 0 ? { notes: [...state.notes] } : {}) } satisfies RoundMessage),
        explanation: (state, explanation) => send({ round: state.round, explanation, proposals: [...state.proposals] } satisfies ExplanationMessage),
        refused: (state, code, message, details) =>
            send({ round: state.round, error: { code, message, ...(details.length > 0 ? { details: [...details] } : {}) }, proposals: [...state.proposals] } satisfies ErrorMessage),
        help: () => undefined,
        agreed: (agreement, written, transcript) => send({ agreement, written: [...written], transcript } satisfies AgreementMessage),
        failed: (reason, message, transcript) => send({ outcome: "failed", reason, message: `Negotiation failed: ${message}`, transcript } satisfies FailedMessage),
    };
}

function textChannel(io: CliIO, maxRounds: number, destinations: Destinations): Channel {
    return {
        round: (state) => io.stdout(`\n${roundText(state, maxRounds)}`),
        explanation: (_state, explanation) => io.stdout(explanationText(explanation)),
        refused: (state, code, message, details, syntax) => {
            const lines = [`${REFUSAL_HEADLINE[code]}: ${message}`, ...details.map((d) => `  ${d}`)];
            if (syntax) {
                lines.push(FEEDBACK_HELP.trimEnd());
            }
            lines.push(`Round ${state.round} stays on offer: ${state.proposals.map((p) => `${p.id} (${p.label})`).join(", ")}`);
            io.stdout(`${lines.join("\n")}\n`);
        },
        help: () => io.stdout(FEEDBACK_HELP),
        agreed: (agreement, written, transcript) => {
            const lines = [`Agreed ${agreementSummary(agreement)}`];
            for (const file of written) {
                const stack = destinations.stack && file === stackFile(destinations.stack.projectDir, destinations.stack.stack) ? destinations.stack : undefined;
                lines.push(stack ? `wrote ${projectName(stack.projectDir)}:${stack.component}.agreement to ${relative(io, file)}` : `wrote the agreement to ${relative(io, file)}`);
            }
            if (destinations.stack) {
                lines.push("next: pulumi preview (plans exactly this), then pulumi up");
            }
            if (written.length === 0) {
                lines.push("The agreement (not written anywhere: pass --out <file> or --stack <s> --component <name> to keep it):", stringify(JSON.parse(JSON.stringify(agreement)) as unknown, { lineWidth: 0 }).trimEnd());
            }
            lines.push(`transcript: ${relative(io, transcript)}`);
            io.stdout(`${lines.join("\n")}\n`);
        },
        failed: (_reason, message, transcript) => io.stdout(`Negotiation failed: ${message}\ntranscript: ${relative(io, transcript)}\n`),
    };
}

/** The session's fixed input from the request; the basis hashes what NegotiatedInstance hashes. */
function sessionInput(request: Request, catalog: Catalog, maxRounds: number): SessionInput {
    const demandFlags = Object.keys(request.demandFlags).length > 0 ? { demandFlags: request.demandFlags } : {};
    return {
        demand: request.demand,
        ...(request.persona ? { persona: request.persona } : {}),
        ...(request.lifecycle ? { lifecycle: request.lifecycle } : {}),
        catalog,
        basis: { workload: request.workload ?? null, persona: request.persona ? formatPersonaRef(request.persona) : null, ...demandFlags },
        maxRounds,
    };
}

export const negotiateCommand: Command = async (argv, io) => {
    const args = parseFlags("negotiate", argv, OPTIONS, false);
    if (booleanFlag(args, "help")) {
        io.stdout(HELP);
        return EXIT.ok;
    }
    const json = booleanFlag(args, "json");
    try {
        return await run(args, io, json);
    } catch (err) {
        if (err instanceof InputError) {
            const named = flagsNamed(err, "negotiate");
            if (json) {
                io.stdout(`${JSON.stringify({ error: { code: "bad-input", issues: [...named.issues] } } satisfies BadInputMessage)}\n`);
            }
            throw named;
        }
        throw err;
    }
};

async function run(args: ParsedArgs, io: CliIO, json: boolean): Promise<number> {
    const startedAt = new Date();
    const maxRounds = numberFlag("negotiate", args, "max-rounds", { integer: true }) ?? DEFAULT_MAX_ROUNDS;
    const projectDir = path.resolve(io.cwd, stringFlag(args, "cwd") ?? ".");
    const destinations = destinationsFrom(args, io, projectDir);
    const catalogFile = stringFlag(args, "catalog");
    const catalog = catalogFile !== undefined ? loadCatalog(path.resolve(io.cwd, catalogFile)) : defaultCatalog();
    const request = requestFrom(args, io, "negotiate");
    const input = sessionInput(request, catalog, maxRounds);
    const personaRef = request.persona ? formatPersonaRef(request.persona) : undefined;
    let store: PersonaStore | undefined;
    const recordUsage = (event: "proposed" | "accepted") => {
        if (personaRef) {
            store ??= openPersonaStore({ userDir: stringFlag(args, "store"), env: io.env, cwd: io.cwd });
            store.recordUsage(personaRef, event, new Date());
        }
    };

    const log = new TranscriptLog(
        json ? "json" : "interactive",
        {
            ...(request.workload !== undefined ? { workload: request.workload as string | Record<string, unknown> } : {}),
            ...(personaRef ? { persona: personaRef } : {}),
            demandFlags: { ...request.demandFlags },
            constraints: request.constraints,
            rejected: request.rejected,
            maxRounds,
            catalog: catalog.meta.generatedAt,
            demand: request.demand,
        },
        startedAt,
    );
    const explicitTranscript = stringFlag(args, "transcript");
    const started = startSession(input, request.constraints, request.rejected);
    const transcriptFile = explicitTranscript !== undefined ? path.resolve(io.cwd, explicitTranscript) : defaultTranscriptFile(projectDir, startedAt, started.ok ? started.state.fingerprint : "infeasible");
    const finish = (outcome: TranscriptOutcome) => writeTranscript(transcriptFile, log.finish(outcome, new Date()));
    const channel = json ? jsonChannel(io) : textChannel(io, maxRounds, destinations);

    if (!started.ok) {
        const { refusal } = started;
        const message = `no configuration satisfies the request: ${refusal.message}`;
        finish({ kind: "failed", reason: "infeasible", message });
        if (json) {
            io.stdout(`${JSON.stringify({ outcome: "failed", reason: "infeasible", message: `Negotiation failed: ${message}`, ...(refusal.infeasible ? { conflicts: refusal.infeasible.conflicts } : {}), transcript: transcriptFile } satisfies FailedMessage)}\n`);
        } else {
            io.stderr(refusal.infeasible ? renderInfeasibility(refusal.infeasible) : `error: ${refusal.message}\n`);
            io.stdout(`Negotiation failed: ${message}\ntranscript: ${relative(io, transcriptFile)}\n`);
        }
        return EXIT.badInput;
    }

    let state = started.state;
    log.round(state);
    recordUsage("proposed");
    channel.round(state);

    const lines = readline.createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
    const prompt = () => {
        if (io.interactive && !json) {
            io.stdout("negotiate> ");
        }
    };
    prompt();
    let ended: { readonly code: number } | undefined;
    // Ctrl-C at a terminal ends the negotiation like quit, so the transcript is still written.
    let interrupted = false;
    const interrupt = () => {
        interrupted = true;
        lines.close();
    };
    if (io.interactive) {
        process.once("SIGINT", interrupt);
    }
    try {
        for await (const raw of lines) {
            const line = raw.trim();
            if (line === "") {
                prompt();
                continue;
            }
            const parsed: ParsedLine = json ? parseJsonFeedback(line) : parseFeedbackLine(line);
            if (parsed.kind === "help") {
                log.entry(state.round, line, undefined, { kind: "help" });
                channel.help();
            } else if (parsed.kind === "invalid") {
                log.entry(state.round, line, undefined, { kind: "invalid", message: parsed.message });
                channel.refused(state, "invalid-feedback", parsed.message, json ? VALID_INPUT : [], true);
            } else {
                ended = apply(parsed.feedback, line);
                if (ended) {
                    break;
                }
            }
            prompt();
        }
    } finally {
        process.removeListener("SIGINT", interrupt);
        lines.close();
    }
    if (ended) {
        return ended.code;
    }
    const reason: FailureReason = interrupted ? "quit" : "end-of-input";
    const message = interrupted ? "interrupted without agreement" : "the input ended without agreement";
    finish({ kind: "failed", reason, message });
    channel.failed(reason, message, transcriptFile);
    return EXIT.negotiationFailed;

    /** Applies one piece of feedback; the exit code when the negotiation ends. */
    function apply(feedback: Feedback, line: string): { readonly code: number } | undefined {
        const result: Step = step(input, state, feedback);
        switch (result.kind) {
            case "round":
                log.entry(state.round, line, feedback, result);
                state = result.state;
                log.round(state);
                recordUsage("proposed");
                channel.round(state);
                return undefined;
            case "explanation":
                log.entry(state.round, line, feedback, result);
                channel.explanation(state, result.explanation);
                return undefined;
            case "refused":
                log.entry(state.round, line, feedback, result);
                channel.refused(state, result.code, result.message, result.details);
                return undefined;
            case "failed":
                log.entry(state.round, line, feedback, result);
                finish({ kind: "failed", reason: result.reason, message: result.message });
                channel.failed(result.reason, result.message, transcriptFile);
                return { code: EXIT.negotiationFailed };
            case "agreement": {
                const agreement: Agreement = { ...result.agreement, agreedAt: new Date().toISOString() };
                let written: string[];
                try {
                    written = writeDestinations(destinations, agreement);
                } catch (err) {
                    if (!(err instanceof InputError)) {
                        throw err;
                    }
                    // The user can fix the file and accept again: the round stays on offer.
                    log.entry(state.round, line, feedback, { kind: "refused", state, code: "write-failed", message: err.message, details: [] });
                    channel.refused(state, "write-failed", err.message, ["fix it and accept again"]);
                    return undefined;
                }
                log.entry(state.round, line, feedback, result);
                recordUsage("accepted");
                finish({ kind: "agreed", agreement, written });
                channel.agreed(agreement, written, transcriptFile);
                return { code: EXIT.ok };
            }
        }
    }
}
