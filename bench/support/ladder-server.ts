/**
 * The rungs between the GetItem floor and the offline runtime (../e2e.ts): plain node:http servers
 * in a process of their own, each answering GET /users/{id} with less of the runtime's work —
 *
 * - `sdk`: the SDK GetItem and JSON.stringify, nothing else: the least any Node service that makes
 *   the handler's DynamoDB call can do;
 * - `raw`: an API Gateway v2 event and the raw handler (bench/baselines/raw-handler.ts), in process;
 * - `api`: the same event and the deployed API handler (Hono, zod, Powertools), in process.
 *
 * No authorizer, no sandbox hop, no IAM layer: what the runtime adds beyond `api` is its emulation of
 * API Gateway and Lambda. One worker process per core (node:cluster) serves each port, as the runtime
 * spreads the API over a sandbox per core: a single thread would cap a rung below what the machine
 * can do. Reads the runtime's own DynamoDB Local and table; sends `{ ready: { ports, pids } }` once
 * every worker listens, exits on "stop" or when the bench goes.
 */
import cluster from "node:cluster";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { freePort } from "../../packages/local/src/ports";
import { apiEvent, lambdaContext } from "./events";

export type Rung = "sdk" | "raw" | "api";
export interface LadderConfig {
  tableName: string;
  /** Bundle files of the `raw` and `api` handlers. */
  bundles: Record<"raw" | "api", string>;
}

type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LadderReady {
  ports: Record<Rung, number>;
  /** The processes serving them: their CPU is the rungs'. */
  pids: number[];
}

const rungs: Rung[] = ["sdk", "raw", "api"];

async function primary() {
  const ports = Object.fromEntries(await Promise.all(rungs.map(async (rung) => [rung, await freePort()]))) as Record<Rung, number>;
  const workers = Array.from({ length: availableParallelism() }, () => cluster.fork({ BENCH_LADDER_PORTS: JSON.stringify(ports) }));
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          worker.once("message", (message: { listening?: boolean; error?: string }) => (message.listening ? resolve() : reject(new Error(message.error))));
          worker.once("exit", (code) => reject(new Error(`a ladder worker exited (${code})`)));
        }),
    ),
  );
  const ready: LadderReady = { ports, pids: workers.map((worker) => worker.process.pid!) };
  process.send?.({ ready });
  const stop = () => {
    for (const worker of workers) worker.kill();
    process.exit(0);
  };
  process.on("message", (message) => message === "stop" && stop());
  process.on("disconnect", stop);
}

async function worker() {
  const ports = JSON.parse(process.env.BENCH_LADDER_PORTS!) as Record<Rung, number>;
  const config = JSON.parse(process.env.BENCH_LADDER_CONFIG ?? "{}") as LadderConfig;
  // As the API's composition root builds it: the SDK's defaults, the endpoint from AWS_ENDPOINT_URL_DYNAMODB.
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const handlers: Record<"raw" | "api", Handler> = {
    raw: ((await import(pathToFileURL(config.bundles.raw).href)) as { handler: Handler }).handler,
    api: ((await import(pathToFileURL(config.bundles.api).href)) as { handler: Handler }).handler,
  };
  const context = lambdaContext();

  const sdk = async (request: IncomingMessage, response: ServerResponse) => {
    const id = request.url!.slice("/users/".length);
    const { Item } = await documents.send(new GetCommand({ TableName: config.tableName, Key: { pk: `USER#${id}`, sk: "PROFILE" }, ConsistentRead: true }));
    response.writeHead(Item ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(Item ?? { title: "Not Found" }));
  };
  const lambda = (handler: Handler) => async (request: IncomingMessage, response: ServerResponse) => {
    const result = await handler(apiEvent(request.method!, request.url!), context);
    response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>).end(result.body);
  };
  const listen = (port: number, serve: (request: IncomingMessage, response: ServerResponse) => Promise<void>) =>
    new Promise<void>((resolve) => {
      const server = createServer((request, response) => {
        serve(request, response).catch((error: unknown) => response.writeHead(500).end(String(error)));
      });
      server.keepAliveTimeout = 60_000;
      server.listen(port, "127.0.0.1", () => resolve());
    });
  await Promise.all([listen(ports.sdk, sdk), listen(ports.raw, lambda(handlers.raw)), listen(ports.api, lambda(handlers.api))]);
  process.send?.({ listening: true });
}

(cluster.isPrimary ? primary() : worker()).catch((error: unknown) => {
  process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
