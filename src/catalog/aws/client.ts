import { InputError } from "../../errors";
import { AwsCredentials, signRequest } from "./sigv4";
import { find, parseXml, toApiShape, XmlElement } from "./xml";

/**
 * The AWS calls of a catalog refresh: EC2 Query API actions (form-encoded POST, XML answers) and
 * the Pricing API's GetProducts (JSON 1.1). Signed with SigV4; `fetch` from Node. Endpoints can
 * be pointed elsewhere (moto_server in tests, a VPC endpoint).
 */

export interface AwsEndpoints {
    /** Base URL for EC2 in every region (default `https://ec2.<region>.amazonaws.com`). */
    readonly ec2?: string;
    /** Base URL of the Pricing API (default `https://api.pricing.us-east-1.amazonaws.com`). */
    readonly pricing?: string;
}

export type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{ status: number; text(): Promise<string> }>;

/** AWS refused or failed a call. `code` is AWS's error code (`AuthFailure`, `UnauthorizedOperation`, ...). */
export class AwsError extends Error {
    constructor(
        readonly action: string,
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(`${action}: ${code}: ${message}`);
        this.name = "AwsError";
    }
}

/** Credentials from the standard environment variables, or an InputError saying which to set. */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): AwsCredentials {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
        throw InputError.single(
            "environment",
            accessKeyId ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID",
            "no AWS credentials to call DescribeInstanceTypes, DescribeInstanceTypeOfferings, DescribeSpotPriceHistory and GetProducts with",
            "export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials), e.g. from aws configure export-credentials --format env",
        );
    }
    return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}) };
}

const EC2_VERSION = "2016-11-15";

export class AwsApi {
    constructor(
        private readonly credentials: AwsCredentials,
        private readonly endpoints: AwsEndpoints = {},
        private readonly fetchImpl: Fetch = fetch as unknown as Fetch,
        private readonly clock: () => Date = () => new Date(),
    ) {}

    /** One EC2 Query API call; the response's root element. */
    async ec2(region: string, action: string, params: Readonly<Record<string, string>>): Promise<XmlElement> {
        const url = `${(this.endpoints.ec2 ?? `https://ec2.${region}.amazonaws.com`).replace(/\/$/, "")}/`;
        const body = new URLSearchParams({ Action: action, Version: EC2_VERSION, ...params }).toString();
        const headers = signRequest({ method: "POST", url, headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" }, body }, this.credentials, region, "ec2", this.clock());
        const response = await this.fetchImpl(url, { method: "POST", headers, body });
        const text = await response.text();
        if (response.status !== 200) {
            const error = (() => {
                try {
                    const root = parseXml(text);
                    return { code: find(root, "Code")?.text ?? "Error", message: find(root, "Message")?.text ?? text.slice(0, 200) };
                } catch {
                    return { code: `HTTP ${response.status}`, message: text.slice(0, 200) };
                }
            })();
            throw new AwsError(`${action} in ${region}`, response.status, error.code, error.message);
        }
        return parseXml(text);
    }

    /** Every item of a paginated EC2 list (`listElement` names the XML list), in the API's JSON shape. */
    async ec2All(region: string, action: string, params: Readonly<Record<string, string>>, listElement: string): Promise<unknown[]> {
        const items: unknown[] = [];
        let token: string | undefined;
        do {
            const root = await this.ec2(region, action, { ...params, ...(token ? { NextToken: token } : {}) });
            const list = root.children.find((c) => c.name === listElement);
            if (list) {
                items.push(...list.children.map(toApiShape));
            }
            const next = root.children.find((c) => c.name === "nextToken")?.text.trim();
            token = next ? next : undefined;
        } while (token);
        return items;
    }

    /** Pricing API GetProducts, every page: the price list documents, parsed. */
    async getProducts(serviceCode: string, filters: readonly { readonly field: string; readonly value: string }[]): Promise<unknown[]> {
        const url = `${(this.endpoints.pricing ?? "https://api.pricing.us-east-1.amazonaws.com").replace(/\/$/, "")}/`;
        const products: unknown[] = [];
        let token: string | undefined;
        do {
            const body = JSON.stringify({
                ServiceCode: serviceCode,
                Filters: filters.map((f) => ({ Type: "TERM_MATCH", Field: f.field, Value: f.value })),
                FormatVersion: "aws_v1",
                MaxResults: 100,
                ...(token ? { NextToken: token } : {}),
            });
            const headers = signRequest(
                { method: "POST", url, headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSPriceListService.GetProducts" }, body },
                this.credentials,
                "us-east-1",
                "pricing",
                this.clock(),
            );
            const response = await this.fetchImpl(url, { method: "POST", headers, body });
            const text = await response.text();
            if (response.status !== 200) {
                let code = `HTTP ${response.status}`;
                let message = text.slice(0, 200);
                try {
                    const err = JSON.parse(text) as { __type?: string; message?: string; Message?: string };
                    code = (err.__type ?? code).split("#").pop() ?? code;
                    message = err.message ?? err.Message ?? message;
                } catch {
                    // not JSON: keep the raw text
                }
                throw new AwsError("GetProducts", response.status, code, message);
            }
            const page = JSON.parse(text) as { PriceList?: string[]; NextToken?: string };
            for (const doc of page.PriceList ?? []) {
                products.push(JSON.parse(doc));
            }
            token = page.NextToken || undefined;
        } while (token);
        return products;
    }
}
