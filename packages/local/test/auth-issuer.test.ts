import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { manifest } from "../../../infra/manifest";
import { createLocalAuthorizer, loadOrCreateIssuerKey, startIssuer } from "../src/auth";
import type { LocalIssuer } from "../src/auth";
import { freePort } from "../src/ports";

describe("the local issuer's endpoints", () => {
  let issuer: LocalIssuer;
  beforeAll(async () => {
    issuer = await startIssuer({ port: await freePort(), dataDir: null });
  });
  afterAll(() => issuer.stop());

  it("listens on loopback and publishes OIDC discovery like Cognito", async () => {
    expect(issuer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${issuer.url}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      issuer: issuer.url,
      jwks_uri: `${issuer.url}/.well-known/jwks.json`,
      token_endpoint: `${issuer.url}/oauth2/token`,
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", ...manifest.auth.scopes],
      grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    });
  });

  it("publishes only the public half of its RS256 key, named by its thumbprint", async () => {
    const jwks = (await (await fetch(issuer.jwksUrl)).json()) as { keys: Record<string, string>[] };
    expect(jwks).toEqual(issuer.jwks);
    expect(jwks.keys).toHaveLength(1);
    const [jwk] = jwks.keys;
    expect(jwk).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", kid: expect.stringMatching(/^[\w-]{43}$/) });
    expect(Object.keys(jwk ?? {}).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
  });

  it("answers 404 elsewhere", async () => {
    expect((await fetch(`${issuer.url}/nope`)).status).toBe(404);
  });

  describe("POST /oauth2/token (client credentials)", () => {
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
    const post = (body: string, authorization?: string) =>
      fetch(issuer.tokenEndpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          ...(authorization === undefined ? {} : { authorization }),
        },
        body,
      });

    it("grants the asked scopes to its client, as a token the authorizer accepts", async () => {
      const response = await post("grant_type=client_credentials&scope=users%3Aread", basic(issuer.client.id, issuer.client.secret));
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
      expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600 });

      const authorize = createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience });
      const result = await authorize({ method: "GET", path: "/users", headers: { authorization: `Bearer ${body.access_token}` } });
      expect(result).toMatchObject({ ok: true, scopes: ["users:read"], claims: { sub: issuer.client.id, client_id: issuer.client.id } });
    });

    it("grants every scope when none is asked for, and accepts form-field client authentication", async () => {
      const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: issuer.client.id,
        client_secret: issuer.client.secret,
      });
      const response = await post(form.toString());
      expect(response.status).toBe(200);
      const { access_token } = (await response.json()) as { access_token: string };
      const payload = JSON.parse(Buffer.from(access_token.split(".")[1] ?? "", "base64url").toString()) as { scope: string };
      expect(payload.scope).toBe(manifest.auth.scopes.join(" "));
    });

    it("refuses a wrong secret, an unknown client, no credentials, other grants and unknown scopes", async () => {
      expect((await post("grant_type=client_credentials", basic(issuer.client.id, "wrong"))).status).toBe(401);
      expect((await post("grant_type=client_credentials", basic("stranger", issuer.client.secret))).status).toBe(401);
      const anonymous = await post("grant_type=client_credentials");
      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({ error: "invalid_client" });

      const auth = basic(issuer.client.id, issuer.client.secret);
      expect(await (await post("grant_type=password", auth)).json()).toEqual({ error: "unsupported_grant_type" });
      expect(await (await post("", auth)).json()).toEqual({ error: "invalid_request" });
      const badScope = await post("grant_type=client_credentials&scope=admin", auth);
      expect(badScope.status).toBe(400);
      expect(await badScope.json()).toEqual({ error: "invalid_scope" });
    });
  });
});

describe("the issuer's key kept under the data folder", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "issuer-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  let running: LocalIssuer | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it("is created once, privately, even when two processes race for it", async () => {
    const [first, second] = await Promise.all([loadOrCreateIssuerKey(dataDir), loadOrCreateIssuerKey(dataDir)]);
    expect(first.kid).toBe(second.kid);
    const files = await readdir(join(dataDir, "issuer"));
    expect(files.filter((name) => name.endsWith(".tmp"))).toEqual([]);
    expect((await stat(join(dataDir, "issuer", "signing-key.jwk.json"))).mode & 0o077).toBe(0);
  });

  it("keeps tokens valid across restarts on the same port", async () => {
    const port = await freePort();
    running = await startIssuer({ port, dataDir });
    const token = await running.sign({ sub: "alice" });
    const client = running.client;
    await running.stop();

    running = await startIssuer({ port, dataDir });
    expect(running.client).toEqual(client);
    const authorize = createLocalAuthorizer({ issuer: running.url, audience: running.audience });
    expect(await authorize({ method: "GET", path: "/users", headers: { authorization: `Bearer ${token}` } })).toMatchObject({
      ok: true,
      claims: { sub: "alice" },
    });
  });
});
