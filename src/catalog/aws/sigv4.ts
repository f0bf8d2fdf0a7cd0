import * as crypto from "node:crypto";

/**
 * AWS Signature Version 4 for the few AWS calls the catalog refresh makes, with node:crypto
 * instead of the AWS SDK (whose EC2 and Pricing clients add tens of megabytes of dependencies for
 * four API actions). Checked against AWS's published SigV4 test suite vectors (test/catalog).
 */

export interface AwsCredentials {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
}

export interface SignableRequest {
    readonly method: string;
    readonly url: string;
    /** Headers to sign besides host and x-amz-date (lower-case names recommended). */
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
}

const sha256 = (data: string): string => crypto.createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: crypto.BinaryLike, data: string): Buffer => crypto.createHmac("sha256", key).update(data, "utf8").digest();

/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
function encode(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `20150830T123600Z` */
export function amzDate(now: Date): string {
    return now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/**
 * Signs a request: returns the headers to send (the request's, plus host, x-amz-date,
 * x-amz-security-token for temporary credentials, and authorization).
 */
export function signRequest(request: SignableRequest, credentials: AwsCredentials, region: string, service: string, now: Date): Record<string, string> {
    const url = new URL(request.url);
    const date = amzDate(now);
    const day = date.slice(0, 8);
    const headers: Record<string, string> = { ...request.headers, host: url.host, "x-amz-date": date };
    if (credentials.sessionToken) {
        headers["x-amz-security-token"] = credentials.sessionToken;
    }
    const names = Object.keys(headers)
        .map((h) => h.toLowerCase())
        .sort();
    const value = (name: string) => {
        const key = Object.keys(headers).find((h) => h.toLowerCase() === name) as string;
        return headers[key].trim().replace(/\s+/g, " ");
    };
    const canonicalHeaders = names.map((n) => `${n}:${value(n)}\n`).join("");
    const signedHeaders = names.join(";");
    const query = [...url.searchParams.entries()]
        .map(([k, v]) => [encode(k), encode(v)] as const)
        .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`)
        .join("&");
    const path = url.pathname
        .split("/")
        .map((segment) => encode(decodeURIComponent(segment)))
        .join("/");
    const canonicalRequest = [request.method.toUpperCase(), path || "/", query, canonicalHeaders, signedHeaders, sha256(request.body)].join("\n");
    const scope = `${day}/${region}/${service}/aws4_request`;
    const stringToSign = ["AWS4-HMAC-SHA256", date, scope, sha256(canonicalRequest)].join("\n");
    const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), "aws4_request");
    const signature = crypto.createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) {
        if (k.toLowerCase() !== "host") {
            out[k] = v;
        }
    }
    out.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return out;
}
