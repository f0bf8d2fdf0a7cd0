import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { assetPath, PACKAGE_ROOT } from "../../src/assets";
import { buildSnapshot, parseVmsCsv } from "../../src/catalog/build";
import { BURSTABLE_BASELINES } from "../../src/catalog/burstable";
import { BUILTIN_CATALOG_ASSET, catalogFromSnapshot, defaultCatalog, loadCatalog } from "../../src/catalog/catalog";
import { io2IopsMonthly } from "../../src/catalog/ebs";
import { CatalogSnapshot } from "../../src/catalog/snapshot";
import { InputError } from "../../src/errors";

const DATA = path.join(PACKAGE_ROOT, "..", "shared", "data", "aws");
const shipped = (): CatalogSnapshot => JSON.parse(fs.readFileSync(assetPath(BUILTIN_CATALOG_ASSET), "utf8")) as CatalogSnapshot;

describe("catalog snapshot (assets/catalog.json)", () => {
    it("is a valid snapshot that records its sources and dates", () => {
        const snapshot = CatalogSnapshot.parse(shipped());
        assert.match(snapshot.meta.generatedAt, /^\d{4}-\d{2}-\d{2}$/);
        const origins = snapshot.meta.sources.map((s) => s.origin).join("\n");
        assert.match(origins, /skypilot-catalog .*vms\.csv at commit 001367d/);
        assert.match(origins, /moto 5\.2\.1/);
        assert.match(origins, /burstable-credits-baseline-concepts/);
        assert.match(origins, /ebs-volume-types/);
        assert.match(snapshot.meta.spotSnapshot, /snapshot/);
        const vms = snapshot.meta.sources.find((s) => s.provides.includes("vms.csv"));
        assert.equal(vms?.sha256, "dcd6ee746ce5eee677fd98a7944b309888054ec4388efd8af4e393af54296895", "the README's checksum of vms.csv");
    });

    it("holds the real catalog: 22 priced regions, the shared data's prices and specs", () => {
        const catalog = defaultCatalog();
        assert.equal(catalog.regions.size, 22);
        assert.ok(catalog.types.size > 850, `${catalog.types.size} types`);
        const m7i = catalog.regions.get("us-east-1")?.byType.get("m7i.large");
        assert.ok(m7i);
        assert.equal(m7i.spec.vcpus, 2);
        assert.equal(m7i.spec.memoryGiB, 8);
        assert.equal(m7i.spec.architecture, "x86_64");
        assert.deepEqual(
            { baselineMbps: m7i.spec.ebs.baselineMbps, maxIops: m7i.spec.ebs.maxIops, maxMBps: m7i.spec.ebs.maxMBps },
            { baselineMbps: 650, maxIops: 40000, maxMBps: 1250 },
        );
        assert.equal(m7i.spec.network.peakGbps, 12.5);
        assert.equal(m7i.spec.network.encryptionInTransit, true);
        // Zone ids, not names, with per-zone spot prices beside the one on-demand price.
        assert.ok(m7i.zones.every((z) => /^use1-az\d$/.test(z)));
        assert.equal(m7i.spot.length, m7i.zones.length);
        assert.ok(m7i.onDemand !== null && m7i.onDemand > 0.1 && m7i.onDemand < 0.11, `${m7i.onDemand}`);
        const gpu = catalog.types.get("p4d.24xlarge");
        assert.equal(gpu?.gpus, 8);
        assert.equal(gpu?.gpuName, "A100");
        const neuron = catalog.types.get("inf2.xlarge");
        assert.equal(neuron?.accelerator?.kind, "neuron");
        const storage = catalog.types.get("i4i.large");
        assert.deepEqual(storage?.instanceStorage, { totalGB: 468, disks: 1, type: "ssd" });
    });

    it("matches vms.csv row for row: every priced zone of every described type is an offering", () => {
        const rows = parseVmsCsv(fs.readFileSync(path.join(DATA, "vms.csv"), "utf8"));
        const catalog = defaultCatalog();
        let checked = 0;
        for (const row of rows) {
            const offering = catalog.regions.get(row.region)?.byType.get(row.instanceType);
            if (!offering) {
                continue;
            }
            checked++;
            const zone = offering.zones.indexOf(row.zone);
            assert.ok(zone >= 0, `${row.instanceType} ${row.zone}`);
            assert.equal(offering.onDemand, row.onDemand ?? offering.onDemand);
            if (row.spot !== null && row.instanceType !== "p4de.24xlarge") {
                assert.equal(offering.spot[zone], row.spot, `${row.instanceType} ${row.zone}`);
            }
        }
        assert.ok(checked > 34000, `${checked} rows matched`);
    });

    it("leaves out what it cannot check, and says why", () => {
        const excluded = new Map(defaultCatalog().meta.excluded.map((e) => [e.instanceType, e.reason]));
        assert.match(excluded.get("mac2.metal") ?? "", /dedicated hosts/);
        assert.match(excluded.get("p3.2xlarge") ?? "", /no DescribeInstanceTypes description/);
        assert.ok([...defaultCatalog().unpricedRegions.keys()].includes("sa-east-1"));
    });

    it("gives every burstable type its published baseline", () => {
        const catalog = defaultCatalog();
        const burstable = [...catalog.types.values()].filter((t) => t.burstable);
        assert.ok(burstable.length >= 25);
        for (const t of burstable) {
            assert.equal(t.burstBaseline, BURSTABLE_BASELINES[t.name].baselinePerVcpu, t.name);
        }
        assert.equal(catalog.types.get("t3.micro")?.burstBaseline, 0.1);
        assert.equal(catalog.types.get("t4g.2xlarge")?.burstBaseline, 0.4);
        assert.equal(catalog.types.get("t2.xlarge")?.burstBaseline, 0.225);
        // credits per hour = vCPUs x 60 x baseline, as AWS's table states.
        for (const [name, b] of Object.entries(BURSTABLE_BASELINES)) {
            assert.ok(Math.abs(b.creditsPerHour - b.vcpus * 60 * b.baselinePerVcpu) < 0.5, name);
        }
    });

    it("prices EBS per region, with us-east-1 list prices and the basis of the others stated", () => {
        const catalog = defaultCatalog();
        const east = catalog.regions.get("us-east-1")?.ebs;
        assert.deepEqual(east?.gp3, { gbMonth: 0.08, iopsMonth: 0.005, throughputMonth: 0.04 });
        assert.equal(east?.io2.gbMonth, 0.125);
        assert.equal(east?.st1.gbMonth, 0.045);
        assert.equal(east?.sc1.gbMonth, 0.015);
        assert.equal(catalog.regions.get("eu-west-1")?.ebs.gp3.gbMonth, 0.088);
        assert.equal(catalog.regions.get("af-south-1")?.ebs.basis, "derived");
        assert.match(catalog.regions.get("af-south-1")?.ebs.note ?? "", /median on-demand EC2 price ratio/);
        for (const region of catalog.regions.values()) {
            assert.ok(region.ebs.gp3.gbMonth >= 0.08 && region.ebs.gp3.gbMonth < 0.16, region.name);
        }
        // io2 IOPS tiers: 32,000 at $0.065, the next 32,000 at $0.0455, the rest at $0.032.
        assert.equal(io2IopsMonthly(east as NonNullable<typeof east>, 70000).toFixed(2), (32000 * 0.065 + 32000 * 0.0455 + 6000 * 0.032).toFixed(2));
    });

    it("keeps on its frontier only offerings no cheaper, at least as capable offering dominates", () => {
        const region = defaultCatalog().regions.get("us-east-1");
        assert.ok(region);
        const onFrontier = new Set(region.frontier.map((o) => o.spec.name));
        assert.ok(onFrontier.size < region.offerings.length && onFrontier.size > 100);
        // A previous-generation type costing more than a current one with more of everything is pruned.
        assert.ok(!onFrontier.has("m4.large"), "m4.large is dominated (m5/m6 are cheaper and better)");
        assert.ok(onFrontier.has("t4g.nano"), "the cheapest arm64 type stays");
        for (const o of region.offerings) {
            if (!onFrontier.has(o.spec.name) && o.onDemand !== null) {
                const dominator = region.frontier.find(
                    (f) =>
                        f.onDemand !== null &&
                        f.onDemand <= o.onDemand! &&
                        f.spec.architecture === o.spec.architecture &&
                        f.spec.vcpus >= o.spec.vcpus &&
                        f.spec.memoryGiB >= o.spec.memoryGiB &&
                        f.spec.gpus >= o.spec.gpus &&
                        f.spec.ebs.maxIops >= o.spec.ebs.maxIops &&
                        f.spec.network.baselineGbps >= o.spec.network.baselineGbps,
                );
                assert.ok(dominator, `${o.spec.name} is pruned but nothing on the frontier is cheaper and at least as capable`);
            }
        }
    });

    it("is what the build script makes of the shared data (deterministic)", function () {
        this.timeout(20_000);
        const descriptions = Object.values(JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(DATA, "instance_types.json.gz"))).toString("utf8")) as Record<string, unknown>);
        const offeredTypes: Record<string, string[]> = {};
        for (const file of fs.readdirSync(path.join(DATA, "instance_type_offerings"))) {
            const list = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(DATA, "instance_type_offerings", file))).toString("utf8")) as { InstanceType: string }[];
            offeredTypes[file.replace(/\.json\.gz$/, "")] = [...new Set(list.map((o) => o.InstanceType))].sort();
        }
        const current = shipped();
        const rebuilt = buildSnapshot({ descriptions, offeredTypes, prices: parseVmsCsv(fs.readFileSync(path.join(DATA, "vms.csv"), "utf8")), meta: { ...current.meta } });
        assert.deepEqual(rebuilt.types, current.types);
        assert.deepEqual(rebuilt.regions, current.regions);
        assert.deepEqual(rebuilt.unpricedRegions, current.unpricedRegions);
        assert.deepEqual(rebuilt.meta.excluded, current.meta.excluded);
    });
});

describe("loadCatalog", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "catalog-"));

    it("loads a snapshot file, validating it fully", () => {
        const file = path.join(dir, "copy.json");
        fs.writeFileSync(file, JSON.stringify(shipped()));
        const catalog = loadCatalog(file);
        assert.equal(catalog.regions.size, 22);
        assert.deepEqual(catalog.regionNames, [...catalog.regionNames].sort());
    });

    it("names the file and the fix when it is missing, not JSON, or not a snapshot", () => {
        assert.throws(() => loadCatalog(path.join(dir, "nope.json")), (err: unknown) => err instanceof InputError && /does not exist/.test(err.message) && /catalog refresh --out/.test(err.message));
        fs.writeFileSync(path.join(dir, "bad.json"), "{ not json");
        assert.throws(() => loadCatalog(path.join(dir, "bad.json")), (err: unknown) => err instanceof InputError && /not JSON/.test(err.message));
        const broken = shipped() as unknown as { regions: Record<string, { onDemand: unknown[] }> };
        broken.regions["us-east-1"].onDemand = broken.regions["us-east-1"].onDemand.slice(1);
        fs.writeFileSync(path.join(dir, "broken.json"), JSON.stringify(broken));
        assert.throws(() => loadCatalog(path.join(dir, "broken.json")), (err: unknown) => err instanceof InputError && /regions\.us-east-1\.onDemand/.test(err.message));
    });

    it("builds the same catalog from the parsed snapshot as from the file", () => {
        const a = catalogFromSnapshot(shipped());
        assert.equal(a.types.size, defaultCatalog().types.size);
        assert.deepEqual([...a.regions.keys()], [...defaultCatalog().regions.keys()]);
    });
});
