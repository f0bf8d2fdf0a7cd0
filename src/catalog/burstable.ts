/**
 * Baseline CPU of burstable performance instances. The EC2 API says which types are burstable but
 * not their baseline, so AWS's published table is embedded here: CPU credits earned per hour and
 * the baseline utilization per vCPU (credits per hour / (vCPUs x 60)). A burstable type qualifies
 * for a workload only when its sustained CPU stays below vCPUs x baseline.
 */

export const BURSTABLE_SOURCE =
    "Amazon EC2 User Guide, Key concepts and definitions for burstable performance instances: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/burstable-credits-baseline-concepts.html";

export interface BurstableBaseline {
    /** CPU credits earned per hour (one credit: one vCPU at 100 % for one minute). */
    readonly creditsPerHour: number;
    readonly vcpus: number;
    /** Baseline utilization per vCPU, as a fraction (0.2 = 20 %). */
    readonly baselinePerVcpu: number;
}

const row = (creditsPerHour: number, vcpus: number, baselinePercent: number): BurstableBaseline => ({ creditsPerHour, vcpus, baselinePerVcpu: baselinePercent / 100 });

/** T3, T3a and T4g share one table; T2 has its own (one vCPU up to small, a lower xlarge/2xlarge baseline). */
const T3_SIZES = {
    nano: row(6, 2, 5),
    micro: row(12, 2, 10),
    small: row(24, 2, 20),
    medium: row(24, 2, 20),
    large: row(36, 2, 30),
    xlarge: row(96, 4, 40),
    "2xlarge": row(192, 8, 40),
} as const;

const T2_SIZES = {
    nano: row(3, 1, 5),
    micro: row(6, 1, 10),
    small: row(12, 1, 20),
    medium: row(24, 2, 20),
    large: row(36, 2, 30),
    xlarge: row(54, 4, 22.5),
    "2xlarge": row(81.6, 8, 17),
} as const;

export const BURSTABLE_BASELINES: Readonly<Record<string, BurstableBaseline>> = Object.fromEntries([
    ...Object.entries(T2_SIZES).map(([size, b]) => [`t2.${size}`, b] as const),
    ...["t3", "t3a", "t4g"].flatMap((family) => Object.entries(T3_SIZES).map(([size, b]) => [`${family}.${size}`, b] as const)),
]);
