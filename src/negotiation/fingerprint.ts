import * as crypto from "node:crypto";

/**
 * Canonical JSON: object keys sorted at every level, so equal content always serialises (and so
 * hashes) the same whatever order it was built in.
 */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(value, (_key, v: unknown) => {
        if (v && typeof v === "object" && !Array.isArray(v)) {
            return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        }
        return v;
    });
}

/** The first `length` hex digits of the SHA-256 of the canonical JSON of `value`. */
export function contentHash(value: unknown, length: number): string {
    return crypto.createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, length);
}
