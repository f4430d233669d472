import { createServer } from "node:http";
import { join } from "node:path";
import type { ServerResponse } from "node:http";
import type { Message, MessageAttributeValue } from "@aws-sdk/client-sqs";
import { createRequestHandler } from "local-aws-sqs";
import { localAccountId, localRegion } from "../names";
import { listenOnLoopback, closeNow } from "../ports";
import { openMessageJournal } from "../queue/journal";
import type { JournalRecord, MessageJournal } from "../queue/journal";
import type { QueueTransport } from "../queue/transport";

export interface SqsServer {
  endpoint: string;
  /** Where the queues' messages are kept; undefined in memory. */
  journalPath: string | undefined;
  /** Messages found on disk at start, waiting for their queues to be created again. */
  restoredMessages: number;
  /**
   * A queue of this emulator reached in-process: the same queue calls — receive with its wait and
   * visibility, delete by receipt handle, the journal written before the caller sees the result —
   * without the SDK, SigV4 and two HTTP hops (the IAM layer, the emulator) per call. That is how
   * Lambda's own pollers reach SQS: inside AWS, not through the function's network path; the role's
   * permissions are still checked per call (`authorize`).
   */
  queueTransport(queueUrl: string, options?: InProcessTransportOptions): QueueTransport;
  stop(): Promise<void>;
}

export interface SqsOptions {
  port: number;
  /** Keep every queue's messages in this file (replayed at the next start); in memory without it. */
  journalPath?: string;
}

/**
 * local-aws-sqs on loopback: SQS's JSON and query protocols, visibility timeouts and redrive. The
 * emulator keeps messages in memory only; with `journalPath` every message is also written to a
 * journal before the emulator answers, and a queue created again finds its messages there.
 */
export async function startSqs(options: SqsOptions): Promise<SqsServer> {
  const { service, requestHandler } = createRequestHandler({
    port: options.port,
    hostname: "127.0.0.1",
    region: localRegion,
    accountId: localAccountId,
    // Deleting and recreating a queue at once is what tests do; AWS's 60-second wait only slows them.
    emulateQueueCreationLifecycle: false,
  });
  const journal = options.journalPath ? openMessageJournal(options.journalPath) : undefined;
  const restoredMessages = journal?.size() ?? 0;
  const instrumented = new WeakSet<object>();
  const instrumentNewQueues = () => {
    if (!journal) return;
    for (const queue of service.Queues as unknown as EmulatorQueue[]) {
      if (instrumented.has(queue)) continue;
      instrumented.add(queue);
      journalQueue(queue, journal);
    }
  };

  // Our own server rather than createSqsServer: its promise never settles when the port is busy.
  const server = createServer((request, response) => {
    instrumentNewQueues();
    if (journal) flushBeforeAnswering(response, () => {
      // A CreateQueue has just added its queue: restore its messages before anyone can receive.
      instrumentNewQueues();
      journal.flush();
    });
    void requestHandler(request, response);
  });
  const port = await listenOnLoopback(server, options.port).catch((error: unknown) => {
    journal?.close();
    throw error;
  });
  // Queue URLs carry the port: tell the service the one it really got.
  service.PORT = port;
  service.HOSTNAME = "127.0.0.1";
  const endpoint = `http://127.0.0.1:${port}`;
  const queueOf = (name: string) => {
    instrumentNewQueues();
    const queues = service.Queues as unknown as EmulatorQueue[];
    return service.deletingQueues.has(name) ? undefined : queues.find((queue) => queue.QueueName === name);
  };
  return {
    endpoint,
    journalPath: journal?.path,
    restoredMessages,
    queueTransport: (queueUrl, transportOptions = {}) => inProcessTransport(queueUrl, queueOf, () => journal?.flush(), transportOptions),
    stop: async () => {
      // Long polls hold connections open; close() alone would wait for them.
      await closeNow(server);
      journal?.close();
    },
  };
}

export interface InProcessTransportOptions {
  /**
   * Checks the caller's permission for the operation (`ReceiveMessage`, `DeleteMessageBatch`) as the
   * IAM layer would for the same call over HTTP; returns the refusal's message, or null when allowed.
   */
  authorize?: (operation: string) => string | null;
}

function inProcessTransport(
  queueUrl: string,
  queueOf: (name: string) => EmulatorQueue | undefined,
  flush: () => void,
  options: InProcessTransportOptions,
): QueueTransport {
  const name = new URL(queueUrl).pathname.split("/").filter(Boolean).at(-1) ?? "";
  const queue = (operation: string) => {
    const refused = options.authorize?.(operation);
    if (refused) throw new Error(refused);
    const found = queueOf(name);
    if (!found) throw new Error(`${operation}: the queue ${name} does not exist`);
    return found;
  };
  return {
    async receive({ maxMessages, waitSeconds, signal }) {
      const target = queue("ReceiveMessage");
      const records = await target.receive({ MaxNumberOfMessages: maxMessages, WaitTimeSeconds: waitSeconds });
      flush();
      // Received after the caller stopped waiting (as when an aborted HTTP receive is answered
      // anyway): nobody processes them, they come back after the visibility timeout. Not put back
      // with ChangeMessageVisibility: local-aws-sqs counts that as one more receive.
      if (signal.aborted) return [];
      return records.map(messageOf);
    },
    async deleteBatch(entries) {
      const target = queue("DeleteMessageBatch");
      const failed: { Id: string; Message: string }[] = [];
      for (const entry of entries) {
        let deleted = false;
        try {
          deleted = target.delete(entry.ReceiptHandle);
        } catch {
          deleted = false;
        }
        if (!deleted) failed.push({ Id: entry.Id, Message: `The input receipt handle "${entry.ReceiptHandle}" is not a valid receipt handle.` });
      }
      flush();
      return failed;
    },
  };
}

/** A record as ReceiveMessage (AttributeNames and MessageAttributeNames "All") returns it through the SDK. */
function messageOf(record: JournalRecord): Message {
  const attributes = Object.fromEntries(Object.entries(record.attributes).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const stored = (record.MessageAttributes ?? {}) as Record<string, { DataType?: string; StringValue?: string; BinaryValue?: string; StringListValues?: string[]; BinaryListValues?: string[] }>;
  const messageAttributes: Record<string, MessageAttributeValue> = {};
  for (const [key, value] of Object.entries(stored)) {
    messageAttributes[key] = {
      DataType: value.DataType,
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { BinaryValue: Buffer.from(value.BinaryValue, "base64") } : {}),
      ...(value.StringListValues ? { StringListValues: value.StringListValues } : {}),
      ...(value.BinaryListValues ? { BinaryListValues: value.BinaryListValues.map((item) => Buffer.from(item, "base64")) } : {}),
    };
  }
  return {
    MessageId: record.MessageId,
    ReceiptHandle: String(record.ReceiptHandle),
    MD5OfBody: String(record.MD5OfMessageBody),
    Body: String(record.MessageBody),
    ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    ...(Object.keys(messageAttributes).length > 0 ? { MessageAttributes: messageAttributes } : {}),
  };
}

/** What of local-aws-sqs's Queue (2.0.x) the journal relies on: public members only. */
interface EmulatorQueue {
  QueueName: string;
  MessageRetentionPeriod: number;
  newRecord(record: JournalRecord, delaySeconds?: number): unknown;
  receive(params: unknown): Promise<JournalRecord[]>;
  delete(receiptHandle: string): boolean;
  clearRecords(): void;
}

/**
 * Records what happens to this queue's messages and puts back the ones the journal kept for it.
 * Every message enters a queue through `newRecord` (a send, a batch entry, a redrive to the DLQ with
 * its MessageId kept), leaves through `delete` or `clearRecords` (purge, DeleteQueue); a redrive is
 * the DLQ's `put` of the same id, which moves it.
 */
function journalQueue(queue: EmulatorQueue, journal: MessageJournal): void {
  const name = queue.QueueName;
  const newRecord = queue.newRecord.bind(queue);
  const receive = queue.receive.bind(queue);
  const remove = queue.delete.bind(queue);
  const clearRecords = queue.clearRecords.bind(queue);

  const oldestKept = Date.now() - queue.MessageRetentionPeriod * 1000;
  for (const stored of journal.takeStored(name)) {
    if (Number(stored.record.attributes.SentTimestamp ?? Date.now()) < oldestKept) {
      journal.deleted(name, stored.record.MessageId);
      continue;
    }
    const record: JournalRecord = {
      ...stored.record,
      ReceiptHandle: "",
      attributes: {
        ...stored.record.attributes,
        ApproximateReceiveCount: String(stored.receives),
        ApproximateFirstReceiveTimestamp: stored.firstReceivedAt === undefined ? "" : String(stored.firstReceivedAt),
      },
    };
    // Not journaled again: the file still holds it.
    newRecord(record, 0);
  }

  queue.newRecord = (record, delaySeconds) => {
    journal.put(name, { ...record, attributes: { ...record.attributes } });
    return newRecord(record, delaySeconds);
  };
  queue.receive = async (params) => {
    const records = await receive(params);
    journal.received(
      name,
      records.map((record) => ({ id: record.MessageId, count: Number(record.attributes.ApproximateReceiveCount ?? 1) })),
    );
    return records;
  };
  queue.delete = (receiptHandle) => {
    const result = remove(receiptHandle);
    const id = messageIdOf(receiptHandle);
    if (id) journal.deleted(name, id);
    return result;
  };
  queue.clearRecords = () => {
    clearRecords();
    journal.purged(name);
  };
}

/**
 * local-aws-sqs's receipt handles are base64 of a random prefix and `{"date","MessageId","QueueName"}`
 * (the emulator deletes by that MessageId). A handle it would refuse returns undefined.
 */
function messageIdOf(receiptHandle: string): string | undefined {
  try {
    const text = Buffer.from(receiptHandle, "base64").toString("utf8");
    const parsed = JSON.parse(text.slice(text.indexOf("{"))) as { MessageId?: unknown };
    return typeof parsed.MessageId === "string" ? parsed.MessageId : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `beforeAnswer` just before the response's last bytes are handed to the socket. */
function flushBeforeAnswering(response: ServerResponse, beforeAnswer: () => void): void {
  const end = response.end.bind(response) as (...args: unknown[]) => ServerResponse;
  response.end = ((...args: unknown[]) => {
    beforeAnswer();
    return end(...args);
  }) as ServerResponse["end"];
}

/** Where the runtime keeps queued messages: `<data>/sqs/messages.jsonl`, none in memory. */
export function queueJournal(ctx: { inMemory: boolean; dataDir: string }): { journalPath?: string } {
  return ctx.inMemory ? {} : { journalPath: join(ctx.dataDir, "sqs", "messages.jsonl") };
}
