import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes, routePath } from "hono/route";
import type { ApiEnv } from "./env";
import { problem } from "./problem";

/** Methods whose routes never take a body here. */
const BODYLESS_METHODS = new Set(["GET", "HEAD", "DELETE"]);

const hasBody = (c: Context<ApiEnv>) => c.req.raw.body !== null;

/** A body sent to a route that takes none is a client mistake worth naming (SPEC: 400), not something to drop. */
export const noBody: MiddlewareHandler<ApiEnv> = async (c, next) =>
  hasBody(c) ? problem(c, 400, `${c.req.method} ${routePath(c, -1)} takes no body`) : next();

/** `noBody` for every GET, HEAD and DELETE route; unknown routes and methods are left to the 404/405 answers. */
export const noBodyOnBodylessMethods: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const route = matchedRoutes(c).at(-1);
  if (!BODYLESS_METHODS.has(c.req.method) || !route || route.method === "ALL") return next();
  return noBody(c, next);
};
