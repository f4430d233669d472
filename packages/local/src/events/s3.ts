import type { S3Event, S3EventRecord } from "aws-lambda";
import { arn, localRegion } from "../names";
import { ids } from "./ids";

export type ObjectCreatedEventName =
  | "ObjectCreated:Put"
  | "ObjectCreated:Post"
  | "ObjectCreated:Copy"
  | "ObjectCreated:CompleteMultipartUpload";

export interface S3RecordInput {
  bucket: string;
  /** The object key as stored (not encoded): the factory encodes it as S3 notifications do. */
  key: string;
  size: number;
  /** With or without the quotes S3 puts around ETag headers. */
  eTag: string;
  eventName?: ObjectCreatedEventName;
  eventTime?: Date;
  sequencer?: string;
  /** The bucket notification's name (its `configurationId`). */
  configurationId?: string;
  sourceIp?: string;
  requestId?: string;
  hostId?: string;
  region?: string;
  versionId?: string;
}

/** Real-shaped principals: an IAM user id for the uploader, a canonical-user id for the bucket owner. */
const uploaderPrincipalId = "AWS:AIDAS3RVERLOCALUSER1";
const bucketOwnerPrincipalId = "A1S3RVERLOCALOWNER";

/**
 * One S3 notification record, eventVersion 2.1, field by field as S3 sends it (see
 * fixtures/aws-events/s3-object-created.json), with the key URL-encoded (`+` for spaces) as S3 does.
 */
export function s3Record(input: S3RecordInput): S3EventRecord {
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: input.region ?? localRegion,
    eventTime: (input.eventTime ?? new Date()).toISOString(),
    eventName: input.eventName ?? "ObjectCreated:Put",
    userIdentity: { principalId: uploaderPrincipalId },
    requestParameters: { sourceIPAddress: input.sourceIp ?? "127.0.0.1" },
    responseElements: {
      "x-amz-request-id": input.requestId ?? ids.s3RequestId(),
      "x-amz-id-2": input.hostId ?? ids.s3HostId(),
    },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: input.configurationId ?? "uploads",
      bucket: {
        name: input.bucket,
        ownerIdentity: { principalId: bucketOwnerPrincipalId },
        arn: arn.bucket(input.bucket),
      },
      object: {
        key: encodeS3EventKey(input.key),
        size: input.size,
        eTag: input.eTag.replace(/^"|"$/g, ""),
        ...(input.versionId ? { versionId: input.versionId } : {}),
        sequencer: input.sequencer ?? nextSequencer(),
      },
    },
  };
}

export function s3Event(records: readonly (S3RecordInput | S3EventRecord)[]): S3Event {
  return { Records: records.map((record) => ("eventSource" in record ? record : s3Record(record))) };
}

/**
 * S3 writes keys in notifications form-encoded: a space is `+`, `/` stays, the rest is
 * percent-encoded (`a b(1).jpg` → `a+b%281%29.jpg`). Consumers decode with
 * `decodeURIComponent(key.replace(/\+/g, " "))`.
 */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%2F/g, "/")
    .replace(/%20/g, "+")
    .replace(/[!'()]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

let lastSequencer = 0n;

/** Hex, growing with every event, as S3's sequencers do for events on the same key. */
export function nextSequencer(): string {
  const now = BigInt(Date.now()) * 4096n;
  lastSequencer = now > lastSequencer ? now : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(18, "0");
}
