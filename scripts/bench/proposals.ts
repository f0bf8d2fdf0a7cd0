import { defaultCatalog } from "../../src/catalog/catalog";
import { requirementsFor, SolveInput } from "../../src/solver/requirements";
import { solve } from "../../src/solver/solve";
import { bareScan } from "../../test/solver/brute-force";
import { randomInput, rng } from "../../test/solver/random-inputs";
import { Benchmark, ms, quantile, since } from "./benchmark";

/**
 * Proposal generation over every region, beside a bare scan of the same catalog in the same run:
 * seeded random requirement sets (the property tests' generator) with regions set to all; each
 * input is solved and bare-scanned alternately so machine noise hits both alike. Goals: solve p50
 * under 10 ms and within 3x of the bare scan.
 */
const INPUTS = 150;
const ROUNDS = 3;
const SEED = 20250101;

function time(fn: () => void): number {
    const start = process.hrtime.bigint();
    fn();
    return since(start);
}

export const proposals: Benchmark = {
    name: "proposals",
    description: `solve() vs a bare scan over all ${INPUTS} seeded requirement sets with regions all (${ROUNDS} rounds, medians per input); goals p50 < 10 ms, ratio < 3x`,
    run(print) {
        const catalog = defaultCatalog();
        const next = rng(SEED);
        const inputs: SolveInput[] = Array.from({ length: INPUTS }, () => {
            const input = randomInput(catalog, next);
            return { ...input, constraints: { ...input.constraints, regions: "all" } };
        });
        // Warm-up: JIT both paths before measuring.
        for (const input of inputs.slice(0, 20)) {
            solve(input);
            bareScan(input);
        }
        const solveTimes: number[] = [];
        const scanTimes: number[] = [];
        const ratios: number[] = [];
        let feasible = 0;
        for (const input of inputs) {
            const s: number[] = [];
            const b: number[] = [];
            for (let round = 0; round < ROUNDS; round++) {
                let ok = false;
                s.push(time(() => (ok = solve(input).ok)));
                b.push(time(() => bareScan(input, requirementsFor(input))));
                feasible += round === 0 && ok ? 1 : 0;
            }
            const sm = quantile(s, 0.5);
            const bm = quantile(b, 0.5);
            solveTimes.push(sm);
            scanTimes.push(bm);
            ratios.push(sm / bm);
        }
        const p50 = quantile(solveTimes, 0.5);
        const scan50 = quantile(scanTimes, 0.5);
        print(`inputs: ${INPUTS} (${feasible} feasible, ${INPUTS - feasible} infeasible: diagnosed, which costs more)`);
        print(`solve:     p50 ${ms(p50)}  p90 ${ms(quantile(solveTimes, 0.9))}  p99 ${ms(quantile(solveTimes, 0.99))}`);
        print(`bare scan: p50 ${ms(scan50)}  p90 ${ms(quantile(scanTimes, 0.9))}  p99 ${ms(quantile(scanTimes, 0.99))}`);
        print(`ratio solve / bare scan: of medians ${(p50 / scan50).toFixed(2)}x; per input p50 ${quantile(ratios, 0.5).toFixed(2)}x, p90 ${quantile(ratios, 0.9).toFixed(2)}x`);
        print(`goals: p50 < 10 ms ${p50 < 10 ? "met" : "NOT met"}; within 3x of the bare scan ${p50 / scan50 <= 3 ? "met" : "NOT met"}`);
        const single = inputs.slice(0, 50).map((input) => {
            const region = catalog.regionNames[Math.floor(next() * catalog.regionNames.length)];
            const one = { ...input, constraints: { ...input.constraints, regions: [region] } };
            return quantile([time(() => solve(one)), time(() => solve(one)), time(() => solve(one))], 0.5);
        });
        print(`one region (50 inputs): solve p50 ${ms(quantile(single, 0.5))}  p99 ${ms(quantile(single, 0.99))}`);
    },
};
