import { timingSafeEqual } from "node:crypto";
import { Hash } from "@smithy/core/serde";
import { SignatureV4 } from "@smithy/signature-v4";

/** The only algorithm S3 takes for signature version 4. */
export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The SDK's own SigV4 signer, set up as S3 clients set it up (no double path escaping, no payload
 * checksum): every signature here is computed by it, never by hand.
 */
export const s3Signer = (credentials: Credentials, region: string) =>
  new SignatureV4({ credentials, region, service: "s3", sha256: Hash.bind(null, "sha256"), uriEscapePath: false, applyChecksum: false });

/** `<access key>/<yyyymmdd>/<region>/<service>/aws4_request`, the scope a signature is valid in. */
export interface CredentialScope {
  accessKeyId: string;
  day: string;
  region: string;
  service: string;
  terminal: string;
}

export function parseCredential(value: string): CredentialScope | null {
  const parts = value.split("/");
  if (parts.length !== 5) return null;
  const [accessKeyId = "", day = "", region = "", service = "", terminal = ""] = parts;
  return { accessKeyId, day, region, service, terminal };
}

/** What is wrong with a credential scope for this endpoint, in S3's words, or null. */
export function credentialScopeProblem(scope: CredentialScope | null, region: string): string | null {
  if (!scope) return 'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".';
  if (scope.accessKeyId === "") return "a non-empty Access Key (AKID) must be provided in the credential.";
  if (!/^\d{8}$/.test(scope.day)) return `incorrect date format "${scope.day}". This date in the credential must be in the format "yyyyMMdd".`;
  if (scope.region !== region) return `the region '${scope.region}' is wrong; expecting '${region}'`;
  if (scope.service !== "s3") return `incorrect service "${scope.service}". This endpoint belongs to "s3".`;
  if (scope.terminal !== "aws4_request") return `incorrect terminal "${scope.terminal}". This endpoint uses "aws4_request".`;
  return null;
}

/** `yyyyMMdd'T'HHmmss'Z'` (ISO 8601 basic format, UTC) → Date, or null. */
export function parseAmzDate(value: string): Date | null {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return date.getUTCDate() === day && date.getUTCMonth() === month - 1 ? date : null;
}

/** The signing day of a credential scope as a Date the signer formats back to the same day. */
export const scopeDate = (scope: CredentialScope) => parseAmzDate(`${scope.day}T000000Z`);

/** Constant-time comparison of two hex signatures. */
export function sameSignature(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(provided, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
