import * as assert from "node:assert/strict";
import { defaultCatalog } from "../../src/catalog/catalog";
import { Proposal } from "../../src/solver/proposal";
import { requirementsFor } from "../../src/solver/requirements";
import { solve } from "../../src/solver/solve";
import { cheapestFeasible, violations } from "./brute-force";
import { randomInput, rng } from "./random-inputs";

/**
 * Properties of the solver over the real catalog, on seeded random requirement sets (roles,
 * demands from a tenth of a vCPU to 96, regions, constraints, compliance, lifecycles), checked
 * against a plain exhaustive scan that shares none of the solver's search code.
 */
describe("solve, against a brute-force scan of the real catalog", function () {
    this.timeout(120_000);
    const catalog = defaultCatalog();
    const CASES = 300;
    const cases = (() => {
        const next = rng(424242);
        return Array.from({ length: CASES }, () => {
            const input = randomInput(catalog, next);
            return { input, req: requirementsFor(input), result: solve(input) };
        });
    })();

    it(`the cost-optimized proposal is the cheapest feasible configuration, and nothing is found only when nothing exists (${CASES} requirement sets)`, () => {
        let feasible = 0;
        for (const [i, { input, req, result }] of cases.entries()) {
            const best = cheapestFeasible(input, req);
            if (!result.ok) {
                assert.equal(best, undefined, `case ${i}: infeasible, but ${JSON.stringify(best)} satisfies everything`);
                continue;
            }
            feasible++;
            const cheapest = result.proposals.find((p) => p.label === "cost-optimized");
            assert.ok(cheapest, `case ${i}: no cost-optimized proposal`);
            assert.ok(best, `case ${i}: the scan finds nothing, the solver ${cheapest.instanceType}`);
            // Equal up to rounding each cost line to cents: never dearer than the cheapest offering.
            assert.ok(cheapest.monthlyCost.total <= best.total + 0.02, `case ${i}: $${cheapest.monthlyCost.total} (${cheapest.count} x ${cheapest.instanceType}) > $${best.total} (${best.count} x ${best.instanceType} ${best.region})`);
            assert.ok(cheapest.monthlyCost.total >= best.total - 0.02, `case ${i}: cheaper than the exhaustive scan: the scan or a constraint check is wrong`);
        }
        assert.ok(feasible > CASES * 0.7, `${feasible} of ${CASES} feasible: the generator should mostly make satisfiable requests`);
    });

    it("every proposal satisfies every hard constraint", () => {
        let checked = 0;
        for (const [i, { input, req, result }] of cases.entries()) {
            for (const p of result.ok ? result.proposals : []) {
                assert.deepEqual(violations(p, input, req), [], `case ${i}, ${p.label} ${p.count} x ${p.instanceType} in ${p.region}`);
                checked++;
            }
        }
        assert.ok(checked > CASES * 2, `${checked} proposals checked`);
    });

    it("proposes 3 to 5 genuinely different configurations where the constraints leave room, exactly one recommended", () => {
        let roomy = 0;
        for (const [i, { result }] of cases.entries()) {
            if (!result.ok) {
                continue;
            }
            const ps = result.proposals;
            assert.ok(ps.length >= 1 && ps.length <= 5, `case ${i}: ${ps.length} proposals`);
            assert.equal(ps.filter((p) => p.recommended).length, 1, `case ${i}`);
            assert.equal(new Set(ps.map((p) => p.id)).size, ps.length, `case ${i}: repeated id`);
            assert.equal(new Set(ps.map((p) => p.label)).size, ps.length, `case ${i}: repeated label`);
            const configs = ps.map((p: Proposal) => `${p.region} ${p.purchase} ${p.fleet ? p.fleet.map((m) => `${m.count}x${m.instanceType}`).join("+") : `${p.count}x${p.instanceType}`} ${p.storage.volumeType}${p.storage.volumeCount}${p.storage.raid}`);
            assert.equal(new Set(configs).size, ps.length, `case ${i}: two proposals with one configuration`);
            roomy += ps.length >= 3 ? 1 : 0;
        }
        // Tight cost ceilings and narrow allow-lists leave fewer; most requests get three or more.
        assert.ok(roomy > cases.filter((c) => c.result.ok).length * 0.75, `${roomy} requests with 3+ proposals`);
    });

    it("is deterministic: the same input gives the same proposals, ids and order", () => {
        for (const { input, result } of cases.slice(0, 60)) {
            assert.deepEqual(solve(input), result);
        }
    });
});
