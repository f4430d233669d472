import { DeleteItemCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { PurgeQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { manifest } from "../../../infra/manifest";
import { createMemoryLogger, localRegion, start } from "../src/index";
import type { Permission, Runtime } from "../src/index";

/**
 * IAM enforced offline: the runtime runs with the API's role missing one action (dynamodb:GetItem),
 * and the refusal reaches the function exactly as AWS's would — the SDK's own error, from each
 * service's own wire format — so a missing permission fails offline as it fails deployed.
 */

let runtime: Runtime;
const logger = createMemoryLogger();
const withoutGetItem: Permission[] = manifest.functions.api.permissions.map((permission) => ({
  actions: permission.actions.filter((action) => action !== "dynamodb:GetItem"),
  resources: permission.resources,
}));

const uploadsInline: Permission[] = [
  { actions: ["dynamodb:GetItem"], resources: ["Users"] },
  { actions: ["s3:GetObject", "s3:PutObject"], resources: ["Avatars/thumbnails/*"] },
];

beforeAll(async () => {
  runtime = await start({
    inMemory: true,
    ports: "free",
    logger,
    endpoints: { dynamodb: inject("dynamoEndpoint") },
    // The API: its manifest role less one action. The uploads subscriber: an inline role, for the wire-format checks.
    iam: { permissions: { api: withoutGetItem, uploads: uploadsInline } },
    // Test runs silence Powertools; the refusal must be read in the function's error log.
    functionEnv: { POWERTOOLS_LOG_LEVEL: "ERROR" },
  });
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
});

const tableArn = () => `arn:aws:dynamodb:${localRegion}:123456789012:table/${runtime.resources.tableName}`;
const refusal = (principal: string, action: string, resource: string) =>
  `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;

/** An SDK client of one service, as a function's sandbox builds it: its own key, the endpoint it is given. */
function asFunction(key: "api" | "likes" | "uploads") {
  const credentials = runtime.iam!.identities[key].credentials;
  const common = { region: localRegion, credentials, maxAttempts: 1 };
  return {
    dynamodb: new DynamoDBClient({ ...common, endpoint: runtime.functionEndpoints.dynamodb }),
    s3: new S3Client({ ...common, endpoint: runtime.functionEndpoints.s3, forcePathStyle: true }),
    sqs: new SQSClient({ ...common, endpoint: runtime.functionEndpoints.sqs }),
  };
}

async function waitFor<T>(probe: () => T | undefined): Promise<T | undefined> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    const { name, message, $metadata } = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name, message, status: $metadata?.httpStatusCode };
  }
  throw new Error("the call was allowed");
};

describe("a function refused offline for an action its role lacks", () => {
  it("the API without dynamodb:GetItem: creating a user works, reading it fails with the SDK's AccessDeniedException", async () => {
    const token = await runtime.issuer!.sign({ sub: "iam-refusal", scope: "users:read users:write" });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const created = await fetch(`${runtime.apiUrl}/users`, {
      method: "POST",
      headers,
      body: JSON.stringify({ username: `denied_${Date.now().toString(36)}`, name: "Eve", email: "eve@example.com", age: 30 }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const read = await fetch(`${runtime.apiUrl}/users/${id}`, { headers });
    expect(read.status).toBe(500);

    const api = runtime.iam!.identities.api;
    const refused = runtime.iam!.commands().api.filter((row) => !row.allowed);
    expect(refused).toEqual([{ operation: "dynamodb GetItem", action: "dynamodb:GetItem", resource: tableArn(), allowed: false, count: 1 }]);
    // What the handler's SDK threw, in the function's own error log (its stdout arrives a little after the response).
    const errorLine = await waitFor(() => logger.lines.find((line) => line.startsWith("[ApiHandler]") && line.includes("AccessDeniedException")));
    expect(errorLine).toContain(refusal(api.principal, "dynamodb:GetItem", tableArn()));
  });

  it("DynamoDB: 400 AccessDeniedException in DynamoDB's JSON, naming the role, the action and the table", async () => {
    const { dynamodb } = asFunction("uploads");
    const key = { pk: { S: "USER#nobody" }, sk: { S: "PROFILE" } };
    expect(await failure(dynamodb.send(new DeleteItemCommand({ TableName: runtime.resources.tableName, Key: key })))).toEqual({
      name: "AccessDeniedException",
      message: refusal(runtime.iam!.identities.uploads.principal, "dynamodb:DeleteItem", tableArn()),
      status: 400,
    });
    // What the role allows goes through to DynamoDB Local.
    expect((await dynamodb.send(new GetItemCommand({ TableName: runtime.resources.tableName, Key: key }))).Item).toBeUndefined();
    dynamodb.destroy();
  });

  it("DynamoDB: an access key no function has is unknown, as to DynamoDB", async () => {
    const stranger = new DynamoDBClient({
      region: localRegion,
      endpoint: runtime.functionEndpoints.dynamodb,
      credentials: { accessKeyId: "AKIASTRANGER", secretAccessKey: "x" },
      maxAttempts: 1,
    });
    const key = { pk: { S: "USER#nobody" }, sk: { S: "PROFILE" } };
    expect((await failure(stranger.send(new GetItemCommand({ TableName: runtime.resources.tableName, Key: key })))).name).toBe(
      "UnrecognizedClientException",
    );
    stranger.destroy();
  });

  it("S3: 403 AccessDenied in S3's XML, for a signed call and for a presigned URL the function signed", async () => {
    const { s3 } = asFunction("uploads");
    const bucket = runtime.resources.bucketName;
    // The uploads subscriber writes thumbnails, never originals.
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: "uploads/someone/original", Body: "x" })))).toEqual({
      name: "AccessDenied",
      message: refusal(runtime.iam!.identities.uploads.principal, "s3:PutObject", `arn:aws:s3:::${bucket}/uploads/someone/original`),
      status: 403,
    });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "thumbnails/someone/64.webp", Body: "x" }));
    // Without s3:ListBucket, a missing key is a 403, not a 404: S3 does not tell what does not exist.
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "thumbnails/nobody/64.webp" })))).toEqual({
      name: "AccessDenied",
      message: refusal(runtime.iam!.identities.uploads.principal, "s3:ListBucket", `arn:aws:s3:::${bucket}`),
      status: 403,
    });

    // A presigned URL is the signer's authority: the API may not write thumbnails, so neither may its URL.
    const signed = await getSignedUrl(asFunction("api").s3, new PutObjectCommand({ Bucket: bucket, Key: "thumbnails/someone/64.webp" }), { expiresIn: 60 });
    const put = await fetch(signed, { method: "PUT", body: "forged" });
    expect(put.status).toBe(403);
    expect(await put.text()).toMatch(/<Code>AccessDenied<\/Code>.*is not authorized to perform: s3:PutObject/);
    // …and the subscriber, which may read thumbnails, can hand out a URL that reads one.
    const read = await fetch(await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: "thumbnails/someone/64.webp" }), { expiresIn: 60 }));
    expect(read.status).toBe(200);
    expect(await read.text()).toBe("x");
    s3.destroy();
  });

  it("SQS: AccessDenied in the JSON protocol SDK v3 speaks, and in the query protocol", async () => {
    const { sqs } = asFunction("uploads");
    const queueUrl = new URL(new URL(runtime.resources.queueUrl).pathname, runtime.functionEndpoints.sqs).toString();
    const refused = await failure(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "{}" })));
    expect(refused).toEqual({
      name: expect.stringMatching(/^AccessDenied/),
      message: refusal(runtime.iam!.identities.uploads.principal, "sqs:SendMessage", runtime.resources.queueArn),
      status: 403,
    });
    // The API may send, and only send: purging the queue is refused.
    const api = asFunction("api").sqs;
    expect((await failure(api.send(new PurgeQueueCommand({ QueueUrl: queueUrl })))).message).toContain("sqs:PurgeQueue");

    const query = await fetch(queueUrl, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `AWS4-HMAC-SHA256 Credential=${runtime.iam!.identities.uploads.credentials.accessKeyId}/20260101/${localRegion}/sqs/aws4_request, SignedHeaders=host, Signature=00`,
      },
      body: new URLSearchParams({ Action: "SendMessage", QueueUrl: queueUrl, MessageBody: "{}" }).toString(),
    });
    expect(query.status).toBe(403);
    expect(await query.text()).toMatch(/<Code>AccessDenied<\/Code><Message>User: .* sqs:SendMessage on resource/);
    sqs.destroy();
    api.destroy();
  });
});
