import * as assert from "node:assert/strict";
import { InputError, parseInput } from "../../src/errors";
import { analyzeWorkload } from "../../src/workload/analyze";
import { StructuredWorkload, WorkloadInput } from "../../src/workload/schema";

const GB = 1e9 / 2 ** 30;

/** The problems analyzeWorkload reports for an input, as `path: message` lines. */
function rejects(workload: unknown, options: { assumptions?: Record<string, number> } = {}): InputError {
    try {
        analyzeWorkload(workload as WorkloadInput, { ...options, input: "shop.yaml" });
    } catch (err) {
        assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
        for (const issue of err.issues) {
            assert.ok(issue.fix.length > 0, "every problem comes with a fix");
            assert.equal(issue.input, "shop.yaml");
        }
        return err;
    }
    assert.fail(`accepted ${JSON.stringify(workload)}`);
}

describe("workload schema", () => {
    it("accepts a structured workload of every kind, and gives each its role with full confidence", () => {
        const cases: [WorkloadInput, string][] = [
            [{ kind: "http", requestsPerSecond: { average: 200, peak: 800 }, cpuMsPerRequest: 20, responseKB: 12 }, "api-service"],
            [{ kind: "http", role: "web-server", usersPerDay: 50000 }, "web-server"],
            [{ kind: "database", data: "500 GB", workingSet: "60 GB", transactionsPerSecond: { peak: 2000 }, readRatio: 0.9 }, "database"],
            [{ kind: "cache", keys: 5e6, valueBytes: 1500, operationsPerSecond: { peak: 50000 } }, "cache"],
            [{ kind: "queue", messagesPerSecond: { average: 5000 }, messageKB: 2, retentionHours: 72 }, "message-queue"],
            [{ kind: "batch", dataPerRun: "2 TB", schedule: "nightly", deadlineHours: 4 }, "batch-worker"],
            [{ kind: "ml", task: "inference", modelParameters: 7e9, requestsPerSecond: { peak: 10 } }, "ml-inference"],
            [{ kind: "ml", task: "training", trainingData: "500 GB", gpus: 4 }, "ml-training"],
            [{ kind: "search", documents: 2e6, queriesPerSecond: 50 }, "search"],
            [{ kind: "analytics", data: "5 TB", queriesPerHour: { peak: 120 } }, "analytics"],
            [{ kind: "ci", developers: 40, buildMinutes: 12 }, "ci-runner"],
            [{ kind: "text", text: "Redis cache for 5 million sessions" }, "cache"],
        ];
        for (const [workload, role] of cases) {
            const demand = analyzeWorkload(workload);
            assert.equal(demand.role, role, JSON.stringify(workload));
            if (typeof workload !== "string" && workload.kind !== "text") {
                assert.equal(demand.confidence, 1);
            }
        }
    });

    it("parses sizes with units to GiB and a plain rate as the average", () => {
        const db = parseInput(StructuredWorkload, { kind: "database", data: "5 TB", workingSet: "1 TiB" }, "w");
        assert.ok(db.kind === "database" && Math.abs((db.data ?? 0) - 5000 * GB) < 1e-9 && db.workingSet === 1024);
        const http = parseInput(StructuredWorkload, { kind: "http", requestsPerSecond: 200 }, "w");
        assert.ok(http.kind === "http");
        assert.deepEqual(http.requestsPerSecond, { average: 200, peak: undefined });
    });

    it("rejects an unknown kind, listing the kinds", () => {
        const err = rejects({ kind: "mainframe" });
        assert.match(err.message, /kind/);
        assert.match(err.issues[0].fix, /"http"/);
    });

    it("rejects a peak below the average, at the rate's path", () => {
        const err = rejects({ kind: "http", requestsPerSecond: { average: 500, peak: 100 } });
        assert.equal(err.issues[0].path, "requestsPerSecond.peak");
        assert.match(err.message, /peak 100 is below average 500/);
    });

    it("rejects a working set larger than the data", () => {
        assert.match(rejects({ kind: "database", data: "100 GB", workingSet: "200 GB" }).message, /working set .* is larger than the data/);
    });

    it("rejects a size in an unknown unit, naming the known units", () => {
        const err = rejects({ kind: "batch", dataPerRun: "3 XB" });
        assert.equal(err.issues[0].path, "dataPerRun");
        assert.match(err.issues[0].message, /unknown unit "XB"/);
        assert.match(err.issues[0].fix, /GiB/);
    });

    it("rejects contradictory batch volumes", () => {
        assert.match(rejects({ kind: "batch", dataPerRun: "100 GB", dataPerDay: "1 TB", runsPerDay: 2 }).message, /disagrees with dataPerDay/);
    });

    it("rejects negative figures, unknown fields and wrong types", () => {
        assert.equal(rejects({ kind: "http", usersPerDay: -5 }).issues[0].path, "usersPerDay");
        assert.match(rejects({ kind: "cache", keyz: 5 }).message, /unknown key "keyz"/);
        assert.equal(rejects({ kind: "queue", messageKB: "big" }).issues[0].path, "messageKB");
        assert.equal(rejects({ kind: "ml", requestsPerSecond: 5 }).issues[0].path, "task");
    });

    it("rejects an unknown assumption name, suggesting the near ones", () => {
        const err = rejects({ kind: "http", requestsPerSecond: 100, assumptions: { cpuMsPerReq: 10 } });
        assert.equal(err.issues[0].path, "assumptions.cpuMsPerReq");
        assert.match(err.issues[0].fix, /cpuMsPerRequest/);
        assert.match(rejects("an API with 100 rps", { assumptions: { readRatio: 4 } }).message, /readRatio.*4 is above 1/s);
    });
});
