import { Logger } from "@aws-lambda-powertools/logger";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { ApiEnv } from "./env";

export const logger = new Logger({ serviceName: "users-api" });

/**
 * Gives every request an id (API Gateway's own when there is one, so logs and the gateway agree),
 * echoes it as `x-request-id`, and writes one structured line when the response is ready.
 * Never logs a token or a body.
 */
export const requestLog: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const started = performance.now();
  const requestId = c.env?.event?.requestContext?.requestId ?? crypto.randomUUID();
  c.set("requestId", requestId);
  c.set("logger", logger);
  // Before the response exists, so the context builds it with the header; set on a finished
  // response, Hono would copy that response (a second undici Response per request).
  c.header("x-request-id", requestId);
  await next();
  // A Response a handler returned as is was built without the context's headers.
  if (c.res.headers.get("x-request-id") !== requestId) c.header("x-request-id", requestId);
  const status = c.res.status;
  logger[status >= 500 ? "error" : "info"]("request", {
    requestId,
    method: c.req.method,
    route: routePath(c, -1),
    status,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  });
};
