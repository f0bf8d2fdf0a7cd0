import { parseArgs, ParseArgsConfig } from "node:util";
import { InputError } from "../errors";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface ParsedArgs {
    readonly values: Record<string, string | boolean | string[] | boolean[] | undefined>;
    readonly positionals: string[];
}

/**
 * Parses a command's flags with node's parseArgs, turning its errors (unknown flag, missing value)
 * into an InputError that names the flag and points at `--help`.
 */
export function parseFlags(command: string, argv: string[], options: OptionSpec, allowPositionals = true): ParsedArgs {
    try {
        const parsed = parseArgs({ args: argv, options, allowPositionals, strict: true });
        return { values: parsed.values as ParsedArgs["values"], positionals: parsed.positionals };
    } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const flag = /'(-[^' ]+)/.exec(message)?.[1] ?? "";
        throw InputError.single(`persona ${command}`, flag, message.replace(/\. To specify a positional.*$/s, "").replace(/\.$/, ""), `run persona ${command} --help for the valid flags`);
    }
}

/** A string flag's value, or undefined. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
    const value = args.values[name];
    return typeof value === "string" ? value : undefined;
}

/** A repeatable string flag's values (empty when absent). */
export function listFlag(args: ParsedArgs, name: string): string[] {
    const value = args.values[name];
    if (Array.isArray(value)) {
        return value.filter((v): v is string => typeof v === "string");
    }
    return typeof value === "string" ? [value] : [];
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
    return args.values[name] === true;
}

/**
 * A numeric flag: must be a finite number, and positive unless `allowZero`. Absurd values are
 * caught by the schema the number feeds; this only checks it is a number at all.
 */
export function numberFlag(command: string, args: ParsedArgs, name: string, opts: { integer?: boolean; allowZero?: boolean } = {}): number | undefined {
    const raw = stringFlag(args, name);
    if (raw === undefined) {
        return undefined;
    }
    const value = Number(raw);
    const kind = opts.integer ? "a whole number" : "a number";
    if (raw.trim() === "" || !Number.isFinite(value) || (opts.integer && !Number.isInteger(value))) {
        throw InputError.single(`persona ${command}`, `--${name}`, `"${raw}" is not ${kind}`, `give ${kind}, e.g. --${name} 4`);
    }
    if (value < 0 || (value === 0 && !opts.allowZero)) {
        throw InputError.single(`persona ${command}`, `--${name}`, `${raw} must be ${opts.allowZero ? "zero or more" : "above zero"}`, `give a ${opts.allowZero ? "non-negative" : "positive"} value`);
    }
    return value;
}
