import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { NegotiatedInstance, NegotiatedInstanceArgs } from "../../src/pulumi/NegotiatedInstance";
import { installMocks, RecordingMocks, settle, valueOf } from "./pulumiMocks";

export interface ProgramRun {
    readonly mocks: RecordingMocks;
    /** What the component logged (info and error), one entry per message. */
    readonly logs: string[];
    readonly component: NegotiatedInstance;
    readonly status: string;
    readonly projectDir: string;
    readonly error?: Error;
}

/**
 * Runs a one-component program under Pulumi's mocks, as `pulumi preview` (preview true) or
 * `pulumi up` (false), with the component's stack config, capturing what it logs.
 */
export async function runProgram(options: { preview: boolean; name?: string; config?: Record<string, unknown>; args: Omit<NegotiatedInstanceArgs, "projectDir">; projectDir?: string }): Promise<ProgramRun> {
    const name = options.name ?? "shop-db";
    const projectDir = options.projectDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "persona-program-"));
    const mocks = await installMocks({ preview: options.preview, config: options.config ? { [name]: options.config } : {} });
    const logs: string[] = [];
    const original = { log: console.log, error: console.error };
    console.log = (message: unknown) => logs.push(String(message).replace(/^info: \[runtime\] /, ""));
    console.error = (message: unknown) => logs.push(String(message).replace(/^error: \[runtime\] /, "error: "));
    try {
        const component = new NegotiatedInstance(name, { ...options.args, projectDir });
        let status = "";
        let error: Error | undefined;
        try {
            status = await valueOf(component.status);
            await valueOf(component.instanceIds);
        } catch (err) {
            error = err as Error;
        }
        // A program that failed before its component registered leaves that registration pending forever.
        await (error ? new Promise((resolve) => setTimeout(resolve, 100)) : settle());
        return { mocks, logs, component, status, projectDir, ...(error ? { error } : {}) };
    } finally {
        console.log = original.log;
        console.error = original.error;
    }
}
