import { FullBatchFailureError } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { beforeAll, describe, expect, inject, it, vi } from "vitest";
import { createDynamoLikeStore, createLikeCounter, encodeLikeMessage, type LikeCounter } from "@users/core/likes";
import { createDynamoUserStore, createUserUseCases, userKey, type UserUseCases } from "@users/core/users";
import { sqsEvent, sqsRecord } from "../../local/src/events/sqs";
import { createTestTable } from "../../core/test/support/table";
import { InjectedFault, withInjectedFaults } from "../src/likes/fault-injection";
import { createLikesSubscriber } from "../src/likes/subscriber";

type Subscriber = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

const context = { awsRequestId: "req-likes", functionName: "LikesSubscriber", getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const logger = new Logger({ serviceName: "likes-test" });

let table: Awaited<ReturnType<typeof createTestTable>>;
let users: UserUseCases;
let counter: LikeCounter;
let subscriber: Subscriber;

beforeAll(async () => {
  table = await createTestTable("likes-sub");
  users = createUserUseCases({ store: createDynamoUserStore({ client: table.documents, tableName: table.tableName }) });
  counter = createLikeCounter({ store: createDynamoLikeStore({ client: table.documents, tableName: table.tableName }) });
  subscriber = createLikesSubscriber({ counter, logger });
});

let serial = 0;
const newUser = () => {
  serial += 1;
  return users.create({ username: `sub_${serial}_${Date.now() % 100000}`, name: "Liked", email: `s${serial}@example.com`, age: 30 });
};
/** A like as the API would queue it, in a full-shape SQS record. */
const likeRecord = (userId: string, likerId: string) =>
  sqsRecord({ body: encodeLikeMessage({ userId, likerId, likedAt: new Date().toISOString() }), queueArn: "arn:aws:sqs:us-east-1:123456789012:users-test-Likes" });
/** The same message delivered again, as SQS does after a failed or timed-out invocation. */
const redelivered = (record: SQSRecord, receiveCount = 2): SQSRecord => ({
  ...record,
  receiptHandle: `${record.receiptHandle}-again`,
  attributes: { ...record.attributes, ApproximateReceiveCount: String(receiveCount) },
});
const failedIds = (response: SQSBatchResponse) => response.batchItemFailures.map((failure) => failure.itemIdentifier).sort();
const likesOf = async (id: string) => (await users.get(id)).likes;

describe("the likes subscriber over DynamoDB Local", () => {
  it("counts a full batch spread over several users, with no failures", async () => {
    const [a, b, c] = [await newUser(), await newUser(), await newUser()];
    const records = [a, a, a, a, b, b, b, c, c, a].map((user, i) => likeRecord(user.id, `liker${i}`));
    expect(await subscriber(sqsEvent(records), context)).toEqual({ batchItemFailures: [] });
    expect([await likesOf(a.id), await likesOf(b.id), await likesOf(c.id)]).toEqual([5, 3, 2]);
  });

  it("counts nothing twice when a batch, or a like inside it, comes again", async () => {
    const user = await newUser();
    const records = ["x", "y", "z"].map((liker) => likeRecord(user.id, liker));
    await subscriber(sqsEvent(records), context);
    // Redelivered, mixed with a new like and a second copy of an old one sent by the API.
    const again = [...records.map((r) => redelivered(r)), likeRecord(user.id, "w"), likeRecord(user.id, "x")];
    expect(await subscriber(sqsEvent(again), context)).toEqual({ batchItemFailures: [] });
    expect(await likesOf(user.id)).toBe(4);
  });

  it("fails only a malformed message, and counts the good ones around it", async () => {
    const user = await newUser();
    const poison = [
      sqsRecord({ body: "not json at all" }),
      sqsRecord({ body: JSON.stringify({ userId: user.id, likedAt: new Date().toISOString() }) }),
      sqsRecord({ body: JSON.stringify({ userId: "not-a-ulid", likerId: "a", likedAt: new Date().toISOString() }) }),
    ];
    const records = [likeRecord(user.id, "before"), ...poison, likeRecord(user.id, "after")];
    const response = await subscriber(sqsEvent(records), context);
    expect(failedIds(response)).toEqual(poison.map((r) => r.messageId).sort());
    expect(await likesOf(user.id)).toBe(2);
  });

  it("fails exactly the records whose write failed, and counts the rest", async () => {
    const [healthy, broken] = [await newUser(), await newUser()];
    // A profile whose count is not a number: DynamoDB refuses the ADD, for this user only.
    await table.documents.send(
      new UpdateCommand({ TableName: table.tableName, Key: userKey(broken.id), UpdateExpression: "SET likes = :text", ExpressionAttributeValues: { ":text": "many" } }),
    );
    const brokenRecords = [likeRecord(broken.id, "p"), likeRecord(broken.id, "q")];
    const records = [likeRecord(healthy.id, "p"), brokenRecords[0]!, likeRecord(healthy.id, "q"), brokenRecords[1]!];
    const response = await subscriber(sqsEvent(records), context);
    expect(failedIds(response)).toEqual(brokenRecords.map((r) => r.messageId).sort());
    expect(await likesOf(healthy.id)).toBe(2);
  });

  it("acknowledges likes of a deleted user instead of retrying them forever", async () => {
    const user = await newUser();
    await users.remove(user.id);
    expect(await subscriber(sqsEvent([likeRecord(user.id, "late")]), context)).toEqual({ batchItemFailures: [] });
  });

  it("fails the whole invocation when every record failed, as Powertools does", async () => {
    await expect(subscriber(sqsEvent([sqsRecord({ body: "{" }), sqsRecord({ body: "[]" })]), context)).rejects.toBeInstanceOf(FullBatchFailureError);
  });
});

describe("test-only fault injection", () => {
  it("throws after the writes, and the redelivered batch counts nothing more", async () => {
    const user = await newUser();
    const crashing = withInjectedFaults(subscriber, { rate: 1 });
    const records = ["m", "n"].map((liker) => likeRecord(user.id, liker));
    await expect(crashing(sqsEvent(records), context)).rejects.toBeInstanceOf(InjectedFault);
    expect(await likesOf(user.id)).toBe(2);
    expect(await subscriber(sqsEvent(records.map((r) => redelivered(r))), context)).toEqual({ batchItemFailures: [] });
    expect(await likesOf(user.id)).toBe(2);
  });

  it("leaves the handler untouched at rate 0 and fails the chosen share", async () => {
    expect(withInjectedFaults(subscriber, { rate: 0 })).toBe(subscriber);
    const draws = [0.1, 0.5, 0.19, 0.9];
    const ok = async () => "ok";
    const sometimes = withInjectedFaults(ok, { rate: 0.2, random: () => draws.shift()! });
    const event = sqsEvent([sqsRecord({ body: "{}" })]);
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => sometimes(event, undefined).then(() => "ok", () => "fault")));
    expect(outcomes).toEqual(["fault", "ok", "fault", "ok"]);
  });

  it("spares a batch holding a record near the DLQ", async () => {
    const always = withInjectedFaults(async () => "ok", { rate: 1, spareFromReceiveCount: 4 });
    const fresh = sqsRecord({ body: "{}" });
    await expect(always(sqsEvent([fresh]), undefined)).rejects.toBeInstanceOf(InjectedFault);
    await expect(always(sqsEvent([fresh, redelivered(fresh, 4)]), undefined)).resolves.toBe("ok");
  });
});

describe("the exported Lambda handler", () => {
  const linkTable = () => {
    // What SST's links and the SDK's endpoint chain provide, on AWS and offline alike.
    process.env.SST_RESOURCE_App = JSON.stringify({ name: "users", stage: "test" });
    process.env.SST_RESOURCE_Users = JSON.stringify({ name: table.tableName, type: "sst.aws.Dynamo" });
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject("dynamoEndpoint");
    process.env.AWS_REGION = "us-east-1";
    process.env.AWS_ACCESS_KEY_ID = "local";
    process.env.AWS_SECRET_ACCESS_KEY = "local";
  };
  const load = async () => ((await import("../src/likes/handler")) as { handler: Subscriber }).handler;

  it("counts a batch with clients built from its configuration", async () => {
    linkTable();
    delete process.env.LIKES_FAULT_RATE;
    vi.resetModules();
    const handler = await load();
    const user = await newUser();
    expect(await handler(sqsEvent([likeRecord(user.id, "one"), likeRecord(user.id, "two")]), context)).toEqual({ batchItemFailures: [] });
    expect(await likesOf(user.id)).toBe(2);
  });

  it("fails after writing when LIKES_FAULT_RATE=1, and refuses a rate out of range", async () => {
    linkTable();
    vi.resetModules();
    process.env.LIKES_FAULT_RATE = "1";
    try {
      const handler = await load();
      const user = await newUser();
      await expect(handler(sqsEvent([likeRecord(user.id, "one")]), context)).rejects.toBeInstanceOf(Error);
      expect(await likesOf(user.id)).toBe(1);
      vi.resetModules();
      process.env.LIKES_FAULT_RATE = "1.5";
      await expect(load()).rejects.toThrow();
    } finally {
      delete process.env.LIKES_FAULT_RATE;
    }
  });
});
