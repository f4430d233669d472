import type { Context } from "aws-lambda";
import { afterEach, describe, expect, it } from "vitest";
import { manifest } from "../../../infra/manifest";
import type { Authorize } from "../src/auth";
import type { HttpApiEvent } from "../src/events/api-gateway";
import { startHttpFront } from "../src/http-front";
import type { ApiHandler, HttpFront, HttpFrontOptions } from "../src/http-front";
import { rawRequest } from "./support/http";

/** API Gateway's own behaviour in the front, with handlers that record what reaches them. */
let front: HttpFront | undefined;
afterEach(() => front?.stop());

function recordingHandler(answer: (event: HttpApiEvent, context: Context) => unknown = () => ({ statusCode: 200, body: "ok" })) {
  const calls: { event: HttpApiEvent; context: Context }[] = [];
  const handler: ApiHandler = async (event, context) => {
    calls.push({ event, context });
    return answer(event, context);
  };
  return { calls, handler };
}

async function startFront(options: Partial<HttpFrontOptions> & { handler: ApiHandler }) {
  front = await startHttpFront({ port: 0, ...options });
  return front;
}

const consoleOrigin = manifest.web.localOrigins[0];

describe("the HTTP front", () => {
  it("answers CORS preflights itself with the manifest's settings", async () => {
    const { calls, handler } = recordingHandler();
    const { url } = await startFront({ handler });
    const response = await fetch(`${url}/users`, {
      method: "OPTIONS",
      headers: { origin: consoleOrigin, "access-control-request-method": "PATCH", "access-control-request-headers": "if-match" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(consoleOrigin);
    expect(response.headers.get("access-control-allow-methods")).toBe(manifest.api.cors.allowMethods.join(","));
    expect(response.headers.get("access-control-allow-headers")).toBe(manifest.api.cors.allowHeaders.join(","));
    expect(response.headers.get("access-control-max-age")).toBe(String(manifest.api.cors.maxAge));
    expect(calls).toHaveLength(0);

    const actual = await fetch(`${url}/users`, { headers: { origin: consoleOrigin } });
    expect(actual.headers.get("access-control-allow-origin")).toBe(consoleOrigin);
    expect(actual.headers.get("access-control-expose-headers")).toBe(manifest.api.cors.exposeHeaders.join(","));

    // Only the console's origins, not `*`: another site's page cannot read the API's answers.
    const other = await fetch(`${url}/users`, { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "GET" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("refuses bodies over the request limit with 413 before the handler runs", async () => {
    const { calls, handler } = recordingHandler();
    const { url } = await startFront({ handler, maxRequestBytes: 1024 });
    const declared = await fetch(`${url}/users`, { method: "POST", body: "x".repeat(1025) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ message: "Request Entity Too Large" });
    // Chunked, so only counting the bytes can catch it.
    const streamed = await rawRequest(`${url}/users`, { method: "POST", headers: { "transfer-encoding": "chunked" }, body: "y".repeat(4096) });
    expect(streamed.status).toBe(413);
    expect(calls).toHaveLength(0);
    expect((await fetch(`${url}/users`, { method: "POST", body: "x".repeat(1024) })).status).toBe(200);
  });

  it("answers 503 when the integration times out, 500 when the function fails or answers nonsense", async () => {
    const { handler } = recordingHandler(async (event) => {
      if (event.rawPath === "/slow") await new Promise((resolve) => setTimeout(resolve, 1000));
      if (event.rawPath === "/throw") throw new Error("boom");
      if (event.rawPath === "/nonsense") return { statusCode: "two hundred" };
      return { statusCode: 204 };
    });
    const { url } = await startFront({ handler, integrationTimeoutMs: 100 });
    const slow = await fetch(`${url}/slow`);
    expect([slow.status, await slow.json()]).toEqual([503, { message: "Service Unavailable" }]);
    const thrown = await fetch(`${url}/throw`);
    expect([thrown.status, await thrown.json()]).toEqual([500, { message: "Internal Server Error" }]);
    expect((await fetch(`${url}/nonsense`)).status).toBe(500);
    expect((await fetch(`${url}/fine`)).status).toBe(204);
  });

  it("treats results without statusCode as API Gateway does: 200 with a JSON body", async () => {
    const { handler } = recordingHandler((event) => (event.rawPath === "/string" ? "hello" : { items: [1, 2] }));
    const { url } = await startFront({ handler });
    const text = await fetch(`${url}/string`);
    expect([text.status, text.headers.get("content-type"), await text.text()]).toEqual([200, "application/json", "hello"]);
    const object = await fetch(`${url}/object`);
    expect(await object.json()).toEqual({ items: [1, 2] });
  });

  it("runs the authorizer on every non-public route and never invokes the handler when it refuses", async () => {
    const seen: string[] = [];
    const authorize: Authorize = async (request) => {
      seen.push(`${request.method} ${request.path} ${request.headers.authorization ?? "-"}`);
      return request.headers.authorization === "Bearer good"
        ? { ok: true, claims: { sub: "alice", exp: 1718722804, groups: ["a", "b"] }, scopes: ["users:read"] }
        : { ok: false, status: 401, message: "the token is expired" };
    };
    const { calls, handler } = recordingHandler();
    const { url } = await startFront({ handler, authorize });

    const refused = await fetch(`${url}/users?limit=1`, { headers: { authorization: "Bearer bad" } });
    // API Gateway's own answer, not the API's problem+json (SPEC §3; see gateway-errors.test.ts).
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ message: "Unauthorized" });
    expect(refused.headers.get("www-authenticate")).toBe('Bearer scope="" error="invalid_token" error_description="the token is expired"');
    expect(calls).toHaveLength(0);

    await fetch(`${url}/users`, { headers: { authorization: "Bearer good" } });
    expect(calls[0]!.event.routeKey).toBe("$default");
    expect(calls[0]!.event.requestContext.authorizer).toEqual({
      jwt: { claims: { sub: "alice", exp: "1718722804", groups: "[a b]" }, scopes: ["users:read"] },
    });

    await fetch(`${url}/health`);
    await fetch(`${url}/docs/assets/app.js`);
    expect(seen).toEqual(["GET /users Bearer bad", "GET /users Bearer good"]);
    expect(calls[1]!.event.routeKey).toBe("GET /health");
    expect(calls[1]!.event.requestContext).not.toHaveProperty("authorizer");
    expect(calls[2]!.event).toMatchObject({ routeKey: "GET /docs/{proxy+}", pathParameters: { proxy: "assets/app.js" } });
  });

  it("joins repeated headers with commas and passes cookies apart, as payload 2.0 does", async () => {
    const { calls, handler } = recordingHandler(() => ({ statusCode: 200, cookies: ["a=1", "b=2; HttpOnly"], headers: { "x-count": 2 } }));
    const { url } = await startFront({ handler });
    const response = await rawRequest(`${url}/things?x=1&x=2`, {
      headers: { "X-Multi": ["one", "two"], Cookie: ["c=3; d=4", "e=5"] },
    });
    const { event, context } = calls[0]!;
    expect(event.headers["x-multi"]).toBe("one,two");
    expect(event.cookies).toEqual(["c=3", "d=4", "e=5"]);
    expect(event.headers).not.toHaveProperty("cookie");
    expect(event.queryStringParameters).toEqual({ x: "1,2" });
    expect(event.requestContext.http).toMatchObject({ method: "GET", path: "/things", protocol: "HTTP/1.1", sourceIp: "127.0.0.1" });
    expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(manifest.functions.api.timeoutSeconds * 1000);
    expect(context.functionName).toBe("users-local-ApiHandler");
    expect(response.headers["set-cookie"]).toEqual(["a=1", "b=2; HttpOnly"]);
    expect(response.headers["x-count"]).toBe("2");
    expect(response.headers["apigw-requestid"]).toBe(event.requestContext.requestId);
  });
});
