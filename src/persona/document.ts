import { Document, LineCounter, parseDocument, isNode, isSeq, stringify } from "yaml";
import { InputError, InputIssue, issuesFromZod } from "../errors";
import { Persona, PersonaInput } from "./schema";

/**
 * Reading and writing persona files. Errors point at `file:line:column` and the path inside the
 * document, so a user can go straight to the bad value.
 */

/** Parses YAML text, failing with the location of the first syntax error. */
export function parseYaml(text: string, file: string): { value: unknown; locate: (path: readonly PropertyKey[]) => string } {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
        const issues: InputIssue[] = doc.errors.map((error) => {
            const pos = error.linePos?.[0];
            return {
                input: pos ? `${file}:${pos.line}:${pos.col}` : file,
                path: "",
                message: `YAML syntax error: ${error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
                fix: "correct the YAML syntax (indentation, quoting, a missing colon)",
            };
        });
        throw new InputError(issues);
    }
    return { value: doc.toJS(), locate: (path) => locate(doc, lineCounter, file, path) };
}

/** `file:line:col` of the deepest node on `path` that exists. */
function locate(doc: Document, lineCounter: LineCounter, file: string, path: readonly PropertyKey[]): string {
    for (let depth = path.length; depth >= 0; depth--) {
        const keys = path.slice(0, depth).map((k) => (typeof k === "number" ? k : String(k)));
        const node = keys.length === 0 ? doc.contents : doc.getIn(keys, true);
        if (isNode(node) && node.range) {
            const pos = lineCounter.linePos(node.range[0]);
            return `${file}:${pos.line}:${pos.col}`;
        }
    }
    return file;
}

/** Validates a parsed value as a persona, naming `file:line:col` and the path of each problem. */
export function validatePersona(value: unknown, file: string, locateFn: (path: readonly PropertyKey[]) => string = () => file): Persona {
    const result = Persona.safeParse(value);
    if (!result.success) {
        const described = issuesFromZod(file, result.error);
        throw new InputError(result.error.issues.map((issue, i) => ({ ...described[i], input: locateFn(issue.path) })));
    }
    return result.data;
}

/** Reads a persona from YAML (or JSON, which is YAML) text. */
export function parsePersona(text: string, file: string): Persona {
    const { value, locate: locateFn } = parseYaml(text, file);
    return validatePersona(value, file, locateFn);
}

/** Series go on one line each ("flow" style) so a file stays readable and diffs stay small. */
export function serializePersona(persona: Persona | PersonaInput): string {
    const doc = new Document(persona);
    for (const metric of ["cpu", "memoryGiB", "iops", "throughputMBps", "networkMbps"]) {
        const series = doc.getIn(["performance", metric, "series"], true);
        if (isSeq(series)) {
            series.flow = true;
        }
    }
    for (const list of [["tags"], ["security", "compliance"], ["security", "residency"], ["security", "access", "administrators"]]) {
        const node = doc.getIn(list, true);
        if (isSeq(node)) {
            node.flow = true;
        }
    }
    return doc.toString({ lineWidth: 0 });
}

/** Renders any value as YAML (used for `personas show` without --json). */
export function toYaml(value: unknown): string {
    return stringify(value, { lineWidth: 0 });
}
