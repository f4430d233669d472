/**
 * Forged and broken tokens against the HTTP front with the offline authorizer, as an attacker would
 * send them: each must get API Gateway's 401 without the handler ever running.
 */
import { exportSPKI, generateKeyPair, importJWK, SignJWT, UnsecuredJWT } from "jose";
import type { JWTPayload } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createIssuerKey, createLocalAuthorizer, startIssuer } from "../src/auth";
import type { IssuerKey, LocalIssuer } from "../src/auth";
import { startHttpFront } from "../src/http-front/index";
import type { HttpApiEvent, HttpFront } from "../src/http-front/index";

let key: IssuerKey;
let issuer: LocalIssuer;
let front: HttpFront;
const invocations: HttpApiEvent[] = [];

beforeAll(async () => {
  key = await createIssuerKey();
  issuer = await startIssuer({ port: 0, dataDir: null, key });
  front = await startHttpFront({
    port: 0,
    // The spy: a real handler would act on whatever reached it.
    handler: async (event) => {
      invocations.push(event);
      return { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ reached: true }) };
    },
    // The JWKS found through the issuer's OIDC discovery, as API Gateway finds it.
    authorize: createLocalAuthorizer({ issuer: issuer.url, audience: issuer.audience }),
  });
});
afterAll(async () => {
  await front?.stop();
  await issuer?.stop();
});
beforeEach(() => {
  invocations.length = 0;
});

const now = () => Math.floor(Date.now() / 1000);
const validClaims = (): JWTPayload => ({
  iss: issuer.url,
  aud: issuer.audience,
  sub: "mallory",
  scope: "users:read users:write likes:write",
  client_id: "local-client",
  token_use: "access",
  iat: now(),
  exp: now() + 600,
});

/** Signed with the issuer's real key, the claims changed as each attack needs. */
const signedByIssuer = (claims: JWTPayload, kid = key.kid) =>
  new SignJWT({ ...validClaims(), ...claims }).setProtectedHeader({ alg: "RS256", kid }).sign(key.privateKey);

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

const notAccepted = "the token is not signed with an accepted algorithm";
const badSignature = "the token signature is invalid";

/** Each forgery with the reason the authorizer must give: proof that the intended check refused it. */
const forgeries: [string, () => Promise<string | undefined>, string][] = [
  ["no Authorization header", async () => undefined, "the request has no bearer token in its Authorization header"],
  ["Bearer with garbage", async () => "Bearer garbage", "the bearer token is not a well-formed JWT"],
  ["Bearer with three garbage parts", async () => "Bearer aaa.bbb.ccc", "the bearer token is not a well-formed JWT"],
  ["alg none", async () => `Bearer ${new UnsecuredJWT(validClaims()).encode()}`, notAccepted],
  [
    "alg none naming the issuer's kid",
    async () => `Bearer ${part({ alg: "none", kid: key.kid })}.${part(validClaims())}.`,
    notAccepted,
  ],
  [
    "HS256 signed with the public key as the secret (algorithm confusion)",
    async () => {
      const publicKeyPem = await exportSPKI(await publishedPublicKey());
      const token = await new SignJWT(validClaims())
        .setProtectedHeader({ alg: "HS256", kid: key.kid })
        .sign(new TextEncoder().encode(publicKeyPem));
      return `Bearer ${token}`;
    },
    notAccepted,
  ],
  [
    "unknown kid",
    async () => `Bearer ${await signedByIssuer({}, "a-key-the-issuer-never-published")}`,
    "the token was signed with a key the issuer does not publish",
  ],
  ["expired", async () => `Bearer ${await signedByIssuer({ iat: now() - 7200, exp: now() - 3600 })}`, "the token has expired"],
  ["nbf in the future", async () => `Bearer ${await signedByIssuer({ nbf: now() + 3600 })}`, "the token is not valid yet"],
  [
    "wrong iss",
    async () => `Bearer ${await signedByIssuer({ iss: "https://issuer.attacker.example" })}`,
    "the token was issued by an issuer this API does not trust",
  ],
  [
    "wrong aud",
    async () => `Bearer ${await signedByIssuer({ aud: "some-other-api" })}`,
    "the token does not have a valid audience",
  ],
  [
    "payload tampered after signing",
    async () => {
      const [header, , signature] = (await signedByIssuer({ scope: "users:read" })).split(".");
      return `Bearer ${header}.${part({ ...validClaims(), sub: "admin" })}.${signature}`;
    },
    badSignature,
  ],
  [
    "signed by another key pair, claiming the issuer's kid",
    async () => {
      const other = await generateKeyPair("RS256");
      const token = await new SignJWT(validClaims()).setProtectedHeader({ alg: "RS256", kid: key.kid }).sign(other.privateKey);
      return `Bearer ${token}`;
    },
    badSignature,
  ],
];

/** The public half exactly as the issuer publishes it, which is all an attacker has. */
async function publishedPublicKey() {
  const publicKey = await importJWK(issuer.jwks.keys[0]!, "RS256");
  if (publicKey instanceof Uint8Array) throw new Error("expected a public key");
  return publicKey;
}

async function call(authorization: string | undefined) {
  const response = await fetch(`${front.url}/users`, {
    headers: authorization === undefined ? {} : { authorization },
  });
  return { status: response.status, challenge: response.headers.get("www-authenticate"), body: await response.text() };
}

describe("the offline JWT authorizer in front of the handler", () => {
  it.each(forgeries)("refuses %s with 401 and never invokes the handler", async (_, forge, reason) => {
    const authorization = await forge();
    const response = await call(authorization);

    // API Gateway's answer: the reason is in the challenge, the body says only "Unauthorized".
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toEqual({ message: "Unauthorized" });
    expect(response.challenge).toBe(`Bearer scope="" error="invalid_token" error_description="${reason}"`);
    // Readable, but never the token (nor any part of it) echoed back.
    for (const piece of (authorization ?? "").replace(/^Bearer /, "").split(".")) {
      if (piece.length > 8) expect(`${response.body} ${response.challenge}`).not.toContain(piece);
    }
    expect(invocations).toHaveLength(0);
  });

  it("passes a valid token through, with its claims and scopes in requestContext.authorizer.jwt", async () => {
    const token = await issuer.sign({ sub: "alice", scope: "users:read users:write" });
    const response = await call(`Bearer ${token}`);

    expect(response.status).toBe(200);
    expect(invocations).toHaveLength(1);
    const jwt = invocations[0]?.requestContext.authorizer?.jwt;
    expect(jwt?.scopes).toEqual(["users:read", "users:write"]);
    expect(jwt?.claims).toMatchObject({
      sub: "alice",
      iss: issuer.url,
      aud: issuer.audience,
      scope: "users:read users:write",
      client_id: "local-client",
      token_use: "access",
      exp: expect.stringMatching(/^\d+$/),
    });
  });

  it("passes a valid token without scopes with scopes null, leaving the 403 to the API", async () => {
    const response = await call(`Bearer ${await issuer.sign({ scope: "" })}`);
    expect(response.status).toBe(200);
    expect(invocations[0]?.requestContext.authorizer?.jwt.scopes).toBeNull();
  });
});
