import type { S3Event } from "aws-lambda";
import { report } from "./channel";

/** Test upload subscriber: reports each event; keys containing "throw" fail, to see Lambda's retries. */
export async function handler(event: S3Event): Promise<void> {
  report({ kind: "uploads", event });
  if (event.Records.some((record) => record.s3.object.key.includes("throw"))) throw new Error("thumbnail failed");
}
