import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { LocalIssuer } from "../auth";
import type { Iam } from "../iam/authorizer";
import { createRuntimeIam } from "../iam/layer";
import type { HttpFrontSettings } from "../http-front";
import type { FunctionHost } from "../lambda/function-host";
import type { EventSourceSettings } from "../queue/poller";
import { createConsoleLogger } from "../log";
import { localCredentials, localRegion, resourceNames } from "../names";
import { repoRoot } from "../paths";
import { assertPortsFree } from "../ports";
import { clearStaleChildren } from "../servers/pid-file";
import { milestone, need } from "./context";
import { lockDataFolder } from "./data-lock";
import type { StartContext } from "./context";
import { portSettings, resolveDataDir, resolveEndpoints, resolvePorts } from "./options";
import type { FunctionKey, RuntimePorts, ServiceName, StartOptions } from "./options";
import { assertEndpointAllowed } from "./safety";
import { functionKeys, queuesAndFunctionsStep } from "./steps-functions";
import { bucketStep, tableStep } from "./steps-storage";
import { runSteps } from "./steps";
import { resolveConsole, webPortSetting, webStep } from "./steps-web";
import type { PlannedStep } from "./steps";
import { watchSources } from "./watch";

export interface Runtime {
  apiUrl: string;
  /** The web console on Vite's dev server, when started with `console`. */
  consoleUrl: string | undefined;
  /** The local OIDC issuer (`iss` of local tokens); undefined when the caller passed `authorize`. */
  issuerUrl: string | undefined;
  issuer: LocalIssuer | undefined;
  ports: RuntimePorts;
  /** What the functions and clients talk to (S3: the front, not s3rver itself). */
  endpoints: Record<ServiceName, string>;
  /** What the functions talk to: with IAM enforced, the IAM layer in front of DynamoDB and SQS (S3: the front). */
  functionEndpoints: Record<ServiceName, string>;
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
  /** Functions' identities and the commands they sent; undefined when IAM is not enforced (`iam: false`, remote). */
  iam: Iam | undefined;
  /** null when in memory. */
  dataDir: string | null;
  /** The file the local queue keeps its messages in (they survive a stop or a kill); null in memory or with SQS_ENDPOINT. */
  queueJournal: string | null;
  functions: Record<FunctionKey, FunctionHost>;
  /** What the runtime applies, resolved: compared with the synthesized stack in infra/test/parity.test.ts. */
  settings: RuntimeSettings;
  /** The next invocation of every function runs the code as it is now on disk. */
  reload(): void;
  /** Stops everything this start started; safe to call twice. */
  stop(): Promise<void>;
}

export interface RuntimeSettings {
  api: HttpFrontSettings;
  eventSource: EventSourceSettings;
  functions: Record<FunctionKey, { memoryMb: number; timeoutSeconds: number }>;
}

const defaultWatchDirs = ["packages/functions/src", "packages/core/src"].map((dir) => join(repoRoot, dir));

/**
 * Starts the whole system on loopback — DynamoDB Local, S3 (s3rver behind the S3 front), SQS
 * (local-aws-sqs), the token issuer, the three functions, the queue poller and the HTTP front — as
 * named steps, with every setting from infra/manifest.ts. A failed start stops what it started.
 */
export async function start(options: StartOptions = {}): Promise<Runtime> {
  const startedAt = performance.now();
  const env = options.env ?? process.env;
  const external = resolveEndpoints(options);
  const allowRemote = options.allowRemote ?? env.ALLOW_REMOTE_ENDPOINTS === "1";
  for (const [service, endpoint] of Object.entries(external)) assertEndpointAllowed(service, endpoint, allowRemote);

  const ctx: StartContext = {
    options,
    log: options.logger ?? createConsoleLogger(),
    env,
    inMemory: options.inMemory ?? false,
    dataDir: resolveDataDir(options),
    names: resourceNames(),
    credentials: options.credentials ?? remoteCredentials(env, allowRemote) ?? localCredentials,
    region: options.region ?? (allowRemote ? env.AWS_REGION : undefined) ?? localRegion,
    external,
    ...(options.authorize ? { authorize: options.authorize } : {}),
    onObjectCreated: () => undefined,
    sandboxesCreated: milestone(),
    ready: milestone(),
  };
  if (options.iam !== false && !allowRemote) ctx.iam = createRuntimeIam(ctx.names, ctx.region, ctx.credentials, options.iam ?? {});
  const { log, dataDir, inMemory } = ctx;
  const webConsole = await resolveConsole(options, env);
  ctx.consoleOrigins = webConsole.origins;

  // Its modules (the issuer, the HTTP front, the poller) load beside the JVM, not before it starts.
  let edgeModule: Promise<typeof import("./steps-edge")> | undefined;
  const edge = () => (edgeModule ??= import("./steps-edge"));

  const plan: (PlannedStep | PlannedStep[])[] = [
    {
      name: inMemory ? "in memory" : `data in ${dataDir}${options.reset ? " (reset)" : ""}`,
      run: async () => {
        if (inMemory) {
          if (options.issuerKeyOnDisk) await mkdir(dataDir, { recursive: true });
          return;
        }
        await mkdir(dataDir, { recursive: true });
        const unlock = lockDataFolder(dataDir);
        if (options.reset) {
          await Promise.all(["dynamodb", "s3", "sqs"].map((dir) => rm(join(dataDir, dir), { recursive: true, force: true })));
        }
        return async () => unlock();
      },
    },
    {
      name: "ports",
      run: async () => {
        // A runtime killed earlier may have left DynamoDB Local holding its port.
        await clearStaleChildren(join(dataDir, "run"), "dynamodb");
        const { ports, holds } = await resolvePorts(options);
        ctx.portHolds = holds;
        const releaseHolds = () => Promise.all(Object.values(holds).map((hold) => hold.release()));
        const names = ["api", "dynamodb", "s3", "sqs", "issuer", "cdn"] as const;
        const startsHere = (name: (typeof names)[number]) => !(name === "issuer" ? options.authorize : external[name as ServiceName]);
        await Promise.all(names.filter((name) => !startsHere(name)).map((name) => holds[name]?.release()));
        try {
          // Every busy port in one message, before anything starts (the console's too, when asked for).
          // A held port is free for its server: ours until it listens.
          await assertPortsFree([
            ...names
              .filter((name) => startsHere(name) && !holds[name])
              .map((name) => ({ port: ports[name], what: `${portSettings[name].label} (${portSettings[name].env})` })),
            ...(webConsole.port !== undefined ? [{ port: webConsole.port, what: `${webPortSetting.label} (${webPortSetting.env})` }] : []),
          ]);
        } catch (error) {
          await releaseHolds();
          throw error;
        }
        ctx.ports = ports;
        const at = (port: number) => `http://127.0.0.1:${port}`;
        ctx.endpoints = {
          dynamodb: external.dynamodb ?? at(ports.dynamodb),
          s3: external.s3 ?? at(ports.s3),
          sqs: external.sqs ?? at(ports.sqs),
        };
        const endpoints = ctx.endpoints;
        // Not awaited: the SDK loads while the next stage's servers start (DynamoDB Local first).
        const aws = import("../aws");
        ctx.clientsReady = aws.then(({ createClients }) => (ctx.clients = createClients(endpoints, ctx.credentials, ctx.region)));
        ctx.clientsReady.catch(() => undefined);
        return async () => {
          await releaseHolds();
          const clients = await ctx.clientsReady?.catch(() => undefined);
          if (clients) (await aws).destroyClients(clients);
        };
      },
    },
    // DynamoDB Local first: its JVM is the longest step, and it spawns before the other steps' modules load.
    [
      tableStep(ctx),
      bucketStep(ctx),
      queuesAndFunctionsStep(ctx),
      ...(options.authorize ? [] : [async () => (await ctx.sandboxesCreated.reached, await edge()).issuerStep(ctx)]),
    ],
    // The console starts beside the front, not before it: the API is the console's server and answers
    // (GET /health 200) without waiting for a UI dev server, whose ~0.5 CPU-s would otherwise compete
    // with DynamoDB Local's JVM on the start's longest path. `start` returns once both listen.
    [
      async () => (await edge()).pollerStep(ctx),
      async () => (await edge()).httpFrontStep(ctx),
      ...(webConsole.port !== undefined ? [webStep(ctx, webConsole.port)] : []),
    ],
  ];

  const stopAll = await runSteps(plan, log);
  const stopWatching = options.watch
    ? watchSources(options.watch === true ? defaultWatchDirs : options.watch, (file) => {
        log.info(`${file} changed: functions reload on their next invocation`);
        runtime.reload();
      })
    : () => undefined;

  const hosts = need(ctx.hosts, "functions");
  const queues = need(ctx.queues, "queues");
  let stopping: Promise<void> | undefined;
  const runtime: Runtime = {
    apiUrl: need(ctx.apiUrl, "API"),
    consoleUrl: ctx.consoleUrl,
    issuerUrl: ctx.issuer?.url,
    issuer: ctx.issuer,
    ports: need(ctx.ports, "ports"),
    endpoints: need(ctx.endpoints, "endpoints"),
    functionEndpoints: need(ctx.functionEndpoints, "function endpoints"),
    resources: {
      tableName: ctx.names.table,
      bucketName: ctx.names.bucket,
      queueName: ctx.names.queue,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      dlqName: ctx.names.dlq,
      dlqUrl: queues.dlqUrl,
      dlqArn: queues.dlqArn,
    },
    iam: ctx.iam,
    dataDir: inMemory ? null : dataDir,
    queueJournal: external.sqs ? null : ((await import("../servers/sqs")).queueJournal(ctx).journalPath ?? null),
    functions: hosts,
    settings: {
      api: need(ctx.front, "HTTP front"),
      eventSource: need(ctx.eventSource, "event source"),
      functions: Object.fromEntries(functionKeys.map((key) => [key, { memoryMb: hosts[key].spec.memoryMb, timeoutSeconds: hosts[key].spec.timeoutSeconds }])) as RuntimeSettings["functions"],
    },
    reload() {
      for (const key of functionKeys) hosts[key].reload();
      void hosts.api.warm();
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
  ctx.ready.mark();
  return runtime;
}

/** Against a remote endpoint (with allowRemote), the usual AWS variables; offline, never. */
function remoteCredentials(env: NodeJS.ProcessEnv, allowRemote: boolean) {
  if (!allowRemote || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return undefined;
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}
