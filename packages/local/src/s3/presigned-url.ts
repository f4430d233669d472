import { HttpRequest } from "@smithy/protocol-http";
import { accessDenied, invalidAccessKeyId, refusal, signatureDoesNotMatch, type S3Refusal } from "./presigned-errors";
import { credentialScopeProblem, parseAmzDate, parseCredential, sameSignature, s3Signer, SIGV4_ALGORITHM, type Credentials } from "./presigned-signing";

export interface PresignedUrlRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  credentials: Credentials;
  region: string;
  now?: Date;
}

/** SigV4 caps a presigned URL at 7 days. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 60 * 60;
/** How far in the future a signing time may be (clock skew), as for any SigV4 request. */
const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
const QUERY_PARAMETERS = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"] as const;

const queryError = (message: string) => refusal(400, "AuthorizationQueryParametersError", message);

/**
 * A query-signed request (a presigned URL), checked as S3 checks it: the parameters, the credential
 * scope, the expiry, then the signature, recomputed by the SDK's signer from the request as
 * received (method, path, query, the signed headers; the payload is UNSIGNED-PAYLOAD).
 */
export async function checkPresignedUrl(request: PresignedUrlRequest): Promise<S3Refusal | null> {
  const query = request.url.searchParams;
  if (QUERY_PARAMETERS.some((name) => !query.has(name))) {
    return queryError(
      "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
    );
  }
  const [algorithm, credential, signature, amzDate, signedHeaders, expires] = QUERY_PARAMETERS.map((name) => query.get(name)!) as [
    string, string, string, string, string, string,
  ];
  if (algorithm !== SIGV4_ALGORITHM) return queryError(`X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}"`);
  const scope = parseCredential(credential);
  const scopeProblem = credentialScopeProblem(scope, request.region);
  if (scopeProblem || !scope) return queryError(`Error parsing the X-Amz-Credential parameter; ${scopeProblem}`);
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt) return queryError(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`);
  if (!/^\d+$/.test(expires)) return queryError("X-Amz-Expires should be a number");
  const expiresIn = Number(expires);
  if (expiresIn > MAX_EXPIRES_SECONDS) {
    return queryError(`X-Amz-Expires must be less than a week (in seconds) that is, the given X-Amz-Expires must be less than ${MAX_EXPIRES_SECONDS} seconds`);
  }
  if (scope.accessKeyId !== request.credentials.accessKeyId) return invalidAccessKeyId();

  const now = (request.now ?? new Date()).getTime();
  if (now > signedAt.getTime() + expiresIn * 1000) return accessDenied("Request has expired");
  if (signedAt.getTime() > now + MAX_CLOCK_SKEW_MS) return accessDenied("Request is not valid yet");

  const expected = await expectedSignature(request, { signedAt, expiresIn, region: scope.region, signedHeaders: signedHeaders.split(";") });
  return expected !== null && sameSignature(expected, signature) ? null : signatureDoesNotMatch();
}

/** Re-signs the request as received with the SDK's presigner and returns the signature it computes. */
async function expectedSignature(
  { method, url, headers, credentials, region }: PresignedUrlRequest,
  signing: { signedAt: Date; expiresIn: number; region: string; signedHeaders: string[] },
): Promise<string | null> {
  const query: Record<string, string | string[]> = {};
  for (const name of new Set(url.searchParams.keys())) {
    if (name === "X-Amz-Signature") continue;
    const values = url.searchParams.getAll(name);
    query[name] = values.length === 1 ? values[0]! : values;
  }
  const signable = new Set(signing.signedHeaders.map((name) => name.toLowerCase()));
  const requestHeaders: Record<string, string> = {};
  for (const name of signable) {
    const value = headers[name];
    if (value === undefined) return null; // a signed header the request does not carry
    requestHeaders[name] = value;
  }
  // S3 signs presigned URLs over UNSIGNED-PAYLOAD unless the URL names a payload hash itself.
  const payloadHash = url.searchParams.get("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD";
  requestHeaders["x-amz-content-sha256"] = payloadHash;

  const presigned = await s3Signer(credentials, region).presign(
    new HttpRequest({ method, protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname, query, headers: requestHeaders }),
    {
      signingDate: signing.signedAt,
      expiresIn: signing.expiresIn,
      signingRegion: signing.region,
      signingService: "s3",
      // Exactly the headers the client signed, where it sent them: nothing hoisted into the query.
      signableHeaders: signable,
      unsignableHeaders: signable.has("x-amz-content-sha256") ? new Set() : new Set(["x-amz-content-sha256"]),
      unhoistableHeaders: new Set(Object.keys(requestHeaders)),
    },
  );
  const computed = presigned.query?.["X-Amz-Signature"];
  return typeof computed === "string" ? computed : null;
}
