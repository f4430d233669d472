import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { manifest } from "../../../../infra/manifest";
import type { IssuerKey } from "./issuer-key";

export interface SignTokenOptions {
  /** Default "local-user". */
  sub?: string;
  /** Space-separated scopes; default every scope in the manifest; "" for a token without any. */
  scope?: string;
  /** Seconds from now, or a span such as "1h", "30m", "2 days" (default "1h"). */
  expiresIn?: string | number;
  /** Default "local-client", the local issuer's app client. */
  clientId?: string;
  /** Cognito puts the signed-in user's name in its access tokens as `username`; machine tokens have none. */
  username?: string;
}

export type SignToken = (options?: SignTokenOptions) => Promise<string>;

export const LOCAL_CLIENT_ID = "local-client";
export const allScopes = manifest.auth.scopes.join(" ");

/** Mints access tokens shaped like Cognito's (plus `aud`), signed with the issuer's key. */
export function createTokenSigner(config: { key: IssuerKey; issuer: string; audience: string }): SignToken {
  return async (options = {}) => {
    const scope = options.scope ?? allScopes;
    const clientId = options.clientId ?? LOCAL_CLIENT_ID;
    const claims = {
      client_id: clientId,
      token_use: "access",
      ...(options.username === undefined ? {} : { username: options.username }),
      ...(scope.trim() === "" ? {} : { scope: scope.trim().split(/\s+/).join(" ") }),
    };
    const expiresIn = options.expiresIn ?? "1h";
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: config.key.kid, typ: "JWT" })
      .setIssuer(config.issuer)
      .setAudience(config.audience)
      .setSubject(options.sub ?? "local-user")
      .setIssuedAt(now)
      // jose reads a number as an absolute time; ours is a duration, like the string form.
      .setExpirationTime(typeof expiresIn === "number" ? now + expiresIn : expiresIn)
      .setJti(randomUUID())
      .sign(config.key.privateKey);
  };
}

export interface IdTokenOptions {
  sub: string;
  clientId: string;
  /** Seconds since the epoch when the person signed in. */
  authTime: number;
  nonce: string | null;
  expiresInSeconds: number;
}

/**
 * OIDC ID tokens shaped like Cognito's: `aud` is the client, `cognito:username` names the user, and
 * the `nonce` of the authorization request comes back so the client can tie the token to its request.
 */
export function createIdTokenSigner(config: { key: IssuerKey; issuer: string }) {
  return async (options: IdTokenOptions): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      token_use: "id",
      auth_time: options.authTime,
      "cognito:username": options.sub,
      ...(options.nonce === null ? {} : { nonce: options.nonce }),
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: config.key.kid, typ: "JWT" })
      .setIssuer(config.issuer)
      .setAudience(options.clientId)
      .setSubject(options.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + options.expiresInSeconds)
      .setJti(randomUUID())
      .sign(config.key.privateKey);
  };
}

export type SignIdToken = ReturnType<typeof createIdTokenSigner>;
