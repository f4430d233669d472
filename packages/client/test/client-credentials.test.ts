import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalAuthorizer, startIssuer } from "../../local/src/auth";
import type { LocalIssuer } from "../../local/src/auth";
import { clientCredentialsToken, TokenRequestError } from "../src/client-credentials";

let issuer: LocalIssuer;
beforeAll(async () => {
  issuer = await startIssuer({ port: 0, dataDir: null });
});
afterAll(() => issuer.stop());

/** Real fetch to the real local token endpoint, counting the requests that reach it. */
function countingFetch() {
  const calls: string[] = [];
  const wrapped: typeof fetch = (input, init) => {
    calls.push(String(input));
    return fetch(input, init);
  };
  return { calls, fetch: wrapped };
}

describe("clientCredentialsToken", () => {
  it("gets a token from the endpoint with HTTP Basic client authentication", async () => {
    const getToken = clientCredentialsToken({
      tokenUrl: issuer.tokenEndpoint,
      clientId: issuer.client.id,
      clientSecret: issuer.client.secret,
      scope: ["users:read", "likes:write"],
    });
    const token = await getToken();

    const authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience });
    expect(await authorize({ method: "GET", path: "/users", headers: { authorization: `Bearer ${token}` } })).toMatchObject({
      ok: true,
      scopes: ["users:read", "likes:write"],
      claims: { client_id: issuer.client.id },
    });
  });

  it("reuses the token until shortly before it expires, with one request for concurrent callers", async () => {
    let clock = 1_000_000;
    const counter = countingFetch();
    const getToken = clientCredentialsToken({
      tokenUrl: issuer.tokenEndpoint,
      clientId: issuer.client.id,
      clientSecret: issuer.client.secret,
      fetch: counter.fetch,
      now: () => clock,
    });

    const [first, second] = await Promise.all([getToken(), getToken()]);
    expect(second).toBe(first);
    expect(await getToken()).toBe(first);
    expect(counter.calls).toHaveLength(1);

    clock += (3600 - 61) * 1000; // just outside the default 60 s margin: still cached
    expect(await getToken()).toBe(first);
    expect(counter.calls).toHaveLength(1);

    clock += 2000; // inside the margin: refresh
    const refreshed = await getToken();
    expect(counter.calls).toHaveLength(2);
    expect(refreshed).not.toBe(first);
  });

  it("fails with the OAuth error code, never the secret, and tries again on the next call", async () => {
    const counter = countingFetch();
    const getToken = clientCredentialsToken({
      tokenUrl: issuer.tokenEndpoint,
      clientId: issuer.client.id,
      clientSecret: "not-the-secret",
      fetch: counter.fetch,
    });

    const error = await getToken().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ status: 401, code: "invalid_client" });
    expect(String(error)).not.toContain("not-the-secret");

    await expect(getToken()).rejects.toThrow(TokenRequestError);
    expect(counter.calls).toHaveLength(2);
  });

  it("reports a scope the endpoint does not grant", async () => {
    const getToken = clientCredentialsToken({
      tokenUrl: issuer.tokenEndpoint,
      clientId: issuer.client.id,
      clientSecret: issuer.client.secret,
      scope: "admin",
    });
    await expect(getToken()).rejects.toMatchObject({ status: 400, code: "invalid_scope" });
  });
});
