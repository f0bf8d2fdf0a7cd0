import * as assert from "node:assert/strict";
import { InputError } from "../../src/errors";
import { Mention, readText } from "../../src/workload/text";

function mentions(text: string): Mention[] {
    return [...readText(text, "workload").mentions];
}

function only<K extends Mention["kind"]>(text: string, kind: K): Extract<Mention, { kind: K }> {
    const found = mentions(text).filter((m): m is Extract<Mention, { kind: K }> => m.kind === kind);
    assert.equal(found.length, 1, `one ${kind} in "${text}": ${JSON.stringify(mentions(text))}`);
    return found[0];
}

const GB = 1e9 / 2 ** 30;

describe("reading figures out of a workload description", () => {
    it("reads numbers with multipliers and thousands separators", () => {
        assert.equal(only("50k daily users", "rate").perSecond * 86400, 50000);
        assert.equal(only("50,000 daily users", "rate").perSecond * 86400, 50000);
        assert.equal(only("Redis cache for 5 million sessions", "count").value, 5e6);
        assert.equal(only("2.5M events a day", "rate").perSecond * 86400, 2.5e6);
    });

    it("reads data sizes in SI and binary units", () => {
        assert.ok(Math.abs(only("2 TB of clickstream data", "size").gib - 2000 * GB) < 1e-9);
        assert.equal(only("a 512 GiB volume", "size").gib, 512);
        assert.equal(only("64 GB of RAM", "size").of, "memory");
        assert.equal(only("1 GB/s of ingest", "size").per, "second");
        assert.equal(only("50 GB of log files every hour", "size").per, "hour");
        assert.equal(only("Redis with 20 GB of hot data", "size").of, "workingSet");
    });

    it("reads rates per second, minute, day and month, and what is counted", () => {
        const rps = only("200 requests per second", "rate");
        assert.equal(rps.noun, "requests");
        assert.equal(rps.perSecond, 200);
        assert.equal(only("2 million events per minute", "rate").perSecond, 2e6 / 60);
        assert.equal(only("5k rps", "rate").perSecond, 5000);
        assert.equal(only("3,000 tps", "rate").noun, "transactions");
        assert.equal(only("2 million page views per month", "rate").noun, "requests");
        assert.equal(only("5k orders a day", "rate").noun, "orders");
    });

    it("tells peaks from averages: said around the figure, else per-second rates count as peaks", () => {
        const [average, peak] = mentions("average 300 rps and peak 900 rps");
        assert.equal(average.kind === "rate" && average.qualifier, "average");
        assert.equal(peak.kind === "rate" && peak.qualifier, "peak");
        assert.equal(only("100 requests per second on average", "rate").qualifier, "average");
        assert.equal(only("up to 400 requests per second", "rate").qualifier, "peak");
        assert.equal(only("200 requests per second", "rate").qualifier, "unstated");
        assert.equal(only("a million requests a day", "rate").qualifier, "average");
    });

    it("reads model sizes, GPUs, durations and read ratios", () => {
        assert.equal(only("LLM chat endpoint with a 7B parameter model", "parameters").value, 7e9);
        assert.equal(only("serve Llama 3 8B for internal tools", "parameters").value, 8e9);
        assert.equal(only("training on 8 A100 GPUs", "gpus").value, 8);
        assert.deepEqual({ ...only("Kafka with 7 days retention", "duration"), text: "" }, { kind: "duration", hours: 168, what: "retention", text: "" });
        assert.equal(only("must finish within 2 hours", "duration").what, "deadline");
        assert.equal(only("builds take 15 minutes", "duration").what, "build");
        assert.equal(only("80% reads", "readRatio").value, 0.8);
        assert.equal(only("1 KB messages", "unitSize").of, "message");
    });

    it("reads organisations, developers, devices and concurrent users as counts", () => {
        assert.equal(only("patient records API for 300 clinics, EU residents", "count").noun, "organisations");
        assert.equal(only("a team of 30 developers", "count").noun, "developers");
        assert.equal(only("MQTT broker for 50,000 connected devices", "count").noun, "devices");
        assert.equal(only("50k concurrent players", "count").concurrent, true);
    });

    it("ignores numbers that are versions or names", () => {
        assert.deepEqual(mentions("Postgres 16 on Ubuntu 22.04 behind HTTP/2, running 24/7"), []);
    });

    it("reads compliance signals from the words people use", () => {
        const frameworks = (text: string) => readText(text, "workload").compliance.map((c) => c.framework);
        assert.deepEqual(frameworks("a web shop that takes card payments"), ["pci-dss"]);
        assert.deepEqual(frameworks("an API for patient records"), ["hipaa"]);
        assert.deepEqual(frameworks("customer accounts of EU residents"), ["gdpr"]);
        assert.deepEqual(frameworks("the core banking API, SOC 2 audit next year"), ["soc2"]);
        assert.deepEqual(frameworks("patient records API for 300 clinics, EU residents"), ["hipaa", "gdpr"]);
        assert.deepEqual(frameworks("a recipe blog"), []);
        assert.equal(readText("a web shop that takes card payments", "workload").compliance[0].evidence, 'your text: "card payments"');
    });

    it("reads scale words and the timing of the load", () => {
        const scale = (text: string) => readText(text, "workload").scale?.value;
        assert.equal(scale("a small WooCommerce shop"), "small");
        assert.equal(scale("a medium-sized e-commerce website"), "medium");
        assert.equal(scale("a large e-commerce site"), "large");
        assert.equal(scale("a huge retail website"), "huge");
        assert.equal(scale("an API"), undefined);
        const timing = (text: string) => readText(text, "workload").timing?.shape;
        assert.equal(timing("nightly ETL"), "nightly-batch");
        assert.equal(timing("busiest in the evening"), "evening-peak");
        assert.equal(timing("used during office hours"), "business-hours");
        assert.equal(timing("runs 24/7 at a constant rate"), "steady");
    });

    it("rejects a data size in a unit it does not know, saying which units it knows", () => {
        assert.throws(
            () => readText("20 XB of data", "--workload"),
            (err: unknown) => err instanceof InputError && /unknown unit "XB"/.test(err.message) && /KB, MB, GB, TB or PB/.test(err.issues[0].fix) && err.issues[0].input === "--workload",
        );
    });
});
