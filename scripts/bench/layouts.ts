import { ebsPricesFor } from "../../src/catalog/ebs";
import { enumerationLayoutSolver, LayoutSolver, lpLayoutSolver, StorageNeed } from "../../src/solver/storage";
import { rng } from "../../test/solver/random-inputs";
import { Benchmark, quantile, since } from "./benchmark";

/**
 * The two EBS layout solvers on the same random needs: exact enumeration (the default) and the
 * javascript-lp-solver model. Prints time per layout, and how often the LP's layout costs more.
 */
const NEEDS = 300;

export const layouts: Benchmark = {
    name: "layouts",
    description: `EBS volume/RAID layout: enumeration vs javascript-lp-solver on ${NEEDS} random needs`,
    run(print) {
        const next = rng(7);
        const prices = ebsPricesFor("us-east-1", 1);
        const needs: StorageNeed[] = Array.from({ length: NEEDS }, () => ({
            capacityGiB: Math.round(Math.exp(next() * Math.log(40000))),
            iops: next() < 0.3 ? 0 : Math.round(Math.exp(next() * Math.log(200000))),
            throughputMBps: next() < 0.3 ? 0 : Math.round(Math.exp(next() * Math.log(6000))),
        }));
        const measure = (solver: LayoutSolver, durable: boolean) =>
            needs.map((need) => {
                const start = process.hrtime.bigint();
                const layout = solver.cheapest(need, prices, { volumeTypes: ["gp3", "io2", "st1", "sc1"], durable });
                const elapsed = since(start);
                const cost = layout ? layout.monthly.storage + layout.monthly.iops + layout.monthly.throughput : Infinity;
                return { elapsed, cost };
            });
        for (const durable of [false, true]) {
            const a = measure(enumerationLayoutSolver, durable);
            const b = measure(lpLayoutSolver, durable);
            const dearer = b.filter((x, i) => x.cost > a[i].cost + 0.01).length;
            const cheaper = b.filter((x, i) => x.cost < a[i].cost - 0.01).length;
            print(
                `${durable ? "mirrored" : "plain/striped"}: enumeration p50 ${(quantile(a.map((x) => x.elapsed), 0.5) * 1000).toFixed(1)} us, ` +
                    `LP p50 ${(quantile(b.map((x) => x.elapsed), 0.5) * 1000).toFixed(1)} us; LP dearer on ${dearer}, cheaper on ${cheaper} of ${NEEDS}`,
            );
        }
    },
};
