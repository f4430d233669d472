import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { manifest } from "../../../../infra/manifest";
import type { ApiEnv, Principal } from "./env";
import { problem } from "./problem";

export type Scope = (typeof manifest.auth.scopes)[number];

/**
 * The scope each route needs: the one table to read when asking "who may call this?". A route
 * missing from here and from the public list is refused, so a new route is closed until listed.
 */
export const routeScopes: Record<string, Scope> = {
  "POST /users": "users:write",
  "GET /users": "users:read",
  "GET /users/:id": "users:read",
  "GET /users/by-username/:username": "users:read",
  "PATCH /users/:id": "users:write",
  "DELETE /users/:id": "users:write",
  "POST /users/:id/likes": "likes:write",
  "POST /users/:id/avatar": "users:write",
  "GET /users/:id/avatar/:size": "users:read",
};

/** Routes the API Gateway serves without its JWT authorizer (same list as the stack). */
const publicRoutes = new Set<string>(
  manifest.api.publicRoutes.map((route) => route.replace(/\{proxy\+\}/, "*").replace(/\{(\w+)\}/g, ":$1")),
);

/**
 * Reads the claims the API Gateway JWT authorizer verified. Nothing else is trusted: a header the
 * caller sends cannot grant anything, since only the authorizer writes `requestContext`.
 */
function principalOf(event: ApiEnv["Bindings"]["event"]): Principal | undefined {
  const jwt = event?.requestContext.authorizer?.jwt;
  const sub = jwt?.claims?.sub;
  if (!jwt || typeof sub !== "string") return undefined;
  const granted = jwt.scopes ?? String(jwt.claims?.scope ?? "").split(" ");
  return { sub, scopes: new Set(granted.filter(Boolean).map(withoutResourceServer)) };
}

/** Cognito writes scopes as `<resource server>/<scope>`; the API speaks the bare names. */
const withoutResourceServer = (scope: string) =>
  scope.startsWith(`${manifest.auth.resourceServer}/`) ? scope.slice(manifest.auth.resourceServer.length + 1) : scope;

export const requireScopes: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const route = matchedRoutes(c).at(-1);
  // Only middleware matched: let the router answer 404/405.
  if (!route || route.method === "ALL") return next();
  const key = `${route.method} ${route.path}`;
  if (publicRoutes.has(key)) return next();

  const principal = principalOf(c.env?.event);
  if (!principal) return problem(c, 401, "a valid bearer token is required", { headers: { "www-authenticate": "Bearer" } });
  const needed = routeScopes[key];
  if (!needed || !principal.scopes.has(needed)) {
    return problem(c, 403, needed ? `this route needs the scope "${needed}"` : "this route is not open to any scope", {
      headers: { "www-authenticate": `Bearer error="insufficient_scope"${needed ? `, scope="${needed}"` : ""}` },
    });
  }
  c.set("principal", principal);
  return next();
};
