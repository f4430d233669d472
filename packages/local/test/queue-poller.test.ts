import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryLogger, localCredentials } from "../src/index";
import type { FunctionHost } from "../src/lambda/function-host";
import { startQueuePoller } from "../src/queue/poller";
import type { QueuePoller, QueuePollerOptions } from "../src/queue/poller";
import { startSqs } from "../src/servers/sqs";
import type { SqsServer } from "../src/servers/sqs";

/**
 * The event source mapping against the runtime's own SQS emulator, with a subscriber that counts
 * what it is given: when the handled messages leave the queue.
 */
let server: SqsServer | undefined;
let client: SQSClient | undefined;
let poller: QueuePoller | undefined;
afterEach(async () => {
  await poller?.stop();
  client?.destroy();
  await server?.stop();
});

async function queueWith(count: number) {
  server = await startSqs({ port: 0 });
  client = new SQSClient({ region: "us-east-1", credentials: localCredentials, endpoint: server.endpoint });
  const queueUrl = (await client.send(new CreateQueueCommand({ QueueName: "likes", Attributes: { VisibilityTimeout: "30" } }))).QueueUrl!;
  // SendMessageBatch takes 10 entries at most.
  for (let start = 0; start < count; start += 10) {
    const entries = Array.from({ length: Math.min(10, count - start) }, (_, i) => ({ Id: String(i), MessageBody: `like ${start + i}` }));
    await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
  const inFlight = async () =>
    Number((await client!.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessagesNotVisible"] }))).Attributes!.ApproximateNumberOfMessagesNotVisible);
  return { queueUrl, inFlight };
}

/** A subscriber that succeeds for every record, and says when it was called. */
function countingHost() {
  const records: string[] = [];
  let called = () => {};
  const firstCall = new Promise<void>((resolve) => (called = resolve));
  const host = {
    invoke: async (event: { Records: { body: string }[] }) => {
      records.push(...event.Records.map((record) => record.body));
      called();
      return { batchItemFailures: [] };
    },
  } as unknown as FunctionHost;
  return { host, records, firstCall };
}

function poll(queueUrl: string, host: FunctionHost, deleteDelayMs: number, settings: Partial<QueuePollerOptions> = {}) {
  return startQueuePoller({
    transport: server!.queueTransport(queueUrl),
    queue: { url: queueUrl, arn: "arn:aws:sqs:us-east-1:000000000000:likes" },
    region: "us-east-1",
    batchSize: 10,
    windowSeconds: 0,
    partialResponses: true,
    host,
    log: createMemoryLogger(),
    pollers: 1,
    deleteDelayMs,
    ...settings,
  });
}

const until = async (check: () => Promise<boolean>) => {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe("the event source mapping's deletes", () => {
  it("keep handled messages in flight for deleteDelayMs, then delete them, once", async () => {
    const { queueUrl, inFlight } = await queueWith(3);
    const { host, records, firstCall } = countingHost();
    poller = poll(queueUrl, host, 1500);
    await firstCall;
    await until(async () => records.length === 3);
    expect(await inFlight()).toBe(3);
    await until(async () => (await inFlight()) === 0);
    expect(records.sort()).toEqual(["like 0", "like 1", "like 2"]);
  });

  it("are made at once by a stop, whatever the delay", async () => {
    const { queueUrl, inFlight } = await queueWith(2);
    const { host, records } = countingHost();
    poller = poll(queueUrl, host, 60_000);
    await until(async () => records.length === 2);
    expect(await inFlight()).toBe(2);
    await poller.stop();
    expect(await inFlight()).toBe(0);
  });
});

describe("a batch larger than one receive", () => {
  it("is gathered 10 messages per ReceiveMessage, up to the batch size, and none is left out", async () => {
    const { queueUrl, inFlight } = await queueWith(60);
    const asked: number[] = [];
    const transport = server!.queueTransport(queueUrl);
    const batches: number[] = [];
    const { host, records } = countingHost();
    const counting = {
      invoke: (event: { Records: { body: string }[] }) => {
        batches.push(event.Records.length);
        return host.invoke(event as never, {} as never);
      },
    } as unknown as FunctionHost;
    poller = poll(queueUrl, counting, 0, {
      batchSize: 25,
      windowSeconds: 1,
      transport: { ...transport, receive: (input) => (asked.push(input.maxMessages), transport.receive(input)) },
    });
    await until(async () => records.length === 60 && (await inFlight()) === 0);
    expect(new Set(records).size).toBe(60);
    expect(Math.max(...asked)).toBe(10);
    expect(batches.slice(0, 2)).toEqual([25, 25]);
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(60);
  });
});
