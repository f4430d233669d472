/**
 * The signed-in session: tokens in sessionStorage (this tab only, gone when it closes; never
 * localStorage), a tiny store React subscribes to, and a getter that refreshes the access token
 * before it expires. The OIDC code (oauth4webapi) loads only when a token must be fetched.
 */

export interface Tokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface Session {
  tokens: Tokens;
  /** From the access token's claims, for display only: the API checks the token itself. */
  subject: string;
  scopes: string[];
}

const storageKey = "users-console.tokens";
/** Refresh a little early, so a token never expires on its way to the API. */
const refreshMarginMs = 30_000;

let current: Session | null = load();
const listeners = new Set<() => void>();

export function getSession(): Session | null {
  return current;
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function setTokens(tokens: Tokens | null): void {
  if (tokens) sessionStorage.setItem(storageKey, JSON.stringify(tokens));
  else sessionStorage.removeItem(storageKey);
  current = tokens ? toSession(tokens) : null;
  for (const listener of listeners) listener();
}

let refreshing: Promise<string> | undefined;

/** A valid access token, refreshed with the refresh token when due; signs out when that fails. */
export async function getAccessToken(): Promise<string> {
  const session = current;
  if (!session) throw new SignedOutError();
  if (session.tokens.expiresAt - refreshMarginMs > Date.now()) return session.tokens.accessToken;
  return refreshNow();
}

/** One refresh at a time, however many requests asked for a token meanwhile. */
export function refreshNow(): Promise<string> {
  refreshing ??= (async () => {
    const refreshToken = current?.tokens.refreshToken;
    if (!refreshToken) throw new SignedOutError();
    try {
      const { refresh } = await import("./oidc");
      const tokens = await refresh(refreshToken);
      setTokens(tokens);
      return tokens.accessToken;
    } catch (error) {
      setTokens(null);
      throw new SignedOutError(error);
    }
  })().finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

export class SignedOutError extends Error {
  override readonly name = "SignedOutError";
  constructor(cause?: unknown) {
    super("Your session has ended: sign in again.", cause === undefined ? undefined : { cause });
  }
}

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(storageKey);
    return raw ? toSession(JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

function toSession(tokens: Tokens): Session {
  const claims = decodeClaims(tokens.accessToken);
  return {
    tokens,
    subject: typeof claims.username === "string" ? claims.username : typeof claims.sub === "string" ? claims.sub : "signed in",
    scopes: typeof claims.scope === "string" ? claims.scope.split(" ").filter(Boolean) : [],
  };
}

/** A JWT's payload, unverified: only to show who is signed in. */
function decodeClaims(jwt: string): Record<string, unknown> {
  try {
    const payload = jwt.split(".")[1] ?? "";
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<string, unknown>;
  } catch {
    return {};
  }
}
