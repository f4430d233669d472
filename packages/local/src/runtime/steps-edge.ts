import { manifest } from "../../../../infra/manifest";
import { createLocalAuthorizer, startIssuer } from "../auth";
import { startHttpFront } from "../http-front";
import { startQueuePoller } from "../queue/poller";
import { need } from "./context";
import type { StartContext } from "./context";
import type { Step } from "./steps";

/** The local OIDC issuer and the JWT authorizer that trusts it (skipped when the caller brings `authorize`). */
export function issuerStep(ctx: StartContext): Step {
  return {
    name: "token issuer",
    run: async () => {
      const onDisk = ctx.options.issuerKeyOnDisk ?? !ctx.inMemory;
      const issuer = await startIssuer({ port: need(ctx.ports, "ports").issuer, dataDir: onDisk ? ctx.dataDir : null });
      ctx.issuer = issuer;
      ctx.authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience, jwks: issuer.jwks });
      return issuer.stop;
    },
  };
}

/** Lambda's event source mapping on the likes queue, with the manifest's batch settings. */
export function pollerStep(ctx: StartContext): Step {
  const { batch } = manifest.queue;
  return {
    name: `queue poller (batch ${batch.size}, window ${batch.windowSeconds} s)`,
    run: async () => {
      const queues = need(ctx.queues, "queues");
      const poller = startQueuePoller({
        client: need(ctx.clients, "clients").sqs,
        queue: { url: queues.queueUrl, arn: queues.queueArn },
        region: ctx.region,
        batchSize: batch.size,
        windowSeconds: batch.windowSeconds,
        partialResponses: batch.partialResponses,
        host: need(ctx.hosts, "functions").likes,
        log: ctx.log,
        ...(ctx.options.pollers ? { pollers: ctx.options.pollers } : {}),
      });
      return poller.stop;
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
        port: need(ctx.ports, "ports").api,
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
        function: { physicalName: ctx.names.functions.api, memoryMb: spec.memoryMb, timeoutSeconds: spec.timeoutSeconds },
      });
      ctx.apiUrl = front.url;
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
