/** What the token endpoint answers: JSON, never cached (RFC 6749 §5.1). */
export interface TokenResponse {
  status: 200 | 400 | 401;
  headers: Record<string, string>;
  body: Record<string, string | number>;
}

/** Access and ID tokens live an hour, as Cognito's do by default. */
export const tokenLifetimeSeconds = 3600;

/** An RFC 6749 §5.2 error; the description is for the developer reading it, not for the person. */
export function oauthError(
  status: 400 | 401,
  error: string,
  headers: Record<string, string> = {},
  description?: string,
): TokenResponse {
  return {
    status,
    headers: { "cache-control": "no-store", ...headers },
    body: description === undefined ? { error } : { error, error_description: description },
  };
}
