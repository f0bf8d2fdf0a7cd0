import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_ROOT } from "../../src/assets";
import { checkSettings, EU_REGIONS, FRAMEWORK_RULES, securityCosts, securityRequirements } from "../../src/compliance";
import { InputError } from "../../src/errors";
import { FRAMEWORKS, Framework, SecurityProfile } from "../../src/persona/schema";
import { openPersonaStore } from "../../src/persona/store";
import { defaultCatalog } from "../../src/catalog/catalog";
import { solve } from "../../src/solver/solve";
import { flatDemand } from "../solver/random-inputs";

const DATA = path.join(PACKAGE_ROOT, "..", "shared", "data", "compliance");
const FILES: Record<Framework, string> = { "pci-dss": "pci_4.0_aws.json", hipaa: "hipaa_aws.json", soc2: "soc2_aws.json", gdpr: "gdpr_aws.json" };

interface ProwlerRequirement {
    Id: string;
    Checks: string[];
    Attributes: { Section?: string }[];
}

/** Our requirement id as Prowler's data spells it (PCI's real number is the Section). */
function matches(framework: Framework, ours: string, req: ProwlerRequirement): boolean {
    switch (framework) {
        case "pci-dss": {
            // A requirement includes its sub-requirements: 10.2.1 covers 10.2.1.1.
            const section = /^[\dA.]+(?=:)/.exec(req.Attributes[0]?.Section ?? "")?.[0] ?? "";
            return section === ours || section.startsWith(`${ours}.`);
        }
        case "hipaa":
            return req.Id === ours.replace(/[.()]+/g, "_").replace(/_+$/, "").toLowerCase();
        case "soc2":
            return req.Id === ours.toLowerCase().replace(/^cc(\d)\.(\d)$/, "cc_$1_$2").replace(/^pi(\d)\.(\d)$/, "pi_$1_$2");
        case "gdpr":
            return req.Id === ours.replace("art_", "article_");
    }
}

const pciProfile = (overrides: Partial<SecurityProfile> = {}): SecurityProfile => ({
    sensitivity: "confidential",
    compliance: [],
    ingress: [{ protocol: "tcp", ports: { from: 5432, to: 5432 }, cidr: "10.0.0.0/16", description: "PostgreSQL from the app" }],
    egress: [{ protocol: "tcp", ports: { from: 443, to: 443 }, cidr: "0.0.0.0/0", description: "HTTPS out" }],
    encryption: { atRestKey: "aws-managed", inTransit: true },
    access: { method: "ssh-bastion", administrators: [], bastionCidr: "10.0.100.0/28" },
    tenancy: "default",
    residency: [],
    ...overrides,
});

describe("compliance", () => {
    describe("the mapping is built from the framework data", function () {
        before(function () {
            if (!fs.existsSync(DATA)) {
                this.skip(); // The shared data sits beside the repository in this workspace and in CI.
            }
        });
        for (const framework of FRAMEWORKS) {
            it(`cites ${framework} requirements that exist and map the cited check`, () => {
                const data = JSON.parse(fs.readFileSync(path.join(DATA, FILES[framework]), "utf8")) as { Requirements: ProwlerRequirement[] };
                for (const rule of FRAMEWORK_RULES[framework]) {
                    for (const requirement of rule.requirements) {
                        const found = data.Requirements.filter((r) => matches(framework, requirement.id, r));
                        if (rule.check === undefined) {
                            // GDPR's transfer rules (Chapter V) have no technical check in the data; the rest must exist.
                            if (framework !== "gdpr") {
                                assert.ok(found.length > 0, `${framework} ${requirement.id} is not in the data`);
                            }
                            continue;
                        }
                        assert.ok(found.length > 0, `${framework} ${requirement.id} is not in the data`);
                        assert.ok(found.some((r) => r.Checks.includes(rule.check as string)), `${framework} ${requirement.id} does not map ${rule.check}`);
                    }
                }
            });
        }
    });

    for (const framework of FRAMEWORKS) {
        it(`gives ${framework} settings that satisfy every mapped requirement, with evidence`, () => {
            const req = securityRequirements({ role: "database", profile: pciProfile(), compliance: [framework] });
            assert.deepEqual(checkSettings(req.settings, req, req.allowedRegions[0]), []);
            const cited = new Set(req.evidence.flatMap((e) => e.requirements.filter((r) => r.framework === framework).map((r) => r.id)));
            for (const rule of FRAMEWORK_RULES[framework]) {
                for (const requirement of rule.requirements) {
                    assert.ok(cited.has(requirement.id), `${framework} ${requirement.id} is in the evidence`);
                }
            }
        });
    }

    describe("as hard constraints on the solver", () => {
        const catalog = defaultCatalog();
        const demand = flatDemand("database", { cpu: 3, memoryGiB: 20, iops: 4000, throughputMBps: 150, storageGiB: 300, sustained: 0.6 });
        for (const framework of FRAMEWORKS) {
            it(`offers only ${framework}-compliant proposals, each with its evidence`, () => {
                const result = solve({ demand, constraints: { regions: "all", compliance: [framework] }, catalog, profile: pciProfile() });
                assert.ok(result.ok, result.ok ? "" : result.infeasible.summary);
                const req = securityRequirements({ role: "database", profile: pciProfile(), compliance: [framework] });
                for (const p of result.proposals) {
                    assert.deepEqual(checkSettings(p.security.settings, req, p.region), [], `${p.id} ${p.instanceType} in ${p.region}`);
                    const cited = new Set(p.security.evidence.flatMap((e) => e.requirements.filter((r) => r.framework === framework).map((r) => r.id)));
                    for (const rule of FRAMEWORK_RULES[framework]) {
                        rule.requirements.forEach((r) => assert.ok(cited.has(r.id), `${p.id} cites ${framework} ${r.id}`));
                    }
                }
            });
        }

        it("keeps GDPR proposals in EU regions even with regions all", () => {
            const result = solve({ demand, constraints: { regions: "all", compliance: ["gdpr"] }, catalog });
            assert.ok(result.ok);
            assert.ok(result.proposals.every((p) => (EU_REGIONS as readonly string[]).includes(p.region)), result.proposals.map((p) => p.region).join(", "));
        });
    });

    it("applies the secure defaults to every persona, compliance or not", () => {
        const { personas } = openPersonaStore({ builtins: true, userDir: path.join(PACKAGE_ROOT, "personas") }).list();
        const store = openPersonaStore({ userDir: path.join(PACKAGE_ROOT, "personas") });
        for (const { name } of personas) {
            const persona = store.get(name).persona;
            const { settings, evidence } = securityRequirements({ role: persona.role.kind, profile: persona.security });
            assert.equal(settings.imdsv2, true);
            assert.equal(settings.ebsEncryption, true);
            assert.ok(!settings.ingress.some((r) => r.cidr === "0.0.0.0/0" && r.ports.from <= 22 && 22 <= r.ports.to), `${name}: no public SSH`);
            assert.ok(evidence.some((e) => e.setting === "instanceProfile"), `${name}: least-privilege role`);
            assert.deepEqual(settings.egress, persona.security.egress, `${name}: egress exactly as the profile allows`);
        }
    });

    it("strengthens settings for PCI DSS: customer key, monitoring, a year of logs, SSM", () => {
        const { settings, evidence } = securityRequirements({ role: "database", profile: pciProfile(), compliance: ["pci-dss"] });
        assert.equal(settings.kmsKey, "customer-managed");
        assert.equal(settings.kmsKeyRotation, true);
        assert.equal(settings.detailedMonitoring, true);
        assert.equal(settings.logRetentionDays, 365);
        assert.equal(settings.access, "ssm");
        assert.equal(settings.publicIp, false);
        const encryption = evidence.find((e) => e.setting === "ebsEncryption");
        assert.ok(encryption?.requirements.some((r) => r.framework === "pci-dss" && r.id === "3.5.1"));
        assert.ok(evidence.find((e) => e.setting === "logRetentionDays")?.requirements.some((r) => r.id === "10.5.1"));
    });

    it("refuses a modification that breaks a requirement, naming it", () => {
        const req = securityRequirements({ role: "database", profile: pciProfile(), compliance: ["pci-dss", "hipaa"] });
        const weakened = { ...req.settings, kmsKey: "aws-managed" as const, kmsKeyRotation: false, logRetentionDays: 30 };
        const violations = checkSettings(weakened, req);
        assert.ok(violations.some((v) => v.setting === "kmsKey" && v.requirements.some((r) => r.id === "3.7.4")));
        assert.ok(violations.some((v) => v.setting === "logRetentionDays" && /164\.312\(b\)/.test(v.message)));
        const stronger = { ...req.settings, logRetentionDays: 3653, backupRetentionDays: 90 };
        assert.deepEqual(checkSettings(stronger, req), []);
    });

    it("keeps GDPR workloads in EU regions, intersected with the persona's residency", () => {
        const req = securityRequirements({ role: "api-service", compliance: ["gdpr"] });
        assert.deepEqual([...req.allowedRegions], [...EU_REGIONS].sort());
        assert.ok(checkSettings(req.settings, req, "us-east-1").some((v) => v.setting === "region" && /art_44/.test(v.message)));
        const pinned = securityRequirements({ role: "api-service", profile: pciProfile({ residency: ["eu-central-1", "us-east-1"] }), compliance: ["gdpr"] });
        assert.deepEqual([...pinned.allowedRegions], ["eu-central-1"]);
        assert.throws(
            () => securityRequirements({ role: "api-service", profile: pciProfile({ residency: ["us-east-1"] }), compliance: ["gdpr"] }),
            (err: unknown) => err instanceof InputError && err.issues[0].path === "security.residency" && /gdpr art_44/.test(err.message),
        );
    });

    it("rejects a trust boundary that opens SSH to the internet, naming the rule", () => {
        const open = pciProfile({ ingress: [{ protocol: "tcp", ports: { from: 22, to: 22 }, cidr: "0.0.0.0/0", description: "ssh" }] });
        assert.throws(
            () => securityRequirements({ role: "web-server", profile: open }),
            (err: unknown) => err instanceof InputError && err.issues[0].path === "security.ingress[0]" && /no-public-admin-ports/.test(err.message),
        );
        const https = pciProfile({ ingress: [{ protocol: "tcp", ports: { from: 443, to: 443 }, cidr: "0.0.0.0/0", description: "https" }], sensitivity: "internal" });
        assert.equal(securityRequirements({ role: "web-server", profile: https }).settings.publicIp, true, "a public web server keeps its public address");
        assert.throws(() => securityRequirements({ role: "web-server", profile: https, compliance: ["pci-dss"] }), /pci-dss 1\.3\.1/);
    });

    it("prices what compliance adds: key, monitoring, logs, snapshots, dedicated tenancy", () => {
        const { settings } = securityRequirements({ role: "database", profile: pciProfile({ tenancy: "dedicated" }), compliance: ["pci-dss", "hipaa"] });
        const items = securityCosts(settings, 2, 500, 400);
        const detail = items.map((i) => i.detail).join("; ");
        assert.match(detail, /KMS key/);
        assert.match(detail, /detailed monitoring, 2 instance/);
        assert.match(detail, /snapshots kept 30 days/);
        assert.match(detail, /dedicated tenancy per-region fee/);
        assert.equal(items.find((i) => /premium/.test(i.detail))?.monthly, 40);
        const plain = securityCosts(securityRequirements({ role: "database" }).settings, 1, 500);
        assert.ok(plain.every((i) => !/KMS|monitoring|dedicated/.test(i.detail)));
    });
});
