import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { formatIssue, InputError } from "../errors";
import { formatDiff } from "../persona/diff";
import { parseYaml, toYaml, validatePersona } from "../persona/document";
import { METRICS, MetricName } from "../persona/schema";
import { openPersonaStore, parseOverride, PersonaStore, StoredPersona } from "../persona/store";
import { booleanFlag, listFlag, parseFlags, stringFlag } from "./args";
import { CliIO, Command, EXIT, writeJson } from "./io";
import { table } from "../table";

const HELP = `Usage: persona personas <subcommand> [options]

Subcommands:
  list                                   every persona: latest version, role, source, usage
  show <name[@version]>                  one persona in full
  diff <a> <b>                           what changed between two personas or versions
  create --from <file>                   store a persona written in a YAML or JSON file
  derive <base> --name <n> [--set <path=value>]... [--scale <metric=factor>]...
                                         a new persona (or version) from a base with overrides

Options:
  --store <dir>   the user's persona directory (default: $PERSONA_STORE, else ./personas);
                  the built-in library is layered under it and shadowed by name
  --json          machine-readable output
  --creator <c>   creator recorded by create/derive (default: the OS user)
  --description   description for derive (default: the base's)
`;

const OPTIONS = {
    store: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
    from: { type: "string" },
    name: { type: "string" },
    set: { type: "string", multiple: true },
    scale: { type: "string", multiple: true },
    creator: { type: "string" },
    description: { type: "string" },
} as const;

export const personasCommand: Command = async (argv, io) => {
    const args = parseFlags("personas", argv, OPTIONS);
    const [sub, ...positionals] = args.positionals;
    if (booleanFlag(args, "help") || sub === undefined) {
        io.stdout(HELP);
        return sub === undefined && !booleanFlag(args, "help") ? EXIT.badInput : EXIT.ok;
    }
    const store = openPersonaStore({ userDir: stringFlag(args, "store"), env: io.env, cwd: io.cwd });
    const json = booleanFlag(args, "json");
    const need = (count: number, usageLine: string) => {
        if (positionals.length !== count) {
            throw InputError.single(`persona personas ${sub}`, "", `expected ${count} argument(s), got ${positionals.length}`, `run persona personas ${usageLine}`);
        }
    };
    switch (sub) {
        case "list":
            need(0, "list");
            return list(store, io, json);
        case "show":
            need(1, "show <name[@version]>");
            return show(store.get(positionals[0]), store, io, json);
        case "diff": {
            need(2, "diff <a> <b>");
            const entries = store.diff(positionals[0], positionals[1]);
            if (json) {
                writeJson(io, { a: positionals[0], b: positionals[1], changes: entries });
            } else {
                io.stdout(entries.length === 0 ? "no differences\n" : `${formatDiff(entries).join("\n")}\n`);
            }
            return EXIT.ok;
        }
        case "create": {
            need(0, "create --from <file>");
            const file = stringFlag(args, "from");
            if (!file) {
                throw InputError.single("persona personas create", "--from", "no file given", "pass --from <file.yaml>");
            }
            const stored = store.put(readPersonaFile(path.resolve(io.cwd, file), file, stringFlag(args, "creator")));
            return written(stored, io, json);
        }
        case "derive": {
            need(1, "derive <base> --name <n> --set <path=value>");
            const name = stringFlag(args, "name");
            if (!name) {
                throw InputError.single("persona personas derive", "--name", "no name given", "pass --name <new-name> (or the base's name for a new version)");
            }
            const stored = store.derive(positionals[0], {
                name,
                overrides: listFlag(args, "set").map(parseOverride),
                scale: parseScale(listFlag(args, "scale")),
                creator: stringFlag(args, "creator") ?? defaultCreator(io),
                created: today(),
                ...(stringFlag(args, "description") ? { description: stringFlag(args, "description") } : {}),
            });
            return written(stored, io, json);
        }
        default:
            throw InputError.single("persona personas", "", `unknown subcommand "${sub}"`, "use list, show, diff, create or derive");
    }
};

function list(store: PersonaStore, io: CliIO, json: boolean): number {
    const { personas, problems } = store.list();
    if (json) {
        writeJson(io, { personas, problems });
    } else {
        const rows = personas.map((p) => [p.name, `v${p.latest}`, p.role, p.source, `${p.usage.proposed}/${p.usage.accepted}/${p.usage.provisioned}`, truncate(p.description, 70)]);
        io.stdout(table(["NAME", "LATEST", "ROLE", "SOURCE", "USED p/a/v", "DESCRIPTION"], rows));
        io.stdout(`${personas.length} persona(s); usage is proposed/accepted/provisioned.\n`);
    }
    for (const problem of problems) {
        io.stderr(`error: ${formatIssue(problem)}\n`);
    }
    return problems.length > 0 ? EXIT.badInput : EXIT.ok;
}

function show(stored: StoredPersona, store: PersonaStore, io: CliIO, json: boolean): number {
    const usage = store.usage(stored.persona.name);
    if (json) {
        writeJson(io, { persona: stored.persona, source: stored.source, file: stored.file, usage });
        return EXIT.ok;
    }
    const { persona } = stored;
    const summary = METRICS.map((m: MetricName) => {
        const metric = persona.performance[m];
        return `#   ${m.padEnd(15)} peak ${metric.peak}, average ${metric.average}, sustained ${metric.sustained}`;
    });
    io.stdout(
        [
            `# ${persona.name}@${persona.version} (${stored.source}: ${stored.file})`,
            `# usage: proposed ${usage.proposed}, accepted ${usage.accepted}, provisioned ${usage.provisioned}${usage.lastUsed ? `, last ${usage.lastUsed}` : ""}`,
            "# performance summary:",
            ...summary,
            toYaml(persona),
        ].join("\n"),
    );
    return EXIT.ok;
}

function written(stored: StoredPersona, io: CliIO, json: boolean): number {
    if (json) {
        writeJson(io, { persona: stored.persona, file: stored.file });
    } else {
        io.stdout(`wrote ${stored.persona.name}@${stored.persona.version} to ${stored.file}\n`);
    }
    return EXIT.ok;
}

function readPersonaFile(file: string, shown: string, creator: string | undefined): Parameters<PersonaStore["put"]>[0] {
    if (!fs.existsSync(file)) {
        throw InputError.single("persona personas create", "--from", `${shown} does not exist`, "give the path of a persona YAML or JSON file");
    }
    const { value, locate } = parseYaml(fs.readFileSync(file, "utf8"), shown);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw InputError.single(shown, "", "a persona file holds one mapping (name, version, role, performance, ...)", "see personas/ in the package for examples");
    }
    const draft = { ...(value as Record<string, unknown>), ...(creator && !("creator" in value) ? { creator } : {}) };
    // Validate against the file first so errors carry file:line:column; the version may be left to the store.
    validatePersona({ version: 1, ...draft }, shown, locate);
    return draft as Parameters<PersonaStore["put"]>[0];
}

function parseScale(values: string[]): Partial<Record<MetricName, number>> {
    const scale: Partial<Record<MetricName, number>> = {};
    for (const text of values) {
        const [metric, factor] = text.split("=");
        if (!(METRICS as readonly string[]).includes(metric) || factor === undefined || !(Number(factor) > 0)) {
            throw InputError.single("--scale", text, `"${text}" is not metric=factor`, `write e.g. --scale cpu=2; metrics: ${METRICS.join(", ")}`);
        }
        scale[metric as MetricName] = Number(factor);
    }
    return scale;
}

function defaultCreator(io: CliIO): string {
    return io.env.USER ?? io.env.USERNAME ?? os.userInfo().username;
}

function today(): string {
    return new Date().toISOString().slice(0, 10);
}

function truncate(text: string, width: number): string {
    const line = text.replace(/\s+/g, " ").trim();
    return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}
