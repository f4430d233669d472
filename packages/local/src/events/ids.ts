import { randomBytes, randomFillSync, randomUUID } from "node:crypto";

/**
 * Random bytes for ids come from one pooled buffer, refilled 4 KiB at a time: the HTTP front needs
 * three ids per request, and a CSPRNG call per id showed up in its profile under load.
 */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function random(bytes: number): Buffer {
  if (bytes > pool.length) return randomBytes(bytes);
  if (poolOffset + bytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const slice = pool.subarray(poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return slice;
}

/** Identifiers shaped like the ones AWS puts in its events, so parsers and logs see the real thing. */
export const ids = {
  uuid: (): string => randomUUID(),
  /** API Gateway HTTP API request id, e.g. `ZhMpgigvDoEEPlg=`. */
  apiGatewayRequestId: (): string => random(11).toString("base64"),
  /** X-Ray trace header API Gateway adds: `Root=1-<epoch hex>-<24 hex>`. */
  traceId: (now = Date.now()): string =>
    `Root=1-${Math.floor(now / 1000).toString(16)}-${random(12).toString("hex")}`,
  /** S3's `x-amz-request-id`: 16 upper-case hex digits. */
  s3RequestId: (): string => random(8).toString("hex").toUpperCase(),
  /** S3's `x-amz-id-2`: an opaque base64 host id. */
  s3HostId: (): string => random(56).toString("base64"),
  /** SQS receipt handles are opaque base64 strings. */
  receiptHandle: (): string => random(48).toString("base64"),
  hex: (bytes: number): string => random(bytes).toString("hex"),
};
