import * as assert from "node:assert/strict";
import { runCli } from "../support/cli";

describe("persona catalog", () => {
    it("info --json: sources, dates, counts, regions with EBS prices, excluded types", async () => {
        const { code, stdout, stderr } = await runCli(["catalog", "info", "--json"]);
        assert.equal(code, 0, stderr);
        const info = JSON.parse(stdout);
        assert.match(info.generatedAt, /^\d{4}-\d{2}-\d{2}$/);
        assert.match(info.spotSnapshot, /snapshot/);
        assert.ok(info.sources.length >= 5);
        assert.equal(info.regions.length, 22);
        const east = info.regions.find((r: { name: string }) => r.name === "us-east-1");
        assert.equal(east.zones, 6);
        assert.equal(east.ebs.gp3.gbMonth, 0.08);
        assert.ok(info.offerings > 10000 && info.types > 850);
        assert.equal(info.volumeLimits.gp3.maxIops, 16000);
        assert.ok(info.excluded.some((e: { instanceType: string }) => e.instanceType === "mac2.metal"));
        assert.ok("sa-east-1" in info.unpricedRegions);
    });

    it("info: a readable summary with the price basis of each region", async () => {
        const { code, stdout } = await runCli(["catalog", "info"]);
        assert.equal(code, 0);
        assert.match(stdout, /^Catalog snapshot of \d{4}-\d{2}-\d{2}, written by scripts\/build-catalog\.ts/);
        assert.match(stdout, /^us-east-1 +6 +\d+ +\d+ +0\.0800 +0\.1250 +published$/m);
        assert.match(stdout, /^af-south-1 .* derived$/m);
    });

    it("refuses unknown subcommands and a refresh without --out", async () => {
        const unknown = await runCli(["catalog", "update"]);
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /unknown subcommand "update"\. Fix: use persona catalog info or persona catalog refresh --out <file>/);
        const noOut = await runCli(["catalog", "refresh"], { env: { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" } });
        assert.equal(noOut.code, 2);
        assert.match(noOut.stderr, /at --out: no output file/);
        const badRegion = await runCli(["catalog", "refresh", "--out", "x.json", "--region", "moon"], { env: { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" } });
        assert.equal(badRegion.code, 2);
        assert.match(badRegion.stderr, /at --region: "moon" is not an AWS region name/);
        const missing = await runCli(["catalog", "info", "--catalog", "no-such-file.json"]);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /the catalog snapshot does not exist/);
    });
});
