import { Catalog } from "../catalog/catalog";
import { checkSettings, securityRequirements } from "../compliance";
import { LifecycleExpectations, Persona, formatPersonaRef } from "../persona/schema";
import { Constraints } from "../solver/constraints";
import { Infeasibility } from "../solver/diagnose";
import { Proposal } from "../solver/proposal";
import { ProposalConfig, reprice, solve, SolveInput, Violation } from "../solver/solve";
import { Demand, demandFromPersona } from "../workload/demand";
import { Agreement } from "./agreement";
import { findProposal, Modification, NegotiationConfig } from "./config";
import { money, proposalDiff } from "./present";

/**
 * The Negotiation Engine (seed II.4-6, IV) as a pure function of its inputs: today's demand,
 * persona, constraints and catalog, and the negotiation state the user wrote (stack config or
 * the negotiate loop). It never provisions; it says what may be provisioned and why.
 */

/** Automated acceptance (seed V): a named policy or a function choosing among the proposals. */
export type NegotiatorPolicy = "cheapest" | "balanced" | "performance";
export type Negotiator = NegotiatorPolicy | ((proposals: readonly Proposal[]) => string | undefined);

export interface NegotiationInput {
    readonly demand: Demand;
    /** The base persona, if any. */
    readonly persona?: Persona;
    /** The lifecycle to size for when it differs from the persona's (persona negotiate's --uptime, --interruption-tolerant). Defaults to the persona's. */
    readonly lifecycle?: LifecycleExpectations;
    /** Constraints after merging (args, then stack config). */
    readonly constraints: Constraints;
    readonly catalog: Catalog;
    /** The negotiation state: reject, modify, accept, agreement (its constraints are already merged). */
    readonly state: Omit<NegotiationConfig, "constraints">;
    /** Hash of today's inputs, recorded in agreements. */
    readonly fingerprint: string;
    readonly negotiator?: Negotiator;
}

/** What to do, and everything needed to show why. */
export type Outcome =
    /** No acceptance yet: the proposals on offer (a modified one in place of its original). */
    | { readonly kind: "proposing"; readonly proposals: Proposal[]; readonly baseline?: Baseline; readonly notes: string[] }
    /** An accepted id that today's solve reproduces (or the negotiator's pick): provision it. */
    | { readonly kind: "accepted"; readonly agreement: Agreement; readonly proposals: Proposal[]; readonly by: "user" | "negotiator"; readonly notes: string[] }
    /** A pinned agreement today's inputs still admit: provision exactly it. */
    | { readonly kind: "agreed"; readonly agreement: Agreement; readonly proposals: Proposal[]; readonly notes: string[] }
    /** Nothing may be provisioned: why, and what the user can do. */
    | { readonly kind: "refused"; readonly reason: RefusalReason; readonly message: string; readonly details: string[]; readonly proposals: Proposal[]; readonly infeasible?: Infeasibility };

export type RefusalReason = "stale-agreement" | "accept-not-reproduced" | "modify-refused" | "infeasible";

/** What proposals are compared with: the agreement, the base persona's recommendation or today's best. */
export interface Baseline {
    readonly label: string;
    readonly proposal: Proposal;
}

/** The solver's input for a negotiation, with rejected ids. */
export function solveInputFor(input: Pick<NegotiationInput, "demand" | "persona" | "lifecycle" | "constraints" | "catalog">, rejected: readonly string[] = []): SolveInput {
    const persona = input.persona;
    const lifecycle = input.lifecycle ?? persona?.lifecycle;
    return {
        demand: input.demand,
        constraints: input.constraints,
        catalog: input.catalog,
        ...(persona ? { profile: persona.security, cost: persona.cost } : {}),
        ...(lifecycle ? { lifecycle } : {}),
        ...(rejected.length > 0 ? { rejected } : {}),
    };
}

/** Scaling bounds for an agreement when the persona's lifecycle asks for an auto scaling group. */
export function scalingFor(persona: Persona | undefined, count: number): Agreement["scaling"] {
    const scaling = persona?.lifecycle.scaling;
    if (!scaling || scaling.max <= scaling.min) {
        return undefined;
    }
    return { min: Math.min(scaling.min, count), max: Math.max(scaling.max, count) };
}

export function agreementFor(proposal: Proposal, input: Pick<NegotiationInput, "persona" | "fingerprint">): Agreement {
    const scaling = scalingFor(input.persona, proposal.count);
    return {
        proposal,
        ...(input.persona ? { persona: formatPersonaRef(input.persona) } : {}),
        fingerprint: input.fingerprint,
        ...(scaling ? { scaling } : {}),
    };
}

/** The configuration of a proposal with a modification applied, for `reprice`. */
export function modifiedConfig(proposal: Proposal, change: Omit<Modification, "proposal">): ProposalConfig {
    const s = proposal.storage;
    const storageChanged = change.storage !== undefined && Object.keys(change.storage).length > 0;
    return {
        instanceType: change.instanceType ?? proposal.instanceType,
        region: change.region ?? proposal.region,
        count: change.count ?? proposal.count,
        purchase: change.purchase ?? proposal.purchase,
        ...(storageChanged || s.volumeCount > 0
            ? {
                  storage: {
                      volumeType: s.volumeType,
                      volumeCount: s.volumeCount,
                      sizeGiB: s.sizeGiB,
                      iops: s.iops,
                      throughputMBps: s.throughputMBps,
                      raid: s.raid,
                      ...change.storage,
                  },
              }
            : {}),
        settings: { ...proposal.security.settings, ...change.security },
    };
}

function describeViolations(violations: readonly Violation[]): string[] {
    return violations.map((v) => `${v.constraint}: ${v.message}`);
}

/**
 * Whether today's inputs still admit a pinned agreement. A single-type agreement is re-validated
 * and re-costed exactly like a `modify`; a mixed fleet is checked on what it cannot re-solve
 * member by member: compliance settings, region and the cost ceilings.
 */
export function admissionProblems(agreement: Agreement, input: NegotiationInput): string[] {
    const p = agreement.proposal;
    const solveInput = solveInputFor(input);
    if (!p.fleet) {
        const result = reprice(modifiedConfig(p, {}), solveInput);
        return result.ok ? [] : describeViolations(result.violations);
    }
    const security = securityRequirements({
        role: input.demand.role,
        ...(input.persona ? { profile: input.persona.security } : {}),
        compliance: [...input.demand.compliance, ...(input.constraints.compliance ?? [])],
        ...(input.constraints.sensitivity ? { sensitivity: input.constraints.sensitivity } : {}),
    });
    const problems = checkSettings(p.security.settings, security, p.region).map((v) => `security.${v.setting}: ${v.message}`);
    const ceilings: [number | undefined, string][] = [
        [input.constraints.maxMonthlyCost, "maxMonthlyCost"],
        [input.persona?.cost.maxMonthly, "persona cost.maxMonthly"],
    ];
    for (const [ceiling, name] of ceilings) {
        if (ceiling !== undefined && p.monthlyCost.total > ceiling) {
            problems.push(`${name}: the agreement costs ${money(p.monthlyCost.total)}/month > ${name} ${ceiling}`);
        }
    }
    const regions = input.constraints.regions;
    if (Array.isArray(regions) && !regions.includes(p.region)) {
        problems.push(`regions: ${p.region} is not among ${regions.join(", ")}`);
    }
    return problems;
}

/** Chooses a proposal for automated negotiation; undefined when the policy declines. */
export function choose(negotiator: Negotiator, proposals: readonly Proposal[]): Proposal | undefined {
    if (typeof negotiator === "function") {
        const id = negotiator(proposals);
        return id === undefined ? undefined : findProposal(id, proposals, "negotiator");
    }
    switch (negotiator) {
        case "cheapest":
            return [...proposals].sort((a, b) => a.monthlyCost.total - b.monthlyCost.total)[0];
        case "balanced":
            return proposals.find((p) => p.recommended) ?? proposals[0];
        case "performance":
            return proposals.find((p) => p.label === "performance") ?? [...proposals].sort((a, b) => b.headroom.cpu - a.headroom.cpu)[0];
    }
}

/** The proposal to compare against when nothing is agreed: the base persona's own recommendation. */
export function personaBaseline(input: Pick<NegotiationInput, "persona" | "constraints" | "catalog">): Baseline | undefined {
    if (!input.persona) {
        return undefined;
    }
    const result = solve(solveInputFor({ ...input, demand: demandFromPersona(input.persona) }));
    const recommended = result.ok ? (result.proposals.find((p) => p.recommended) ?? result.proposals[0]) : undefined;
    return recommended ? { label: `${formatPersonaRef(input.persona)} defaults`, proposal: recommended } : undefined;
}

export function negotiate(input: NegotiationInput): Outcome {
    const { state } = input;
    if (state.agreement) {
        return checkAgreement(state.agreement, input);
    }
    const result = solve(solveInputFor(input, state.reject ?? []));
    if (!result.ok) {
        return {
            kind: "refused",
            reason: "infeasible",
            message: result.infeasible.summary,
            details: result.infeasible.conflicts.map((c) => `${c.constraint} (${c.source}): ${c.message}. Fix: ${c.fix}`),
            proposals: [],
            infeasible: result.infeasible,
        };
    }
    const proposals = [...result.proposals];
    const notes: string[] = [];
    if (state.modify) {
        const { proposal: ref, ...change } = state.modify;
        const index = proposals.findIndex((p) => p.id.startsWith(ref));
        if (index < 0) {
            return {
                kind: "refused",
                reason: "modify-refused",
                message: `modify names proposal ${ref}, which is not on offer`,
                details: [`offered: ${proposals.map((p) => `${p.id} (${p.label})`).join(", ")}`],
                proposals,
            };
        }
        const modified = reprice(modifiedConfig(proposals[index], change), solveInputFor(input));
        if (!modified.ok) {
            return { kind: "refused", reason: "modify-refused", message: `the modification of ${proposals[index].id} breaks a hard constraint`, details: describeViolations(modified.violations), proposals };
        }
        notes.push(`${proposals[index].id} modified into ${modified.proposal.id}:`, ...proposalDiff(proposals[index], modified.proposal).map((l) => `  ${l}`));
        proposals[index] = modified.proposal;
        proposals.forEach((p, i) => (proposals[i] = { ...p, recommended: i === index }));
    }
    if (state.accept) {
        const match = proposals.filter((p) => p.id.startsWith(state.accept as string));
        if (match.length !== 1) {
            return {
                kind: "refused",
                reason: "accept-not-reproduced",
                message:
                    match.length === 0
                        ? `accepted proposal ${state.accept} is not what today's inputs produce, so nothing is provisioned`
                        : `accept ${state.accept} matches ${match.length} proposals: give more letters`,
                details: proposals.map((p) => `offered: ${p.id} ${p.label} ${p.count} x ${p.instanceType} ${p.region} ${money(p.monthlyCost.total)}/month`),
                proposals,
            };
        }
        return { kind: "accepted", agreement: agreementFor(match[0], input), proposals, by: "user", notes };
    }
    if (input.negotiator) {
        const chosen = choose(input.negotiator, proposals);
        if (chosen) {
            const name = typeof input.negotiator === "function" ? "the negotiator function" : `the ${input.negotiator} negotiator`;
            return { kind: "accepted", agreement: agreementFor(chosen, input), proposals, by: "negotiator", notes: [...notes, `${name} accepted ${chosen.id} (${chosen.label})`] };
        }
        notes.push("the negotiator declined every proposal");
    }
    const recommended = proposals.find((p) => p.recommended) ?? proposals[0];
    const baseline = personaBaseline(input) ?? { label: "the recommended proposal", proposal: recommended };
    return { kind: "proposing", proposals, baseline, notes };
}

/**
 * The cheapest of today's proposals that is better than the agreed one in every respect the
 * agreement was chosen for: cheaper, and at least as much CPU and memory headroom, storage
 * (capacity, IOPS, throughput, mirroring), zones and security, on the same purchase option. A
 * proposal that is merely cheaper (with less headroom or smaller volumes, say) is a different
 * trade-off, not a better one.
 */
export function betterThan(agreed: Proposal, proposals: readonly Proposal[]): Proposal | undefined {
    return [...proposals]
        .filter((p) => p.id !== agreed.id && p.monthlyCost.total < agreed.monthlyCost.total - 0.005 && atLeastAsGood(p, agreed))
        .sort((a, b) => a.monthlyCost.total - b.monthlyCost.total)[0];
}

const MIRRORED = new Set(["raid1", "raid10"]);

function atLeastAsGood(p: Proposal, agreed: Proposal): boolean {
    const zones = (x: Proposal) => new Set(x.zones).size;
    const [s, a] = [p.storage, agreed.storage];
    const [offered, pinned] = [p.security.settings, agreed.security.settings];
    return (
        p.purchase === agreed.purchase &&
        p.headroom.cpu >= agreed.headroom.cpu &&
        p.headroom.memory >= agreed.headroom.memory &&
        zones(p) >= zones(agreed) &&
        s.usableGiB >= a.usableGiB &&
        s.totalIops >= a.totalIops &&
        s.totalThroughputMBps >= a.totalThroughputMBps &&
        (MIRRORED.has(s.raid) || !MIRRORED.has(a.raid)) &&
        (offered.kmsKey === "customer-managed" || pinned.kmsKey === "aws-managed") &&
        (offered.detailedMonitoring || !pinned.detailedMonitoring) &&
        offered.logRetentionDays >= pinned.logRetentionDays &&
        offered.backupRetentionDays >= pinned.backupRetentionDays &&
        (offered.tenancy === "dedicated" || pinned.tenancy === "default")
    );
}

function checkAgreement(agreement: Agreement, input: NegotiationInput): Outcome {
    const problems = admissionProblems(agreement, input);
    // Rejected ids stay rejected after an agreement: they are never suggested as better.
    const today = solve(solveInputFor(input, input.state.reject ?? []));
    const proposals = today.ok ? today.proposals : [];
    if (problems.length > 0) {
        return {
            kind: "refused",
            reason: "stale-agreement",
            message: `today's inputs no longer admit the agreement ${agreement.proposal.id}; nothing is changed`,
            details: [...problems, "renegotiate: remove the agreement (pulumi config rm --path '<component>.agreement'), preview, and accept a new proposal; or relax the constraint"],
            proposals,
        };
    }
    const notes: string[] = [];
    if (agreement.fingerprint !== input.fingerprint) {
        notes.push(`the inputs changed since the agreement (fingerprint ${agreement.fingerprint} => ${input.fingerprint}); the agreement still satisfies them`);
    }
    const better = betterThan(agreement.proposal, proposals);
    if (better) {
        notes.push(`a better proposal exists (nothing is changed; to switch, remove the agreement and accept ${better.id}):`, ...proposalDiff(agreement.proposal, better).map((l) => `  ${l}`));
    }
    return { kind: "agreed", agreement, proposals, notes };
}
