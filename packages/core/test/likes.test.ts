import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSqsServer } from "local-aws-sqs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DomainError } from "../src/errors";
import {
  createDynamoLikeStore,
  createLikeCounter,
  createLikeUseCases,
  encodeLikeMessage,
  LikeMessageBody,
  likeKey,
  type LikeCounter,
  type LikeMessage,
  type LikeOutcome,
} from "../src/likes";
import { createSqsLikePublisher } from "../src/likes/sqs";
import { createDynamoUserStore, createUserUseCases, userKey, type UserUseCases } from "../src/users";
import { localCredentials } from "../../local/src/servers/dynamodb";
import { createTestTable } from "./support/table";

let table: Awaited<ReturnType<typeof createTestTable>>;
let users: UserUseCases;
let counter: LikeCounter;

beforeAll(async () => {
  table = await createTestTable("likes");
  users = createUserUseCases({ store: createDynamoUserStore({ client: table.documents, tableName: table.tableName }) });
  counter = createLikeCounter({ store: createDynamoLikeStore({ client: table.documents, tableName: table.tableName }) });
});

let serial = 0;
const newUser = () => {
  serial += 1;
  return users.create({ username: `liked_${serial}_${Date.now() % 100000}`, name: "Liked", email: `liked${serial}@example.com`, age: 30 });
};
const like = (userId: string, likerId: string): LikeMessage => ({ userId, likerId, likedAt: new Date().toISOString() });
const statuses = (outcomes: LikeOutcome[]) => outcomes.map((outcome) => outcome.status);
const likesOf = async (userId: string) => (await users.get(userId)).likes;
const likeItems = async (userId: string) =>
  (
    await table.documents.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :like)",
        ExpressionAttributeValues: { ":pk": userKey(userId).pk, ":like": "LIKE#" },
      }),
    )
  ).Items ?? [];

/**
 * A client of the same DynamoDB Local that counts the TransactWriteItems requests it sends. The
 * middleware sits after the SDK's retry step, so a retried attempt counts too.
 */
function transactionCountingClient() {
  const client = new DynamoDBClient({ endpoint: inject("dynamoEndpoint"), region: "us-east-1", credentials: localCredentials });
  let sent = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers?.["x-amz-target"]?.endsWith(".TransactWriteItems")) sent += 1;
      return next(args);
    },
    { step: "deserialize", name: "countTransactWriteItems" },
  );
  return { documents: DynamoDBDocumentClient.from(client), transactions: () => sent };
}

describe("the like message", () => {
  it("round-trips through its queue encoding", () => {
    const message = like("01ARZ3NDEKTSV4RRFFQ69G5FAV", "alice");
    expect(LikeMessageBody.parse(encodeLikeMessage(message))).toEqual(message);
  });

  it("rejects what is not a like, on both sides", () => {
    expect(LikeMessageBody.safeParse("not json").success).toBe(false);
    expect(LikeMessageBody.safeParse(JSON.stringify({ userId: "not-a-ulid", likerId: "a", likedAt: new Date().toISOString() })).success).toBe(false);
    expect(LikeMessageBody.safeParse(JSON.stringify({ userId: "01ARZ3NDEKTSV4RRFFQ69G5FAV", likedAt: new Date().toISOString() })).success).toBe(false);
    expect(() => encodeLikeMessage({ userId: "01ARZ3NDEKTSV4RRFFQ69G5FAV", likerId: "", likedAt: "yesterday" })).toThrow();
  });
});

describe("counting likes on DynamoDB Local", () => {
  it("counts each liker once, however often the batch is delivered", async () => {
    const user = await newUser();
    const batch = ["a", "b", "c"].map((liker) => like(user.id, liker));
    expect(statuses(await counter.count(batch))).toEqual(["counted", "counted", "counted"]);
    expect(statuses(await counter.count(batch))).toEqual(["already_counted", "already_counted", "already_counted"]);
    expect(await likesOf(user.id)).toBe(3);
    expect((await likeItems(user.id)).map((item) => item.sk).sort()).toEqual(["LIKE#a", "LIKE#b", "LIKE#c"]);
  });

  it("drops the likes already stored and counts the rest of the user's group", async () => {
    const user = await newUser();
    await counter.count([like(user.id, "old1"), like(user.id, "old2")]);
    const outcomes = await counter.count(["new1", "old1", "new2", "old2", "new3"].map((liker) => like(user.id, liker)));
    expect(statuses(outcomes)).toEqual(["counted", "already_counted", "counted", "already_counted", "counted"]);
    expect(await likesOf(user.id)).toBe(5);
  });

  it("writes a like repeated within the batch once, and the copy shares its fate", async () => {
    const user = await newUser();
    const outcomes = await counter.count([like(user.id, "twice"), like(user.id, "once"), like(user.id, "twice")]);
    expect(statuses(outcomes)).toEqual(["counted", "counted", "already_counted"]);
    expect(await likesOf(user.id)).toBe(2);
  });

  it("counts a batch spread over several users, each user apart", async () => {
    const [ada, bob, cy] = [await newUser(), await newUser(), await newUser()];
    await counter.count([like(bob.id, "x")]);
    const outcomes = await counter.count([like(ada.id, "x"), like(bob.id, "x"), like(cy.id, "x"), like(ada.id, "y"), like(bob.id, "y")]);
    expect(statuses(outcomes)).toEqual(["counted", "already_counted", "counted", "counted", "counted"]);
    expect([await likesOf(ada.id), await likesOf(bob.id), await likesOf(cy.id)]).toEqual([2, 2, 1]);
  });

  it("commits a batch over several users in one transaction, and a second once the first is cancelled", async () => {
    const [ada, bob, cy, gone] = [await newUser(), await newUser(), await newUser(), await newUser()];
    await counter.count([like(ada.id, "x"), like(bob.id, "y")]);
    await users.remove(gone.id);
    const { documents, transactions } = transactionCountingClient();
    const counting = createLikeCounter({ store: createDynamoLikeStore({ client: documents, tableName: table.tableName }) });
    const outcomes = await counting.count([
      like(ada.id, "x"),
      like(ada.id, "z"),
      like(bob.id, "y"),
      like(bob.id, "w"),
      like(cy.id, "v"),
      like(gone.id, "a"),
      like(gone.id, "b"),
      like(cy.id, "u"),
    ]);
    documents.destroy();
    // The first is cancelled by the stored likes and the deleted user; the second holds the rest.
    expect(transactions()).toBe(2);
    expect(statuses(outcomes)).toEqual(["already_counted", "counted", "already_counted", "counted", "counted", "user_not_found", "user_not_found", "counted"]);
    expect([await likesOf(ada.id), await likesOf(bob.id), await likesOf(cy.id)]).toEqual([2, 2, 2]);
    expect((await likeItems(cy.id)).map((item) => item.sk).sort()).toEqual(["LIKE#u", "LIKE#v"]);
    const profile = await table.documents.send(new GetCommand({ TableName: table.tableName, Key: userKey(gone.id) }));
    expect(profile.Item).toBeUndefined();
    expect(await likeItems(gone.id)).toEqual([]);
  });

  it("drops likes of a deleted user without recreating it", async () => {
    const user = await newUser();
    await users.remove(user.id);
    const outcomes = await counter.count([like(user.id, "late1"), like(user.id, "late2")]);
    expect(statuses(outcomes)).toEqual(["user_not_found", "user_not_found"]);
    const profile = await table.documents.send(new GetCommand({ TableName: table.tableName, Key: userKey(user.id) }));
    expect(profile.Item).toBeUndefined();
    expect(await likeItems(user.id)).toEqual([]);
  });

  it("splits more than 99 likes of one user over several transactions", async () => {
    const user = await newUser();
    const batch = Array.from({ length: 250 }, (_, i) => like(user.id, `fan${i}`));
    await counter.count(batch.slice(0, 120));
    const outcomes = await counter.count(batch);
    expect(statuses(outcomes).filter((s) => s === "counted")).toHaveLength(130);
    expect(statuses(outcomes).filter((s) => s === "already_counted")).toHaveLength(120);
    expect(await likesOf(user.id)).toBe(250);
    expect(await likeItems(user.id)).toHaveLength(250);
  });

  it("stays exact when concurrent batches hit the same users with overlapping likes", async () => {
    const hot = [await newUser(), await newUser()];
    // 12 concurrent batches of 10, drawn from 2 users x 15 likers, with repeats across batches.
    const batches = Array.from({ length: 12 }, (_, b) =>
      Array.from({ length: 10 }, (_, i) => like(hot[(b + i) % 2]!.id, `liker${(b * 7 + i * 3) % 15}`)),
    );
    const distinct = new Set(batches.flat().map((l) => `${l.userId}/${l.likerId}`));
    const results = await Promise.all(batches.map((batch) => counter.count(batch)));
    expect(results.flat().filter((o) => o.status === "failed")).toEqual([]);
    expect(results.flat().filter((o) => o.status === "counted")).toHaveLength(distinct.size);
    const total = (await likesOf(hot[0]!.id)) + (await likesOf(hot[1]!.id));
    expect(total).toBe(distinct.size);
  });

  it("reports a write that cannot happen as failed, for every like it held", async () => {
    const missing = createLikeCounter({ store: createDynamoLikeStore({ client: table.documents, tableName: "no-such-table" }) });
    const outcomes = await missing.count([like("01ARZ3NDEKTSV4RRFFQ69G5FAV", "a"), like("01ARZ3NDEKTSV4RRFFQ69G5FAV", "b")]);
    expect(statuses(outcomes)).toEqual(["failed", "failed"]);
  });

  it("keeps the like item keyed by user and liker", () => {
    expect(likeKey("01ARZ3NDEKTSV4RRFFQ69G5FAV", "alice")).toEqual({ pk: "USER#01ARZ3NDEKTSV4RRFFQ69G5FAV", sk: "LIKE#alice" });
  });
});

describe("liking through SQS (local-aws-sqs)", () => {
  let server: Server;
  let sqs: SQSClient;
  let queueUrl: string;

  beforeAll(async () => {
    server = await createSqsServer({ port: 0, hostname: "127.0.0.1", queues: [{ QueueName: "likes-test" }] });
    const { port } = server.address() as AddressInfo;
    sqs = new SQSClient({ endpoint: `http://127.0.0.1:${port}`, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    queueUrl = `http://127.0.0.1:${port}/123456789012/likes-test`;
  });
  afterAll(() => {
    sqs?.destroy();
    server?.closeAllConnections();
    server?.close();
  });

  it("queues a validated like for an existing user, with the liker given", async () => {
    const user = await newUser();
    const at = new Date("2030-01-02T03:04:05.000Z");
    const likes = createLikeUseCases({ users, publisher: createSqsLikePublisher({ client: sqs, queueUrl }), now: () => at });
    await likes.like(user.id, "alice");
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }));
    expect(received.Messages).toHaveLength(1);
    expect(LikeMessageBody.parse(received.Messages![0]!.Body)).toEqual({ userId: user.id, likerId: "alice", likedAt: at.toISOString() });
  });

  it("answers not_found for an unknown user and queues nothing", async () => {
    const likes = createLikeUseCases({ users, publisher: createSqsLikePublisher({ client: sqs, queueUrl }) });
    const error = await likes.like("01ARZ3NDEKTSV4RRFFQ69G5FAV", "alice").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe("not_found");
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }));
    expect(received.Messages ?? []).toEqual([]);
  });
});
