import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Agreement } from "../../src/negotiation/agreement";
import { ProposalRecord } from "../../src/negotiation/record";
import { Proposal } from "../../src/solver/proposal";
import { runProgram } from "../support/program";
import { valueOf } from "../support/pulumiMocks";

const SHOP = { workload: "a medium-sized e-commerce website, 50k daily users, card payments", persona: "postgres-oltp", constraints: { regions: ["us-east-1"] } };

async function offered(config: Record<string, unknown> = {}, args = SHOP): Promise<{ proposals: Proposal[]; projectDir: string }> {
    const run = await runProgram({ preview: true, config, args });
    assert.equal(run.error, undefined, run.error?.message);
    return { proposals: await valueOf(run.component.proposals), projectDir: run.projectDir };
}

describe("NegotiatedInstance", () => {
    it("previews proposals as a diff and plans no AWS resource without an accepted proposal", async () => {
        const run = await runProgram({ preview: true, args: SHOP });
        assert.equal(run.status, "proposing");
        assert.deepEqual(run.mocks.cloudResources(), [], "no cloud resource before agreement");
        const proposals = await valueOf(run.component.proposals);
        assert.ok(proposals.length >= 3 && proposals.length <= 5, `${proposals.length} proposals`);
        const message = run.logs.join("\n");
        assert.match(message, /proposals for shop-db; nothing is provisioned until one is accepted/);
        assert.match(message, /Cost basis: .*730 h\/month/);
        assert.match(message, /against postgres-oltp@1 defaults:\n\s+~ /);
        assert.match(message, /~ monthly: \$\d+\.\d\d => \$\d+\.\d\d \([+-]\$\d+\.\d\d\)/);
        for (const p of proposals) {
            assert.ok(message.includes(`pulumi config set --path 'shop-db.accept' ${p.id}`), `the exact command accepting ${p.id}`);
        }
        assert.equal(proposals.filter((p) => p.recommended).length, 1);
        assert.equal(await valueOf(run.component.agreement), undefined);
        const record = ProposalRecord.parse(JSON.parse(fs.readFileSync(path.join(run.projectDir, ".persona", "dev", "shop-db.json"), "utf8")));
        assert.deepEqual(record.proposals.map((p) => p.id), proposals.map((p) => p.id), "the preview records what it offered");
        assert.equal(record.persona, "postgres-oltp@1");
    });

    it("carries PCI DSS evidence in every proposal it outputs", async () => {
        const { proposals } = await offered();
        for (const p of proposals) {
            assert.equal(p.security.settings.kmsKey, "customer-managed");
            assert.ok(p.security.evidence.some((e) => e.setting === "ebsEncryption" && e.requirements.some((r) => r.framework === "pci-dss" && r.id === "3.5.1")));
            assert.ok(p.monthlyCost.items.some((i) => i.component === "security" && /KMS key/.test(i.detail)), "compliance shows in the cost breakdown");
        }
    });

    it("provisions exactly the accepted proposal on up: type, count, encrypted volumes, IMDSv2, the trust boundary", async () => {
        const { proposals } = await offered();
        const chosen = proposals[0];
        const run = await runProgram({ preview: false, config: { accept: chosen.id.slice(0, 6) }, args: SHOP });
        assert.equal(run.error, undefined, run.error?.message);
        assert.equal(run.status, "accepted");
        const agreement = (await valueOf(run.component.agreement)) as Agreement;
        assert.equal(agreement.proposal.id, chosen.id);
        assert.equal(await valueOf(run.component.monthlyCost), chosen.monthlyCost.total);
        const instances = run.mocks.ofType("aws:ec2/instance:Instance");
        const groups = run.mocks.ofType("aws:autoscaling/group:Group");
        if (agreement.scaling) {
            assert.equal(groups[0].inputs.desiredCapacity, chosen.count);
        } else {
            assert.equal(instances.length, chosen.count);
            for (const instance of instances) {
                assert.equal(instance.inputs.instanceType, chosen.instanceType);
                assert.deepEqual(instance.inputs.metadataOptions, { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 });
            }
            const volumes = run.mocks.ofType("aws:ebs/volume:Volume");
            assert.equal(volumes.length, chosen.count * chosen.storage.volumeCount);
            assert.ok(volumes.every((v) => v.inputs.encrypted === true && typeof v.inputs.kmsKeyId === "string" && v.inputs.type === chosen.storage.volumeType));
        }
        const ingress = run.mocks.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepEqual(
            ingress.map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4]),
            chosen.security.settings.ingress.map((r) => [r.ports.from, r.cidr]),
        );
        assert.equal(run.mocks.ofType("aws:kms/key:Key")[0].inputs.enableKeyRotation, true);
    });

    it("never offers rejected proposals again", async () => {
        const { proposals } = await offered();
        const rejected = proposals.map((p) => p.id);
        const next = await offered({ reject: rejected });
        assert.ok(next.proposals.length > 0);
        for (const p of next.proposals) {
            assert.ok(!rejected.includes(p.id), `${p.id} was rejected`);
        }
    });

    it("re-costs and re-validates a modification, and refuses one that breaks a requirement", async () => {
        const { proposals } = await offered();
        const base = proposals[0];
        const bigger = await offered({ modify: { proposal: base.id, storage: { sizeGiB: base.storage.sizeGiB * 2 } } });
        const modified = bigger.proposals.find((p) => p.label === "modified") as Proposal;
        assert.ok(modified, "the modified proposal replaces its original");
        assert.notEqual(modified.id, base.id);
        assert.equal(modified.storage.sizeGiB, base.storage.sizeGiB * 2);
        assert.ok(modified.monthlyCost.storage > base.monthlyCost.storage, "bigger volumes cost more");
        const weaker = await runProgram({ preview: true, config: { modify: { proposal: base.id, security: { kmsKey: "aws-managed", kmsKeyRotation: false } } }, args: SHOP });
        assert.ok(weaker.error, "a modification breaking PCI DSS stops the preview");
        assert.match(weaker.logs.join("\n"), /security\.kmsKey: a customer-managed KMS key with rotation is required \(pci-dss 3\.7\.4/);
        assert.deepEqual(weaker.mocks.cloudResources(), []);
    });

    it("offers new proposals when a constraint is edited in stack config", async () => {
        const before = await offered();
        const after = await offered({ constraints: { regions: ["eu-west-1"], architecture: "x86_64" } });
        assert.ok(after.proposals.every((p) => p.region === "eu-west-1" && p.architecture === "x86_64"), "config wins over the args");
        assert.notDeepEqual(after.proposals.map((p) => p.id), before.proposals.map((p) => p.id));
    });

    it("provisions a pinned agreement unchanged, and stops when today's inputs no longer admit it", async () => {
        const { proposals } = await offered();
        const accepted = await runProgram({ preview: true, config: { accept: proposals[1].id }, args: SHOP });
        const agreement = (await valueOf(accepted.component.agreement)) as Agreement;
        const pinned = await runProgram({ preview: false, config: { agreement }, args: { ...SHOP, workload: `${SHOP.workload}, and a blog` } });
        assert.equal(pinned.error, undefined, pinned.error?.message);
        assert.equal(pinned.status, "agreed");
        assert.match(pinned.logs.join("\n"), /the inputs changed since the agreement/);
        assert.ok(pinned.mocks.cloudResources().length > 0);
        const stale = await runProgram({ preview: true, config: { agreement, constraints: { maxMonthlyCost: Math.floor(agreement.proposal.monthlyCost.total / 2) } }, args: SHOP });
        assert.ok(stale.error);
        assert.match(stale.logs.join("\n"), /no longer admit the agreement/);
        assert.deepEqual(stale.mocks.cloudResources(), [], "nothing is planned from a stale agreement");
    });

    it("says so as a diff when a better proposal exists for a pinned agreement, and changes nothing", async () => {
        const { proposals } = await offered();
        const cheapest = proposals.find((p) => p.label === "cost-optimized") as Proposal;
        // The same configuration agreed when it cost 20 % more: today's is better in every respect.
        const agreed = { ...cheapest, id: "zzzzzzzzzz", monthlyCost: { ...cheapest.monthlyCost, total: Math.round(cheapest.monthlyCost.total * 120) / 100 } };
        const run = await runProgram({ preview: true, config: { agreement: { proposal: agreed, persona: "postgres-oltp@1", fingerprint: "0123456789ab" } }, args: SHOP });
        assert.equal(run.error, undefined, run.error?.message);
        assert.equal(run.status, "agreed");
        const message = run.logs.join("\n");
        assert.match(message, new RegExp(`a better proposal exists \\(nothing is changed; to switch, remove the agreement and accept ${cheapest.id}\\)`));
        assert.match(message, /~ monthly: \$\d+\.\d\d => \$\d+\.\d\d \(-\$\d+\.\d\d\)/);
        assert.equal(((await valueOf(run.component.agreement)) as Agreement).proposal.id, "zzzzzzzzzz", "the pinned agreement stands");
    });

    it("refuses an accepted id that today's solve does not reproduce, and malformed config, planning nothing", async () => {
        const unknown = await runProgram({ preview: true, config: { accept: "zzzzzzzzzz" }, args: SHOP });
        assert.ok(unknown.error);
        assert.match(unknown.logs.join("\n"), /accepted proposal zzzzzzzzzz is not what today's inputs produce/);
        assert.deepEqual(unknown.mocks.cloudResources(), []);
        const bad = runProgram({ preview: true, config: { accept: 12345, constraints: { maxMonthlyCost: -3 } }, args: SHOP });
        await assert.rejects(bad, (err: Error) => /stack config shop:shop-db at accept/.test(err.message) && /constraints\.maxMonthlyCost/.test(err.message));
        const badArgs = await runProgram({ preview: true, args: { ...SHOP, constraints: { regions: ["mars-north-1"] } } });
        assert.match(String(badArgs.error?.message), /NegotiatedInstance args at constraints\.regions\[0\]: not an AWS region name/);
        assert.deepEqual(badArgs.mocks.cloudResources(), []);
    });

    it("accepts automatically with a negotiator policy and provisions the pick", async () => {
        const run = await runProgram({ preview: false, args: { ...SHOP, negotiator: "cheapest" } });
        assert.equal(run.status, "accepted");
        const proposals = await valueOf(run.component.proposals);
        const cheapest = Math.min(...proposals.map((p) => p.monthlyCost.total));
        assert.equal(await valueOf(run.component.monthlyCost), cheapest);
        assert.match(run.logs.join("\n"), /the cheapest negotiator accepted/);
        assert.ok(run.mocks.cloudResources().length > 0);
    });

    it("counts the persona's usage: proposed per preview, provisioned once per configuration however often up runs", async () => {
        const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "persona-usage-"));
        fs.mkdirSync(path.join(projectDir, "personas"));
        const preview = await runProgram({ preview: true, projectDir, args: SHOP });
        const [first, second] = await valueOf(preview.component.proposals);
        for (const id of [first.id, first.id, second.id]) {
            const up = await runProgram({ preview: false, projectDir, config: { accept: id }, args: SHOP });
            assert.equal(up.error, undefined, up.error?.message);
        }
        const events = fs
            .readFileSync(path.join(projectDir, "personas", "postgres-oltp", "usage.jsonl"), "utf8")
            .trim()
            .split("\n")
            .map((line) => (JSON.parse(line) as { event: string }).event);
        assert.deepEqual(events, ["proposed", "provisioned", "provisioned"]);
    });

    it("records a compact summary of the agreement in its inputs so the engine diffs it", async () => {
        const run = await runProgram({ preview: true, args: SHOP });
        const component = run.mocks.resources.find((r) => r.type === "pulumi-persona:index:NegotiatedInstance");
        assert.ok(component, "the component is registered");
        assert.equal(component.inputs.agreement, "none (proposing)");
        const { proposals } = await offered();
        const accepted = await runProgram({ preview: true, config: { accept: proposals[0].id }, args: SHOP });
        const registered = accepted.mocks.resources.find((r) => r.type === "pulumi-persona:index:NegotiatedInstance");
        assert.match(String(registered?.inputs.agreement), new RegExp(`^${proposals[0].id}: \\d+ x `));
    });
});
