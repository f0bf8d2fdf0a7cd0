import * as fs from "node:fs";
import * as path from "node:path";
import { AwsApi, AwsError, credentialsFromEnv } from "../catalog/aws/client";
import { Catalog, defaultCatalog, loadCatalog } from "../catalog/catalog";
import { VOLUME_LIMITS, VOLUME_LIMITS_SOURCE } from "../catalog/ebs";
import { refreshSnapshot } from "../catalog/refresh";
import { CatalogSnapshot } from "../catalog/snapshot";
import { REGION_NAME } from "../solver/constraints";
import { InputError } from "../errors";
import { table } from "../table";
import { booleanFlag, listFlag, parseFlags, stringFlag } from "./args";
import { Command, EXIT, writeJson } from "./io";

const HELP = `Usage: persona catalog <info|refresh> [options]

  info                        what the catalog snapshot holds, where its data comes from and when
    --catalog <file>          a snapshot written by refresh (default: the shipped one)
    --json                    machine-readable

  refresh --out <file>        rebuild the snapshot from the AWS APIs (credentials from
                              AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN):
                              DescribeInstanceTypes, DescribeInstanceTypeOfferings and
                              DescribeSpotPriceHistory per region, Pricing API GetProducts
    --region <r>              repeatable (default: the regions the shipped snapshot prices)
    --endpoint-url <url>      EC2 endpoint for every region (e.g. a moto_server)
    --pricing-endpoint-url <url>  Pricing API endpoint
    --no-pricing              skip the Pricing API: on-demand and EBS prices from the shipped snapshot
    --json                    print the summary as JSON

Use a refreshed snapshot with persona propose --catalog <file>.
`;

const OPTIONS = {
    catalog: { type: "string" },
    out: { type: "string" },
    region: { type: "string", multiple: true },
    "endpoint-url": { type: "string" },
    "pricing-endpoint-url": { type: "string" },
    "no-pricing": { type: "boolean" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

/** What `catalog info --json` prints. */
export function catalogInfo(catalog: Catalog): Record<string, unknown> {
    const regions = [...catalog.regions.values()].map((r) => ({
        name: r.name,
        zones: r.zones.length,
        offerings: r.offerings.length,
        frontier: r.frontier.length,
        spotPriced: r.offerings.filter((o) => o.spotZones > 0).length,
        computeRatio: r.computeRatio,
        ebs: r.ebs,
    }));
    return {
        generatedAt: catalog.meta.generatedAt,
        generator: catalog.meta.generator,
        onDemandBasis: catalog.meta.onDemandBasis,
        spotSnapshot: catalog.meta.spotSnapshot,
        sources: catalog.meta.sources,
        types: catalog.types.size,
        offerings: regions.reduce((n, r) => n + r.offerings, 0),
        regions,
        unpricedRegions: Object.fromEntries(catalog.unpricedRegions),
        volumeLimits: { source: VOLUME_LIMITS_SOURCE, ...VOLUME_LIMITS },
        excluded: catalog.meta.excluded,
        notes: catalog.meta.notes,
    };
}

function renderInfo(catalog: Catalog): string {
    const info = catalogInfo(catalog) as { types: number; offerings: number };
    const out: string[] = [];
    out.push(`Catalog snapshot of ${catalog.meta.generatedAt}, written by ${catalog.meta.generator}`);
    out.push(`${info.types} instance types, ${info.offerings} offerings in ${catalog.regions.size} priced regions`);
    if (catalog.unpricedRegions.size > 0) {
        out.push(`Offered but not priced (no proposals there): ${[...catalog.unpricedRegions.keys()].join(", ")}`);
    }
    out.push(`On-demand: ${catalog.meta.onDemandBasis}`);
    out.push(`Spot: ${catalog.meta.spotSnapshot}`);
    out.push("", "Sources:");
    for (const s of catalog.meta.sources) {
        out.push(`  - ${s.provides}: ${s.origin} (${s.date}${s.licence ? `, ${s.licence}` : ""})`);
    }
    out.push("");
    const rows = [...catalog.regions.values()].map((r) => [
        r.name,
        String(r.zones.length),
        String(r.offerings.length),
        String(r.frontier.length),
        r.ebs.gp3.gbMonth.toFixed(4),
        r.ebs.io2.gbMonth.toFixed(4),
        r.ebs.basis,
    ]);
    out.push(table(["region", "zones", "offerings", "not dominated", "gp3 $/GB-mo", "io2 $/GB-mo", "EBS prices"], rows, ["left", "right", "right", "right", "right", "right", "left"]).trimEnd());
    out.push("EBS prices: published = the region's gp3 GB-month list price, the other EBS dimensions scaled from us-east-1 by it;");
    out.push("            derived = every dimension scaled from us-east-1 by the region's median EC2 price ratio; api = the Pricing API");
    out.push("", `Excluded types (${catalog.meta.excluded.length}):`);
    for (const e of catalog.meta.excluded) {
        out.push(`  - ${e.instanceType}: ${e.reason}`);
    }
    if (catalog.meta.notes.length > 0) {
        out.push("", "Notes:");
        for (const n of catalog.meta.notes) {
            out.push(`  - ${n}`);
        }
    }
    return `${out.join("\n")}\n`;
}

/** AWS error codes that mean the caller must fix credentials or permissions. */
const CALLER_ERRORS = /AuthFailure|UnauthorizedOperation|AccessDenied|InvalidClientTokenId|SignatureDoesNotMatch|ExpiredToken|UnrecognizedClient|OptInRequired/;

export const catalogCommand: Command = async (argv, io) => {
    const args = parseFlags("catalog", argv, OPTIONS, true);
    const [sub, ...extra] = args.positionals;
    if (booleanFlag(args, "help") || sub === undefined) {
        io.stdout(HELP);
        return sub === undefined && !booleanFlag(args, "help") ? EXIT.badInput : EXIT.ok;
    }
    if (extra.length > 0) {
        throw InputError.single("persona catalog", extra[0], `unexpected argument "${extra[0]}"`, "run persona catalog --help");
    }
    const json = booleanFlag(args, "json");
    if (sub === "info") {
        const file = stringFlag(args, "catalog");
        const catalog = file !== undefined ? loadCatalog(path.resolve(io.cwd, file)) : defaultCatalog();
        if (json) {
            writeJson(io, catalogInfo(catalog));
        } else {
            io.stdout(renderInfo(catalog));
        }
        return EXIT.ok;
    }
    if (sub !== "refresh") {
        throw InputError.single("persona catalog", sub, `unknown subcommand "${sub}"`, "use persona catalog info or persona catalog refresh --out <file>");
    }
    const out = stringFlag(args, "out");
    if (out === undefined) {
        throw InputError.single("persona catalog refresh", "--out", "no output file", "give --out <file>, e.g. --out catalog.json, then use it with persona propose --catalog catalog.json");
    }
    const base = defaultCatalog();
    const regions = listFlag(args, "region");
    regions.forEach((r) => {
        if (!REGION_NAME.test(r)) {
            throw InputError.single("persona catalog refresh", "--region", `"${r}" is not an AWS region name`, "give a region such as eu-west-1");
        }
    });
    const endpoint = stringFlag(args, "endpoint-url");
    const pricingEndpoint = stringFlag(args, "pricing-endpoint-url");
    for (const [flag, url] of [["--endpoint-url", endpoint], ["--pricing-endpoint-url", pricingEndpoint]] as const) {
        if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) {
            throw InputError.single("persona catalog refresh", flag, `"${url}" is not an http(s) URL`, "give e.g. http://127.0.0.1:5000");
        }
    }
    const api = new AwsApi(credentialsFromEnv(io.env), { ...(endpoint ? { ec2: endpoint } : {}), ...(pricingEndpoint ? { pricing: pricingEndpoint } : {}) });
    let snapshot: CatalogSnapshot;
    try {
        snapshot = await refreshSnapshot({
            api,
            regions: regions.length > 0 ? regions : base.regionNames,
            now: new Date(),
            pricing: !booleanFlag(args, "no-pricing"),
            fallback: base,
            endpoint: endpoint ?? "https://ec2.<region>.amazonaws.com",
            progress: (line) => io.stderr(`${line}\n`),
        });
    } catch (err) {
        if (err instanceof AwsError && CALLER_ERRORS.test(err.code)) {
            throw InputError.single("AWS credentials", err.action, `${err.code}: ${err.message}`, "check the credentials and that they allow ec2:Describe* and pricing:GetProducts");
        }
        if (err instanceof AwsError || (err instanceof TypeError && /fetch/i.test(err.message))) {
            io.stderr(`error: refresh failed: ${err.message}${err.cause ? ` (${String(err.cause)})` : ""}\n`);
            return EXIT.internal;
        }
        throw err;
    }
    const problems = CatalogSnapshot.safeParse(snapshot);
    if (!problems.success) {
        io.stderr(`error: the refreshed snapshot is not valid: ${problems.error.issues[0]?.message}\n`);
        return EXIT.internal;
    }
    const target = path.resolve(io.cwd, out);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, JSON.stringify(snapshot));
    const summary = {
        out: target,
        regions: Object.keys(snapshot.regions),
        types: snapshot.types.length,
        offerings: Object.values(snapshot.regions).reduce((n, r) => n + r.type.length, 0),
        excluded: snapshot.meta.excluded.length,
        generatedAt: snapshot.meta.generatedAt,
    };
    if (json) {
        writeJson(io, summary);
    } else {
        io.stdout(`wrote ${out}: ${summary.types} types, ${summary.offerings} offerings in ${summary.regions.length} region(s); use it with persona propose --catalog ${out}\n`);
    }
    return EXIT.ok;
};
