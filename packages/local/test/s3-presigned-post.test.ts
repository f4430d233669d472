import { S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost, type PresignedPost } from "@aws-sdk/s3-presigned-post";
import { describe, expect, it } from "vitest";
import { checkPresignedRequest } from "../src/s3/presigned-check";

/** POST policies checked as S3 checks them, on forms made by the SDK's own createPresignedPost. */

const region = "us-east-1";
const bucket = "avatars-test";
const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const endpoint = "http://127.0.0.1:4569";

const s3 = (options: { secretAccessKey?: string; accessKeyId?: string; region?: string; clockOffsetMs?: number } = {}) =>
  new S3Client({
    region: options.region ?? region,
    endpoint,
    forcePathStyle: true,
    credentials: { ...credentials, ...(options.accessKeyId ? { accessKeyId: options.accessKeyId } : {}), ...(options.secretAccessKey ? { secretAccessKey: options.secretAccessKey } : {}) },
    systemClockOffset: options.clockOffsetMs ?? 0,
  });

/** The grant the avatars API hands out: exact key, exact type, 1..max bytes, 5 minutes. */
const grant = (client = s3(), key = "uploads/01J9ZQ4X8K3M5N7P9R1T3V5X7Z/01J9ZQ4X8K3M5N7P9R1T3V5X80") =>
  createPresignedPost(client, {
    Bucket: bucket,
    Key: key,
    Conditions: [["content-length-range", 1, 1000]],
    Fields: { "Content-Type": "image/png" },
    Expires: 300,
  });

type Part = [name: string, value: string] | [name: "file", value: Blob, filename?: string];

/** The multipart body `fetch` + FormData would send, as the S3 front receives it. */
async function formRequest(parts: Part[], options: { url?: string; bucket?: string } = {}) {
  const form = new FormData();
  for (const part of parts) {
    if (part[1] instanceof Blob) form.append(part[0], part[1], part[2] ?? "avatar.png");
    else form.append(part[0], part[1]);
  }
  const url = new URL(options.url ?? `${endpoint}/${options.bucket ?? bucket}`);
  const request = new Request(url, { method: "POST", body: form });
  return {
    method: "POST",
    url,
    headers: { host: url.host, "content-type": request.headers.get("content-type")! },
    body: Buffer.from(await request.arrayBuffer()),
    bucket: options.bucket ?? bucket,
    credentials,
    region,
  };
}

const file = (bytes: number) => new Blob([new Uint8Array(bytes).fill(7)], { type: "image/png" });
const fieldsOf = (post: PresignedPost, overrides: Record<string, string> = {}): Part[] =>
  Object.entries({ ...post.fields, ...overrides }).map(([name, value]) => [name, value] as Part);
const check = async (parts: Part[], options?: { url?: string; bucket?: string }) => checkPresignedRequest(await formRequest(parts, options));

describe("POST form uploads", () => {
  it("lets a form that meets its policy through", async () => {
    const post = await grant();
    expect(post.url).toBe(`${endpoint}/${bucket}`);
    expect(await check([...fieldsOf(post), ["file", file(1000)]])).toBeNull();
  });

  it("refuses a file larger than the policy's content-length-range: 400 EntityTooLarge", async () => {
    expect(await check([...fieldsOf(await grant()), ["file", file(1001)]])).toEqual({
      status: 400,
      code: "EntityTooLarge",
      message: "Your proposed upload exceeds the maximum allowed size",
    });
  });

  it("refuses an empty file under a minimum of 1 byte: 400 EntityTooSmall", async () => {
    expect(await check([...fieldsOf(await grant()), ["file", file(0)]])).toMatchObject({ status: 400, code: "EntityTooSmall" });
  });

  it("refuses another Content-Type: 403 AccessDenied naming the condition", async () => {
    expect(await check([...fieldsOf(await grant(), { "Content-Type": "image/svg+xml" }), ["file", file(10)]])).toEqual({
      status: 403,
      code: "AccessDenied",
      message: 'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "image/png"]',
    });
  });

  it("refuses another key", async () => {
    const post = await grant();
    const refused = await check([...fieldsOf(post, { key: "uploads/someone-else/x" }), ["file", file(10)]]);
    expect(refused).toEqual({
      status: 403,
      code: "AccessDenied",
      message: `Invalid according to Policy: Policy Condition failed: ["eq", "$key", "${post.fields.key}"]`,
    });
  });

  it("refuses the form posted to another bucket", async () => {
    const refused = await check([...fieldsOf(await grant()), ["file", file(10)]], { bucket: "other-bucket" });
    expect(refused).toEqual({ status: 403, code: "AccessDenied", message: `Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "${bucket}"]` });
  });

  it("refuses an expired policy: 403 AccessDenied, Policy expired", async () => {
    // Signed by a client whose clock is 10 minutes behind: the 5-minute policy expired 5 minutes ago.
    const post = await grant(s3({ clockOffsetMs: -10 * 60 * 1000 }));
    expect(await check([...fieldsOf(post), ["file", file(10)]])).toEqual({
      status: 403,
      code: "AccessDenied",
      message: "Invalid according to Policy: Policy expired.",
    });
  });

  it("refuses a tampered policy: 403 SignatureDoesNotMatch", async () => {
    const post = await grant();
    const policy = JSON.parse(Buffer.from(post.fields.Policy!, "base64").toString()) as { conditions: unknown[] };
    policy.conditions[0] = ["content-length-range", 1, 50 * 1024 * 1024];
    const tampered = Buffer.from(JSON.stringify(policy)).toString("base64");
    expect(await check([...fieldsOf(post, { Policy: tampered }), ["file", file(5000)]])).toEqual({
      status: 403,
      code: "SignatureDoesNotMatch",
      message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    });
  });

  it("refuses a policy signed with another secret, and an unknown access key", async () => {
    expect(await check([...fieldsOf(await grant(s3({ secretAccessKey: "guessed" }))), ["file", file(10)]])).toMatchObject({
      status: 403,
      code: "SignatureDoesNotMatch",
    });
    expect(await check([...fieldsOf(await grant(s3({ accessKeyId: "SOMEONE" }))), ["file", file(10)]])).toMatchObject({
      status: 403,
      code: "InvalidAccessKeyId",
    });
  });

  it("refuses a credential scoped to another region", async () => {
    expect(await check([...fieldsOf(await grant(s3({ region: "eu-west-1" }))), ["file", file(10)]])).toEqual({
      status: 400,
      code: "InvalidArgument",
      message: "the region 'eu-west-1' is wrong; expecting 'us-east-1'",
    });
  });

  it("refuses a field no condition covers, and ignores x-ignore- fields", async () => {
    const post = await grant();
    expect(await check([...fieldsOf(post), ["x-amz-meta-note", "hi"], ["file", file(10)]])).toEqual({
      status: 403,
      code: "AccessDenied",
      message: "Invalid according to Policy: Extra input fields: x-amz-meta-note",
    });
    expect(await check([...fieldsOf(post), ["x-ignore-tracker", "1"], ["file", file(10)]])).toBeNull();
  });

  it("matches field names case-insensitively", async () => {
    const post = await grant();
    const lowered = Object.entries(post.fields).map(([name, value]) => [name.toLowerCase(), value] as Part);
    expect(await check([...lowered, ["file", file(10)]])).toBeNull();
  });

  it("ignores fields after the file, as S3 does", async () => {
    const { "Content-Type": contentType, ...rest } = (await grant()).fields;
    const refused = await check([...Object.entries(rest), ["file", file(10)], ["Content-Type", contentType!]] as Part[]);
    expect(refused).toMatchObject({ status: 403, code: "AccessDenied", message: expect.stringContaining('["eq", "$Content-Type", "image/png"]') });
  });

  it("asks for missing signing fields, the key and the file by name", async () => {
    const post = await grant();
    const without = (name: string) => fieldsOf(post).filter(([field]) => field !== name);
    expect(await check([...without("X-Amz-Signature"), ["file", file(10)]])).toEqual({
      status: 400,
      code: "InvalidArgument",
      message: "Bucket POST must contain a field named 'X-Amz-Signature'.  If it is specified, please check the order of the fields.",
    });
    expect(await check([...without("key"), ["file", file(10)]])).toMatchObject({ status: 400, code: "InvalidArgument", message: expect.stringContaining("'key'") });
    expect(await check(fieldsOf(post))).toEqual({ status: 400, code: "InvalidArgument", message: "POST requires exactly one file upload per request." });
  });

  it("refuses an unsigned form on a private bucket", async () => {
    expect(await check([["key", "uploads/x/y"], ["Content-Type", "image/png"], ["file", file(10)]])).toEqual({
      status: 403,
      code: "AccessDenied",
      message: "Access Denied",
    });
  });

  it("refuses a body that is not multipart/form-data it can read", async () => {
    const request = await formRequest([["key", "k"]]);
    const refused = await checkPresignedRequest({ ...request, body: Buffer.from("--nope\r\ngarbage") });
    expect(refused).toMatchObject({ status: 400, code: "MalformedPOSTRequest" });
  });

  it("verifies AWS's own documented SigV4 POST example, byte for byte", async () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html: credentials, policy and signature.
    const policy =
      "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";
    const request = await formRequest(
      [
        ["key", "user/user1/${filename}"],
        ["acl", "public-read"],
        ["success_action_redirect", "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"],
        ["Content-Type", "image/jpeg"],
        ["x-amz-meta-uuid", "14365123651274"],
        ["x-amz-server-side-encryption", "AES256"],
        ["X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"],
        ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
        ["X-Amz-Date", "20151229T000000Z"],
        ["x-amz-meta-tag", ""],
        ["Policy", policy],
        ["X-Amz-Signature", "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"],
        ["file", file(10), "photo.jpg"],
      ],
      { bucket: "sigv4examplebucket" },
    );
    const example = { ...request, credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" } };
    expect(await checkPresignedRequest({ ...example, now: new Date("2015-12-29T12:00:00Z") })).toBeNull();
    expect(await checkPresignedRequest({ ...example, now: new Date("2015-12-31T00:00:00Z") })).toMatchObject({ code: "AccessDenied" });
  });
});
