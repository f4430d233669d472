import { randomBytes, randomUUID } from "node:crypto";

/** Identifiers shaped like the ones AWS puts in its events, so parsers and logs see the real thing. */
export const ids = {
  uuid: (): string => randomUUID(),
  /** API Gateway HTTP API request id, e.g. `ZhMpgigvDoEEPlg=`. */
  apiGatewayRequestId: (): string => randomBytes(11).toString("base64"),
  /** X-Ray trace header API Gateway adds: `Root=1-<epoch hex>-<24 hex>`. */
  traceId: (now = Date.now()): string =>
    `Root=1-${Math.floor(now / 1000).toString(16)}-${randomBytes(12).toString("hex")}`,
  /** S3's `x-amz-request-id`: 16 upper-case hex digits. */
  s3RequestId: (): string => randomBytes(8).toString("hex").toUpperCase(),
  /** S3's `x-amz-id-2`: an opaque base64 host id. */
  s3HostId: (): string => randomBytes(56).toString("base64"),
  /** SQS receipt handles are opaque base64 strings. */
  receiptHandle: (): string => randomBytes(48).toString("base64"),
  hex: (bytes: number): string => randomBytes(bytes).toString("hex"),
};
