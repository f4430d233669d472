/**
 * Production alarms, on an SNS topic: the API's 5xx rate, each function's errors and throttles,
 * and any like waiting in the DLQ. The stack creates the topic (ALARM_EMAIL subscribes an address;
 * AWS mails it a confirmation link) unless ALARM_TOPIC_ARN names an existing one. Every stage gets
 * them: a stage is a rehearsal of prod, and the eight alarms (nine alarm metrics: the 5xx rate reads
 * two) cost $0.90 a month.
 */
import { api, apiHandler } from "./api";
import { config } from "./config";
import { dlq, likesSubscriber } from "./likes";
import { manifest } from "./manifest";
import { uploadsSubscriber } from "./uploads";

export const alarmTopic = config.alarmTopicArn ? undefined : new sst.aws.SnsTopic("Alarms");
const topicArn = config.alarmTopicArn ?? alarmTopic!.arn;

// SnsTopic.subscribe takes functions only: an email endpoint is a plain subscription.
if (alarmTopic && config.alarmEmail) {
  new aws.sns.TopicSubscription("AlarmEmail", { topic: alarmTopic.arn, protocol: "email", endpoint: config.alarmEmail });
}

const alarmName = (what: string) => `${$app.name}-${$app.stage}-${what}`;
const notify = { alarmActions: [topicArn], okActions: [topicArn] };

/** More than 5% of requests answered 5xx for 3 of 5 minutes, once there is traffic to judge. */
new aws.cloudwatch.MetricAlarm("Api5xxRate", {
  name: alarmName("api-5xx-rate"),
  alarmDescription: "More than 5% of API requests answered 5xx (3 of the last 5 minutes, at least 20 requests a minute)",
  metricQueries: [
    {
      id: "errors",
      metric: { namespace: "AWS/ApiGateway", metricName: "5xx", dimensions: { ApiId: api.nodes.api.id }, period: 60, stat: "Sum" },
    },
    {
      id: "requests",
      metric: { namespace: "AWS/ApiGateway", metricName: "Count", dimensions: { ApiId: api.nodes.api.id }, period: 60, stat: "Sum" },
    },
    { id: "rate", expression: "IF(requests >= 20, 100 * errors / requests, 0)", label: "5xx %", returnData: true },
  ],
  comparisonOperator: "GreaterThanThreshold",
  threshold: 5,
  evaluationPeriods: 5,
  datapointsToAlarm: 3,
  treatMissingData: "notBreaching",
  ...notify,
});

const functions = [
  [manifest.functions.api.name, apiHandler],
  [manifest.functions.likes.name, likesSubscriber],
  [manifest.functions.uploads.name, uploadsSubscriber],
] as const;

for (const [name, fn] of functions) {
  for (const metric of ["Errors", "Throttles"] as const) {
    /** Any failed or throttled invocation in 5 minutes: none is expected. */
    new aws.cloudwatch.MetricAlarm(`${name}${metric}`, {
      name: alarmName(`${name}-${metric.toLowerCase()}`),
      alarmDescription: `${name}: ${metric.toLowerCase()} in the last 5 minutes`,
      namespace: "AWS/Lambda",
      metricName: metric,
      dimensions: { FunctionName: fn.nodes.function.name },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      ...notify,
    });
  }
}

const { dlq: dlqSpec } = manifest.queue;

/** Any message in the DLQ is a like that failed `maxReceiveCount` times: someone must look. */
new aws.cloudwatch.MetricAlarm(`${dlqSpec.name}Alarm`, {
  name: alarmName(`${dlqSpec.name}-not-empty`),
  alarmDescription: `Likes failed ${dlqSpec.maxReceiveCount} times and wait in the ${dlqSpec.name} queue`,
  namespace: "AWS/SQS",
  metricName: "ApproximateNumberOfMessagesVisible",
  dimensions: { QueueName: dlq.nodes.queue.name },
  statistic: "Maximum",
  period: 60,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: "GreaterThanThreshold",
  treatMissingData: "notBreaching",
  ...notify,
});
