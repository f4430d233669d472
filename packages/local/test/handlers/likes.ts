import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { report } from "./channel";

/**
 * Test queue subscriber. Each body is `{ id, behavior }`: "ok" succeeds, "fail-once" fails on its
 * first receive only, "poison" always fails, "throw" fails the whole batch by throwing.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
  for (const record of event.Records) {
    const body = JSON.parse(record.body) as { id: string; behavior: string };
    report({ kind: "likes", id: body.id, messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount, record, batchSize: event.Records.length });
    const fails = body.behavior === "poison" || (body.behavior === "fail-once" && record.attributes.ApproximateReceiveCount === "1");
    if (fails) batchItemFailures.push({ itemIdentifier: record.messageId });
  }
  return { batchItemFailures };
}
