import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Message } from "@aws-sdk/client-sqs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localCredentials } from "../src/index";
import { sqsRecordFromMessage } from "../src/events/sqs";
import { startSqs } from "../src/servers/sqs";
import type { SqsServer } from "../src/servers/sqs";
import { sdkQueueTransport } from "../src/queue/transport";

/**
 * The event source mapping reaches the runtime's own emulator in-process: it must see the same
 * queue as a client over HTTP does — same messages and fields, same receive counts and redrive,
 * deletes that stick (in the journal too) — and be refused what the role does not allow.
 */
let dir: string;
const servers: SqsServer[] = [];
const clients: SQSClient[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "users-queue-transport-"));
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  await rm(dir, { recursive: true, force: true });
});

async function emulator(journal = false) {
  const server = await startSqs({ port: 0, ...(journal ? { journalPath: join(dir, "messages.jsonl") } : {}) });
  servers.push(server);
  const client = new SQSClient({ region: "us-east-1", credentials: localCredentials, endpoint: server.endpoint });
  clients.push(client);
  const dlq = (await client.send(new CreateQueueCommand({ QueueName: "dlq" }))).QueueUrl!;
  const dlqArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  const queue = async (name: string) =>
    (
      await client.send(
        new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "1", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) } }),
      )
    ).QueueUrl!;
  return { server, client, queue, dlq };
}

const send = (client: SQSClient, queueUrl: string, body: string) =>
  client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      MessageAttributes: { source: { DataType: "String", StringValue: "api" }, blob: { DataType: "Binary", BinaryValue: Uint8Array.from([1, 2, 255]) } },
    }),
  );

const signal = () => new AbortController().signal;
const receive = (transport: ReturnType<typeof sdkQueueTransport>, waitSeconds = 0) => transport.receive({ maxMessages: 10, waitSeconds, signal: signal() });

/** What differs between two receives of equal messages: ids, handles and times. */
function shape(message: Message) {
  const record = sqsRecordFromMessage(message, { arn: "arn:aws:sqs:us-east-1:000000000000:q", region: "us-east-1" });
  const { SentTimestamp, ApproximateFirstReceiveTimestamp, ...attributes } = record.attributes as unknown as Record<string, string>;
  return { ...record, messageId: "id", receiptHandle: "handle", attributes: { ...attributes, SentTimestamp: typeof SentTimestamp, ApproximateFirstReceiveTimestamp: typeof ApproximateFirstReceiveTimestamp } };
}

describe("the in-process queue transport", () => {
  it("reaches only the queues its emulator has", async () => {
    const { server, queue } = await emulator();
    await expect(receive(server.queueTransport(await queue("likes")))).resolves.toEqual([]);
    await expect(receive(server.queueTransport(`${server.endpoint}/000000000000/missing`))).rejects.toThrow("the queue missing does not exist");
  });

  it("hands over the records an SDK client receives, field for field", async () => {
    const { client, queue, server } = await emulator();
    const [overHttp, inProcess] = [await queue("over-http"), await queue("in-process")];
    await send(client, overHttp, '{"like":1}');
    await send(client, inProcess, '{"like":1}');
    const [viaSdk] = await receive(sdkQueueTransport(client, overHttp));
    const [direct] = await receive(server.queueTransport(inProcess));
    expect(direct!.Attributes!.ApproximateReceiveCount).toBe("1");
    expect(shape(direct!)).toEqual(shape(viaSdk!));
  });

  it("deletes by receipt handle, reports a handle it refuses, and the deletes are in the journal", async () => {
    const { client, queue, server } = await emulator(true);
    const url = await queue("likes");
    for (const body of ["a", "b"]) await send(client, url, body);
    const transport = server.queueTransport(url);
    const messages = await receive(transport);
    expect(messages.map((m) => m.Body).sort()).toEqual(["a", "b"]);
    const failed = await transport.deleteBatch([
      ...messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      { Id: "bogus", ReceiptHandle: "not-a-handle" },
    ]);
    expect(failed.map((f) => f.Id)).toEqual(["bogus"]);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await receive(transport)).toEqual([]);

    await server.stop();
    servers.splice(0);
    const again = await emulator(true);
    expect(again.server.restoredMessages).toBe(0);
  });

  it("leaves what it did not delete to the visibility timeout, then the DLQ, as SQS does", async () => {
    const { client, queue, dlq, server } = await emulator();
    const url = await queue("likes");
    await send(client, url, "poison");
    const transport = server.queueTransport(url);
    expect((await receive(transport))[0]!.Attributes!.ApproximateReceiveCount).toBe("1");
    expect((await receive(transport, 2))[0]!.Attributes!.ApproximateReceiveCount).toBe("2");
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await receive(transport)).toEqual([]);
    expect((await receive(sdkQueueTransport(client, dlq))).map((m) => m.Body)).toEqual(["poison"]);
  });

  it("asks before each call, and a refusal fails the call", async () => {
    const { queue, server } = await emulator();
    const asked: string[] = [];
    const transport = server.queueTransport(await queue("likes"), {
      authorize: (operation) => {
        asked.push(operation);
        return operation === "DeleteMessageBatch" ? "AccessDenied: not allowed" : null;
      },
    });
    expect(await receive(transport)).toEqual([]);
    await expect(transport.deleteBatch([{ Id: "0", ReceiptHandle: "x" }])).rejects.toThrow("AccessDenied: not allowed");
    expect(asked).toEqual(["ReceiveMessage", "DeleteMessageBatch"]);
  });
});
