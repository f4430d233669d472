import type { GrantStore } from "./grant-store";
import type { PublicClient } from "./public-clients";

/**
 * `POST /oauth2/revoke` (RFC 7009, as Cognito's): a public client names itself and the refresh
 * token; the token's whole sign-in ends. Always 200, so it tells nothing about unknown tokens.
 */
export function revokeToken(form: URLSearchParams, clients: ReadonlyMap<string, PublicClient>, store: GrantStore) {
  const client = clients.get(form.get("client_id") ?? "");
  if (!client) return { status: 401 as const, body: { error: "invalid_client" } };
  const token = form.get("token");
  if (token === null) return { status: 400 as const, body: { error: "invalid_request" } };
  store.revoke(token, client.id);
  return { status: 200 as const, body: {} };
}

/**
 * `GET /logout`: Cognito's `client_id` + `logout_uri`, or OIDC RP-initiated logout's
 * `post_logout_redirect_uri` (+ `state`). The issuer keeps no session, so it only sends the browser
 * back, and only to one of the client's sign-out URLs; the app clears its own tokens.
 */
export function signOutRedirect(query: URLSearchParams, clients: ReadonlyMap<string, PublicClient>): string | undefined {
  const client = clients.get(query.get("client_id") ?? "");
  const target = query.get("logout_uri") ?? query.get("post_logout_redirect_uri");
  if (!client || target === null || !client.logoutUris.has(target)) return undefined;
  const location = new URL(target);
  const state = query.get("state");
  if (state !== null) location.searchParams.set("state", state);
  return location.toString();
}
