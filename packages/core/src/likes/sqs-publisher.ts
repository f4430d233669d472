import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { LikePublisher } from "./publisher";
import { encodeLikeMessage } from "./schema";

export interface SqsLikePublisherOptions {
  client: SQSClient;
  queueUrl: string;
}

export function createSqsLikePublisher({ client, queueUrl }: SqsLikePublisherOptions): LikePublisher {
  return {
    async publish(like) {
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: encodeLikeMessage(like) }));
    },
  };
}
