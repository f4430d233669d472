/**
 * The two load generators of the end-to-end section: autocannon against the HTTP front, and a closed
 * loop of SDK calls against DynamoDB Local (the floor). Both keep `connections` requests in flight for
 * `seconds` and report the same figures: per-second request counts, latency quantiles, errors.
 */
import { Agent } from "node:http";
import autocannon from "autocannon";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { quantile, summarize, type Summary } from "../stats";

export interface LoadFigures {
  /** Requests completed per second, one sample per second of the run. */
  perSecond: Summary;
  total: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers plus connection errors and timeouts. */
  errors: number;
  /** What the errors were, e.g. { "503": 12, "timeout": 2 }. */
  errorKinds: Record<string, number>;
}

export interface HttpLoad {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  /** Called per request: the path (and body) to send. */
  next: () => { path: string; body?: string };
  connections: number;
  seconds: number;
}

export async function httpLoad(load: HttpLoad): Promise<LoadFigures> {
  const result = await autocannon({
    url: load.url,
    connections: load.connections,
    duration: load.seconds,
    requests: [
      {
        method: load.method,
        headers: load.headers,
        setupRequest: (request) => {
          const { path, body } = load.next();
          return { ...request, path, ...(body === undefined ? {} : { body }) };
        },
      },
    ],
  });
  const errorKinds: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
    if (!status.startsWith("2") && stats.count) errorKinds[status] = stats.count;
  }
  if (result.errors) errorKinds.connection = result.errors - result.timeouts;
  if (result.timeouts) errorKinds.timeout = result.timeouts;
  const requests = result.requests;
  return {
    perSecond: { n: Math.round(result.duration), median: requests.p50, p25: requests.p25, p75: requests.p75, min: requests.min, max: requests.max },
    total: result["2xx"] + result.non2xx,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.non2xx + result.errors,
    errorKinds,
  };
}

/** A DocumentClient whose connection pool is as wide as the load (the SDK's default is 50 sockets). */
export function floorClient(endpoint: string, connections: number): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
      requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: connections }) },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}

/** `connections` concurrent loops, each sending `call()` back to back until the time is up. */
export async function closedLoop(call: () => Promise<unknown>, connections: number, seconds: number): Promise<LoadFigures> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const latencies: number[] = [];
  const perSecond = new Array<number>(seconds).fill(0);
  const errorKinds: Record<string, number> = {};
  let errors = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      try {
        await call();
        const done = performance.now();
        latencies.push(done - sent);
        const second = Math.floor((done - started) / 1000);
        if (second < seconds) perSecond[second] = (perSecond[second] ?? 0) + 1;
      } catch (error) {
        errors++;
        const kind = (error as Error).name || "error";
        errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  return {
    perSecond: summarize(perSecond),
    total: latencies.length + errors,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    errors,
    errorKinds,
  };
}
