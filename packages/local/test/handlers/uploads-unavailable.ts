import type { S3Event } from "aws-lambda";
import { report } from "./channel";

/** Test upload subscriber that always fails (a thumbnail service that is down): reports each event, then throws. */
export async function handler(event: S3Event): Promise<void> {
  report({ kind: "uploads", keys: event.Records.map((record) => record.s3.object.key) });
  throw new Error("thumbnails unavailable");
}
