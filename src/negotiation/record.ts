import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { InputError, parseInput } from "../errors";
import { PersonaRefString } from "../persona/schema";
import { Proposal } from "../solver/proposal";
import { writeFileAtomic } from "./stackFile";

/**
 * What the last preview offered for one component, kept in the project's git-ignored `.persona/`
 * folder (`.persona/<stack>/<component>.json`), so `persona accept` can pin one of those exact
 * proposals into stack config without solving again.
 */
export const ProposalRecord = z
    .object({
        project: z.string(),
        stack: z.string(),
        component: z.string(),
        /** Hash of the inputs the proposals were made from. */
        fingerprint: z.string(),
        persona: PersonaRefString.optional(),
        scaling: z.object({ min: z.number().int(), max: z.number().int() }).strict().optional(),
        proposals: z.array(Proposal),
        recordedAt: z.string(),
    })
    .strict();
export type ProposalRecord = z.infer<typeof ProposalRecord>;

export const RECORD_DIR = ".persona";

export function recordFile(projectDir: string, stack: string, component: string): string {
    return path.join(projectDir, RECORD_DIR, stack, `${component}.json`);
}

export function writeRecord(projectDir: string, record: ProposalRecord): string {
    const file = recordFile(projectDir, record.stack, record.component);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
    return file;
}

/** The stacks that have a record for `component`, for choosing one when `--stack` is not given. */
export function stacksWithRecord(projectDir: string, component: string): string[] {
    const dir = path.join(projectDir, RECORD_DIR);
    if (!fs.existsSync(dir)) {
        return [];
    }
    return fs
        .readdirSync(dir)
        .filter((stack) => fs.existsSync(recordFile(projectDir, stack, component)))
        .sort();
}

export function readRecord(projectDir: string, stack: string, component: string): ProposalRecord {
    const file = recordFile(projectDir, stack, component);
    if (!fs.existsSync(file)) {
        throw InputError.single(
            file,
            "",
            `no proposals recorded for component ${component} in stack ${stack}`,
            "run pulumi preview first (it records what it offers), and check the component name and --stack",
        );
    }
    let value: unknown;
    try {
        value = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (err) {
        throw InputError.single(file, "", `not valid JSON (${(err as Error).message})`, "delete it and run pulumi preview again");
    }
    return parseInput(ProposalRecord, value, file);
}
