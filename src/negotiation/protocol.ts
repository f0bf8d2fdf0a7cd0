import { z } from "zod";
import { Conflict } from "../solver/diagnose";
import { Proposal } from "../solver/proposal";
import { Agreement } from "./agreement";
import { Explanation, FAILURE_REASONS, Feedback, REFUSAL_CODES } from "./session";

/**
 * The JSON-lines protocol of `persona negotiate --json`, for applications and policy engines
 * (seed V, "Automated Negotiation"). The command writes one line when it starts (round 1); then,
 * for every non-blank input line (a `Feedback` object), exactly one output line: the next round,
 * an explanation, an error (the round stays on offer), the agreement, or the failure. After an
 * agreement or a failure it reads no more input and exits (0, or 3 for a failure).
 */

/** An input line. */
export const InputMessage = Feedback;
export type InputMessage = Feedback;

/** The proposals on offer in round `round` (ids are what feedback names). */
export const RoundMessage = z
    .object({
        round: z.number().int().positive(),
        proposals: z.array(Proposal),
        /** What changed since the last round, when something did (a modification's diff, the constraints now in effect). */
        notes: z.array(z.string()).optional(),
    })
    .strict();
export type RoundMessage = z.infer<typeof RoundMessage>;

/** The answer to `explain`: the round is unchanged. */
export const ExplanationMessage = z.object({ round: z.number().int().positive(), explanation: Explanation, proposals: z.array(Proposal) }).strict();
export type ExplanationMessage = z.infer<typeof ExplanationMessage>;

/** Feedback that could not be honoured: why, and the proposals still on offer. The loop goes on. */
export const ErrorMessage = z
    .object({
        round: z.number().int().positive(),
        error: z
            .object({
                code: z.enum(REFUSAL_CODES),
                message: z.string(),
                /** The violated requirements, the conflicting constraints and their fixes, or the valid forms of input. */
                details: z.array(z.string()).optional(),
            })
            .strict(),
        proposals: z.array(Proposal),
    })
    .strict();
export type ErrorMessage = z.infer<typeof ErrorMessage>;

/** The agreement: the last line of a successful negotiation (exit code 0). */
export const AgreementMessage = z
    .object({
        agreement: Agreement,
        /** Where the agreement was written (--out, the stack file). */
        written: z.array(z.string()),
        /** The transcript file. */
        transcript: z.string(),
    })
    .strict();
export type AgreementMessage = z.infer<typeof AgreementMessage>;

/** The last line of a failed negotiation (exit code 3; 2 when no configuration satisfies the request at all). */
export const FailedMessage = z
    .object({
        outcome: z.literal("failed"),
        reason: z.enum(FAILURE_REASONS),
        message: z.string(),
        /** When nothing satisfies the initial request: the smallest conflicting set of constraints. */
        conflicts: z.array(Conflict).optional(),
        transcript: z.string(),
    })
    .strict();
export type FailedMessage = z.infer<typeof FailedMessage>;

/** The only line when the command line itself is wrong (exit code 2): nothing was negotiated. */
export const BadInputMessage = z
    .object({
        error: z
            .object({
                code: z.literal("bad-input"),
                issues: z.array(z.object({ input: z.string(), path: z.string(), message: z.string(), fix: z.string() }).strict()),
            })
            .strict(),
    })
    .strict();
export type BadInputMessage = z.infer<typeof BadInputMessage>;

/** Any output line. */
export const OutputMessage = z.union([RoundMessage, ExplanationMessage, ErrorMessage, AgreementMessage, FailedMessage, BadInputMessage]);
export type OutputMessage = z.infer<typeof OutputMessage>;

/** The input forms, for error messages. */
export const VALID_INPUT = [
    '{"action":"accept","id":"<id>"}',
    '{"action":"reject"} or {"action":"reject","ids":["<id>",...]}',
    '{"action":"modify","id":"<id>","changes":{"instanceType":"m7i.xlarge","storage":{"sizeGiB":500},"security":{"detailedMonitoring":true},...}}',
    '{"action":"constrain","constraints":{"maxMonthlyCost":300,"compliance":["pci-dss"],...},"relax":["maxMonthlyCost","pci-dss",...]}',
    '{"action":"explain","id":"<id>"}',
    '{"action":"quit"}',
];
