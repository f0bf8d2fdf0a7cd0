import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { METRICS } from "../../src/persona/schema";
import { runCli, spawnCli } from "../support/cli";

/** The JSON shape of `persona analyze --json` (the issue's, plus storage, sensitivity and questions). */
function assertAnalysisShape(json: Record<string, unknown>): void {
    assert.deepEqual(Object.keys(json).filter((k) => k !== "sensitivity"), ["role", "confidence", "demand", "compliance", "assumptions", "questions"]);
    const demand = json.demand as Record<string, { peak: number; average: number; sustained: number; series: number[] }>;
    for (const m of METRICS) {
        assert.deepEqual(Object.keys(demand[m]).sort(), ["average", "peak", "series", "sustained"]);
        assert.equal(demand[m].series.length, 168);
    }
    for (const a of json.assumptions as { name: string; value: unknown; source: string }[]) {
        assert.equal(typeof a.name, "string");
        assert.ok(["number", "string", "boolean"].includes(typeof a.value));
        assert.equal(typeof a.source, "string");
    }
}

describe("persona analyze", () => {
    it("prints the analysis as JSON", async () => {
        const { code, stdout, stderr } = await runCli(["analyze", "--workload", "patient records API for 300 clinics, EU residents", "--json"]);
        assert.equal(code, 0, stderr);
        const json = JSON.parse(stdout);
        assertAnalysisShape(json);
        assert.equal(json.role, "api-service");
        assert.deepEqual(json.compliance, ["hipaa", "gdpr"]);
        assert.equal(json.demand.units.cpu, "vCPU");
        assert.ok(json.assumptions.some((a: { name: string; value: unknown }) => a.name === "organisations" && a.value === 300));
    });

    it("shows the series as a chart and lists the assumptions", async () => {
        const { code, stdout } = await runCli(["analyze", "--workload", "nightly ETL of 2 TB of clickstream data"]);
        assert.equal(code, 0);
        assert.match(stdout, /role: batch-worker/);
        assert.match(stdout, /load shape: nightly-batch/);
        assert.match(stdout, /^cpu +vCPU +[\d.]+ +[\d.]+ +[\d.]+ +[▁▂▃▄▅▆▇█ ]{48}$/m);
        assert.match(stdout, /dataPerRunGiB +1862\.645 GiB +your text: "2 TB"/);
        assert.match(stdout, /--assume name=value/);
    });

    it("reads a structured workload from YAML, with overrides from --assume", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "analyze-"));
        fs.writeFileSync(path.join(dir, "api.yaml"), "kind: http\nrequestsPerSecond: { average: 200, peak: 800 }\ncpuMsPerRequest: 20\ndescription: checkout API, card payments\n");
        const { code, stdout, stderr } = await runCli(["analyze", "--workload-file", "api.yaml", "--assume", "requestKB=4", "--json"], { cwd: dir });
        assert.equal(code, 0, stderr);
        const json = JSON.parse(stdout);
        assert.equal(json.role, "api-service");
        assert.equal(json.confidence, 1);
        assert.equal(json.demand.cpu.peak, 0.25 + (800 * 20) / 1000);
        assert.deepEqual(json.compliance, ["pci-dss"]);
        assert.deepEqual(
            json.assumptions.find((a: { name: string }) => a.name === "requestKB"),
            { name: "requestKB", value: 4, unit: "KB", source: "your override" },
        );
    });

    it("points at the line of a bad value in the file, with exit code 2", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "analyze-"));
        fs.writeFileSync(path.join(dir, "db.yaml"), "kind: database\ndata: 3 XB\n");
        const { code, stderr } = await runCli(["analyze", "--workload-file", "db.yaml"], { cwd: dir });
        assert.equal(code, 2);
        assert.match(stderr, /^error: db\.yaml:2:7 at data: unknown unit "XB" in "3 XB"\. Fix: use one of/m);
    });

    it("refines a base persona from the store", async () => {
        const { code, stdout, stderr } = await runCli(["analyze", "--workload", "our storefront", "--persona", "web-server", "--json"]);
        assert.equal(code, 0, stderr);
        const json = JSON.parse(stdout);
        assert.equal(json.role, "web-server");
        assert.ok(json.assumptions.some((a: { name: string; source: string }) => a.name === "fromPersona" && /web-server@\d/.test(a.source)));
    });

    it("rejects meaningless text, a missing workload, two workloads and a bad --assume", async () => {
        const cases: [string[], RegExp][] = [
            [["analyze", "--workload", "asdf qwerty"], /error: --workload: "asdf qwerty" says nothing/],
            [["analyze"], /error: persona analyze: no workload given\. Fix: use either --workload <text> or --workload-file <file>/],
            [["analyze", "--workload", "x", "--workload-file", "y"], /give the workload once/],
            [["analyze", "--workload", "an API", "--assume", "cpuMsPerRequest"], /error: --assume at cpuMsPerRequest: "cpuMsPerRequest" is not name=value/],
            [["analyze", "--workload", "an API", "--assume", "nope=1"], /unknown assumption "nope"/],
        ];
        for (const [args, pattern] of cases) {
            const { code, stderr } = await runCli(args);
            assert.equal(code, 2, args.join(" "));
            assert.match(stderr, pattern);
        }
    });

    it("works as a user runs it: node bin/persona.js analyze ... --json", () => {
        const { code, stdout, stderr } = spawnCli(["analyze", "--workload", "Redis cache for 5 million sessions", "--json"]);
        assert.equal(code, 0, stderr);
        const json = JSON.parse(stdout);
        assertAnalysisShape(json);
        assert.equal(json.role, "cache");
    });
});
