/**
 * The answers API Gateway gives itself, offline exactly as deployed: status, body and headers, each
 * as AWS documents it (docs/OFFLINE.md, "Gateway errors", cites the pages). None is problem+json:
 * that is the API's shape, and these never reach the API.
 */
import { SignJWT } from "jose";
import type { JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifest } from "../../../infra/manifest";
import { createIssuerKey, createLocalAuthorizer, startIssuer } from "../src/auth";
import type { IssuerKey, LocalIssuer } from "../src/auth";
import { bearerChallenge } from "../src/http-front/gateway-responses";
import { startHttpFront } from "../src/http-front/index";
import type { ApiHandler, HttpFront, HttpFrontOptions } from "../src/http-front/index";
import { rawRequest } from "./support/http";

let key: IssuerKey;
let issuer: LocalIssuer;
const fronts: HttpFront[] = [];
let invocations = 0;

const ok: ApiHandler = async () => {
  invocations += 1;
  return { statusCode: 200, headers: { "content-type": "application/json" }, body: '{"reached":true}' };
};

async function front(options: Partial<HttpFrontOptions> = {}) {
  const started = await startHttpFront({ port: 0, handler: ok, authorize: createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience }), ...options });
  fronts.push(started);
  return started;
}

beforeAll(async () => {
  key = await createIssuerKey();
  issuer = await startIssuer({ port: 0, dataDir: null, key });
});
afterAll(async () => {
  await Promise.all(fronts.map((started) => started.stop()));
  await issuer?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
const token = (claims: JWTPayload) =>
  new SignJWT({ iss: issuer.url, aud: issuer.audience, sub: "alice", scope: "users:read", iat: now(), exp: now() + 600, ...claims })
    .setProtectedHeader({ alg: "RS256", kid: key.kid })
    .sign(key.privateKey);

/** Everything a client sees of one answer. */
async function answer(url: string, init: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {}) {
  const response = await rawRequest(url, init);
  return { status: response.status, headers: response.headers, body: response.body.toString("utf8") };
}

describe("401 from the JWT authorizer", () => {
  const unauthorized = (reason: string) => ({
    status: 401,
    body: '{"message":"Unauthorized"}',
    challenge: `Bearer scope="" error="invalid_token" error_description="${reason}"`,
  });

  it.each([
    ["a missing token", async () => undefined, "the request has no bearer token in its Authorization header"],
    ["a malformed token", async () => "Bearer not-a-jwt", "the bearer token is not a well-formed JWT"],
    ["an expired token", async () => `Bearer ${await token({ exp: now() - 3600, iat: now() - 7200 })}`, "the token has expired"],
    // AWS's own example answer, word for word.
    ["a token for another audience", async () => `Bearer ${await token({ aud: "someone-else" })}`, "the token does not have a valid audience"],
  ])("answers %s as API Gateway does, and the function never runs", async (_, authorization, reason) => {
    const { url } = await front();
    const before = invocations;
    const header = await authorization();
    const response = await answer(`${url}/users`, { headers: header ? { authorization: header } : {} });
    const expected = unauthorized(reason);
    expect({ status: response.status, body: response.body, challenge: response.headers["www-authenticate"] }).toEqual(expected);
    // As in AWS's example: 26 bytes, no content type, the gateway's request id.
    expect(response.headers["content-length"]).toBe("26");
    expect(response.headers["content-type"]).toBeUndefined();
    expect(response.headers["apigw-requestid"]).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(invocations).toBe(before);
  });

  it("never lets a reason break out of the quoted string", () => {
    expect(bearerChallenge('the "kid" is \\ odd\r\nx-injected: 1')).toBe('Bearer scope="" error="invalid_token" error_description="the kid is  oddx-injected: 1"');
  });
});

describe("the gateway's other answers", () => {
  it("413 for a body over the payload quota, before the function runs", async () => {
    const { url } = await front({ authorize: undefined, maxRequestBytes: 1024 });
    const before = invocations;
    const response = await answer(`${url}/users`, { method: "POST", headers: { "content-type": "application/json" }, body: "x".repeat(1025) });
    expect(response).toMatchObject({ status: 413, body: '{"message":"Request Entity Too Large"}' });
    expect(response.headers["content-type"]).toBe("application/json");
    expect(invocations).toBe(before);
    expect(manifest.api.maxRequestBytes).toBe(10 * 1024 * 1024);
  });

  it("429 past the stage's rate and burst limits", async () => {
    const { url } = await front({ authorize: undefined, throttling: { rateLimit: 0.001, burstLimit: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push(await answer(`${url}/health`));
    expect(statuses.map((response) => response.status)).toEqual([200, 200, 429]);
    expect(statuses[2]!.body).toBe('{"message":"Too Many Requests"}');
    expect(statuses[2]!.headers["content-type"]).toBe("application/json");
  });

  it("503 when the function does not answer within the integration timeout", async () => {
    const { url } = await front({ authorize: undefined, integrationTimeoutMs: 50, handler: () => new Promise(() => undefined) });
    const response = await answer(`${url}/health`);
    expect(response).toMatchObject({ status: 503, body: '{"message":"Service Unavailable"}' });
    expect(response.headers["content-type"]).toBe("application/json");
  });

  it.each([
    ["a status that is not a number", { statusCode: "200", body: "x" }],
    ["a status out of range", { statusCode: 99 }],
    ["a body that is not a string", { statusCode: 200, body: { a: 1 } }],
    ["headers that are not an object", { statusCode: 200, headers: "x" }],
    ["cookies that are not strings", { statusCode: 200, cookies: [1] }],
  ])("500 for a malformed Lambda result: %s", async (_, result) => {
    const { url } = await front({ authorize: undefined, handler: async () => result });
    const response = await answer(`${url}/health`);
    expect(response).toMatchObject({ status: 500, body: '{"message":"Internal Server Error"}' });
    expect(response.headers["content-type"]).toBe("application/json");
  });

  it("500 when the function throws", async () => {
    const { url } = await front({ authorize: undefined, handler: async () => Promise.reject(new Error("boom")) });
    expect(await answer(`${url}/health`)).toMatchObject({ status: 500, body: '{"message":"Internal Server Error"}' });
  });

  it("500 when the event is over Lambda's 6 MB invocation payload, though under the gateway's 10 MB", async () => {
    const { url } = await front({ authorize: undefined });
    const before = invocations;
    const response = await answer(`${url}/users`, { method: "POST", headers: { "content-type": "application/json" }, body: `"${"a".repeat(7 * 1024 * 1024)}"` });
    expect(response).toMatchObject({ status: 500, body: '{"message":"Internal Server Error"}' });
    expect(invocations).toBe(before);
  });
});
