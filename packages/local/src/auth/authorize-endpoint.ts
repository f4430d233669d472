import type { GrantStore, PendingSignIn } from "./grant-store";
import { isS256Challenge } from "./pkce";
import type { PublicClient } from "./public-clients";
import { grantableScopes } from "./public-clients";
import { errorPage, signInPage } from "./sign-in-page";

export type PageOrRedirect =
  | { kind: "page"; status: 200 | 400; html: string; /** Where the page's form may end up (CSP form-action). */ formTargets: string[] }
  | { kind: "redirect"; location: string };

export interface AuthorizeConfig {
  issuer: string;
  clients: ReadonlyMap<string, PublicClient>;
  store: GrantStore;
  now?: () => number;
}

/** The API's username rule: the name typed here is the token's `sub`, and likes are keyed by it. */
const usernameShape = /^[a-z0-9_]{3,30}$/;

/**
 * `GET /oauth2/authorize` (RFC 6749 §4.1.1 with RFC 7636): checks the client and its exact redirect
 * URI first — a request failing those is never sent anywhere — then the rest, whose errors go back
 * to the client's redirect URI, then shows the sign-in page.
 */
export function startAuthorization(query: URLSearchParams, config: AuthorizeConfig): PageOrRedirect {
  const client = config.clients.get(query.get("client_id") ?? "");
  if (!client) return badRequest("Unknown client", "client_id names no client of this issuer.");
  const redirectUri = query.get("redirect_uri");
  if (redirectUri === null || !client.redirectUris.has(redirectUri)) {
    return badRequest("Unknown redirect URI", "redirect_uri is not one of this client's callback URLs (they must match exactly).");
  }
  const state = query.get("state");
  const back = (error: string, description: string) => redirectWith(redirectUri, { error, error_description: description, state, iss: config.issuer });

  if (query.get("response_type") !== "code") return back("unsupported_response_type", "only response_type=code is supported");
  const challenge = query.get("code_challenge");
  if (challenge === null) return back("invalid_request", "code_challenge is required (PKCE)");
  if (query.get("code_challenge_method") !== "S256") return back("invalid_request", "code_challenge_method must be S256");
  if (!isS256Challenge(challenge)) return back("invalid_request", "code_challenge is not a base64url SHA-256 digest");
  const scopes = grantableScopes(client, query.get("scope"));
  if (!scopes) return back("invalid_scope", `this client may ask for: ${client.scopes.join(" ")}`);
  // No session is kept, so there is never a signed-in user to answer a silent request with.
  if (query.get("prompt") === "none") return back("login_required", "sign-in needs the person");

  const pending: PendingSignIn = { clientId: client.id, redirectUri, scopes, codeChallenge: challenge, state, nonce: query.get("nonce") };
  const requestId = config.store.startSignIn(pending);
  return showPage(200, signInPage({ requestId, clientId: client.id, scopes }), redirectUri);
}

/** `POST /oauth2/authorize`: the sign-in form. Sends the browser back with a code, or with access_denied. */
export function completeAuthorization(form: URLSearchParams, config: AuthorizeConfig): PageOrRedirect {
  const requestId = form.get("request") ?? "";
  const pending = config.store.peekSignIn(requestId);
  if (!pending) return badRequest("Sign-in expired", "This sign-in page is no longer valid. Go back to the app and sign in again.");

  if (form.get("cancel") !== null) {
    config.store.finishSignIn(requestId);
    return redirectWith(pending.redirectUri, { error: "access_denied", error_description: "the person cancelled", state: pending.state, iss: config.issuer });
  }
  const username = (form.get("pick") ?? form.get("username") ?? "").trim();
  if (!usernameShape.test(username)) {
    const error = "Use 3–30 lowercase letters, digits or underscores.";
    const html = signInPage({ requestId, clientId: pending.clientId, scopes: pending.scopes, username, error });
    return showPage(400, html, pending.redirectUri);
  }

  config.store.finishSignIn(requestId);
  const code = config.store.issueCode({
    clientId: pending.clientId,
    sub: username,
    scopes: pending.scopes,
    authTime: Math.floor((config.now?.() ?? Date.now()) / 1000),
    family: config.store.newFamily(),
    redirectUri: pending.redirectUri,
    codeChallenge: pending.codeChallenge,
    nonce: pending.nonce,
  });
  // `iss` (RFC 9207) lets the client check which issuer answered.
  return redirectWith(pending.redirectUri, { code, state: pending.state, iss: config.issuer });
}

function redirectWith(uri: string, params: Record<string, string | null>): PageOrRedirect {
  const location = new URL(uri);
  for (const [name, value] of Object.entries(params)) if (value !== null) location.searchParams.set(name, value);
  return { kind: "redirect", location: location.toString() };
}

function showPage(status: 200 | 400, html: string, redirectUri: string): PageOrRedirect {
  return { kind: "page", status, html, formTargets: [new URL(redirectUri).origin] };
}

function badRequest(title: string, detail: string): PageOrRedirect {
  return { kind: "page", status: 400, html: errorPage(title, detail), formTargets: [] };
}
