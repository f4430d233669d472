import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { manifest } from "../../../../infra/manifest";
import { createLocalAuthorizer, startIssuer } from "../auth";
import type { Authorize, LocalIssuer } from "../auth";
import { createClients, destroyClients } from "../aws";
import type { AwsClients } from "../aws";
import { startHttpFront } from "../http-front";
import { createAsyncInvoker } from "../lambda/async-invoke";
import { createFunctionHost } from "../lambda/function-host";
import type { FunctionHost } from "../lambda/function-host";
import { createConsoleLogger } from "../log";
import { localCredentials, localRegion, resourceNames } from "../names";
import { repoRoot, resolveHandler } from "../paths";
import { assertPortFree } from "../ports";
import { startQueuePoller } from "../queue/poller";
import { createAvatarsBucket } from "../resources/bucket";
import { createLikesQueues } from "../resources/queues";
import type { LikesQueues } from "../resources/queues";
import { startS3Front } from "../s3/front";
import type { CreatedObject } from "../s3/front";
import { matchesNotification, notificationEvent } from "../s3/notifications";
import type { NotificationConfig } from "../s3/notifications";
import { createUsersTable, startDynamoDb } from "../servers/dynamodb";
import { clearStaleChildren } from "../servers/pid-file";
import { startS3rver } from "../servers/s3rver";
import { startSqs } from "../servers/sqs";
import { functionEnv } from "./function-env";
import { portSettings, resolveDataDir, resolveEndpoints, resolvePorts } from "./options";
import type { FunctionKey, RuntimePorts, ServiceName, StartOptions } from "./options";
import { assertEndpointAllowed } from "./safety";
import { runSteps } from "./steps";
import type { Step } from "./steps";
import { watchSources } from "./watch";

export interface Runtime {
  apiUrl: string;
  /** The local OIDC issuer (`iss` of local tokens); undefined when the caller passed `authorize`. */
  issuerUrl: string | undefined;
  issuer: LocalIssuer | undefined;
  ports: RuntimePorts;
  /** What the functions and clients talk to (S3: the front, not s3rver itself). */
  endpoints: Record<ServiceName, string>;
  resources: {
    tableName: string;
    bucketName: string;
    queueName: string;
    queueUrl: string;
    queueArn: string;
    dlqName: string;
    dlqUrl: string;
    dlqArn: string;
  };
  /** null when in memory. */
  dataDir: string | null;
  functions: Record<FunctionKey, FunctionHost>;
  /** The next invocation of every function runs the code as it is now on disk. */
  reload(): void;
  /** Stops everything this start started; safe to call twice. */
  stop(): Promise<void>;
}

const functionKeys: readonly FunctionKey[] = ["api", "likes", "uploads"];
const defaultWatchDirs = ["packages/functions/src", "packages/core/src"].map((dir) => join(repoRoot, dir));

/**
 * Starts the whole system on loopback — DynamoDB Local, S3 (s3rver behind the S3 front), SQS
 * (local-aws-sqs), the token issuer, the three functions, the queue poller and the HTTP front — as
 * named steps, with every setting from infra/manifest.ts. A failed start stops what it started.
 */
export async function start(options: StartOptions = {}): Promise<Runtime> {
  const startedAt = performance.now();
  const log = options.logger ?? createConsoleLogger();
  const env = options.env ?? process.env;
  const inMemory = options.inMemory ?? false;
  const dataDir = resolveDataDir(options);
  const names = resourceNames();
  const credentials = options.credentials ?? localCredentials;
  const region = localRegion;
  const external = resolveEndpoints(options);
  const allowRemote = options.allowRemote ?? env.ALLOW_REMOTE_ENDPOINTS === "1";
  for (const [service, endpoint] of Object.entries(external)) assertEndpointAllowed(service, endpoint, allowRemote);

  let ports: RuntimePorts | undefined;
  const endpoints: Partial<Record<ServiceName, string>> = { ...external };
  let clients: AwsClients | undefined;
  let queues: LikesQueues | undefined;
  let issuer: LocalIssuer | undefined;
  let authorize: Authorize | undefined = options.authorize;
  const hosts: Partial<Record<FunctionKey, FunctionHost>> = {};
  let apiUrl = "";
  // The S3 front starts before the uploads subscriber exists; it reports to whatever is wired here.
  let onObjectCreated: (object: CreatedObject) => void = () => undefined;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not ready`);
    return value;
  };

  const servers: Step[] = [];
  if (!external.dynamodb) {
    servers.push({
      name: "DynamoDB Local",
      run: async () => {
        const server = await startDynamoDb({
          port: need(ports, "ports").dynamodb,
          pidDir: join(dataDir, "run"),
          ...(inMemory ? {} : { dbPath: join(dataDir, "dynamodb") }),
        });
        endpoints.dynamodb = server.endpoint;
        return server.stop;
      },
    });
  }
  if (!external.s3) {
    servers.push({
      name: "S3 (s3rver + front)",
      run: async () => {
        const s3rver = await startS3rver(inMemory ? {} : { directory: join(dataDir, "s3") });
        try {
          const front = await startS3Front({
            port: need(ports, "ports").s3,
            upstream: `http://127.0.0.1:${s3rver.port}`,
            credentials,
            region,
            onObjectCreated: (object) => onObjectCreated(object),
          });
          endpoints.s3 = front.endpoint;
          return async () => {
            await front.stop();
            await s3rver.stop();
          };
        } catch (error) {
          await s3rver.stop();
          throw error;
        }
      },
    });
  }
  if (!external.sqs) {
    servers.push({
      name: "SQS (local-aws-sqs)",
      run: async () => {
        const server = await startSqs({ port: need(ports, "ports").sqs });
        endpoints.sqs = server.endpoint;
        return server.stop;
      },
    });
  }
  if (!authorize) {
    servers.push({
      name: "token issuer",
      run: async () => {
        issuer = await startIssuer({ port: need(ports, "ports").issuer, dataDir: inMemory ? null : dataDir });
        authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience, jwks: issuer.jwks });
        return issuer.stop;
      },
    });
  }

  const plan: (Step | Step[])[] = [
    {
      name: inMemory ? "in memory" : `data in ${dataDir}${options.reset ? " (reset)" : ""}`,
      run: async () => {
        if (inMemory) return;
        if (options.reset) {
          await Promise.all(["dynamodb", "s3"].map((dir) => rm(join(dataDir, dir), { recursive: true, force: true })));
        }
        await mkdir(dataDir, { recursive: true });
      },
    },
    {
      name: "ports",
      run: async () => {
        // A runtime killed earlier may have left DynamoDB Local holding its port.
        await clearStaleChildren(join(dataDir, "run"), "dynamodb");
        ports = await resolvePorts(options);
        const local: (keyof RuntimePorts)[] = ["api"];
        if (!external.dynamodb) local.push("dynamodb");
        if (!external.s3) local.push("s3");
        if (!external.sqs) local.push("sqs");
        if (!options.authorize) local.push("issuer");
        const resolved = ports;
        await Promise.all(
          local.map((name) => assertPortFree(resolved[name], `${portSettings[name].label} (${portSettings[name].env})`)),
        );
      },
    },
    servers,
    {
      name: `table ${names.table}, bucket ${names.bucket}, queues ${names.queue} + ${names.dlq}`,
      run: async () => {
        clients = createClients(
          { dynamodb: need(endpoints.dynamodb, "DynamoDB"), s3: need(endpoints.s3, "S3"), sqs: need(endpoints.sqs, "SQS") },
          credentials,
          region,
        );
        const created = clients;
        const [, , likesQueues] = await Promise.all([
          createUsersTable(created.dynamodb, names.table),
          createAvatarsBucket(created.s3, names.bucket),
          createLikesQueues(created.sqs, names, options.queueVisibilityTimeoutSeconds),
        ]);
        queues = likesQueues;
        return async () => destroyClients(created);
      },
    },
    {
      name: "functions",
      run: async () => {
        const resolvedEndpoints = {
          dynamodb: need(endpoints.dynamodb, "DynamoDB"),
          s3: need(endpoints.s3, "S3"),
          sqs: need(endpoints.sqs, "SQS"),
        };
        const likesQueues = need(queues, "queues");
        for (const key of functionKeys) {
          const spec = manifest.functions[key];
          const override = options.functions?.[key];
          const physicalName = names.functions[key];
          hosts[key] = createFunctionHost(
            {
              name: spec.name,
              physicalName,
              handler: resolveHandler(override?.handler ?? spec.handler),
              timeoutSeconds: override?.timeoutSeconds ?? spec.timeoutSeconds,
              memoryMb: spec.memoryMb,
              env: functionEnv(key, physicalName, {
                endpoints: resolvedEndpoints,
                credentials,
                region,
                resources: { tableName: names.table, bucketName: names.bucket, queueUrl: likesQueues.queueUrl },
                inherited: env,
                ...(options.functionEnv ? { extra: options.functionEnv } : {}),
              }),
              // sharp's native libraries must be loaded by the main thread before a worker uses them.
              ...(key === "uploads" ? { preload: ["sharp"] } : {}),
            },
            log,
          );
        }
        const uploads = createAsyncInvoker(need(hosts.uploads, "uploads"), {
          retryAttempts: manifest.notifications.uploads.retryAttempts,
          retryDelaysMs: options.asyncRetryDelaysMs ?? [1000, 2000],
          log,
        });
        const notification: NotificationConfig = { configurationId: "uploads", ...manifest.notifications.uploads };
        onObjectCreated = (object) => {
          if (!matchesNotification(notification, object.eventName, object.key)) return;
          uploads.invoke(notificationEvent(notification, object, region), `${object.eventName} ${object.key}`);
        };
        // The API's cold start happens now, while nobody waits for it.
        void hosts.api?.warm();
        return async () => {
          onObjectCreated = () => undefined;
          await uploads.stop();
          await Promise.all(functionKeys.map((key) => hosts[key]?.stop()));
        };
      },
    },
    [
      {
        name: `queue poller (batch ${manifest.queue.batch.size}, window ${manifest.queue.batch.windowSeconds} s)`,
        run: async () => {
          const likesQueues = need(queues, "queues");
          const poller = startQueuePoller({
            client: need(clients, "clients").sqs,
            queue: { url: likesQueues.queueUrl, arn: likesQueues.queueArn },
            region,
            batchSize: manifest.queue.batch.size,
            windowSeconds: manifest.queue.batch.windowSeconds,
            partialResponses: manifest.queue.batch.partialResponses,
            host: need(hosts.likes, "likes"),
            log,
            ...(options.pollers ? { pollers: options.pollers } : {}),
          });
          return poller.stop;
        },
      },
      {
        name: "HTTP front",
        run: async () => {
          const api = need(hosts.api, "api");
          const front = await startHttpFront({
            port: need(ports, "ports").api,
            handler: (event, context) =>
              api.invoke(event, {
                context,
                summary: `${event.requestContext.http.method} ${event.rawPath}`,
                describe: (result) => {
                  const status = statusOf(result);
                  return { outcome: status >= 500 ? "error" : "ok", detail: `→ ${status}` };
                },
              }),
            authorize: need(authorize, "authorizer"),
            function: { physicalName: names.functions.api, memoryMb: manifest.functions.api.memoryMb, timeoutSeconds: manifest.functions.api.timeoutSeconds },
          });
          apiUrl = front.url;
          return front.stop;
        },
      },
    ],
  ];

  const stopAll = await runSteps(plan, log);
  const stopWatching = options.watch
    ? watchSources(options.watch === true ? defaultWatchDirs : options.watch, (file) => {
        log.info(`${file} changed: functions reload on their next invocation`);
        runtime.reload();
      })
    : () => undefined;

  let stopping: Promise<void> | undefined;
  const likesQueues = need(queues, "queues");
  const runtime: Runtime = {
    apiUrl,
    issuerUrl: issuer?.url,
    issuer,
    ports: need(ports, "ports"),
    endpoints: { dynamodb: need(endpoints.dynamodb, "DynamoDB"), s3: need(endpoints.s3, "S3"), sqs: need(endpoints.sqs, "SQS") },
    resources: {
      tableName: names.table,
      bucketName: names.bucket,
      queueName: names.queue,
      queueUrl: likesQueues.queueUrl,
      queueArn: likesQueues.queueArn,
      dlqName: names.dlq,
      dlqUrl: likesQueues.dlqUrl,
      dlqArn: likesQueues.dlqArn,
    },
    dataDir: inMemory ? null : dataDir,
    functions: { api: need(hosts.api, "api"), likes: need(hosts.likes, "likes"), uploads: need(hosts.uploads, "uploads") },
    reload() {
      for (const key of functionKeys) hosts[key]?.reload();
      void hosts.api?.warm();
    },
    stop() {
      stopping ??= (async () => {
        stopWatching();
        await stopAll();
        log.info("stopped");
      })();
      return stopping;
    },
  };
  log.info(`ready in ${Math.round(performance.now() - startedAt)} ms`);
  return runtime;
}

/** The HTTP status API Gateway will answer with for this result (200 when it is not structured). */
function statusOf(result: unknown): number {
  if (result !== null && typeof result === "object" && "statusCode" in result && typeof result.statusCode === "number") {
    return result.statusCode;
  }
  return 200;
}
