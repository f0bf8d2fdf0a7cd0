import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { Benchmark, ms, quantile } from "./benchmark";

/**
 * Cold load of the catalog: fresh node processes each require the catalog module (with zod and
 * everything it imports) and load the shipped snapshot, timing both inside the child so process
 * start-up is not counted. Goal: under 100 ms.
 */
const RUNS = 15;

export const catalogLoad: Benchmark = {
    name: "catalog-load",
    description: `catalog cold load in ${RUNS} fresh processes (require + read + parse + index); goal < 100 ms`,
    run(print) {
        const module = path.resolve(__dirname, "..", "..", "src", "catalog", "catalog.js");
        const script = `
            const t0 = process.hrtime.bigint();
            const { loadCatalog } = require(${JSON.stringify(module)});
            const t1 = process.hrtime.bigint();
            const c = loadCatalog();
            const t2 = process.hrtime.bigint();
            process.stdout.write(JSON.stringify({ require: Number(t1 - t0) / 1e6, load: Number(t2 - t1) / 1e6, offerings: [...c.regions.values()].reduce((n, r) => n + r.offerings.length, 0) }));`;
        const samples = Array.from({ length: RUNS }, () => JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as { require: number; load: number; offerings: number });
        const total = samples.map((s) => s.require + s.load);
        print(`offerings loaded: ${samples[0].offerings}`);
        print(`require (module + zod): median ${ms(quantile(samples.map((s) => s.require), 0.5))}`);
        print(`read + parse + index:   median ${ms(quantile(samples.map((s) => s.load), 0.5))}`);
        print(`cold load total:        median ${ms(quantile(total, 0.5))}, p90 ${ms(quantile(total, 0.9))}, max ${ms(Math.max(...total))}  (goal < 100 ms: ${quantile(total, 0.5) < 100 ? "met" : "NOT met"})`);
    },
};
