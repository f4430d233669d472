import { manifest } from "../../../../infra/manifest";
import { credentialsMatch } from "./issuer-client";
import type { IssuerClient } from "./issuer-client";
import type { SignToken } from "./token-signer";

export interface TokenRequest {
  /** The raw `application/x-www-form-urlencoded` body. */
  body: string;
  authorization: string | undefined;
}

export interface TokenResponse {
  status: 200 | 400 | 401;
  headers: Record<string, string>;
  body: Record<string, string | number>;
}

export const tokenLifetimeSeconds = 3600;
const knownScopes: readonly string[] = manifest.auth.scopes;

/**
 * `POST /oauth2/token` for the client-credentials grant, answering as Cognito does (RFC 6749 §4.4):
 * client authentication by HTTP Basic or by form fields, scopes limited to the known ones, all of
 * them when none are asked for.
 */
export async function handleTokenRequest(
  request: TokenRequest,
  config: { client: IssuerClient; sign: SignToken },
): Promise<TokenResponse> {
  const form = new URLSearchParams(request.body);
  const credentials = basicCredentials(request.authorization) ?? formCredentials(form);
  if (!credentials || !credentialsMatch(config.client, credentials.id, credentials.secret)) {
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

function oauthError(status: 400 | 401, error: string, headers: Record<string, string> = {}): TokenResponse {
  return { status, headers: { "cache-control": "no-store", ...headers }, body: { error } };
}
