import * as fs from "node:fs";
import * as path from "node:path";
import { Catalog } from "../catalog/catalog";
import { InputError, parseInput } from "../errors";
import { parseYaml } from "../persona/document";
import { FRAMEWORKS, LifecycleExpectations, Persona, ROLES, Role, SENSITIVITIES } from "../persona/schema";
import { openPersonaStore } from "../persona/store";
import { Constraints } from "../solver/constraints";
import { DEFAULT_MAX_COUNT } from "../solver/requirements";
import { SolveInput } from "../solver/solve";
import { analyzeWorkload } from "../workload/analyze";
import { Assumption, Demand, demandFromPersona, MetricDemand } from "../workload/demand";
import { WorkloadInput } from "../workload/schema";
import { booleanFlag, listFlag, numberFlag, OptionSpec, ParsedArgs, stringFlag } from "./args";
import { CliIO } from "./io";

/**
 * The request (seed II.1) as flags, shared by `persona propose` and `persona negotiate`: the
 * workload, the base persona, explicit demand figures and the hard constraints.
 */

/** Help text for the demand and constraint flags (a command adds its own sections around it). */
export const REQUEST_HELP = `Demand (what the workload needs; one source, explicit figures below override it):
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
`;

/** Flags that set a hard constraint (each maps to one key of Constraints, see CONSTRAINT_OF_FLAG). */
export const CONSTRAINT_OPTIONS = {
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
} as const satisfies OptionSpec;

/** Flags that give the workload, the persona and explicit demand figures. */
export const DEMAND_OPTIONS = {
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
} as const satisfies OptionSpec;

/** Every request flag, in the order the help lists them. */
export const REQUEST_OPTIONS = {
    ...DEMAND_OPTIONS,
    ...CONSTRAINT_OPTIONS,
    reject: { type: "string", multiple: true },
} as const satisfies OptionSpec;

/** Demand flags that change the analyzed or persona figures (they are part of what an agreement was reached on). */
export const DEMAND_FIGURE_FLAGS = ["role", "cpu", "sustained-cpu", "memory-gib", "iops", "throughput-mbps", "network-mbps", "storage-gib", "uptime", "interruption-tolerant"] as const;

/** The flag a constraint or demand figure is set with, for error messages a user can act on. */
export const FLAG_OF: Readonly<Record<string, string>> = {
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

/** The Constraints key each constraint flag sets (`max-monthly-cost` -> `maxMonthlyCost`). */
export const CONSTRAINT_OF_FLAG: Readonly<Record<keyof typeof CONSTRAINT_OPTIONS, keyof Constraints>> = {
    region: "regions",
    "min-vcpus": "minVcpus",
    "min-memory-gib": "minMemoryGiB",
    count: "count",
    gpus: "gpus",
    arch: "architecture",
    burstable: "burstable",
    "current-generation": "currentGeneration",
    purchase: "purchase",
    "max-monthly-cost": "maxMonthlyCost",
    "max-hourly-cost": "maxHourlyCost",
    "min-ebs-bandwidth-mbps": "minEbsBandwidthMbps",
    "min-network-gbps": "minNetworkGbps",
    "allow-type": "allowTypes",
    "deny-type": "denyTypes",
    compliance: "compliance",
    sensitivity: "sensitivity",
};

function oneOf<T extends string>(args: ParsedArgs, command: string, name: string, values: readonly T[]): T | undefined {
    const raw = stringFlag(args, name);
    if (raw === undefined) {
        return undefined;
    }
    if (!(values as readonly string[]).includes(raw)) {
        throw InputError.single(`persona ${command}`, `--${name}`, `"${raw}" is not one of ${values.join(", ")}`, `use --${name} ${values[0]}`);
    }
    return raw as T;
}

/** Constraints from the flags of `persona <command>`, validated against the shared schema (its issues name the flag). */
export function constraintsFrom(args: ParsedArgs, command: string): Constraints {
    const input = `persona ${command}`;
    const regions = listFlag(args, "region");
    if (regions.includes("all") && regions.length > 1) {
        throw InputError.single(input, "--region", "all cannot be combined with named regions", "give --region all alone, or only named regions");
    }
    const allow = listFlag(args, "allow-type");
    const deny = listFlag(args, "deny-type");
    const both = allow.filter((t) => deny.includes(t));
    if (both.length > 0) {
        throw InputError.single(input, "--deny-type", `${both.join(", ")} is both allowed and denied`, "drop it from --allow-type or from --deny-type");
    }
    const compliance = listFlag(args, "compliance");
    compliance.forEach((f) => {
        if (!(FRAMEWORKS as readonly string[]).includes(f)) {
            throw InputError.single(input, "--compliance", `unknown framework "${f}"`, `use one of ${FRAMEWORKS.join(", ")}`);
        }
    });
    const count = numberFlag(command, args, "count", { integer: true });
    const raw: Record<string, unknown> = {
        ...(regions.length > 0 ? { regions: regions[0] === "all" ? "all" : regions } : {}),
        ...(oneOf(args, command, "arch", ["x86_64", "arm64"] as const) ? { architecture: stringFlag(args, "arch") } : {}),
        minVcpus: numberFlag(command, args, "min-vcpus"),
        minMemoryGiB: numberFlag(command, args, "min-memory-gib"),
        count,
        gpus: numberFlag(command, args, "gpus", { integer: true, allowZero: true }),
        burstable: oneOf(args, command, "burstable", ["allow", "deny"] as const),
        ...(booleanFlag(args, "current-generation") ? { currentGeneration: true } : {}),
        minEbsBandwidthMbps: numberFlag(command, args, "min-ebs-bandwidth-mbps"),
        minNetworkGbps: numberFlag(command, args, "min-network-gbps"),
        purchase: oneOf(args, command, "purchase", ["on-demand", "spot"] as const),
        maxHourlyCost: numberFlag(command, args, "max-hourly-cost"),
        maxMonthlyCost: numberFlag(command, args, "max-monthly-cost"),
        ...(allow.length > 0 ? { allowTypes: allow } : {}),
        ...(deny.length > 0 ? { denyTypes: deny } : {}),
        ...(compliance.length > 0 ? { compliance } : {}),
        sensitivity: oneOf(args, command, "sensitivity", SENSITIVITIES),
    };
    const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
    try {
        return parseInput(Constraints, defined, input);
    } catch (err) {
        if (err instanceof InputError) {
            // Name the flag, not the schema key.
            throw new InputError(err.issues.map((i) => ({ ...i, path: FLAG_OF[i.path.split(/[.[]/)[0]] ?? i.path })));
        }
        throw err;
    }
}

/** The solver names constraints by their keys (`constraints at regions[0]`); on the command line, name the flag. */
export function flagsNamed(err: InputError, command: string): InputError {
    if (!err.issues.some((i) => i.input === "constraints")) {
        return err;
    }
    return new InputError(
        err.issues.map((i) => {
            const flag = i.input === "constraints" ? FLAG_OF[i.path.split(/[.[]/)[0]] : undefined;
            return flag ? { ...i, input: `persona ${command}`, path: flag } : i;
        }),
    );
}

/** A metric given as one figure: a flat load at the peak, or at `sustained` most of the time. */
function flat(peak: number, sustained = peak): MetricDemand {
    return { peak, average: sustained, sustained, series: [peak, sustained] };
}

/** Demand figures given as flags, each replacing the analyzed or persona figure. */
function applyDemandFlags(args: ParsedArgs, command: string, base: Demand | undefined, constraints: Constraints): Demand {
    const input = `persona ${command}`;
    const n = (name: string, allowZero = true) => numberFlag(command, args, name, { allowZero });
    const cpu = n("cpu", false);
    const sustained = n("sustained-cpu");
    const memory = n("memory-gib", false);
    if (cpu !== undefined && sustained !== undefined && sustained > cpu) {
        throw InputError.single(input, "--sustained-cpu", `${sustained} is above the peak --cpu ${cpu}`, "give a sustained CPU at most the peak");
    }
    const assumptions: Assumption[] = [...(base?.assumptions ?? [])];
    const count = constraints.count ?? 1;
    const role = oneOf<Role>(args, command, "role", ROLES) ?? base?.role ?? "api-service";
    if (base && stringFlag(args, "role") !== undefined && stringFlag(args, "role") !== base.role) {
        throw InputError.single(input, "--role", `${stringFlag(args, "role")} contradicts the role the workload or persona gives (${base.role})`, "drop --role, or describe the workload differently");
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
            throw InputError.single(input, "--sustained-cpu", `${steady} is above the peak CPU ${cpuPeak}`, "give a sustained CPU at most the peak, or raise --cpu");
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

function lifecycleFrom(args: ParsedArgs, command: string, persona: Persona | undefined): LifecycleExpectations | undefined {
    const uptime = numberFlag(command, args, "uptime");
    const tolerant = booleanFlag(args, "interruption-tolerant");
    if (uptime !== undefined && (uptime < 50 || uptime > 99.999)) {
        throw InputError.single(`persona ${command}`, "--uptime", `${uptime} % is not an uptime target`, "give a percentage between 50 and 99.999, e.g. --uptime 99.9");
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

/** A request read from flags: what the solver and the negotiation engine take, and where it came from. */
export interface Request {
    /** The workload as given (text, or the structured file's content), when there is one. */
    readonly workload?: WorkloadInput;
    readonly persona?: Persona;
    readonly demand: Demand;
    readonly constraints: Constraints;
    /** The lifecycle the solver sizes for: the persona's, with --uptime / --interruption-tolerant applied. */
    readonly lifecycle?: LifecycleExpectations;
    /** Proposal ids from --reject. */
    readonly rejected: string[];
    /** The demand-figure flags that were given (they change what is proposed, so agreements record them). */
    readonly demandFlags: Readonly<Record<string, string | boolean>>;
}

/** Reads the request from the flags of `persona <command>`: the persona from the store, the workload analyzed. */
export function requestFrom(args: ParsedArgs, io: CliIO, command: string): Request {
    const text = stringFlag(args, "workload");
    const file = stringFlag(args, "workload-file");
    if (text !== undefined && file !== undefined) {
        throw InputError.single(`persona ${command}`, "--workload-file", "both --workload and --workload-file describe the workload", "give one of them");
    }
    const ref = stringFlag(args, "persona");
    const persona = ref !== undefined ? openPersonaStore({ userDir: stringFlag(args, "store"), env: io.env, cwd: io.cwd }).get(ref).persona : undefined;
    const constraints = constraintsFrom(args, command);
    let base: Demand | undefined;
    let workload: WorkloadInput | undefined;
    if (text !== undefined) {
        workload = text;
        base = analyzeWorkload(text, { persona, input: "--workload" });
    } else if (file !== undefined) {
        workload = readWorkloadFile(io, file);
        base = analyzeWorkload(workload, { persona, input: file });
    } else if (persona) {
        base = demandFromPersona(persona);
    }
    const demand = applyDemandFlags(args, command, base, constraints);
    const lifecycle = lifecycleFrom(args, command, persona);
    const demandFlags: Record<string, string | boolean> = {};
    for (const name of DEMAND_FIGURE_FLAGS) {
        const value = args.values[name];
        if (typeof value === "string" || value === true) {
            demandFlags[name] = value;
        }
    }
    return {
        ...(workload !== undefined ? { workload } : {}),
        ...(persona ? { persona } : {}),
        demand,
        constraints,
        ...(lifecycle ? { lifecycle } : {}),
        rejected: listFlag(args, "reject"),
        demandFlags,
    };
}

/** The solver's input for a request. */
export function solveInputOf(request: Request, catalog: Catalog): SolveInput {
    const { persona, lifecycle, rejected } = request;
    return {
        demand: request.demand,
        constraints: request.constraints,
        catalog,
        ...(persona ? { profile: persona.security, cost: persona.cost } : {}),
        ...(lifecycle ? { lifecycle } : {}),
        ...(rejected.length > 0 ? { rejected } : {}),
    };
}
