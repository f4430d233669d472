import { appendFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localCredentials } from "../src/index";
import { openMessageJournal } from "../src/queue/journal";
import { startSqs } from "../src/servers/sqs";
import type { SqsServer } from "../src/servers/sqs";

/** The queue's messages on disk: what the emulator held comes back after a restart, and nothing else. */
let dir: string;
const servers: SqsServer[] = [];
const clients: SQSClient[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "users-queue-journal-"));
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  await rm(dir, { recursive: true, force: true });
});

async function emulator() {
  const server = await startSqs({ port: 0, journalPath: join(dir, "messages.jsonl") });
  servers.push(server);
  const client = new SQSClient({ region: "us-east-1", credentials: localCredentials, endpoint: server.endpoint });
  clients.push(client);
  const dlq = (await client.send(new CreateQueueCommand({ QueueName: "dlq" }))).QueueUrl!;
  const dlqArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  const queue = (
    await client.send(
      new CreateQueueCommand({
        QueueName: "likes",
        Attributes: { VisibilityTimeout: "1", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
      }),
    )
  ).QueueUrl!;
  return { server, client, queue, dlq };
}

const receiveAll = async (client: SQSClient, queueUrl: string) =>
  (await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, AttributeNames: ["All"] }))).Messages ?? [];

describe("the queue journal", () => {
  it("gives a queue created again the messages it held, with their ids and receive counts; deleted ones stay gone", async () => {
    const first = await emulator();
    const sent = await first.client.send(new SendMessageCommand({ QueueUrl: first.queue, MessageBody: "one" }));
    await first.client.send(
      new SendMessageBatchCommand({ QueueUrl: first.queue, Entries: ["two", "three"].map((body) => ({ Id: body, MessageBody: body })) }),
    );
    const received = await receiveAll(first.client, first.queue);
    expect(received).toHaveLength(3);
    const deleted = received.find((message) => message.Body === "two")!;
    await first.client.send(new DeleteMessageCommand({ QueueUrl: first.queue, ReceiptHandle: deleted.ReceiptHandle }));
    // No stop: the first emulator is abandoned as a killed process would leave it.

    expect(first.server.restoredMessages).toBe(0);
    const second = await emulator();
    expect(second.server.restoredMessages).toBe(2);
    const again = await receiveAll(second.client, second.queue);
    expect(again.map((message) => message.Body).sort()).toEqual(["one", "three"]);
    const one = again.find((message) => message.Body === "one")!;
    expect(one.MessageId).toBe(sent.MessageId);
    // Received once before the restart, once now.
    expect(one.Attributes?.ApproximateReceiveCount).toBe("2");
  });

  it("keeps a redrive to the DLQ across a restart; a deleted queue's messages are gone for good", async () => {
    const first = await emulator();
    await first.client.send(new SendMessageCommand({ QueueUrl: first.queue, MessageBody: "poison" }));
    // maxReceiveCount 2: received twice, then moved to the DLQ when its visibility ends.
    for (let receive = 0; receive < 2; receive++) {
      expect(await receiveAll(first.client, first.queue)).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 1200));
    }
    await first.client.send(new SendMessageCommand({ QueueUrl: first.dlq, MessageBody: "sent to the DLQ" }));

    const second = await emulator();
    expect((await receiveAll(second.client, second.dlq)).map((message) => message.Body).sort()).toEqual(["poison", "sent to the DLQ"]);
    expect(await receiveAll(second.client, second.queue)).toEqual([]);
    await second.client.send(new DeleteQueueCommand({ QueueUrl: second.dlq }));

    const third = await emulator();
    expect(third.server.restoredMessages).toBe(0);
    expect(await receiveAll(third.client, third.dlq)).toEqual([]);
  });

  it("replays a file whose last line a kill cut short, and compacts it at open", async () => {
    const path = join(dir, "messages.jsonl");
    const journal = openMessageJournal(path);
    journal.put("likes", { MessageId: "a", MessageBody: "kept", attributes: { SentTimestamp: String(Date.now()) } });
    journal.put("likes", { MessageId: "b", MessageBody: "deleted", attributes: { SentTimestamp: String(Date.now()) } });
    journal.received("likes", [{ id: "a", count: 3 }]);
    journal.deleted("likes", "b");
    journal.flush();
    await appendFile(path, '{"t":"put","q":"likes","r":{"MessageId":"c"');

    const reopened = openMessageJournal(path);
    expect(reopened.takeStored("likes").map(({ record, receives }) => [record.MessageId, receives])).toEqual([["a", 3]]);
    expect((await readFile(path, "utf8")).trim().split("\n")).toHaveLength(1);
    reopened.close();
    journal.close();
  });
});
