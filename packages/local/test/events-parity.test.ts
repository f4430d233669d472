import type { S3Event, SQSEvent } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { encodeS3EventKey, s3Event, s3Record } from "../src/events/s3";
import { httpApiEvent } from "../src/events/api-gateway";
import { sqsEvent, sqsRecord } from "../src/events/sqs";
import { fixture, shape } from "./support/shape";

/** The event factories shared by the runtime and the tests make what AWS sends, field by field. */
describe("event factories against the AWS-shaped sample events", () => {
  it("API Gateway HTTP API, payload 2.0, behind a JWT authorizer", async () => {
    const recorded = await fixture<{ headers: Record<string, string>; requestContext: { authorizer: { jwt: { claims: Record<string, unknown> } } } }>(
      "apigw-http-jwt-authorizer.json",
    );
    const made = httpApiEvent({
      method: "POST",
      path: "/users",
      headers: { Accept: "application/json", "accept-encoding": "gzip, br", authorization: "Bearer x", "content-length": "0", "user-agent": "curl/8.5.0" },
      routeKey: "POST /users",
      authorizer: { claims: { sub: "alice", exp: 1718722804, "cognito:groups": ["a", "b"], email_verified: true }, scopes: null },
    });

    const { headers: madeHeaders, requestContext: madeContext, ...madeRest } = made;
    const { headers: recordedHeaders, requestContext: recordedContext, ...recordedRest } = recorded;
    expect(shape(madeRest)).toEqual(shape(recordedRest));
    // Claims are the token's own; what must match is that every value arrives as a string.
    const { authorizer: madeAuthorizer, ...madeContextRest } = madeContext;
    const { authorizer: recordedAuthorizer, ...recordedContextRest } = recordedContext as typeof recordedContext & Record<string, unknown>;
    expect(shape(madeContextRest)).toEqual(shape(recordedContextRest));
    expect(Object.keys(madeAuthorizer)).toEqual(Object.keys(recordedAuthorizer));
    expect(madeAuthorizer.jwt.scopes).toBeNull();
    expect(madeAuthorizer.jwt.claims).toEqual({ sub: "alice", exp: "1718722804", "cognito:groups": "[a b]", email_verified: "true" });
    // Same header names: the client's, lower-cased, plus the ones the gateway adds.
    expect(Object.keys(madeHeaders).sort()).toEqual(Object.keys(recordedHeaders).sort());
    expect(madeContext.requestId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(madeContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  });

  it("API Gateway HTTP API without an authorizer has no authorizer context", async () => {
    const recorded = await fixture<{ headers: Record<string, string>; requestContext: Record<string, unknown> }>("apigw-http-no-auth.json");
    const made = httpApiEvent({ method: "GET", path: "/health", routeKey: "GET /health", headers: { accept: "*/*", "user-agent": "curl/8.5.0" } });
    expect(shape(made)).toEqual(shape(recorded));
    expect(made.requestContext).not.toHaveProperty("authorizer");
  });

  it("API Gateway: cookies, repeated query parameters and binary bodies as AWS passes them", () => {
    const made = httpApiEvent({
      method: "POST",
      path: "/upload?tag=a&tag=b&q=hello%20world",
      headers: { Cookie: "a=1; b=2", "Content-Type": "image/png" },
      body: Buffer.from([0, 1, 2, 255]),
    });
    expect(made.cookies).toEqual(["a=1", "b=2"]);
    expect(made.headers).not.toHaveProperty("cookie");
    expect(made.rawQueryString).toBe("tag=a&tag=b&q=hello%20world");
    expect(made.queryStringParameters).toEqual({ tag: "a,b", q: "hello world" });
    expect(made.isBase64Encoded).toBe(true);
    expect(made.body).toBe(Buffer.from([0, 1, 2, 255]).toString("base64"));
    expect(httpApiEvent({ method: "POST", path: "/", headers: { "content-type": "application/json" }, body: "{}" })).toMatchObject({
      body: "{}",
      isBase64Encoded: false,
    });
  });

  it("SQS event source mapping record", async () => {
    const recorded = await fixture<SQSEvent>("sqs-batch.json");
    const first = recorded.Records[0]!;
    const made = sqsEvent([
      sqsRecord({
        body: first.body,
        messageAttributes: { source: { stringValue: "api", stringListValues: [], binaryListValues: [], dataType: "String" } },
      }),
    ]);
    expect(shape(made)).toEqual(shape({ Records: [first] }));
    expect(made.Records[0]!.md5OfBody).toBe(first.md5OfBody); // same body, same MD5
    expect(made.Records[0]!.eventSourceARN).toMatch(/^arn:aws:sqs:us-east-1:123456789012:[\w-]+$/);
  });

  it("S3 notification record, eventVersion 2.1", async () => {
    const recorded = await fixture<S3Event>("s3-object-created.json");
    const made = s3Event([s3Record({ bucket: "users-local-avatars", key: "uploads/a b(1).jpg", size: 1305107, eTag: '"b21b84d653bb07b05b1e6b33684dc11b"' })]);
    expect(shape(made)).toEqual(shape(recorded));
    const record = made.Records[0]!;
    expect(record.eventVersion).toBe("2.1");
    expect(record.s3.object.key).toBe("uploads/a+b%281%29.jpg");
    expect(record.s3.object.eTag).toBe("b21b84d653bb07b05b1e6b33684dc11b");
    expect(record.s3.bucket.arn).toBe("arn:aws:s3:::users-local-avatars");
    expect(record.s3.object.sequencer).toMatch(/^[0-9A-F]{18}$/);
    expect(record.responseElements["x-amz-request-id"]).toMatch(/^[0-9A-F]{16}$/);
  });

  it("S3 keys decode back to the stored key the way subscribers decode them", () => {
    for (const key of ["uploads/a b.jpg", "uploads/ünï cødé+plus=eq&amp?.png", "uploads/x%y#z~'!*().webp"]) {
      expect(decodeURIComponent(encodeS3EventKey(key).replace(/\+/g, " "))).toBe(key);
    }
  });
});
