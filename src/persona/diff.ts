import { Persona } from "./schema";

/**
 * A structural diff of two personas, Infracost style: `~` changed, `+` added, `-` removed.
 * Series are summarised (how many points changed) rather than listed point by point.
 */
export interface DiffEntry {
    readonly op: "~" | "+" | "-";
    readonly path: string;
    readonly from?: unknown;
    readonly to?: unknown;
}

/** Fields that identify a version rather than describe the role; not part of a meaningful diff. */
const IDENTITY = new Set(["version", "created"]);

export function diffPersonas(a: Persona, b: Persona): DiffEntry[] {
    const entries: DiffEntry[] = [];
    diffValue(a, b, "", entries);
    return entries.filter((entry) => !IDENTITY.has(entry.path));
}

function isSeries(path: string): boolean {
    return /^performance\.[A-Za-z]+\.series$/.test(path);
}

function diffValue(a: unknown, b: unknown, path: string, out: DiffEntry[]): void {
    if (JSON.stringify(a) === JSON.stringify(b)) {
        return;
    }
    if (a === undefined) {
        out.push({ op: "+", path, to: b });
        return;
    }
    if (b === undefined) {
        out.push({ op: "-", path, from: a });
        return;
    }
    if (isSeries(path) && Array.isArray(a) && Array.isArray(b)) {
        const changed = a.length === b.length ? a.filter((v, i) => v !== b[i]).length : Math.max(a.length, b.length);
        out.push({ op: "~", path, from: `${a.length} points`, to: `${b.length} points, ${changed} changed` });
        return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        // Lists of rules or names: report removed and added elements, not positions.
        const key = (v: unknown) => JSON.stringify(v);
        const bKeys = new Set(b.map(key));
        const aKeys = new Set(a.map(key));
        a.filter((v) => !bKeys.has(key(v))).forEach((v) => out.push({ op: "-", path: `${path}[]`, from: v }));
        b.filter((v) => !aKeys.has(key(v))).forEach((v) => out.push({ op: "+", path: `${path}[]`, to: v }));
        return;
    }
    if (isObject(a) && isObject(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
        for (const key of keys) {
            diffValue(a[key], b[key], path ? `${path}.${key}` : key, out);
        }
        return;
    }
    out.push({ op: "~", path, from: a, to: b });
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `~ lifecycle.scaling.max: 2 => 4`, one line per entry. */
export function formatDiff(entries: readonly DiffEntry[]): string[] {
    const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
    return entries.map((entry) => {
        switch (entry.op) {
            case "~":
                return `~ ${entry.path}: ${show(entry.from)} => ${show(entry.to)}`;
            case "+":
                return `+ ${entry.path}: ${show(entry.to)}`;
            case "-":
                return `- ${entry.path}: ${show(entry.from)}`;
        }
    });
}
