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
 * API Gateway and Lambda. Reads the runtime's own DynamoDB Local (BENCH_LADDER_DYNAMODB) and table;
 * sends `{ ready: { sdk, raw, api } }` (ports) once listening, exits on "stop" or when the bench goes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { apiEvent, lambdaContext } from "./events";

export type Rung = "sdk" | "raw" | "api";
export interface LadderConfig {
  tableName: string;
  /** Bundle files of the `raw` and `api` handlers. */
  bundles: Record<"raw" | "api", string>;
}

type Handler = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

async function main() {
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
  const listen = (serve: (request: IncomingMessage, response: ServerResponse) => Promise<void>) =>
    new Promise<number>((resolve) => {
      const server = createServer((request, response) => {
        serve(request, response).catch((error: unknown) => response.writeHead(500).end(String(error)));
      });
      server.keepAliveTimeout = 60_000;
      server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
    });
  const ready: Record<Rung, number> = { sdk: await listen(sdk), raw: await listen(lambda(handlers.raw)), api: await listen(lambda(handlers.api)) };
  process.send?.({ ready });
  process.on("message", (message) => message === "stop" && process.exit(0));
  process.on("disconnect", () => process.exit(0));
}

main().catch((error: unknown) => {
  process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
