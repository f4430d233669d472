import { DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import type { Message, SQSClient } from "@aws-sdk/client-sqs";

/** How the event source mapping reaches its queue: ReceiveMessage and DeleteMessageBatch, nothing else. */
export interface QueueTransport {
  /** Up to `maxMessages`, waiting up to `waitSeconds` for them (every attribute and message attribute). */
  receive(input: { maxMessages: number; waitSeconds: number; signal: AbortSignal }): Promise<Message[]>;
  /** At most 10 entries, as DeleteMessageBatch takes; returns the entries SQS refused. */
  deleteBatch(entries: readonly { Id: string; ReceiptHandle: string }[]): Promise<{ Id: string; Message: string }[]>;
}

/** Through the SDK, to any SQS endpoint (AWS itself, an emulator started elsewhere). */
export function sdkQueueTransport(client: SQSClient, queueUrl: string): QueueTransport {
  return {
    async receive({ maxMessages, waitSeconds, signal }) {
      const received = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: maxMessages, WaitTimeSeconds: waitSeconds, AttributeNames: ["All"], MessageAttributeNames: ["All"] }),
        { abortSignal: signal },
      );
      return received.Messages ?? [];
    },
    async deleteBatch(entries) {
      const result = await client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries.map((entry) => ({ ...entry })) }));
      return (result.Failed ?? []).map((failure) => ({ Id: failure.Id ?? "", Message: failure.Message ?? failure.Code ?? "failed" }));
    },
  };
}
