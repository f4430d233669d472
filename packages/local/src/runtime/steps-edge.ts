import { manifest } from "../../../../infra/manifest";
import { createLocalAuthorizer, startIssuer } from "../auth";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startHttpFront } from "../http-front";
import { deniedMessage } from "../iam/denials";
import { throughProxy } from "../iam/layer";
import { sqsRequest } from "../iam/sqs-requests";
import { arn } from "../names";
import { startQueuePoller } from "../queue/poller";
import { sdkQueueTransport } from "../queue/transport";
import { listenPort, need } from "./context";
import type { StartContext } from "./context";
import type { Step } from "./steps";

/** The local OIDC issuer and the JWT authorizer that trusts it (skipped when the caller brings `authorize`). */
export function issuerStep(ctx: StartContext): Step {
  return {
    name: "token issuer",
    run: async () => {
      const onDisk = ctx.options.issuerKeyOnDisk ?? !ctx.inMemory;
      const issuer = await startIssuer({
        port: await listenPort(ctx, "issuer"),
        dataDir: onDisk ? ctx.dataDir : null,
        ...(ctx.consoleOrigins ? { consoleOrigins: ctx.consoleOrigins } : {}),
      });
      ctx.issuer = issuer;
      ctx.authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience, jwks: issuer.jwks });
      return issuer.stop;
    },
  };
}

/**
 * How long a counted like's message waits before it is deleted when the table is DynamoDB Local's.
 * The bench saw DynamoDB Local lose whole transactions it had acknowledged 11–13 ms before a
 * `kill -9` (bench/durability.ts); a quarter second is twenty times that, and costs only in-flight time
 * (well inside the visibility timeout, so no redelivery).
 */
const dynamoDbLocalDurabilityMarginMs = 250;

/** Lambda's event source mapping on the likes queue, with the manifest's batch settings. */
export function pollerStep(ctx: StartContext): Step {
  const { batch } = manifest.queue;
  return {
    name: `queue poller (batch ${batch.size}, window ${batch.windowSeconds} s)`,
    run: async () => {
      const queues = need(ctx.queues, "queues");
      // Lambda's poller calls SQS with the subscriber's role: offline too, through the IAM layer.
      const sqsEndpoint = need(ctx.functionEndpoints, "function endpoints").sqs;
      const asSubscriber = ctx.iam
        ? new SQSClient({ region: ctx.region, endpoint: sqsEndpoint, credentials: ctx.iam.identities.likes.credentials })
        : undefined;
      const queueUrl = asSubscriber ? throughProxy(queues.queueUrl, sqsEndpoint) : queues.queueUrl;
      if (asSubscriber) {
        // Lambda reads the queue's attributes with the function's role when the mapping is created,
        // and refuses the mapping if the role may not (sqs:GetQueueAttributes): so does this start.
        await asSubscriber.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["VisibilityTimeout", "RedrivePolicy"] })).catch((error: unknown) => {
          asSubscriber.destroy();
          throw new Error(`the likes event source mapping cannot read its queue: ${error instanceof Error ? error.message : String(error)}`);
        });
      }
      // The emulator this runtime started is reached in-process, the role still checked per call
      // (SqsServer.queueTransport); a queue elsewhere (an external endpoint) through the SDK.
      const { iam } = ctx;
      const authorize = (operation: string) => {
        if (!iam) return null;
        const identity = iam.identities.likes;
        const refused = iam.authorize(identity, `sqs ${operation}`, [sqsRequest(operation, { QueueUrl: queues.queueUrl }, (name) => arn.queue(name, ctx.region))]);
        return refused ? `AccessDenied: ${deniedMessage(identity.principal, refused)}` : null;
      };
      const eventSource = { batchSize: batch.size, windowSeconds: batch.windowSeconds, partialResponses: batch.partialResponses };
      ctx.eventSource = eventSource;
      const poller = startQueuePoller({
        transport: ctx.sqs
          ? ctx.sqs.queueTransport(queues.queueUrl, { authorize })
          : sdkQueueTransport(asSubscriber ?? need(ctx.clients, "clients").sqs, queueUrl),
        queue: { url: queueUrl, arn: queues.queueArn },
        region: ctx.region,
        ...eventSource,
        host: need(ctx.hosts, "functions").likes,
        log: ctx.log,
        ...(ctx.options.pollers ? { pollers: ctx.options.pollers } : {}),
        // DynamoDB Local can acknowledge a transaction before it is on disk; a like's message outlives that.
        ...(ctx.external.dynamodb ? {} : { deleteDelayMs: dynamoDbLocalDurabilityMarginMs }),
      });
      return async () => {
        await poller.stop();
        asSubscriber?.destroy();
      };
    },
  };
}

/** API Gateway in front of the API function; listening last, so a request never finds a resource missing. */
export function httpFrontStep(ctx: StartContext): Step {
  return {
    name: "HTTP front",
    run: async () => {
      const api = need(ctx.hosts, "functions").api;
      const spec = manifest.functions.api;
      const front = await startHttpFront({
        port: await listenPort(ctx, "api"),
        handler: (event, context) =>
          api.invoke(event, {
            context,
            summary: `${event.requestContext.http.method} ${event.rawPath}`,
            describe: (result) => {
              const status = statusOf(result);
              return { outcome: status >= 500 ? "error" : "ok", detail: `→ ${status}` };
            },
          }),
        authorize: need(ctx.authorize, "authorizer"),
        ...(ctx.consoleOrigins ? { cors: { ...manifest.api.cors, allowOrigins: ctx.consoleOrigins } } : {}),
        function: { physicalName: ctx.names.functions.api, memoryMb: spec.memoryMb, timeoutSeconds: spec.timeoutSeconds },
      });
      ctx.apiUrl = front.url;
      ctx.front = front.settings;
      return front.stop;
    },
  };
}

/** The status API Gateway will answer with for this result (200 when it is not structured). */
function statusOf(result: unknown): number {
  if (result !== null && typeof result === "object" && "statusCode" in result && typeof result.statusCode === "number") {
    return result.statusCode;
  }
  return 200;
}
