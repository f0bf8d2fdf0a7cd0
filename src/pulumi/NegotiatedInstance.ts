import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Catalog } from "../catalog/catalog";
import { defaultCatalog, loadCatalog } from "../catalog/catalog";
import { formatIssue, InputError, issuesFromZod, parseInput } from "../errors";
import { Agreement, agreementSummary } from "../negotiation/agreement";
import { NegotiationConfig } from "../negotiation/config";
import { Negotiator, negotiate, Outcome, RefusalReason } from "../negotiation/engine";
import { contentHash } from "../fingerprint";
import { proposalDiff, proposalLines, proposalTable } from "../negotiation/present";
import { RECORD_DIR, writeRecord } from "../negotiation/record";
import { writeFileAtomic } from "../negotiation/stackFile";
import { Persona, formatPersonaRef } from "../persona/schema";
import { openPersonaStore } from "../persona/store";
import { Constraints, mergeConstraints } from "../solver/constraints";
import { Proposal } from "../solver/proposal";
import { analyzeWorkload } from "../workload/analyze";
import { WorkloadInput } from "../workload/schema";
import { NetworkPlacement, provisionAgreement } from "./provision";

/**
 * NegotiatedInstance: a workload and a persona in; proposals in `pulumi preview`; negotiation
 * through stack config; exactly the agreed configuration provisioned on `pulumi up`.
 *
 * The negotiation state lives in stack config under the project namespace and this component's
 * name (`pulumi config set --path '<name>.accept' <id>`); see the README for every key.
 */
export interface NegotiatedInstanceArgs {
    /**
     * What will run: free text ("a medium-sized e-commerce website, 50k daily users, card
     * payments") or structured figures (`{ kind: "http", requestsPerSecond: { peak: 300 } }`).
     */
    readonly workload: pulumi.Input<WorkloadInput>;
    /** The base persona from the store, `name` or `name@version`. Defaults to none. */
    readonly persona?: pulumi.Input<string>;
    /**
     * Hard constraints, as for `persona propose` (regions, architecture, minVcpus, compliance,
     * maxMonthlyCost, ...). The stack config key `<name>.constraints` is merged over them. Defaults to none.
     */
    readonly constraints?: pulumi.Input<Constraints>;
    /** Where the instances go. Defaults to the agreed region's default VPC and its subnets in the agreed zones. */
    readonly network?: NetworkPlacement;
    /**
     * Automated acceptance (seed V): `cheapest`, `balanced`, `performance`, or a function returning
     * the id to accept. Defaults to none: a person accepts through stack config.
     */
    readonly negotiator?: Negotiator;
    /** The user's persona directory. Defaults to `$PERSONA_STORE`, else `./personas`. */
    readonly personaStore?: string;
    /** The project directory, where previews record their proposals in `.persona/`. Defaults to the Pulumi project's directory (where Pulumi.yaml is). */
    readonly projectDir?: string;
    /** A catalog snapshot file (from `persona catalog refresh`). Defaults to the snapshot shipped in the package. */
    readonly catalogFile?: string;
}

/** What the component decided on this run, from its inputs and the stack config. */
interface Decision {
    readonly outcome: Outcome;
    readonly persona?: Persona;
    readonly fingerprint: string;
}

const TYPE = "pulumi-persona:index:NegotiatedInstance";

export class NegotiatedInstance extends pulumi.ComponentResource {
    /** The proposals offered on this run, with their ids (empty when an agreement is provisioned unchanged). */
    public readonly proposals: pulumi.Output<Proposal[]>;
    /** The agreement being provisioned, or undefined while negotiating. */
    public readonly agreement: pulumi.Output<Agreement | undefined>;
    /** The provisioned instance ids (empty while negotiating, and under an auto scaling group). */
    public readonly instanceIds: pulumi.Output<string[]>;
    /** The auto scaling group's name when the lifecycle scales, else undefined. */
    public readonly autoScalingGroupName: pulumi.Output<string | undefined>;
    /** The security group holding the agreed trust boundary, or undefined while negotiating. */
    public readonly securityGroupId: pulumi.Output<string | undefined>;
    /** The agreed monthly cost in USD (730 h), or undefined while negotiating. */
    public readonly monthlyCost: pulumi.Output<number | undefined>;
    /** `proposing`, `accepted` or `agreed`. */
    public readonly status: pulumi.Output<string>;

    constructor(name: string, args: NegotiatedInstanceArgs, opts: pulumi.ComponentResourceOptions = {}) {
        const state = readNegotiationState(name);
        const decision = pulumi
            .all([args.workload, args.persona, args.constraints])
            .apply(([workload, persona, constraints]) => decide(name, args, state, workload as WorkloadInput, persona, constraints as Constraints | undefined));
        // The engine stores and diffs a component's inputs: a change of agreement shows in `pulumi preview --diff`.
        super(TYPE, name, { persona: args.persona ?? "none", agreement: decision.apply(summaryOf) }, opts);

        const provisioned = decision.apply(async (d) => {
            // Wait until the engine has the message: when provisioning then fails (a missing aws
            // provider plugin, no credentials), the output still shows what was agreed.
            await this.present(name, d);
            const agreement = agreementOf(d.outcome);
            if (!agreement) {
                return undefined;
            }
            if (!pulumi.runtime.isDryRun() && d.persona && firstProvisioning(name, args, agreement)) {
                recordUsage(args, d.persona, "provisioned");
            }
            return provisionAgreement(name, agreement, args.network ?? {}, this);
        });
        this.proposals = decision.apply((d) => d.outcome.proposals);
        this.agreement = decision.apply((d) => agreementOf(d.outcome));
        this.status = decision.apply((d) => d.outcome.kind);
        this.monthlyCost = decision.apply((d) => agreementOf(d.outcome)?.proposal.monthlyCost.total);
        const none = pulumi.output(undefined);
        this.instanceIds = provisioned.apply((p): pulumi.Output<string[]> => (p ? p.instanceIds : pulumi.output([])));
        this.autoScalingGroupName = provisioned.apply((p): pulumi.Output<string | undefined> => p?.autoScalingGroupName ?? none);
        this.securityGroupId = provisioned.apply((p): pulumi.Output<string | undefined> => p?.securityGroupId ?? none);
        this.registerOutputs({
            proposals: this.proposals,
            agreement: this.agreement,
            instanceIds: this.instanceIds,
            autoScalingGroupName: this.autoScalingGroupName,
            securityGroupId: this.securityGroupId,
            monthlyCost: this.monthlyCost,
            status: this.status,
        });
    }

    /** Shows the outcome on the component in preview and up output; a refusal stops the run. */
    private async present(name: string, d: Decision): Promise<void> {
        const { outcome } = d;
        switch (outcome.kind) {
            case "proposing":
                return pulumi.log.info(proposingMessage(name, outcome), this);
            case "accepted":
                return pulumi.log.info(
                    [
                        `Accepted ${agreementSummary(outcome.agreement)}${outcome.by === "negotiator" ? " (automated negotiation)" : ""}.`,
                        // An automated pick is shown among what it was picked from.
                        ...(outcome.by === "negotiator" ? [proposalTable(outcome.proposals)] : []),
                        ...outcome.notes,
                        `Pin it so later runs provision exactly this: persona accept ${name} ${outcome.agreement.proposal.id}`,
                    ].join("\n"),
                    this,
                );
            case "agreed":
                return pulumi.log.info([`Agreement ${agreementSummary(outcome.agreement)}: provisioning exactly this.`, ...outcome.notes].join("\n"), this);
            case "refused": {
                // The pure engine does not know the component's name; its commands say `<component>`.
                const message = [outcome.message, ...outcome.details.map((line) => `  ${line}`)].join("\n").replaceAll("<component>", name);
                await pulumi.log.error(message, this);
                // The error above carries the explanation; this one only stops the run (and the SDK prefixes it).
                throw stackless(new pulumi.ResourceError(`${name}: ${REFUSALS[outcome.reason]}, nothing is provisioned (see the error above)`, this, true));
            }
        }
    }
}

/**
 * Drops an error's stack, which Pulumi hides for these errors anyway. Errors thrown inside outputs
 * reach the runtime's uncaught-error handler, which formats them with util.inspect; on Node 20 that
 * spins for ~20 s over stack lines through `node_modules/@pulumi/output.ts` (a scoped package path
 * with nothing after the scope, from the SDK's source maps) before giving up.
 */
function stackless<E extends Error>(error: E): E {
    error.stack = error.message;
    return error;
}

const REFUSALS: Record<RefusalReason, string> = {
    "stale-agreement": "the agreement no longer holds",
    "accept-not-reproduced": "the accepted proposal is not reproduced",
    "modify-refused": "the modification is refused",
    infeasible: "no configuration satisfies the constraints",
};

function agreementOf(outcome: Outcome): Agreement | undefined {
    return outcome.kind === "accepted" || outcome.kind === "agreed" ? outcome.agreement : undefined;
}

function summaryOf(d: Decision): string {
    const agreement = agreementOf(d.outcome);
    return agreement ? agreementSummary(agreement) : `none (${d.outcome.kind})`;
}

/** The component's stack config object, validated; errors name `<project>:<name>.<path>` and the fix. */
function readNegotiationState(name: string): NegotiationConfig {
    const config = new pulumi.Config();
    const key = `${pulumi.getProject()}:${name}`;
    let raw: unknown;
    try {
        raw = config.getObject<unknown>(name);
    } catch {
        throw new pulumi.RunError(`${key}: the value is not an object. Fix: set keys with pulumi config set --path '${name}.<key>' <value>`);
    }
    const result = NegotiationConfig.safeParse(raw ?? {});
    if (!result.success) {
        const issues = issuesFromZod(key, result.error).map((issue) => ({ ...issue, input: `stack config ${key}` }));
        throw new pulumi.RunError(issues.map(formatIssue).join("\n"));
    }
    return result.data;
}

/** Loads the persona, analyzes, and negotiates. I/O (store, catalog, record) is here; negotiate() is pure. */
function decide(name: string, args: NegotiatedInstanceArgs, state: NegotiationConfig, workload: WorkloadInput, personaRef: string | undefined, argConstraints: Constraints | undefined): Decision {
    try {
        const store = openPersonaStore({ ...(args.personaStore ? { userDir: args.personaStore } : {}), cwd: projectDirOf(args) });
        const persona = personaRef ? store.get(personaRef).persona : undefined;
        const parsedArgs = argConstraints === undefined ? undefined : parseInput(Constraints, argConstraints, "NegotiatedInstance args", ["constraints"]);
        const constraints = mergeConstraints(parsedArgs, state.constraints);
        const demand = analyzeWorkload(workload, persona ? { persona } : {});
        const fingerprint = contentHash({ workload, persona: persona ? formatPersonaRef(persona) : null, constraints }, 12);
        const { constraints: _merged, ...negotiationState } = state;
        void _merged;
        const outcome = negotiate({ demand, ...(persona ? { persona } : {}), constraints, catalog: catalogFor(args), state: negotiationState, fingerprint, ...(args.negotiator ? { negotiator: args.negotiator } : {}) });
        if (outcome.kind === "proposing" || outcome.kind === "accepted") {
            recordProposals(name, args, persona, fingerprint, outcome);
            if (pulumi.runtime.isDryRun() && outcome.kind === "proposing" && persona) {
                recordUsage(args, persona, "proposed");
            }
        }
        return { outcome, ...(persona ? { persona } : {}), fingerprint };
    } catch (err) {
        if (err instanceof InputError) {
            throw stackless(new pulumi.RunError(`${name}: ${err.message}`));
        }
        throw err;
    }
}

const catalogs = new Map<string, Catalog>();

function catalogFor(args: NegotiatedInstanceArgs): Catalog {
    const key = args.catalogFile ?? "";
    let catalog = catalogs.get(key);
    if (!catalog) {
        catalog = args.catalogFile ? loadCatalog(args.catalogFile) : defaultCatalog();
        catalogs.set(key, catalog);
    }
    return catalog;
}

/**
 * The Pulumi project's directory, where Pulumi.yaml is and where `persona accept` looks for
 * `.persona/`. Not simply the working directory: the engine runs the program in the directory of
 * Pulumi.yaml's `main:`, which may be below the project's. Older language hosts do not pass the
 * root directory, so the nearest directory up from the working directory with a Pulumi.yaml is next.
 */
function projectDirOf(args: NegotiatedInstanceArgs): string {
    if (args.projectDir !== undefined) {
        return path.resolve(args.projectDir);
    }
    const root = pulumi.runtime.getRootDirectory();
    if (path.isAbsolute(root) && hasProjectFile(root)) {
        return root;
    }
    for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
        if (hasProjectFile(dir)) {
            return dir;
        }
        if (path.dirname(dir) === dir) {
            return process.cwd();
        }
    }
}

function hasProjectFile(dir: string): boolean {
    return fs.existsSync(path.join(dir, "Pulumi.yaml")) || fs.existsSync(path.join(dir, "Pulumi.yml"));
}

/** What `persona accept` pins from: the proposals this run offered. */
function recordProposals(name: string, args: NegotiatedInstanceArgs, persona: Persona | undefined, fingerprint: string, outcome: Extract<Outcome, { kind: "proposing" | "accepted" }>): void {
    const scaling = persona && persona.lifecycle.scaling.max > persona.lifecycle.scaling.min ? { min: persona.lifecycle.scaling.min, max: persona.lifecycle.scaling.max } : undefined;
    writeRecord(projectDirOf(args), {
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        component: name,
        fingerprint,
        ...(persona ? { persona: formatPersonaRef(persona) } : {}),
        ...(scaling ? { scaling } : {}),
        proposals: outcome.proposals,
        recordedAt: new Date().toISOString(),
    });
}

/** Usage statistics go to the user's persona directory when there is one; a project without one is not given one. */
function recordUsage(args: NegotiatedInstanceArgs, persona: Persona, event: "proposed" | "provisioned"): void {
    const dir = path.resolve(projectDirOf(args), args.personaStore ?? process.env.PERSONA_STORE ?? "personas");
    if (fs.existsSync(dir)) {
        openPersonaStore({ userDir: dir }).recordUsage(formatPersonaRef(persona), event, new Date());
    }
}

/**
 * Whether this `pulumi up` provisions a configuration for the first time: the last provisioned
 * proposal id is kept beside the preview records, so re-running `up` on the same agreement does
 * not count as another provisioning in the persona's usage statistics.
 */
function firstProvisioning(name: string, args: NegotiatedInstanceArgs, agreement: Agreement): boolean {
    const file = path.join(projectDirOf(args), RECORD_DIR, pulumi.getStack(), `${name}.provisioned`);
    const last = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : undefined;
    if (last === agreement.proposal.id) {
        return false;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, `${agreement.proposal.id}\n`);
    return true;
}

/** The preview message: the table, each proposal against the baseline, and the exact commands to accept. */
function proposingMessage(name: string, outcome: Extract<Outcome, { kind: "proposing" }>): string {
    const lines = [`${outcome.proposals.length} proposals for ${name}; nothing is provisioned until one is accepted.`, proposalTable(outcome.proposals), ""];
    for (const p of outcome.proposals) {
        lines.push(`${p.id} ${p.label}${p.recommended ? " (recommended)" : ""}: ${p.reason}`);
        const baseline = outcome.baseline;
        const diff = baseline && baseline.proposal.id !== p.id ? proposalDiff(baseline.proposal, p) : [];
        if (baseline && baseline.proposal.id !== p.id) {
            lines.push(`  against ${baseline.label}:`, ...(diff.length > 0 ? diff : ["  (same configuration)"]).map((l) => `    ${l}`));
        } else if (!baseline) {
            lines.push(...proposalLines(p).map((l) => `    ${l}`));
        }
        lines.push(`  accept: pulumi config set --path '${name}.accept' ${p.id}   (or: persona accept ${name} ${p.id})`);
    }
    lines.push(...outcome.notes);
    lines.push(`Reject them all: pulumi config set --path '${name}.reject[0]' <id> (one entry per id); add constraints under '${name}.constraints'.`);
    return lines.join("\n");
}
