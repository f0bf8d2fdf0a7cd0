import { z } from "zod";
import { Catalog } from "../catalog/catalog";
import { Evidence } from "../compliance/settings";
import { InputError } from "../errors";
import { Framework, FRAMEWORKS, formatPersonaRef, LifecycleExpectations, Persona, Role } from "../persona/schema";
import { Constraints, mergeConstraints } from "../solver/constraints";
import { MonthlyCost, Proposal } from "../solver/proposal";
import { Assumption, Demand } from "../workload/demand";
import { Agreement } from "./agreement";
import { findProposal, Modification, ProposalRef } from "./config";
import { Baseline, negotiate, Outcome } from "./engine";
import { canonicalJson, contentHash } from "../fingerprint";
import { money, proposalDiff } from "./present";

/**
 * The negotiation loop of `persona negotiate` (seed II.4-6, IV) as a pure state machine over the
 * engine: each round is `negotiate()` on the state the feedback so far built up (the constraints,
 * the accumulated rejected ids and the one modification under consideration), so the same inputs
 * and feedback always give the same rounds and ids. Feedback that cannot be honoured (an unknown
 * id, a modification that breaks a requirement, a constraint nothing satisfies) is reported and
 * leaves the round as it was.
 */

/** Changes to one proposal: the `Modification` schema without the proposal it names. */
export const ProposalChange = Modification.omit({ proposal: true }).refine((change) => Object.values(change).some((v) => v !== undefined && !(typeof v === "object" && Object.keys(v).length === 0)), {
    message: "no change given",
    params: { fix: "name at least one setting, e.g. instanceType=m7i.xlarge or storage.sizeGiB=500" },
});
export type ProposalChange = z.infer<typeof ProposalChange>;

/** What `relax` may name: a constraint key, or one compliance framework the constraints added. */
export const RelaxTarget = z.union([Constraints.keyof(), Framework]);
export type RelaxTarget = z.infer<typeof RelaxTarget>;

/** One piece of feedback (seed II.4): the same shapes are the `--json` protocol's input lines. */
export const Feedback = z.discriminatedUnion("action", [
    /** Agree to an offered proposal (its id or a unique prefix of 4+ letters). */
    z.object({ action: z.literal("accept"), id: ProposalRef }).strict(),
    /** Reject all offered proposals, or only `ids`: the next round offers alternatives that avoid them. */
    z.object({ action: z.literal("reject"), ids: z.array(ProposalRef).min(1).optional() }).strict(),
    /** Change one offered proposal; it is re-validated and re-costed and offered in its place. */
    z.object({ action: z.literal("modify"), id: ProposalRef, changes: ProposalChange }).strict(),
    /** Add or change constraints (merged: later values win, compliance frameworks are added), after relaxing `relax`. */
    z
        .object({ action: z.literal("constrain"), constraints: Constraints.optional(), relax: z.array(RelaxTarget).min(1).optional() })
        .strict()
        .refine((c) => c.constraints !== undefined || c.relax !== undefined, { message: "neither constraints nor relax given", params: { fix: 'give "constraints": {...} and/or "relax": [...]' } }),
    /** Why a proposal is what it is: assumptions, binding constraints, evidence, cost breakdown. */
    z.object({ action: z.literal("explain"), id: ProposalRef }).strict(),
    /** End without agreement. */
    z.object({ action: z.literal("quit") }).strict(),
]);
export type Feedback = z.infer<typeof Feedback>;

/** Why a piece of feedback left the round unchanged. */
export const REFUSAL_CODES = ["invalid-feedback", "modify-refused", "infeasible", "no-alternatives", "no-change", "write-failed"] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export const FAILURE_REASONS = ["quit", "round-limit", "end-of-input", "infeasible"] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Everything about one proposal a person or a policy engine needs to judge it. */
export const Explanation = z
    .object({
        id: z.string(),
        label: z.string(),
        recommended: z.boolean(),
        /** `2 x m7i.large on-demand in eu-west-1, 1 x 100 GiB gp3, $151.20/month`. */
        summary: z.string(),
        reason: z.string(),
        /** The demand the proposal is sized for (peaks of the whole workload). */
        demand: z
            .object({
                role: Role,
                confidence: z.number(),
                cpuPeak: z.number(),
                cpuSustained: z.number(),
                memoryGiBPeak: z.number(),
                iopsPeak: z.number(),
                throughputMBpsPeak: z.number(),
                networkMbpsPeak: z.number(),
                storageGiB: z.number(),
            })
            .strict(),
        /** Every assumption behind the demand, with its source. */
        assumptions: z.array(Assumption),
        /** What would make the demand firmer. */
        questions: z.array(z.string()),
        /** The constraints in effect this round. */
        constraints: Constraints,
        /** Every framework that applies: the workload's, the persona's and the constraints'. */
        compliance: z.array(Framework),
        /** The constraints that decide this proposal (relaxing one would change it). */
        binding: z.array(z.string()),
        headroom: z.object({ cpu: z.number(), memory: z.number() }).strict(),
        /** Security settings with the requirements that demand them. */
        evidence: z.array(Evidence),
        /** The monthly cost with its items and basis. */
        cost: MonthlyCost,
        /** The proposal against the round's baseline, as `~ field: old => new` lines. */
        against: z.object({ label: z.string(), id: z.string(), diff: z.array(z.string()) }).strict().optional(),
    })
    .strict();
export type Explanation = z.infer<typeof Explanation>;

/** What stays fixed through a negotiation. */
export interface SessionInput {
    readonly demand: Demand;
    readonly persona?: Persona;
    /** The lifecycle to size for when it differs from the persona's. */
    readonly lifecycle?: LifecycleExpectations;
    readonly catalog: Catalog;
    /**
     * What an agreement's fingerprint hashes besides the constraints in effect: the workload and
     * the persona reference (as NegotiatedInstance hashes them), plus any demand flags.
     */
    readonly basis: Readonly<Record<string, unknown>>;
    /** Rounds of proposals offered at most; feedback that would open one more ends the negotiation. */
    readonly maxRounds: number;
}

/** One round: the proposals on offer and the state they were made from. */
export interface SessionState {
    readonly round: number;
    readonly constraints: Constraints;
    /** Every id rejected so far (full ids). */
    readonly rejected: readonly string[];
    /** The modification under consideration, naming the solver's proposal it changes (full id). */
    readonly modification?: Modification;
    readonly proposals: readonly Proposal[];
    readonly baseline?: Baseline;
    readonly notes: readonly string[];
    /** The fingerprint an agreement reached this round records. */
    readonly fingerprint: string;
}

export type Step =
    /** A new round of proposals. */
    | { readonly kind: "round"; readonly state: SessionState }
    /** An explanation; the round is unchanged. */
    | { readonly kind: "explanation"; readonly state: SessionState; readonly explanation: Explanation }
    /** Agreement: the negotiation ends. */
    | { readonly kind: "agreement"; readonly state: SessionState; readonly agreement: Agreement }
    /** Feedback that could not be honoured; the round is unchanged and the loop goes on. */
    | { readonly kind: "refused"; readonly state: SessionState; readonly code: RefusalCode; readonly message: string; readonly details: readonly string[] }
    /** No agreement: the negotiation ends. */
    | { readonly kind: "failed"; readonly state: SessionState; readonly reason: FailureReason; readonly message: string };

export type Start = { readonly ok: true; readonly state: SessionState } | { readonly ok: false; readonly refusal: Extract<Outcome, { kind: "refused" }> };

/** The fingerprint of an agreement reached under `constraints`. */
export function fingerprintOf(input: SessionInput, constraints: Constraints): string {
    return contentHash({ ...input.basis, constraints }, 12);
}

/** The engine's outcome for one state of the negotiation. */
function offer(input: SessionInput, constraints: Constraints, rejected: readonly string[], modification: Modification | undefined, accept?: string): Outcome {
    return negotiate({
        demand: input.demand,
        ...(input.persona ? { persona: input.persona } : {}),
        ...(input.lifecycle ? { lifecycle: input.lifecycle } : {}),
        constraints,
        catalog: input.catalog,
        state: { ...(rejected.length > 0 ? { reject: [...rejected] } : {}), ...(modification ? { modify: modification } : {}), ...(accept ? { accept } : {}) },
        fingerprint: fingerprintOf(input, constraints),
    });
}

/**
 * The outcome after a reject or a constraint, keeping the modification under consideration if it
 * still applies. The user's latest word wins: a modification that no longer fits (its original is
 * not offered any more, or it breaks a new constraint) is withdrawn, saying why.
 */
function reoffer(input: SessionInput, constraints: Constraints, rejected: readonly string[], modification: Modification | undefined): { outcome: Outcome; modification?: Modification; notes: string[] } {
    const outcome = offer(input, constraints, rejected, modification);
    if (outcome.kind === "refused" && outcome.reason === "modify-refused" && modification) {
        const why = `${outcome.message}${outcome.details.length > 0 ? ` (${outcome.details.join("; ")})` : ""}`;
        return { outcome: offer(input, constraints, rejected, undefined), notes: [`the modification of ${modification.proposal} is withdrawn: ${why}`] };
    }
    return { outcome, ...(modification ? { modification } : {}), notes: [] };
}

/** Round 1: the proposals for the request, or why there are none. */
export function startSession(input: SessionInput, constraints: Constraints, rejected: readonly string[] = []): Start {
    const outcome = offer(input, constraints, rejected, undefined);
    if (outcome.kind === "refused") {
        return { ok: false, refusal: outcome };
    }
    if (outcome.kind !== "proposing") {
        throw new Error(`the engine answered ${outcome.kind} without an acceptance`);
    }
    return { ok: true, state: roundState(input, 1, constraints, rejected, undefined, outcome, []) };
}

function roundState(
    input: SessionInput,
    round: number,
    constraints: Constraints,
    rejected: readonly string[],
    modification: Modification | undefined,
    outcome: Extract<Outcome, { kind: "proposing" }>,
    notes: readonly string[],
): SessionState {
    return {
        round,
        constraints,
        rejected,
        ...(modification ? { modification } : {}),
        proposals: outcome.proposals,
        ...(outcome.baseline ? { baseline: outcome.baseline } : {}),
        notes: [...notes, ...outcome.notes],
        fingerprint: fingerprintOf(input, constraints),
    };
}

function refused(state: SessionState, code: RefusalCode, message: string, details: readonly string[] = []): Step {
    return { kind: "refused", state, code, message, details };
}

/** The offered proposal `ref` names, or the refusal that says which ids are offered. */
function lookup(state: SessionState, ref: string, action: string): Proposal | Step {
    try {
        return findProposal(ref, state.proposals, `${action} ${ref}`);
    } catch (err) {
        if (err instanceof InputError) {
            return refused(state, "invalid-feedback", err.message);
        }
        throw err;
    }
}

function isStep(value: Proposal | Step): value is Step {
    return "kind" in value;
}

/** Opens the next round from an engine outcome, unless the round limit is reached. */
function next(input: SessionInput, state: SessionState, constraints: Constraints, rejected: readonly string[], modification: Modification | undefined, outcome: Extract<Outcome, { kind: "proposing" }>, notes: readonly string[]): Step {
    if (state.round >= input.maxRounds) {
        return { kind: "failed", state, reason: "round-limit", message: `no agreement after ${input.maxRounds} round${input.maxRounds === 1 ? "" : "s"} (--max-rounds ${input.maxRounds})` };
    }
    return { kind: "round", state: roundState(input, state.round + 1, constraints, rejected, modification, outcome, notes) };
}

/** The proposal on offer that is the modification's result, if any. */
function modifiedProposal(state: SessionState): Proposal | undefined {
    return state.modification ? state.proposals.find((p) => p.label === "modified") : undefined;
}

/** A second change to the modified proposal adds to the first (settings given again are replaced). */
function mergeModification(base: Modification, change: ProposalChange): Modification {
    const storage = base.storage || change.storage ? { ...base.storage, ...change.storage } : undefined;
    const security = base.security || change.security ? { ...base.security, ...change.security } : undefined;
    return { ...base, ...change, proposal: base.proposal, ...(storage ? { storage } : {}), ...(security ? { security } : {}) };
}

/** One line per constraint in effect, e.g. `regions eu-west-1; maxMonthlyCost 300`. */
export function constraintText(constraints: Constraints): string {
    // In the schema's order, whatever order feedback added them in.
    const parts = Constraints.keyof()
        .options.filter((k) => constraints[k] !== undefined)
        .map((k) => {
            const v = constraints[k];
            return `${k} ${Array.isArray(v) ? v.join(",") : String(v)}`;
        });
    return parts.length > 0 ? parts.join("; ") : "none";
}

/** Applies one piece of feedback to the round on offer. Pure: the same state and feedback give the same step. */
export function step(input: SessionInput, state: SessionState, feedback: Feedback): Step {
    try {
        return apply(input, state, feedback);
    } catch (err) {
        // The solver refuses input it cannot interpret (an unknown region, a type pattern matching nothing).
        if (err instanceof InputError) {
            return refused(state, "invalid-feedback", err.message);
        }
        throw err;
    }
}

function apply(input: SessionInput, state: SessionState, feedback: Feedback): Step {
    switch (feedback.action) {
        case "quit":
            return { kind: "failed", state, reason: "quit", message: "quit without agreement" };
        case "explain": {
            const p = lookup(state, feedback.id, "explain");
            return isStep(p) ? p : { kind: "explanation", state, explanation: explain(input, state, p) };
        }
        case "accept":
            return accept(input, state, feedback.id);
        case "reject":
            return reject(input, state, feedback.ids);
        case "modify":
            return modify(input, state, feedback.id, feedback.changes);
        case "constrain":
            return constrain(input, state, feedback.constraints, feedback.relax);
    }
}

function accept(input: SessionInput, state: SessionState, ref: string): Step {
    const p = lookup(state, ref, "accept");
    if (isStep(p)) {
        return p;
    }
    const outcome = offer(input, state.constraints, state.rejected, state.modification, p.id);
    if (outcome.kind !== "accepted") {
        // Unreachable while the engine is deterministic: the round was made from this very state.
        return refused(state, "invalid-feedback", outcome.kind === "refused" ? outcome.message : `accept ${ref} was not reproduced`, outcome.kind === "refused" ? outcome.details : []);
    }
    return { kind: "agreement", state, agreement: outcome.agreement };
}

function reject(input: SessionInput, state: SessionState, refs: readonly string[] | undefined): Step {
    const named: Proposal[] = [];
    for (const ref of refs ?? []) {
        const p = lookup(state, ref, "reject");
        if (isStep(p)) {
            return p;
        }
        named.push(p);
    }
    const targets = refs ? named : [...state.proposals];
    const ids = targets.map((p) => p.id);
    const modified = modifiedProposal(state);
    // Rejecting the modified proposal withdraws the modification and rejects what it was made from too.
    const dropModification = modified !== undefined && ids.includes(modified.id);
    const original = dropModification && state.modification ? [state.modification.proposal] : [];
    const rejected = [...new Set([...state.rejected, ...ids, ...original])];
    const { outcome, modification, notes: withdrawn } = reoffer(input, state.constraints, rejected, dropModification ? undefined : state.modification);
    if (outcome.kind === "refused") {
        return refused(state, "no-alternatives", `no alternatives left: every configuration the constraints admit has been rejected (${outcome.message})`, [
            ...outcome.details,
            "accept one of the proposals on offer, or relax a constraint",
        ]);
    }
    if (outcome.kind !== "proposing") {
        throw new Error(`the engine answered ${outcome.kind} without an acceptance`);
    }
    const fresh = outcome.proposals.filter((p) => !rejected.some((r) => p.id.startsWith(r)));
    if (fresh.length === 0) {
        return refused(state, "no-alternatives", "no alternatives left: the solver offers only configurations already rejected", ["accept one of the proposals on offer, or relax a constraint"]);
    }
    const notes = [`rejected ${ids.join(", ")}${original.length > 0 ? ` (and ${original[0]}, which ${modified?.id} was modified from)` : ""}; ${rejected.length} rejected in all`, ...withdrawn];
    return next(input, state, state.constraints, rejected, modification, outcome, notes);
}

function modify(input: SessionInput, state: SessionState, ref: string, change: ProposalChange): Step {
    const p = lookup(state, ref, "modify");
    if (isStep(p)) {
        return p;
    }
    const modified = modifiedProposal(state);
    const onModified = modified !== undefined && modified.id === p.id && state.modification !== undefined;
    const modification: Modification = onModified && state.modification ? mergeModification(state.modification, change) : { proposal: p.id, ...change };
    const outcome = offer(input, state.constraints, state.rejected, modification);
    if (outcome.kind === "refused") {
        return refused(state, outcome.reason === "modify-refused" ? "modify-refused" : "infeasible", `modify ${p.id} refused: ${outcome.message}`, outcome.details);
    }
    if (outcome.kind !== "proposing") {
        throw new Error(`the engine answered ${outcome.kind} without an acceptance`);
    }
    const notes = modified && !onModified && state.modification ? [`the earlier modification ${modified.id} is withdrawn; ${state.modification.proposal} is offered as it was`] : [];
    return next(input, state, state.constraints, state.rejected, modification, outcome, notes);
}

/** The frameworks that come from the workload or the persona rather than from a constraint. */
function inherentFrameworks(input: SessionInput): Map<string, string> {
    const origin = new Map<string, string>();
    input.demand.compliance.forEach((f) => origin.set(f, "the workload"));
    input.persona?.security.compliance.forEach((f) => origin.set(f, `the persona ${formatPersonaRef(input.persona as Persona)}`));
    return origin;
}

function constrain(input: SessionInput, state: SessionState, add: Constraints | undefined, relax: readonly RelaxTarget[] | undefined): Step {
    const current: Record<string, unknown> = { ...state.constraints };
    const problems: string[] = [];
    for (const target of relax ?? []) {
        if ((FRAMEWORKS as readonly string[]).includes(target)) {
            const list = (current.compliance as string[] | undefined) ?? [];
            if (list.includes(target)) {
                const left = list.filter((f) => f !== target);
                if (left.length > 0) {
                    current.compliance = left;
                } else {
                    delete current.compliance;
                }
            } else {
                const origin = inherentFrameworks(input).get(target);
                problems.push(origin ? `${target} is required by ${origin}, not by a constraint, so it cannot be relaxed here` : `${target} is not among the constraints in effect`);
            }
        } else if (current[target] === undefined) {
            problems.push(`${target} is not among the constraints in effect`);
        } else {
            delete current[target];
        }
    }
    if (problems.length > 0) {
        return refused(state, "invalid-feedback", `relax: ${problems.join("; ")}`, [`constraints in effect: ${constraintText(state.constraints)}`]);
    }
    const constraints = mergeConstraints(current as Constraints, add);
    if (canonicalJson(constraints) === canonicalJson(state.constraints)) {
        return refused(state, "no-change", `the constraints are already ${constraintText(constraints)}`, []);
    }
    const { outcome, modification, notes: withdrawn } = reoffer(input, constraints, state.rejected, state.modification);
    const notes = [`constraints now: ${constraintText(constraints)}`, ...withdrawn];
    if (outcome.kind === "refused") {
        const fixes = outcome.infeasible ? outcome.infeasible.conflicts.map((c) => `${c.constraint} (${c.source}): ${c.message}. Fix: ${c.fix}`) : outcome.details;
        return refused(state, "infeasible", `no configuration satisfies ${constraintText(constraints)}: ${outcome.message}`, [...fixes, "the previous proposals stay on offer"]);
    }
    if (outcome.kind !== "proposing") {
        throw new Error(`the engine answered ${outcome.kind} without an acceptance`);
    }
    return next(input, state, constraints, state.rejected, modification, outcome, notes);
}

/** Why `p` is what it is, from the round's state and the demand. */
export function explain(input: SessionInput, state: SessionState, p: Proposal): Explanation {
    const d = input.demand;
    const frameworks = new Set<Framework>([...d.compliance, ...(input.persona?.security.compliance ?? []), ...(state.constraints.compliance ?? [])]);
    const baseline = state.baseline;
    return {
        id: p.id,
        label: p.label,
        recommended: p.recommended,
        summary: proposalSummary(p),
        reason: p.reason,
        demand: {
            role: d.role,
            confidence: d.confidence,
            cpuPeak: d.cpu.peak,
            cpuSustained: d.cpu.sustained,
            memoryGiBPeak: d.memoryGiB.peak,
            iopsPeak: d.iops.peak,
            throughputMBpsPeak: d.throughputMBps.peak,
            networkMbpsPeak: d.networkMbps.peak,
            storageGiB: d.storageGiB,
        },
        assumptions: d.assumptions,
        questions: d.questions,
        constraints: state.constraints,
        compliance: FRAMEWORKS.filter((f) => frameworks.has(f)),
        binding: p.binding,
        headroom: p.headroom,
        evidence: p.security.evidence,
        cost: p.monthlyCost,
        ...(baseline && baseline.proposal.id !== p.id ? { against: { label: baseline.label, id: baseline.proposal.id, diff: proposalDiff(baseline.proposal, p) } } : {}),
    };
}

/** `2 x m7i.large on-demand in eu-west-1, 1 x 100 GiB gp3, $151.20/month`. */
export function proposalSummary(p: Proposal): string {
    const instances = p.fleet ? p.fleet.map((m) => `${m.count} x ${m.instanceType}`).join(" + ") : `${p.count} x ${p.instanceType}`;
    const s = p.storage;
    const storage = s.volumeCount > 0 ? `, ${s.volumeCount} x ${s.sizeGiB} GiB ${s.volumeType}${s.raid === "none" ? "" : ` ${s.raid}`}` : "";
    return `${instances} ${p.purchase} in ${p.region}${storage}, ${money(p.monthlyCost.total)}/month`;
}
