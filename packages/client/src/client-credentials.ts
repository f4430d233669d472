/**
 * Client-credentials tokens for scripts (OAuth 2.0, RFC 6749 §4.4), from Cognito's `/oauth2/token`
 * or any OIDC token endpoint. Only `fetch`, so it runs in Node, browsers and edge runtimes alike.
 */

export interface ClientCredentialsOptions {
  tokenUrl: string | URL;
  clientId: string;
  clientSecret: string;
  /** Space-separated, or a list; the endpoint's default scopes when omitted. */
  scope?: string | readonly string[] | undefined;
  fetch?: typeof fetch | undefined;
  /** Fetch a fresh token this long before the cached one expires (default 60 s, at most half its life). */
  refreshBeforeExpirySeconds?: number | undefined;
  /** Milliseconds since the epoch; a seam for tests. */
  now?: (() => number) | undefined;
}

export type GetToken = () => Promise<string>;

/** The token endpoint said no (or said something that is not a token response). */
export class TokenRequestError extends Error {
  override readonly name = "TokenRequestError";
  readonly status: number;
  /** The OAuth error code, e.g. `invalid_client`, when the endpoint gave one. */
  readonly code: string | undefined;

  constructor(message: string, status: number, code: string | undefined) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

interface CachedToken {
  token: string;
  refreshAt: number;
}

/**
 * Returns a `getToken` for the typed client: it asks the endpoint once, then hands out the cached
 * token until shortly before it expires; concurrent callers share one request.
 */
export function clientCredentialsToken(options: ClientCredentialsOptions): GetToken {
  const now = options.now ?? Date.now;
  const skewSeconds = options.refreshBeforeExpirySeconds ?? 60;
  let cached: CachedToken | undefined;
  let pending: Promise<string> | undefined;

  const refresh = async (): Promise<string> => {
    const requestedAt = now();
    const { token, expiresInSeconds } = await requestToken(options);
    if (expiresInSeconds !== undefined) {
      const margin = Math.min(skewSeconds, expiresInSeconds / 2);
      cached = { token, refreshAt: requestedAt + (expiresInSeconds - margin) * 1000 };
    }
    return token;
  };

  return () => {
    if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
    pending ??= refresh().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}

async function requestToken(options: ClientCredentialsOptions) {
  const scope = typeof options.scope === "string" ? options.scope : options.scope?.join(" ");
  const form = new URLSearchParams({ grant_type: "client_credentials", ...(scope ? { scope } : {}) });
  const doFetch = options.fetch ?? globalThis.fetch;
  const response = await doFetch(options.tokenUrl, {
    method: "POST",
    headers: {
      authorization: basicAuthorization(options.clientId, options.clientSecret),
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    },
    body: form.toString(),
  });
  const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;

  if (!response.ok) {
    const code = typeof body?.error === "string" ? body.error : undefined;
    throw new TokenRequestError(
      `the token endpoint refused the client-credentials request: ${response.status}${code ? ` ${code}` : ""}`,
      response.status,
      code,
    );
  }
  if (typeof body?.access_token !== "string" || body.access_token === "") {
    throw new TokenRequestError("the token endpoint answered without an access_token", response.status, undefined);
  }
  const expiresIn = Number(body.expires_in);
  return {
    token: body.access_token,
    // Without a lifetime there is nothing safe to cache against: ask again next time.
    expiresInSeconds: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined,
  };
}

/** RFC 6749 §2.3.1: id and secret are each form-urlencoded, then joined and base64-encoded. */
function basicAuthorization(clientId: string, clientSecret: string): string {
  const formEncode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2);
  return `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret)}`)}`;
}
