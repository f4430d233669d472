/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The users API, e.g. http://127.0.0.1:3000 offline. */
  readonly VITE_API_URL: string;
  /** The OIDC issuer: discovery is read from `{issuer}/.well-known/openid-configuration`. */
  readonly VITE_ISSUER: string;
  /** The console's public OAuth client (authorization code + PKCE, no secret). */
  readonly VITE_CLIENT_ID: string;
  /** Space-separated scopes to ask for; default: the three the console uses. */
  readonly VITE_SCOPES?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
