/**
 * Sign-in with OIDC authorization code + PKCE, by the standards only: the issuer's discovery
 * document says where to go, oauth4webapi does the protocol. Loaded on demand (see session.ts), so
 * a signed-in page pays nothing for it.
 */
import * as oauth from "oauth4webapi";
import { config, redirectUri, signedOutUri } from "../config";
import type { Tokens } from "./session";

const client: oauth.Client = { client_id: config.clientId };
// A public client: PKCE proves the caller, there is no secret to keep in a browser.
const clientAuth = oauth.None();
const issuer = new URL(config.issuer);
// Plain http only for a loopback issuer (the offline runtime's); anything else must be https.
const insecure = issuer.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(issuer.hostname);
const requestOptions = insecure ? { [oauth.allowInsecureRequests]: true } : {};

/** What the callback needs to finish what `startSignIn` began, kept for the round trip only. */
const pendingKey = "users-console.sign-in";
interface Pending {
  state: string;
  codeVerifier: string;
  nonce?: string;
  /** The screen to come back to. */
  hash: string;
}

let server: Promise<oauth.AuthorizationServer> | undefined;

function discover(): Promise<oauth.AuthorizationServer> {
  server ??= oauth
    .discoveryRequest(issuer, { algorithm: "oidc", ...requestOptions })
    .then((response) => oauth.processDiscoveryResponse(issuer, response))
    .catch((error: unknown) => {
      server = undefined;
      throw error;
    });
  return server;
}

/** Sends the browser to the issuer's sign-in page. */
export async function startSignIn(hint?: string): Promise<void> {
  const as = await discover();
  if (!as.authorization_endpoint) throw new Error(`${config.issuer} has no authorization_endpoint in its discovery document`);
  const scope = config.scopes.split(" ").filter(Boolean).join(" ");
  const pending: Pending = { state: oauth.generateRandomState(), codeVerifier: oauth.generateRandomCodeVerifier(), hash: window.location.hash };
  if (scope.split(" ").includes("openid")) pending.nonce = oauth.generateRandomNonce();
  sessionStorage.setItem(pendingKey, JSON.stringify(pending));

  const url = new URL(as.authorization_endpoint);
  url.searchParams.set("client_id", client.client_id);
  url.searchParams.set("redirect_uri", redirectUri);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", scope);
  url.searchParams.set("state", pending.state);
  url.searchParams.set("code_challenge", await oauth.calculatePKCECodeChallenge(pending.codeVerifier));
  url.searchParams.set("code_challenge_method", "S256");
  if (pending.nonce) url.searchParams.set("nonce", pending.nonce);
  if (hint) url.searchParams.set("login_hint", hint);
  window.location.assign(url.href);
}


/** Trades the code for tokens (checking state and PKCE), then takes the code out of the address bar. */
export async function completeSignIn(url: URL): Promise<Tokens> {
  const raw = sessionStorage.getItem(pendingKey);
  sessionStorage.removeItem(pendingKey);
  const pending = raw ? (JSON.parse(raw) as Pending) : undefined;
  // The code is single-use: out of the address bar and history at once, back to the screen we left.
  window.history.replaceState(null, "", signedOutUri + (pending?.hash ?? ""));
  if (!pending) throw new Error("This sign-in was not started from this tab (or was already used): sign in again.");

  const as = await discover();
  const params = oauth.validateAuthResponse(as, client, url, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, redirectUri, pending.codeVerifier, requestOptions);
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, pending.nonce ? { expectedNonce: pending.nonce } : {});
  return toTokens(result);
}

export async function refresh(refreshToken: string): Promise<Tokens> {
  const as = await discover();
  const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshToken, requestOptions);
  const result = await oauth.processRefreshTokenResponse(as, client, response);
  // Issuers that do not rotate refresh tokens (Cognito) send none back: keep the one we have.
  return toTokens(result, refreshToken);
}

/**
 * Ends the sign-in at the issuer: revokes the refresh token, then returns the issuer's sign-out URL
 * for the caller to navigate to. Cognito's discovery lists neither endpoint but serves both beside
 * its authorization and token endpoints, so those are the fallback.
 */
export async function signOutAtIssuer(tokens: Tokens): Promise<string | undefined> {
  const as = await discover();
  const revocation = as.revocation_endpoint ?? (as.token_endpoint && new URL("/oauth2/revoke", as.token_endpoint).href);
  if (revocation && tokens.refreshToken) {
    try {
      const response = await oauth.revocationRequest({ ...as, revocation_endpoint: revocation }, client, clientAuth, tokens.refreshToken, requestOptions);
      await oauth.processRevocationResponse(response);
    } catch {
      // The tokens are gone from this tab either way; a failed revocation only leaves them to expire.
    }
  }
  const endSession = as.end_session_endpoint ?? (as.authorization_endpoint && new URL("/logout", as.authorization_endpoint).href);
  if (!endSession) return undefined;
  const url = new URL(endSession);
  // Cognito's parameter names; the offline issuer takes them too (and OIDC's post_logout_redirect_uri).
  url.searchParams.set("client_id", client.client_id);
  url.searchParams.set("logout_uri", signedOutUri);
  return url.href;
}

function toTokens(result: oauth.TokenEndpointResponse, previousRefreshToken?: string): Tokens {
  const refreshToken = result.refresh_token ?? previousRefreshToken;
  return {
    accessToken: result.access_token,
    expiresAt: Date.now() + (result.expires_in ?? 300) * 1000,
    ...(refreshToken ? { refreshToken } : {}),
    ...(result.id_token ? { idToken: result.id_token } : {}),
  };
}
