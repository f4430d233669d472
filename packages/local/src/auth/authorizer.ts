import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from "jose";
import { manifest } from "../../../../infra/manifest";
import { scopesOf, toAuthorizerClaims } from "./claims";
import type { AuthorizerClaims } from "./claims";
import { rejectionMessage, TokenRejected } from "./rejections";

export interface AuthorizeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

export type AuthorizeResult =
  | { ok: true; claims: AuthorizerClaims; scopes: string[] | null }
  | { ok: false; status: 401; message: string };

export type Authorize = (request: AuthorizeRequest) => Promise<AuthorizeResult>;

export interface LocalAuthorizerOptions {
  /** Must equal the token's `iss` exactly. */
  issuer: string;
  /** The token's `aud`, or `client_id` when it has no `aud`, must be one of these. */
  audience: string | string[];
  /** Default: `jwks_uri` from the issuer's OIDC discovery document, as API Gateway finds it. */
  jwksUrl?: string;
  /** Verify against these keys instead of fetching any. */
  jwks?: JSONWebKeySet;
  /** Default: the manifest's, which are API Gateway's (RSA only). */
  algorithms?: readonly string[];
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. */
  clockToleranceSeconds?: number;
}

/**
 * API Gateway's JWT authorizer, offline: the checks it makes before any handler runs
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
 */
export function createLocalAuthorizer(options: LocalAuthorizerOptions): Authorize {
  const audiences = Array.isArray(options.audience) ? options.audience : [options.audience];
  const algorithms = [...(options.algorithms ?? manifest.auth.algorithms)];
  const clockTolerance = options.clockToleranceSeconds ?? 5;
  const keys = keySource(options);
  // Performance (issue 16): a signature check costs the runtime's main thread more than the rest of
  // the request; a client sends the same token until it expires, so each accepted token is verified
  // once. The cache key is the whole token (signature included), so only the exact bytes that passed
  // hit it; `exp` is checked again on every hit, and a token past it is verified afresh (and refused).
  const accepted = new Map<string, { exp: number; result: AuthorizeResult }>();

  return async (request) => {
    try {
      const token = bearerToken(request.headers);
      const hit = accepted.get(token);
      if (hit && Date.now() / 1000 < hit.exp + clockTolerance) return hit.result;
      if (hit) accepted.delete(token);
      const header = decodeHeader(token);
      if (typeof header.alg !== "string" || !algorithms.includes(header.alg)) throw new TokenRejected("algorithm");
      // Keys are looked up by kid only; a token without one names no key.
      if (typeof header.kid !== "string" || header.kid === "") throw new TokenRejected("no-kid");
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        algorithms,
        clockTolerance,
        requiredClaims: ["exp"],
      });
      checkAudience(payload, audiences);
      checkIssuedAt(payload, clockTolerance);
      const result: AuthorizeResult = { ok: true, claims: toAuthorizerClaims(payload), scopes: scopesOf(payload) };
      if (accepted.size >= maxCachedTokens) accepted.delete(accepted.keys().next().value as string);
      accepted.set(token, { exp: payload.exp as number, result });
      return result;
    } catch (error) {
      return { ok: false, status: 401, message: rejectionMessage(error) };
    }
  };
}

/** Accepted tokens remembered at once (the oldest is forgotten first). */
const maxCachedTokens = 1000;

/** API Gateway takes the token alone or after `Bearer `; header names arrive in any case. */
function bearerToken(headers: Record<string, string>): string {
  const entry = Object.entries(headers).find(([name]) => name.toLowerCase() === "authorization");
  const value = entry?.[1].trim() ?? "";
  const token = value.replace(/^Bearer\s+/i, "").trim();
  if (token === "" || /^Bearer$/i.test(token)) throw new TokenRejected("missing");
  return token;
}

function decodeHeader(token: string) {
  try {
    return decodeProtectedHeader(token);
  } catch {
    throw new TokenRejected("malformed");
  }
}

/** `aud` when present (even if `client_id` is too), else `client_id`, as API Gateway decides. */
function checkAudience(payload: JWTPayload, audiences: string[]): void {
  const clientId: unknown = payload.client_id;
  const presented =
    payload.aud !== undefined
      ? Array.isArray(payload.aud) ? payload.aud : [payload.aud]
      : typeof clientId === "string" ? [clientId] : [];
  if (!presented.some((value) => audiences.includes(value))) throw new TokenRejected("audience");
}

/** jose checks `iat` only when asked for a maximum age; API Gateway refuses one in the future. */
function checkIssuedAt(payload: JWTPayload, toleranceSeconds: number): void {
  if (payload.iat !== undefined && payload.iat > Date.now() / 1000 + toleranceSeconds) {
    throw new TokenRejected("issued-in-future");
  }
}

function keySource(options: LocalAuthorizerOptions): JWTVerifyGetKey {
  if (options.jwks) return createLocalJWKSet(options.jwks);
  if (options.jwksUrl) return createRemoteJWKSet(new URL(options.jwksUrl));

  let discovered: Promise<JWTVerifyGetKey> | undefined;
  return async (header, token) => {
    discovered ??= discoverJwks(options.issuer).catch((error: unknown) => {
      discovered = undefined; // try again on the next request: the issuer may still be starting
      throw error;
    });
    return (await discovered)(header, token);
  };
}

async function discoverJwks(issuer: string): Promise<JWTVerifyGetKey> {
  const response = await fetch(`${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`, {
    signal: AbortSignal.timeout(5000),
  });
  const document = response.ok ? ((await response.json()) as { jwks_uri?: unknown }) : {};
  if (typeof document.jwks_uri !== "string") throw new TokenRejected("keys-unavailable");
  return createRemoteJWKSet(new URL(document.jwks_uri));
}
