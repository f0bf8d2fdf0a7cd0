import { z } from "zod";
import { BURSTABLE_BASELINES } from "./burstable";
import { InstanceTypeSpec } from "./snapshot";

/**
 * The part of an EC2 DescribeInstanceTypes result the catalog reads, in the API's own shape
 * (PascalCase, as `instance_types.json.gz` stores it and as the refresh path rebuilds it from the
 * Query API's XML). Unknown fields are ignored; numbers and booleans may arrive as strings.
 */

const num = z.coerce.number();
const bool = z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean());
const list = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(item));

export const InstanceTypeDescription = z.looseObject({
    InstanceType: z.string(),
    CurrentGeneration: bool.optional(),
    BurstablePerformanceSupported: bool.optional(),
    BareMetal: bool.optional(),
    Hypervisor: z.string().optional(),
    SupportedUsageClasses: list(z.string()).optional(),
    ProcessorInfo: z.looseObject({
        SupportedArchitectures: list(z.string()),
        SustainedClockSpeedInGhz: num.optional(),
        Manufacturer: z.string().optional(),
    }),
    VCpuInfo: z.looseObject({ DefaultVCpus: num }),
    MemoryInfo: z.looseObject({ SizeInMiB: num }),
    EbsInfo: z
        .looseObject({
            EbsOptimizedSupport: z.enum(["default", "supported", "unsupported"]).optional(),
            NvmeSupport: z.string().optional(),
            MaximumEbsAttachments: num.optional(),
            EbsOptimizedInfo: z
                .looseObject({
                    BaselineBandwidthInMbps: num,
                    BaselineIops: num,
                    BaselineThroughputInMBps: num,
                    MaximumBandwidthInMbps: num,
                    MaximumIops: num,
                    MaximumThroughputInMBps: num,
                })
                .optional(),
        })
        .optional(),
    NetworkInfo: z
        .looseObject({
            NetworkPerformance: z.string().optional(),
            EncryptionInTransitSupported: bool.optional(),
            EfaSupported: bool.optional(),
            NetworkCards: list(z.looseObject({ BaselineBandwidthInGbps: num.optional(), PeakBandwidthInGbps: num.optional() })).optional(),
        })
        .optional(),
    GpuInfo: z
        .looseObject({
            Gpus: list(z.looseObject({ Count: num, Name: z.string().optional(), Manufacturer: z.string().optional() })).optional(),
            TotalGpuMemoryInMiB: num.optional(),
        })
        .optional(),
    NeuronInfo: z.looseObject({ NeuronDevices: list(z.looseObject({ Count: num, Name: z.string().optional() })).optional() }).optional(),
    InferenceAcceleratorInfo: z.looseObject({ Accelerators: list(z.looseObject({ Count: num, Name: z.string().optional() })).optional() }).optional(),
    FpgaInfo: z.looseObject({ Fpgas: list(z.looseObject({ Count: num, Name: z.string().optional() })).optional() }).optional(),
    MediaAcceleratorInfo: z.looseObject({ Accelerators: list(z.looseObject({ Count: num, Name: z.string().optional() })).optional() }).optional(),
    InstanceStorageInfo: z
        .looseObject({
            TotalSizeInGB: num.optional(),
            Disks: list(z.looseObject({ Count: num, SizeInGB: num.optional(), Type: z.string().optional() })).optional(),
        })
        .optional(),
});
export type InstanceTypeDescription = z.infer<typeof InstanceTypeDescription>;

/** Either the spec, or why the type cannot be offered. */
export type SpecResult = { ok: true; spec: InstanceTypeSpec } | { ok: false; reason: string };

/** "Up to 12.5 Gigabit" -> 12.5, "100 Gigabit" -> 100, "Moderate" -> undefined. */
function gigabits(label: string | undefined): number | undefined {
    const m = /([\d.]+)\s*Gigabit/i.exec(label ?? "");
    return m ? Number(m[1]) : undefined;
}

const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

/**
 * The catalog's spec of an instance type from its API description. Mac types (dedicated hosts
 * only) and types without an architecture the solver knows are left out, with the reason.
 */
export function specFromDescription(raw: unknown): SpecResult {
    const parsed = InstanceTypeDescription.safeParse(raw);
    if (!parsed.success) {
        const name = typeof raw === "object" && raw !== null && "InstanceType" in raw ? String((raw as { InstanceType: unknown }).InstanceType) : "?";
        return { ok: false, reason: `description of ${name} does not parse: ${parsed.error.issues[0]?.message ?? "invalid"}` };
    }
    const d = parsed.data;
    const archs = d.ProcessorInfo.SupportedArchitectures;
    if (archs.some((a) => a.endsWith("_mac"))) {
        return { ok: false, reason: "Mac instances run on dedicated hosts only" };
    }
    const architecture = archs.includes("arm64") ? "arm64" : archs.includes("x86_64") ? "x86_64" : undefined;
    if (!architecture) {
        return { ok: false, reason: `architecture ${archs.join("/") || "unknown"} is not x86_64 or arm64` };
    }
    const burstable = d.BurstablePerformanceSupported === true;
    const baseline = BURSTABLE_BASELINES[d.InstanceType];
    if (burstable && !baseline) {
        return { ok: false, reason: "burstable, but its baseline is not in AWS's published table" };
    }
    const ebsInfo = d.EbsInfo;
    const opt = ebsInfo?.EbsOptimizedInfo;
    const cards = d.NetworkInfo?.NetworkCards ?? [];
    const label = d.NetworkInfo?.NetworkPerformance ?? "unknown";
    const cardBaseline = cards.reduce((sum, c) => sum + (c.BaselineBandwidthInGbps ?? 0), 0);
    const cardPeak = cards.reduce((sum, c) => sum + (c.PeakBandwidthInGbps ?? 0), 0);
    // Without per-card figures only a fixed label ("10 Gigabit") gives a baseline; "Up to" gives a peak.
    const labelled = gigabits(label);
    const baselineGbps = cardBaseline > 0 ? cardBaseline : labelled !== undefined && !/up to/i.test(label) ? labelled : 0;
    const peakGbps = cardPeak > 0 ? cardPeak : (labelled ?? 0);
    const gpus = (d.GpuInfo?.Gpus ?? []).reduce((sum, g) => sum + g.Count, 0);
    const accelerator = (() => {
        const pick = (kind: "neuron" | "inference" | "fpga" | "media", items: { Count: number; Name?: string }[] | undefined) =>
            items && items.length > 0 ? { kind, name: items[0].Name ?? kind, count: items.reduce((s, i) => s + i.Count, 0) } : null;
        return (
            pick("neuron", d.NeuronInfo?.NeuronDevices) ??
            pick("inference", d.InferenceAcceleratorInfo?.Accelerators) ??
            pick("fpga", d.FpgaInfo?.Fpgas) ??
            pick("media", d.MediaAcceleratorInfo?.Accelerators)
        );
    })();
    const disks = d.InstanceStorageInfo?.Disks ?? [];
    const spec: InstanceTypeSpec = {
        name: d.InstanceType,
        vcpus: d.VCpuInfo.DefaultVCpus,
        memoryGiB: round(d.MemoryInfo.SizeInMiB / 1024),
        architecture,
        burstable,
        burstBaseline: burstable && baseline ? baseline.baselinePerVcpu : null,
        currentGeneration: d.CurrentGeneration === true,
        gpus,
        gpuName: gpus > 0 ? (d.GpuInfo?.Gpus?.[0]?.Name ?? null) : null,
        gpuMemoryGiB: gpus > 0 ? round((d.GpuInfo?.TotalGpuMemoryInMiB ?? 0) / 1024) : 0,
        accelerator,
        ebs: {
            optimized: ebsInfo?.EbsOptimizedSupport ?? "unsupported",
            baselineMbps: opt?.BaselineBandwidthInMbps ?? 0,
            maxMbps: opt?.MaximumBandwidthInMbps ?? 0,
            baselineIops: opt?.BaselineIops ?? 0,
            maxIops: opt?.MaximumIops ?? 0,
            baselineMBps: opt?.BaselineThroughputInMBps ?? 0,
            maxMBps: opt?.MaximumThroughputInMBps ?? 0,
            // Older Xen types do not state it; 28 is their shared attachment limit.
            maxAttachments: ebsInfo?.MaximumEbsAttachments ?? 28,
            nvme: ebsInfo?.NvmeSupport === "required" || ebsInfo?.NvmeSupport === "supported",
        },
        network: {
            performance: label,
            baselineGbps: round(baselineGbps),
            peakGbps: round(Math.max(peakGbps, baselineGbps)),
            encryptionInTransit: d.NetworkInfo?.EncryptionInTransitSupported === true,
            efa: d.NetworkInfo?.EfaSupported === true,
        },
        instanceStorage:
            disks.length > 0
                ? { totalGB: d.InstanceStorageInfo?.TotalSizeInGB ?? disks.reduce((s, k) => s + k.Count * (k.SizeInGB ?? 0), 0), disks: disks.reduce((s, k) => s + k.Count, 0), type: disks[0].Type ?? "ssd" }
                : null,
        spot: (d.SupportedUsageClasses ?? []).includes("spot"),
        bareMetal: d.BareMetal === true,
        clockGhz: d.ProcessorInfo.SustainedClockSpeedInGhz ?? null,
        processor: d.ProcessorInfo.Manufacturer ?? null,
    };
    return { ok: true, spec };
}
