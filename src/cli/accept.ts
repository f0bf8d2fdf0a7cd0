import * as path from "node:path";
import { InputError } from "../errors";
import { Agreement, agreementSummary } from "../negotiation/agreement";
import { findProposal, ProposalRef } from "../negotiation/config";
import { readRecord, stacksWithRecord } from "../negotiation/record";
import { writeAgreement } from "../negotiation/stackFile";
import { openPersonaStore } from "../persona/store";
import { booleanFlag, parseFlags, stringFlag } from "./args";
import { Command, EXIT, writeJson } from "./io";

const HELP = `Usage: persona accept <component> <proposal-id> [options]

Pins one of the proposals the last \`pulumi preview\` offered for <component> into the stack's
config (Pulumi.<stack>.yaml, key <project>:<component>.agreement), keeping the file's comments.
The next \`pulumi preview\` plans exactly that configuration; \`pulumi up\` provisions it.

Options:
  --stack <s>     the stack (default: the only stack with recorded proposals for <component>)
  --cwd <dir>     the Pulumi project directory (default: the working directory)
  --store <dir>   the persona store whose usage statistics record the acceptance
  --json          print the agreement as JSON
`;

const OPTIONS = {
    stack: { type: "string" },
    cwd: { type: "string" },
    store: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

export const acceptCommand: Command = async (argv, io) => {
    const args = parseFlags("accept", argv, OPTIONS);
    if (booleanFlag(args, "help")) {
        io.stdout(HELP);
        return EXIT.ok;
    }
    const [component, ref] = args.positionals;
    if (args.positionals.length !== 2 || !component || !ref) {
        throw InputError.single("persona accept", "", "expected a component name and a proposal id", "run persona accept <component> <proposal-id> [--stack <s>]");
    }
    if (!ProposalRef.safeParse(ref).success) {
        throw InputError.single("persona accept", "<proposal-id>", `"${ref}" is not a proposal id`, "give the id pulumi preview printed (4 or more of its letters)");
    }
    const projectDir = path.resolve(io.cwd, stringFlag(args, "cwd") ?? ".");
    const stack = stringFlag(args, "stack") ?? onlyStack(projectDir, component);
    const record = readRecord(projectDir, stack, component);
    const proposal = findProposal(ref, record.proposals, `persona accept ${component}`);
    const agreement: Agreement = {
        proposal,
        ...(record.persona ? { persona: record.persona } : {}),
        fingerprint: record.fingerprint,
        ...(record.scaling ? { scaling: record.scaling } : {}),
        agreedAt: new Date().toISOString(),
    };
    const file = writeAgreement(projectDir, stack, component, agreement);
    if (record.persona) {
        openPersonaStore({ userDir: stringFlag(args, "store"), env: io.env, cwd: projectDir }).recordUsage(record.persona, "accepted", new Date());
    }
    if (booleanFlag(args, "json")) {
        writeJson(io, { stack, component, file, agreement });
    } else {
        io.stdout(`Agreed ${agreementSummary(agreement)}\nwrote ${record.project}:${component}.agreement to ${path.relative(io.cwd, file) || file}\nnext: pulumi preview (plans exactly this), then pulumi up\n`);
    }
    return EXIT.ok;
};

function onlyStack(projectDir: string, component: string): string {
    const stacks = stacksWithRecord(projectDir, component);
    if (stacks.length === 1) {
        return stacks[0];
    }
    throw InputError.single(
        "persona accept",
        "--stack",
        stacks.length === 0 ? `no preview has recorded proposals for ${component}` : `proposals for ${component} are recorded for several stacks (${stacks.join(", ")})`,
        stacks.length === 0 ? "run pulumi preview in the project first" : "pass --stack <stack>",
    );
}
