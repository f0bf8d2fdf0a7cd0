import { formatIssue, InputError, issuesFromZod } from "../errors";
import { Modification } from "../negotiation/config";
import { Feedback, RelaxTarget } from "../negotiation/session";
import { FRAMEWORKS } from "../persona/schema";
import { Constraints } from "../solver/constraints";
import { parseFlags } from "./args";
import { CONSTRAINT_OF_FLAG, CONSTRAINT_OPTIONS, constraintsFrom } from "./request";

/**
 * Reading one line of feedback in `persona negotiate`: the words a person types, or a JSON object
 * an application sends. Either way the result is a `Feedback` validated by its schema; the
 * constraint words go through the same flag parsing as `persona propose`'s constraint flags.
 */

export type ParsedLine = { readonly kind: "feedback"; readonly feedback: Feedback } | { readonly kind: "help" } | { readonly kind: "invalid"; readonly message: string };

const TOP_SETTINGS = ["instanceType", "count", "region", "purchase"] as const;
const STORAGE_SETTINGS = Object.keys(Modification.shape.storage.unwrap().shape);
const SECURITY_SETTINGS = Object.keys(Modification.shape.security.unwrap().shape);
/** Every `<setting>` modify takes, as written in feedback. */
export const MODIFY_SETTINGS = [...TOP_SETTINGS, ...STORAGE_SETTINGS.map((s) => `storage.${s}`), ...SECURITY_SETTINGS.map((s) => `security.${s}`)];

type ConstraintFlag = keyof typeof CONSTRAINT_OPTIONS;
const CONSTRAINT_FLAGS = Object.keys(CONSTRAINT_OPTIONS) as ConstraintFlag[];

export const FEEDBACK_HELP = `Feedback (one per line):
  accept <id>                        agree to a proposal (its id, or 4 or more of its first letters)
  reject [<id>...]                   reject all proposals (or those named): new alternatives avoid them
  modify <id> <setting>=<value>...   change one proposal; it is re-validated and re-costed
      settings: ${MODIFY_SETTINGS.join(" ")}
      (storage. and security. may be left out: sizeGiB=500, kmsKey=customer-managed)
  constrain <constraint> <value>...  add or change a constraint, e.g. compliance pci-dss, max-monthly-cost 300,
                                     region eu-west-1, arch arm64, min-vcpus 4 (or flags: --max-monthly-cost 300 --arch arm64)
      constraints: ${CONSTRAINT_FLAGS.join(" ")}
  relax <constraint> [<framework>]   drop a constraint or one framework (also: constrain -max-monthly-cost)
  explain <id>                       assumptions, binding constraints, evidence, cost breakdown
  help                               this list
  quit                               end without agreement
`;

/** A typed value: a number, true/false, or the text. */
function scalar(text: string): string | number | boolean {
    if (/^-?\d+(\.\d+)?$/.test(text)) {
        return Number(text);
    }
    return text === "true" ? true : text === "false" ? false : text;
}

function invalid(message: string): ParsedLine {
    return { kind: "invalid", message };
}

/** Validates a feedback object with the schema; issues become one message naming `input` and the paths. */
function validated(value: unknown, input: string): ParsedLine {
    const result = Feedback.safeParse(value);
    if (!result.success) {
        return invalid(issuesFromZod(input, result.error).map(formatIssue).join("; "));
    }
    return { kind: "feedback", feedback: result.data };
}

/** `modify <id> <setting>=<value>...` */
function modifyLine(words: readonly string[]): ParsedLine {
    const [id, ...settings] = words;
    if (id === undefined || settings.length === 0) {
        return invalid("modify needs a proposal id and at least one <setting>=<value>, e.g. modify kbxt instanceType=m7i.xlarge");
    }
    const changes: Record<string, unknown> = {};
    const storage: Record<string, unknown> = {};
    const security: Record<string, unknown> = {};
    for (const setting of settings) {
        const eq = setting.indexOf("=");
        const name = eq > 0 ? setting.slice(0, eq) : setting;
        const value = eq > 0 ? setting.slice(eq + 1) : "";
        if (eq <= 0 || value === "") {
            return invalid(`modify: "${setting}" is not <setting>=<value>; write e.g. storage.sizeGiB=500`);
        }
        const [group, key] = name.includes(".") ? name.split(".", 2) : [undefined, name];
        if ((group === undefined || group === "storage") && STORAGE_SETTINGS.includes(key)) {
            storage[key] = scalar(value);
        } else if ((group === undefined || group === "security") && SECURITY_SETTINGS.includes(key)) {
            security[key] = scalar(value);
        } else if (group === undefined && (TOP_SETTINGS as readonly string[]).includes(key)) {
            // Instance types and regions are names, never numbers.
            changes[key] = key === "count" ? scalar(value) : value;
        } else {
            return invalid(`modify: unknown setting "${name}"; the settings are ${MODIFY_SETTINGS.join(", ")}`);
        }
    }
    if (Object.keys(storage).length > 0) {
        changes.storage = storage;
    }
    if (Object.keys(security).length > 0) {
        changes.security = security;
    }
    return validated({ action: "modify", id, changes }, `modify ${id}`);
}

/** A constraint's name as flag (`max-monthly-cost`) or key (`maxMonthlyCost`) to its flag. */
function flagOf(name: string): ConstraintFlag | undefined {
    const bare = name.replace(/^-+/, "");
    if ((CONSTRAINT_FLAGS as string[]).includes(bare)) {
        return bare as ConstraintFlag;
    }
    return CONSTRAINT_FLAGS.find((flag) => CONSTRAINT_OF_FLAG[flag] === bare);
}

/** Constraints from flag-style words, through propose's flag parsing and validation. */
function constraintsOf(argv: string[]): Constraints {
    try {
        return constraintsFrom(parseFlags("negotiate", argv, CONSTRAINT_OPTIONS, false), "negotiate");
    } catch (err) {
        if (err instanceof InputError) {
            throw new InputError(err.issues.map((i) => ({ ...i, input: "constrain" })));
        }
        throw err;
    }
}

/** `relax <name> [<framework>...]` and `constrain -<name> [<framework>...]`. */
function relaxLine(words: readonly string[]): ParsedLine {
    const [name, ...values] = words;
    if (name === undefined) {
        return invalid(`relax needs a constraint: ${CONSTRAINT_FLAGS.join(", ")}, or a framework (${FRAMEWORKS.join(", ")})`);
    }
    const bare = name.replace(/^-+/, "");
    let relax: string[];
    if ((FRAMEWORKS as readonly string[]).includes(bare)) {
        relax = [bare, ...values];
    } else {
        const flag = flagOf(bare);
        if (!flag) {
            return invalid(`relax: unknown constraint "${bare}"; the constraints are ${CONSTRAINT_FLAGS.join(", ")}`);
        }
        if (values.length > 0 && flag !== "compliance") {
            return invalid(`relax ${bare} takes no value: it drops the constraint`);
        }
        relax = flag === "compliance" && values.length > 0 ? values : [CONSTRAINT_OF_FLAG[flag]];
    }
    const targets = relax.map((r) => RelaxTarget.safeParse(r));
    const bad = relax.filter((_r, i) => !targets[i].success);
    if (bad.length > 0) {
        return invalid(`relax: ${bad.join(", ")} is not a framework (${FRAMEWORKS.join(", ")})`);
    }
    return validated({ action: "constrain", relax }, "relax");
}

/** `constrain <name> <value>...`, `constrain --flag <value> ...` or `constrain -<name>`. */
function constrainLine(words: readonly string[]): ParsedLine {
    const [first, ...rest] = words;
    if (first === undefined) {
        return invalid(`constrain needs a constraint and its value, e.g. constrain max-monthly-cost 300; the constraints are ${CONSTRAINT_FLAGS.join(", ")}`);
    }
    if (/^-[^-]/.test(first)) {
        return relaxLine(words);
    }
    let argv: string[];
    if (first.startsWith("--")) {
        argv = [...words];
        const unknown = argv.filter((w) => w.startsWith("--") && !flagOf(w));
        if (unknown.length > 0) {
            return invalid(`constrain: unknown constraint ${unknown.join(", ")}; the constraints are ${CONSTRAINT_FLAGS.join(", ")}`);
        }
    } else {
        const flag = flagOf(first);
        if (!flag) {
            return invalid(`constrain: unknown constraint "${first}"; the constraints are ${CONSTRAINT_FLAGS.join(", ")}`);
        }
        const spec: { type: string; multiple?: boolean } = CONSTRAINT_OPTIONS[flag];
        if (spec.type === "boolean") {
            if (rest.length > 1 || (rest.length === 1 && rest[0] !== "true" && rest[0] !== "false")) {
                return invalid(`constrain ${flag} takes no value (or true/false)`);
            }
            if (rest[0] === "false") {
                return relaxLine([flag]);
            }
            argv = [`--${flag}`];
        } else if (rest.length === 0) {
            return invalid(`constrain ${flag} needs a value, e.g. constrain ${flag} ${flag === "compliance" ? "pci-dss" : flag === "region" ? "eu-west-1" : "4"}`);
        } else if (!spec.multiple && rest.length > 1) {
            return invalid(`constrain ${flag} takes one value, not ${rest.length}`);
        } else {
            argv = rest.flatMap((value) => [`--${flag}`, value]);
        }
    }
    try {
        return validated({ action: "constrain", constraints: constraintsOf(argv) }, "constrain");
    } catch (err) {
        if (err instanceof InputError) {
            return invalid(err.message);
        }
        throw err;
    }
}

/** One line a person typed. Blank lines are not feedback; the caller skips them. */
export function parseFeedbackLine(line: string): ParsedLine {
    const [verb, ...words] = line.trim().split(/\s+/);
    const one = (action: "accept" | "explain"): ParsedLine =>
        words.length === 1 ? validated({ action, id: words[0] }, `${action} ${words[0]}`) : invalid(`${action} takes one proposal id, e.g. ${action} ${words[0] ?? "kbxt"}`);
    switch (verb.toLowerCase()) {
        case "accept":
            return one("accept");
        case "explain":
            return one("explain");
        case "reject":
            return validated(words.length > 0 ? { action: "reject", ids: words } : { action: "reject" }, "reject");
        case "modify":
            return modifyLine(words);
        case "constrain":
            return constrainLine(words);
        case "relax":
            return relaxLine(words);
        case "help":
        case "?":
            return { kind: "help" };
        case "quit":
        case "exit":
            return words.length === 0 ? { kind: "feedback", feedback: { action: "quit" } } : invalid(`${verb} takes nothing after it`);
        default:
            return invalid(`"${verb}" is not an action`);
    }
}

/** One JSON line an application sent. */
export function parseJsonFeedback(line: string): ParsedLine {
    let value: unknown;
    try {
        value = JSON.parse(line);
    } catch (err) {
        return invalid(`not a JSON object (${(err as Error).message})`);
    }
    return validated(value, "input line");
}
