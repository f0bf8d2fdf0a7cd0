import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { PersonaRefString } from "../persona/schema";
import { Constraints } from "../solver/constraints";
import { Proposal } from "../solver/proposal";
import { Demand } from "../workload/demand";
import { Agreement } from "./agreement";
import { Modification } from "./config";
import { RECORD_DIR } from "./record";
import { FAILURE_REASONS, Feedback, REFUSAL_CODES, SessionState, Step } from "./session";
import { writeFileAtomic } from "./stackFile";

/**
 * The record of one `persona negotiate` run: what it started from, every round offered, every
 * line of feedback with what it did, and how it ended. Written once, atomically, when the
 * negotiation ends (agreement or failure), by default to `.persona/transcripts/`.
 */

export const TranscriptRound = z
    .object({
        round: z.number().int().positive(),
        constraints: Constraints,
        rejected: z.array(z.string()),
        modification: Modification.optional(),
        /** The fingerprint an agreement in this round records. */
        fingerprint: z.string(),
        proposals: z.array(Proposal),
        notes: z.array(z.string()),
    })
    .strict();
export type TranscriptRound = z.infer<typeof TranscriptRound>;

export const TranscriptFeedback = z
    .object({
        /** The round on offer when the feedback came. */
        round: z.number().int().positive(),
        /** The line as typed or sent. */
        line: z.string(),
        /** The feedback it was read as; absent when the line was not valid feedback. */
        feedback: Feedback.optional(),
        /** What it did. */
        result: z.enum(["round", "explanation", "agreement", "refused", "failed", "help"]),
        code: z.enum(REFUSAL_CODES).optional(),
        message: z.string().optional(),
    })
    .strict();
export type TranscriptFeedback = z.infer<typeof TranscriptFeedback>;

export const TranscriptOutcome = z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("agreed"), agreement: Agreement, written: z.array(z.string()) }).strict(),
    z.object({ kind: z.literal("failed"), reason: z.enum(FAILURE_REASONS), message: z.string() }).strict(),
]);
export type TranscriptOutcome = z.infer<typeof TranscriptOutcome>;

export const Transcript = z
    .object({
        command: z.literal("persona negotiate"),
        mode: z.enum(["interactive", "json"]),
        startedAt: z.string(),
        endedAt: z.string(),
        inputs: z
            .object({
                /** The workload as given (text or structured), when there was one. */
                workload: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
                persona: PersonaRefString.optional(),
                /** Demand flags given on the command line (--cpu, --uptime, ...). */
                demandFlags: z.record(z.string(), z.union([z.string(), z.boolean()])),
                constraints: Constraints,
                rejected: z.array(z.string()),
                maxRounds: z.number().int().positive(),
                /** The catalog snapshot's date. */
                catalog: z.string(),
                /** The demand the proposals were sized for. */
                demand: Demand,
            })
            .strict(),
        rounds: z.array(TranscriptRound),
        feedback: z.array(TranscriptFeedback),
        outcome: TranscriptOutcome,
    })
    .strict();
export type Transcript = z.infer<typeof Transcript>;

/** Collects a negotiation as it happens; `finish` turns it into a Transcript. */
export class TranscriptLog {
    private readonly rounds: TranscriptRound[] = [];
    private readonly feedback: TranscriptFeedback[] = [];

    constructor(
        private readonly mode: Transcript["mode"],
        private readonly inputs: Transcript["inputs"],
        private readonly startedAt: Date,
    ) {}

    round(state: SessionState): void {
        this.rounds.push({
            round: state.round,
            constraints: state.constraints,
            rejected: [...state.rejected],
            ...(state.modification ? { modification: state.modification } : {}),
            fingerprint: state.fingerprint,
            proposals: [...state.proposals],
            notes: [...state.notes],
        });
    }

    /** Records a line of feedback and its step (or, for a line that was not valid feedback, the error). */
    entry(round: number, line: string, feedback: Feedback | undefined, result: Step | { kind: "help" } | { kind: "invalid"; message: string }): void {
        const common = { round, line, ...(feedback ? { feedback } : {}) };
        switch (result.kind) {
            case "invalid":
                this.feedback.push({ ...common, result: "refused", code: "invalid-feedback", message: result.message });
                return;
            case "refused":
                this.feedback.push({ ...common, result: "refused", code: result.code, message: [result.message, ...result.details].join("\n") });
                return;
            case "failed":
                this.feedback.push({ ...common, result: "failed", message: result.message });
                return;
            default:
                this.feedback.push({ ...common, result: result.kind });
        }
    }

    finish(outcome: TranscriptOutcome, endedAt: Date): Transcript {
        return {
            command: "persona negotiate",
            mode: this.mode,
            startedAt: this.startedAt.toISOString(),
            endedAt: endedAt.toISOString(),
            inputs: this.inputs,
            rounds: this.rounds,
            feedback: this.feedback,
            outcome,
        };
    }
}

export const TRANSCRIPT_DIR = path.join(RECORD_DIR, "transcripts");

/** `.persona/transcripts/<start time>-<fingerprint>.json` under `dir`, not taken by an earlier run. */
export function defaultTranscriptFile(dir: string, startedAt: Date, fingerprint: string): string {
    const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
    const base = path.join(dir, TRANSCRIPT_DIR, `${stamp}-${fingerprint}`);
    let file = `${base}.json`;
    for (let n = 2; fs.existsSync(file); n++) {
        file = `${base}-${n}.json`;
    }
    return file;
}

/** Writes the transcript atomically (a reader sees none or all of it). */
export function writeTranscript(file: string, transcript: Transcript): string {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, `${JSON.stringify(transcript, null, 2)}\n`);
    return file;
}
