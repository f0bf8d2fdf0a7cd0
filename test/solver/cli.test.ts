import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli, spawnCli } from "../support/cli";

/** The fields the issue lists for each proposal in `persona propose --json`. */
const PROPOSAL_FIELDS = ["id", "label", "instanceType", "count", "region", "zones", "vcpus", "memoryGiB", "purchase", "storage", "security", "monthlyCost", "reason"];

interface ProposalJson {
    id: string;
    label: string;
    recommended: boolean;
    instanceType: string;
    count: number;
    region: string;
    vcpus: number;
    memoryGiB: number;
    monthlyCost: { total: number; compute: number; storage: number };
}

async function proposeJson(args: string[]): Promise<{ demand: { role: string; cpu: { peak: number } }; proposals: ProposalJson[] }> {
    const { code, stdout, stderr } = await runCli(["propose", ...args, "--json"]);
    assert.equal(code, 0, stderr);
    return JSON.parse(stdout);
}

describe("persona propose", function () {
    this.timeout(60_000);

    it("prints demand and 3-5 proposals as JSON, in the issue's shape, minimums per instance", async () => {
        const json = await proposeJson(["--min-vcpus", "4", "--min-memory-gib", "16", "--region", "eu-west-1"]);
        assert.equal(json.demand.role, "api-service");
        assert.ok(json.proposals.length >= 3 && json.proposals.length <= 5);
        for (const p of json.proposals) {
            for (const field of PROPOSAL_FIELDS) {
                assert.ok(field in p, `${field} missing`);
            }
            assert.ok(p.vcpus >= 4 && p.memoryGiB >= 16, `${p.instanceType}: ${p.vcpus} vCPU, ${p.memoryGiB} GiB`);
            assert.equal(p.region, "eu-west-1");
            assert.ok(p.monthlyCost.total >= p.monthlyCost.compute + p.monthlyCost.storage);
        }
        assert.equal(json.proposals.filter((p) => p.recommended).length, 1);
    });

    it("shows a table: the recommended row marked, the cost basis stated, costs right-aligned", async () => {
        const { code, stdout } = await runCli(["propose", "--cpu", "3", "--sustained-cpu", "1", "--memory-gib", "6", "--storage-gib", "100", "--iops", "4000", "--region", "us-east-1"]);
        assert.equal(code, 0);
        assert.match(stdout, /^Cost basis: USD per 730-hour month; on-demand Linux list prices/m);
        const lines = stdout.split("\n");
        const header = lines.findIndex((l) => /\bid\b.*\blabel\b.*\binstances\b.*\btotal\/month$/.test(l));
        assert.ok(header >= 0, stdout);
        const rows = lines.slice(header + 1, lines.indexOf("* recommended"));
        assert.ok(rows.length >= 3);
        assert.equal(rows.filter((r) => r.startsWith("*")).length, 1);
        // Every total ends in the same column, under the header's last character.
        const end = lines[header].length;
        for (const row of rows) {
            assert.match(row, /\d+\.\d\d$/);
            assert.equal(row.length, end, row);
        }
        assert.match(stdout, /bound by: /);
    });

    it("analyzes a workload in words into demand", async () => {
        const json = await proposeJson(["--workload", "medium-sized e-commerce website, 50k daily users, card payments", "--region", "eu-west-1"]);
        assert.equal(json.demand.role, "web-server");
        assert.ok(json.proposals.length >= 3);
        // Card payments: PCI DSS settings and their evidence on every proposal.
        const { stdout } = await runCli(["propose", "--workload", "medium-sized e-commerce website, 50k daily users, card payments", "--region", "eu-west-1", "--json"]);
        for (const p of JSON.parse(stdout).proposals as { security: { evidence: { requirements: { framework: string }[] }[] } }[]) {
            assert.ok(p.security.evidence.some((e) => e.requirements.some((r) => r.framework === "pci-dss")));
        }
    });

    it("reads a structured workload file and a persona from the built-in store", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "propose-"));
        fs.writeFileSync(path.join(dir, "api.yaml"), "kind: http\nrequestsPerSecond: { average: 200, peak: 800 }\ncpuMsPerRequest: 20\n");
        const fromFile = await runCli(["propose", "--workload-file", "api.yaml", "--region", "us-east-1", "--json"], { cwd: dir });
        assert.equal(fromFile.code, 0, fromFile.stderr);
        assert.equal(JSON.parse(fromFile.stdout).demand.cpu.peak, 0.25 + (800 * 20) / 1000);
        const persona = await runCli(["propose", "--persona", "postgres-oltp", "--json"], { cwd: dir });
        assert.equal(persona.code, 0, persona.stderr);
        assert.equal(JSON.parse(persona.stdout).demand.role, "database");
    });

    it("avoids rejected proposals", async () => {
        const first = await proposeJson(["--min-vcpus", "2", "--region", "us-east-1"]);
        const rejected = first.proposals.flatMap((p) => ["--reject", p.id]);
        const second = await proposeJson(["--min-vcpus", "2", "--region", "us-east-1", ...rejected]);
        const before = new Set(first.proposals.map((p) => p.instanceType));
        assert.ok(second.proposals.every((p) => !before.has(p.instanceType)));
    });

    it("exits 2 with the conflicting constraints and the nearest candidates when nothing fits", async () => {
        const json = await runCli(["propose", "--region", "us-east-1", "--compliance", "gdpr", "--json"]);
        assert.equal(json.code, 2);
        const error = JSON.parse(json.stdout).error;
        assert.equal(error.code, "infeasible");
        assert.deepEqual(
            error.conflicts.map((c: { constraint: string; flag: string }) => [c.constraint, c.flag]),
            [
                ["regions", "--region"],
                ["residency", "--compliance / the persona's residency"],
            ],
        );
        assert.ok(error.nearest.length > 0 && error.nearest[0].misses.length > 0);
        const text = await runCli(["propose", "--region", "us-east-1", "--min-memory-gib", "32", "--max-monthly-cost", "100"]);
        assert.equal(text.code, 2);
        assert.match(text.stderr, /^error: No configuration satisfies /);
        assert.match(text.stderr, /cheapest option otherwise compliant costs \$\d+\.\d\d\/month > maxMonthlyCost 100 \[--max-monthly-cost\]\. Fix: raise it to at least \d+/);
        assert.match(text.stderr, /Nearest candidates and what each misses:\n  1 x \S+ (on-demand|spot) in [a-z0-9-]+ \(\$\d+\.\d\d\/month\):\n      \S+: /);
        assert.equal(text.stdout, "");
    });

    const badInput: [string[], RegExp][] = [
        [["--region", "xx-east-9"], /at --region: unknown region "xx-east-9"\. Fix: use one of af-south-1, .* or all/],
        [["--region", "sa-east-1"], /at --region: region sa-east-1 offers \d+ instance types but the catalog snapshot has no prices for it/],
        [["--region", "all", "--region", "us-east-1"], /at --region: all cannot be combined with named regions/],
        [["--allow-type", "zz9.large"], /at --allow-type: "zz9\.large" matches no instance type in the catalog/],
        [["--compliance", "iso27001"], /at --compliance: unknown framework "iso27001"\. Fix: use one of pci-dss, hipaa, soc2, gdpr/],
        [["--min-vcpus=-2"], /at --min-vcpus: -2 must be above zero/],
        [["--min-vcpus", "-2"], /at --min-vcpus: .*'--min-vcpus=-XYZ'/s],
        [["--count", "0"], /at --count: 0 must be above zero/],
        [["--count", "1.5"], /at --count: "1\.5" is not a whole number/],
        [["--min-memory-gib", "1e9"], /at --min-memory-gib: .*Fix: give a value of at most 32768/],
        [["--max-monthly-cost", "lots"], /at --max-monthly-cost: "lots" is not a number/],
        [["--arch", "sparc"], /at --arch: "sparc" is not one of x86_64, arm64/],
        [["--purchase", "reserved"], /at --purchase: "reserved" is not one of on-demand, spot/],
        [["--cpu", "2", "--sustained-cpu", "3"], /--sustained-cpu/],
        [["--allow-type", "m7i", "--deny-type", "m7i"], /at --deny-type: m7i is both allowed and denied/],
        [["--workload", "a web shop", "--workload-file", "shop.yaml"], /--workload-file/],
        [["--bogus"], /Unknown option '--bogus'/],
    ];
    for (const [args, message] of badInput) {
        it(`refuses ${args.join(" ")}: exit 2, the flag and the fix, no stack trace`, async () => {
            const { code, stdout, stderr } = await runCli(["propose", ...args]);
            assert.equal(code, 2);
            assert.match(stderr, /^error: /);
            assert.match(stderr, message);
            assert.doesNotMatch(stderr, /\n\s+at \S+ \(/);
            assert.equal(stdout, "");
        });
    }

    it("prints bad input as JSON too with --json", async () => {
        const { code, stdout } = await runCli(["propose", "--region", "xx-east-9", "--json"]);
        assert.equal(code, 2);
        assert.deepEqual(Object.keys(JSON.parse(stdout).error), ["code", "issues"]);
        assert.equal(JSON.parse(stdout).error.issues[0].path, "--region");
    });

    it("runs as the installed command", () => {
        const ok = spawnCli(["propose", "--min-vcpus", "2", "--region", "us-west-2", "--json"]);
        assert.equal(ok.code, 0, ok.stderr);
        assert.ok(JSON.parse(ok.stdout).proposals.length >= 3);
        const bad = spawnCli(["propose", "--region", "us-east-1", "--compliance", "gdpr"]);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /^error: No configuration satisfies regions us-east-1 together with data must stay in eu-/);
        assert.doesNotMatch(bad.stderr, /internal error/);
    });
});
