import * as path from "node:path";
import { Catalog, defaultCatalog, loadCatalog } from "../catalog/catalog";
import { InputError, InputIssue } from "../errors";
import { Conflict, Infeasibility } from "../solver/diagnose";
import { HOURS_PER_MONTH, Proposal } from "../solver/proposal";
import { solve, SolveInput } from "../solver/solve";
import { table } from "../table";
import { Demand } from "../workload/demand";
import { booleanFlag, ParsedArgs, parseFlags, stringFlag } from "./args";
import { CliIO, Command, EXIT, writeJson } from "./io";
import { FLAG_OF, flagsNamed, REQUEST_HELP, REQUEST_OPTIONS, requestFrom, solveInputOf } from "./request";

const HELP = `Usage: persona propose [--workload <text> | --workload-file <file>] [--persona <name[@v]>] [options]

Proposes 3 to 5 costed configurations from the EC2 catalog that satisfy every constraint, or says
which constraints conflict and what the nearest candidates miss (exit code 2).

${REQUEST_HELP}
Output:
  --catalog <file>           a snapshot from persona catalog refresh (default: the shipped one)
  --json                     machine-readable: { demand, proposals } or { error }
  -h, --help                 this help

Costs are USD on a 730-hour month: compute + volumes + provisioned IOPS/throughput + security.
`;

const OPTIONS = {
    ...REQUEST_OPTIONS,
    catalog: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

/** Everything a solve needs, from the flags. */
export function proposeInput(args: ParsedArgs, io: CliIO, catalog: Catalog): SolveInput {
    return solveInputOf(requestFrom(args, io, "propose"), catalog);
}

const money = (x: number): string => x.toFixed(2);

function storageText(p: Proposal): string {
    const s = p.storage;
    if (s.volumeCount === 0) {
        return `root ${s.rootGiB} GiB gp3`;
    }
    const raid = s.raid === "none" ? "" : ` ${s.raid}`;
    const perf = s.volumeType === "gp3" || s.volumeType === "io2" ? ` ${s.iops} IOPS` : "";
    return `${s.volumeCount} x ${s.sizeGiB} GiB ${s.volumeType}${raid}${perf}`;
}

function instancesText(p: Proposal): string {
    return p.fleet ? p.fleet.map((m) => `${m.count} x ${m.instanceType}`).join(" + ") : `${p.count} x ${p.instanceType}`;
}

/** The human-readable proposals: one row each, the recommended one marked, costs right-aligned. */
export function renderProposals(demand: Demand, proposals: readonly Proposal[], catalog: Catalog): string {
    const out: string[] = [];
    const d = demand;
    out.push(
        `Demand (${d.role}): peak ${+d.cpu.peak.toFixed(2)} vCPU (sustained ${+d.cpu.sustained.toFixed(2)}), ${+d.memoryGiB.peak.toFixed(2)} GiB, ` +
            `${Math.round(d.iops.peak)} IOPS, ${Math.round(d.throughputMBps.peak)} MB/s, ${Math.round(d.networkMbps.peak)} Mbps, ${+d.storageGiB.toFixed(1)} GiB stored`,
    );
    out.push(`Cost basis: USD per ${HOURS_PER_MONTH}-hour month; on-demand Linux list prices, spot prices a snapshot (catalog ${catalog.meta.generatedAt}); EBS and security extras included`);
    out.push("");
    const rows = proposals.map((p) => [
        p.recommended ? "*" : "",
        p.id,
        p.label,
        instancesText(p),
        p.region,
        String(new Set(p.zones).size),
        p.purchase,
        storageText(p),
        money(p.monthlyCost.compute),
        money(p.monthlyCost.storage + p.monthlyCost.iops + p.monthlyCost.throughput),
        money(p.monthlyCost.security),
        money(p.monthlyCost.total),
    ]);
    out.push(
        table(["", "id", "label", "instances", "region", "zones", "purchase", "storage", "compute", "volumes", "security", "total/month"], rows, [
            "left",
            "left",
            "left",
            "left",
            "left",
            "right",
            "left",
            "left",
            "right",
            "right",
            "right",
            "right",
        ]).trimEnd(),
    );
    out.push("* recommended");
    out.push("");
    for (const p of proposals) {
        out.push(`${p.id}  ${p.reason}`);
        if (p.binding.length > 0) {
            out.push(`${" ".repeat(p.id.length)}  bound by: ${p.binding.join("; ")}`);
        }
    }
    return `${out.join("\n")}\n`;
}

function conflictJson(c: Conflict): Conflict & { flag?: string } {
    const flag = FLAG_OF[c.constraint];
    return flag ? { ...c, flag } : c;
}

/** The human-readable infeasibility report: the conflicting constraints with their fixes, then the nearest candidates. */
export function renderInfeasibility(inf: Infeasibility): string {
    const out: string[] = [`error: ${inf.summary}`, "", "Conflicting constraints (relax any one):"];
    for (const c of inf.conflicts) {
        const flag = FLAG_OF[c.constraint];
        out.push(`  - ${c.message} [${flag ?? c.source}]. Fix: ${c.fix}`);
    }
    if (inf.nearest.length > 0) {
        out.push("", "Nearest candidates and what each misses:");
        for (const n of inf.nearest) {
            const cost = n.monthlyCost === null ? "" : ` ($${n.monthlyCost.toFixed(2)}/month)`;
            out.push(`  ${n.count} x ${n.instanceType} ${n.purchase} in ${n.region}${cost}:`);
            for (const m of n.misses) {
                out.push(`      ${m}`);
            }
        }
    }
    return `${out.join("\n")}\n`;
}

function issuesJson(issues: readonly InputIssue[]) {
    return { error: { code: "bad-input", issues } };
}

export const proposeCommand: Command = async (argv, io) => {
    const args = parseFlags("propose", argv, OPTIONS, false);
    if (booleanFlag(args, "help")) {
        io.stdout(HELP);
        return EXIT.ok;
    }
    const json = booleanFlag(args, "json");
    try {
        const file = stringFlag(args, "catalog");
        const catalog = file !== undefined ? loadCatalog(path.resolve(io.cwd, file)) : defaultCatalog();
        const input = proposeInput(args, io, catalog);
        const result = solve(input);
        if (!result.ok) {
            if (json) {
                writeJson(io, { error: { code: "infeasible", summary: result.infeasible.summary, conflicts: result.infeasible.conflicts.map(conflictJson), nearest: result.infeasible.nearest } });
            } else {
                io.stderr(renderInfeasibility(result.infeasible));
            }
            return EXIT.badInput;
        }
        if (json) {
            writeJson(io, {
                demand: input.demand,
                proposals: result.proposals,
                catalog: { generatedAt: catalog.meta.generatedAt, spotSnapshot: catalog.meta.spotSnapshot },
            });
        } else {
            io.stdout(renderProposals(input.demand, result.proposals, catalog));
        }
        return EXIT.ok;
    } catch (err) {
        if (err instanceof InputError) {
            const named = flagsNamed(err, "propose");
            if (json) {
                writeJson(io, issuesJson(named.issues));
            }
            throw named;
        }
        throw err;
    }
};
