import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { PACKAGE_ROOT } from "../../src/assets";
import { ProposalRecord, readRecord } from "../../src/negotiation/record";
import { CliResult, spawnCli } from "../support/cli";

/**
 * A real Pulumi CLI, driven on a copy of an example project with its own PULUMI_HOME and a local
 * file backend in a temporary directory, so nothing outside that directory is read or written.
 *
 * The CLI is the one scripts/install-pulumi-cli.sh builds from the Go module proxy. It is found,
 * in this order, in `$PULUMI_PERSONA_CLI_BIN` (a directory holding `pulumi` and
 * `pulumi-language-nodejs`, as the script's last output line), in `$PULUMI_PERSONA_CLI_DIR/bin`
 * (the script's install dir), or in the script's default cache,
 * `~/.cache/pulumi-persona/pulumi-cli/<$PULUMI_CLI_VERSION or 3.274.1>/bin`.
 */

/** The CLI version scripts/install-pulumi-cli.sh builds by default. */
export const DEFAULT_CLI_VERSION = "3.274.1";

export type CliLookup = { readonly bin: string } | { readonly missing: string };

export function findPulumiCli(env: NodeJS.ProcessEnv = process.env): CliLookup {
    const version = (env.PULUMI_CLI_VERSION ?? DEFAULT_CLI_VERSION).replace(/^v/, "");
    const [bin, source] = env.PULUMI_PERSONA_CLI_BIN
        ? [env.PULUMI_PERSONA_CLI_BIN, "$PULUMI_PERSONA_CLI_BIN"]
        : env.PULUMI_PERSONA_CLI_DIR
          ? [path.join(env.PULUMI_PERSONA_CLI_DIR, "bin"), "$PULUMI_PERSONA_CLI_DIR/bin"]
          : [path.join(env.HOME ?? os.homedir(), ".cache", "pulumi-persona", "pulumi-cli", version, "bin"), "scripts/install-pulumi-cli.sh's cache"];
    const missing = ["pulumi", "pulumi-language-nodejs"].filter((file) => !isExecutable(path.join(bin, file)));
    if (missing.length === 0) {
        return { bin };
    }
    return {
        missing:
            `no Pulumi CLI in ${bin} (${source}; missing ${missing.join(", ")}). ` +
            "Build it with scripts/install-pulumi-cli.sh (needs go; about 4 minutes the first time, cached after), " +
            "or point PULUMI_PERSONA_CLI_BIN at a directory holding pulumi and pulumi-language-nodejs",
    };
}

function isExecutable(file: string): boolean {
    try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
    } catch {
        return false;
    }
}

/** What `pulumi preview --json` prints (the parts these tests read). */
export const PreviewJson = z.object({
    steps: z
        .array(
            z.object({
                op: z.string(),
                urn: z.string(),
                newState: z.object({ inputs: z.record(z.string(), z.unknown()).nullish() }).partial().nullish(),
            }),
        )
        .default([]),
    diagnostics: z.array(z.object({ urn: z.string().optional(), message: z.string(), severity: z.string() })).default([]),
});
export type PreviewJson = z.infer<typeof PreviewJson>;
export type Diagnostic = PreviewJson["diagnostics"][number];

export interface Preview extends PreviewJson {
    readonly code: number;
    readonly stderr: string;
}

/** The type token in a URN (`urn:pulumi:dev::proj::pulumi-persona:index:NegotiatedInstance::shop-web`). */
export function urnType(urn: string | undefined): string {
    const parts = (urn ?? "").split("::");
    return parts.length >= 4 ? (parts[2].split("$").pop() ?? "") : "";
}

export function urnName(urn: string | undefined): string {
    return (urn ?? "").split("::").pop() ?? "";
}

export const COMPONENT_TYPE = "pulumi-persona:index:NegotiatedInstance";

/** The `@pulumi/aws` version the package depends on: the provider plugin version the engine asks for. */
export function awsProviderVersion(): string {
    const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    return manifest.dependencies["@pulumi/aws"].replace(/^[^\d]*/, "");
}

export class PulumiWorkspace {
    /** The copied project: Pulumi.yaml, the program, Pulumi.<stack>.yaml, `.persona/`. */
    readonly projectDir: string;
    private readonly env: NodeJS.ProcessEnv;

    private constructor(
        readonly root: string,
        readonly bin: string,
        readonly stack: string,
    ) {
        this.projectDir = path.join(root, "project");
        const home = path.join(root, "home");
        fs.mkdirSync(path.join(root, "backend"), { recursive: true });
        fs.mkdirSync(home, { recursive: true });
        this.env = {
            // Only the CLI, node and the system: no provider plugin can be found on the way.
            PATH: [bin, path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter),
            HOME: home,
            TMPDIR: os.tmpdir(),
            PULUMI_HOME: path.join(home, ".pulumi"),
            PULUMI_BACKEND_URL: `file://${path.join(root, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: "e2e-test",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
        };
    }

    /**
     * Copies a project (an example directory, or the repository's root demo: `files` lists what to
     * copy, `links` what to symlink, such as the build) into a temporary directory, makes `pulumi-persona` and the repository's dependencies
     * resolvable there without a network (node_modules of symlinks), and creates the stack.
     */
    static create(bin: string, source: string, options: { files?: readonly string[]; links?: readonly string[]; stack?: string } = {}): PulumiWorkspace {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "persona-e2e-"));
        const workspace = new PulumiWorkspace(root, bin, options.stack ?? "dev");
        const project = workspace.projectDir;
        fs.mkdirSync(project, { recursive: true });
        for (const file of options.files ?? fs.readdirSync(source)) {
            if (file === "node_modules" || file === ".persona" || /^Pulumi\..+\.ya?ml$/.test(file)) {
                continue;
            }
            fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
            fs.cpSync(path.join(source, file), path.join(project, file), { recursive: true });
        }
        for (const link of options.links ?? []) {
            fs.symlinkSync(path.join(source, link), path.join(project, link));
        }
        const modules = path.join(project, "node_modules");
        fs.mkdirSync(modules);
        const repoModules = path.join(PACKAGE_ROOT, "node_modules");
        for (const entry of fs.readdirSync(repoModules)) {
            if (!entry.startsWith(".")) {
                fs.symlinkSync(path.join(repoModules, entry), path.join(modules, entry));
            }
        }
        fs.symlinkSync(PACKAGE_ROOT, path.join(modules, "pulumi-persona"));
        workspace.pulumiOk(["stack", "init", workspace.stack]);
        return workspace;
    }

    /** Runs `pulumi <args>` in the project. */
    pulumi(args: readonly string[]): CliResult {
        const result = spawnSync(path.join(this.bin, "pulumi"), [...args], { cwd: this.projectDir, env: this.env, encoding: "utf8", timeout: 120_000 });
        if (result.error) {
            throw result.error;
        }
        return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
    }

    pulumiOk(args: readonly string[]): CliResult {
        const result = this.pulumi(args);
        if (result.code !== 0) {
            throw new Error(`pulumi ${args.join(" ")} exited with ${result.code}:\n${result.stdout}\n${result.stderr}`);
        }
        return result;
    }

    /** `pulumi config set --path <path> <value>`, as a user negotiates. */
    configSet(configPath: string, value: string): void {
        this.pulumiOk(["config", "set", "--path", configPath, value]);
    }

    /** `pulumi preview --json`: the planned steps and every diagnostic with its resource. */
    preview(): Preview {
        const result = this.pulumi(["preview", "--json", "--non-interactive"]);
        let json: unknown;
        try {
            json = JSON.parse(result.stdout);
        } catch {
            throw new Error(`pulumi preview --json printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
        }
        return { ...PreviewJson.parse(json), code: result.code, stderr: result.stderr };
    }

    /** `persona <args>` (bin/persona.js, a real process) in the project directory. */
    persona(args: readonly string[]): CliResult {
        return spawnCli([...args], { cwd: this.projectDir });
    }

    /** What the last preview recorded for `component` (`.persona/<stack>/<component>.json`). */
    record(component: string): ProposalRecord {
        return readRecord(this.projectDir, this.stack, component);
    }

    /** The stack's config object for `component` as written in Pulumi.<stack>.yaml. */
    stackConfig(project: string, component: string): Record<string, unknown> {
        const file = path.join(this.projectDir, `Pulumi.${this.stack}.yaml`);
        const doc = parseDocument(fs.readFileSync(file, "utf8")).toJS() as { config?: Record<string, unknown> };
        return (doc.config?.[`${project}:${component}`] ?? {}) as Record<string, unknown>;
    }

    remove(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

/** The diagnostics on one resource, by type token and name. */
export function diagnosticsOn(preview: PreviewJson, type: string, name: string): Diagnostic[] {
    return preview.diagnostics.filter((d) => urnType(d.urn) === type && urnName(d.urn) === name);
}

/** The proposal ids in the table the component printed: the second column of each row. */
export function tableIds(message: string): string[] {
    const header = message.split("\n").findIndex((line) => /\bID\s+LABEL\s+INSTANCES\b/.test(line));
    if (header < 0) {
        return [];
    }
    const ids: string[] = [];
    for (const line of message.split("\n").slice(header + 1)) {
        const m = /^\s*\*?\s+([a-z]{6,})\s{2,}\S/.exec(line);
        if (!m) {
            break;
        }
        ids.push(m[1]);
    }
    return ids;
}
