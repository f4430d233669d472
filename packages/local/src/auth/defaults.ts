import { join } from "node:path";

/** `npm run dev` and `npm run token` agree on this port unless ISSUER_PORT says otherwise. */
export const DEFAULT_ISSUER_PORT = 3001;

/** The git-ignored `.data/` at the repo root, shared with the rest of the offline runtime. */
export { defaultDataDir } from "../paths";

/** The issuer's key pair and client live here, so tokens survive restarts of `npm run dev`. */
export function issuerDir(dataDir: string): string {
  return join(dataDir, "issuer");
}

/** The `iss` of every local token: what the authorizer trusts and what discovery announces. */
export function issuerUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** The port from ISSUER_PORT, or the default; rejects anything that is not a TCP port. */
export function issuerPortFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ISSUER_PORT;
  if (raw === undefined || raw === "") return DEFAULT_ISSUER_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`ISSUER_PORT must be a TCP port (1-65535), got "${raw}"`);
  }
  return port;
}
