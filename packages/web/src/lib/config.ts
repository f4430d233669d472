/** Settings baked in at build time (see vite.config.ts); a missing one is a build mistake, said plainly. */
export interface ConsoleConfig {
  apiUrl: string;
  issuer: string;
  clientId: string;
  scopes: string;
}

function required(name: "VITE_API_URL" | "VITE_ISSUER" | "VITE_CLIENT_ID"): string {
  const value = import.meta.env[name];
  if (!value) throw new Error(`${name} is not set: build the console with it (npm run dev does)`);
  return value;
}

export const config: ConsoleConfig = {
  apiUrl: required("VITE_API_URL").replace(/\/+$/, ""),
  issuer: required("VITE_ISSUER"),
  clientId: required("VITE_CLIENT_ID"),
  scopes: import.meta.env.VITE_SCOPES || "openid users:read users:write likes:write",
};

/** Where the issuer sends the browser back with a code (allow-listed at the issuer, exact match). */
export const redirectUri = new URL("callback", window.location.origin + import.meta.env.BASE_URL).href;
/** Where the issuer sends the browser after signing out (allow-listed too). */
export const signedOutUri = new URL(import.meta.env.BASE_URL, window.location.origin).href;
