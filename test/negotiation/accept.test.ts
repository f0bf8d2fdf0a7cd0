import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { Agreement } from "../../src/negotiation/agreement";
import { NegotiationConfig } from "../../src/negotiation/config";
import { writeRecord } from "../../src/negotiation/record";
import { agreementFixture } from "../pulumi/fixtures";
import { runCli } from "../support/cli";

const STACK_FILE = `# Stack settings for dev (keep this comment)
config:
  aws:region: eu-west-1 # the default region
  shop:shop-db:
    constraints:
      maxMonthlyCost: 900
    reject:
      - mmmmmmmmmm
    accept: kbxt
  shop:other: kept
`;

function project(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "persona-accept-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: shop\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), STACK_FILE);
    const base = agreementFixture().proposal;
    const other = { ...base, id: "kbxtzzzzzz", label: "cost-optimized" as const, recommended: false, instanceType: "r7i.xlarge" };
    writeRecord(dir, { project: "shop", stack: "dev", component: "shop-db", fingerprint: "0123456789ab", persona: "postgres-oltp@1", proposals: [base, other], recordedAt: "2026-11-26T00:00:00Z" });
    return dir;
}

describe("persona accept", () => {
    it("pins the proposal into the stack's config, keeping comments and other keys", async () => {
        const dir = project();
        const store = fs.mkdtempSync(path.join(os.tmpdir(), "persona-accept-store-"));
        const result = await runCli(["accept", "shop-db", "kbxtrm", "--store", store], { cwd: dir });
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /Agreed kbxtrmfhqz: 1 x r7i\.2xlarge on-demand in us-east-1/);
        const text = fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8");
        assert.match(text, /^# Stack settings for dev \(keep this comment\)/);
        assert.match(text, /aws:region: eu-west-1 # the default region/);
        const config = parseDocument(text).toJS().config;
        assert.equal(config["shop:other"], "kept");
        const negotiation = NegotiationConfig.parse(config["shop:shop-db"]);
        assert.deepEqual(negotiation.constraints, { maxMonthlyCost: 900 });
        assert.equal(negotiation.accept, undefined, "superseded by the agreement");
        assert.deepEqual(negotiation.reject, ["mmmmmmmmmm"], "rejections are kept: never suggested as better later");
        const agreement = negotiation.agreement as Agreement;
        assert.equal(agreement.proposal.id, "kbxtrmfhqz");
        assert.equal(agreement.persona, "postgres-oltp@1");
        assert.equal(agreement.fingerprint, "0123456789ab");
        const usage = fs.readFileSync(path.join(store, "postgres-oltp", "usage.jsonl"), "utf8");
        assert.match(usage, /"event":"accepted"/);
    });

    it("refuses an unknown or ambiguous id and leaves the stack file alone", async () => {
        const dir = project();
        const unknown = await runCli(["accept", "shop-db", "qqqq"], { cwd: dir });
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /no offered proposal has id qqqq.*use one of kbxtrmfhqz \(balanced, r7i\.2xlarge\)/);
        const ambiguous = await runCli(["accept", "shop-db", "kbxt"], { cwd: dir });
        assert.equal(ambiguous.code, 2);
        assert.match(ambiguous.stderr, /kbxt matches 2 proposals.*give more letters/);
        const numeric = await runCli(["accept", "shop-db", "12345"], { cwd: dir });
        assert.match(numeric.stderr, /"12345" is not a proposal id/);
        assert.equal(fs.readFileSync(path.join(dir, "Pulumi.dev.yaml"), "utf8"), STACK_FILE);
    });

    it("says to run pulumi preview when nothing was recorded, and asks for --stack when several were", async () => {
        const dir = project();
        const missing = await runCli(["accept", "web", "kbxtrm"], { cwd: dir });
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /no preview has recorded proposals for web.*run pulumi preview/);
        fs.mkdirSync(path.join(dir, ".persona", "prod"));
        fs.copyFileSync(path.join(dir, ".persona", "dev", "shop-db.json"), path.join(dir, ".persona", "prod", "shop-db.json"));
        const several = await runCli(["accept", "shop-db", "kbxtrm"], { cwd: dir });
        assert.match(several.stderr, /several stacks \(dev, prod\).*pass --stack/);
        const prod = await runCli(["accept", "shop-db", "kbxtrm", "--stack", "prod"], { cwd: dir });
        assert.equal(prod.code, 0, prod.stderr);
        assert.ok(fs.existsSync(path.join(dir, "Pulumi.prod.yaml")), "a new stack file is created");
    });
});
