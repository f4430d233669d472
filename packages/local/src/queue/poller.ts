import { DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Message, SQSClient } from "@aws-sdk/client-sqs";
import { sqsEvent, sqsRecordFromMessage } from "../events/sqs";
import type { FunctionHost } from "../lambda/function-host";
import type { Logger } from "../log";
import { failedMessageIds } from "./batch-result";

export interface QueuePollerOptions {
  client: SQSClient;
  queue: { url: string; arn: string };
  region: string;
  /** From the manifest: records per invocation, and how long to gather them. */
  batchSize: number;
  windowSeconds: number;
  /** Honour `batchItemFailures` (ReportBatchItemFailures), as the manifest's `partialResponses` says. */
  partialResponses: boolean;
  host: FunctionHost;
  log: Logger;
  /** Concurrent pollers, like the event source mapping's; a few are enough offline. */
  pollers?: number;
}

export interface QueuePoller {
  stop(): Promise<void>;
}

/**
 * Lambda's SQS event source mapping: receive up to a batch within the window, invoke the subscriber
 * with full-shape records, delete what succeeded. Failed records are left alone, so they come back
 * after the visibility timeout and reach the DLQ through the queue's redrive policy — the queue does
 * the counting, as on AWS. A thrown error fails the whole batch.
 */
export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  const abort = new AbortController();
  let stopped = false;
  // local-aws-sqs holds a receive for its whole wait when fewer than MaxNumberOfMessages are
  // waiting: that wait is the batching window. At least 1 s, or an idle poller would spin.
  const waitSeconds = Math.min(20, Math.max(1, options.windowSeconds));

  async function poll(): Promise<void> {
    while (!stopped) {
      let messages: Message[];
      try {
        const received = await options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queue.url,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: waitSeconds,
            AttributeNames: ["All"],
            MessageAttributeNames: ["All"],
          }),
          { abortSignal: abort.signal },
        );
        messages = uniqueMessages(received.Messages ?? []);
      } catch (error) {
        if (stopped) return;
        options.log.warn(`queue poller: ${error instanceof Error ? error.message : String(error)}`);
        await sleep(1000);
        continue;
      }
      if (messages.length > 0) await processBatch(messages);
    }
  }

  async function processBatch(messages: Message[]): Promise<void> {
    const event = sqsEvent(messages.map((message) => sqsRecordFromMessage(message, { arn: options.queue.arn, region: options.region })));
    const ids = messages.map((message) => message.MessageId ?? "");
    let failed: Set<string>;
    try {
      const result = await options.host.invoke(event, {
        summary: `${messages.length} record${messages.length === 1 ? "" : "s"}`,
        describe: (value) => {
          const count = failedMessageIds(value, ids, options.partialResponses).size;
          return count === 0 ? { outcome: "ok" } : { outcome: "error", detail: `(${count} failed)` };
        },
      });
      failed = failedMessageIds(result, ids, options.partialResponses);
    } catch {
      failed = new Set(ids);
    }
    if (stopped) return;
    const done = messages.filter((message) => !failed.has(message.MessageId ?? ""));
    await deleteMessages(done);
  }

  async function deleteMessages(messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      try {
        const result = await options.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queue.url,
            Entries: chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
          }),
        );
        for (const failure of result.Failed ?? []) options.log.warn(`queue poller: could not delete a message: ${failure.Message ?? failure.Code}`);
      } catch (error) {
        if (!stopped) options.log.warn(`queue poller: could not delete messages: ${String(error)}`);
      }
    }
  }

  const loops = Array.from({ length: options.pollers ?? 2 }, () => poll());

  return {
    async stop() {
      stopped = true;
      abort.abort();
      // A subscriber still running is cut off when its function host stops; do not wait for it here.
      await Promise.race([Promise.allSettled(loops), sleep(300)]);
    },
  };
}

/**
 * One record per message: local-aws-sqs can return a message twice in one long poll when its
 * visibility timeout ends during the wait; keep the latest receipt.
 */
function uniqueMessages(messages: Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const message of messages) byId.set(message.MessageId ?? "", message);
  return [...byId.values()];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
