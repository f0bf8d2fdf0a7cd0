import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, parseDocument } from "yaml";
import { PACKAGE_ROOT } from "../../src/assets";
import { Agreement } from "../../src/negotiation/agreement";
import { NegotiationConfig } from "../../src/negotiation/config";
import { contentHash } from "../../src/fingerprint";
import { AgreementMessage, ErrorMessage, ExplanationMessage, FailedMessage, OutputMessage, RoundMessage } from "../../src/negotiation/protocol";
import { Transcript } from "../../src/negotiation/transcript";
import { Proposal } from "../../src/solver/proposal";
import { CliResult, runCli, spawnCli } from "../support/cli";

/**
 * `persona negotiate` end to end: the real command with piped stdin (the interactive mode reads
 * a pipe like a terminal) and the JSON-lines protocol, on the shipped catalog and personas.
 */

/** A PCI DSS database in Ireland: the request most tests negotiate. */
const REQUEST = ["--persona", "postgres-oltp", "--region", "eu-west-1", "--compliance", "pci-dss"];

function tempDir(prefix = "persona-negotiate-"): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs negotiate in `dir` with its own persona store, feeding `input` lines. */
function negotiateArgs(dir: string, args: string[]): string[] {
    return ["negotiate", ...args, "--store", path.join(dir, "store")];
}

function lines(stdout: string): string[] {
    return stdout.split("\n").filter((l) => l !== "");
}

/** The output lines of a --json run, each checked against the protocol's schemas. */
function messages(result: CliResult): OutputMessage[] {
    return lines(result.stdout).map((l) => OutputMessage.parse(JSON.parse(l)));
}

function round(message: OutputMessage | undefined): RoundMessage {
    return RoundMessage.parse(message);
}

function feed(values: readonly (object | string)[]): string {
    return values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("\n") + "\n";
}

function ids(proposals: readonly Proposal[]): string[] {
    return proposals.map((p) => p.id);
}

function transcripts(dir: string): Transcript[] {
    const folder = path.join(dir, ".persona", "transcripts");
    return fs
        .readdirSync(folder)
        .sort()
        .map((f) => Transcript.parse(JSON.parse(fs.readFileSync(path.join(folder, f), "utf8"))));
}

function usage(dir: string, persona: string): string[] {
    const file = path.join(dir, "store", persona, "usage.jsonl");
    return fs.existsSync(file) ? lines(fs.readFileSync(file, "utf8")).map((l) => (JSON.parse(l) as { event: string }).event) : [];
}

/** Round 1 of the standard request, for the ids later feedback names. */
async function firstRound(dir: string): Promise<RoundMessage> {
    const result = await runCli([...negotiateArgs(dir, [...REQUEST, "--json"])], { cwd: dir, stdin: "" });
    return round(messages(result)[0]);
}

describe("persona negotiate", function () {
    this.timeout(20_000);

    it("keeps the loop alive on invalid feedback, says what is valid, and fails with exit code 3 at the end of input", () => {
        const dir = tempDir();
        const result = spawnCli(negotiateArgs(dir, REQUEST), { cwd: dir, input: "hello\naccept\nmodify kbxt\nexplain zzzz\nconstrain max-monthly-cost cheap\n\n" });
        assert.equal(result.code, 3, result.stderr);
        assert.match(result.stdout, /^Round 1 of at most 10: [3-5] proposals/m);
        assert.equal(result.stdout.match(/^Invalid feedback/gm)?.length, 5, result.stdout);
        assert.match(result.stdout, /Invalid feedback: "hello" is not an action\nFeedback \(one per line\):\n {2}accept <id>/);
        assert.match(result.stdout, /Invalid feedback: accept takes one proposal id/);
        assert.match(result.stdout, /Invalid feedback: modify needs a proposal id and at least one <setting>=<value>/);
        assert.match(result.stdout, /Invalid feedback: explain zzzz: no offered proposal has id zzzz\. Fix: use one of [a-z]{10} \(cost-optimized/);
        assert.match(result.stdout, /Invalid feedback: constrain at --max-monthly-cost: "cheap" is not a number/);
        assert.equal(result.stdout.match(/^Round 1 stays on offer/gm)?.length, 5);
        assert.doesNotMatch(result.stdout, /^Round 2/m);
        assert.match(result.stdout, /^Negotiation failed: the input ended without agreement$/m);
        const [transcript] = transcripts(dir);
        assert.equal(transcript.mode, "interactive");
        assert.deepEqual(
            transcript.feedback.map((f) => [f.line, f.code]),
            [
                ["hello", "invalid-feedback"],
                ["accept", "invalid-feedback"],
                ["modify kbxt", "invalid-feedback"],
                ["explain zzzz", "invalid-feedback"],
                ["constrain max-monthly-cost cheap", "invalid-feedback"],
            ],
        );
        assert.deepEqual(transcript.outcome, { kind: "failed", reason: "end-of-input", message: "the input ended without agreement" });
    });

    it("reject regenerates alternatives that avoid every rejected id, and the same feedback gives the same rounds", async () => {
        const dir = tempDir();
        const input = feed([{ action: "reject" }, { action: "reject" }]);
        const first = spawnCli(negotiateArgs(dir, [...REQUEST, "--json"]), { cwd: dir, input });
        const again = await runCli(negotiateArgs(dir, [...REQUEST, "--json"]), { cwd: dir, stdin: input });
        assert.equal(first.code, 3, first.stderr);
        const [r1, r2, r3] = messages(first).map((m, i) => (i < 3 ? round(m) : undefined));
        assert.deepEqual([r1?.round, r2?.round, r3?.round], [1, 2, 3]);
        const seen = new Set(ids(r1?.proposals ?? []));
        for (const id of ids(r2?.proposals ?? [])) {
            assert.ok(!seen.has(id), `${id} was rejected in round 1`);
        }
        ids(r2?.proposals ?? []).forEach((id) => seen.add(id));
        for (const id of ids(r3?.proposals ?? [])) {
            assert.ok(!seen.has(id), `${id} was rejected before round 3`);
        }
        assert.ok((r3?.proposals ?? []).every((p) => p.region === "eu-west-1" && p.security.evidence.some((e) => e.requirements.some((r) => r.framework === "pci-dss"))));
        assert.match(r2?.notes?.join("\n") ?? "", new RegExp(`rejected .*; ${r1?.proposals.length} rejected in all`));
        // Determinism: the in-process run of the same request and feedback offers the same rounds.
        assert.deepEqual(messages(again).slice(0, 3), messages(first).slice(0, 3));
        const rejectedCounts = [0, r1?.proposals.length, (r1?.proposals.length ?? 0) + (r2?.proposals.length ?? 0)];
        assert.deepEqual(
            transcripts(dir).map((t) => t.rounds.map((r) => r.rejected.length)),
            [rejectedCounts, rejectedCounts],
        );
    });

    it("modify re-costs the proposal under a new id; a modify that breaks a compliance requirement is refused naming it, and the loop goes on", async () => {
        const dir = tempDir();
        const r1 = await firstRound(dir);
        const cheapest = r1.proposals.find((p) => p.label === "cost-optimized") as Proposal;
        const result = spawnCli(negotiateArgs(dir, [...REQUEST, "--json"]), {
            cwd: dir,
            input: feed([
                { action: "modify", id: cheapest.id, changes: { security: { kmsKey: "aws-managed" } } },
                { action: "modify", id: cheapest.id.slice(0, 4), changes: { storage: { sizeGiB: 500 } } },
            ]),
        });
        const [, refusedLine, modifiedLine] = messages(result);
        const refused = ErrorMessage.parse(refusedLine);
        assert.equal(refused.round, 1);
        assert.equal(refused.error.code, "modify-refused");
        assert.match(refused.error.details?.join("\n") ?? "", /security\.kmsKey: a customer-managed KMS key with rotation is required \(pci-dss 3\.7\.4\)/);
        assert.deepEqual(ids(refused.proposals), ids(r1.proposals), "the proposals stay on offer");
        const r2 = round(modifiedLine);
        assert.equal(r2.round, 2);
        const modified = r2.proposals.find((p) => p.label === "modified") as Proposal;
        assert.ok(modified.recommended);
        assert.ok(!ids(r1.proposals).includes(modified.id), "a modified configuration has its own id");
        assert.ok(!ids(r2.proposals).includes(cheapest.id), "it replaces the proposal it was made from");
        assert.equal(modified.storage.sizeGiB, 500);
        assert.equal(modified.instanceType, cheapest.instanceType);
        assert.ok(modified.monthlyCost.storage > cheapest.monthlyCost.storage && modified.monthlyCost.total > cheapest.monthlyCost.total, "re-costed");
        assert.match(r2.notes?.join("\n") ?? "", new RegExp(`${cheapest.id} modified into ${modified.id}:\\n.*~ storage: .* ${cheapest.storage.sizeGiB} GiB.* => .*500 GiB`));

        // The same in words, and a second change to the modified proposal adds to the first.
        const words = spawnCli(negotiateArgs(dir, REQUEST), { cwd: dir, input: `modify ${cheapest.id} sizeGiB=500\nmodify ${modified.id} instanceType=r7g.2xlarge backupRetentionDays=14\n` });
        assert.match(words.stdout, /^Round 3 of at most 10/m);
        assert.match(words.stdout, new RegExp(`${cheapest.id} modified into [a-z]{10}:\\n {2}~ instanceType: ${cheapest.instanceType.replace(".", "\\.")} => r7g\\.2xlarge\\n {2}~ storage: .*=> .*500 GiB.*\\n {2}~ backupRetentionDays: 7 => 14`));
    });

    it("constrain changes the proposals; an infeasible constraint names the conflict and keeps the round; relax undoes it", async () => {
        const dir = tempDir();
        const r1 = await firstRound(dir);
        const result = await runCli(negotiateArgs(dir, [...REQUEST, "--json"]), {
            cwd: dir,
            stdin: feed([
                { action: "constrain", constraints: { maxMonthlyCost: 300 } },
                { action: "constrain", constraints: { architecture: "x86_64", minVcpus: 16 } },
                { action: "constrain", relax: ["architecture", "minVcpus"] },
                { action: "constrain", relax: ["maxMonthlyCost"] },
            ]),
        });
        const [, infeasibleLine, x86Line, relaxedLine, badRelaxLine] = messages(result);
        const infeasible = ErrorMessage.parse(infeasibleLine);
        assert.equal(infeasible.error.code, "infeasible");
        assert.match(infeasible.error.message, /no configuration satisfies regions eu-west-1; maxMonthlyCost 300; compliance pci-dss/);
        assert.match(infeasible.error.details?.join("\n") ?? "", /maxMonthlyCost \(constraints\.maxMonthlyCost\): .* > maxMonthlyCost 300\. Fix: raise it to at least \d+/);
        assert.deepEqual(ids(infeasible.proposals), ids(r1.proposals));
        const x86 = round(x86Line);
        assert.equal(x86.round, 2);
        assert.ok(x86.proposals.every((p) => p.architecture === "x86_64" && p.vcpus >= 16), "every proposal meets the new constraints");
        assert.notDeepEqual(ids(x86.proposals), ids(r1.proposals));
        // Relaxing what was added gives back round 1 exactly: rounds are a function of the state.
        assert.deepEqual(ids(round(relaxedLine).proposals), ids(r1.proposals));
        const badRelax = ErrorMessage.parse(badRelaxLine);
        assert.equal(badRelax.error.code, "invalid-feedback");
        assert.match(badRelax.error.message, /relax: maxMonthlyCost is not among the constraints in effect/);

        // In words: a framework the workload itself requires cannot be relaxed away.
        const words = spawnCli(negotiateArgs(dir, ["--workload", "online shop checkout API taking card payments, 300 requests per second at peak", "--region", "eu-west-1"]), {
            cwd: dir,
            input: "relax pci-dss\nconstrain arch arm64\nconstrain -arch\n",
        });
        assert.match(words.stdout, /Invalid feedback: relax: pci-dss is required by the workload, not by a constraint, so it cannot be relaxed here/);
        assert.match(words.stdout, /^Round 2 of at most 10: \d proposals \(constraints: regions eu-west-1; architecture arm64\)/m);
        assert.match(words.stdout, /^Round 3 of at most 10: \d proposals \(constraints: regions eu-west-1\)/m);
    });

    it("explain gives the assumptions, binding constraints, compliance evidence and cost breakdown", async () => {
        const dir = tempDir();
        const r1 = await firstRound(dir);
        const target = r1.proposals[0];
        const result = await runCli(negotiateArgs(dir, [...REQUEST, "--json"]), { cwd: dir, stdin: feed([{ action: "explain", id: target.id.slice(0, 5) }]) });
        const answer = ExplanationMessage.parse(messages(result)[1]);
        assert.equal(answer.round, 1);
        const e = answer.explanation;
        assert.equal(e.id, target.id);
        assert.deepEqual(e.assumptions, [{ name: "profile", value: "postgres-oltp@1", source: "persona performance profile" }]);
        assert.deepEqual(e.compliance, ["pci-dss"]);
        assert.deepEqual(e.constraints, { regions: ["eu-west-1"], compliance: ["pci-dss"] });
        assert.deepEqual(e.binding, target.binding);
        const kms = e.evidence.find((ev) => ev.setting === "kmsKey");
        assert.deepEqual(kms?.requirements.map((r) => `${r.framework} ${r.id}`), ["pci-dss 3.7.4"]);
        const items = e.cost.items.reduce((sum, i) => sum + i.monthly, 0);
        assert.ok(Math.abs(items - e.cost.total) < 0.05, `cost items ${items} add up to the total ${e.cost.total}`);
        assert.match(e.cost.basis, /730 h\/month/);

        const words = spawnCli(negotiateArgs(dir, REQUEST), { cwd: dir, input: `explain ${target.id}\nquit\n` });
        assert.match(words.stdout, new RegExp(`^${target.id} ${target.label}.*: \\d+ x .* on-demand in eu-west-1`, "m"));
        assert.match(words.stdout, /^Assumptions:\n {2}profile = postgres-oltp@1 {2}\(persona performance profile\)$/m);
        assert.match(words.stdout, /^Security evidence:\n(.*\n)*? {2}kmsKey = customer-managed: pci-dss 3\.7\.4 /m);
        assert.match(words.stdout, /^Cost per month:\n {2}compute +\d+ x /m);
    });

    it("accept writes the agreement to --out and into the stack's config for the component, and records usage", async () => {
        const dir = tempDir();
        const project = path.join(dir, "project");
        fs.mkdirSync(project);
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
        fs.writeFileSync(path.join(project, "Pulumi.dev.yaml"), "# dev stack (keep this comment)\nconfig:\n  aws:region: eu-west-1 # Ireland\n  shop:shop-db:\n    reject:\n      - mmmm\n");
        const workload = "PostgreSQL for the shop's orders, card payments";
        const args = ["--workload", workload, ...REQUEST, "--out", "agreed/agreement.yaml", "--stack", "dev", "--component", "shop-db", "--cwd", "project"];
        const r1 = round(messages(await runCli(negotiateArgs(dir, [...args, "--json"]), { cwd: dir, stdin: "" }))[0]);
        const chosen = r1.proposals[1];
        fs.rmSync(path.join(dir, "store"), { recursive: true, force: true });

        const result = spawnCli(negotiateArgs(dir, args), { cwd: dir, input: `accept ${chosen.id.slice(0, 6)}\nquit\n` });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, new RegExp(`^Agreed ${chosen.id}: `, "m"));
        assert.match(result.stdout, /^wrote the agreement to agreed\/agreement\.yaml$/m);
        assert.match(result.stdout, /^wrote shop:shop-db\.agreement to project\/Pulumi\.dev\.yaml$/m);
        assert.doesNotMatch(result.stdout, /Negotiation failed/);

        const fromFile = Agreement.parse(parseYaml(fs.readFileSync(path.join(dir, "agreed", "agreement.yaml"), "utf8")));
        assert.deepEqual(fromFile.proposal, chosen);
        assert.equal(fromFile.persona, "postgres-oltp@1");
        // The fingerprint NegotiatedInstance computes for the same workload, persona and constraints.
        assert.equal(fromFile.fingerprint, contentHash({ workload, persona: "postgres-oltp@1", constraints: { regions: ["eu-west-1"], compliance: ["pci-dss"] } }, 12));
        const text = fs.readFileSync(path.join(project, "Pulumi.dev.yaml"), "utf8");
        assert.match(text, /^# dev stack \(keep this comment\)/);
        assert.match(text, /aws:region: eu-west-1 # Ireland/);
        const config = NegotiationConfig.parse(parseDocument(text).toJS().config["shop:shop-db"]);
        assert.deepEqual(config.reject, ["mmmm"], "rejections are kept beside the agreement, as persona accept does");
        assert.deepEqual(config.agreement, fromFile);
        assert.deepEqual(usage(dir, "postgres-oltp"), ["proposed", "accepted"]);
        const transcript = transcripts(path.join(dir, "project")).at(-1) as Transcript;
        assert.equal(transcript.outcome.kind, "agreed");
        assert.deepEqual(transcript.inputs.constraints, { regions: ["eu-west-1"], compliance: ["pci-dss"] });
        assert.equal(transcript.inputs.workload, workload);
        assert.deepEqual(transcript.rounds.map((r) => ids(r.proposals)), [ids(r1.proposals)]);
    });

    it("an agreement that cannot be written is reported and the round stays on offer", async () => {
        const dir = tempDir();
        const r1 = await firstRound(dir);
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
        fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config: [unclosed\n");
        const result = await runCli(negotiateArgs(dir, [...REQUEST, "--stack", "dev", "--component", "db"]), { cwd: dir, stdin: `accept ${r1.proposals[0].id}\nquit\n` });
        assert.equal(result.code, 3);
        assert.match(result.stdout, /^The agreement could not be written: .*Pulumi\.dev\.yaml: YAML syntax error/m);
        assert.match(result.stdout, /^Round 1 stays on offer/m);
        assert.match(result.stdout, /^Negotiation failed: quit without agreement$/m);
        assert.equal(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8"), "config: [unclosed\n");
    });

    it("quit and the round limit end with Negotiation failed and exit code 3", async () => {
        const dir = tempDir();
        const quit = spawnCli(negotiateArgs(dir, REQUEST), { cwd: dir, input: "quit\naccept whatever\n" });
        assert.equal(quit.code, 3);
        assert.match(quit.stdout, /^Negotiation failed: quit without agreement$/m);
        assert.doesNotMatch(quit.stdout, /Invalid feedback/, "nothing is read after quit");

        const limited = spawnCli(negotiateArgs(dir, [...REQUEST, "--json", "--max-rounds", "2", "--transcript", "limit.json"]), { cwd: dir, input: feed([{ action: "reject" }, { action: "reject" }, { action: "reject" }]) });
        assert.equal(limited.code, 3);
        const out = messages(limited);
        assert.equal(out.length, 3, "round 1, round 2, then the failure; the third reject is never read");
        const failed = FailedMessage.parse(out[2]);
        assert.equal(failed.reason, "round-limit");
        assert.equal(failed.message, "Negotiation failed: no agreement after 2 rounds (--max-rounds 2)");
        assert.equal(failed.transcript, path.join(dir, "limit.json"));
        const transcript = Transcript.parse(JSON.parse(fs.readFileSync(path.join(dir, "limit.json"), "utf8")));
        assert.equal(transcript.rounds.length, 2);
        assert.deepEqual(transcript.outcome, { kind: "failed", reason: "round-limit", message: "no agreement after 2 rounds (--max-rounds 2)" });
        assert.deepEqual(usage(dir, "postgres-oltp"), ["proposed", "proposed", "proposed"], "quit's round and the two rounds offered");
    });

    it("speaks the JSON-lines protocol: one line at the start, exactly one per input line, the agreement last", async () => {
        const dir = tempDir();
        const r1 = await firstRound(dir);
        const [a, b] = r1.proposals;
        const input = [
            "not json",
            "",
            JSON.stringify({ action: "dance" }),
            JSON.stringify({ action: "accept" }),
            JSON.stringify({ action: "explain", id: a.id }),
            JSON.stringify({ action: "modify", id: a.id, changes: {} }),
            JSON.stringify({ action: "constrain", constraints: { maxMonthlyCost: -5 } }),
            JSON.stringify({ action: "reject", ids: [b.id] }),
            "   ",
            JSON.stringify({ action: "accept", id: a.id }),
            JSON.stringify({ action: "quit" }),
        ];
        const result = spawnCli(negotiateArgs(dir, [...REQUEST, "--json"]), { cwd: dir, input: input.join("\n") + "\n" });
        assert.equal(result.code, 0, result.stderr);
        const out = lines(result.stdout);
        const answered = input.slice(0, input.indexOf(JSON.stringify({ action: "accept", id: a.id })) + 1).filter((l) => l.trim() !== "");
        assert.equal(out.length, 1 + answered.length, "one line at the start and one per non-blank input line up to the acceptance");
        const parsed = messages(result);
        assert.deepEqual(round(parsed[0]).round, 1);
        const errors = parsed.slice(1, 4).map((m) => ErrorMessage.parse(m).error);
        assert.deepEqual(
            errors.map((e) => e.code),
            ["invalid-feedback", "invalid-feedback", "invalid-feedback"],
        );
        assert.match(errors[0].message, /not a JSON object/);
        assert.match(errors[1].message, /input line at action: /);
        assert.match(errors[2].message, /input line at id: /);
        assert.ok(errors.every((e) => (e.details ?? []).some((d) => d.startsWith('{"action":"accept"'))), "every error lists the valid input lines");
        // The explanation, then the refused modify (no change) and constraint, then the reject's round.
        assert.equal(ExplanationMessage.parse(parsed[4]).explanation.id, a.id);
        assert.match(ErrorMessage.parse(parsed[5]).error.message, /changes: no change given/);
        assert.match(ErrorMessage.parse(parsed[6]).error.message, /constraints\.maxMonthlyCost/);
        const r2 = round(parsed[7]);
        assert.equal(r2.round, 2);
        assert.ok(!ids(r2.proposals).includes(b.id));
        const agreed = AgreementMessage.parse(parsed[8]);
        assert.equal(agreed.agreement.proposal.id, a.id);
        assert.deepEqual(agreed.written, []);
        assert.ok(fs.existsSync(agreed.transcript));
        const transcript = Transcript.parse(JSON.parse(fs.readFileSync(agreed.transcript, "utf8")));
        assert.equal(transcript.mode, "json");
        assert.equal(transcript.feedback.length, answered.length);
        assert.deepEqual(transcript.feedback.at(-1)?.feedback, { action: "accept", id: a.id });
    });

    it("starts from the same proposals persona propose offers for the same flags, lifecycle flags included", async () => {
        const dir = tempDir();
        const flags = ["--cpu", "4", "--memory-gib", "8", "--uptime", "99.95", "--interruption-tolerant", "--arch", "arm64"];
        const proposed = await runCli(["propose", ...flags, "--json"], { cwd: dir });
        assert.equal(proposed.code, 0, proposed.stderr);
        const negotiated = await runCli(negotiateArgs(dir, [...flags, "--json"]), { cwd: dir, stdin: "" });
        const offered = (JSON.parse(proposed.stdout) as { proposals: Proposal[] }).proposals;
        assert.ok(offered.some((p) => p.purchase === "spot"), "the lifecycle flags reach the solver");
        assert.deepEqual(ids(round(messages(negotiated)[0]).proposals), ids(offered));
    });

    it("refuses to start when nothing satisfies the request (exit 2, the conflict named) or the flags are wrong", async () => {
        const dir = tempDir();
        const infeasible = spawnCli(negotiateArgs(dir, [...REQUEST, "--max-monthly-cost", "50", "--json"]), { cwd: dir, input: "" });
        assert.equal(infeasible.code, 2);
        const failed = FailedMessage.parse(JSON.parse(lines(infeasible.stdout)[0]));
        assert.equal(failed.reason, "infeasible");
        assert.ok(failed.conflicts?.some((c) => c.constraint === "maxMonthlyCost"));
        const text = await runCli(negotiateArgs(dir, [...REQUEST, "--max-monthly-cost", "50"]), { cwd: dir, stdin: "" });
        assert.equal(text.code, 2);
        assert.match(text.stderr, /Conflicting constraints \(relax any one\):\n.*maxMonthlyCost.*\[--max-monthly-cost\]/);
        assert.match(text.stdout, /^Negotiation failed: no configuration satisfies the request/m);

        const noComponent = await runCli(negotiateArgs(dir, [...REQUEST, "--stack", "dev"]), { cwd: dir });
        assert.equal(noComponent.code, 2);
        assert.match(noComponent.stderr, /persona negotiate at --component: --stack and --component go together/);
        const noProject = await runCli(negotiateArgs(dir, [...REQUEST, "--stack", "dev", "--component", "db"]), { cwd: dir });
        assert.match(noProject.stderr, /no Pulumi\.yaml here/);
        const badOut = await runCli(negotiateArgs(dir, [...REQUEST, "--out", "agreement.txt", "--json"]), { cwd: dir });
        assert.equal(badOut.code, 2);
        assert.equal((JSON.parse(badOut.stdout) as { error: { code: string } }).error.code, "bad-input");
    });

    it("the example client negotiates autonomously with its policy over the JSON lines", () => {
        const dir = tempDir();
        const result = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, "examples", "negotiate-client", "negotiate.js"), "--persona", "postgres-oltp", "--region", "eu-west-1", "--store", path.join(dir, "store"), "--out", "agreement.json"], {
            cwd: dir,
            env: { PATH: process.env.PATH, BUDGET: "1500", FRAMEWORKS: "pci-dss", BACKUP_DAYS: "14" },
            encoding: "utf8",
            timeout: 20_000,
        });
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stderr, /\[policy\] -> \{"action":"explain"/);
        const agreement = Agreement.parse(JSON.parse(fs.readFileSync(path.join(dir, "agreement.json"), "utf8")));
        const p = agreement.proposal;
        assert.ok(p.monthlyCost.total <= 1500);
        assert.ok(p.security.settings.backupRetentionDays >= 14, "the policy's own retention was negotiated in");
        assert.ok(p.security.evidence.some((e) => e.requirements.some((r) => r.framework === "pci-dss")));
    });
});
