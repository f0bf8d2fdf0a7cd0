/**
 * Generates assets/catalog.json from ../shared/data/aws: vms.csv (on-demand and spot prices per
 * region and zone), instance_types.json.gz (specs) and instance_type_offerings/ (what each region
 * offers). Run with `npm run build-catalog`; `--data <dir>` reads another copy of the data, `--out
 * <file>` writes elsewhere, `--date YYYY-MM-DD` pins the generation date.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as zlib from "node:zlib";
import { assetPath, PACKAGE_ROOT } from "../src/assets";
import { buildSnapshot, parseVmsCsv } from "../src/catalog/build";
import { BURSTABLE_SOURCE } from "../src/catalog/burstable";
import { BUILTIN_CATALOG_ASSET } from "../src/catalog/catalog";
import { EBS_PRICE_SOURCE, VOLUME_LIMITS_SOURCE } from "../src/catalog/ebs";
import { CatalogSnapshot } from "../src/catalog/snapshot";

function main(): void {
    const { values } = parseArgs({
        options: { data: { type: "string" }, out: { type: "string" }, date: { type: "string" } },
    });
    const dataDir = values.data ?? path.join(PACKAGE_ROOT, "..", "shared", "data", "aws");
    const out = values.out ?? assetPath(BUILTIN_CATALOG_ASSET);
    const generatedAt = values.date ?? new Date().toISOString().slice(0, 10);

    const csv = fs.readFileSync(path.join(dataDir, "vms.csv"));
    const specsGz = fs.readFileSync(path.join(dataDir, "instance_types.json.gz"));
    const descriptions = Object.values(JSON.parse(zlib.gunzipSync(specsGz).toString("utf8")) as Record<string, unknown>);
    const offeringsDir = path.join(dataDir, "instance_type_offerings");
    const offeredTypes: Record<string, string[]> = {};
    for (const file of fs.readdirSync(offeringsDir).sort()) {
        const region = file.replace(/\.json\.gz$/, "");
        const list = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(offeringsDir, file))).toString("utf8")) as { InstanceType: string }[];
        offeredTypes[region] = [...new Set(list.map((o) => o.InstanceType))].sort();
    }
    const sha = (buf: Buffer): string => crypto.createHash("sha256").update(buf).digest("hex");

    const snapshot = buildSnapshot({
        descriptions,
        offeredTypes,
        prices: parseVmsCsv(csv.toString("utf8")),
        meta: {
            generatedAt,
            generator: "scripts/build-catalog.ts from ../shared/data/aws",
            sources: [
                {
                    provides: "on-demand Linux prices per region and spot prices per zone (vms.csv)",
                    origin: "skypilot-org/skypilot-catalog catalogs/v7/aws/vms.csv at commit 001367d22a0033fac286a8c71aeac7109e431bcb (fetched from the AWS APIs by SkyPilot)",
                    date: "unknown; lists types released in 2025",
                    sha256: sha(csv),
                },
                {
                    provides: "instance type specs (instance_types.json.gz, DescribeInstanceTypes shape)",
                    origin: "moto 5.2.1 moto/ec2/resources/instance_types.json (recorded from the EC2 API)",
                    date: "moto 5.2.1 release, 2025",
                    sha256: sha(specsGz),
                    licence: "Apache-2.0",
                },
                {
                    provides: "instance types offered per region (instance_type_offerings/)",
                    origin: "moto 5.2.1 moto/ec2/resources/instance_type_offerings/region",
                    date: "moto 5.2.1 release, 2025",
                    licence: "Apache-2.0",
                },
                { provides: "burstable baselines (T2, T3, T3a, T4g)", origin: BURSTABLE_SOURCE, date: "2025" },
                { provides: "EBS volume limits (gp3, io2, st1, sc1)", origin: VOLUME_LIMITS_SOURCE, date: "2025" },
                { provides: "EBS prices", origin: EBS_PRICE_SOURCE, date: "2025" },
            ],
            spotSnapshot: "Spot prices are one snapshot per zone from vms.csv (date unknown, 2025); spot prices move hourly, treat them as indicative",
            onDemandBasis: "Linux, shared tenancy, on-demand, USD per instance-hour",
            notes: [
                "An offering is a type with a price in vms.csv in a region whose offerings list the type; types without a DescribeInstanceTypes description are left out.",
                "Network baseline and peak bandwidth are summed over network cards.",
            ],
        },
    });
    // The file the loader trusts without a full check is checked here, once.
    CatalogSnapshot.parse(snapshot);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(snapshot));
    const offerings = Object.values(snapshot.regions).reduce((n, r) => n + r.type.length, 0);
    const frontier = Object.values(snapshot.regions).reduce((n, r) => n + r.frontier.length, 0);
    process.stdout.write(
        `wrote ${path.relative(process.cwd(), out)}: ${snapshot.types.length} types, ${Object.keys(snapshot.regions).length} priced regions, ` +
            `${offerings} offerings (${frontier} on the on-demand frontier), ${snapshot.meta.excluded.length} types excluded, ` +
            `${(fs.statSync(out).size / 1024).toFixed(0)} KiB\n`,
    );
}

main();
