import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "aws-lambda";
import { manifest } from "../../../../infra/manifest";
import type { Authorize } from "../auth";
import type { HttpApiEvent, JwtAuthorizerInput } from "../events/api-gateway";
import { ids } from "../events/ids";
import { createContextData, lambdaContext } from "../lambda/context";
import { resourceNames } from "../names";
import type { FunctionIdentity } from "../lambda/context";
import { isPreflight, preflightHeaders, responseCorsHeaders } from "./cors";
import type { CorsConfig } from "./cors";
import { eventFromRequest, requestHeaders } from "./request-event";
import type { RequestHeaders } from "./request-event";
import { gatewayErrors } from "./gateway-responses";
import { responseFromResult } from "./response";
import type { HttpResponse } from "./response";
import { tokenBucket } from "./throttle";
import type { ThrottleSettings } from "./throttle";
import { matchRoute } from "./routes";
import { listenOnLoopback, closeNow } from "../ports";

export type { Authorize } from "../auth";
export type { HttpApiEvent } from "../events/api-gateway";

export type ApiHandler = (event: HttpApiEvent, context: Context) => Promise<unknown>;

export interface HttpFrontOptions {
  /** 0 picks a free port. */
  port: number;
  /** The Lambda handler, or a function that invokes it (the runtime passes its function host). */
  handler: ApiHandler;
  /**
   * The JWT authorizer, called for every route outside `publicRoutes`. Without one, every route is
   * served without an authorizer: only for tests of the front itself.
   */
  authorize?: Authorize;
  /** Defaults: the manifest's (`manifest.api`, `manifest.functions.api`). */
  publicRoutes?: readonly string[];
  cors?: CorsConfig;
  maxRequestBytes?: number;
  integrationTimeoutMs?: number;
  /**
   * The stage's throttle (429 past it), e.g. `manifest.api.throttling`. Off unless given: on a
   * laptop a load test would mostly measure the throttle.
   */
  throttling?: ThrottleSettings;
  function?: FunctionIdentity;
}

export interface HttpFront {
  url: string;
  port: number;
  /** What this front enforces, as resolved from its options and the manifest. */
  settings: HttpFrontSettings;
  stop(): Promise<void>;
}

export interface HttpFrontSettings {
  publicRoutes: readonly string[];
  maxRequestBytes: number;
  integrationTimeoutMs: number;
  function: FunctionIdentity;
}

/**
 * API Gateway's HTTP API in front of one Lambda handler: each request becomes a payload-2.0 event,
 * the handler's result becomes the response, and the gateway's own rules apply first — CORS
 * preflights, the throttle (429, when enabled), the request size limit (413), the JWT authorizer on
 * non-public routes (401, the handler never runs), Lambda's invocation payload limit and the
 * integration timeout (503). Every answer of its own has API Gateway's shape (`gateway-responses.ts`).
 */
export async function startHttpFront(options: HttpFrontOptions): Promise<HttpFront> {
  const publicRoutes = options.publicRoutes ?? manifest.api.publicRoutes;
  const cors = options.cors ?? manifest.api.cors;
  const maxRequestBytes = options.maxRequestBytes ?? manifest.api.maxRequestBytes;
  const integrationTimeoutMs = options.integrationTimeoutMs ?? manifest.api.integrationTimeoutSeconds * 1000;
  const fn = options.function ?? {
    physicalName: resourceNames().functions.api,
    memoryMb: manifest.functions.api.memoryMb,
    timeoutSeconds: manifest.functions.api.timeoutSeconds,
  };

  const throttle = options.throttling ? tokenBucket(options.throttling) : undefined;

  async function respond(request: IncomingMessage, requestId: string): Promise<HttpResponse> {
    const method = request.method ?? "GET";
    if (throttle && !throttle.take()) {
      request.resume();
      return gatewayErrors.throttled();
    }
    const headers = requestHeaders(request);
    const origin = headers.headers.origin;
    if (isPreflight(method, headers.headers)) {
      return { statusCode: 204, headers: Object.entries(preflightHeaders(cors, origin ?? "")), body: Buffer.alloc(0) };
    }
    const result = await invoke(request, headers, requestId);
    // API Gateway replaces whatever CORS headers the function set with its own.
    return {
      ...result,
      headers: [...result.headers.filter(([name]) => !name.startsWith("access-control-")), ...Object.entries(responseCorsHeaders(cors, origin))],
    };
  }

  async function invoke(request: IncomingMessage, headers: RequestHeaders, requestId: string): Promise<HttpResponse> {
    const method = request.method ?? "GET";
    const declaredLength = Number(headers.headers["content-length"] ?? 0);
    if (declaredLength > maxRequestBytes) {
      request.resume();
      return gatewayErrors.payloadTooLarge();
    }
    const body = await readBody(request, maxRequestBytes);
    if (!body) return gatewayErrors.payloadTooLarge();

    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const route = matchRoute(publicRoutes, method, path) ?? { routeKey: "$default" };
    let authorizer: JwtAuthorizerInput | undefined;
    if (route.routeKey === "$default" && options.authorize) {
      const verdict = await options.authorize({ method, path, headers: headers.headers });
      if (!verdict.ok) return gatewayErrors.unauthorized(verdict.message);
      authorizer = { claims: verdict.claims, scopes: verdict.scopes };
    }

    const event = eventFromRequest(request, { headers, body, route, requestId, ...(authorizer ? { authorizer } : {}) });
    // Lambda refuses a synchronous invocation whose event is over its payload quota; API Gateway then
    // answers 500, even for a body it accepted itself (up to 10 MB).
    // (Only a body over 4 MiB can get there, base64 included: the rest is not worth serialising for.)
    if (body.length > 4 * 1024 * 1024 && Buffer.byteLength(JSON.stringify(event)) > LAMBDA_MAX_INVOKE_PAYLOAD_BYTES) {
      return gatewayErrors.integrationFailure();
    }
    const context = lambdaContext(createContextData(fn));
    const outcome = await withTimeout(options.handler(event, context), integrationTimeoutMs);
    if (outcome.kind === "timeout") return gatewayErrors.integrationTimeout();
    if (outcome.kind === "error") return gatewayErrors.integrationFailure();
    return responseFromResult(outcome.value) ?? gatewayErrors.integrationFailure();
  }

  function send(request: IncomingMessage, response: ServerResponse, result: HttpResponse, requestId: string): void {
    const raw: string[] = [];
    for (const [name, value] of result.headers) raw.push(name, value);
    raw.push("apigw-requestid", requestId, "content-length", String(result.body.length));
    response.writeHead(result.statusCode, raw);
    response.end(request.method === "HEAD" ? undefined : result.body);
  }

  const server = createServer((request, response) => {
    const requestId = ids.apiGatewayRequestId();
    respond(request, requestId)
      .catch(() => gatewayErrors.integrationFailure())
      .then((result) => send(request, response, result, requestId))
      .catch(() => response.destroy());
  });
  const port = await listenOnLoopback(server, options.port);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    settings: { publicRoutes, maxRequestBytes, integrationTimeoutMs, function: fn },
    stop: () => closeNow(server),
  };
}

/** The body, or undefined once it passes the limit (the rest is drained, not kept). */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  // Most requests (every GET) announce no body: skip the stream iterator, its promises and buffers.
  if (request.headers["content-length"] === undefined && request.headers["transfer-encoding"] === undefined) {
    request.resume();
    return EMPTY;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) tooLarge = true;
    if (!tooLarge) chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

const EMPTY = Buffer.alloc(0);

/** Lambda's quota for a synchronous invocation's request payload: 6 MB. */
const LAMBDA_MAX_INVOKE_PAYLOAD_BYTES = 6 * 1024 * 1024;

type Outcome = { kind: "value"; value: unknown } | { kind: "error"; error: unknown } | { kind: "timeout" };

function withTimeout(promise: Promise<unknown>, ms: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: "timeout" }), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve({ kind: "value", value });
      },
      (error: unknown) => {
        clearTimeout(timer);
        resolve({ kind: "error", error });
      },
    );
  });
}
