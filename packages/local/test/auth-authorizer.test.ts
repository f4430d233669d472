import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifest } from "../../../infra/manifest";
import { createIssuerKey, createLocalAuthorizer, startIssuer } from "../src/auth";
import type { AuthorizeRequest, IssuerKey, LocalIssuer } from "../src/auth";
import { freePort } from "../src/ports";

let key: IssuerKey;
let issuer: LocalIssuer;

beforeAll(async () => {
  key = await createIssuerKey();
  issuer = await startIssuer({ port: 0, dataDir: null, key });
});
afterAll(() => issuer.stop());

const request = (authorization?: string): AuthorizeRequest => ({
  method: "GET",
  path: "/users",
  headers: authorization === undefined ? {} : { authorization },
});

/** A token signed with the issuer's real key but with claims the tests choose. */
function signed(claims: Record<string, unknown>, header: { kid?: string } = { kid: "use-issuer-kid" }) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: issuer.url, aud: issuer.audience, sub: "alice", iat: now, exp: now + 600, ...claims })
    .setProtectedHeader({ alg: "RS256", ...(header.kid === undefined ? {} : { kid: key.kid }) })
    .sign(key.privateKey);
}

describe("createLocalAuthorizer", () => {
  it("accepts an issuer token, found by OIDC discovery, with claims as API Gateway passes them", async () => {
    const authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience });
    const token = await issuer.sign({ sub: "alice", scope: "users:read users:write" });

    const result = await authorize(request(`Bearer ${token}`));

    expect(result).toMatchObject({ ok: true, scopes: ["users:read", "users:write"] });
    if (!result.ok) return;
    expect(result.claims).toMatchObject({
      sub: "alice",
      iss: issuer.url,
      aud: manifest.auth.localAudience,
      scope: "users:read users:write",
      token_use: "access",
      client_id: "local-client",
    });
    // API Gateway hands every claim over as a string, numeric dates included.
    expect(result.claims.exp).toMatch(/^\d+$/);
    expect(result.claims.iat).toMatch(/^\d+$/);
    expect(result.claims.jti).toEqual(expect.any(String));
  });

  it("defaults to every manifest scope, sub local-user and a one-hour expiry", async () => {
    const authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience, jwks: issuer.jwks });
    const result = await authorize(request(`Bearer ${await issuer.sign()}`));

    expect(result).toMatchObject({ ok: true, scopes: [...manifest.auth.scopes], claims: { sub: "local-user" } });
    if (!result.ok) return;
    expect(Number(result.claims.exp) - Number(result.claims.iat)).toBe(3600);
  });

  it("verifies against a JWKS URL given directly", async () => {
    const authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience, jwksUrl: issuer.jwksUrl });
    expect(await authorize(request(`Bearer ${await issuer.sign()}`))).toMatchObject({ ok: true });
  });

  it("takes the token with or without the Bearer prefix and the header in any case", async () => {
    const authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience, jwks: issuer.jwks });
    const token = await issuer.sign();
    expect(await authorize(request(token))).toMatchObject({ ok: true });
    expect(await authorize({ ...request(), headers: { Authorization: `bearer ${token}` } })).toMatchObject({ ok: true });
  });

  it("gives null scopes when the token has none, and reads scp too", async () => {
    const authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience, jwks: issuer.jwks });
    expect(await authorize(request(`Bearer ${await issuer.sign({ scope: "" })}`))).toMatchObject({ ok: true, scopes: null });
    expect(await authorize(request(`Bearer ${await signed({ scp: ["likes:write"] })}`))).toMatchObject({
      ok: true,
      scopes: ["likes:write"],
    });
  });

  it("checks client_id only when aud is absent, as API Gateway does for Cognito access tokens", async () => {
    const authorize = createLocalAuthorizer({ issuer: issuer.url, audience: ["app-client-id", "other"] });
    const noAud = await signed({ aud: undefined, client_id: "app-client-id" });
    const wrongAudRightClient = await signed({ aud: "someone-else", client_id: "app-client-id" });
    const audInArray = await signed({ aud: ["x", "other"] });
    const neither = await signed({ aud: undefined });

    expect(await authorize(request(`Bearer ${noAud}`))).toMatchObject({ ok: true });
    expect(await authorize(request(`Bearer ${audInArray}`))).toMatchObject({ ok: true });
    expect(await authorize(request(`Bearer ${wrongAudRightClient}`))).toMatchObject({ ok: false, status: 401 });
    expect(await authorize(request(`Bearer ${neither}`))).toMatchObject({ ok: false, status: 401 });
  });

  it("refuses a token issued in the future, one without exp and one without kid", async () => {
    const authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience, jwks: issuer.jwks });
    const now = Math.floor(Date.now() / 1000);
    const cases = {
      future: await signed({ iat: now + 600, exp: now + 1200 }),
      noExp: await signed({ exp: undefined }),
      noKid: await signed({}, {}),
    };
    expect(await authorize(request(`Bearer ${cases.future}`))).toEqual({
      ok: false,
      status: 401,
      message: "the token was issued in the future",
    });
    expect(await authorize(request(`Bearer ${cases.noExp}`))).toMatchObject({ ok: false, status: 401 });
    expect(await authorize(request(`Bearer ${cases.noKid}`))).toEqual({
      ok: false,
      status: 401,
      message: "the token names no signing key (kid)",
    });
  });

  it("allows a few seconds of clock skew on exp, like API Gateway", async () => {
    const authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience, jwks: issuer.jwks });
    const now = Math.floor(Date.now() / 1000);
    expect(await authorize(request(`Bearer ${await signed({ exp: now - 1 })}`))).toMatchObject({ ok: true });
    expect(await authorize(request(`Bearer ${await signed({ exp: now - 120 })}`))).toEqual({
      ok: false,
      status: 401,
      message: "the token has expired",
    });
  });

  it("says why, without echoing the token", async () => {
    const authorize = createLocalAuthorizer({ issuer: issuer.url, audience: "another-api", jwks: issuer.jwks });
    const token = await issuer.sign();
    const result = await authorize(request(`Bearer ${token}`));
    expect(result).toEqual({ ok: false, status: 401, message: "the token does not have a valid audience" });
    expect(JSON.stringify(result)).not.toContain(token.split(".")[1]);
    expect(await authorize(request())).toEqual({
      ok: false,
      status: 401,
      message: "the request has no bearer token in its Authorization header",
    });
    expect(await authorize(request("Bearer "))).toMatchObject({ ok: false, status: 401 });
    expect(await authorize(request("Bearer not-a.jwt"))).toEqual({
      ok: false,
      status: 401,
      message: "the bearer token is not a well-formed JWT",
    });
  });

  it("refuses every token when the issuer's keys cannot be fetched", async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const authorize = createLocalAuthorizer({ issuer: nobody, audience: issuer.audience });
    const token = await issuer.sign();
    expect(await authorize(request(`Bearer ${token}`))).toEqual({
      ok: false,
      status: 401,
      message: "the issuer's signing keys could not be fetched",
    });
  });
});
