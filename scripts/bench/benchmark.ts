/** One benchmark of `npm run bench`: a name to select it by, what it measures, and the run. */
export interface Benchmark {
    readonly name: string;
    readonly description: string;
    /** Measures and prints through `print`, one line at a time. */
    run(print: (line: string) => void): Promise<void> | void;
}

/** The q-quantile (0..1) of samples, by nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
    const sorted = [...samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Milliseconds with two decimals. */
export function ms(value: number): string {
    return `${value.toFixed(2)} ms`;
}

/** Milliseconds since `start` (process.hrtime.bigint()). */
export function since(start: bigint): number {
    return Number(process.hrtime.bigint() - start) / 1e6;
}
