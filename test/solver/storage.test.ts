import * as assert from "node:assert/strict";
import { ebsPricesFor, VOLUME_LIMITS } from "../../src/catalog/ebs";
import { enumerationLayoutSolver, layoutMonthly, LayoutOptions, lpLayoutSolver, MAX_DATA_VOLUMES, NO_DATA_VOLUMES, StorageNeed, VolumeLayout } from "../../src/solver/storage";
import { rng } from "./random-inputs";

const prices = ebsPricesFor("us-east-1", 1);
const ALL: LayoutOptions = { volumeTypes: ["gp3", "io2", "st1", "sc1"], durable: false };
const SSD: LayoutOptions = { volumeTypes: ["gp3", "io2"], durable: false };

/** Every volume within its type's limits, and the array meeting the need (writes once per mirror). */
function assertValid(layout: VolumeLayout, need: StorageNeed): void {
    const l = VOLUME_LIMITS[layout.volumeType];
    const what = JSON.stringify(layout);
    assert.ok(layout.volumeCount >= 1 && layout.volumeCount <= MAX_DATA_VOLUMES, what);
    assert.ok(layout.sizeGiB >= l.minGiB && layout.sizeGiB <= l.maxGiB, what);
    assert.ok(Number.isInteger(layout.sizeGiB) && Number.isInteger(layout.iops), what);
    if (layout.volumeType === "gp3" || layout.volumeType === "io2") {
        assert.ok(layout.iops >= l.baselineIops && layout.iops <= Math.min(l.maxIops, l.iopsPerGiB * layout.sizeGiB), what);
    }
    if (layout.volumeType === "gp3") {
        assert.ok(layout.throughputMBps >= 125 && layout.throughputMBps <= Math.min(1000, layout.iops * 0.25), what);
    }
    const mirrors = layout.raid === "raid1" ? layout.volumeCount : layout.raid === "raid10" ? 2 : 1;
    assert.equal(layout.usableGiB, (layout.sizeGiB * layout.volumeCount) / mirrors);
    assert.ok(layout.usableGiB >= need.capacityGiB - 1e-9, what);
    assert.ok(layout.totalIops / mirrors >= need.iops - 1e-9, what);
    assert.ok(layout.totalThroughputMBps / mirrors >= need.throughputMBps - 1e-9, what);
}

describe("EBS layouts", () => {
    it("needs no data volume when the root volume's gp3 baseline is enough", () => {
        assert.equal(enumerationLayoutSolver.cheapest({ capacityGiB: 0, iops: 2000, throughputMBps: 100 }, prices, ALL), NO_DATA_VOLUMES);
    });

    it("stripes gp3 volumes rather than provisioning IOPS and throughput on one, when that is cheaper", () => {
        const need = { capacityGiB: 500, iops: 10000, throughputMBps: 500 };
        const layout = enumerationLayoutSolver.cheapest(need, prices, SSD);
        assert.ok(layout);
        assertValid(layout, need);
        assert.deepEqual([layout.volumeType, layout.raid, layout.volumeCount, layout.sizeGiB], ["gp3", "raid0", 4, 125]);
        // One 500 GiB volume with 10,000 IOPS and 500 MB/s provisioned: $40 + $35 + $15.
        assert.ok(layoutMonthly(layout) < 500 * 0.08 + 7000 * 0.005 + 375 * 0.04);
        assert.equal(layoutMonthly(layout), 40);
    });

    it("uses HDD volumes only where they are allowed, for large sequential data", () => {
        const need = { capacityGiB: 20000, iops: 200, throughputMBps: 200 };
        const hdd = enumerationLayoutSolver.cheapest(need, prices, ALL);
        assert.ok(hdd && (hdd.volumeType === "st1" || hdd.volumeType === "sc1"), JSON.stringify(hdd));
        assertValid(hdd, need);
        const ssd = enumerationLayoutSolver.cheapest(need, prices, SSD);
        assert.ok(ssd && ssd.volumeType === "gp3");
        assert.ok(layoutMonthly(hdd) < layoutMonthly(ssd));
        // Random IOPS beyond an HDD's 500 (st1) rule HDD out.
        const random = enumerationLayoutSolver.cheapest({ capacityGiB: 20000, iops: 9000, throughputMBps: 100 }, prices, ALL);
        assert.equal(random?.volumeType, "gp3");
    });

    it("mirrors for durability (RAID 1/10) or takes one io2 volume", () => {
        const need = { capacityGiB: 300, iops: 4000, throughputMBps: 200 };
        const durable = enumerationLayoutSolver.cheapest(need, prices, { volumeTypes: ["gp3", "io2"], durable: true });
        assert.ok(durable);
        assert.ok(["raid1", "raid10"].includes(durable.raid) || (durable.volumeType === "io2" && durable.raid === "none"));
        assertValid(durable, need);
    });

    it("prices io2 IOPS by tier and gp3 above its free baseline", () => {
        const io2 = enumerationLayoutSolver.cheapest({ capacityGiB: 100, iops: 100000, throughputMBps: 1000 }, prices, { volumeTypes: ["io2"], durable: false });
        assert.ok(io2);
        assert.equal(io2.volumeCount, 1, "one io2 volume: its tiers make the first IOPS the dearest");
        assert.equal(Number(io2.monthly.iops.toFixed(2)), Number((32000 * 0.065 + 32000 * 0.0455 + 36000 * 0.032).toFixed(2)));
    });

    it("has no layout for what eight volumes cannot hold", () => {
        assert.equal(enumerationLayoutSolver.cheapest({ capacityGiB: 600000, iops: 0, throughputMBps: 0 }, prices, ALL), undefined);
        assert.equal(enumerationLayoutSolver.cheapest({ capacityGiB: 10, iops: 3_000_000, throughputMBps: 0 }, prices, ALL), undefined);
    });

    it("finds the same layouts as the javascript-lp-solver model, on 200 random needs", () => {
        const next = rng(99);
        for (let i = 0; i < 200; i++) {
            const need = {
                capacityGiB: Math.round(Math.exp(next() * Math.log(40000))),
                iops: next() < 0.3 ? 0 : Math.round(Math.exp(next() * Math.log(200000))),
                throughputMBps: next() < 0.3 ? 0 : Math.round(Math.exp(next() * Math.log(6000))),
            };
            for (const options of [ALL, { ...ALL, durable: true }]) {
                const a = enumerationLayoutSolver.cheapest(need, prices, options);
                const b = lpLayoutSolver.cheapest(need, prices, options);
                assert.equal(a === undefined, b === undefined, `${JSON.stringify(need)} durable=${options.durable}`);
                if (a && b) {
                    assertValid(a, need);
                    assertValid(b, need);
                    assert.ok(Math.abs(layoutMonthly(a) - layoutMonthly(b)) < 0.01, `${JSON.stringify(need)}: enumeration $${layoutMonthly(a)} vs LP $${layoutMonthly(b)}`);
                }
            }
        }
    });
});
