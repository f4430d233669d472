import { Logger } from "@aws-lambda-powertools/logger";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, unwrap } from "@users/client";
import { createDynamoLikeStore, createLikeCounter, createLikeUseCases, LikeMessageBody } from "@users/core/likes";
import { createSqsLikePublisher } from "@users/core/likes/sqs";
import { createDynamoUserStore, createUserUseCases, type UserUseCases } from "@users/core/users";
import { sqsEvent, sqsRecordFromMessage } from "../../local/src/events/sqs";
import { freePort } from "../../local/src/ports";
import { startSqs, type SqsServer } from "../../local/src/servers/sqs";
import { createTestTable } from "../../core/test/support/table";
import { createApp } from "../src/api/app";
import { createLikesSubscriber } from "../src/likes/subscriber";
import { authorizedEnv } from "./support/app";

let sqsServer: SqsServer;
let sqs: SQSClient;
let queueUrl: string;
let users: UserUseCases;
let app: ReturnType<typeof createApp>;
let subscriber: ReturnType<typeof createLikesSubscriber>;

beforeAll(async () => {
  sqsServer = await startSqs({ port: await freePort() });
  sqs = new SQSClient({ endpoint: sqsServer.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "likes-api-test" }))).QueueUrl!;

  const table = await createTestTable("likes-api");
  users = createUserUseCases({ store: createDynamoUserStore({ client: table.documents, tableName: table.tableName }) });
  app = createApp({ users, likes: createLikeUseCases({ users, publisher: createSqsLikePublisher({ client: sqs, queueUrl }) }), avatars: untouched("avatars") });
  const counter = createLikeCounter({ store: createDynamoLikeStore({ client: table.documents, tableName: table.tableName }) });
  subscriber = createLikesSubscriber({ counter, logger: new Logger({ serviceName: "likes-api-test" }) });
});

afterAll(async () => {
  sqs?.destroy();
  await sqsServer?.stop();
});

/** A dependency the likes routes never use: any touch fails the test loudly. */
function untouched<T>(name: string): T {
  return new Proxy({}, {
    get: (_, key) => {
      throw new Error(`the likes routes used ${name}.${String(key)}`);
    },
  }) as T;
}

/** A typed client whose requests carry the claims the API Gateway authorizer verified. */
const clientAs = (sub: string, scopes: string[] | null = ["users:read", "users:write", "likes:write"]) =>
  createClient({
    baseUrl: "http://api.test",
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => app.request(input, init, scopes === null ? undefined : authorizedEnv(sub, scopes))) as typeof fetch,
  });
const anonymous = () => clientAs("", null);

let serial = 0;
const newUser = () => {
  serial += 1;
  return users.create({ username: `api_like_${serial}`, name: "Liked", email: `al${serial}@example.com`, age: 30 });
};

/** Everything waiting in the queue right now (local-aws-sqs answers at once when messages wait). */
async function drain(): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, AttributeNames: ["All"] }));
    if (Messages.length === 0) return messages;
    messages.push(...Messages);
  }
}

const context = { awsRequestId: "req-api-likes", functionName: "LikesSubscriber", getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

describe("POST /users/{id}/likes through the typed client", () => {
  it("answers 202 once the like is queued, with the token's subject as the liker", async () => {
    const user = await newUser();
    const response = await clientAs("alice").users[":id"].likes.$post({ param: { id: user.id } });
    expect(response.status).toBe(202);
    expect(await unwrap(response)).toEqual({ status: "accepted" });
    const [message, ...others] = await drain();
    expect(others).toEqual([]);
    expect(LikeMessageBody.parse(message!.Body)).toMatchObject({ userId: user.id, likerId: "alice" });
  });

  it("never takes the liker from a body: the route takes none, so a body is a 400 and nothing is queued", async () => {
    const user = await newUser();
    const response = await app.request(
      `/users/${user.id}/likes`,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ likerId: "mallory", userId: "someone" }) },
      authorizedEnv("bob", ["likes:write"]),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await drain()).toEqual([]);
    expect((await clientAs("bob").users[":id"].likes.$post({ param: { id: user.id } })).status).toBe(202);
    const messages = await drain();
    expect(messages.map((m) => LikeMessageBody.parse(m.Body).likerId)).toEqual(["bob"]);
  });

  it("answers 404 for an unknown user and queues nothing", async () => {
    const response = await clientAs("alice").users[":id"].likes.$post({ param: { id: "01ARZ3NDEKTSV4RRFFQ69G5FAV" } });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await drain()).toEqual([]);
  });

  it("answers 400 for an id that cannot be a user's", async () => {
    const response = await clientAs("alice").users[":id"].likes.$post({ param: { id: "not-an-id" } });
    expect(response.status).toBe(400);
  });

  it("answers 403 without likes:write and 401 without a token, queueing nothing", async () => {
    const user = await newUser();
    const forbidden = await clientAs("reader", ["users:read", "users:write"]).users[":id"].likes.$post({ param: { id: user.id } });
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as unknown as { detail: string }).detail).toContain("likes:write");
    expect((await anonymous().users[":id"].likes.$post({ param: { id: user.id } })).status).toBe(401);
    expect(await drain()).toEqual([]);
  });

  it("counts a like once however often it is sent, once the subscriber has run", async () => {
    const user = await newUser();
    for (const liker of ["carol", "carol", "dave", "carol"]) {
      expect((await clientAs(liker).users[":id"].likes.$post({ param: { id: user.id } })).status).toBe(202);
    }
    const queue = { arn: "arn:aws:sqs:us-east-1:123456789012:likes-api-test", region: "us-east-1" };
    const messages = await drain();
    expect(messages).toHaveLength(4);
    expect(await subscriber(sqsEvent(messages.map((m) => sqsRecordFromMessage(m, queue))), context)).toEqual({ batchItemFailures: [] });
    expect((await unwrap(clientAs("carol").users[":id"].$get({ param: { id: user.id } }))).likes).toBe(2);
  });
});
