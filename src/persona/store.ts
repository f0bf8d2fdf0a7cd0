import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { BUILTIN_PERSONAS_DIR } from "../assets";
import { InputError, InputIssue } from "../errors";
import { DiffEntry, diffPersonas } from "./diff";
import { parsePersona, parseYaml, serializePersona, validatePersona } from "./document";
import { formatPersonaRef, parsePersonaRef, Persona, PERSONA_NAME, PersonaInput, PersonaRef, USAGE_EVENTS, UsageEvent, UsageStats } from "./schema";

/**
 * The persona store (seed I, "Persona Store"): versioned personas with metadata and usage
 * statistics. Versions are immutable files `<dir>/<name>/<version>.yaml`; usage is an append-only
 * log `<dir>/<name>/usage.jsonl` beside them, because a version never changes once written.
 */

export type PersonaSource = "builtin" | "user";

/** A persona as read from the store, with where it came from. */
export interface StoredPersona {
    readonly persona: Persona;
    readonly file: string;
    readonly source: PersonaSource;
}

export interface PersonaSummary {
    readonly name: string;
    readonly latest: number;
    readonly versions: number[];
    readonly role: string;
    readonly description: string;
    readonly source: PersonaSource;
    readonly usage: UsageStats;
}

/** A listing never hides good personas because of a bad file: bad ones are reported beside them. */
export interface PersonaListing {
    readonly personas: PersonaSummary[];
    readonly problems: InputIssue[];
}

/** A change to apply when deriving: a dotted path (`lifecycle.scaling.max`, `security.ingress[0].ports`) and a value. */
export interface Override {
    readonly path: string;
    readonly value: unknown;
}

export interface DeriveOptions {
    readonly name: string;
    readonly overrides?: readonly Override[];
    /** Multiply a metric's series (and so its summary): `{ cpu: 2 }` doubles the CPU profile. */
    readonly scale?: Readonly<Partial<Record<"cpu" | "memoryGiB" | "iops" | "throughputMBps" | "networkMbps", number>>>;
    readonly creator: string;
    /** YYYY-MM-DD. */
    readonly created: string;
    readonly description?: string;
}

export interface PersonaStore {
    list(): PersonaListing;
    /** `name` (the latest version) or `name@version`. */
    get(ref: string | PersonaRef): StoredPersona;
    latest(name: string): StoredPersona;
    versions(name: string): number[];
    /**
     * Writes a new version. With `version` in the persona, that exact version (an error if it
     * exists); without, the next free one. Never overwrites, never leaves a partial file.
     */
    put(persona: Omit<PersonaInput, "version"> & { version?: number }): StoredPersona;
    /** A new persona (or a new version of one) from a base with overrides; `basedOn` records the base. */
    derive(base: string | PersonaRef, options: DeriveOptions): StoredPersona;
    diff(a: string | PersonaRef, b: string | PersonaRef): DiffEntry[];
    recordUsage(ref: string | PersonaRef, event: UsageEvent, at: Date): UsageStats;
    usage(name: string): UsageStats;
}

const VERSION_FILE = /^([1-9]\d*)\.yaml$/;

function toRef(ref: string | PersonaRef, input = "persona reference"): PersonaRef {
    if (typeof ref !== "string") {
        return ref;
    }
    const parsed = parsePersonaRef(ref);
    if (!parsed) {
        throw InputError.single(input, "", `"${ref}" is not a persona reference`, "write name or name@version, e.g. postgres-oltp@2");
    }
    return parsed;
}

/** One directory of personas. The building block of the layered store. */
export class PersonaDirectory {
    constructor(
        readonly dir: string,
        readonly source: PersonaSource,
    ) {}

    names(): string[] {
        if (!fs.existsSync(this.dir)) {
            return [];
        }
        return fs
            .readdirSync(this.dir, { withFileTypes: true })
            .filter((entry) => entry.isDirectory() && PERSONA_NAME.test(entry.name))
            .map((entry) => entry.name)
            .filter((name) => this.versions(name).length > 0)
            .sort();
    }

    versions(name: string): number[] {
        const dir = path.join(this.dir, name);
        if (!fs.existsSync(dir)) {
            return [];
        }
        return fs
            .readdirSync(dir)
            .map((file) => VERSION_FILE.exec(file)?.[1])
            .filter((v): v is string => v !== undefined)
            .map(Number)
            .sort((a, b) => a - b);
    }

    file(name: string, version: number): string {
        return path.join(this.dir, name, `${version}.yaml`);
    }

    read(name: string, version: number): StoredPersona {
        const file = this.file(name, version);
        const persona = parsePersona(fs.readFileSync(file, "utf8"), displayPath(file));
        if (persona.name !== name || persona.version !== version) {
            throw InputError.single(
                displayPath(file),
                persona.name !== name ? "name" : "version",
                `the file says ${persona.name}@${persona.version} but its place in the store is ${name}@${version}`,
                `store it as ${persona.name}/${persona.version}.yaml or correct the name and version`,
            );
        }
        return { persona, file, source: this.source };
    }

    /**
     * Writes `persona` at its version by linking a fully written temporary file into place:
     * link(2) fails if the target exists, so two writers can never overwrite each other and a
     * reader never sees half a file. Returns false when the version already exists.
     */
    tryWrite(persona: Persona): boolean {
        const dir = path.join(this.dir, persona.name);
        fs.mkdirSync(dir, { recursive: true });
        const target = this.file(persona.name, persona.version);
        const temp = path.join(dir, `.${persona.version}.yaml.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
        const fd = fs.openSync(temp, "wx");
        try {
            fs.writeSync(fd, serializePersona(persona));
            fs.fsyncSync(fd);
        } finally {
            fs.closeSync(fd);
        }
        try {
            fs.linkSync(temp, target);
            return true;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "EEXIST") {
                return false;
            }
            throw err;
        } finally {
            fs.unlinkSync(temp);
        }
    }

    usageLog(name: string): string {
        return path.join(this.dir, name, "usage.jsonl");
    }

    /** Appends one event; O_APPEND writes of one short line are atomic, so no lock is needed. */
    appendUsage(name: string, version: number, event: UsageEvent, at: Date): void {
        fs.mkdirSync(path.join(this.dir, name), { recursive: true });
        fs.appendFileSync(this.usageLog(name), `${JSON.stringify({ event, version, at: at.toISOString() })}\n`);
    }

    usage(name: string): UsageStats {
        const log = this.usageLog(name);
        const counts: Record<UsageEvent, number> = { proposed: 0, accepted: 0, provisioned: 0 };
        let lastUsed: string | undefined;
        if (fs.existsSync(log)) {
            for (const line of fs.readFileSync(log, "utf8").split("\n")) {
                const entry = parseUsageLine(line);
                if (entry) {
                    counts[entry.event] += 1;
                    lastUsed = lastUsed === undefined || entry.at > lastUsed ? entry.at : lastUsed;
                }
            }
        }
        return lastUsed === undefined ? { ...counts } : { ...counts, lastUsed };
    }
}

function parseUsageLine(line: string): { event: UsageEvent; at: string } | undefined {
    if (!line.trim()) {
        return undefined;
    }
    try {
        const entry = JSON.parse(line) as { event?: unknown; at?: unknown };
        if (USAGE_EVENTS.includes(entry.event as UsageEvent) && typeof entry.at === "string") {
            return { event: entry.event as UsageEvent, at: entry.at };
        }
    } catch {
        // A torn or foreign line is skipped rather than failing every read of the statistics.
    }
    return undefined;
}

/** Paths in messages relative to the working directory when inside it, absolute otherwise. */
function displayPath(file: string): string {
    const relative = path.relative(process.cwd(), file);
    return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

function sumUsage(a: UsageStats, b: UsageStats): UsageStats {
    const lastUsed = [a.lastUsed, b.lastUsed].filter((v): v is string => v !== undefined).sort().pop();
    const counts = { proposed: a.proposed + b.proposed, accepted: a.accepted + b.accepted, provisioned: a.provisioned + b.provisioned };
    return lastUsed === undefined ? counts : { ...counts, lastUsed };
}

/**
 * The built-in library plus a user's directory. A user persona shadows the built-in one of the
 * same name: `name` resolves to the user's latest version; an explicit `name@version` the user
 * does not have falls through to the built-in (so `basedOn` references keep resolving). New
 * versions and usage are written to the user's directory only.
 */
export class LayeredPersonaStore implements PersonaStore {
    private readonly layers: PersonaDirectory[];

    constructor(
        readonly user: PersonaDirectory,
        builtin?: PersonaDirectory,
    ) {
        this.layers = builtin && !sameDirectory(user.dir, builtin.dir) ? [user, builtin] : [user];
    }

    list(): PersonaListing {
        const personas: PersonaSummary[] = [];
        const problems: InputIssue[] = [];
        const seen = new Set<string>();
        for (const layer of this.layers) {
            for (const name of layer.names()) {
                if (seen.has(name)) {
                    continue;
                }
                seen.add(name);
                const versions = layer.versions(name);
                let latest: StoredPersona | undefined;
                for (const version of [...versions].reverse()) {
                    try {
                        const stored = layer.read(name, version);
                        latest ??= stored;
                    } catch (err) {
                        if (!(err instanceof InputError)) {
                            throw err;
                        }
                        problems.push(...err.issues);
                    }
                }
                if (latest) {
                    personas.push({
                        name,
                        latest: latest.persona.version,
                        versions,
                        role: latest.persona.role.kind,
                        description: latest.persona.description,
                        source: layer.source,
                        usage: this.usage(name),
                    });
                }
            }
        }
        return { personas: personas.sort((a, b) => a.name.localeCompare(b.name)), problems };
    }

    versions(name: string): number[] {
        const owner = this.layers.find((layer) => layer.versions(name).length > 0);
        return owner ? owner.versions(name) : [];
    }

    latest(name: string): StoredPersona {
        return this.get({ name });
    }

    get(ref: string | PersonaRef): StoredPersona {
        const { name, version } = toRef(ref);
        if (version === undefined) {
            const owner = this.layers.find((layer) => layer.versions(name).length > 0);
            if (!owner) {
                throw this.notFound(name);
            }
            const versions = owner.versions(name);
            return owner.read(name, versions[versions.length - 1]);
        }
        const owner = this.layers.find((layer) => layer.versions(name).includes(version));
        if (!owner) {
            const known = this.allVersions(name);
            if (known.length === 0) {
                throw this.notFound(name);
            }
            throw InputError.single("persona reference", "", `${name}@${version} does not exist`, `use one of ${known.map((v) => `${name}@${v}`).join(", ")}`);
        }
        return owner.read(name, version);
    }

    put(input: Omit<PersonaInput, "version"> & { version?: number }): StoredPersona {
        const label = `persona ${input.name ?? "(unnamed)"}`;
        if (input.version !== undefined) {
            const persona = validatePersona(input, label);
            if (this.allVersions(persona.name).includes(persona.version) || !this.user.tryWrite(persona)) {
                throw InputError.single(
                    label,
                    "version",
                    `${persona.name}@${persona.version} already exists and versions are immutable`,
                    `write version ${this.nextVersion(persona.name)} instead, or derive a new persona`,
                );
            }
            return this.user.read(persona.name, persona.version);
        }
        // Next free version: if another process takes it first, link() refuses and we take the next.
        for (let version = this.nextVersion(input.name ?? ""); ; version++) {
            const persona = validatePersona({ ...input, version }, label);
            if (this.user.tryWrite(persona)) {
                return this.user.read(persona.name, persona.version);
            }
        }
    }

    derive(base: string | PersonaRef, options: DeriveOptions): StoredPersona {
        const from = this.get(base).persona;
        const draft = structuredClone(from) as unknown as Record<string, unknown>;
        for (const override of options.overrides ?? []) {
            applyOverride(draft, override);
        }
        const performance = draft.performance as Record<string, Record<string, unknown>>;
        for (const [metric, factor] of Object.entries(options.scale ?? {})) {
            if (!(factor > 0)) {
                throw InputError.single("derive", `scale.${metric}`, `factor ${factor} must be above zero`, "give a positive factor, e.g. 2 to double");
            }
            const entry = performance[metric];
            entry.series = (entry.series as number[]).map((v) => Math.round(v * factor * 1000) / 1000);
        }
        // A derived persona's summaries follow its (possibly changed) series unless set explicitly.
        for (const metric of ["cpu", "memoryGiB", "iops", "throughputMBps", "networkMbps"]) {
            for (const key of ["peak", "average", "sustained"]) {
                if (!(options.overrides ?? []).some((o) => o.path === `performance.${metric}.${key}`)) {
                    delete performance[metric][key];
                }
            }
        }
        delete draft.version;
        return this.put({
            ...(draft as Omit<PersonaInput, "version">),
            name: options.name,
            description: options.description ?? from.description,
            creator: options.creator,
            created: options.created,
            basedOn: formatPersonaRef({ name: from.name, version: from.version }),
        });
    }

    diff(a: string | PersonaRef, b: string | PersonaRef): DiffEntry[] {
        return diffPersonas(this.get(a).persona, this.get(b).persona);
    }

    recordUsage(ref: string | PersonaRef, event: UsageEvent, at: Date): UsageStats {
        const { persona } = this.get(ref);
        this.user.appendUsage(persona.name, persona.version, event, at);
        return this.usage(persona.name);
    }

    usage(name: string): UsageStats {
        return this.layers.map((layer) => layer.usage(name)).reduce(sumUsage);
    }

    private allVersions(name: string): number[] {
        return [...new Set(this.layers.flatMap((layer) => layer.versions(name)))].sort((a, b) => a - b);
    }

    private nextVersion(name: string): number {
        return Math.max(0, ...this.allVersions(name)) + 1;
    }

    private notFound(name: string): InputError {
        const names = [...new Set(this.layers.flatMap((layer) => layer.names()))];
        const close = names.filter((n) => n.includes(name) || name.includes(n) || n.split("-")[0] === name.split("-")[0]);
        const hint = close.length > 0 ? `did you mean ${close.join(", ")}?` : `run persona personas list to see the ${names.length} personas`;
        return InputError.single("persona reference", "", `no persona named "${name}"`, hint);
    }
}

function sameDirectory(a: string, b: string): boolean {
    const real = (p: string) => (fs.existsSync(p) ? fs.realpathSync(p) : path.resolve(p));
    return real(a) === real(b);
}

/** Splits `security.ingress[0].ports` into `["security", "ingress", 0, "ports"]`. */
export function parseOverridePath(text: string): (string | number)[] {
    if (!/^[A-Za-z][A-Za-z0-9]*(\[\d+\]|\.[A-Za-z][A-Za-z0-9]*)*$/.test(text)) {
        throw InputError.single("--set", text, `"${text}" is not a path`, "write a dotted path such as lifecycle.scaling.max or security.ingress[0].ports");
    }
    return [...text.matchAll(/([A-Za-z][A-Za-z0-9]*)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
}

/** Sets a value at a path, creating objects on the way; an index may append to a list. */
function applyOverride(target: Record<string, unknown>, override: Override): void {
    const keys = parseOverridePath(override.path);
    let node: Record<string | number, unknown> = target;
    for (const [i, key] of keys.entries()) {
        if (i === keys.length - 1) {
            node[key] = override.value;
            return;
        }
        const next = node[key];
        if (next === undefined || next === null) {
            node[key] = typeof keys[i + 1] === "number" ? [] : {};
        } else if (typeof next !== "object") {
            throw InputError.single("--set", override.path, `${keys.slice(0, i + 1).join(".")} is a value, not an object`, "set the value itself, or a path that exists");
        }
        node = node[key] as Record<string | number, unknown>;
    }
}

/** Parses `path=value`, the value as YAML (`4`, `true`, `[pci-dss, gdpr]`, `"text"`). */
export function parseOverride(text: string): Override {
    const eq = text.indexOf("=");
    if (eq <= 0) {
        throw InputError.single("--set", text, `"${text}" is not path=value`, "write e.g. --set lifecycle.scaling.max=4");
    }
    const overridePath = text.slice(0, eq);
    parseOverridePath(overridePath);
    return { path: overridePath, value: parseYaml(text.slice(eq + 1), `--set ${overridePath}`).value };
}

export interface StoreOptions {
    /**
     * The user's persona directory. Defaults to `$PERSONA_STORE`, else `./personas` in the
     * working directory. Created on first write.
     */
    readonly userDir?: string;
    /** Whether the package's built-in library is layered under it. Defaults to true. */
    readonly builtins?: boolean;
    readonly env?: NodeJS.ProcessEnv;
    readonly cwd?: string;
}

/** Opens the built-in library layered under the user's directory. */
export function openPersonaStore(options: StoreOptions = {}): PersonaStore {
    const env = options.env ?? process.env;
    const cwd = options.cwd ?? process.cwd();
    const userDir = path.resolve(cwd, options.userDir ?? env.PERSONA_STORE ?? "personas");
    const user = new PersonaDirectory(userDir, sameDirectory(userDir, BUILTIN_PERSONAS_DIR) ? "builtin" : "user");
    return new LayeredPersonaStore(user, options.builtins === false ? undefined : new PersonaDirectory(BUILTIN_PERSONAS_DIR, "builtin"));
}
