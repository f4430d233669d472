import type { Grant, GrantStore } from "./grant-store";
import { verifierMatches } from "./pkce";
import type { PublicClient } from "./public-clients";
import { oauthError, tokenLifetimeSeconds } from "./token-response";
import type { TokenResponse } from "./token-response";
import type { SignIdToken, SignToken } from "./token-signer";

export interface CodeGrantConfig {
  clients: ReadonlyMap<string, PublicClient>;
  store: GrantStore;
  sign: SignToken;
  signIdToken: SignIdToken;
}

/**
 * `grant_type=authorization_code` (RFC 6749 §4.1.3 + RFC 7636 §4.6). The code is spent the first
 * time it is presented, even if the rest of the request is wrong: a code is never tried twice.
 */
export async function handleCodeGrant(form: URLSearchParams, client: PublicClient, config: CodeGrantConfig): Promise<TokenResponse> {
  const code = form.get("code");
  if (code === null) return oauthError(400, "invalid_request", {}, "code is required");
  const issued = config.store.redeemCode(code);
  if (!issued || issued.clientId !== client.id) return oauthError(400, "invalid_grant", {}, "the code is unknown, expired or already used");
  if (form.get("redirect_uri") !== issued.redirectUri) return oauthError(400, "invalid_grant", {}, "redirect_uri differs from the authorization request's");
  if (!verifierMatches(form.get("code_verifier"), issued.codeChallenge)) {
    return oauthError(400, "invalid_grant", {}, "code_verifier does not match the code_challenge");
  }
  const { clientId, sub, scopes, authTime, family } = issued;
  return tokensFor({ clientId, sub, scopes, authTime, family }, scopes, issued.nonce, config);
}

/** `grant_type=refresh_token` (RFC 6749 §6), rotating: the answer carries a new refresh token. */
export async function handleRefreshGrant(form: URLSearchParams, client: PublicClient, config: CodeGrantConfig): Promise<TokenResponse> {
  const token = form.get("refresh_token");
  if (token === null) return oauthError(400, "invalid_request", {}, "refresh_token is required");
  const grant = config.store.redeemRefreshToken(token);
  if (!grant || grant.clientId !== client.id) return oauthError(400, "invalid_grant", {}, "the refresh token is unknown, expired, revoked or already used");
  const asked = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
  if (asked.some((scope) => !grant.scopes.includes(scope))) return oauthError(400, "invalid_scope", {}, "a refresh can only narrow the scopes");
  return tokensFor(grant, asked.length > 0 ? asked : grant.scopes, null, config);
}

/** Access token with `scopes`; the new refresh token keeps the sign-in's, so a narrowed refresh can widen back. */
async function tokensFor(grant: Grant, scopes: string[], nonce: string | null, config: CodeGrantConfig): Promise<TokenResponse> {
  const scope = scopes.join(" ");
  const accessToken = await config.sign({
    sub: grant.sub,
    username: grant.sub,
    clientId: grant.clientId,
    scope,
    expiresIn: tokenLifetimeSeconds,
  });
  const idToken = scopes.includes("openid")
    ? await config.signIdToken({ sub: grant.sub, clientId: grant.clientId, authTime: grant.authTime, nonce, expiresInSeconds: tokenLifetimeSeconds })
    : undefined;
  const refreshToken = config.store.issueRefreshToken(grant);
  return {
    status: 200,
    headers: { "cache-control": "no-store", pragma: "no-cache" },
    body: {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: tokenLifetimeSeconds,
      scope,
      refresh_token: refreshToken,
      ...(idToken === undefined ? {} : { id_token: idToken }),
    },
  };
}
