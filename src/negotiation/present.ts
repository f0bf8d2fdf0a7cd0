import { Proposal } from "../solver/proposal";
import { table } from "../table";

/**
 * How proposals are shown to people: each one as a diff against a baseline (the agreement, the
 * base persona's recommendation, or the current best), Infracost style.
 */

export function money(value: number): string {
    return `$${value.toFixed(2)}`;
}

function signedMoney(delta: number): string {
    return `${delta < 0 ? "-" : "+"}$${Math.abs(delta).toFixed(2)}`;
}

function storageLine(p: Proposal): string {
    const s = p.storage;
    if (s.volumeCount === 0) {
        return `root ${s.rootGiB} GiB only`;
    }
    const raid = s.raid === "none" ? "" : ` ${s.raid}`;
    return `${s.volumeCount} x ${s.sizeGiB} GiB ${s.volumeType}${raid} (${Math.round(s.totalIops)} IOPS, ${Math.round(s.totalThroughputMBps)} MB/s)`;
}

/** The fields a person compares, in the order they are listed. */
function comparable(p: Proposal): [string, string][] {
    const s = p.security.settings;
    return [
        ["instanceType", p.instanceType],
        ["count", String(p.count)],
        ["region", p.region],
        ["zones", p.zones.join(",")],
        ["purchase", p.purchase],
        ["storage", storageLine(p)],
        ["kmsKey", s.kmsKey],
        ["detailedMonitoring", String(s.detailedMonitoring)],
        ["logRetentionDays", String(s.logRetentionDays)],
        ["backupRetentionDays", String(s.backupRetentionDays)],
        ["access", s.access],
        ["publicIp", String(s.publicIp)],
        ["tenancy", s.tenancy],
    ];
}

/**
 * `~ field: old => new` for every field that differs, then the monthly cost with its delta.
 * An empty list means the two configurations are the same.
 */
export function proposalDiff(from: Proposal, to: Proposal): string[] {
    const before = new Map(comparable(from));
    const lines = comparable(to)
        .filter(([key, value]) => before.get(key) !== value)
        .map(([key, value]) => `~ ${key}: ${before.get(key)} => ${value}`);
    const delta = to.monthlyCost.total - from.monthlyCost.total;
    if (lines.length > 0 || Math.abs(delta) >= 0.005) {
        lines.push(`~ monthly: ${money(from.monthlyCost.total)} => ${money(to.monthlyCost.total)} (${signedMoney(delta)})`);
    }
    return lines;
}

/** A proposal as `+` lines, for when there is nothing to compare it with. */
export function proposalLines(p: Proposal): string[] {
    return [...comparable(p).map(([key, value]) => `+ ${key}: ${value}`), `+ monthly: ${money(p.monthlyCost.total)}`];
}

/** The proposals as a table: recommended row marked `*`, money right-aligned, the cost basis stated. */
export function proposalTable(proposals: readonly Proposal[]): string {
    const rows = proposals.map((p) => [
        p.recommended ? "*" : " ",
        p.id,
        p.label,
        p.fleet ? p.fleet.map((m) => `${m.count}x${m.instanceType}`).join("+") : `${p.count} x ${p.instanceType}`,
        `${p.vcpus} vCPU ${p.memoryGiB} GiB`,
        p.region,
        p.purchase,
        storageLine(p),
        `cpu ${p.headroom.cpu.toFixed(2)} mem ${p.headroom.memory.toFixed(2)}`,
        money(p.monthlyCost.total),
    ]);
    const header = ["", "ID", "LABEL", "INSTANCES", "EACH", "REGION", "PURCHASE", "STORAGE", "HEADROOM", "MONTHLY"];
    const text = table(header, rows, header.map((h) => (h === "MONTHLY" ? "right" : "left")));
    const basis = (proposals.find((p) => p.recommended) ?? proposals[0])?.monthlyCost.basis;
    return [text.trimEnd(), "* recommended", ...(basis ? [`Cost basis: ${basis}`] : [])].join("\n");
}
