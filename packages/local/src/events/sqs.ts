import { createHash } from "node:crypto";
import type { Message } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from "aws-lambda";
import { arn, localRegion } from "../names";
import { ids } from "./ids";

export interface SqsRecordInput {
  body: string;
  messageId?: string;
  receiptHandle?: string;
  attributes?: Partial<SQSRecordAttributes>;
  messageAttributes?: SQSMessageAttributes;
  /** Default: the ARN of a queue named `local-queue`. */
  queueArn?: string;
  region?: string;
}

/** The principal id SQS reports as SenderId for the local credentials. */
const localSenderId = "AIDAIENQZJOLO23YVJ4VO";

/**
 * One record of an SQS event-source-mapping batch, every field AWS sends (see
 * fixtures/aws-events/sqs-batch.json); attribute values are strings, as AWS sends them.
 */
export function sqsRecord(input: SqsRecordInput): SQSRecord {
  const now = String(Date.now());
  const region = input.region ?? localRegion;
  return {
    messageId: input.messageId ?? ids.uuid(),
    receiptHandle: input.receiptHandle ?? ids.receiptHandle(),
    body: input.body,
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: now,
      SenderId: localSenderId,
      ApproximateFirstReceiveTimestamp: now,
      ...input.attributes,
    },
    messageAttributes: input.messageAttributes ?? {},
    md5OfBody: md5(input.body),
    eventSource: "aws:sqs",
    eventSourceARN: input.queueArn ?? arn.queue("local-queue", region),
    awsRegion: region,
  };
}

export function sqsEvent(records: readonly (SqsRecordInput | SQSRecord)[]): SQSEvent {
  return { Records: records.map((record) => ("eventSource" in record ? record : sqsRecord(record))) };
}

/** A message as ReceiveMessage returned it (AttributeNames and MessageAttributeNames "All"), as Lambda's poller hands it over. */
export function sqsRecordFromMessage(message: Message, queue: { arn: string; region: string }): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    ...sqsRecord({
      body: message.Body ?? "",
      ...(message.MessageId ? { messageId: message.MessageId } : {}),
      ...(message.ReceiptHandle ? { receiptHandle: message.ReceiptHandle } : {}),
      attributes: Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined)),
      messageAttributes: lambdaMessageAttributes(message.MessageAttributes ?? {}),
      queueArn: queue.arn,
      region: queue.region,
    }),
    ...(message.MD5OfBody ? { md5OfBody: message.MD5OfBody } : {}),
  };
}

/** The SDK's `{ DataType, StringValue, BinaryValue }` become Lambda's camel-cased shape with base64 binaries. */
function lambdaMessageAttributes(attributes: NonNullable<Message["MessageAttributes"]>): SQSMessageAttributes {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString("base64") } : {}),
        stringListValues: value.StringListValues ?? [],
        binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString("base64")),
        dataType: value.DataType ?? "String",
      },
    ]),
  );
}

function md5(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}
