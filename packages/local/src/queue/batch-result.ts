import * as z from "zod";

const BatchResponse = z.object({
  batchItemFailures: z.array(z.object({ itemIdentifier: z.unknown() })),
});

/**
 * Which messages failed, read from the subscriber's result as Lambda reads it with
 * ReportBatchItemFailures: the listed ids; none when the result has no `batchItemFailures`; all of
 * them when the list is malformed, or an entry is empty or names a message not in the batch.
 */
export function failedMessageIds(result: unknown, batchIds: readonly string[], partialResponses: boolean): Set<string> {
  if (!partialResponses) return new Set();
  if (result === null || typeof result !== "object" || !("batchItemFailures" in result)) return new Set();
  const parsed = BatchResponse.safeParse(result);
  if (!parsed.success) return new Set(batchIds);
  const failed = new Set<string>();
  for (const { itemIdentifier } of parsed.data.batchItemFailures) {
    if (typeof itemIdentifier !== "string" || !batchIds.includes(itemIdentifier)) return new Set(batchIds);
    failed.add(itemIdentifier);
  }
  return failed;
}
