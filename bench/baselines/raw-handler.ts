/**
 * Baseline: the API with no framework. A plain APIGatewayProxyHandlerV2 with a switch over method and
 * path, the same DynamoDB calls as the API (see ./operations), the same scope checks, one JSON log line
 * per request via console.log. Skips what the frameworked API does beyond that: zod validation with
 * per-field errors, problem+json, 405/413 handling, ETag/If-Match, Powertools, OpenAPI.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from "aws-lambda";
import * as ops from "./operations";

type Scope = "users:read" | "users:write" | "likes:write";

function json(reply: ops.Reply): APIGatewayProxyResultV2 {
  return {
    statusCode: reply.statusCode,
    headers: { "content-type": "application/json", ...reply.headers },
    body: reply.body === undefined ? "" : JSON.stringify(reply.body),
  };
}

function parseBody(event: APIGatewayProxyEventV2WithJWTAuthorizer): unknown {
  if (!event.body) return undefined;
  try {
    return JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body);
  } catch {
    return undefined;
  }
}

/** Routes: [scope or null for public, the reply]; undefined when nothing matches. */
function route(event: APIGatewayProxyEventV2WithJWTAuthorizer, sub: string): [Scope | null, () => Promise<ops.Reply>] | undefined {
  const method = event.requestContext.http.method;
  const parts = event.rawPath.split("/").filter(Boolean).map(decodeURIComponent);
  const [root, id, child, size] = parts;
  if (method === "GET" && parts.length === 1 && root === "health") return [null, ops.health];
  if (root !== "users") return undefined;
  switch (`${method} ${parts.length}`) {
    case "POST 1":
      return ["users:write", () => ops.createUser(parseBody(event))];
    case "GET 1":
      return ["users:read", () => ops.listUsers(event.queryStringParameters ?? {})];
    case "GET 2":
      return ["users:read", () => ops.getUser(id ?? "")];
    case "PATCH 2":
      return ["users:write", () => ops.patchUser(id ?? "", parseBody(event))];
    case "DELETE 2":
      return ["users:write", () => ops.deleteUser(id ?? "")];
    case "GET 3":
      return id === "by-username" ? ["users:read", () => ops.getUserByUsername(child ?? "")] : undefined;
    case "POST 3":
      if (child === "likes") return ["likes:write", () => ops.likeUser(id ?? "", sub)];
      if (child === "avatar") return ["users:write", () => ops.grantAvatarUpload(id ?? "", parseBody(event))];
      return undefined;
    case "GET 4":
      return child === "avatar" ? ["users:read", () => ops.avatarRedirect(id ?? "", size ?? "")] : undefined;
    default:
      return undefined;
  }
}

export const handler = async (event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<APIGatewayProxyResultV2> => {
  const started = performance.now();
  const jwt = event.requestContext.authorizer?.jwt;
  const sub = typeof jwt?.claims?.sub === "string" ? jwt.claims.sub : "";
  const scopes = jwt?.scopes ?? String(jwt?.claims?.scope ?? "").split(" ");
  let reply: ops.Reply;
  try {
    const match = route(event, sub);
    if (!match) reply = { statusCode: 404, body: { message: "not found" } };
    else if (match[0] && !sub) reply = { statusCode: 401, body: { message: "unauthorized" } };
    else if (match[0] && !scopes.includes(match[0])) reply = { statusCode: 403, body: { message: "forbidden" } };
    else reply = await match[1]();
  } catch (error) {
    console.error(JSON.stringify({ level: "ERROR", message: String(error), requestId: event.requestContext.requestId }));
    reply = { statusCode: 500, body: { message: "internal error" } };
  }
  console.log(
    JSON.stringify({
      level: "INFO",
      message: "request",
      requestId: event.requestContext.requestId,
      method: event.requestContext.http.method,
      path: event.rawPath,
      status: reply.statusCode,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    }),
  );
  return json({ ...reply, headers: { ...reply.headers, "x-request-id": event.requestContext.requestId } });
};
