/**
 * Runs in its own process (see ../warm.ts), its environment already pointing the SDK at DynamoDB
 * Local: imports the bundled handlers, then times in-process invocations with full API Gateway v2
 * events. Each batch runs N invocations back to back; its mean is one sample; handlers alternate
 * batch by batch, in a rotating order, so drift hits every handler alike.
 */
import { pathToFileURL } from "node:url";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { apiEvent, lambdaContext } from "./events";

type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | string>;

export interface WarmConfig {
  /** Bundle files by candidate name, e.g. { api: ".../api.mjs", raw: ".../raw.mjs" }. */
  bundles: Record<string, string>;
  scenarios: WarmScenario[];
  rounds: number;
}

export interface WarmScenario {
  name: string;
  method: string;
  /** `{id}` is replaced with a seeded user's id. */
  path: string;
  expectStatus: number;
  iterations: number;
  warmup: number;
}

export interface WarmResult {
  /** µs per request, one sample per batch: scenario → candidate → samples (index = round). */
  samples: Record<string, Record<string, number[]>>;
  /** Candidates that answered a scenario with another status: scenario → candidate → what it said. */
  mismatches: Record<string, Record<string, string>>;
  /** Heap still in use after a full GC, per invocation, over a long run of the last scenario: a leak shows here. */
  retainedBytesPerRequest: Record<string, number>;
  /** Bytes each handler writes to stdout/stderr per GET /users/{id}: what CloudWatch Logs would ingest. */
  logBytesPerRequest: Record<string, number>;
  rssMb: number;
}

const RETENTION_RUN = 5000;

const statusOf = (response: APIGatewayProxyStructuredResultV2 | string) => (typeof response === "string" ? 200 : (response.statusCode ?? 200));

async function main(): Promise<WarmResult> {
  const config = JSON.parse(process.env.BENCH_WARM_CONFIG ?? "{}") as WarmConfig;
  const handlers: Record<string, Handler> = {};
  for (const [name, file] of Object.entries(config.bundles)) {
    handlers[name] = ((await import(pathToFileURL(file).href)) as { handler: Handler }).handler;
  }
  const names = Object.keys(handlers);
  const context = lambdaContext();

  // One user to read, created through the raw baseline (the cheapest path that writes the same item).
  const seeder = handlers.raw ?? handlers.api;
  if (!seeder) throw new Error("no handler to seed with");
  const created = await seeder(apiEvent("POST", "/users", { body: { username: `warm_${Date.now().toString(36)}`, name: "Warm", email: "warm@example.com", age: 30 } }), context);
  if (typeof created === "string" || created.statusCode !== 201) throw new Error(`seeding a user failed: ${JSON.stringify(created).slice(0, 300)}`);
  const userId = (JSON.parse(created.body ?? "{}") as { id: string }).id;

  const samples: WarmResult["samples"] = {};
  const mismatches: WarmResult["mismatches"] = {};
  for (const scenario of config.scenarios) {
    const path = scenario.path.replace("{id}", userId);
    const events = (count: number) => Array.from({ length: count }, () => apiEvent(scenario.method, path, { scopes: ["users:read"] }));
    const run = async (name: string, count: number) => {
      const handler = handlers[name] as Handler;
      const batch = events(count);
      let wrong: string | undefined;
      const started = performance.now();
      for (const event of batch) {
        const response = await handler(event, context);
        if (wrong === undefined && statusOf(response) !== scenario.expectStatus) wrong = `${statusOf(response)} ${JSON.stringify(response).slice(0, 200)}`;
      }
      const micros = ((performance.now() - started) * 1000) / count;
      if (wrong) (mismatches[scenario.name] ??= {})[name] = wrong;
      return micros;
    };
    for (const name of names) await run(name, scenario.warmup);
    const perCandidate: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < config.rounds; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(i + round) % names.length] as string;
        perCandidate[name]?.push(await run(name, scenario.iterations));
      }
    }
    samples[scenario.name] = perCandidate;
  }

  const retainedBytesPerRequest: Record<string, number> = {};
  const last = config.scenarios.at(-1);
  const collect = (globalThis as { gc?: () => void }).gc;
  if (last && collect) {
    for (const name of names) {
      const handler = handlers[name] as Handler;
      const path = last.path.replace("{id}", userId);
      // Events are made inside the loop, so none of them is alive at either measurement.
      collect();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < RETENTION_RUN; i++) await handler(apiEvent(last.method, path, { scopes: ["users:read"] }), context);
      collect();
      retainedBytesPerRequest[name] = (process.memoryUsage().heapUsed - before) / RETENTION_RUN;
    }
  }
  const logBytesPerRequest: Record<string, number> = {};
  const first = config.scenarios[0];
  if (first) {
    for (const name of names) logBytesPerRequest[name] = await countLogBytes(handlers[name] as Handler, first.method, first.path.replace("{id}", userId), context);
  }
  return { samples, mismatches, retainedBytesPerRequest, logBytesPerRequest, rssMb: process.memoryUsage().rss / 1024 / 1024 };
}

/** Counts what the handler writes to stdout and stderr (untimed: the counting itself costs time). */
async function countLogBytes(handler: Handler, method: string, path: string, context: Context, runs = 50): Promise<number> {
  let bytes = 0;
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, i) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
      return (originals[i] as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  });
  try {
    for (let i = 0; i < runs; i++) await handler(apiEvent(method, path, { scopes: ["users:read"] }), context);
  } finally {
    streams.forEach((stream, i) => (stream.write = originals[i] as typeof stream.write));
  }
  return bytes / runs;
}

main().then(
  (result) => process.send?.({ result }, () => process.exit(0)),
  (error: unknown) => process.send?.({ error: error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error) }, () => process.exit(1)),
);
