import * as assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { AwsApi } from "../../src/catalog/aws/client";
import { defaultCatalog, loadCatalog } from "../../src/catalog/catalog";
import { refreshSnapshot } from "../../src/catalog/refresh";
import { CatalogSnapshot } from "../../src/catalog/snapshot";
import { runCli } from "../support/cli";

/**
 * The refresh path against moto_server, the local AWS emulator (moto 5.2.1 serves EC2 from the
 * same recorded data as ../shared/data/aws): DescribeAvailabilityZones, DescribeInstanceTypes,
 * DescribeInstanceTypeOfferings and DescribeSpotPriceHistory for real. moto has no Pricing API, so
 * GetProducts is answered by a small local server speaking its JSON protocol.
 */

const CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
        server.on("error", reject);
    });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            await fetch(url);
            return;
        } catch (err) {
            if (Date.now() > deadline) {
                throw new Error(`moto_server did not answer at ${url}: ${String(err)}`);
            }
            await new Promise((r) => setTimeout(r, 200));
        }
    }
}

function priceDocument(instanceType: string, usd: string): string {
    return JSON.stringify({
        product: { productFamily: "Compute Instance", attributes: { instanceType, regionCode: "eu-west-1", operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used", usagetype: `EU-BoxUsage:${instanceType}` } },
        terms: { OnDemand: { a: { priceDimensions: { b: { unit: "Hrs", pricePerUnit: { USD: usd }, beginRange: "0" } } } } },
    });
}

function storageDocument(usagetype: string, usd: string): string {
    return JSON.stringify({ product: { productFamily: "Storage", attributes: { usagetype } }, terms: { OnDemand: { a: { priceDimensions: { b: { unit: "GB-Mo", pricePerUnit: { USD: usd } } } } } } });
}

describe("catalog refresh against moto_server", function () {
    this.timeout(120_000);
    let moto: ChildProcess | undefined;
    let endpoint = "";
    let pricing: http.Server | undefined;
    let pricingEndpoint = "";
    const pricingRequests: { target?: string; authorization?: string; body: { Filters: { Field: string; Value: string }[] } }[] = [];

    before(async function () {
        if (spawnSync("moto_server", ["--help"], { encoding: "utf8" }).error) {
            // eslint-disable-next-line no-console
            console.log("      (skipped: moto_server is not installed; pip install 'moto[server]' to run the refresh tests)");
            this.skip();
        }
        const port = await freePort();
        endpoint = `http://127.0.0.1:${port}`;
        moto = spawn("moto_server", ["-p", String(port)], { stdio: "ignore" });
        await waitForHttp(endpoint, 30_000);
        pricing = http.createServer((req, res) => {
            let body = "";
            req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
            req.on("end", () => {
                const parsed = JSON.parse(body) as { Filters: { Field: string; Value: string }[] };
                pricingRequests.push({ target: req.headers["x-amz-target"] as string, authorization: req.headers.authorization, body: parsed });
                const family = parsed.Filters.find((f) => f.Field === "productFamily")?.Value;
                const list =
                    family === "Compute Instance" ? [priceDocument("m7i.large", "0.1058"), priceDocument("t3.micro", "0.0114")] : family === "Storage" ? [storageDocument("EU-EBS:VolumeUsage.gp3", "0.0880")] : [];
                res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
                res.end(JSON.stringify({ FormatVersion: "aws_v1", PriceList: list }));
            });
        });
        await new Promise<void>((resolve) => pricing?.listen(0, "127.0.0.1", resolve));
        pricingEndpoint = `http://127.0.0.1:${(pricing.address() as net.AddressInfo).port}`;
    });

    after(() => {
        moto?.kill();
        pricing?.close();
    });

    it("builds a valid snapshot of the same format, with the EC2 API's specs, zone ids and spot prices", async () => {
        const api = new AwsApi(CREDENTIALS, { ec2: endpoint, pricing: pricingEndpoint });
        const snapshot = await refreshSnapshot({ api, regions: ["eu-west-1"], now: new Date("2025-06-01T00:00:00Z"), pricing: true, fallback: defaultCatalog(), endpoint });
        CatalogSnapshot.parse(snapshot);
        assert.equal(snapshot.meta.generatedAt, "2025-06-01");
        assert.equal(snapshot.meta.generator, "persona catalog refresh (AWS APIs)");
        assert.match(snapshot.meta.spotSnapshot, /DescribeSpotPriceHistory at 2025-06-01T00:00:00.000Z/);
        const region = snapshot.regions["eu-west-1"];
        assert.deepEqual(region.zones, ["euw1-az1", "euw1-az2", "euw1-az3"]);
        // The specs through the Query API's XML equal the recorded DescribeInstanceTypes JSON.
        const shipped = defaultCatalog();
        let compared = 0;
        for (const spec of snapshot.types) {
            const known = shipped.types.get(spec.name);
            if (known) {
                const { family: _family, size: _size, ...plain } = known;
                assert.deepEqual(spec, plain, spec.name);
                compared++;
            }
        }
        assert.ok(compared > 800, `${compared} specs compared`);
        // On-demand prices from GetProducts where it answered, else from the shipped snapshot (noted).
        const index = (name: string) => region.type.findIndex((t) => snapshot.types[t].name === name);
        assert.equal(region.onDemand[index("m7i.large")], 0.1058);
        assert.equal(region.onDemand[index("t3.micro")], 0.0114);
        assert.equal(region.onDemand[index("r7i.large")], shipped.regions.get("eu-west-1")?.byType.get("r7i.large")?.onDemand);
        assert.ok(snapshot.meta.notes.some((n) => /priced from the previous snapshot/.test(n)));
        // moto answers every spot price query with 0.00001 per zone.
        assert.deepEqual(region.spot[index("m7i.large")], region.zoneIndex[index("m7i.large")].map(() => 0.00001));
        assert.equal(region.ebs.basis, "api");
        assert.equal(region.ebs.gp3.gbMonth, 0.088);
        // GetProducts was called signed, for Linux shared tenancy in the region.
        const compute = pricingRequests.find((r) => r.body.Filters.some((f) => f.Field === "productFamily" && f.Value === "Compute Instance"));
        assert.equal(compute?.target, "AWSPriceListService.GetProducts");
        assert.match(compute?.authorization ?? "", /^AWS4-HMAC-SHA256 Credential=testing\/\d{8}\/us-east-1\/pricing\/aws4_request/);
        assert.ok(compute?.body.Filters.some((f) => f.Field === "regionCode" && f.Value === "eu-west-1"));
        assert.ok(compute?.body.Filters.some((f) => f.Field === "operatingSystem" && f.Value === "Linux"));
    });

    it("persona catalog refresh writes a snapshot that catalog info and propose read", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "refresh-"));
        const env = { AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing" };
        const refreshed = await runCli(["catalog", "refresh", "--out", "cat.json", "--region", "eu-west-1", "--endpoint-url", endpoint, "--no-pricing", "--json"], { cwd: dir, env });
        assert.equal(refreshed.code, 0, refreshed.stderr);
        assert.deepEqual(JSON.parse(refreshed.stdout).regions, ["eu-west-1"]);
        assert.match(refreshed.stderr, /eu-west-1: \d+ types in 3 zones/);
        const info = await runCli(["catalog", "info", "--catalog", "cat.json", "--json"], { cwd: dir });
        assert.equal(info.code, 0, info.stderr);
        const json = JSON.parse(info.stdout);
        assert.equal(json.generator, "persona catalog refresh (AWS APIs)");
        assert.deepEqual(json.regions.map((r: { name: string }) => r.name), ["eu-west-1"]);
        assert.ok(json.sources.some((s: { origin: string }) => s.origin.includes("the Pricing API was not called")));
        const catalog = loadCatalog(path.join(dir, "cat.json"));
        assert.equal(catalog.regions.get("eu-west-1")?.byType.get("m7i.large")?.onDemand, defaultCatalog().regions.get("eu-west-1")?.byType.get("m7i.large")?.onDemand);
        const proposed = await runCli(["propose", "--catalog", "cat.json", "--region", "eu-west-1", "--min-vcpus", "2", "--min-memory-gib", "8", "--json"], { cwd: dir });
        assert.equal(proposed.code, 0, proposed.stderr);
        assert.ok(JSON.parse(proposed.stdout).proposals.length >= 3);
    });

    it("refuses to run without credentials, naming the variables", async () => {
        const result = await runCli(["catalog", "refresh", "--out", "x.json", "--endpoint-url", endpoint], { env: {} });
        assert.equal(result.code, 2);
        assert.match(result.stderr, /^error: environment at AWS_ACCESS_KEY_ID: no AWS credentials/m);
        assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
});
