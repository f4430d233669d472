import { resolve } from "node:path";
import type { Authorize } from "../auth";
import type { AwsCredentials } from "../aws";
import type { IamOptions } from "../iam/layer";
import type { Logger } from "../log";
import { defaultDataDir } from "../paths";
import { holdFreePort, type PortHold } from "../ports";

export type ServiceName = "dynamodb" | "s3" | "sqs";
export type FunctionKey = "api" | "likes" | "uploads";

export interface RuntimePorts {
  api: number;
  dynamodb: number;
  s3: number;
  sqs: number;
  issuer: number;
  /** The thumbnails CDN (CloudFront in front of the bucket's thumbnail prefix, deployed). */
  cdn: number;
}

/** Default ports and the environment variables that override them (documented in docs/OFFLINE.md). */
export const portSettings: Record<keyof RuntimePorts, { env: string; default: number; label: string }> = {
  api: { env: "PORT", default: 3000, label: "the API" },
  dynamodb: { env: "DYNAMODB_PORT", default: 8000, label: "DynamoDB Local" },
  s3: { env: "S3_PORT", default: 4569, label: "S3" },
  sqs: { env: "SQS_PORT", default: 9324, label: "SQS" },
  issuer: { env: "ISSUER_PORT", default: 3001, label: "the token issuer" },
  cdn: { env: "CDN_PORT", default: 4570, label: "the thumbnails CDN" },
};

/** Endpoints that replace a local server (LocalStack, or AWS with `allowRemote`). */
export const endpointSettings: Record<ServiceName, string> = {
  dynamodb: "DYNAMODB_ENDPOINT",
  s3: "S3_ENDPOINT",
  sqs: "SQS_ENDPOINT",
};

export interface FunctionOverride {
  /** SST handler notation, absolute or relative to the repo root: `path/to/module.exportName`. */
  handler: string;
  timeoutSeconds?: number;
}

export interface StartOptions {
  /** Nothing on disk: DynamoDB Local in memory, objects in a temporary folder. Default false. */
  inMemory?: boolean;
  /**
   * Keep the token issuer's key pair in `dataDir` even when in memory, so `npm run token` (which
   * signs with that key) makes tokens this runtime accepts. Default: not in memory.
   */
  issuerKeyOnDisk?: boolean;
  /** Empty the table and bucket data kept in `dataDir` before starting (the issuer's key is kept). */
  reset?: boolean;
  /** Default: `.data/` at the repo root (git-ignored). */
  dataDir?: string;
  /** Fixed ports (default from the environment, then the defaults above); `"free"` or 0 picks free ones. */
  ports?: Partial<RuntimePorts> | "free";
  /** Use these endpoints instead of starting a local server for the service. */
  endpoints?: Partial<Record<ServiceName, string>>;
  /** Allow `endpoints` that are not on loopback (a real AWS account). Default false. */
  allowRemote?: boolean;
  /**
   * Credentials for every client and function. Default: the local ones (`S3RVER`); with
   * `allowRemote`, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN when set.
   */
  credentials?: AwsCredentials;
  /**
   * Each function runs with its own access key, and its DynamoDB, S3 and SQS calls are checked
   * against its permissions in infra/manifest.ts (docs/OFFLINE.md, "IAM"). Default on, except with
   * `allowRemote` (AWS enforces IAM itself); `false` turns it off; `permissions` replaces a role.
   */
  iam?: IamOptions | false;
  /** Default us-east-1; with `allowRemote`, AWS_REGION when set. */
  region?: string;
  /**
   * TESTS ONLY: the likes queue's visibility timeout. The manifest's 180 s (6× the subscriber's
   * timeout, as deployed) would make a retry test wait three minutes per retry.
   */
  queueVisibilityTimeoutSeconds?: number;
  /** TESTS ONLY: delays between the uploads subscriber's async retries (AWS: about 1 and 2 minutes). */
  asyncRetryDelaysMs?: number[];
  /** Replace a function's handler (tests use handlers of their own). */
  functions?: Partial<Record<FunctionKey, FunctionOverride>>;
  /** Extra environment for every function. */
  functionEnv?: Record<string, string>;
  /** Reload function code when files change: true watches packages/functions and packages/core. */
  watch?: boolean | string[];
  /** Default: a console logger. */
  logger?: Logger;
  /** Replace the local issuer and JWT authorizer (tests of the front). */
  authorize?: Authorize;
  /** Concurrent queue batches at the start and when idle (default 5, as Lambda starts); more while batches come full. */
  pollers?: number;
  /**
   * Serve the web console (packages/web) on Vite's dev server, pointed at this runtime: `true` (port
   * from WEB_PORT, default 5173; a free one with `ports: "free"`) or a port (0 = free). Default off.
   */
  console?: boolean | { port?: number };
  /** Browser origins to allow besides the manifest's `web.localOrigins` (API and bucket CORS, issuer redirects). */
  consoleOrigins?: string[];
  /** Where PORT, DYNAMODB_PORT… are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** A TCP port from a variable, as zod's coerce.number().int().min(0).max(65535) read it; zod stays off the start's path (~0.5 s to import under tsx). */
function parsePort(raw: string): number | undefined {
  const port = Number(raw);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : undefined;
}

/** The runtime's ports, and, for those it chose itself (0 or "free"), the holds that keep them free until their server listens. */
export interface ResolvedPorts {
  ports: RuntimePorts;
  holds: Partial<Record<keyof RuntimePorts, PortHold>>;
}

/** Ports from options, then the environment, then the defaults; 0 and "free" become free ports, held now. */
export async function resolvePorts(options: StartOptions): Promise<ResolvedPorts> {
  const env = options.env ?? process.env;
  const given = options.ports === "free" ? undefined : options.ports;
  const entries = await Promise.all(
    (Object.keys(portSettings) as (keyof RuntimePorts)[]).map(async (name) => {
      const setting = portSettings[name];
      let port: number;
      if (options.ports === "free") port = 0;
      else if (given?.[name] !== undefined) port = given[name];
      else if (env[setting.env]) {
        const parsed = parsePort(env[setting.env]!);
        if (parsed === undefined) throw new Error(`${setting.env} must be a TCP port (0-65535), got "${env[setting.env]}"`);
        port = parsed;
      } else port = setting.default;
      return [name, port === 0 ? await holdFreePort() : port] as const;
    }),
  );
  const ports = Object.fromEntries(entries.map(([name, port]) => [name, typeof port === "number" ? port : port.port])) as unknown as RuntimePorts;
  const holds = Object.fromEntries(entries.filter(([, port]) => typeof port !== "number")) as ResolvedPorts["holds"];
  return { ports, holds };
}

/** External endpoints from options, then DYNAMODB_ENDPOINT / S3_ENDPOINT / SQS_ENDPOINT. */
export function resolveEndpoints(options: StartOptions): Partial<Record<ServiceName, string>> {
  const env = options.env ?? process.env;
  const endpoints: Partial<Record<ServiceName, string>> = {};
  for (const service of Object.keys(endpointSettings) as ServiceName[]) {
    const value = options.endpoints?.[service] ?? env[endpointSettings[service]];
    if (value) endpoints[service] = value;
  }
  return endpoints;
}

export function resolveDataDir(options: StartOptions): string {
  return options.dataDir ? resolve(options.dataDir) : defaultDataDir;
}
