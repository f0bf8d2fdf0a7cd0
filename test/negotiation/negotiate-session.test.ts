import * as assert from "node:assert/strict";
import { defaultCatalog } from "../../src/catalog/catalog";
import { Feedback, SessionInput, SessionState, startSession, step, Step } from "../../src/negotiation/session";
import { openPersonaStore } from "../../src/persona/store";
import { Proposal } from "../../src/solver/proposal";
import { demandFromPersona } from "../../src/workload/demand";

/**
 * The negotiation loop's state machine, without the command around it: each round is the engine's
 * answer to the constraints, the rejected ids and the modification the feedback built up.
 */

const persona = openPersonaStore({ userDir: "/nonexistent-persona-store", env: {} }).get("postgres-oltp").persona;
const catalog = defaultCatalog();
const CONSTRAINTS = { regions: ["eu-west-1"], compliance: ["pci-dss" as const] };

function input(maxRounds = 10): SessionInput {
    return { demand: demandFromPersona(persona), persona, catalog, basis: { workload: null, persona: "postgres-oltp@1" }, maxRounds };
}

function start(session = input()): SessionState {
    const started = startSession(session, CONSTRAINTS);
    assert.ok(started.ok);
    return started.state;
}

/** Applies feedback in order; every step must open a new round unless it is the last. */
function run(session: SessionInput, feedback: readonly Feedback[]): Step[] {
    let state = start(session);
    const steps: Step[] = [];
    for (const f of feedback) {
        const result = step(session, state, f);
        steps.push(result);
        state = result.state;
    }
    return steps;
}

function newRound(s: Step): SessionState {
    assert.equal(s.kind, "round", s.kind === "refused" ? `${s.message}\n${s.details.join("\n")}` : s.kind);
    return s.state;
}

const cheapest = (proposals: readonly Proposal[]): Proposal => proposals.find((p) => p.label === "cost-optimized") as Proposal;

describe("negotiation session", () => {
    it("is deterministic: the same feedback gives the same rounds, ids and fingerprints", () => {
        const first = start();
        const feedback: Feedback[] = [
            { action: "modify", id: cheapest(first.proposals).id, changes: { storage: { sizeGiB: 400 } } },
            { action: "constrain", constraints: { architecture: "arm64" } },
            { action: "reject" },
        ];
        const a = run(input(), feedback);
        const b = run(input(), feedback);
        assert.deepEqual(a, b);
        assert.deepEqual(
            a.map((s) => s.state.round),
            [2, 3, 4],
        );
        assert.notEqual(a[1].state.fingerprint, first.fingerprint, "an agreement records the constraints it was reached under");
    });

    it("a second modify of the modified proposal adds to the first; modifying another withdraws it", () => {
        const r1 = start();
        const original = cheapest(r1.proposals);
        const r2 = newRound(step(input(), r1, { action: "modify", id: original.id, changes: { storage: { sizeGiB: 400 } } }));
        const modified = r2.proposals.find((p) => p.label === "modified") as Proposal;
        const r3 = newRound(step(input(), r2, { action: "modify", id: modified.id, changes: { security: { backupRetentionDays: 30 } } }));
        const twice = r3.proposals.find((p) => p.label === "modified") as Proposal;
        assert.equal(twice.storage.sizeGiB, 400, "the first change stays");
        assert.equal(twice.security.settings.backupRetentionDays, 30);
        assert.deepEqual(r3.modification, { proposal: original.id, storage: { sizeGiB: 400 }, security: { backupRetentionDays: 30 } });

        const other = r3.proposals.find((p) => p.label === "balanced") as Proposal;
        const r4 = newRound(step(input(), r3, { action: "modify", id: other.id, changes: { storage: { sizeGiB: 600 } } }));
        assert.ok(r4.proposals.some((p) => p.id === original.id), "the earlier modification's original is offered again");
        assert.match(r4.notes.join("\n"), new RegExp(`the earlier modification ${twice.id} is withdrawn; ${original.id} is offered as it was`));
    });

    it("rejecting the modified proposal rejects what it was made from too", () => {
        const r1 = start();
        const original = cheapest(r1.proposals);
        const r2 = newRound(step(input(), r1, { action: "modify", id: original.id, changes: { storage: { sizeGiB: 400 } } }));
        const modified = r2.proposals.find((p) => p.label === "modified") as Proposal;
        const r3 = newRound(step(input(), r2, { action: "reject", ids: [modified.id] }));
        assert.equal(r3.modification, undefined);
        assert.deepEqual([...r3.rejected].sort(), [modified.id, original.id].sort());
        assert.ok(!r3.proposals.some((p) => p.id === original.id || p.label === "modified"));
        assert.ok(r3.proposals.length >= 3, "a full round of alternatives");
    });

    it("a constraint that excludes the modification withdraws it, saying why", () => {
        const r1 = start();
        const original = cheapest(r1.proposals);
        const r2 = newRound(step(input(), r1, { action: "modify", id: original.id, changes: { storage: { sizeGiB: 1000 } } }));
        const modified = r2.proposals.find((p) => p.label === "modified") as Proposal;
        const ceiling = Math.ceil(modified.monthlyCost.total) - 1;
        const r3 = newRound(step(input(), r2, { action: "constrain", constraints: { maxMonthlyCost: ceiling } }));
        assert.equal(r3.modification, undefined);
        assert.ok(r3.proposals.every((p) => p.monthlyCost.total <= ceiling));
        assert.match(r3.notes.join("\n"), new RegExp(`the modification of ${original.id} is withdrawn: .*maxMonthlyCost`));
    });

    it("refusals leave the round as it was; the round limit ends the negotiation", () => {
        const session = input(2);
        const r1 = start(session);
        const refusals: Feedback[] = [
            { action: "accept", id: "zzzz" },
            { action: "modify", id: r1.proposals[0].id, changes: { security: { publicIp: true } } },
            { action: "constrain", constraints: { maxMonthlyCost: 10 } },
            { action: "constrain", constraints: { regions: ["eu-west-1"] } },
            { action: "constrain", relax: ["hipaa"] },
            { action: "constrain", constraints: { regions: ["xx-fake-9"] } },
        ];
        const codes = refusals.map((f) => {
            const s = step(session, r1, f);
            assert.equal(s.kind, "refused");
            assert.equal(s.state, r1);
            return s.kind === "refused" ? s.code : undefined;
        });
        assert.deepEqual(codes, ["invalid-feedback", "modify-refused", "infeasible", "no-change", "invalid-feedback", "invalid-feedback"]);
        const r2 = newRound(step(session, r1, { action: "reject" }));
        const limit = step(session, r2, { action: "reject" });
        assert.equal(limit.kind, "failed");
        assert.equal(limit.kind === "failed" ? limit.reason : undefined, "round-limit");
        const explained = step(session, r2, { action: "explain", id: r2.proposals[0].id });
        assert.equal(explained.kind, "explanation", "explain and accept still work in the last round");
        const agreed = step(session, r2, { action: "accept", id: r2.proposals[0].id });
        assert.equal(agreed.kind === "agreement" ? agreed.agreement.proposal.id : undefined, r2.proposals[0].id);
        assert.equal(agreed.kind === "agreement" ? agreed.agreement.fingerprint : undefined, r2.fingerprint);
    });
});
