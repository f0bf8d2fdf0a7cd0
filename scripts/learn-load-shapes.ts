/**
 * Learns weekly load shapes from the Bitbrains GWA-T-12 Rnd VM traces and writes
 * `assets/load-shapes.json`.
 *
 * Method (deterministic; same data and parameters give the same file):
 * 1. Per VM, over July-September 2013: the mean of every metric per hour of the week (168 bins,
 *    Monday 00:00 local first). Local time is Europe/Amsterdam, UTC+2 for the whole span (CEST).
 *    Rows with 0 CPU cores (VM not reporting) are dropped; monitoring gaps simply leave fewer
 *    samples in a bin.
 * 2. VMs with less than `minDays` of samples, or nearly idle CPU (mean below `minCpuUtilisation`
 *    of provisioned), are left out: an idle VM's profile is monitoring noise, not load.
 * 3. Each VM is described by its CPU and network profiles, each scaled to a unit peak, side by
 *    side (336 values): CPU carries the timing of computation, network the timing of users.
 * 4. k-means (k-means++ seeding from a seeded PRNG, several restarts, lowest inertia kept).
 * 5. Each cluster is named from its centroid's features (rules below); clusters that get the same
 *    name are merged. The shape of each metric is the mean of the members' unit-peak profiles,
 *    rescaled to a unit peak.
 * 6. Each role maps to the first shape present in its preference list (reasons recorded).
 *
 * Usage: npm run learn-shapes [-- --traces <dir>] [--k 7] [--seed 20130701]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { assetPath, PACKAGE_ROOT } from "../src/assets";
import { METRICS, MetricName, Role, ROLES } from "../src/persona/schema";
import { HOURS_PER_WEEK, LOAD_SHAPES_ASSET, LoadShape, LoadShapesAsset } from "../src/workload/shapes";
import { seededRandom } from "../src/random";

const DATASET_DIR = "bitbrains-gwa-t-12-rnd";
const MONTHS = ["2013-7", "2013-8", "2013-9"];
const VM_IDS = Array.from({ length: 120 }, (_, i) => i + 1);
/** CEST: the whole July-September span is in daylight saving time. */
const LOCAL_OFFSET_SECONDS = 2 * 3600;
const SAMPLES_PER_DAY = 288;

export interface Parameters {
    readonly k: number;
    readonly seed: number;
    readonly restarts: number;
    readonly iterations: number;
    readonly minDays: number;
    readonly minCpuUtilisation: number;
}

/** Trace metrics, as hourly profiles: disk = read + write KB/s, network = received + sent KB/s. */
const TRACE_METRICS = ["cpu", "memory", "disk", "network"] as const;
type TraceMetric = (typeof TRACE_METRICS)[number];

interface VmProfile {
    readonly id: number;
    readonly samples: number;
    readonly meanCpuUtilisation: number;
    readonly profiles: Record<TraceMetric, number[]>;
}

/** Which trace profile each persona metric follows. The traces do not separate IOPS from throughput. */
const METRIC_SOURCE: Record<MetricName, TraceMetric> = {
    cpu: "cpu",
    memoryGiB: "memory",
    iops: "disk",
    throughputMBps: "disk",
    networkMbps: "network",
};

/** Hour of the week (0 = Monday 00:00 local) of an epoch-seconds timestamp. */
export function hourOfWeek(epochSeconds: number): number {
    const local = new Date((epochSeconds + LOCAL_OFFSET_SECONDS) * 1000);
    const dayFromMonday = (local.getUTCDay() + 6) % 7;
    return dayFromMonday * 24 + local.getUTCHours();
}

function readVm(tracesDir: string, id: number): VmProfile | undefined {
    const sums: Record<TraceMetric, Float64Array> = {
        cpu: new Float64Array(HOURS_PER_WEEK),
        memory: new Float64Array(HOURS_PER_WEEK),
        disk: new Float64Array(HOURS_PER_WEEK),
        network: new Float64Array(HOURS_PER_WEEK),
    };
    const counts = new Float64Array(HOURS_PER_WEEK);
    let samples = 0;
    let cpuUsed = 0;
    let cpuProvisioned = 0;
    for (const month of MONTHS) {
        const file = path.join(tracesDir, DATASET_DIR, month, `${id}.csv.gz`);
        if (!fs.existsSync(file)) {
            continue;
        }
        const lines = zlib.gunzipSync(fs.readFileSync(file)).toString("utf8").split("\n");
        for (let i = 1; i < lines.length; i++) {
            const cols = lines[i].split(";").map((c) => Number(c.trim()));
            if (cols.length < 11 || cols[1] === 0 || cols.some((c) => !Number.isFinite(c))) {
                continue; // 0 cores: the VM was not reporting (README caveat 3)
            }
            const h = hourOfWeek(cols[0]);
            sums.cpu[h] += cols[3];
            sums.memory[h] += cols[6];
            sums.disk[h] += cols[7] + cols[8];
            sums.network[h] += cols[9] + cols[10];
            counts[h] += 1;
            samples += 1;
            cpuUsed += cols[3];
            cpuProvisioned += cols[2];
        }
    }
    if (samples === 0 || counts.some((c) => c === 0)) {
        return undefined;
    }
    const profile = (m: TraceMetric): number[] => Array.from(sums[m], (s, h) => s / counts[h]);
    return {
        id,
        samples,
        meanCpuUtilisation: cpuProvisioned > 0 ? cpuUsed / cpuProvisioned : 0,
        profiles: { cpu: profile("cpu"), memory: profile("memory"), disk: profile("disk"), network: profile("network") },
    };
}

function unitPeak(series: readonly number[]): number[] {
    const max = Math.max(...series);
    return max > 0 ? series.map((v) => v / max) : series.map(() => 1);
}

function mean(values: readonly number[]): number {
    return values.reduce((s, v) => s + v, 0) / values.length;
}


function squaredDistance(a: readonly number[], b: readonly number[]): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) {
        s += (a[i] - b[i]) ** 2;
    }
    return s;
}

interface Clustering {
    readonly assignment: number[];
    readonly inertia: number;
}

/** k-means with k-means++ seeding; the restart with the lowest inertia wins. */
function kMeans(points: readonly number[][], params: Parameters): Clustering {
    const random = seededRandom(params.seed);
    let best: Clustering | undefined;
    for (let restart = 0; restart < params.restarts; restart++) {
        const centroids: number[][] = [[...points[Math.floor(random() * points.length)]]];
        while (centroids.length < params.k) {
            const d = points.map((p) => Math.min(...centroids.map((c) => squaredDistance(p, c))));
            let target = random() * d.reduce((s, v) => s + v, 0);
            let pick = 0;
            while (pick < points.length - 1 && target > d[pick]) {
                target -= d[pick];
                pick++;
            }
            centroids.push([...points[pick]]);
        }
        let assignment: number[] = [];
        for (let iteration = 0; iteration < params.iterations; iteration++) {
            const next = points.map((p) => {
                let bestIndex = 0;
                let bestDistance = Infinity;
                centroids.forEach((c, i) => {
                    const d = squaredDistance(p, c);
                    if (d < bestDistance) {
                        bestDistance = d;
                        bestIndex = i;
                    }
                });
                return bestIndex;
            });
            const converged = next.every((a, i) => a === assignment[i]);
            assignment = next;
            centroids.forEach((c, ci) => {
                const members = points.filter((_, pi) => assignment[pi] === ci);
                if (members.length > 0) {
                    for (let j = 0; j < c.length; j++) {
                        c[j] = mean(members.map((m) => m[j]));
                    }
                }
            });
            if (converged) {
                break;
            }
        }
        const inertia = points.reduce((s, p, i) => s + squaredDistance(p, centroids[assignment[i]]), 0);
        if (best === undefined || inertia < best.inertia - 1e-9) {
            best = { assignment, inertia };
        }
    }
    if (best === undefined) {
        throw new Error("k-means: no restart ran");
    }
    return best;
}

interface ShapeFeatures {
    readonly peakToAverage: number;
    readonly weekendRatio: number;
    readonly nightRatio: number;
    readonly businessHoursRatio: number;
    readonly eveningRatio: number;
}

function meanWhere(series: readonly number[], keep: (day: number, hour: number) => boolean): number {
    return mean(series.filter((_, h) => keep(Math.floor(h / 24), h % 24)));
}

function features(series: readonly number[]): ShapeFeatures {
    const m = mean(series);
    const weekday = meanWhere(series, (d) => d < 5);
    return {
        peakToAverage: Math.max(...series) / m,
        weekendRatio: meanWhere(series, (d) => d >= 5) / weekday,
        nightRatio: meanWhere(series, (_, h) => h >= 1 && h < 6) / m,
        businessHoursRatio: meanWhere(series, (d, h) => d < 5 && h >= 8 && h < 18) / m,
        eveningRatio: meanWhere(series, (d, h) => d < 5 && h >= 18) / m,
    };
}

/**
 * A cluster's activity: the mean of its CPU and network shapes, each scaled to a unit mean so a
 * strong network rhythm (users) is not drowned by a flat CPU line, nor the reverse.
 */
function activityOf(cpu: readonly number[], network: readonly number[]): number[] {
    const c = mean(cpu);
    const n = mean(network);
    return cpu.map((v, h) => (v / c + network[h] / n) / 2);
}

/**
 * Names a cluster from its activity (mean of its CPU and network shapes). Thresholds are
 * deliberately coarse: they only tell apart patterns a person would name differently.
 */
function nameShape(f: ShapeFeatures): string {
    if (f.weekendRatio <= 0.8) {
        return f.businessHoursRatio >= f.eveningRatio ? "business-hours" : "evening-peak";
    }
    if (f.nightRatio >= 1.2 && f.nightRatio > f.businessHoursRatio) {
        return "nightly-batch";
    }
    if (f.peakToAverage >= 2.5) {
        return "spiky";
    }
    return "steady";
}

const SHAPE_DESCRIPTIONS: Record<string, string> = {
    "business-hours": "Busy on weekdays in office hours, quiet at night and at weekends (interactive use).",
    "evening-peak": "Busiest on weekday evenings, lower at weekends (work queued by the day and run after it).",
    "nightly-batch": "Busiest in the small hours, every day (scheduled jobs, backups, ETL).",
    spiky: "Mostly idle with short bursts at irregular hours (on-demand jobs).",
    steady: "Nearly flat around the clock, every day (always-on services and background work).",
};

/** Preferred shapes per role, first present wins, and why. */
const ROLE_SHAPES: Record<Role, { prefer: string[]; reason: string }> = {
    "web-server": { prefer: ["business-hours", "evening-peak", "steady"], reason: "serves people, so it follows their day: busy in the day on weekdays, quiet at night" },
    "api-service": { prefer: ["business-hours", "evening-peak", "steady"], reason: "serves the same users as the front end, request for request" },
    database: { prefer: ["steady"], reason: "carries queries by day and maintenance, replication and backups by night; sized for an even load" },
    cache: { prefer: ["business-hours", "steady"], reason: "answers the web and API tiers' reads, so its load follows theirs" },
    "message-queue": { prefer: ["steady"], reason: "buffers producers that run around the clock (users by day, jobs by night)" },
    search: { prefer: ["business-hours", "steady"], reason: "queries come from people using the product by day" },
    analytics: { prefer: ["evening-peak", "nightly-batch", "steady"], reason: "reports and models run on the day's data once it is in, after business hours" },
    "batch-worker": { prefer: ["nightly-batch", "evening-peak", "spiky"], reason: "scheduled jobs run in the quiet night hours" },
    "ci-runner": { prefer: ["spiky", "business-hours"], reason: "builds start in bursts when developers push, idle in between" },
    "ml-inference": { prefer: ["business-hours", "steady"], reason: "predictions are requested by the product's users as they use it" },
    "ml-training": { prefer: ["steady"], reason: "a training run keeps its hardware busy flat out until it ends" },
};

function round4(v: number): number {
    return Math.round(v * 1e4) / 1e4;
}

function parseArgs(argv: string[]): { tracesDir: string; params: Parameters; out: string } {
    const flag = (name: string): string | undefined => {
        const i = argv.indexOf(`--${name}`);
        return i >= 0 ? argv[i + 1] : undefined;
    };
    return {
        tracesDir: flag("traces") ?? path.join(PACKAGE_ROOT, "..", "shared", "data", "traces"),
        out: flag("out") ?? assetPath(LOAD_SHAPES_ASSET),
        params: {
            k: Number(flag("k") ?? 14),
            seed: Number(flag("seed") ?? 20130701),
            restarts: 25,
            iterations: 100,
            minDays: 14,
            minCpuUtilisation: 0.005,
        },
    };
}

/** Learns the shapes; exported so a test can run it on the real traces and check the asset. */
export function learnLoadShapes(tracesDir: string, params: Parameters, log: (line: string) => void = () => undefined): LoadShapesAsset {
    const all = VM_IDS.map((id) => readVm(tracesDir, id)).filter((vm): vm is VmProfile => vm !== undefined);
    if (all.length === 0) {
        throw new Error(`no trace files under ${path.join(tracesDir, DATASET_DIR)}`);
    }
    const vms = all.filter((vm) => vm.samples >= params.minDays * SAMPLES_PER_DAY && vm.meanCpuUtilisation >= params.minCpuUtilisation);
    const points = vms.map((vm) => [...unitPeak(vm.profiles.cpu), ...unitPeak(vm.profiles.network)]);
    const { assignment, inertia } = kMeans(points, params);

    // Name clusters; merge clusters with the same name.
    const groups = new Map<string, VmProfile[]>();
    for (let c = 0; c < params.k; c++) {
        const members = vms.filter((_, i) => assignment[i] === c);
        if (members.length === 0) {
            continue;
        }
        const f = features(activityOf(averageProfile(members, "cpu"), averageProfile(members, "network")));
        const name = nameShape(f);
        log(`cluster ${c}: ${members.length} VMs [${members.map((vm) => vm.id).join(",")}] -> ${name} (p/a ${f.peakToAverage.toFixed(2)}, weekend ${f.weekendRatio.toFixed(2)}, night ${f.nightRatio.toFixed(2)}, office ${f.businessHoursRatio.toFixed(2)}, evening ${f.eveningRatio.toFixed(2)})`);
        groups.set(name, [...(groups.get(name) ?? []), ...members]);
    }

    const shapes: Record<string, LoadShape> = {};
    for (const name of [...groups.keys()].sort()) {
        const members = groups.get(name) ?? [];
        const series = Object.fromEntries(METRICS.map((m) => [m, unitPeak(averageProfile(members, METRIC_SOURCE[m])).map(round4)])) as Record<MetricName, number[]>;
        // Rounding can leave the maximum a hair below 1; pin it.
        for (const m of METRICS) {
            series[m][series[m].indexOf(Math.max(...series[m]))] = 1;
        }
        const f = features(activityOf(series.cpu, series.networkMbps));
        shapes[name] = {
            description: SHAPE_DESCRIPTIONS[name],
            vmIds: members.map((vm) => vm.id).sort((a, b) => a - b),
            stats: {
                members: members.length,
                peakToAverage: Object.fromEntries(METRICS.map((m) => [m, round4(features(series[m]).peakToAverage)])),
                weekendRatio: round4(f.weekendRatio),
                nightRatio: round4(f.nightRatio),
                businessHoursRatio: round4(f.businessHoursRatio),
                eveningRatio: round4(f.eveningRatio),
            },
            series,
        };
    }

    const roles = Object.fromEntries(
        ROLES.map((role) => {
            const { prefer, reason } = ROLE_SHAPES[role];
            const shape = prefer.find((name) => name in shapes) ?? "steady";
            if (!(shape in shapes)) {
                throw new Error(`no learned shape fits role ${role} (wanted one of ${prefer.join(", ")})`);
            }
            return [role, { shape, reason }];
        }),
    ) as Record<Role, { shape: string; reason: string }>;

    return LoadShapesAsset.parse({
        source: {
            dataset: "Bitbrains GWA-T-12 Rnd (Grid Workloads Archive, TU Delft; data owner Bitbrains IT Services)",
            citation: "S. Shen, V. van Beek, A. Iosup, Statistical Characterization of Business-Critical Workloads Hosted in Cloud Datacenters, CCGrid 2015",
            files: `${DATASET_DIR}/{${MONTHS.join(",")}}/<1..120>.csv.gz`,
            span: "2013-07-01 to 2013-09-30",
            timeZone: "Europe/Amsterdam (UTC+2, CEST, for the whole span)",
            vmsRead: all.length,
            vmsClustered: vms.length,
            inertia: round4(inertia),
        },
        parameters: {
            k: params.k,
            seed: params.seed,
            restarts: params.restarts,
            iterations: params.iterations,
            minDays: params.minDays,
            minCpuUtilisation: params.minCpuUtilisation,
            clusteringFeatures: ["cpu hour-of-week mean, unit peak", "network hour-of-week mean, unit peak"],
            metricSources: METRICS.map((m) => `${m}: ${METRIC_SOURCE[m]}`),
        },
        convention: "168 hourly points; index 0 = Monday 00:00-01:00 local time, index 167 = Sunday 23:00-24:00; each series scaled so its maximum is 1",
        shapes,
        roles,
    });
}

function averageProfile(members: readonly VmProfile[], metric: TraceMetric): number[] {
    const scaled = members.map((vm) => unitPeak(vm.profiles[metric]));
    return Array.from({ length: HOURS_PER_WEEK }, (_, h) => mean(scaled.map((s) => s[h])));
}

function sparkline(series: readonly number[]): string {
    const bars = "▁▂▃▄▅▆▇█";
    // One character per 4 hours keeps a week on one line (42 characters).
    const out: string[] = [];
    for (let h = 0; h < series.length; h += 4) {
        const v = mean(series.slice(h, h + 4));
        out.push(bars[Math.min(bars.length - 1, Math.floor(v * bars.length))]);
    }
    return out.join("");
}

function run(): void {
    const { tracesDir, params, out } = parseArgs(process.argv.slice(2));
    const asset = learnLoadShapes(tracesDir, params, (line) => console.log(line));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(asset)}\n`);
    console.log(`read ${asset.source.vmsRead} VMs, clustered ${asset.source.vmsClustered} (k=${params.k}, seed ${params.seed}, inertia ${asset.source.inertia})`);
    console.log("shape            VMs  cpu p/a  weekend  night  office  evening  cpu Mon..Sun (4 h per char)");
    for (const [name, shape] of Object.entries(asset.shapes)) {
        const s = shape.stats;
        console.log(
            `${name.padEnd(16)} ${String(s.members).padStart(3)}  ${s.peakToAverage.cpu.toFixed(2).padStart(7)}  ${s.weekendRatio.toFixed(2).padStart(7)}  ${s.nightRatio.toFixed(2).padStart(5)}  ${s.businessHoursRatio.toFixed(2).padStart(6)}  ${s.eveningRatio.toFixed(2).padStart(7)}  ${sparkline(shape.series.cpu)}`,
        );
    }
    for (const role of ROLES) {
        console.log(`  ${role.padEnd(14)} -> ${asset.roles[role].shape}`);
    }
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

if (require.main === module) {
    run();
}
