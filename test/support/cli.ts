import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { Readable } from "node:stream";
import { main } from "../../src/cli/main";
import { PACKAGE_ROOT } from "../../src/assets";

export interface CliResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs `persona <args>` in-process with captured output. */
export async function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CliResult> {
    let stdout = "";
    let stderr = "";
    const code = await main(args, {
        stdout: (text) => (stdout += text),
        stderr: (text) => (stderr += text),
        stdin: Readable.from([options.stdin ?? ""]),
        cwd: options.cwd ?? process.cwd(),
        env: options.env ?? {},
        interactive: false,
    });
    return { code, stdout, stderr };
}

/** Runs the real `bin/persona.js` in a child process, as a user would. */
export function spawnCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
    const result = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, "bin", "persona.js"), ...args], {
        cwd: options.cwd ?? process.cwd(),
        env: { PATH: process.env.PATH, ...options.env },
        input: options.input ?? "",
        encoding: "utf8",
        timeout: 60_000,
    });
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
