import * as assert from "node:assert/strict";
import { defaultCatalog } from "../../src/catalog/catalog";
import { securityRequirements, SECURITY_PRICES } from "../../src/compliance";
import { InputError } from "../../src/errors";
import { defaultSecurityProfile } from "../../src/compliance";
import { HOURS_PER_MONTH, Proposal } from "../../src/solver/proposal";
import { reprice, solve, SolveInput, SolveResult } from "../../src/solver/solve";
import { flatDemand } from "./random-inputs";

const catalog = defaultCatalog();

function proposals(result: SolveResult): Proposal[] {
    assert.ok(result.ok, result.ok ? "" : result.infeasible.summary);
    return result.proposals;
}

function byLabel(result: SolveResult, label: Proposal["label"]): Proposal {
    const p = proposals(result).find((x) => x.label === label);
    assert.ok(p, `no ${label} proposal`);
    return p;
}

const web: SolveInput = { demand: flatDemand("web-server", { cpu: 1, memoryGiB: 1, sustained: 0.1, storageGiB: 20 }), constraints: { regions: ["us-east-1"] }, catalog };

describe("solve: proposals", () => {
    it("labels, costs and explains each proposal, with the cost basis and a 730-hour month", () => {
        const ps = proposals(solve(web));
        assert.deepEqual(
            ps.map((p) => p.label),
            ["cost-optimized", "balanced", "performance", "resilient"],
        );
        for (const p of ps) {
            const c = p.monthlyCost;
            assert.equal(Math.round((c.compute + c.storage + c.iops + c.throughput + c.security) * 100) / 100, c.total);
            assert.match(c.basis, /730 h\/month; USD/);
            assert.match(c.basis, /on-demand Linux list prices/);
            assert.equal(p.hourlyCost, Number((c.total / HOURS_PER_MONTH).toFixed(4)));
            assert.ok(p.reason.length > 20);
            assert.match(p.id, /^[bcdfghjkmnpqrstvwxz]{10}$/);
            const offering = catalog.regions.get(p.region)?.byType.get(p.instanceType);
            const compute = c.items.find((i) => i.component === "compute");
            assert.equal(compute?.monthly, Math.round((offering?.onDemand ?? 0) * p.count * HOURS_PER_MONTH * 100) / 100);
        }
        assert.equal(ps.filter((p) => p.recommended).length, 1);
        assert.equal(ps.find((p) => p.recommended)?.label, "balanced");
    });

    it("takes a burstable type only while sustained CPU stays under its baseline", () => {
        const cheap = byLabel(solve(web), "cost-optimized");
        assert.equal(cheap.burstable, true, "0.1 vCPU sustained fits a T-type's baseline");
        const spec = catalog.types.get(cheap.instanceType);
        assert.ok(0.1 / cheap.count < (spec?.vcpus ?? 0) * (spec?.burstBaseline ?? 0));
        // Sustained at the peak: no burstable type's baseline carries it on one instance.
        const steady = solve({ ...web, demand: flatDemand("web-server", { cpu: 1.9, memoryGiB: 1 }), constraints: { regions: ["us-east-1"], count: 1 } });
        for (const p of proposals(steady)) {
            const s = catalog.types.get(p.instanceType);
            assert.ok(!p.burstable || 1.9 < (s?.vcpus ?? 0) * (s?.burstBaseline ?? 0), `${p.instanceType} cannot sustain 1.9 vCPU`);
        }
        // Denying burstable types never makes the cheapest configuration cheaper.
        const denied = byLabel(solve({ ...web, constraints: { ...web.constraints, burstable: "deny" } }), "cost-optimized");
        assert.equal(denied.burstable, false);
        assert.ok(denied.monthlyCost.total >= cheap.monthlyCost.total);
    });

    it("stripes gp3 volumes to meet IOPS and throughput at the lowest cost, within the instance's EBS limits", () => {
        const db = solve({ demand: flatDemand("database", { cpu: 4, memoryGiB: 16, iops: 20000, throughputMBps: 400, storageGiB: 500, sustained: 0.6 }), constraints: { regions: ["eu-west-1"] }, catalog });
        const p = byLabel(db, "cost-optimized");
        const s = p.storage;
        assert.equal(s.volumeType, "gp3");
        assert.equal(s.raid, "raid0");
        assert.ok(s.usableGiB >= 500);
        assert.ok(s.totalIops >= 20000 && s.totalThroughputMBps >= 400, JSON.stringify(s));
        const spec = catalog.types.get(p.instanceType);
        assert.ok((spec?.ebs.maxIops ?? 0) >= 20000 && (spec?.ebs.maxMBps ?? 0) >= 400);
        // Striping beats one volume with the IOPS and throughput provisioned on top.
        const prices = catalog.regions.get("eu-west-1")?.ebs;
        const oneVolume = 500 * (prices?.gp3.gbMonth ?? 0) + (20000 - 3000) * (prices?.gp3.iopsMonth ?? 0) + (400 - 125) * (prices?.gp3.throughputMonth ?? 0);
        assert.ok(p.monthlyCost.storage + p.monthlyCost.iops + p.monthlyCost.throughput - 20 * (prices?.gp3.gbMonth ?? 0) < oneVolume);
        // Resilient mirrors the data volumes across two instances in two zones.
        const r = byLabel(db, "resilient");
        assert.ok(["raid1", "raid10"].includes(r.storage.raid) || r.storage.volumeType === "io2");
        assert.ok(r.count >= 2 && new Set(r.zones).size >= 2);
    });

    it("spreads instances over two zones or more when the uptime target is above 99.9 %", () => {
        const result = solve({ ...web, lifecycle: { uptimeTarget: 99.95, scaling: { min: 1, max: 6 }, expectedDuration: "open-ended", interruptionTolerant: false } });
        for (const p of proposals(result)) {
            assert.ok(p.count >= 2 && new Set(p.zones).size >= 2, `${p.label}: ${p.zones.join(",")}`);
        }
        assert.equal(proposals(result).find((p) => p.recommended)?.label, "resilient");
    });

    it("makes the resilient fleet survive the loss of any one zone, not just one instance", () => {
        for (const cpu of [3, 7, 19.4, 40]) {
            const input: SolveInput = { ...web, demand: flatDemand("web-server", { cpu, memoryGiB: 2, sustained: cpu * 0.6, storageGiB: 20 }) };
            const p = byLabel(solve(input), "resilient");
            const perZone = new Map<string, number>();
            p.zones.forEach((z) => perZone.set(z, (perZone.get(z) ?? 0) + 1));
            const survivors = p.count - Math.max(...perZone.values());
            assert.ok(perZone.size >= 2, `${p.count} x ${p.instanceType} spread over ${perZone.size} zone(s)`);
            assert.ok(survivors * p.vcpus >= cpu, `${p.count} x ${p.instanceType} over ${perZone.size} zones: ${survivors} left carry ${survivors * p.vcpus} vCPU < ${cpu}`);
            assert.match(p.reason, /losing any one zone still leaves enough to carry the peak/);
        }
    });

    it("adds a spot fleet diversified over instance types when interruption is tolerated", () => {
        const result = solve({
            demand: flatDemand("batch-worker", { cpu: 64, memoryGiB: 128 }),
            constraints: { regions: ["us-east-1"] },
            catalog,
            lifecycle: { uptimeTarget: 99, scaling: { min: 2, max: 20 }, expectedDuration: "open-ended", interruptionTolerant: true },
        });
        const spot = byLabel(result, "spot");
        assert.equal(spot.purchase, "spot");
        assert.ok(spot.fleet && spot.fleet.length >= 2, "two instance types or more");
        const total = spot.fleet.reduce((v, m) => v + m.vcpus * m.count, 0);
        assert.ok(total >= 64 && spot.fleet.reduce((v, m) => v + m.memoryGiB * m.count, 0) >= 128);
        for (const m of spot.fleet) {
            assert.ok(total - m.vcpus * m.count >= 32, `losing ${m.instanceType} leaves half the peak`);
        }
        assert.ok(new Set(spot.zones).size >= 2);
        assert.match(spot.reason, /interruptions possible/);
        // Spot is allowed here, so the cheapest configuration may be spot too.
        assert.ok(byLabel(result, "cost-optimized").monthlyCost.total <= spot.monthlyCost.total);
    });

    it("prices security extras the compliance rules demand, and never proposes spot on dedicated tenancy", () => {
        const profile = { ...defaultSecurityProfile("database"), tenancy: "dedicated" as const };
        const result = solve({
            demand: flatDemand("database", { cpu: 2, memoryGiB: 8, storageGiB: 100 }),
            constraints: { regions: ["eu-west-1"], compliance: ["pci-dss"] },
            catalog,
            profile,
            lifecycle: { uptimeTarget: 99.5, scaling: { min: 1, max: 2 }, expectedDuration: "open-ended", interruptionTolerant: true },
        });
        for (const p of proposals(result)) {
            assert.equal(p.purchase, "on-demand");
            assert.equal(p.security.settings.tenancy, "dedicated");
            assert.equal(p.security.settings.kmsKey, "customer-managed");
            const details = p.monthlyCost.items.filter((i) => i.component === "security").map((i) => i.detail);
            assert.ok(details.includes("dedicated tenancy per-region fee"));
            assert.ok(details.some((d) => /customer-managed KMS key/.test(d)));
            assert.ok(p.monthlyCost.security >= SECURITY_PRICES.dedicatedRegionFeeHourly * 730);
            assert.ok(p.security.evidence.some((e) => e.requirements.some((r) => r.framework === "pci-dss")));
        }
    });

    it("keeps to the allowed regions of a residency requirement", () => {
        const result = solve({ ...web, constraints: { regions: "all", compliance: ["gdpr"] } });
        const eu = securityRequirements({ role: "web-server", compliance: ["gdpr"] }).allowedRegions;
        for (const p of proposals(result)) {
            assert.ok(eu.includes(p.region), p.region);
        }
    });
});

describe("solve: infeasibility", () => {
    it("reports GDPR's EU residency against --region us-east-1 as the conflicting pair", () => {
        const result = solve({ ...web, constraints: { regions: ["us-east-1"], compliance: ["gdpr"] } });
        assert.ok(!result.ok);
        assert.deepEqual(
            result.infeasible.conflicts.map((c) => c.constraint),
            ["regions", "residency"],
        );
        const residency = result.infeasible.conflicts[1];
        assert.match(residency.source, /gdpr art_44/);
        assert.ok((residency.value as string[]).includes("eu-west-1"));
        // One nearest candidate per side: in the region asked for but outside the EU, and in the EU.
        const misses = result.infeasible.nearest.map((n) => n.misses.join("; "));
        assert.ok(misses.some((m) => /^residency: in us-east-1, outside the allowed regions \(gdpr art_44: EU regions\)$/.test(m)), misses.join("\n"));
        assert.ok(misses.some((m) => /^regions: in eu-[a-z]+-\d, not one of the regions asked for \(us-east-1\)$/.test(m)), misses.join("\n"));
    });

    it("names the smallest conflicting set and what the nearest candidates miss, with figures", () => {
        const result = solve({ ...web, constraints: { regions: ["us-east-1"], minMemoryGiB: 32, maxMonthlyCost: 100 } });
        assert.ok(!result.ok);
        const names = result.infeasible.conflicts.map((c) => c.constraint);
        assert.ok(names.includes("minMemoryGiB") && names.includes("maxMonthlyCost"), names.join(","));
        const cost = result.infeasible.conflicts.find((c) => c.constraint === "maxMonthlyCost");
        assert.match(cost?.message ?? "", /^cheapest option otherwise compliant costs \$\d+\.\d\d\/month > maxMonthlyCost 100$/);
        assert.match(cost?.fix ?? "", /raise it to at least \d+/);
        const misses = result.infeasible.nearest.flatMap((n) => n.misses.map((m) => `${n.instanceType}: ${m}`));
        assert.ok(misses.some((m) => /: minMemoryGiB: \d+(\.\d+)? GiB < 32 GiB required$/.test(m)), misses.join("\n"));
        assert.ok(misses.some((m) => /maxMonthlyCost: costs \$\d+\.\d\d\/month > maxMonthlyCost 100/.test(m)), misses.join("\n"));
        // Relaxing any one conflicting constraint must admit something: the set is minimal.
        for (const name of names) {
            const relaxed = { ...web.constraints, minMemoryGiB: 32, maxMonthlyCost: 100 } as Record<string, unknown>;
            if (name === "purchase") {
                continue;
            }
            delete relaxed[name === "regions" ? "regions" : name];
            if (name === "regions") {
                relaxed.regions = "all";
            }
            assert.ok(solve({ ...web, constraints: relaxed }).ok, `relaxing ${name} alone admits a configuration`);
        }
    });

    it("explains a per-instance memory miss in the issue's words", () => {
        const result = solve({ ...web, demand: flatDemand("database", { cpu: 2, memoryGiB: 32 }), constraints: { regions: ["us-east-1"], allowTypes: ["r7i.large", "m7i.large"] } });
        assert.ok(!result.ok);
        const r7i = result.infeasible.nearest.find((n) => n.instanceType === "r7i.large");
        assert.deepEqual(r7i?.misses, ["demand.memory: 16 GiB < 32 GiB required"]);
        assert.deepEqual(result.infeasible.conflicts.map((c) => c.constraint), ["allowTypes", "demand.memory"]);
    });

    it("reports a fixed single instance against an uptime target that needs two zones", () => {
        const result = solve({ ...web, constraints: { regions: ["us-east-1"], count: 1 }, lifecycle: { uptimeTarget: 99.99, scaling: { min: 1, max: 1 }, expectedDuration: "open-ended", interruptionTolerant: false } });
        assert.ok(!result.ok);
        assert.equal(result.infeasible.conflicts[0].constraint, "count");
        assert.match(result.infeasible.conflicts[0].message, /uptime 99\.99 %/);
    });
});

describe("solve: rejected proposals", () => {
    it("offers alternatives that avoid the configurations the user rejected", () => {
        const first = proposals(solve(web));
        const rejected = first.map((p) => p.id);
        const second = proposals(solve({ ...web, rejected }));
        assert.ok(second.length >= 3);
        for (const p of second) {
            assert.ok(!rejected.includes(p.id));
            assert.ok(!first.some((q) => q.instanceType === p.instanceType && q.region === p.region && q.purchase === p.purchase), `${p.instanceType} was rejected`);
        }
        // An abbreviated id (4+ letters) rejects too, and the same rejection gives the same answer.
        const short = rejected.map((id) => id.slice(0, 5));
        assert.deepEqual(solve({ ...web, rejected: short }), solve({ ...web, rejected }));
    });
});

describe("reprice (modify)", () => {
    const base = byLabel(solve(web), "cost-optimized");

    it("re-costs a changed instance type as a new proposal with its own id", () => {
        const result = reprice({ instanceType: "m7i.large", region: "us-east-1", count: 1 }, web);
        assert.ok(result.ok, result.ok ? "" : JSON.stringify(result.violations));
        assert.equal(result.proposal.label, "modified");
        assert.equal(result.proposal.instanceType, "m7i.large");
        assert.notEqual(result.proposal.id, base.id);
        assert.ok(result.proposal.monthlyCost.total > base.monthlyCost.total);
        // Repricing a proposal's own configuration reproduces its id and cost.
        const same = reprice({ instanceType: base.instanceType, region: base.region, count: base.count, purchase: base.purchase, settings: base.security.settings, ...(base.storage.volumeCount > 0 ? { storage: base.storage } : {}) }, web);
        assert.ok(same.ok);
        assert.equal(same.proposal.id, base.id);
        assert.equal(same.proposal.monthlyCost.total, base.monthlyCost.total);
    });

    it("refuses a type too small for the demand, saying what it misses", () => {
        const input = { ...web, demand: flatDemand("database", { cpu: 2, memoryGiB: 32 }) };
        const result = reprice({ instanceType: "r7i.large", region: "us-east-1" }, input);
        assert.ok(!result.ok);
        assert.deepEqual(result.violations, [{ constraint: "demand.memory", message: "r7i.large: 16 GiB < 32 GiB required" }]);
    });

    it("checks storage changes against the volume limits and the demand", () => {
        const db: SolveInput = { demand: flatDemand("database", { cpu: 2, memoryGiB: 8, iops: 5000, storageGiB: 200 }), constraints: { regions: ["us-east-1"] }, catalog };
        const ok = reprice({ instanceType: "m7i.xlarge", region: "us-east-1", storage: { volumeType: "io2", volumeCount: 1, sizeGiB: 200, iops: 6000, raid: "none" } }, db);
        assert.ok(ok.ok, ok.ok ? "" : JSON.stringify(ok.violations));
        assert.equal(ok.proposal.storage.volumeType, "io2");
        assert.ok(ok.proposal.monthlyCost.iops > 6000 * 0.06);
        const tooFast = reprice({ instanceType: "m7i.xlarge", region: "us-east-1", storage: { volumeType: "gp3", volumeCount: 1, sizeGiB: 200, iops: 20000, raid: "none" } }, db);
        assert.ok(!tooFast.ok);
        assert.match(JSON.stringify(tooFast.violations), /storage\.iops.*gp3 200 GiB takes 3000-16000 IOPS, not 20000/);
        const tooSmall = reprice({ instanceType: "m7i.xlarge", region: "us-east-1", storage: { volumeType: "gp3", volumeCount: 1, sizeGiB: 100, iops: 5000, raid: "none" } }, db);
        assert.ok(!tooSmall.ok);
        assert.match(JSON.stringify(tooSmall.violations), /100 GiB usable < 200 GiB needed/);
        const badRaid = reprice({ instanceType: "m7i.xlarge", region: "us-east-1", storage: { volumeCount: 3, raid: "raid10" } }, db);
        assert.ok(!badRaid.ok);
        assert.match(JSON.stringify(badRaid.violations), /raid10 with 3 volume\(s\)/);
    });

    it("lets security settings only get stronger", () => {
        const pci: SolveInput = { ...web, constraints: { regions: ["us-east-1"], compliance: ["pci-dss"] } };
        const p = byLabel(solve(pci), "cost-optimized");
        const weaker = reprice({ instanceType: p.instanceType, region: p.region, count: p.count, settings: { ...p.security.settings, kmsKey: "aws-managed", kmsKeyRotation: false } }, pci);
        assert.ok(!weaker.ok);
        assert.ok(weaker.violations.some((v) => v.constraint === "security.kmsKey" && /pci-dss/.test(v.message)));
        const stronger = reprice({ instanceType: p.instanceType, region: p.region, count: p.count, settings: { ...p.security.settings, backupRetentionDays: 400 } }, pci);
        assert.ok(stronger.ok);
        assert.ok(stronger.proposal.monthlyCost.security >= p.monthlyCost.security);
    });

    it("refuses unknown types and types the region does not offer", () => {
        const unknown = reprice({ instanceType: "zz9.large", region: "us-east-1" }, web);
        assert.deepEqual(unknown, { ok: false, violations: [{ constraint: "instanceType", message: "unknown instance type zz9.large" }] });
        const gdpr = reprice({ instanceType: "m7i.large", region: "us-east-1" }, { ...web, constraints: { compliance: ["gdpr"] } });
        assert.ok(!gdpr.ok);
        assert.ok(gdpr.violations.some((v) => v.constraint === "residency"));
    });
});

describe("solve: bad input", () => {
    const fails = (input: SolveInput, pattern: RegExp) => assert.throws(() => solve(input), (err: unknown) => err instanceof InputError && pattern.test(err.message));

    it("names the constraint, the value and the fix", () => {
        fails({ ...web, constraints: { regions: ["xx-north-9"] } }, /constraints at regions\[0\]: unknown region "xx-north-9"\. Fix: use one of af-south-1, .*or all/);
        fails({ ...web, constraints: { regions: ["mars"] } }, /constraints at regions\[0\]: not an AWS region name such as eu-west-1/);
        fails({ ...web, constraints: { regions: ["sa-east-1"] } }, /sa-east-1 offers \d+ instance types but the catalog snapshot has no prices for it\. Fix: .*persona catalog refresh/);
        fails({ ...web, constraints: { allowTypes: ["zz9.large"] } }, /constraints at allowTypes\[0\]: "zz9\.large" matches no instance type/);
        fails({ ...web, constraints: { minVcpus: -2 } }, /constraints at minVcpus/);
        fails({ ...web, constraints: { count: 0 } }, /constraints at count/);
        fails({ ...web, constraints: { maxMonthlyCost: 0 } }, /constraints at maxMonthlyCost/);
        fails({ ...web, constraints: { minMemoryGiB: 1e9 } }, /constraints at minMemoryGiB/);
        fails({ ...web, constraints: { regions: ["us-east-1"], compliance: ["iso27001" as "gdpr"] } }, /constraints at compliance\[0\]/);
    });
});
