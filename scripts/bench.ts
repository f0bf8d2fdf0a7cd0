/**
 * `npm run bench`: runs every benchmark in scripts/bench/ (or those named on the command line,
 * e.g. `npm run bench -- proposals`) and prints its figures. A benchmark is a file exporting a
 * `Benchmark`; add it to BENCHMARKS below. Benchmarks print measurements, they do not assert:
 * timing belongs here, not in tests.
 */
import { Benchmark } from "./bench/benchmark";
import { catalogLoad } from "./bench/catalog-load";
import { layouts } from "./bench/layouts";
import { proposals } from "./bench/proposals";

const BENCHMARKS: readonly Benchmark[] = [catalogLoad, proposals, layouts];

async function main(): Promise<void> {
    const wanted = process.argv.slice(2);
    const unknown = wanted.filter((name) => !BENCHMARKS.some((b) => b.name === name));
    if (unknown.length > 0) {
        process.stderr.write(`unknown benchmark ${unknown.join(", ")}; available: ${BENCHMARKS.map((b) => b.name).join(", ")}\n`);
        process.exitCode = 2;
        return;
    }
    for (const bench of BENCHMARKS.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
        process.stdout.write(`\n== ${bench.name}: ${bench.description}\n`);
        await bench.run((line) => process.stdout.write(`${line}\n`));
    }
}

void main();
