import { setMaxListeners } from "node:events";
import type { Message } from "@aws-sdk/client-sqs";
import { sqsEvent, sqsRecordFromMessage } from "../events/sqs";
import type { FunctionHost } from "../lambda/function-host";
import type { Logger } from "../log";
import { failedMessageIds } from "./batch-result";
import { createPollerScaling } from "./scaling";
import type { QueueTransport } from "./transport";

/** The event source mapping's settings, from the manifest: what the deployed mapping is compared with. */
export interface EventSourceSettings {
  /** Records per invocation, and how long to gather them. */
  batchSize: number;
  windowSeconds: number;
  /** Honour `batchItemFailures` (ReportBatchItemFailures), as the manifest's `partialResponses` says. */
  partialResponses: boolean;
}

export interface QueuePollerOptions extends EventSourceSettings {
  /** How the queue is reached: the runtime's own emulator in-process, or any SQS through the SDK (`sdkQueueTransport`). */
  transport: QueueTransport;
  queue: { url: string; arn: string };
  region: string;
  host: FunctionHost;
  log: Logger;
  /** Concurrent batches at the start and when idle; Lambda's event source mapping starts with 5. */
  pollers?: number;
  /** The most concurrent batches: the function's concurrency offline (default `offlineMaxConcurrency`). */
  maxConcurrency?: number;
  /** How long `stop()` lets batches in flight finish before leaving them to the queue (default 1000 ms). */
  drainMs?: number;
  /**
   * How long a handled batch's messages stay in flight before they are deleted (default 0), without
   * holding up the next receive. The runtime sets it against DynamoDB Local, which can answer a
   * transaction some milliseconds before it is on disk (docs/OFFLINE.md): a kill inside that window
   * then leaves the messages queued, and their redelivery settles each like once. A stop deletes at once.
   */
  deleteDelayMs?: number;
}

export interface QueuePoller {
  /** Concurrent batches now (for tests and the bench). */
  concurrency(): number;
  stop(): Promise<void>;
}

/** SQS's ReceiveMessage returns at most 10 messages; a larger batch takes several receives. */
const maxPerReceive = 10;

/** AWS: "Lambda starts with five concurrent batches" for an SQS event source mapping. */
export const initialPollers = 5;

/**
 * The likes function's concurrency offline. On AWS every concurrent batch gets an execution
 * environment of its own (up to the account's 1,000 when the function reserves none); offline they
 * share the function's one sandbox thread and DynamoDB Local, so batches beyond a few only wait
 * behind each other — and on a busy machine push invocations toward their 30 s timeout, after which
 * the whole batch comes back 180 s later.
 */
export const offlineMaxConcurrency = 10;

/**
 * Lambda's SQS event source mapping: receive up to a batch within the window, invoke the subscriber
 * with full-shape records, delete what succeeded. Failed records are left alone, so they come back
 * after the visibility timeout and reach the DLQ through the queue's redrive policy — the queue does
 * the counting, as on AWS. A thrown error fails the whole batch. Concurrency scales as AWS's does
 * (see scaling.ts).
 *
 * Stopping stops receiving and lets the batches in flight finish and delete what they handled;
 * whatever is not deleted stays in the queue (its journal, on disk) and is delivered again.
 */
export function startQueuePoller(options: QueuePollerOptions): QueuePoller {
  const abort = new AbortController();
  // One signal for every loop's long poll: as many listeners as loops.
  setMaxListeners(0, abort.signal);
  let stopped = false;
  // local-aws-sqs holds a receive for its whole wait when fewer than MaxNumberOfMessages are
  // waiting: that wait is the batching window. At least 1 s, or an idle poller would spin.
  const waitSeconds = Math.min(20, Math.max(1, options.windowSeconds));
  const inFlight = new Set<Promise<void>>();
  const loops = new Set<Promise<void>>();
  const deferredDeletes = new Set<Promise<void>>();
  let deleteNow = () => {};
  const stopping = new Promise<void>((resolve) => (deleteNow = resolve));
  const { transport } = options;

  const scaling = createPollerScaling({
    initial: options.pollers ?? initialPollers,
    max: options.maxConcurrency ?? offlineMaxConcurrency,
    addLoop: () => {
      const loop = poll().finally(() => loops.delete(loop));
      loops.add(loop);
    },
  });

  async function poll(): Promise<void> {
    while (!stopped) {
      let messages: Message[];
      try {
        messages = await gatherBatch();
      } catch (error) {
        if (stopped) return;
        options.log.warn(`queue poller: ${error instanceof Error ? error.message : String(error)}`);
        await sleep(1000);
        continue;
      }
      if (messages.length > 0) {
        const batch = processBatch(messages);
        inFlight.add(batch);
        await batch.finally(() => inFlight.delete(batch));
      }
      if (!scaling.afterReceive(messages.length >= options.batchSize)) return;
    }
  }

  /**
   * Up to a batch, 10 messages per ReceiveMessage as SQS allows: the first receive waits out the
   * batching window; more are asked for while each receive comes back full, within the window. A short
   * receive means the queue has nothing more right now, so the batch goes at once rather than waiting
   * out the rest of the window for messages that are not there: never later than AWS would send it.
   */
  async function gatherBatch(): Promise<Message[]> {
    const deadline = performance.now() + waitSeconds * 1000;
    const ask = (count: number, wait: number) => transport.receive({ maxMessages: Math.min(maxPerReceive, count), waitSeconds: wait, signal: abort.signal });
    let received = await ask(options.batchSize, waitSeconds);
    const batch = [...received];
    while (!stopped && batch.length < options.batchSize && received.length === maxPerReceive && performance.now() < deadline) {
      // A failed follow-up receive ends the gathering; what is in hand is processed, not dropped.
      received = await ask(options.batchSize - batch.length, 0).catch(() => []);
      batch.push(...received);
    }
    return uniqueMessages(batch);
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
    // Deleted even while stopping: the queue is still up until the poller's stop returns.
    const handled = messages.filter((message) => !failed.has(message.MessageId ?? ""));
    if (!options.deleteDelayMs || stopped) return deleteMessages(handled);
    const deferred = Promise.race([sleep(options.deleteDelayMs), stopping])
      .then(() => deleteMessages(handled))
      .finally(() => deferredDeletes.delete(deferred));
    deferredDeletes.add(deferred);
  }

  async function deleteMessages(messages: Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      try {
        const failed = await transport.deleteBatch(chunk.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? "" })));
        for (const failure of failed) options.log.warn(`queue poller: could not delete a message: ${failure.Message}`);
      } catch (error) {
        // Not deleted: delivered again, and the subscriber drops what it already counted.
        options.log.warn(`queue poller: could not delete messages: ${String(error)}`);
      }
    }
  }

  scaling.start();

  return {
    concurrency: () => loops.size,
    async stop() {
      if (stopped) return;
      stopped = true;
      scaling.stop();
      abort.abort();
      // Batches in flight finish and delete what they handled; one still running after the drain is
      // cut off when its function host stops, and its messages stay in the queue.
      const drained = await Promise.race([Promise.allSettled([...inFlight]).then(() => true), sleep(options.drainMs ?? 1000).then(() => false)]);
      if (!drained) options.log.warn(`queue poller: ${inFlight.size} batch(es) still running at stop: their messages stay queued`);
      deleteNow();
      await Promise.allSettled([...deferredDeletes]);
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
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
