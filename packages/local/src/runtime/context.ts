import type { Authorize, LocalIssuer } from "../auth";
import type { AwsClients, AwsCredentials } from "../aws";
import type { Iam } from "../iam/authorizer";
import type { HttpFrontSettings } from "../http-front";
import type { FunctionHost } from "../lambda/function-host";
import type { Logger } from "../log";
import type { ResourceNames } from "../names";
import type { EventSourceSettings } from "../queue/poller";
import type { LikesQueues } from "../resources/queues";
import type { CreatedObject } from "../s3/front";
import type { FunctionKey, RuntimePorts, ServiceName, StartOptions } from "./options";
import type { PortHold } from "../ports";
import type { SqsServer } from "../servers/sqs";

/** What the startup steps share: settings decided up front, and what each step makes for the next. */
export interface StartContext {
  options: StartOptions;
  log: Logger;
  env: NodeJS.ProcessEnv;
  inMemory: boolean;
  dataDir: string;
  names: ResourceNames;
  credentials: AwsCredentials;
  region: string;
  /** Endpoints given by configuration: no local server is started for these services. */
  external: Partial<Record<ServiceName, string>>;
  ports?: RuntimePorts;
  /** Free ports the runtime chose, held until their server listens (`listenPort`). */
  portHolds?: Partial<Record<keyof RuntimePorts, PortHold>>;
  /** Known as soon as the ports are: local servers listen on 127.0.0.1 at their port. */
  endpoints?: Record<ServiceName, string>;
  /** Set when `clientsReady` settles; every step of the storage stage awaits that first. */
  clients?: AwsClients;
  /** The SDK loads while DynamoDB Local's JVM starts, not before: steps await their clients here. */
  clientsReady?: Promise<AwsClients>;
  /** Functions' identities and the record of their calls; undefined when IAM is not enforced offline. */
  iam?: Iam;
  /** Where functions reach DynamoDB and SQS: the IAM layer in front of the emulators (or the emulators). */
  functionEndpoints?: Record<ServiceName, string>;
  queues?: LikesQueues;
  /** The SQS emulator this runtime started (none with an external SQS endpoint). */
  sqs?: SqsServer;
  issuer?: LocalIssuer;
  authorize?: Authorize;
  hosts?: Record<FunctionKey, FunctionHost>;
  apiUrl?: string;
  /** The HTTP front's settings and the event source's, as the steps applied them. */
  front?: HttpFrontSettings;
  eventSource?: EventSourceSettings;
  /** The browser origins the issuer, the API's CORS and the bucket's CORS allow (steps-web.ts). */
  consoleOrigins?: readonly string[];
  /** The web console's URL, when this runtime serves it. */
  consoleUrl?: string;
  /**
   * Once the functions' sandboxes have been created (or their step failed): main-thread work that
   * nothing waits on as long (the S3 front, the issuer) loads after that, so the API's cold start —
   * a worker thread of its own, the slowest step after the JVM — begins as early as it can.
   */
  sandboxesCreated: Milestone;
  /** Once every step has started: work that can wait until then (the console's warmup) does. */
  ready: Milestone;
  /** The S3 front starts before the uploads subscriber exists; it reports to whatever is wired here. */
  onObjectCreated: (object: CreatedObject) => void;
}

/** A one-shot signal between steps: `reached` settles at the first `mark()`. */
export interface Milestone {
  reached: Promise<void>;
  mark(): void;
}

export function milestone(): Milestone {
  let mark = () => {};
  const reached = new Promise<void>((resolve) => (mark = resolve));
  return { reached, mark };
}

export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not ready`);
  return value;
}

/** The port a local server is about to listen on: a free port the runtime chose is let go just before. */
export async function listenPort(ctx: StartContext, name: keyof RuntimePorts): Promise<number> {
  const port = need(ctx.ports, "ports")[name];
  await ctx.portHolds?.[name]?.release();
  return port;
}

/** The runtime's SDK clients, once the SDK has loaded. */
export async function clientsOf(ctx: StartContext): Promise<AwsClients> {
  return ctx.clients ?? (await need(ctx.clientsReady, "clients"));
}
