import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { manifest } from "../../../../infra/manifest";

export interface LikesQueues {
  queueUrl: string;
  queueArn: string;
  dlqUrl: string;
  dlqArn: string;
}

/**
 * The likes queue and its DLQ with the manifest's settings: visibility timeout, redrive after
 * `maxReceiveCount` receives, DLQ retention. `visibilityTimeoutSeconds` overrides the manifest's for
 * tests only (the deployed 180 s would make every retry test take minutes).
 */
export async function createLikesQueues(
  client: SQSClient,
  names: { queue: string; dlq: string },
  visibilityTimeoutSeconds: number = manifest.queue.visibilityTimeoutSeconds,
): Promise<LikesQueues> {
  const { dlq } = manifest.queue;
  const dlqUrl = await createOrUpdate(client, names.dlq, { MessageRetentionPeriod: String(dlq.retentionSeconds) });
  const dlqArn = await queueArn(client, dlqUrl);
  const queueUrl = await createOrUpdate(client, names.queue, {
    VisibilityTimeout: String(visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: dlq.maxReceiveCount }),
  });
  return { queueUrl, queueArn: await queueArn(client, queueUrl), dlqUrl, dlqArn };
}

/** An existing queue (kept by another endpoint, e.g. LocalStack) gets the attributes set again. */
async function createOrUpdate(client: SQSClient, name: string, attributes: Record<string, string>): Promise<string> {
  try {
    const created = await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    if (!created.QueueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
    return created.QueueUrl;
  } catch (error) {
    const name_ = (error as { name?: string }).name ?? "";
    if (!/QueueAlreadyExists|QueueNameExists/.test(name_)) throw error;
    const { QueueUrl } = await client.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!QueueUrl) throw error;
    await client.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
    return QueueUrl;
  }
}

async function queueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }));
  if (!Attributes?.QueueArn) throw new Error(`no ARN for ${queueUrl}`);
  return Attributes.QueueArn;
}
