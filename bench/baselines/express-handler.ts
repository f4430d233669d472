/**
 * Baseline: the same routes on Express 5 behind serverless-http, what many teams reach for instead.
 * The route bodies are the raw baseline's (./operations), so Express vs raw measures Express alone.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from "aws-lambda";
import express, { type NextFunction, type Request, type Response } from "express";
import serverless from "serverless-http";
import * as ops from "./operations";

type Scope = "users:read" | "users:write" | "likes:write";
type GatewayRequest = Request & { requestContext?: APIGatewayProxyEventV2WithJWTAuthorizer["requestContext"] };

function claimsOf(request: GatewayRequest) {
  const jwt = request.requestContext?.authorizer?.jwt;
  const sub = typeof jwt?.claims?.sub === "string" ? jwt.claims.sub : "";
  return { sub, scopes: jwt?.scopes ?? String(jwt?.claims?.scope ?? "").split(" ") };
}

const needs = (scope: Scope) => (request: Request, response: Response, next: NextFunction) => {
  const { sub, scopes } = claimsOf(request);
  if (!sub) return void response.status(401).json({ message: "unauthorized" });
  if (!scopes.includes(scope)) return void response.status(403).json({ message: "forbidden" });
  next();
};

const send = (run: (request: Request) => Promise<ops.Reply>) => async (request: Request, response: Response) => {
  const reply = await run(request);
  response.status(reply.statusCode).set(reply.headers ?? {});
  if (reply.body === undefined) response.end();
  else response.json(reply.body);
};

const param = (request: Request, name: string) => String(request.params[name] ?? "");

const app = express();
app.disable("x-powered-by");
app.use(express.json({ limit: "1mb" }));
app.use((request, response, next) => {
  const started = performance.now();
  const requestId = (request as GatewayRequest).requestContext?.requestId ?? "";
  response.set("x-request-id", requestId);
  response.on("finish", () =>
    console.log(
      JSON.stringify({ level: "INFO", message: "request", requestId, method: request.method, path: request.path, status: response.statusCode, durationMs: Math.round((performance.now() - started) * 100) / 100 }),
    ),
  );
  next();
});

app.get("/health", send(ops.health));
app.post("/users", needs("users:write"), send((request) => ops.createUser(request.body)));
app.get("/users", needs("users:read"), send((request) => ops.listUsers(request.query as Record<string, string>)));
app.get("/users/by-username/:username", needs("users:read"), send((request) => ops.getUserByUsername(param(request, "username"))));
app.get("/users/:id", needs("users:read"), send((request) => ops.getUser(param(request, "id"))));
app.patch("/users/:id", needs("users:write"), send((request) => ops.patchUser(param(request, "id"), request.body)));
app.delete("/users/:id", needs("users:write"), send((request) => ops.deleteUser(param(request, "id"))));
app.post("/users/:id/likes", needs("likes:write"), send((request) => ops.likeUser(param(request, "id"), claimsOf(request).sub)));
app.post("/users/:id/avatar", needs("users:write"), send((request) => ops.grantAvatarUpload(param(request, "id"), request.body)));
app.get("/users/:id/avatar/:size", needs("users:read"), send((request) => ops.avatarRedirect(param(request, "id"), param(request, "size"))));
app.use((_request: Request, response: Response) => void response.status(404).json({ message: "not found" }));
app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
  console.error(JSON.stringify({ level: "ERROR", message: String(error) }));
  response.status(500).json({ message: "internal error" });
});

export const handler = serverless(app);
