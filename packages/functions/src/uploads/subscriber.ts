import type { Logger } from "@aws-lambda-powertools/logger";
import type { S3Event } from "aws-lambda";
import * as z from "zod";
import type { UploadOutcome, UploadProcessor } from "@users/core/avatars/processing";

export interface UploadsSubscriberDependencies {
  processUpload: UploadProcessor;
  bucketName: string;
  logger: Logger;
}

/** The part of an S3 notification record this subscriber reads. */
const NotificationRecord = z.object({
  eventName: z.string(),
  s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string() }) }),
});

/** Keys arrive URL-encoded, with a space as `+` (a literal `+` is `%2B`). */
export const decodeObjectKey = (key: string) => decodeURIComponent(key.replace(/\+/g, " "));

/**
 * The upload subscriber: every record of the S3 event, one after the other (each holds an image in
 * memory). A record that can never succeed (bad key, not an image…) is logged and skipped, so S3's
 * asynchronous invoke does not retry it; a transient failure is rethrown after the other records
 * ran, so Lambda retries the event and the records already done are redone harmlessly.
 */
export function createUploadsSubscriber({ processUpload, bucketName, logger }: UploadsSubscriberDependencies) {
  return async (event: S3Event): Promise<void> => {
    const records = event.Records ?? [];
    const failures: unknown[] = [];
    for (const [index, raw] of records.entries()) {
      const record = NotificationRecord.safeParse(raw);
      if (!record.success) {
        logger.warn("skipped a record that is not an S3 notification", { index, issues: record.error.issues });
        continue;
      }
      const { eventName, s3 } = record.data;
      if (!eventName.startsWith("ObjectCreated:") || s3.bucket.name !== bucketName) {
        logger.warn("skipped a record of another event or bucket", { index, eventName, bucket: s3.bucket.name });
        continue;
      }
      let key: string;
      try {
        key = decodeObjectKey(s3.object.key);
      } catch {
        logger.warn("skipped a record whose key is not URL-encoded", { index, key: s3.object.key });
        continue;
      }
      try {
        logOutcome(logger, await processUpload(key));
      } catch (error) {
        logger.error("upload failed; the event will be retried", { key, error: error as Error });
        failures.push(error);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${records.length} uploads failed`);
  };
}

function logOutcome(logger: Logger, result: UploadOutcome) {
  switch (result.outcome) {
    case "updated":
      return logger.info("avatar updated", { ...result });
    case "rejected":
    case "ignored":
      return logger.warn(`upload ${result.outcome}`, { ...result });
    default:
      return logger.info(`upload ${result.outcome}`, { ...result });
  }
}
