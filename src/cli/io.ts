/** Where a command reads and writes; tests pass their own to capture output. */
export interface CliIO {
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    readonly stdin: NodeJS.ReadableStream;
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
    /** Whether stdin is an interactive terminal. */
    readonly interactive: boolean;
}

/** A subcommand: takes its own arguments (without the command words) and returns the exit code. */
export type Command = (argv: string[], io: CliIO) => Promise<number>;

/** Exit codes, stable for scripts. */
export const EXIT = {
    ok: 0,
    /** A negotiation ended without agreement (quit or round limit). */
    negotiationFailed: 3,
    /** Bad input (flag, file, config) or no configuration satisfies the constraints. */
    badInput: 2,
    /** Something failed that is not the user's input. */
    internal: 70,
} as const;

export function processIO(): CliIO {
    return {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        stdin: process.stdin,
        cwd: process.cwd(),
        env: process.env,
        interactive: Boolean(process.stdin.isTTY),
    };
}

/** Writes a value as pretty JSON followed by a newline. */
export function writeJson(io: CliIO, value: unknown): void {
    io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
