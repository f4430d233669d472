import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { LikeMessageBody, type LikeCounter, type LikeMessage, type LikeOutcome } from "@users/core/likes";

export interface LikesSubscriberDependencies {
  counter: LikeCounter;
  logger: Logger;
}

/** What became of one record: its like's outcome, or why it holds no like. */
type RecordResult = LikeOutcome | { status: "malformed"; issues: string };

/**
 * The likes queue subscriber, in three steps:
 *
 * 1. parse every record with the core schema;
 * 2. count the valid likes in one go, so the counter writes the whole batch, all its users, in one
 *    transaction (a second one when redelivered likes or a deleted user cancel the first) instead
 *    of one per record; it returns each like's own outcome;
 * 3. let Powertools' BatchProcessor report: its record handler only looks up its record's result and
 *    throws when that record must be retried, so `batchItemFailures` lists exactly the malformed
 *    records and those whose writes failed (and the whole batch fails if every record did).
 *
 * Why not write from inside the record handler? Powertools calls it once per record, while the
 * batch's one write needs the whole batch first; making each call wait for the others would tie
 * correctness to Powertools processing records in parallel. Counting before reporting does not.
 *
 * A malformed message is logged and reported as failed: SQS delivers it again until
 * `maxReceiveCount`, then moves it to the DLQ. It never fails the valid records of its batch.
 */
export function createLikesSubscriber({ counter, logger }: LikesSubscriberDependencies) {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    logger.addContext(context);
    const results = await countRecords(event.Records, counter);
    logSummary(logger, event.Records, results);
    // A processor per invocation: it keeps the batch's state between awaits, so one shared by two
    // overlapping invocations (a host that runs them concurrently in one sandbox) would mix them up.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, (record: SQSRecord) => report(record, results, logger), processor, { context });
  };
}

async function countRecords(records: readonly SQSRecord[], counter: LikeCounter): Promise<Map<string, RecordResult>> {
  const results = new Map<string, RecordResult>();
  const valid: { messageId: string; like: LikeMessage }[] = [];
  for (const record of records) {
    const parsed = LikeMessageBody.safeParse(record.body);
    if (parsed.success) valid.push({ messageId: record.messageId, like: parsed.data });
    else results.set(record.messageId, { status: "malformed", issues: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") });
  }
  const outcomes = await counter.count(valid.map((v) => v.like));
  valid.forEach(({ messageId }, i) => results.set(messageId, outcomes[i] ?? { status: "failed", error: new Error("no outcome") }));
  return results;
}

/** Powertools' record handler: returns for a record that is done, throws for one SQS must deliver again. */
function report(record: SQSRecord, results: ReadonlyMap<string, RecordResult>, logger: Logger): string {
  const result = results.get(record.messageId);
  const receiveCount = Number(record.attributes.ApproximateReceiveCount);
  switch (result?.status) {
    case "counted":
    case "already_counted":
      return result.status;
    case "user_not_found":
      logger.warn("like dropped: the user no longer exists", { messageId: record.messageId });
      return result.status;
    case "malformed":
      // The body is not logged: it is unknown input of any size.
      logger.error("malformed like message, left for the DLQ", { messageId: record.messageId, receiveCount, issues: result.issues });
      throw new Error(`malformed like message: ${result.issues}`);
    case "failed":
      logger.error("like not written, SQS will deliver it again", { messageId: record.messageId, receiveCount, error: result.error });
      throw result.error instanceof Error ? result.error : new Error(String(result.error));
    default:
      throw new Error(`no result for message ${record.messageId}`);
  }
}

function logSummary(logger: Logger, records: readonly SQSRecord[], results: ReadonlyMap<string, RecordResult>) {
  const tally: Record<string, number> = {};
  for (const result of results.values()) tally[result.status] = (tally[result.status] ?? 0) + 1;
  logger.info("likes batch", { records: records.length, ...tally });
}
