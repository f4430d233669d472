import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createClient, unwrap } from "@users/client";
import { encodeLikeMessage } from "@users/core/likes";
import { manifest } from "../../../infra/manifest";
import { createMemoryLogger, localCredentials, start, type Runtime } from "../../local/src/index";

/**
 * Likes end to end through the offline runtime: the HTTP front and its JWT checks, the API Lambda,
 * local-aws-sqs with the manifest's redrive policy, the queue poller and the real likes subscriber
 * on DynamoDB Local — with the test-only fault injector making 20 % of subscriber invocations throw
 * after their writes, so SQS redelivers whole batches that were already counted.
 */
let runtime: Runtime;
let sqs: SQSClient;
const logger = createMemoryLogger();

beforeAll(async () => {
  runtime = await start({
    inMemory: true,
    ports: "free",
    logger,
    // The run's DynamoDB Local: no second JVM. Users made here have ids of their own.
    endpoints: { dynamodb: inject("dynamoEndpoint") },
    // TESTS ONLY: retries after 3 s instead of the deployed 180 s.
    queueVisibilityTimeoutSeconds: 3,
    functionEnv: { LIKES_FAULT_RATE: "0.2", POWERTOOLS_LOG_LEVEL: "WARN" },
  });
  sqs = new SQSClient({ region: "us-east-1", credentials: localCredentials, endpoint: runtime.endpoints.sqs });
  // A cold start slower than the visibility timeout would redeliver the first batch: harmless, but noise.
  runtime.functions.likes.warm();
}, 120_000);

afterAll(async () => {
  sqs?.destroy();
  await runtime?.stop();
});

const clientAs = async (sub: string, scope: string) => createClient({ baseUrl: runtime.apiUrl, token: await runtime.issuer!.sign({ sub, scope }) });

async function createUsers(count: number) {
  const admin = await clientAs("admin", "users:read users:write");
  const stamp = Date.now().toString(36);
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      unwrap(admin.users.$post({ json: { username: `e2e_${stamp}_${i}`, name: `User ${i}`, email: `e2e${i}@example.com`, age: 30 } })),
    ),
  );
}

async function likesOf(ids: readonly string[]) {
  const reader = await clientAs("reader", "users:read");
  return Promise.all(ids.map(async (id) => (await unwrap(reader.users[":id"].$get({ param: { id } }))).likes));
}

async function queueDepth(queueUrl: string) {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
  );
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

/** mulberry32: the same "random" likes on every run. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The subscriber's own log lines (Powertools JSON), as the runtime collected them. */
const subscriberLogs = () =>
  logger.lines
    .filter((line) => line.startsWith(`[${manifest.functions.likes.name}] {`))
    .map((line) => JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>);

describe("likes through the offline runtime", () => {
  it("counts 200 likes sent twice each exactly, while 20 % of subscriber invocations crash after writing", { timeout: 120_000 }, async () => {
    const users = await createUsers(10);
    const likers = await Promise.all(Array.from({ length: 20 }, (_, i) => clientAs(`e2e-liker-${i}`, "likes:write")));
    // 200 likes from 20 likers on 10 users, drawn at random (seeded), so some pairs repeat.
    const random = seededRandom(20240605);
    const likes = Array.from({ length: 200 }, () => ({ liker: Math.floor(random() * 20), user: Math.floor(random() * 10) }));
    const expected = users.map((_, u) => new Set(likes.filter((like) => like.user === u).map((like) => like.liker)).size);
    expect(expected.reduce((a, b) => a + b)).toBeLessThan(200);
    expect(Math.min(...expected)).toBeGreaterThan(0);

    const sends = [...likes, ...likes].map(({ liker, user }) => () => likers[liker]!.users[":id"].likes.$post({ param: { id: users[user]!.id } }).then((r) => r.status));
    const statuses = await pool(sends, 16);
    expect(statuses.every((status) => status === 202)).toBe(true);

    const ids = users.map((user) => user.id);
    // Done when every message is gone from the queue (counted and deleted) and the counts match.
    await eventually(async () => ({ depth: await queueDepth(runtime.resources.queueUrl), counts: await likesOf(ids) }),
      ({ depth, counts }) => depth === 0 && counts.every((count, u) => count === expected[u]), 90_000);
    expect(await likesOf(ids)).toEqual(expected);
    expect(await queueDepth(runtime.resources.queueUrl)).toBe(0);
    expect(await queueDepth(runtime.resources.dlqUrl)).toBe(0);

    // The faults did happen: whole batches failed after writing and came back.
    const subscriberRuns = logger.invocations.filter((entry) => entry.functionName === manifest.functions.likes.name);
    expect(subscriberRuns.some((entry) => entry.outcome === "error" && entry.summary.includes("InjectedFault"))).toBe(true);
  });

  it("moves a poison message to the DLQ after 5 receives and counts the good likes around it", { timeout: 90_000 }, async () => {
    const [user] = await createUsers(1);
    const before = await clientAs("poison-before", "likes:write");
    const after = await clientAs("poison-after", "likes:write");
    expect((await before.users[":id"].likes.$post({ param: { id: user!.id } })).status).toBe(202);
    const poison = await sqs.send(new SendMessageCommand({ QueueUrl: runtime.resources.queueUrl, MessageBody: '{"userId":"not a like"' }));
    // Valid JSON, wrong shape: the schema, not JSON.parse, must catch this one.
    const wrongShape = await sqs.send(
      new SendMessageCommand({ QueueUrl: runtime.resources.queueUrl, MessageBody: JSON.stringify({ ...JSON.parse(encodeLikeMessage({ userId: user!.id, likerId: "x", likedAt: new Date().toISOString() })), likerId: "" }) }),
    );
    expect((await after.users[":id"].likes.$post({ param: { id: user!.id } })).status).toBe(202);

    const dlqDepth = await eventually(() => queueDepth(runtime.resources.dlqUrl), (depth) => depth >= 2, 75_000);
    expect(dlqDepth).toBe(2);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: runtime.resources.dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    expect(Messages.map((m) => m.MessageId).sort()).toEqual([poison.MessageId, wrongShape.MessageId].sort());
    expect(await likesOf([user!.id])).toEqual([2]);

    const maxReceiveCount = manifest.queue.dlq.maxReceiveCount;
    const receives = subscriberLogs()
      .filter((entry) => entry.message === "malformed like message, left for the DLQ" && entry.messageId === poison.MessageId)
      .map((entry) => entry.receiveCount);
    expect(receives).toEqual(Array.from({ length: maxReceiveCount }, (_, i) => i + 1));
  });
});
