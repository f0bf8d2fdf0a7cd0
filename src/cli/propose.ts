import * as fs from "node:fs";
import * as path from "node:path";
import { Catalog, defaultCatalog, loadCatalog } from "../catalog/catalog";
import { InputError, InputIssue, parseInput } from "../errors";
import { parseYaml } from "../persona/document";
import { FRAMEWORKS, LifecycleExpectations, Persona, ROLES, Role, SENSITIVITIES } from "../persona/schema";
import { openPersonaStore } from "../persona/store";
import { Constraints } from "../solver/constraints";
import { Conflict, Infeasibility } from "../solver/diagnose";
import { HOURS_PER_MONTH, Proposal } from "../solver/proposal";
import { DEFAULT_MAX_COUNT } from "../solver/requirements";
import { solve, SolveInput } from "../solver/solve";
import { table } from "../table";
import { analyzeWorkload } from "../workload/analyze";
import { Assumption, Demand, demandFromPersona, MetricDemand } from "../workload/demand";
import { WorkloadInput } from "../workload/schema";
import { booleanFlag, listFlag, numberFlag, ParsedArgs, parseFlags, stringFlag } from "./args";
import { CliIO, Command, EXIT, writeJson } from "./io";

const HELP = `Usage: persona propose [--workload <text> | --workload-file <file>] [--persona <name[@v]>] [options]

Proposes 3 to 5 costed configurations from the EC2 catalog that satisfy every constraint, or says
which constraints conflict and what the nearest candidates miss (exit code 2).

Demand (what the workload needs; one source, explicit figures below override it):
  --workload <text>          the workload in words, analyzed into demand
  --workload-file <file>     a structured workload, YAML or JSON (see persona analyze --help)
  --persona <name[@v]>       a base persona: its profile, security, lifecycle and cost tolerance
  --store <dir>              the user's persona directory (default: $PERSONA_STORE, else ./personas)
  --role <role>              without a workload or persona: ${ROLES.join(", ")} (default api-service)
  --cpu <vcpus>              peak CPU in use, whole workload (default: --min-vcpus x --count)
  --sustained-cpu <vcpus>    sustained CPU (default: the peak; burstable types need it lower)
  --memory-gib <gib>         peak memory in use (default: --min-memory-gib x --count, else 2)
  --iops <n>                 peak disk IOPS          --throughput-mbps <n>  peak disk MB/s
  --network-mbps <n>         peak network Mbps       --storage-gib <n>      data to keep, GiB
  --uptime <percent>         uptime target; above 99.9 needs two zones
  --interruption-tolerant    the workload may run on spot capacity

Constraints (hard):
  --region <r>               repeatable, or all (default: the persona's residency, else us-east-1)
  --min-vcpus <n>            per instance          --min-memory-gib <n>   per instance
  --count <n>                number of instances   --gpus <n>             per instance
  --arch x86_64|arm64        --burstable allow|deny          --current-generation
  --purchase on-demand|spot  --max-monthly-cost <usd>        --max-hourly-cost <usd>
  --min-ebs-bandwidth-mbps <n>                     --min-network-gbps <n>
  --allow-type <t>           type, family or pattern (m7i.large, m7i, m7*); repeatable
  --deny-type <t>            repeatable
  --compliance <framework>   ${FRAMEWORKS.join(", ")}; repeatable
  --sensitivity <level>      ${SENSITIVITIES.join(", ")}
  --reject <id>              a proposal id to avoid (repeatable)

Output:
  --catalog <file>           a snapshot from persona catalog refresh (default: the shipped one)
  --json                     machine-readable: { demand, proposals } or { error }
  -h, --help                 this help

Costs are USD on a 730-hour month: compute + volumes + provisioned IOPS/throughput + security.
`;

const OPTIONS = {
    workload: { type: "string" },
    "workload-file": { type: "string" },
    persona: { type: "string" },
    store: { type: "string" },
    role: { type: "string" },
    cpu: { type: "string" },
    "sustained-cpu": { type: "string" },
    "memory-gib": { type: "string" },
    iops: { type: "string" },
    "throughput-mbps": { type: "string" },
    "network-mbps": { type: "string" },
    "storage-gib": { type: "string" },
    uptime: { type: "string" },
    "interruption-tolerant": { type: "boolean" },
    region: { type: "string", multiple: true },
    "min-vcpus": { type: "string" },
    "min-memory-gib": { type: "string" },
    count: { type: "string" },
    gpus: { type: "string" },
    arch: { type: "string" },
    burstable: { type: "string" },
    "current-generation": { type: "boolean" },
    purchase: { type: "string" },
    "max-monthly-cost": { type: "string" },
    "max-hourly-cost": { type: "string" },
    "min-ebs-bandwidth-mbps": { type: "string" },
    "min-network-gbps": { type: "string" },
    "allow-type": { type: "string", multiple: true },
    "deny-type": { type: "string", multiple: true },
    compliance: { type: "string", multiple: true },
    sensitivity: { type: "string" },
    reject: { type: "string", multiple: true },
    catalog: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

/** The flag a constraint or demand figure is set with, for error messages a user can act on. */
const FLAG_OF: Readonly<Record<string, string>> = {
    regions: "--region",
    architecture: "--arch",
    minVcpus: "--min-vcpus",
    minMemoryGiB: "--min-memory-gib",
    count: "--count",
    gpus: "--gpus",
    burstable: "--burstable",
    currentGeneration: "--current-generation",
    minEbsBandwidthMbps: "--min-ebs-bandwidth-mbps",
    minNetworkGbps: "--min-network-gbps",
    purchase: "--purchase",
    maxHourlyCost: "--max-hourly-cost",
    maxMonthlyCost: "--max-monthly-cost",
    allowTypes: "--allow-type",
    denyTypes: "--deny-type",
    compliance: "--compliance",
    sensitivity: "--sensitivity",
    residency: "--compliance / the persona's residency",
    uptime: "--uptime",
    rejected: "--reject",
    "demand.cpu": "--cpu",
    "demand.memory": "--memory-gib",
    "demand.iops": "--iops",
    "demand.throughput": "--throughput-mbps",
    "demand.network": "--network-mbps",
    "demand.storage": "--storage-gib",
};

const command = "persona propose";

function oneOf<T extends string>(args: ParsedArgs, name: string, values: readonly T[]): T | undefined {
    const raw = stringFlag(args, name);
    if (raw === undefined) {
        return undefined;
    }
    if (!(values as readonly string[]).includes(raw)) {
        throw InputError.single(command, `--${name}`, `"${raw}" is not one of ${values.join(", ")}`, `use --${name} ${values[0]}`);
    }
    return raw as T;
}

/** Constraints from the flags, validated against the shared schema (its issues name the flag). */
function constraintsFrom(args: ParsedArgs): Constraints {
    const regions = listFlag(args, "region");
    if (regions.includes("all") && regions.length > 1) {
        throw InputError.single(command, "--region", "all cannot be combined with named regions", "give --region all alone, or only named regions");
    }
    const allow = listFlag(args, "allow-type");
    const deny = listFlag(args, "deny-type");
    const both = allow.filter((t) => deny.includes(t));
    if (both.length > 0) {
        throw InputError.single(command, "--deny-type", `${both.join(", ")} is both allowed and denied`, "drop it from --allow-type or from --deny-type");
    }
    const compliance = listFlag(args, "compliance");
    compliance.forEach((f) => {
        if (!(FRAMEWORKS as readonly string[]).includes(f)) {
            throw InputError.single(command, "--compliance", `unknown framework "${f}"`, `use one of ${FRAMEWORKS.join(", ")}`);
        }
    });
    const count = numberFlag("propose", args, "count", { integer: true });
    const raw: Record<string, unknown> = {
        ...(regions.length > 0 ? { regions: regions[0] === "all" ? "all" : regions } : {}),
        ...(oneOf(args, "arch", ["x86_64", "arm64"] as const) ? { architecture: stringFlag(args, "arch") } : {}),
        minVcpus: numberFlag("propose", args, "min-vcpus"),
        minMemoryGiB: numberFlag("propose", args, "min-memory-gib"),
        count,
        gpus: numberFlag("propose", args, "gpus", { integer: true, allowZero: true }),
        burstable: oneOf(args, "burstable", ["allow", "deny"] as const),
        ...(booleanFlag(args, "current-generation") ? { currentGeneration: true } : {}),
        minEbsBandwidthMbps: numberFlag("propose", args, "min-ebs-bandwidth-mbps"),
        minNetworkGbps: numberFlag("propose", args, "min-network-gbps"),
        purchase: oneOf(args, "purchase", ["on-demand", "spot"] as const),
        maxHourlyCost: numberFlag("propose", args, "max-hourly-cost"),
        maxMonthlyCost: numberFlag("propose", args, "max-monthly-cost"),
        ...(allow.length > 0 ? { allowTypes: allow } : {}),
        ...(deny.length > 0 ? { denyTypes: deny } : {}),
        ...(compliance.length > 0 ? { compliance } : {}),
        sensitivity: oneOf(args, "sensitivity", SENSITIVITIES),
    };
    const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
    try {
        return parseInput(Constraints, defined, command);
    } catch (err) {
        if (err instanceof InputError) {
            // Name the flag, not the schema key.
            throw new InputError(err.issues.map((i) => ({ ...i, path: FLAG_OF[i.path.split(/[.[]/)[0]] ?? i.path })));
        }
        throw err;
    }
}

/** A metric given as one figure: a flat load at the peak, or at `sustained` most of the time. */
function flat(peak: number, sustained = peak): MetricDemand {
    return { peak, average: sustained, sustained, series: [peak, sustained] };
}

/** Demand figures given as flags, each replacing the analyzed or persona figure. */
function applyDemandFlags(args: ParsedArgs, base: Demand | undefined, constraints: Constraints): Demand {
    const n = (name: string, allowZero = true) => numberFlag("propose", args, name, { allowZero });
    const cpu = n("cpu", false);
    const sustained = n("sustained-cpu");
    const memory = n("memory-gib", false);
    if (cpu !== undefined && sustained !== undefined && sustained > cpu) {
        throw InputError.single(command, "--sustained-cpu", `${sustained} is above the peak --cpu ${cpu}`, "give a sustained CPU at most the peak");
    }
    const assumptions: Assumption[] = [...(base?.assumptions ?? [])];
    const count = constraints.count ?? 1;
    const role = oneOf<Role>(args, "role", ROLES) ?? base?.role ?? "api-service";
    if (base && stringFlag(args, "role") !== undefined && stringFlag(args, "role") !== base.role) {
        throw InputError.single(command, "--role", `${stringFlag(args, "role")} contradicts the role the workload or persona gives (${base.role})`, "drop --role, or describe the workload differently");
    }
    const cpuPeak = cpu ?? base?.cpu.peak ?? (constraints.minVcpus ?? 1) * count;
    const memoryPeak = memory ?? base?.memoryGiB.peak ?? (constraints.minMemoryGiB ?? 2) * count;
    if (!base && cpu === undefined) {
        assumptions.push({ name: "cpuPeak", value: cpuPeak, unit: "vCPU", source: constraints.minVcpus ? "--min-vcpus x --count" : "default without a workload (1 vCPU)" });
    }
    if (!base && memory === undefined) {
        assumptions.push({ name: "memoryPeak", value: memoryPeak, unit: "GiB", source: constraints.minMemoryGiB ? "--min-memory-gib x --count" : "default without a workload (2 GiB)" });
    }
    if (!base && sustained === undefined) {
        assumptions.push({ name: "cpuSustained", value: cpuPeak, unit: "vCPU", source: "flat load assumed without a series (sustained = peak)" });
    }
    const metric = (name: string, current: MetricDemand | undefined): MetricDemand => {
        const value = n(name);
        return value !== undefined ? flat(value) : (current ?? flat(0));
    };
    let cpuMetric = base?.cpu ?? flat(cpuPeak);
    if (cpu !== undefined || sustained !== undefined) {
        const steady = sustained ?? (cpu === undefined && base ? base.cpu.sustained : cpuPeak);
        if (steady > cpuPeak) {
            throw InputError.single(command, "--sustained-cpu", `${steady} is above the peak CPU ${cpuPeak}`, "give a sustained CPU at most the peak, or raise --cpu");
        }
        cpuMetric = flat(cpuPeak, steady);
    }
    return {
        role,
        confidence: base?.confidence ?? 1,
        intervalMinutes: base?.intervalMinutes ?? 60,
        cpu: cpuMetric,
        memoryGiB: memory !== undefined || !base ? flat(memoryPeak) : base.memoryGiB,
        iops: metric("iops", base?.iops),
        throughputMBps: metric("throughput-mbps", base?.throughputMBps),
        networkMbps: metric("network-mbps", base?.networkMbps),
        storageGiB: n("storage-gib") ?? base?.storageGiB ?? 0,
        ...(base?.gpus !== undefined ? { gpus: base.gpus } : {}),
        compliance: base?.compliance ?? [],
        ...(base?.sensitivity ? { sensitivity: base.sensitivity } : {}),
        assumptions,
        questions: base?.questions ?? [],
    };
}

function lifecycleFrom(args: ParsedArgs, persona: Persona | undefined): LifecycleExpectations | undefined {
    const uptime = numberFlag("propose", args, "uptime");
    const tolerant = booleanFlag(args, "interruption-tolerant");
    if (uptime !== undefined && (uptime < 50 || uptime > 99.999)) {
        throw InputError.single(command, "--uptime", `${uptime} % is not an uptime target`, "give a percentage between 50 and 99.999, e.g. --uptime 99.9");
    }
    if (!persona && uptime === undefined && !tolerant) {
        return undefined;
    }
    const base: LifecycleExpectations = persona?.lifecycle ?? { uptimeTarget: 99.5, scaling: { min: 1, max: DEFAULT_MAX_COUNT }, expectedDuration: "open-ended", interruptionTolerant: false };
    return { ...base, ...(uptime !== undefined ? { uptimeTarget: uptime } : {}), ...(tolerant ? { interruptionTolerant: true } : {}) };
}

function readWorkloadFile(io: CliIO, file: string): WorkloadInput {
    const full = path.resolve(io.cwd, file);
    if (!fs.existsSync(full)) {
        throw InputError.single("--workload-file", "", `${file} does not exist`, "give the path of a YAML or JSON workload file");
    }
    return parseYaml(fs.readFileSync(full, "utf8"), file).value as WorkloadInput;
}

/** Everything a solve needs, from the flags. */
export function proposeInput(args: ParsedArgs, io: CliIO, catalog: Catalog): SolveInput {
    const text = stringFlag(args, "workload");
    const file = stringFlag(args, "workload-file");
    if (text !== undefined && file !== undefined) {
        throw InputError.single(command, "--workload-file", "both --workload and --workload-file describe the workload", "give one of them");
    }
    const ref = stringFlag(args, "persona");
    const persona = ref !== undefined ? openPersonaStore({ userDir: stringFlag(args, "store"), env: io.env, cwd: io.cwd }).get(ref).persona : undefined;
    const constraints = constraintsFrom(args);
    let base: Demand | undefined;
    if (text !== undefined) {
        base = analyzeWorkload(text, { persona, input: "--workload" });
    } else if (file !== undefined) {
        base = analyzeWorkload(readWorkloadFile(io, file), { persona, input: file });
    } else if (persona) {
        base = demandFromPersona(persona);
    }
    const demand = applyDemandFlags(args, base, constraints);
    const lifecycle = lifecycleFrom(args, persona);
    const rejected = listFlag(args, "reject");
    return {
        demand,
        constraints,
        catalog,
        ...(persona ? { profile: persona.security, cost: persona.cost } : {}),
        ...(lifecycle ? { lifecycle } : {}),
        ...(rejected.length > 0 ? { rejected } : {}),
    };
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
        if (json && err instanceof InputError) {
            writeJson(io, issuesJson(err.issues));
        }
        throw err;
    }
};
