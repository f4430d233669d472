import { manifest } from "../../../../infra/manifest";
import { handleCodeGrant, handleRefreshGrant } from "./code-grants";
import type { CodeGrantConfig } from "./code-grants";
import { credentialsMatch } from "./issuer-client";
import type { IssuerClient } from "./issuer-client";
import { oauthError, tokenLifetimeSeconds } from "./token-response";
import type { TokenResponse } from "./token-response";
import type { SignToken } from "./token-signer";

export interface TokenRequest {
  /** The raw `application/x-www-form-urlencoded` body. */
  body: string;
  authorization: string | undefined;
}

export type { TokenResponse } from "./token-response";
export { tokenLifetimeSeconds };
const knownScopes: readonly string[] = manifest.auth.scopes;

export interface TokenEndpointConfig extends CodeGrantConfig {
  /** The confidential client (client credentials). */
  client: IssuerClient;
  sign: SignToken;
}

/**
 * `POST /oauth2/token`, answering as Cognito does. A request with a secret (HTTP Basic or form
 * fields) is the confidential client's client-credentials grant (RFC 6749 §4.4); one with only a
 * `client_id` is a public client's authorization-code (with PKCE) or refresh-token grant.
 */
export async function handleTokenRequest(request: TokenRequest, config: TokenEndpointConfig): Promise<TokenResponse> {
  const form = new URLSearchParams(request.body);
  const credentials = basicCredentials(request.authorization) ?? formCredentials(form);
  if (!credentials) return handlePublicClient(form, config);
  if (!credentialsMatch(config.client, credentials.id, credentials.secret)) {
    return oauthError(401, "invalid_client", { "www-authenticate": 'Basic realm="local issuer"' });
  }
  const grantType = form.get("grant_type");
  if (grantType === null) return oauthError(400, "invalid_request");
  if (grantType !== "client_credentials") return oauthError(400, "unsupported_grant_type");

  const requested = (form.get("scope") ?? "").split(/\s+/).filter(Boolean);
  if (requested.some((scope) => !knownScopes.includes(scope))) return oauthError(400, "invalid_scope");
  const scope = (requested.length > 0 ? requested : knownScopes).join(" ");

  const accessToken = await config.sign({
    sub: config.client.id,
    clientId: config.client.id,
    scope,
    expiresIn: tokenLifetimeSeconds,
  });
  return {
    status: 200,
    headers: { "cache-control": "no-store" },
    body: { access_token: accessToken, token_type: "Bearer", expires_in: tokenLifetimeSeconds },
  };
}

async function handlePublicClient(form: URLSearchParams, config: TokenEndpointConfig): Promise<TokenResponse> {
  const client = config.clients.get(form.get("client_id") ?? "");
  if (!client) return oauthError(401, "invalid_client");
  const grantType = form.get("grant_type");
  if (grantType === "authorization_code") return handleCodeGrant(form, client, config);
  if (grantType === "refresh_token") return handleRefreshGrant(form, client, config);
  if (grantType === null) return oauthError(400, "invalid_request");
  // A public client cannot keep a secret, so it has no grant of its own (client credentials).
  return oauthError(400, grantType === "client_credentials" ? "unauthorized_client" : "unsupported_grant_type");
}

function basicCredentials(authorization: string | undefined) {
  const match = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  // RFC 6749 §2.3.1: both halves are form-urlencoded before being joined.
  const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, " "));
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

function formCredentials(form: URLSearchParams) {
  const id = form.get("client_id");
  const secret = form.get("client_secret");
  return id !== null && secret !== null ? { id, secret } : undefined;
}
