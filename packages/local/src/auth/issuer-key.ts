import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from "jose";
import type { CryptoKey, JWK } from "jose";
import { readOrCreateFile } from "./create-once";
import { issuerDir } from "./defaults";

/** The local issuer's RS256 signing key: what signs tokens and what the JWKS publishes. */
export interface IssuerKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public half as published in the JWKS (kty, n, e, kid, alg, use). */
  publicJwk: JWK;
}

const algorithm = "RS256";
const keyFileName = "signing-key.jwk.json";

/** A fresh key pair held only in memory (tests, in-memory runs). */
export async function createIssuerKey(): Promise<IssuerKey> {
  return fromPrivateJwk(await generatePrivateJwk());
}

/** The key pair kept under `<dataDir>/issuer/`, created on first use. */
export async function loadOrCreateIssuerKey(dataDir: string): Promise<IssuerKey> {
  const path = join(issuerDir(dataDir), keyFileName);
  const text = await readOrCreateFile(path, async () => `${JSON.stringify(await generatePrivateJwk(), null, 2)}\n`);
  try {
    return await fromPrivateJwk(JSON.parse(text) as JWK);
  } catch (error) {
    throw new Error(`the issuer key in ${path} is unreadable (${String(error)}); delete it to make a new one`);
  }
}

async function generatePrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(algorithm, { extractable: true });
  const jwk = await exportJWK(privateKey);
  // The RFC 7638 thumbprint names the key by its public members, so the kid never needs storing apart.
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: algorithm, use: "sig" };
}

async function fromPrivateJwk(jwk: JWK): Promise<IssuerKey> {
  if (jwk.kty !== "RSA" || !jwk.n || !jwk.e || !jwk.d) throw new Error("not an RSA private JWK");
  const publicMembers = { kty: jwk.kty, n: jwk.n, e: jwk.e };
  const kid = await calculateJwkThumbprint(publicMembers);
  const privateKey = await importJWK(jwk, algorithm);
  if (privateKey instanceof Uint8Array) throw new Error("expected an asymmetric key");
  return { kid, privateKey, publicJwk: { ...publicMembers, kid, alg: algorithm, use: "sig" } };
}
