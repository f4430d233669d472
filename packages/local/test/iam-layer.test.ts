import { createServer, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allows, resolvePermissions } from "../src/iam/policy";
import { dynamodbRequests } from "../src/iam/dynamodb-requests";
import { s3Requests } from "../src/iam/s3-requests";
import { sqsRequest } from "../src/iam/sqs-requests";
import { ResponseTracker } from "../src/iam/raw-http";
import { startEnforcingProxy, type EnforcingProxy } from "../src/iam/enforcing-proxy";
import { responseBytes } from "../src/iam/raw-http";
import { closeNow, listenOnLoopback } from "../src/ports";

/** The IAM layer's parts on their own: policy matching, wire call → IAM requests, and the byte-level proxy. */

const table = "arn:aws:dynamodb:us-east-1:123456789012:table/users-local-Users";
const tableArn = (name: string) => `arn:aws:dynamodb:us-east-1:123456789012:table/${name}`;

describe("policies", () => {
  const statements = resolvePermissions(
    [
      { actions: ["dynamodb:GetItem"], resources: ["Users"] },
      { actions: ["dynamodb:Query"], resources: ["Users/index/*"] },
      { actions: ["s3:Get*"], resources: ["Avatars/thumbnails/?4.webp"] },
    ],
    { Users: table, Avatars: "arn:aws:s3:::users-local-avatars" },
  );

  it("resolves component names to ARNs, suffix appended", () => {
    expect(statements.map((statement) => statement.resources)).toEqual([[table], [`${table}/index/*`], ["arn:aws:s3:::users-local-avatars/thumbnails/?4.webp"]]);
    expect(() => resolvePermissions([{ actions: ["s3:GetObject"], resources: ["Nope"] }], {})).toThrow(/unknown component "Nope"/);
  });

  it("matches as IAM does: wildcards, actions in any case, resources exactly", () => {
    expect(allows(statements, { action: "DynamoDB:getitem", resource: table })).toBe(true);
    expect(allows(statements, { action: "dynamodb:GetItem", resource: `${table}/index/byCreatedAt` })).toBe(false);
    expect(allows(statements, { action: "dynamodb:Query", resource: `${table}/index/byCreatedAt` })).toBe(true);
    expect(allows(statements, { action: "dynamodb:Query", resource: table })).toBe(false);
    expect(allows(statements, { action: "s3:GetObject", resource: "arn:aws:s3:::users-local-avatars/thumbnails/64.webp" })).toBe(true);
    expect(allows(statements, { action: "s3:GetObject", resource: "arn:aws:s3:::users-local-avatars/thumbnails/128.webp" })).toBe(false);
    expect(allows(statements, { action: "s3:GetObject", resource: "arn:aws:s3:::users-local-avatars/Thumbnails/64.webp" })).toBe(false);
  });
});

describe("wire call → IAM requests", () => {
  it("DynamoDB: a transaction per item, an index query on the index, a batch per table", () => {
    expect(
      dynamodbRequests(
        "TransactWriteItems",
        {
          TransactItems: [
            { Put: { TableName: "users-local-Users", Item: {} } },
            { Update: { TableName: "users-local-Users", Key: {} } },
            { Delete: { TableName: "other", Key: {} } },
            { ConditionCheck: { TableName: "users-local-Users", Key: {} } },
          ],
        },
        tableArn,
      ),
    ).toEqual([
      { action: "dynamodb:PutItem", resource: table },
      { action: "dynamodb:UpdateItem", resource: table },
      { action: "dynamodb:DeleteItem", resource: tableArn("other") },
      { action: "dynamodb:ConditionCheckItem", resource: table },
    ]);
    expect(dynamodbRequests("Query", { TableName: "users-local-Users", IndexName: "byCreatedAt" }, tableArn)).toEqual([
      { action: "dynamodb:Query", resource: `${table}/index/byCreatedAt` },
    ]);
    expect(dynamodbRequests("BatchWriteItem", { RequestItems: { "users-local-Users": [], other: [] } }, tableArn).map((request) => request.resource)).toEqual([
      table,
      tableArn("other"),
    ]);
  });

  it("S3: objects, listings, DeleteObjects per key, HEAD as GetObject, a copy reads its source", () => {
    const call = (method: string, path: string, extra: { headers?: Record<string, string>; body?: string } = {}) =>
      s3Requests({ method, url: new URL(`http://127.0.0.1${path}`), headers: extra.headers ?? {}, body: Buffer.from(extra.body ?? "") });
    expect(call("HEAD", "/b/thumbnails/x%201/64.webp")).toEqual({ operation: "HeadObject", requests: [{ action: "s3:GetObject", resource: "arn:aws:s3:::b/thumbnails/x 1/64.webp" }] });
    expect(call("GET", "/b?list-type=2&prefix=uploads/")).toEqual({ operation: "ListObjectsV2", requests: [{ action: "s3:ListBucket", resource: "arn:aws:s3:::b" }] });
    expect(call("POST", "/b?delete", { body: "<Delete><Object><Key>uploads/a&amp;b</Key></Object><Object><Key>thumbnails/c</Key></Object><Quiet>true</Quiet></Delete>" })).toEqual({
      operation: "DeleteObjects",
      requests: [
        { action: "s3:DeleteObject", resource: "arn:aws:s3:::b/uploads/a&b" },
        { action: "s3:DeleteObject", resource: "arn:aws:s3:::b/thumbnails/c" },
      ],
    });
    expect(call("PUT", "/b/thumbnails/new", { headers: { "x-amz-copy-source": "/b/uploads/old" } }).requests).toEqual([
      { action: "s3:PutObject", resource: "arn:aws:s3:::b/thumbnails/new" },
      { action: "s3:GetObject", resource: "arn:aws:s3:::b/uploads/old" },
    ]);
    expect(call("PUT", "/b/k?partNumber=1&uploadId=u").operation).toBe("UploadPart");
    expect(call("PUT", "/b?policy").requests).toEqual([{ action: "s3:PutBucketPolicy", resource: "arn:aws:s3:::b" }]);
  });

  it("SQS: batch actions are authorized as their single action, on the queue's ARN", () => {
    const queueArn = (name: string) => `arn:aws:sqs:us-east-1:123456789012:${name}`;
    expect(sqsRequest("SendMessageBatch", { QueueUrl: "http://127.0.0.1:1/123456789012/users-local-Likes" }, queueArn)).toEqual({
      action: "sqs:SendMessage",
      resource: queueArn("users-local-Likes"),
    });
    expect(sqsRequest("DeleteMessageBatch", { QueueUrl: "/123456789012/q" }, queueArn).action).toBe("sqs:DeleteMessage");
    expect(sqsRequest("PurgeQueue", { QueueUrl: "http://h/1/q" }, queueArn).action).toBe("sqs:PurgeQueue");
  });
});

describe("the byte-level proxy", () => {
  let proxy: EnforcingProxy;
  const upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      if (req.url === "/chunked") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write(`echo:`);
        setTimeout(() => res.end(body), 20);
        return;
      }
      res.end(`${req.method} ${req.url} ${body}`);
    });
  });

  beforeAll(async () => {
    const port = await listenOnLoopback(upstream, 0);
    proxy = await startEnforcingProxy({
      upstream: `http://127.0.0.1:${port}`,
      label: "test",
      gate: (head, body) => (body.toString() === "deny" ? responseBytes(403, "Forbidden", { "content-type": "text/plain" }, `denied ${head.url}`) : null),
    });
  });
  afterAll(async () => {
    await proxy?.stop();
    await closeNow(upstream);
  });

  /** Requests on one kept-alive connection, one after the other, as the SDK sends them. */
  async function sequence(calls: { path: string; body: string }[]) {
    const { Agent } = await import("node:http");
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const answers: string[] = [];
    for (const call of calls) {
      answers.push(
        await new Promise<string>((resolve, reject) => {
          const outgoing = request(`${proxy.endpoint}${call.path}`, { method: "POST", agent, headers: { "content-length": Buffer.byteLength(call.body) } }, (incoming) => {
            const chunks: Buffer[] = [];
            incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
            incoming.on("end", () => resolve(`${incoming.statusCode} ${Buffer.concat(chunks).toString()}`));
          });
          outgoing.on("error", reject);
          outgoing.end(call.body);
        }),
      );
    }
    agent.destroy();
    return answers;
  }

  it("forwards allowed calls unchanged, answers refused ones itself, in order on one connection, chunked answers included", async () => {
    expect(
      await sequence([
        { path: "/a", body: "one" },
        { path: "/b", body: "deny" },
        { path: "/chunked", body: "two" },
        { path: "/c", body: "three" },
      ]),
    ).toEqual(["200 POST /a one", "403 denied /b", "200 echo:two", "200 POST /c three"]);
  });

  it("tracks where a response ends: Content-Length, chunked across reads, none for HEAD", () => {
    const chunked = new ResponseTracker(false);
    const wire = Buffer.from("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nNEXT");
    expect(chunked.push(wire.subarray(0, 30))).toBe(30);
    expect(chunked.done).toBe(false);
    expect(chunked.push(wire.subarray(30))).toBe(wire.length - 30 - 4);
    expect(chunked.done).toBe(true);
    const sized = new ResponseTracker(false);
    expect(sized.push(Buffer.from("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}"))).toBeGreaterThan(0);
    expect([sized.done, sized.status]).toEqual([true, 400]);
    const head = new ResponseTracker(true);
    head.push(Buffer.from("HTTP/1.1 200 OK\r\ncontent-length: 99\r\n\r\n"));
    expect(head.done).toBe(true);
  });
});
