/** Likes: the queue the API publishes to, its dead-letter queue, and the subscriber (alarms: infra/alarms.ts). */
import { accessFor, functionArgs, seconds } from "./config";
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

export const likesSubscriber = new sst.aws.Function(manifest.functions.likes.name, {
  ...functionArgs(manifest.functions.likes),
  ...accessFor(manifest.functions.likes, { Users: table, Likes: queue }),
});

queue.subscribe(likesSubscriber.arn, {
  batch: {
    size: spec.batch.size,
    window: seconds(spec.batch.windowSeconds),
    partialResponses: spec.batch.partialResponses,
  },
});
