import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import type { S3Event, SQSRecord } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifest } from "../../../infra/manifest";
import { createMemoryLogger, localCredentials, start } from "../src/index";
import type { Runtime } from "../src/index";
import { listenToHandlers } from "./support/channel";
import type { Reports } from "./support/channel";
import { rawRequest } from "./support/http";
import { fixture, shape } from "./support/shape";

/**
 * The whole runtime, in memory on free ports, with test handlers in place of the real functions:
 * what reaches a function, and what the runtime does with its answers, is what AWS would do.
 */
type Report = { kind: string } & Record<string, unknown>;
let runtime: Runtime;
let reports: Reports<Report>;
const logger = createMemoryLogger();
const handlers = new URL("./handlers/", import.meta.url).pathname;

beforeAll(async () => {
  reports = listenToHandlers<Report>();
  runtime = await start({
    inMemory: true,
    ports: "free",
    logger,
    // Short enough for a retry test, long enough that a warm subscriber finishes well within it.
    queueVisibilityTimeoutSeconds: 2,
    asyncRetryDelaysMs: [100, 100],
    functions: {
      api: { handler: `${handlers}echo.handler` },
      likes: { handler: `${handlers}likes.handler` },
      uploads: { handler: `${handlers}uploads.handler` },
    },
    functionEnv: { TEST_CHANNEL: reports.name },
  });
});
afterAll(async () => {
  await runtime?.stop();
  reports?.close();
});

const clientConfig = () => ({ region: "us-east-1", credentials: localCredentials });

describe("API: request → payload 2.0 event → Lambda → response", () => {
  it("round-trips cookies and a binary body through an authorized route", async () => {
    const token = await runtime.issuer!.sign({ sub: "alice", scope: "users:read users:write" });
    const payload = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    const response = await rawRequest(`${runtime.apiUrl}/echo?x=1&x=2`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream", cookie: "a=1; b=2", origin: manifest.web.localOrigins[0] },
      body: payload,
    });

    expect(response.status).toBe(201);
    expect(response.body).toEqual(Buffer.from(payload).reverse());
    expect(response.headers["set-cookie"]).toEqual(["session=abc; Path=/; HttpOnly", "theme=dark; Path=/"]);
    expect(response.headers["x-seen-cookies"]).toBe("2");
    expect(response.headers["access-control-allow-origin"]).toBe(manifest.web.localOrigins[0]);

    const [report] = await reports.waitFor((all) => all.some((r) => r.kind === "api"));
    const event = report!.event as import("aws-lambda").APIGatewayProxyEventV2WithJWTAuthorizer;
    expect(event.body).toBe(payload.toString("base64"));
    expect(event.isBase64Encoded).toBe(true);
    expect(event.cookies).toEqual(["a=1", "b=2"]);
    expect(event.rawQueryString).toBe("x=1&x=2");
    expect(event.requestContext.requestId).toBe(response.headers["apigw-requestid"]);
    expect(event.requestContext.authorizer.jwt.claims.sub).toBe("alice");
    expect(event.requestContext.authorizer.jwt.scopes).toEqual(["users:read", "users:write"]);
    expect(report!.functionName).toBe("users-local-ApiHandler");
    expect(report!.remainingTimeInMillis).toBeGreaterThan(0);
    expect(report!.remainingTimeInMillis).toBeLessThanOrEqual(manifest.functions.api.timeoutSeconds * 1000);
    // The function reads its resources the way deployed code does: SST links and SDK endpoint variables.
    const env = report!.env as { users: string; endpoint: string };
    expect(JSON.parse(env.users)).toEqual({ name: runtime.resources.tableName, type: "sst.aws.Dynamo" });
    // With IAM enforced offline, functions reach DynamoDB through the IAM layer, not the emulator itself.
    expect(env.endpoint).toBe(runtime.functionEndpoints.dynamodb);
    expect(env.endpoint).not.toBe(runtime.endpoints.dynamodb);

    // Field by field against the AWS-shaped sample event of a JWT-authorized route.
    const recorded = await fixture<Record<string, unknown>>("apigw-http-jwt-authorizer.json");
    const { headers: _h, cookies: _c, queryStringParameters: _q, body: _b, requestContext, ...rest } = event;
    const { headers: _rh, requestContext: recordedContext, ...recordedRest } = recorded as Record<string, unknown> & { requestContext: Record<string, unknown> };
    expect(shape(rest)).toEqual(shape(recordedRest));
    const { authorizer: _a, ...context } = requestContext;
    const { authorizer: _ra, ...expectedContext } = recordedContext;
    expect(shape(context)).toEqual(shape(expectedContext));
  });

  it("refuses a request without a valid token with API Gateway's 401 and never invokes the function", async () => {
    const before = reports.messages.length;
    const response = await fetch(`${runtime.apiUrl}/users`, { headers: { authorization: "Bearer not-a-token" } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: "Unauthorized" });
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer scope="" error="invalid_token" error_description="[^"]+"$/);
    expect(reports.messages.length).toBe(before);
  });

  it("logs one line per invocation with the function, what was called and the outcome", async () => {
    await fetch(`${runtime.apiUrl}/health`);
    expect(logger.invocations.some((entry) => entry.functionName === "ApiHandler" && entry.summary.startsWith("GET /health → 201"))).toBe(true);
  });
});

describe("queue → likes subscriber", () => {
  it("retries only the record that failed, and moves a poison record to the DLQ after maxReceiveCount", { timeout: 45_000 }, async () => {
    // A cold start longer than the visibility timeout would (rightly) redeliver the whole batch.
    await runtime.functions.likes.warm();
    const sqs = new SQSClient({ ...clientConfig(), endpoint: runtime.endpoints.sqs });
    const bodies = [
      { id: "good-1", behavior: "ok" },
      { id: "flaky", behavior: "fail-once" },
      { id: "good-2", behavior: "ok" },
      { id: "poison", behavior: "poison" },
    ];
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: runtime.resources.queueUrl,
        Entries: bodies.map((body, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(body),
          MessageAttributes: { source: { DataType: "String", StringValue: "test" } },
        })),
      }),
    );
    const maxReceiveCount = manifest.queue.dlq.maxReceiveCount;
    const seen = (id: string) => reports.messages.filter((r) => r.kind === "likes" && r.id === id);
    await reports.waitFor(() => seen("flaky").length >= 2 && seen("poison").length >= maxReceiveCount, 40_000);

    // Successes are deleted after their batch: each seen once, never again.
    expect(seen("good-1")).toHaveLength(1);
    expect(seen("good-2")).toHaveLength(1);
    // The failed record came back alone, after the visibility timeout, counted by the queue.
    expect(seen("flaky").map((r) => r.receiveCount)).toEqual(["1", "2"]);

    const dlq = await waitForDlq(sqs, runtime.resources.dlqUrl);
    expect(dlq.map((message) => JSON.parse(message.Body ?? "{}").id)).toEqual(["poison"]);
    expect(seen("poison").map((r) => r.receiveCount)).toEqual(Array.from({ length: maxReceiveCount }, (_, i) => String(i + 1)));

    // Records are full-shape, field by field as Lambda's poller passes them.
    const record = seen("good-1")[0]!.record as SQSRecord;
    const recorded = (await fixture<{ Records: SQSRecord[] }>("sqs-batch.json")).Records[0]!;
    expect(shape({ ...record, messageAttributes: {} })).toEqual(shape({ ...recorded, messageAttributes: {} }));
    expect(record.eventSourceARN).toBe(runtime.resources.queueArn);
    expect(record.messageAttributes.source).toMatchObject({ stringValue: "test", dataType: "String" });
    sqs.destroy();
  });
});

async function waitForDlq(sqs: SQSClient, dlqUrl: string) {
  for (;;) {
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
    if (Number(Attributes?.ApproximateNumberOfMessages ?? 0) > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  return Messages;
}

describe("bucket → uploads subscriber", () => {
  const s3 = () =>
    new S3Client({ ...clientConfig(), endpoint: runtime.endpoints.s3, forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED" });
  const uploads = () => reports.messages.filter((r) => r.kind === "uploads").map((r) => r.event as S3Event);

  it("sends an S3 notification in AWS's record format for an upload under the prefix", async () => {
    const client = s3();
    const key = "uploads/my photo (1).jpg";
    const body = Buffer.from("not really a jpeg");
    const put = await client.send(new PutObjectCommand({ Bucket: runtime.resources.bucketName, Key: key, Body: body, ContentType: "image/jpeg" }));
    await reports.waitFor(() => uploads().length >= 1);
    const [event] = uploads();
    const recorded = await fixture<S3Event>("s3-object-created.json");
    expect(shape(event)).toEqual(shape(recorded));
    const record = event!.Records[0]!;
    expect(record).toMatchObject({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "us-east-1",
      eventName: "ObjectCreated:Put",
      requestParameters: { sourceIPAddress: "127.0.0.1" },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "uploads",
        bucket: { name: runtime.resources.bucketName, arn: `arn:aws:s3:::${runtime.resources.bucketName}` },
        object: { key: "uploads/my+photo+%281%29.jpg", size: body.length, eTag: put.ETag!.replace(/"/g, "") },
      },
    });
    expect(decodeURIComponent(record.s3.object.key.replace(/\+/g, " "))).toBe(key);
    expect(Date.parse(record.eventTime)).not.toBeNaN();
    client.destroy();
  });

  it("applies the prefix filter, reports copies, and retries a failing subscriber twice", async () => {
    const client = s3();
    const bucket = runtime.resources.bucketName;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "thumbnails/ignored.webp", Body: "x" }));
    await client.send(new CopyObjectCommand({ Bucket: bucket, Key: "uploads/copied.jpg", CopySource: `${bucket}/thumbnails/ignored.webp` }));
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: "uploads/throw.jpg", Body: "x" }));

    const keysOf = () => uploads().map((event) => [event.Records[0]!.eventName, event.Records[0]!.s3.object.key]);
    await reports.waitFor(() => keysOf().filter(([, key]) => key === "uploads/throw.jpg").length >= 3);
    expect(keysOf()).toContainEqual(["ObjectCreated:Copy", "uploads/copied.jpg"]);
    expect(keysOf().some(([, key]) => key!.startsWith("thumbnails/"))).toBe(false);
    // One attempt and Lambda's two async retries, then no more.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(keysOf().filter(([, key]) => key === "uploads/throw.jpg")).toHaveLength(1 + manifest.notifications.uploads.retryAttempts);
    client.destroy();
  });

  it("reports browser form uploads (POST) and completed multipart uploads", async () => {
    const client = s3();
    const bucket = runtime.resources.bucketName;
    const post = await createPresignedPost(client, { Bucket: bucket, Key: "uploads/form-${filename}", Expires: 60 });
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    form.append("file", new Blob(["form body"]), "face.png");
    const posted = await fetch(post.url, { method: "POST", body: form });
    expect(posted.status).toBe(204);

    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "uploads/big.bin" }));
    const part = await client.send(new UploadPartCommand({ Bucket: bucket, Key: "uploads/big.bin", UploadId, PartNumber: 1, Body: "only part" }));
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "uploads/big.bin", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }),
    );

    const records = () => uploads().map((event) => event.Records[0]!);
    await reports.waitFor(() => records().some((r) => r.s3.object.key === "uploads/big.bin"));
    await reports.waitFor(() => records().some((r) => r.s3.object.key === "uploads/form-face.png"));
    expect(records().find((r) => r.s3.object.key === "uploads/form-face.png")).toMatchObject({
      eventName: "ObjectCreated:Post",
      s3: { object: { size: "form body".length } },
    });
    expect(records().find((r) => r.s3.object.key === "uploads/big.bin")!.eventName).toBe("ObjectCreated:CompleteMultipartUpload");
    client.destroy();
  });
});
