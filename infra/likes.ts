/** Likes: the queue the API publishes to, its dead-letter queue and alarm, and the subscriber. */
import { config, functionArgs, linksFor, seconds } from "./config";
import { manifest } from "./manifest";
import { table } from "./storage";

const { queue: spec } = manifest;

export const dlq = new sst.aws.Queue(spec.dlq.name, {
  transform: { queue: { messageRetentionSeconds: spec.dlq.retentionSeconds } },
});

export const queue = new sst.aws.Queue(spec.name, {
  visibilityTimeout: seconds(spec.visibilityTimeoutSeconds),
  dlq: { queue: dlq.arn, retry: spec.dlq.maxReceiveCount },
});

/** Any message in the DLQ is a like that failed `maxReceiveCount` times: someone must look. */
export const dlqAlarm = new aws.cloudwatch.MetricAlarm(`${spec.dlq.name}Alarm`, {
  name: `${$app.name}-${$app.stage}-${spec.dlq.name}-not-empty`,
  alarmDescription: `Likes failed ${spec.dlq.maxReceiveCount} times and wait in the ${spec.dlq.name} queue`,
  namespace: "AWS/SQS",
  metricName: "ApproximateNumberOfMessagesVisible",
  dimensions: { QueueName: dlq.nodes.queue.name },
  statistic: "Maximum",
  period: 60,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: "GreaterThanThreshold",
  treatMissingData: "notBreaching",
  alarmActions: config.alarmTopicArn ? [config.alarmTopicArn] : [],
  okActions: config.alarmTopicArn ? [config.alarmTopicArn] : [],
});

export const likesSubscriber = new sst.aws.Function(manifest.functions.likes.name, {
  ...functionArgs(manifest.functions.likes),
  link: linksFor(manifest.functions.likes, { Users: table }),
  // What an SQS event source needs, on this queue only (the list SST's own queue subscriber
  // grants). Linking the queue would also grant sqs:SendMessage, which the subscriber never uses.
  permissions: [
    {
      actions: [
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ReceiveMessage",
      ],
      resources: [queue.arn],
    },
  ],
});

queue.subscribe(likesSubscriber.arn, {
  batch: {
    size: spec.batch.size,
    window: seconds(spec.batch.windowSeconds),
    partialResponses: spec.batch.partialResponses,
  },
});
