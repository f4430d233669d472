import { availableParallelism } from "node:os";
import { manifest } from "../../../../infra/manifest";
import type { FunctionHost } from "../lambda/function-host";
import { resolveHandler } from "../paths";
import type { NotificationConfig } from "../s3/notifications";
import { clientsOf, listenPort, need } from "./context";
import type { StartContext } from "./context";
import { functionEnv } from "./function-env";
import type { FunctionKey } from "./options";
import type { Cleanup, Step } from "./steps";

export const functionKeys: readonly FunctionKey[] = ["api", "likes", "uploads"];

/** The bucket's one notification, as deployed: the S3 front records only the creations it matches. */
export const uploadsNotification: NotificationConfig = { configurationId: "uploads", ...manifest.notifications.uploads };

/**
 * SQS (unless an endpoint is configured), the likes queue and its DLQ, then the three functions —
 * their environment needs the queue URL — and the API's cold start, so the first request is fast.
 * All of it runs while DynamoDB Local's JVM is still starting.
 */
export function queuesAndFunctionsStep(ctx: StartContext): Step {
  return {
    name: `${ctx.external.sqs ? "" : "SQS (local-aws-sqs), "}queues ${ctx.names.queue} + ${ctx.names.dlq}, functions`,
    run: async () => {
      const stops: Cleanup[] = [];
      const stopAll = async () => {
        for (const stop of stops.reverse()) await stop();
      };
      try {
        // Loaded here, not by start.ts: these modules load while the JVM starts.
        const [{ queueJournal, startSqs }, { createLikesQueues }, modules] = await Promise.all([
          import("../servers/sqs"),
          import("../resources/queues"),
          functionModules(),
        ]);
        if (!ctx.external.sqs) {
          ctx.sqs = await startSqs({ port: await listenPort(ctx, "sqs"), ...queueJournal(ctx) });
          stops.push(ctx.sqs.stop);
        }
        ctx.queues = await createLikesQueues((await clientsOf(ctx)).sqs, ctx.names, ctx.options.queueVisibilityTimeoutSeconds);
        const endpoints = need(ctx.endpoints, "endpoints");
        if (ctx.iam) {
          const proxies = await modules.layer.startFunctionProxies(ctx.iam, endpoints, ctx.region);
          stops.push(proxies.stop);
          ctx.functionEndpoints = { ...endpoints, ...proxies.endpoints };
        } else {
          ctx.functionEndpoints = endpoints;
        }
        stops.push(createFunctions(ctx, modules));
        // Not a failure if the API cannot load: the error is logged, and a fix on disk reloads it.
        const warming = need(ctx.hosts, "functions").api.warm();
        ctx.sandboxesCreated.mark();
        await warming;
      } catch (error) {
        ctx.sandboxesCreated.mark();
        await stopAll();
        throw error;
      }
      return stopAll;
    },
  };
}

async function functionModules() {
  const [layer, asyncInvoke, functionHost, notifications] = await Promise.all([
    import("../iam/layer"),
    import("../lambda/async-invoke"),
    import("../lambda/function-host"),
    import("../s3/notifications"),
  ]);
  return { layer, asyncInvoke, functionHost, notifications };
}

function createFunctions(ctx: StartContext, modules: Awaited<ReturnType<typeof functionModules>>): Cleanup {
  const { throughProxy } = modules.layer;
  const { createFunctionHost } = modules.functionHost;
  const { createAsyncInvoker } = modules.asyncInvoke;
  const { matchesNotification, notificationEvent } = modules.notifications;
  const endpoints = need(ctx.functionEndpoints, "function endpoints");
  const queueUrl = ctx.iam ? throughProxy(need(ctx.queues, "queues").queueUrl, endpoints.sqs) : need(ctx.queues, "queues").queueUrl;
  const host = (key: FunctionKey): FunctionHost => {
    const spec = manifest.functions[key];
    const override = ctx.options.functions?.[key];
    const physicalName = ctx.names.functions[key];
    return createFunctionHost(
      {
        name: spec.name,
        physicalName,
        handler: resolveHandler(override?.handler ?? spec.handler),
        timeoutSeconds: override?.timeoutSeconds ?? spec.timeoutSeconds,
        memoryMb: spec.memoryMb,
        env: functionEnv(key, physicalName, {
          endpoints,
          credentials: ctx.iam?.identities[key].credentials ?? ctx.credentials,
          region: ctx.region,
          resources: { tableName: ctx.names.table, bucketName: ctx.names.bucket, queueUrl, cdnUrl: `http://127.0.0.1:${need(ctx.ports, "ports").cdn}` },
          inherited: ctx.env,
          ...(ctx.options.functionEnv ? { extra: ctx.options.functionEnv } : {}),
        }),
        // sharp's native libraries must be loaded by the main thread before a worker uses them.
        ...(key === "uploads" ? { preload: ["sharp"] } : {}),
        // Requests arrive concurrently: under load the API scales out to a sandbox per core (at most 4),
        // as Lambda starts more environments, instead of queueing every request on one thread.
        ...(key === "api" ? { maxSandboxes: Math.min(4, availableParallelism()) } : {}),
      },
      ctx.log,
    );
  };
  const hosts = { api: host("api"), likes: host("likes"), uploads: host("uploads") };
  ctx.hosts = hosts;

  const uploads = createAsyncInvoker(hosts.uploads, {
    retryAttempts: manifest.notifications.uploads.retryAttempts,
    retryDelaysMs: ctx.options.asyncRetryDelaysMs ?? [1000, 2000],
    log: ctx.log,
  });
  const notification = uploadsNotification;
  ctx.onObjectCreated = (object) => {
    if (!matchesNotification(notification, object.eventName, object.key)) return object.done();
    // Done when the subscriber succeeded or its last retry failed; a stop before that leaves it in the journal.
    uploads.invoke(notificationEvent(notification, object, ctx.region), `${object.eventName} ${object.key}`, object.done);
  };
  return async () => {
    ctx.onObjectCreated = () => undefined;
    await uploads.stop();
    await Promise.all(functionKeys.map((key) => hosts[key].stop()));
  };
}
