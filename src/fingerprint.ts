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

/**
 * Letters a proposal id is spelled with: consonants only, so an id never reads as a number (YAML
 * and `pulumi config set` would turn `12345` or `9e205` into one) and never spells a word.
 */
const ID_ALPHABET = "bcdfghjkmnpqrstvwxz";

/** A proposal id: 10 letters derived from the SHA-256 of the configuration's canonical JSON (about 42 bits). */
export function proposalId(configuration: unknown): string {
    const digest = crypto.createHash("sha256").update(canonicalJson(configuration)).digest();
    let id = "";
    for (let i = 0; i < 10; i++) {
        id += ID_ALPHABET[digest[i] % ID_ALPHABET.length];
    }
    return id;
}

/** Ids in config and on the command line may be abbreviated to a unique prefix of at least 4 letters. */
export const PROPOSAL_ID_PREFIX = /^[bcdfghjkmnpqrstvwxz]{4,10}$/;
