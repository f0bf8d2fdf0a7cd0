import { z } from "zod";

/**
 * One problem with one value a user gave us: where it is, what is wrong and how to fix it.
 *
 * `input` names the thing the user typed or wrote (a file, a flag, a stack config key);
 * `path` points inside it (`performance.cpu.peak`), empty when the input is a single value.
 */
export interface InputIssue {
    readonly input: string;
    readonly path: string;
    readonly message: string;
    readonly fix: string;
}

/** Renders an issue as one line: `personas/web/1.yaml at performance.cpu.peak: ... Fix: ...`. */
export function formatIssue(issue: InputIssue): string {
    const where = issue.path ? `${issue.input} at ${issue.path}` : issue.input;
    const fix = issue.fix ? ` Fix: ${issue.fix}` : "";
    return `${where}: ${issue.message}.${fix}`;
}

/**
 * Bad input from a user: a file, a flag, a config value. Carries every issue found so the user
 * can fix them all at once. The CLI prints these without a stack trace and exits with code 2.
 */
export class InputError extends Error {
    readonly issues: readonly InputIssue[];

    constructor(issues: readonly InputIssue[]) {
        super(issues.map(formatIssue).join("\n"));
        this.name = "InputError";
        this.issues = issues;
    }

    static single(input: string, path: string, message: string, fix: string): InputError {
        return new InputError([{ input, path, message, fix }]);
    }
}

/** Renders a zod path (`["performance", "cpu", "series", 3]`) as `performance.cpu.series[3]`. */
export function formatPath(path: readonly PropertyKey[]): string {
    let out = "";
    for (const key of path) {
        if (typeof key === "number") {
            out += `[${key}]`;
        } else {
            out += out ? `.${String(key)}` : String(key);
        }
    }
    return out;
}

/**
 * Turns zod's issues into input issues with a fix a person can act on. The fix is derived from the
 * kind of issue (an unknown enum value lists the valid ones; an unknown key names it).
 */
export function issuesFromZod(input: string, error: z.ZodError, prefix: readonly PropertyKey[] = []): InputIssue[] {
    return error.issues.map((issue) => {
        const path = formatPath([...prefix, ...issue.path]);
        return { input, path, message: describeZodIssue(issue), fix: fixForZodIssue(issue) };
    });
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
    switch (issue.code) {
        case "unrecognized_keys":
            return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
        case "invalid_value":
            return `${issue.message.replace(/^Invalid option: expected one of /, "must be one of ")}`;
        default:
            return issue.message.replace(/^Invalid input: /, "");
    }
}

function fixForZodIssue(issue: z.core.$ZodIssue): string {
    switch (issue.code) {
        case "unrecognized_keys":
            return `remove ${issue.keys.map((k) => `"${k}"`).join(", ")} or check its spelling`;
        case "invalid_value":
            return `use one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
        case "invalid_type":
            return `give a value of type ${issue.expected}`;
        case "too_small":
            return `give a value of at least ${String(issue.minimum)}${issue.origin === "array" ? " item(s)" : ""}`;
        case "too_big":
            return `give a value of at most ${String(issue.maximum)}${issue.origin === "array" ? " item(s)" : ""}`;
        case "invalid_format":
            // A regex's message already shows the expected form ("an AWS region name such as eu-west-1").
            return issue.format === "regex" ? "write it in the form the message shows" : `write it in the ${issue.format} format`;
        default: {
            const params = (issue as { params?: { fix?: unknown } }).params;
            return typeof params?.fix === "string" ? params.fix : "correct the value";
        }
    }
}

/**
 * Parses `value` with `schema`, throwing an InputError that names `input` and the exact path
 * of every problem. The single entry point for validating anything a user gives us.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, input: string, prefix: readonly PropertyKey[] = []): z.output<S> {
    const result = schema.safeParse(value);
    if (!result.success) {
        throw new InputError(issuesFromZod(input, result.error, prefix));
    }
    return result.data;
}

/** Adds a custom issue with a fix to a zod refinement context. */
export function addIssue(ctx: z.core.$RefinementCtx, path: PropertyKey[], message: string, fix: string): void {
    ctx.addIssue({ code: "custom", path, message, params: { fix } });
}
