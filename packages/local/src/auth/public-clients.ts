import { manifest } from "../../../../infra/manifest";

/**
 * A public OAuth client (RFC 6749 §2.1): a browser app that cannot keep a secret, so it proves
 * itself with PKCE and by where the issuer sends the code. Like a Cognito app client without a secret.
 */
export interface PublicClient {
  id: string;
  /** Exact-match allow-lists, as Cognito's callback and sign-out URLs. */
  redirectUris: ReadonlySet<string>;
  logoutUris: ReadonlySet<string>;
  /** The browser origins of those URIs: the only ones the issuer's CORS answers. */
  origins: ReadonlySet<string>;
  /** The most the client may ask for; also what it gets when it asks for nothing. */
  scopes: readonly string[];
}

/**
 * The console's client, from the manifest: its redirect and sign-out URIs on each of `origins`
 * (default the manifest's local origins; a test that serves the console on a free port adds its own).
 */
export function consoleClient(origins: readonly string[] = manifest.web.localOrigins): PublicClient {
  const normalized = origins.map((origin) => new URL(origin).origin);
  return {
    id: manifest.web.localClientId,
    redirectUris: new Set(normalized.map((origin) => `${origin}${manifest.web.callbackPath}`)),
    logoutUris: new Set(normalized.map((origin) => `${origin}${manifest.web.signedOutPath}`)),
    origins: new Set(normalized),
    scopes: manifest.web.scopes,
  };
}

/** The scopes to grant: the asked ones when all are allowed (none asked = all allowed), else undefined. */
export function grantableScopes(client: PublicClient, asked: string | null): string[] | undefined {
  const requested = (asked ?? "").split(/\s+/).filter(Boolean);
  if (requested.length === 0) return [...client.scopes];
  if (requested.some((scope) => !client.scopes.includes(scope))) return undefined;
  return [...new Set(requested)];
}
