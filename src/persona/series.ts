/**
 * Load over time and the three figures that summarise it.
 *
 * Definitions used everywhere in the project (persona files, the analyzer, the solver):
 * - `peak`: the series' maximum.
 * - `average`: the series' arithmetic mean.
 * - `sustained`: the 95th percentile (nearest rank) of the 1-hour window means, never below the
 *   average. It is the load the instance must carry hour after hour; only the top 5 % of hours
 *   exceed it. A series sampled hourly (the usual 168 points for a week) is its own windows.
 *
 * So `average <= sustained <= peak` holds by construction.
 */
export interface SeriesSummary {
    readonly peak: number;
    readonly average: number;
    readonly sustained: number;
}

/** Figures in persona files and in JSON output are rounded to this many decimals. */
export const SUMMARY_DECIMALS = 3;

export function round(value: number, decimals: number = SUMMARY_DECIMALS): number {
    const factor = 10 ** decimals;
    return Math.round(value * factor) / factor;
}

/** Means of consecutive 1-hour windows; a trailing partial window counts as a window. */
export function hourlyWindows(series: readonly number[], intervalMinutes: number): number[] {
    const perHour = Math.max(1, Math.round(60 / intervalMinutes));
    if (perHour === 1) {
        return [...series];
    }
    const windows: number[] = [];
    for (let start = 0; start < series.length; start += perHour) {
        const window = series.slice(start, start + perHour);
        windows.push(window.reduce((sum, v) => sum + v, 0) / window.length);
    }
    return windows;
}

/** Nearest-rank percentile (p in (0, 100]) of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
    return sorted[rank - 1];
}

/** Computes peak, average and sustained of a non-empty series, rounded to SUMMARY_DECIMALS. */
export function summarize(series: readonly number[], intervalMinutes: number = 60): SeriesSummary {
    if (series.length === 0) {
        throw new Error("summarize: the series is empty");
    }
    const peak = Math.max(...series);
    const average = series.reduce((sum, v) => sum + v, 0) / series.length;
    const sustained = Math.max(average, percentile(hourlyWindows(series, intervalMinutes), 95));
    return { peak: round(peak), average: round(average), sustained: round(Math.min(sustained, peak)) };
}

/**
 * Whether a stated figure agrees with the one derived from the series. Persona files are written
 * by people and tools that round, so allow half a percent or one unit in the last decimal place.
 */
export function agrees(stated: number, derived: number): boolean {
    return Math.abs(stated - derived) <= Math.max(0.005 * Math.abs(derived), 10 ** -SUMMARY_DECIMALS);
}

/** Multiplies every point by `factor` (used to scale a unit-peak shape to a demand level). */
export function scaleSeries(series: readonly number[], factor: number, decimals: number = SUMMARY_DECIMALS): number[] {
    return series.map((v) => round(v * factor, decimals));
}
