import { InputError } from "../errors";
import { Command, CliIO, EXIT, processIO } from "./io";

interface CommandEntry {
    readonly summary: string;
    readonly load: () => Promise<Command>;
}

/** Commands are loaded on demand so `persona personas list` does not load the catalog. */
const COMMANDS: Record<string, CommandEntry> = {
    analyze: { summary: "predict a workload's role, demand time series and compliance signals, with every assumption", load: async () => (await import("./analyze")).analyzeCommand },
    accept: { summary: "pin a proposal the last pulumi preview offered into the stack's config", load: async () => (await import("./accept")).acceptCommand },
    personas: { summary: "list, show, diff, create and derive personas in the store", load: async () => (await import("./personas")).personasCommand },
    catalog: { summary: "show the EC2 catalog snapshot (sources, dates, regions) or refresh it from the AWS APIs", load: async () => (await import("./catalog")).catalogCommand },
    propose: { summary: "propose 3-5 costed EC2 configurations for a workload, or say which constraints conflict", load: async () => (await import("./propose")).proposeCommand },
    negotiate: { summary: "negotiate interactively (or as JSON lines with --json) until an agreement, written to a file or a stack's config", load: async () => (await import("./negotiate")).negotiateCommand },
};

function usage(): string {
    const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
    const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`);
    return ["Usage: persona <command> [options]", "", "Commands:", ...lines, "", "Run persona <command> --help for a command's options.", ""].join("\n");
}

/**
 * Runs the `persona` command. Bad input is printed as `error: ...` lines (input, path, fix) with
 * exit code 2 and no stack trace; anything else is a bug and propagates.
 */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
    const [name, ...rest] = argv;
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
        io.stdout(usage());
        return name === undefined ? EXIT.badInput : EXIT.ok;
    }
    const entry = COMMANDS[name];
    if (!entry) {
        io.stderr(`error: unknown command "${name}".\n${usage()}`);
        return EXIT.badInput;
    }
    try {
        const command = await entry.load();
        return await command(rest, io);
    } catch (err) {
        if (err instanceof InputError) {
            for (const line of err.message.split("\n")) {
                io.stderr(`error: ${line}\n`);
            }
            return EXIT.badInput;
        }
        throw err;
    }
}
