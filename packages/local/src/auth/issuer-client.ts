import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { join } from "node:path";
import { readOrCreateFile } from "./create-once";
import { issuerDir } from "./defaults";
import { LOCAL_CLIENT_ID } from "./token-signer";

/** The local issuer's one app client, for the client-credentials flow (like a Cognito app client). */
export interface IssuerClient {
  id: string;
  secret: string;
}

const clientFileName = "client.json";

export function createIssuerClient(): IssuerClient {
  return { id: LOCAL_CLIENT_ID, secret: randomBytes(32).toString("base64url") };
}

/** Kept next to the signing key, so scripts can read the secret and it survives restarts. */
export async function loadOrCreateIssuerClient(dataDir: string): Promise<IssuerClient> {
  const path = join(issuerDir(dataDir), clientFileName);
  const text = await readOrCreateFile(path, async () => `${JSON.stringify(createIssuerClient(), null, 2)}\n`);
  const parsed = JSON.parse(text) as Partial<IssuerClient>;
  if (typeof parsed.id !== "string" || typeof parsed.secret !== "string") {
    throw new Error(`the issuer client in ${path} is unreadable; delete it to make a new one`);
  }
  return { id: parsed.id, secret: parsed.secret };
}

/** Compares in constant time: hashing first makes the lengths equal, as timingSafeEqual needs. */
export function credentialsMatch(client: IssuerClient, id: string, secret: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  const idMatches = timingSafeEqual(digest(id), digest(client.id));
  const secretMatches = timingSafeEqual(digest(secret), digest(client.secret));
  return idMatches && secretMatches;
}
