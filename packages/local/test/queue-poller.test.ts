import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryLogger, localCredentials } from "../src/index";
import type { FunctionHost } from "../src/lambda/function-host";
import { startQueuePoller } from "../src/queue/poller";
import type { QueuePoller } from "../src/queue/poller";
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
  await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: Array.from({ length: count }, (_, i) => ({ Id: String(i), MessageBody: `like ${i}` })) }));
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

function poll(queueUrl: string, host: FunctionHost, deleteDelayMs: number) {
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
