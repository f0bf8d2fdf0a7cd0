import * as assert from "node:assert/strict";
import { InputError } from "../../src/errors";
import { METRICS, Persona, ROLES, Role } from "../../src/persona/schema";
import { analyzeWorkload } from "../../src/workload/analyze";
import { Demand } from "../../src/workload/demand";
import { WorkloadInput } from "../../src/workload/schema";
import { personaDocument } from "../persona/fixtures";

const GB = 1e9 / 2 ** 30;

function assumption(demand: Demand, name: string): Demand["assumptions"][number] | undefined {
    return demand.assumptions.find((a) => a.name === name);
}

function argmax(series: readonly number[]): number {
    return series.indexOf(Math.max(...series));
}

/** `bigger` needs at least what `smaller` needs, on every metric's peak, average and sustained, and on storage. */
function assertNoLess(smaller: Demand, bigger: Demand, label: string): void {
    for (const m of METRICS) {
        for (const key of ["peak", "average", "sustained"] as const) {
            assert.ok(bigger[m][key] >= smaller[m][key] - 1e-9, `${label}: ${m}.${key} ${bigger[m][key]} < ${smaller[m][key]}`);
        }
    }
    assert.ok(bigger.storageGiB >= smaller.storageGiB - 1e-9, `${label}: storage ${bigger.storageGiB} < ${smaller.storageGiB}`);
    assert.ok((bigger.gpus ?? 0) >= (smaller.gpus ?? 0), `${label}: gpus`);
}

/** At least as much everywhere, and strictly more somewhere: a larger scale is seen. */
function assertMore(smaller: WorkloadInput, bigger: WorkloadInput): void {
    const a = analyzeWorkload(smaller);
    const b = analyzeWorkload(bigger);
    const label = `${JSON.stringify(smaller)} -> ${JSON.stringify(bigger)}`;
    assert.equal(b.role, a.role, `${label}: the role stays the same`);
    assertNoLess(a, b, label);
    assert.ok(METRICS.some((m) => b[m].peak > a[m].peak) || b.storageGiB > a.storageGiB, `${label}: nothing grew`);
}

/** One description per role at medium scale, and what a sane demand for it lies within. */
const TYPICAL: Readonly<Record<Role, { text: string; cpu: [number, number]; memoryGiB: [number, number]; storageGiB: [number, number] }>> = {
    "web-server": { text: "a medium-sized e-commerce website", cpu: [0.5, 16], memoryGiB: [0.5, 32], storageGiB: [5, 500] },
    "api-service": { text: "REST API for our mobile app with 200 requests per second at peak", cpu: [0.5, 32], memoryGiB: [0.25, 32], storageGiB: [1, 500] },
    database: { text: "PostgreSQL database for our online shop, 200 GB of data", cpu: [0.25, 32], memoryGiB: [4, 256], storageGiB: [100, 2000] },
    cache: { text: "Redis cache for 5 million sessions", cpu: [0.1, 8], memoryGiB: [2, 64], storageGiB: [1, 200] },
    "message-queue": { text: "Kafka broker for clickstream events, 20,000 messages per second", cpu: [0.25, 32], memoryGiB: [1, 128], storageGiB: [100, 100000] },
    search: { text: "Elasticsearch for product search over 2 million items", cpu: [0.25, 32], memoryGiB: [1, 128], storageGiB: [1, 2000] },
    analytics: { text: "data warehouse for business reporting with 5 TB of data", cpu: [0.5, 96], memoryGiB: [4, 512], storageGiB: [1000, 20000] },
    "batch-worker": { text: "nightly ETL of 2 TB of clickstream data", cpu: [0.5, 64], memoryGiB: [1, 256], storageGiB: [100, 10000] },
    "ci-runner": { text: "GitHub Actions runner for a team of 30 developers", cpu: [1, 64], memoryGiB: [2, 256], storageGiB: [10, 1000] },
    "ml-inference": { text: "LLM chat endpoint with a 7B parameter model", cpu: [1, 64], memoryGiB: [8, 512], storageGiB: [10, 1000] },
    "ml-training": { text: "train XGBoost on 50 GB of tabular data", cpu: [1, 64], memoryGiB: [8, 1024], storageGiB: [50, 5000] },
};

describe("analyzeWorkload", () => {
    describe("the issue's examples", () => {
        it('"a medium-sized e-commerce website": a web server following the business-hours shape, asking for users a day', () => {
            const d = analyzeWorkload("a medium-sized e-commerce website");
            assert.equal(d.role, "web-server");
            assert.ok(d.confidence > 0.8);
            assert.equal(assumption(d, "loadShape")?.value, "business-hours");
            assert.equal(assumption(d, "usersPerDay")?.value, 50000);
            assert.ok(d.questions.some((q) => /users a day/.test(q)));
            assert.deepEqual(d.compliance, []);
        });

        it('"nightly ETL of 2 TB of clickstream data": a batch worker busiest at night, sized to read 2 TB in the night window', () => {
            const d = analyzeWorkload("nightly ETL of 2 TB of clickstream data");
            assert.equal(d.role, "batch-worker");
            assert.equal(assumption(d, "loadShape")?.value, "nightly-batch");
            assert.ok(Math.abs(Number(assumption(d, "dataPerRunGiB")?.value) - 2000 * GB) < 0.01);
            // 2 TB in 6 hours is ~93 MB/s read plus half that written.
            assert.ok(d.throughputMBps.peak > 100 && d.throughputMBps.peak < 200, `${d.throughputMBps.peak}`);
            assert.ok(d.storageGiB >= 2000 * GB);
            assert.equal(d.questions.length, 0);
        });

        it('"Redis cache for 5 million sessions": memory for 5 million keys, flat; CPU and network follow the users', () => {
            const d = analyzeWorkload("Redis cache for 5 million sessions");
            assert.equal(d.role, "cache");
            assert.equal(assumption(d, "keys")?.value, 5e6);
            assert.ok(d.memoryGiB.peak > 5 && d.memoryGiB.peak < 10, `${d.memoryGiB.peak}`);
            assert.equal(d.memoryGiB.peak, d.memoryGiB.average);
            assert.ok(d.networkMbps.peak > 2 * d.networkMbps.average);
        });

        it('"patient records API for 300 clinics, EU residents": an API under HIPAA and GDPR, users from the clinics', () => {
            const d = analyzeWorkload("patient records API for 300 clinics, EU residents");
            assert.equal(d.role, "api-service");
            assert.deepEqual(d.compliance, ["hipaa", "gdpr"]);
            assert.equal(d.sensitivity, "restricted");
            assert.equal(assumption(d, "organisations")?.value, 300);
            assert.equal(assumption(d, "usersPerDay")?.value, 300 * 25);
            assert.equal(assumption(d, "compliance.hipaa")?.source, 'your text: "patient"');
        });
    });

    it("always gives 168 hourly points per metric with peak = max and average <= sustained <= peak", () => {
        for (const { text } of Object.values(TYPICAL)) {
            const d = analyzeWorkload(text);
            assert.equal(d.intervalMinutes, 60);
            for (const m of METRICS) {
                const metric = d[m];
                assert.equal(metric.series.length, 168, `${text} ${m}`);
                assert.equal(metric.peak, Math.max(...metric.series));
                assert.ok(metric.average <= metric.sustained && metric.sustained <= metric.peak, `${text} ${m}`);
                const mean = metric.series.reduce((s, v) => s + v, 0) / 168;
                assert.ok(Math.abs(mean - metric.average) <= 0.001 + 1e-9);
            }
        }
    });

    it("stays within realistic bounds for every role at typical scale", () => {
        for (const role of ROLES) {
            const t = TYPICAL[role];
            const d = analyzeWorkload(t.text);
            assert.equal(d.role, role, t.text);
            const within = (v: number, [lo, hi]: [number, number], what: string) => assert.ok(v >= lo && v <= hi, `${role} ${what} ${v} outside [${lo}, ${hi}]`);
            within(d.cpu.peak, t.cpu, "cpu");
            within(d.memoryGiB.peak, t.memoryGiB, "memory");
            within(d.storageGiB, t.storageGiB, "storage");
            within(d.iops.peak, [1, 100000], "iops");
            within(d.throughputMBps.peak, [0, 4000], "throughput");
            within(d.networkMbps.peak, [0, 25000], "network");
        }
        assert.ok((analyzeWorkload(TYPICAL["ml-inference"].text).gpus ?? 0) >= 1, "a 7B model is served from a GPU");
    });

    describe("is monotone: a larger workload never needs less", () => {
        it("10x the users", () => {
            assertMore("web shop with 5,000 daily users", "web shop with 50,000 daily users");
            assertMore("mobile app backend API for 10k daily users", "mobile app backend API for 100k daily users");
            assertMore("patient records API for 30 clinics", "patient records API for 300 clinics");
            assertMore({ kind: "http", usersPerDay: 20000 }, { kind: "http", usersPerDay: 200000 });
        });

        it('"large" versus "small", for every role', () => {
            const pairs: [string, string][] = [
                ["a small e-commerce website", "a large e-commerce website"],
                ["a small REST API backend", "a large REST API backend"],
                ["a small Postgres database", "a large Postgres database"],
                ["a small Redis cache", "a large Redis cache"],
                ["a small Kafka broker", "a large Kafka broker"],
                ["a small Elasticsearch cluster", "a large Elasticsearch cluster"],
                ["a small data warehouse", "a large data warehouse"],
                ["a small nightly ETL job", "a large nightly ETL job"],
                ["a small GitHub Actions runner setup", "a large GitHub Actions runner setup"],
                ["small model serving endpoint", "large model serving endpoint"],
                ["small model training job", "large model training job"],
            ];
            const roles = new Set<Role>();
            for (const [small, large] of pairs) {
                assertMore(small, large);
                roles.add(analyzeWorkload(small).role);
            }
            assert.equal(roles.size, ROLES.length, "the pairs cover every role");
            assertMore("a small e-commerce website", "a medium-sized e-commerce website");
            assertMore("a large e-commerce website", "a huge e-commerce website");
        });

        it("more data", () => {
            assertMore("Postgres database with 100 GB of data", "Postgres database with 1 TB of data");
            assertMore("nightly ETL of 200 GB of clickstream data", "nightly ETL of 2 TB of clickstream data");
            assertMore("data warehouse with 1 TB of data", "data warehouse with 10 TB of data");
            assertMore("Redis cache with 2 GB of data", "Redis cache with 20 GB of data");
            assertMore("OpenSearch for 50 GB of logs", "OpenSearch for 500 GB of logs");
            assertMore("OpenSearch for log search, 50 GB of logs a day", "OpenSearch for log search, 500 GB of logs a day");
            assertMore("Kafka ingesting 100 GB a day of events", "Kafka ingesting 1 TB a day of events");
            assertMore("train XGBoost on 50 GB of tabular data", "train XGBoost on 500 GB of tabular data");
            assertMore({ kind: "database", data: "100 GB" }, { kind: "database", data: "1 TB" });
            assertMore({ kind: "batch", dataPerDay: "100 GB", runsPerDay: 24 }, { kind: "batch", dataPerDay: "1 TB", runsPerDay: 24 });
        });

        it("more requests, transactions, messages and predictions", () => {
            assertMore("REST API with 100 requests per second", "REST API with 1,000 requests per second");
            assertMore("Postgres with 300 transactions per second", "Postgres with 3,000 transactions per second");
            assertMore("Kafka broker with 1,000 messages per second", "Kafka broker with 10,000 messages per second");
            assertMore("Redis with 10k operations per second", "Redis with 100k operations per second");
            assertMore("fraud model serving with 50 predictions per second", "fraud model serving with 500 predictions per second");
            assertMore({ kind: "http", requestsPerSecond: { average: 100 } }, { kind: "http", requestsPerSecond: { average: 1000 } });
            assertMore({ kind: "ml", task: "inference", modelParameters: 7e9 }, { kind: "ml", task: "inference", modelParameters: 70e9 });
            assertMore({ kind: "ci", developers: 10 }, { kind: "ci", developers: 100 });
        });
    });

    describe("explains itself", () => {
        it("lists every assumption with its value and source, and takes overrides by name", () => {
            const base = analyzeWorkload("REST API with 100 requests per second at peak");
            assert.equal(assumption(base, "cpuMsPerRequest")?.value, 15);
            assert.match(assumption(base, "peakRequestsPerSecond")?.source ?? "", /your text: "100 requests per second"/);
            assert.match(assumption(base, "peakToAverage")?.source ?? "", /learned "business-hours" shape/);
            const heavier = analyzeWorkload("REST API with 100 requests per second at peak", { assumptions: { cpuMsPerRequest: 100 } });
            assert.deepEqual(assumption(heavier, "cpuMsPerRequest"), { name: "cpuMsPerRequest", value: 100, unit: "ms", source: "your override" });
            assert.equal(heavier.cpu.peak, 0.25 + (100 * 100) / 1000);
            const inFile = analyzeWorkload({ kind: "http", requestsPerSecond: { peak: 100 }, assumptions: { cpuMsPerRequest: 100 } });
            assert.equal(inFile.cpu.peak, heavier.cpu.peak);
        });

        it("follows the timing the text names rather than the role's usual shape", () => {
            const evening = analyzeWorkload("online store whose visitors come in the evening, 20k daily users");
            assert.equal(assumption(evening, "loadShape")?.value, "evening-peak");
            const hour = argmax(evening.networkMbps.series) % 24;
            assert.ok(hour >= 17, `busiest hour ${hour}`);
        });

        it("is deterministic", () => {
            assert.deepEqual(analyzeWorkload("nightly ETL of 2 TB of clickstream data"), analyzeWorkload("nightly ETL of 2 TB of clickstream data"));
        });
    });

    describe("with a base persona as the prior", () => {
        const persona: Persona = Persona.parse(personaDocument({ security: { ...personaDocument().security, compliance: ["pci-dss"] } }));

        it("keeps the persona's profile where the workload states no figure", () => {
            const d = analyzeWorkload("our web shop", { persona });
            assert.equal(d.role, "web-server");
            for (const m of METRICS) {
                assert.deepEqual(d[m].series, persona.performance[m].series, m);
                assert.equal(d[m].peak, persona.performance[m].peak);
            }
            assert.equal(d.storageGiB, 50);
            assert.deepEqual(d.compliance, ["pci-dss"]);
            assert.equal(d.questions.length, 0, "the persona answers the scale questions");
        });

        it("lets the workload's figures set the level, on the persona's timing", () => {
            const d = analyzeWorkload("our web shop, 200 requests per second at peak", { persona });
            assert.equal(d.cpu.peak, 0.25 + (200 * 40) / 1000);
            assert.notEqual(d.cpu.peak, persona.performance.cpu.peak);
            assert.equal(argmax(d.cpu.series), argmax(persona.performance.cpu.series), "busiest hour from the persona");
            assert.equal(d.storageGiB, 50, "storage stays the persona's: nothing stated drives it");
            assert.match(String(assumption(d, "fromPersona")?.source), /shop-web@1/);
        });

        it("lets explicit figures win over the persona", () => {
            const d = analyzeWorkload({ kind: "http", role: "web-server", storage: "1 TB", description: "storefront with 64 GB of RAM" }, { persona });
            assert.equal(d.storageGiB, Math.round(1000 * GB * 1000) / 1000);
            assert.equal(d.memoryGiB.peak, Math.round(64 * GB * 1000) / 1000);
        });

        it("takes the persona's role, sizing the text as what that role serves, and asks when the text names another kind", () => {
            const db = Persona.parse(personaDocument({ name: "pg", role: { kind: "database", description: "Postgres" } }));
            const vague = analyzeWorkload("I need a server", { persona: db });
            const alone = analyzeWorkload("I need a server");
            assert.equal(vague.role, "database");
            assert.ok(vague.confidence > alone.confidence);
            const shop = analyzeWorkload("medium-sized e-commerce website, 50k daily users, card payments", { persona: db });
            assert.equal(shop.role, "database", "the design's example: the shop's database");
            assert.ok(shop.assumptions.some((a) => a.name === "transactionsPerSecond"), "sized from the shop's users as database transactions");
            const kafka = analyzeWorkload("Kafka broker for clickstream events", { persona: db });
            assert.equal(kafka.role, "database");
            assert.ok(kafka.questions.some((q) => /reads as a message-queue.*use a message-queue persona or none/.test(q)), kafka.questions.join(" | "));
        });

        it("adds the text's compliance signals to the persona's", () => {
            assert.deepEqual(analyzeWorkload("web shop for EU residents", { persona }).compliance, ["gdpr", "pci-dss"]);
        });
    });

    describe("bad input", () => {
        const rejects = (workload: WorkloadInput, pattern: RegExp) =>
            assert.throws(
                () => analyzeWorkload(workload, { input: "--workload" }),
                (err: unknown) => err instanceof InputError && pattern.test(err.message) && err.issues.every((i) => i.input === "--workload" && i.fix.length > 0),
            );

        it("rejects empty and meaningless text, saying what to write", () => {
            rejects("", /empty.*Fix: describe what runs/);
            rejects("   ", /empty/);
            rejects("asdf qwerty zxcv", /says nothing the analyzer recognises.*Fix: describe what runs/);
        });

        it("rejects contradictory figures, quoting both", () => {
            rejects("web shop with 50k daily users and 2 million daily users", /usersPerDay is stated twice with different values: 50000 \(your text: "50k daily users"\) and 2 million/);
            rejects("API with average 500 rps and peak 100 rps", /the peak \(100.*\) is below the average \(500/);
        });

        it("rejects unknown units and absurd figures", () => {
            rejects("nightly ETL of 20 XB of data", /unknown unit "XB"/);
            rejects("web shop with 20 billion daily users", /beyond any real workload/);
        });

        it("says which figure it could not use rather than guessing what it counts", () => {
            const d = analyzeWorkload("web shop with 50 bananas per second");
            assert.equal(d.role, "web-server");
            assert.ok(d.questions.some((q) => q.startsWith('"50 bananas per second" was not used')));
            assert.equal(assumption(d, "peakRequestsPerSecond")?.source, "requestsPerSecond x peakToAverage");
        });

        it("gives a low-confidence result that asks what the instance runs when the text is vague", () => {
            const d = analyzeWorkload("I need a server");
            assert.ok(d.confidence < 0.5);
            assert.match(d.questions[0], /What does the instance run\?/);
        });
    });
});
