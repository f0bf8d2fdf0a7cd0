import * as assert from "node:assert/strict";
import { AwsApi, credentialsFromEnv, Fetch } from "../../src/catalog/aws/client";
import { signRequest } from "../../src/catalog/aws/sigv4";
import { find, parseXml, toApiShape } from "../../src/catalog/aws/xml";
import { ebsPricesFromDocuments, onDemandPrices } from "../../src/catalog/refresh";
import { ebsPricesFor } from "../../src/catalog/ebs";
import { InputError } from "../../src/errors";

/** The credentials and date of AWS's published SigV4 test suite. */
const SUITE = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const SUITE_DATE = new Date("2015-08-30T12:36:00Z");

const signature = (authorization: string) => /Signature=([0-9a-f]{64})$/.exec(authorization)?.[1];

describe("SigV4 signing", () => {
    it("reproduces AWS's test suite: get-vanilla, post-vanilla, get-vanilla-query-order-key-case", () => {
        const get = signRequest({ method: "GET", url: "https://example.amazonaws.com/", headers: {}, body: "" }, SUITE, "us-east-1", "service", SUITE_DATE);
        assert.equal(get.authorization, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        assert.equal(get["x-amz-date"], "20150830T123600Z");
        const post = signRequest({ method: "POST", url: "https://example.amazonaws.com/", headers: {}, body: "" }, SUITE, "us-east-1", "service", SUITE_DATE);
        assert.equal(signature(post.authorization), "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b");
        const query = signRequest({ method: "GET", url: "https://example.amazonaws.com/?Param2=value2&Param1=value1", headers: {}, body: "" }, SUITE, "us-east-1", "service", SUITE_DATE);
        assert.equal(signature(query.authorization), "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
    });

    it("signs the session token of temporary credentials", () => {
        const headers = signRequest({ method: "POST", url: "https://ec2.eu-west-1.amazonaws.com/", headers: {}, body: "Action=X" }, { ...SUITE, sessionToken: "token" }, "eu-west-1", "ec2", SUITE_DATE);
        assert.equal(headers["x-amz-security-token"], "token");
        assert.match(headers.authorization, /SignedHeaders=host;x-amz-date;x-amz-security-token,/);
        assert.match(headers.authorization, /Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/ec2\/aws4_request/);
    });

    it("reads credentials from the environment, or says which variable to set", () => {
        assert.deepEqual(credentialsFromEnv({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" }), { accessKeyId: "a", secretAccessKey: "b" });
        assert.throws(() => credentialsFromEnv({}), (err: unknown) => err instanceof InputError && /AWS_ACCESS_KEY_ID/.test(err.message) && /export/.test(err.message));
    });
});

describe("EC2 Query API XML", () => {
    it("turns a response into the API's JSON shape: PascalCase keys, item and member lists", () => {
        const root = parseXml(
            `<?xml version="1.0" encoding="UTF-8"?><DescribeInstanceTypesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15"><requestId>r-1</requestId><instanceTypeSet><item><instanceType>inf1.xlarge</instanceType><vCpuInfo><defaultVCpus>4</defaultVCpus></vCpuInfo><supportedUsageClasses><item>on-demand</item></supportedUsageClasses><inferenceAcceleratorInfo><accelerators><member><count>1</count><name>Inferentia &amp; co</name></member></accelerators></inferenceAcceleratorInfo><empty/></item></instanceTypeSet><nextToken>abc</nextToken></DescribeInstanceTypesResponse>`,
        );
        assert.equal(root.name, "DescribeInstanceTypesResponse");
        assert.equal(find(root, "nextToken")?.text, "abc");
        const list = toApiShape(root.children[1]);
        assert.deepEqual(list, [
            {
                InstanceType: "inf1.xlarge",
                VCpuInfo: { DefaultVCpus: "4" },
                SupportedUsageClasses: ["on-demand"],
                InferenceAcceleratorInfo: { Accelerators: [{ Count: "1", Name: "Inferentia & co" }] },
                Empty: "",
            },
        ]);
    });

    it("refuses malformed XML", () => {
        assert.throws(() => parseXml("<a><b></a>"), /malformed/);
        assert.throws(() => parseXml("<a>"), /malformed/);
    });
});

/** A Pricing API price list document (format aws_v1), as GetProducts returns it. */
function computeDocument(instanceType: string, usd: string, attributes: Record<string, string> = {}): unknown {
    return {
        product: {
            productFamily: "Compute Instance",
            attributes: { instanceType, regionCode: "eu-west-1", operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used", usagetype: `EU-BoxUsage:${instanceType}`, ...attributes },
            sku: `SKU${instanceType}`,
        },
        serviceCode: "AmazonEC2",
        terms: { OnDemand: { [`SKU${instanceType}.JRTCKXETXF`]: { priceDimensions: { [`SKU${instanceType}.JRTCKXETXF.6YS6EN2CT7`]: { unit: "Hrs", pricePerUnit: { USD: usd }, beginRange: "0", endRange: "Inf" } } } } },
    };
}

function ebsDocument(usagetype: string, usd: string, unit = "GB-Mo"): unknown {
    return {
        product: { productFamily: "Storage", attributes: { usagetype, regionCode: "eu-west-1" } },
        terms: { OnDemand: { t: { priceDimensions: { d: { unit, pricePerUnit: { USD: usd }, beginRange: "0" } } } } },
    };
}

describe("Pricing API GetProducts", () => {
    it("reads on-demand Linux shared-tenancy prices, skipping other tenancies and software", () => {
        const prices = onDemandPrices([
            computeDocument("m7i.large", "0.1058000000"),
            computeDocument("m7i.large", "0.9", { tenancy: "Dedicated" }),
            computeDocument("m7i.xlarge", "0.9", { preInstalledSw: "SQL Std" }),
            computeDocument("c7g.large", "0.0770000000"),
            { not: "a document" },
        ]);
        assert.deepEqual([...prices], [
            ["m7i.large", 0.1058],
            ["c7g.large", 0.077],
        ]);
    });

    it("reads EBS prices by usage type and keeps the rest from before", () => {
        const base = ebsPricesFor("eu-west-1", 1.1);
        const prices = ebsPricesFromDocuments(
            [ebsDocument("EU-EBS:VolumeUsage.gp3", "0.0880000000"), ebsDocument("EU-EBS:VolumeP-IOPS.gp3", "0.0055", "IOPS-Mo"), ebsDocument("EU-EBS:VolumeP-IOPS.io2.tier2", "0.05", "IOPS-Mo")],
            base,
        );
        assert.equal(prices.basis, "api");
        assert.equal(prices.gp3.gbMonth, 0.088);
        assert.equal(prices.gp3.iopsMonth, 0.0055);
        assert.equal(prices.gp3.throughputMonth, base.gp3.throughputMonth);
        assert.equal(prices.io2.iopsTiers[1].price, 0.05);
        assert.match(prices.note, /kept from before: gp3 throughput/);
        assert.equal(ebsPricesFromDocuments([], base), base, "without a gp3 price nothing changes");
    });

    it("sends a signed JSON 1.1 GetProducts request and follows NextToken", async () => {
        const calls: { url: string; headers: Record<string, string>; body: Record<string, unknown> }[] = [];
        const pages = [
            { PriceList: [JSON.stringify(computeDocument("m7i.large", "0.1058"))], NextToken: "page2" },
            { PriceList: [JSON.stringify(computeDocument("c7g.large", "0.077"))] },
        ];
        const fake: Fetch = async (url, init) => {
            calls.push({ url, headers: init.headers, body: JSON.parse(init.body) as Record<string, unknown> });
            const page = pages[calls.length - 1];
            return { status: 200, text: async () => JSON.stringify(page) };
        };
        const api = new AwsApi(SUITE, { pricing: "http://pricing.test" }, fake, () => SUITE_DATE);
        const docs = await api.getProducts("AmazonEC2", [{ field: "regionCode", value: "eu-west-1" }]);
        assert.equal(docs.length, 2);
        assert.equal(calls.length, 2);
        assert.equal(calls[0].headers["x-amz-target"], "AWSPriceListService.GetProducts");
        assert.match(calls[0].headers.authorization, /\/us-east-1\/pricing\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target,/);
        assert.deepEqual(calls[0].body.Filters, [{ Type: "TERM_MATCH", Field: "regionCode", Value: "eu-west-1" }]);
        assert.equal(calls[1].body.NextToken, "page2");
    });

    it("reports AWS's error code", async () => {
        const fake: Fetch = async () => ({ status: 400, text: async () => JSON.stringify({ __type: "com.amazon#AccessDeniedException", message: "not allowed" }) });
        const api = new AwsApi(SUITE, {}, fake, () => SUITE_DATE);
        await assert.rejects(api.getProducts("AmazonEC2", []), /GetProducts: AccessDeniedException: not allowed/);
    });
});
