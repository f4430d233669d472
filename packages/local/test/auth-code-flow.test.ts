import { createHash, randomBytes } from "node:crypto";
import { decodeJwt } from "jose";
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manifest } from "../../../infra/manifest";
import { createLocalAuthorizer, startIssuer } from "../src/auth";
import type { LocalIssuer } from "../src/auth";

/**
 * The console's sign-in against the real local issuer over HTTP: authorization code with PKCE
 * (S256), refresh-token rotation, revocation and sign-out, and what each refuses.
 */
const origin = "http://127.0.0.1:5199";
const redirectUri = `${origin}${manifest.web.callbackPath}`;
const clientId = manifest.web.localClientId;

let issuer: LocalIssuer;
beforeAll(async () => {
  issuer = await startIssuer({ port: 0, dataDir: null, consoleOrigins: [origin] });
});
afterAll(() => issuer.stop());

const pkce = () => {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
};

function authorizeUrl(params: Record<string, string>): string {
  const url = new URL(issuer.authorizationEndpoint);
  const defaults = { response_type: "code", client_id: clientId, redirect_uri: redirectUri, code_challenge_method: "S256", state: "s1" };
  for (const [name, value] of Object.entries({ ...defaults, ...params })) url.searchParams.set(name, value);
  return url.toString();
}

/** What a browser does: open the page, read the form, submit it as `username`; returns the redirect. */
async function signIn(params: Record<string, string>, username = "alice"): Promise<URL> {
  const page = await fetch(authorizeUrl(params), { redirect: "manual" });
  expect(page.status).toBe(200);
  const html = await page.text();
  const requestId = /name="request" value="([^"]+)"/.exec(html)?.[1];
  expect(requestId).toBeDefined();
  const answer = await fetch(issuer.authorizationEndpoint, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request: requestId ?? "", username }),
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get("location") ?? "");
}

const token = (form: Record<string, string>) =>
  fetch(issuer.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin },
    body: new URLSearchParams(form),
  });

async function codeFor(username = "alice", extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkce();
  const back = await signIn({ code_challenge: challenge, scope: manifest.web.scopes.join(" "), ...extra }, username);
  return { code: back.searchParams.get("code") ?? "", verifier, back };
}

const redeem = (code: string, verifier: string) =>
  token({ grant_type: "authorization_code", client_id: clientId, code, redirect_uri: redirectUri, code_verifier: verifier });

describe("discovery", () => {
  it("announces the code flow with S256 only, refresh tokens, revocation and sign-out", async () => {
    const response = await fetch(`${issuer.url}/.well-known/openid-configuration`, { headers: { origin } });
    expect(response.headers.get("access-control-allow-origin")).toBe(origin);
    expect(await response.json()).toMatchObject({
      issuer: issuer.url,
      authorization_endpoint: `${issuer.url}/oauth2/authorize`,
      token_endpoint: `${issuer.url}/oauth2/token`,
      revocation_endpoint: `${issuer.url}/oauth2/revoke`,
      end_session_endpoint: `${issuer.url}/logout`,
      grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
      response_types_supported: ["code"],
      code_challenge_methods_supported: ["S256"],
    });
  });

  it("answers CORS only for the console's origins", async () => {
    const other = await fetch(`${issuer.url}/.well-known/openid-configuration`, { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await fetch(issuer.tokenEndpoint, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe(origin);
  });
});

describe("authorization code with PKCE", () => {
  it("signs a person in: code → access, ID and refresh tokens the API's authorizer accepts", async () => {
    const nonce = randomBytes(16).toString("base64url");
    const { code, verifier, back } = await codeFor("alice", { nonce });
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get("state")).toBe("s1");
    expect(back.searchParams.get("iss")).toBe(issuer.url);

    const response = await redeem(code, verifier);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("access-control-allow-origin")).toBe(origin);
    const body = (await response.json()) as Record<string, string>;
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: manifest.web.scopes.join(" ") });
    expect(body.refresh_token).toMatch(/^[\w-]{43}$/);

    const access = decodeJwt(body.access_token ?? "");
    expect(access).toMatchObject({ sub: "alice", username: "alice", client_id: clientId, aud: issuer.audience, token_use: "access" });
    const id = decodeJwt(body.id_token ?? "");
    expect(id).toMatchObject({ sub: "alice", aud: clientId, iss: issuer.url, nonce, token_use: "id", "cognito:username": "alice" });

    const authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience, jwks: issuer.jwks });
    const result = await authorize({ method: "GET", path: "/users", headers: { authorization: `Bearer ${body.access_token}` } });
    expect(result).toMatchObject({ ok: true, scopes: [...manifest.web.scopes], claims: { sub: "alice" } });
  });

  it("grants only the console's scopes: asking for more is refused back at the redirect URI", async () => {
    const { challenge } = pkce();
    const page = await fetch(authorizeUrl({ code_challenge: challenge, scope: "users:read admin" }), { redirect: "manual" });
    expect(page.status).toBe(302);
    const back = new URL(page.headers.get("location") ?? "");
    expect(back.searchParams.get("error")).toBe("invalid_scope");
    expect(back.searchParams.get("state")).toBe("s1");
  });

  it("refuses a wrong code verifier, and the code is spent", async () => {
    const { code, verifier } = await codeFor();
    const wrong = await redeem(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: "invalid_grant" });
    expect((await redeem(code, verifier)).status).toBe(400);
  });

  it("refuses a missing verifier", async () => {
    const { code } = await codeFor();
    const response = await token({ grant_type: "authorization_code", client_id: clientId, code, redirect_uri: redirectUri });
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a reused code, and revokes the refresh token the first use gave", async () => {
    const { code, verifier } = await codeFor();
    const first = (await (await redeem(code, verifier)).json()) as { refresh_token: string };
    const again = await redeem(code, verifier);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: "invalid_grant" });
    const refresh = await token({ grant_type: "refresh_token", client_id: clientId, refresh_token: first.refresh_token });
    expect(await refresh.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("refuses a code redeemed with another redirect URI than it was issued for", async () => {
    const { code, verifier } = await codeFor();
    const response = await token({ grant_type: "authorization_code", client_id: clientId, code, redirect_uri: `${origin}/other`, code_verifier: verifier });
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("never redirects to an unknown redirect URI or for an unknown client", async () => {
    const { challenge } = pkce();
    const cases: Record<string, string>[] = [
      { redirect_uri: "https://evil.example/callback" },
      { redirect_uri: `${redirectUri}/` },
      { redirect_uri: redirectUri.replace("127.0.0.1", "localhost") },
      { client_id: "someone-else" },
    ];
    for (const params of cases) {
      const response = await fetch(authorizeUrl({ code_challenge: challenge, ...params }), { redirect: "manual" });
      expect(response.status).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    }
  });

  it("requires PKCE with S256: no challenge or `plain` goes back as invalid_request", async () => {
    const cases: Record<string, string>[] = [{}, { code_challenge: "a".repeat(43), code_challenge_method: "plain" }];
    for (const params of cases) {
      const response = await fetch(authorizeUrl(params), { redirect: "manual" });
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get("location") ?? "").searchParams.get("error")).toBe("invalid_request");
    }
  });

  it("shows the form again for a username the API would not take, and Cancel goes back with access_denied", async () => {
    const { challenge } = pkce();
    const html = await (await fetch(authorizeUrl({ code_challenge: challenge }))).text();
    const request = /name="request" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const post = (form: Record<string, string>) =>
      fetch(issuer.authorizationEndpoint, { method: "POST", redirect: "manual", body: new URLSearchParams({ request, ...form }) });
    const bad = await post({ username: "Not Valid!" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('role="alert"');
    const cancelled = await post({ cancel: "1" });
    expect(cancelled.status).toBe(302);
    expect(new URL(cancelled.headers.get("location") ?? "").searchParams.get("error")).toBe("access_denied");
    expect((await post({ username: "alice" })).status).toBe(400);
  });

  it("gives a public client no client-credentials grant", async () => {
    const response = await token({ grant_type: "client_credentials", client_id: clientId });
    expect(await response.json()).toMatchObject({ error: "unauthorized_client" });
  });
});

describe("refresh tokens", () => {
  async function signedIn() {
    const { code, verifier } = await codeFor("bob");
    return (await (await redeem(code, verifier)).json()) as { refresh_token: string; access_token: string };
  }
  const refresh = (refreshToken: string, extra: Record<string, string> = {}) =>
    token({ grant_type: "refresh_token", client_id: clientId, refresh_token: refreshToken, ...extra });

  it("rotate: each use gives new tokens and a new refresh token; the old one is spent", async () => {
    const first = await signedIn();
    const response = await refresh(first.refresh_token);
    expect(response.status).toBe(200);
    const second = (await response.json()) as { refresh_token: string; access_token: string; id_token: string };
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(second.access_token)).toMatchObject({ sub: "bob", scope: manifest.web.scopes.join(" ") });
    expect(decodeJwt(second.id_token)).toMatchObject({ sub: "bob", aud: clientId });
    expect((await refresh(second.refresh_token)).status).toBe(200);
  });

  it("treat a spent refresh token as stolen: its whole sign-in is revoked", async () => {
    const first = await signedIn();
    const second = (await (await refresh(first.refresh_token)).json()) as { refresh_token: string };
    expect(await (await refresh(first.refresh_token)).json()).toMatchObject({ error: "invalid_grant" });
    expect(await (await refresh(second.refresh_token)).json()).toMatchObject({ error: "invalid_grant" });
  });

  it("can narrow the scopes, never widen them", async () => {
    const first = await signedIn();
    const narrow = (await (await refresh(first.refresh_token, { scope: "users:read" })).json()) as { access_token: string; refresh_token: string };
    expect(decodeJwt(narrow.access_token).scope).toBe("users:read");
    expect(await (await refresh(narrow.refresh_token, { scope: "users:read admin" })).json()).toMatchObject({ error: "invalid_scope" });
  });

  it("end at sign-out: revocation answers 200 and the token no longer refreshes", async () => {
    const first = await signedIn();
    const revoked = await fetch(`${issuer.url}/oauth2/revoke`, {
      method: "POST",
      headers: { origin },
      body: new URLSearchParams({ client_id: clientId, token: first.refresh_token }),
    });
    expect(revoked.status).toBe(200);
    expect(await (await refresh(first.refresh_token)).json()).toMatchObject({ error: "invalid_grant" });
  });

  it("belong to their client", async () => {
    const first = await signedIn();
    const response = await token({ grant_type: "refresh_token", client_id: "someone-else", refresh_token: first.refresh_token });
    expect(response.status).toBe(401);
  });
});

describe("sign-out", () => {
  it("sends the browser back only to one of the console's sign-out URLs", async () => {
    const signedOut = `${origin}${manifest.web.signedOutPath}`;
    const ok = await fetch(`${issuer.url}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: signedOut })}`, { redirect: "manual" });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe(signedOut);
    const evil = await fetch(`${issuer.url}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: "https://evil.example/" })}`, { redirect: "manual" });
    expect(evil.status).toBe(400);
    expect(evil.headers.get("location")).toBeNull();
  });
});

describe("with oauth4webapi, as the console uses it", () => {
  it("discovers, signs in with PKCE, checks the ID token and refreshes", async () => {
    const issuerUrl = new URL(issuer.url);
    const as = await oauth.processDiscoveryResponse(issuerUrl, await oauth.discoveryRequest(issuerUrl, { [oauth.allowInsecureRequests]: true }));
    const client: oauth.Client = { client_id: clientId };
    const auth = oauth.None();
    const verifier = oauth.generateRandomCodeVerifier();
    const challenge = await oauth.calculatePKCECodeChallenge(verifier);
    const nonce = oauth.generateRandomNonce();
    const state = oauth.generateRandomState();

    const back = await signIn({ code_challenge: challenge, scope: manifest.web.scopes.join(" "), nonce, state }, "carol");
    const params = oauth.validateAuthResponse(as, client, back, state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri, verifier, {
      [oauth.allowInsecureRequests]: true,
    });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
    expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ sub: "carol", "cognito:username": "carol" });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token ?? "", { [oauth.allowInsecureRequests]: true }),
    );
    expect(refreshed.access_token).not.toBe(tokens.access_token);
  });
});
