import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { describe, expect, it } from "vitest";
import { checkPresignedRequest } from "../src/s3/presigned-check";

/** Presigned URLs checked as S3 checks them, on URLs made by the SDK's own getSignedUrl. */

const region = "us-east-1";
const bucket = "avatars-test";
const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const endpoint = "http://127.0.0.1:4569";

const s3 = (secretAccessKey = credentials.secretAccessKey) =>
  new S3Client({
    region,
    endpoint,
    forcePathStyle: true,
    credentials: { ...credentials, secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });

const presignedGet = (key = "thumbnails/01J9ZQ4X8K3M5N7P9R1T3V5X7Z/128.webp", options: { expiresIn?: number; signingDate?: Date; client?: S3Client } = {}) =>
  getSignedUrl(options.client ?? s3(), new GetObjectCommand({ Bucket: bucket, Key: key }), {
    expiresIn: options.expiresIn ?? 60,
    ...(options.signingDate ? { signingDate: options.signingDate } : {}),
  });

/** The request a client following the URL sends, as the S3 front receives it. */
const requestFor = (href: string, method = "GET", headers: Record<string, string> = {}) => {
  const url = new URL(href);
  return { method, url, headers: { host: url.host, "user-agent": "curl/8", ...headers }, body: Buffer.alloc(0), bucket, credentials, region };
};

const check = (href: string, method?: string, headers?: Record<string, string>) => checkPresignedRequest(requestFor(href, method, headers));

describe("presigned URLs", () => {
  it("lets a valid presigned GET through", async () => {
    expect(await check(await presignedGet())).toBeNull();
  });

  it("handles keys that need escaping (space, plus, unicode)", async () => {
    expect(await check(await presignedGet("thumbnails/a b+c/é ü.webp"))).toBeNull();
  });

  it("lets a presigned PUT through with the method it was signed for, and only that one", async () => {
    const url = await getSignedUrl(s3(), new PutObjectCommand({ Bucket: bucket, Key: "uploads/x" }), { expiresIn: 60 });
    expect(await check(url, "PUT")).toBeNull();
    expect(await check(url, "DELETE")).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });

  it("refuses another key, a longer expiry or another host under the same signature", async () => {
    const url = await presignedGet();
    const otherKey = url.replace("/128.webp", "/256.webp");
    const longer = url.replace("X-Amz-Expires=60", "X-Amz-Expires=3600");
    for (const tampered of [otherKey, longer]) {
      expect(await check(tampered)).toEqual({
        status: 403,
        code: "SignatureDoesNotMatch",
        message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
      });
    }
    expect(await check(url, "GET", { host: "127.0.0.1:9999" })).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });

  it("refuses a URL signed with another secret", async () => {
    expect(await check(await presignedGet(undefined, { client: s3("guessed") }))).toMatchObject({ status: 403, code: "SignatureDoesNotMatch" });
  });

  it("refuses an expired URL: 403 AccessDenied, Request has expired", async () => {
    const url = await presignedGet(undefined, { expiresIn: 60, signingDate: new Date(Date.now() - 5 * 60 * 1000) });
    expect(await check(url)).toEqual({ status: 403, code: "AccessDenied", message: "Request has expired" });
  });

  it("refuses a URL missing a signing parameter, and an expiry over a week", async () => {
    const url = new URL(await presignedGet());
    url.searchParams.delete("X-Amz-SignedHeaders");
    expect(await check(url.href)).toMatchObject({ status: 400, code: "AuthorizationQueryParametersError" });
    const week = (await presignedGet()).replace("X-Amz-Expires=60", "X-Amz-Expires=604801");
    expect(await check(week)).toMatchObject({ status: 400, code: "AuthorizationQueryParametersError", message: expect.stringContaining("604800") });
  });

  it("verifies AWS's own documented presigned URL example", async () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
    const url =
      "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
    const example = {
      ...requestFor(url),
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    };
    expect(await checkPresignedRequest({ ...example, now: new Date("2013-05-24T01:00:00Z") })).toBeNull();
    expect(await checkPresignedRequest({ ...example, now: new Date("2013-05-25T00:00:01Z") })).toMatchObject({ code: "AccessDenied" });
  });

  it("leaves header-signed SDK requests and unsigned ones to the server", async () => {
    expect(await check(`${endpoint}/${bucket}/k`, "GET", { authorization: "AWS4-HMAC-SHA256 Credential=S3RVER/..." })).toBeNull();
    expect(await check(`${endpoint}/${bucket}?list-type=2`)).toBeNull();
  });
});
