import type { IamRequest } from "./policy";

/**
 * The IAM request of one SQS call: `sqs:<Action>` on the queue's ARN (named by QueueUrl, or
 * QueueName for GetQueueUrl/CreateQueue). The batch actions have no permission of their own: they
 * are authorized as SendMessage, DeleteMessage and ChangeMessageVisibility.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api.html
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html
 */
export function sqsRequest(operation: string, body: { QueueUrl?: unknown; QueueName?: unknown }, queueArn: (name: string) => string): IamRequest {
  const name = typeof body.QueueUrl === "string" ? queueNameOf(body.QueueUrl) : typeof body.QueueName === "string" ? body.QueueName : undefined;
  return { action: `sqs:${batchActions[operation] ?? operation}`, resource: name ? queueArn(name) : "*" };
}

const batchActions: Record<string, string> = {
  SendMessageBatch: "SendMessage",
  DeleteMessageBatch: "DeleteMessage",
  ChangeMessageVisibilityBatch: "ChangeMessageVisibility",
};

/** `http://host/123456789012/users-local-Likes` → `users-local-Likes`. */
function queueNameOf(url: string): string | undefined {
  try {
    return new URL(url).pathname.split("/").filter(Boolean).at(-1);
  } catch {
    return url.split("/").filter(Boolean).at(-1);
  }
}
