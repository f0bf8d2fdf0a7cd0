import * as assert from "node:assert/strict";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/assets";
import { Proposal } from "../../src/solver/proposal";
import { awsProviderVersion, COMPONENT_TYPE, diagnosticsOn, findPulumiCli, Preview, PulumiWorkspace, tableIds, urnName, urnType } from "./workspace";

/**
 * The negotiation loop as a user runs it, through the real Pulumi engine (the CLI built by
 * scripts/install-pulumi-cli.sh) on a copy of examples/ecommerce-web with a local file backend:
 * `pulumi preview`, `pulumi config set`, `persona accept`, `pulumi preview` again.
 *
 * The AWS provider plugin (pulumi-resource-aws) cannot be downloaded or built on this project's
 * machines, so once a proposal is agreed the preview stops where the engine loads that plugin to
 * plan the first AWS resource. The tests assert exactly that: the only error is the missing aws
 * provider plugin, and nothing in the negotiation failed. What `pulumi up` creates from an
 * agreement is covered by the mock-engine tests in test/pulumi.
 */

const cli = findPulumiCli();
const EXAMPLES = path.join(PACKAGE_ROOT, "examples");
const STACK_TYPE = "pulumi:pulumi:Stack";
const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

/** Skips the whole suite when the CLI has not been built, saying why and how to build it (call from `before`). */
function skipWithoutCli(context: Mocha.Context): void {
    if ("missing" in cli) {
        console.log(`      skipped: ${cli.missing}`);
        context.skip();
    }
}

function workspaceFor(source: string, options?: Parameters<typeof PulumiWorkspace.create>[2]): PulumiWorkspace {
    assert.ok("bin" in cli, "the suite's before hook skips without a CLI");
    return PulumiWorkspace.create(cli.bin, source, options);
}

function errors(preview: Preview): { type: string; name: string; message: string }[] {
    return preview.diagnostics.filter((d) => d.severity === "error").map((d) => ({ type: urnType(d.urn), name: urnName(d.urn), message: d.message.trim() }));
}

/** The one message the component printed in this preview. */
function componentMessage(preview: Preview, name: string): { severity: string; message: string } {
    const messages = diagnosticsOn(preview, COMPONENT_TYPE, name);
    assert.equal(messages.length, 1, `one message on ${name}: ${JSON.stringify(preview.diagnostics, null, 2)}`);
    return messages[0];
}

function componentInputs(preview: Preview, name: string): Record<string, unknown> {
    const step = preview.steps.find((s) => urnType(s.urn) === COMPONENT_TYPE && urnName(s.urn) === name);
    assert.ok(step, `a step for the component ${name}`);
    return step.newState?.inputs ?? {};
}

/**
 * After an agreement: the preview got past the negotiation and asked the engine for the AWS
 * provider (the engine only creates a default provider when the program registers an AWS resource
 * or calls an AWS function), and that is the only error.
 */
function assertStoppedAtMissingAwsPlugin(preview: Preview): void {
    assert.notEqual(preview.code, 0, "the preview cannot finish without the aws provider plugin");
    assert.deepEqual(errors(preview), [
        {
            type: AWS_PROVIDER_TYPE,
            name: `default_${awsProviderVersion().replace(/\./g, "_")}`,
            message: `error: no resource plugin 'pulumi-resource-aws' found in the workspace at version v${awsProviderVersion()} or on your $PATH`,
        },
    ]);
}

describe("the negotiation loop through the real Pulumi CLI (examples/ecommerce-web, local backend)", function () {
    this.timeout(120_000);
    let ws: PulumiWorkspace | undefined;
    let offered: Proposal[] = [];
    let ceiling = 0;

    before(function () {
        skipWithoutCli(this);
        ws = workspaceFor(path.join(EXAMPLES, "ecommerce-web"));
    });
    after(() => ws?.remove());

    it("pulumi preview shows the proposals table and their ids on the component, and plans no AWS resource", () => {
        const preview = ws!.preview();
        assert.equal(preview.code, 0, preview.stderr);
        const { severity, message } = componentMessage(preview, "shop-web");
        assert.equal(severity, "info");
        assert.match(message, /^\d proposals for shop-web; nothing is provisioned until one is accepted\./);
        assert.match(message, /^\s*\*\s+[a-z]+\s+\S+/m, "the recommended row is marked");
        assert.match(message, /Cost basis: .*730 h\/month/);
        offered = ws!.record("shop-web").proposals;
        assert.ok(offered.length >= 3, `${offered.length} proposals`);
        assert.deepEqual(tableIds(message), offered.map((p) => p.id), "the table lists exactly the proposals the preview recorded for persona accept");
        for (const p of offered) {
            assert.ok(message.includes(`pulumi config set --path 'shop-web.accept' ${p.id}`), `the command accepting ${p.id}`);
        }
        assert.deepEqual(preview.steps.map((s) => urnType(s.urn)).sort(), [COMPONENT_TYPE, STACK_TYPE], "no AWS resource before an agreement");
        assert.equal(componentInputs(preview, "shop-web").agreement, "none (proposing)");
    });

    it("pulumi config set --path 'shop-web.constraints.maxMonthlyCost' changes the proposals", () => {
        const costs = offered.map((p) => p.monthlyCost.total);
        ceiling = Math.floor((Math.min(...costs) + Math.max(...costs)) / 2);
        ws!.configSet("shop-web.constraints.maxMonthlyCost", String(ceiling));
        const preview = ws!.preview();
        assert.equal(preview.code, 0, preview.stderr);
        const now = ws!.record("shop-web").proposals;
        assert.ok(now.length > 0);
        assert.deepEqual(tableIds(componentMessage(preview, "shop-web").message), now.map((p) => p.id));
        for (const p of now) {
            assert.ok(p.monthlyCost.total <= ceiling, `${p.id} costs ${p.monthlyCost.total} > ${ceiling}`);
        }
        for (const p of offered.filter((o) => o.monthlyCost.total > ceiling)) {
            assert.ok(!now.some((n) => n.id === p.id), `${p.id} ($${p.monthlyCost.total}) is no longer offered`);
        }
        assert.notDeepEqual(now.map((p) => p.id), offered.map((p) => p.id));
        offered = now;
    });

    it("pulumi config set --path 'shop-web.reject[0]' <id> removes that proposal", () => {
        const rejected = offered[0].id;
        ws!.configSet("shop-web.reject[0]", rejected);
        const preview = ws!.preview();
        assert.equal(preview.code, 0, preview.stderr);
        const ids = tableIds(componentMessage(preview, "shop-web").message);
        assert.ok(ids.length > 0);
        assert.ok(!ids.includes(rejected), `${rejected} was rejected but is offered again: ${ids.join(", ")}`);
        offered = ws!.record("shop-web").proposals;
        assert.ok(offered.every((p) => p.monthlyCost.total <= ceiling), "the constraint still holds");
    });

    it("persona accept writes the agreement; the next preview moves on to planning the AWS resources and stops only at the missing aws provider plugin", () => {
        const chosen = offered.find((p) => p.recommended) ?? offered[0];
        const accept = ws!.persona(["accept", "shop-web", chosen.id.slice(0, 6)]);
        assert.equal(accept.code, 0, accept.stderr);
        assert.match(accept.stdout, new RegExp(`^Agreed ${chosen.id}: `));
        const config = ws!.stackConfig("shop-web", "shop-web") as { agreement?: { proposal: { id: string } }; reject?: unknown; constraints?: { maxMonthlyCost?: number } };
        assert.equal(config.agreement?.proposal.id, chosen.id);
        assert.ok(Array.isArray(config.reject), "rejections are kept beside the agreement: never suggested as better later");
        assert.equal(config.constraints?.maxMonthlyCost, ceiling, "constraints are kept");

        const preview = ws!.preview();
        const { severity, message } = componentMessage(preview, "shop-web");
        assert.equal(severity, "info", "nothing in the negotiation failed");
        assert.match(message, new RegExp(`^Agreement ${chosen.id}: ${chosen.count} x ${chosen.instanceType.replace(".", "\\.")} .*: provisioning exactly this\\.`));
        assert.match(String(componentInputs(preview, "shop-web").agreement), new RegExp(`^${chosen.id}: `), "the agreement is in the component's inputs, for pulumi preview --diff");
        // The aws provider plugin cannot be installed here: this is where planning the EC2
        // instances, volumes and security group would go on (see test/pulumi for what it plans).
        assertStoppedAtMissingAwsPlugin(preview);
    });

    it("a malformed config value stops the preview with an error naming the config path, before anything is planned", () => {
        ws!.configSet("shop-web.constraints.maxMonthlyCost", "cheap");
        const preview = ws!.preview();
        assert.notEqual(preview.code, 0);
        const found = errors(preview);
        assert.equal(found.length, 1, JSON.stringify(found));
        // The program fails before registering anything: --json gives the error no URN (the text output shows it under the stack).
        assert.ok(["", STACK_TYPE].includes(found[0].type), `the error is the program's, not a resource's: ${found[0].type}`);
        assert.match(found[0].message, /stack config shop-web:shop-web at constraints\.maxMonthlyCost: expected number, received string\. Fix: /);
        assert.ok(!preview.steps.some((s) => urnType(s.urn) === COMPONENT_TYPE), "the component is not planned");
        assert.ok(!preview.diagnostics.some((d) => urnType(d.urn) === AWS_PROVIDER_TYPE), "no AWS provider is asked for");
    });
});

describe("the example programs and the root demo under the real Pulumi CLI", function () {
    this.timeout(120_000);
    const workspaces: PulumiWorkspace[] = [];
    before(function () {
        skipWithoutCli(this);
    });
    after(() => workspaces.forEach((w) => w.remove()));

    it("examples/pci-database: every proposal carries PCI DSS controls, and a modification that drops one is refused naming the requirement", () => {
        const ws = workspaceFor(path.join(EXAMPLES, "pci-database"));
        workspaces.push(ws);
        ws.configSet("network.vpcId", "vpc-0a1b2c3d4e5f60718");
        ws.configSet("network.subnetIds[0]", "subnet-0aa11bb22cc33dd44");
        const preview = ws.preview();
        assert.equal(preview.code, 0, preview.stderr);
        assert.match(componentMessage(preview, "shop-db").message, /^\d proposals for shop-db/);
        const proposals = ws.record("shop-db").proposals;
        for (const p of proposals) {
            assert.equal(p.security.settings.kmsKey, "customer-managed", p.id);
            assert.ok(p.security.evidence.some((e) => e.requirements.some((r) => r.framework === "pci-dss")), `${p.id} cites PCI DSS`);
        }

        ws.configSet("shop-db.modify.proposal", proposals[0].id);
        ws.configSet("shop-db.modify.security.kmsKey", "aws-managed");
        const refused = ws.preview();
        assert.notEqual(refused.code, 0);
        const messages = diagnosticsOn(refused, COMPONENT_TYPE, "shop-db");
        assert.ok(messages.length > 0 && messages.every((m) => m.severity === "error"));
        assert.match(messages[0].message, new RegExp(`^error: the modification of ${proposals[0].id} breaks a hard constraint\\n.*security\\.kmsKey: .*pci-dss`, "s"));
        assert.ok(!refused.diagnostics.some((d) => urnType(d.urn) === AWS_PROVIDER_TYPE), "nothing is planned from a refused modification");
    });

    it("examples/nightly-analytics: the cheapest negotiator accepts without a person, and the preview moves on to planning AWS resources", () => {
        const ws = workspaceFor(path.join(EXAMPLES, "nightly-analytics"));
        workspaces.push(ws);
        const preview = ws.preview();
        const proposals = ws.record("nightly-etl").proposals;
        const cheapest = [...proposals].sort((a, b) => a.monthlyCost.total - b.monthlyCost.total)[0];
        const { severity, message } = componentMessage(preview, "nightly-etl");
        assert.equal(severity, "info");
        assert.match(message, new RegExp(`^Accepted ${cheapest.id}: .* \\(automated negotiation\\)\\.\\n`));
        assert.ok(message.includes(`persona accept nightly-etl ${cheapest.id}`), "says how to pin it");
        assertStoppedAtMissingAwsPlugin(preview);
    });

    it("the engine's own pulumi preview --diff shows a change of agreement on the component", () => {
        const ws = workspaceFor(path.join(EXAMPLES, "nightly-analytics"));
        workspaces.push(ws);
        // `pulumi up` saves the component (and its inputs) before it stops at the missing aws plugin.
        const up = ws.pulumi(["up", "--yes", "--skip-preview"]);
        assert.match(up.stdout, /no resource plugin 'pulumi-resource-aws'/);
        const spot = ws.record("nightly-etl").proposals.find((p) => p.purchase === "spot");
        assert.ok(spot, "the cheapest pick is spot");
        ws.configSet("nightly-etl.constraints.purchase", "on-demand");
        const diff = ws.pulumi(["preview", "--diff"]);
        assert.match(diff.stdout, /~ pulumi-persona:index:NegotiatedInstance: \(update\)/);
        const change = /~ agreement: "([a-z]{10}): ([^"]+)" => "([a-z]{10}): ([^"]+)"/.exec(diff.stdout);
        assert.ok(change, diff.stdout);
        assert.match(change[2], / spot in /);
        assert.match(change[4], / on-demand in /);
    });

    it("the root Pulumi.yaml demo (main: examples/demo/index.ts) records proposals in the project directory, where persona accept finds them", () => {
        const ws = workspaceFor(PACKAGE_ROOT, { files: ["Pulumi.yaml", "package.json", "tsconfig.json", "examples/demo"], links: ["dist"] });
        workspaces.push(ws);
        const preview = ws.preview();
        assert.equal(preview.code, 0, preview.stderr);
        assert.match(componentMessage(preview, "shop-db").message, /^\d proposals for shop-db/);
        const chosen = ws.record("shop-db").proposals[0];
        const accept = ws.persona(["accept", "shop-db", chosen.id]);
        assert.equal(accept.code, 0, accept.stderr);
        const agreed = ws.preview();
        assert.match(componentMessage(agreed, "shop-db").message, new RegExp(`^Agreement ${chosen.id}: `));
        assertStoppedAtMissingAwsPlugin(agreed);
    });
});
