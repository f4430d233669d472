import { createHash, timingSafeEqual } from "node:crypto";

/** RFC 7636 §4.1: 43–128 characters from the unreserved set. */
const verifierShape = /^[A-Za-z0-9._~-]{43,128}$/;
/** An S256 challenge is a base64url SHA-256 digest without padding: always 43 characters. */
const challengeShape = /^[A-Za-z0-9_-]{43}$/;

export function isS256Challenge(challenge: string): boolean {
  return challengeShape.test(challenge);
}

/** RFC 7636 §4.6 with S256, the only method offered: BASE64URL(SHA256(verifier)) == challenge. */
export function verifierMatches(verifier: string | null, challenge: string): boolean {
  if (verifier === null || !verifierShape.test(verifier)) return false;
  const computed = Buffer.from(createHash("sha256").update(verifier, "ascii").digest("base64url"));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
