import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { Document, isMap, parseDocument, YAMLMap } from "yaml";
import { InputError } from "../errors";
import { Agreement } from "./agreement";

/**
 * Reading the project and writing an agreement into a stack's config file (`Pulumi.<stack>.yaml`)
 * with the yaml package, so the user's comments, order and other keys survive. The file is
 * replaced atomically: a failed write leaves the old file untouched.
 */

/** The project name from `Pulumi.yaml` (or `Pulumi.yml`) in `projectDir`. */
export function projectName(projectDir: string): string {
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(projectDir, f)).find((f) => fs.existsSync(f));
    if (!file) {
        throw InputError.single(projectDir, "", "no Pulumi.yaml here", "run the command in the Pulumi project's directory, or pass --cwd <project dir>");
    }
    const name = (parseDocument(fs.readFileSync(file, "utf8")).toJS() as { name?: unknown } | null)?.name;
    if (typeof name !== "string" || !name) {
        throw InputError.single(file, "name", "the project has no name", "set name: in Pulumi.yaml");
    }
    return name;
}

export function stackFile(projectDir: string, stack: string): string {
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** Writes text to a file through a temporary file and a rename, so readers see old or new, never half. */
export function writeFileAtomic(file: string, text: string): void {
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`);
    fs.writeFileSync(temp, text);
    try {
        fs.renameSync(temp, file);
    } catch (err) {
        fs.rmSync(temp, { force: true });
        throw err;
    }
}

/**
 * Sets `config.<project>:<component>.agreement` in the stack file and removes the component's
 * `accept` and `modify` keys (the agreement supersedes them); keeps `constraints` and `reject`
 * (rejected proposals are never suggested as better later).
 */
export function writeAgreement(projectDir: string, stack: string, component: string, agreement: Agreement): string {
    const file = stackFile(projectDir, stack);
    const key = `${projectName(projectDir)}:${component}`;
    const doc: Document = fs.existsSync(file) ? parseDocument(fs.readFileSync(file, "utf8")) : new Document({});
    if (doc.errors.length > 0) {
        throw InputError.single(file, "", `YAML syntax error: ${doc.errors[0].message.split("\n")[0]}`, "fix the stack file before writing an agreement into it");
    }
    if (!isMap(doc.contents)) {
        doc.contents = doc.createNode({}) as YAMLMap;
    }
    if (!doc.has("config")) {
        doc.set("config", doc.createNode({}));
    }
    const existing = doc.getIn(["config", key]);
    if (existing !== undefined && !isMap(existing)) {
        throw InputError.single(file, `config.${key}`, "holds a plain value, not the component's negotiation object", `remove it (pulumi config rm ${component}) and accept again`);
    }
    if (existing === undefined) {
        doc.setIn(["config", key], doc.createNode({}));
    }
    for (const stale of ["accept", "modify"]) {
        doc.deleteIn(["config", key, stale]);
    }
    doc.setIn(["config", key, "agreement"], doc.createNode(JSON.parse(JSON.stringify(agreement)) as unknown));
    writeFileAtomic(file, doc.toString({ lineWidth: 0 }));
    return file;
}
