import type { HttpResponse } from "./response";

/**
 * The answers API Gateway (HTTP API) gives itself, before or instead of the function's: status, body
 * and headers as deployed. Where each comes from in AWS's documentation: docs/OFFLINE.md, "Gateway
 * errors". They are never problem+json — that is the API's own error shape, not the gateway's.
 */
const json = (statusCode: number, message: string, headers: [string, string][] = [["content-type", "application/json"]]): HttpResponse => ({
  statusCode,
  headers,
  body: Buffer.from(JSON.stringify({ message })),
});

export const gatewayErrors = {
  /**
   * The JWT authorizer refused the token (missing, malformed, expired, wrong issuer or audience…).
   * As in AWS's example answer: `{"message":"Unauthorized"}` (26 bytes) and the reason in
   * `www-authenticate`, with no content type.
   */
  unauthorized: (reason: string): HttpResponse => json(401, "Unauthorized", [["www-authenticate", bearerChallenge(reason)]]),
  /** A request body over the HTTP API's 10 MB payload quota. */
  payloadTooLarge: (): HttpResponse => json(413, "Request Entity Too Large"),
  /** Over the stage's rate or burst limit. */
  throttled: (): HttpResponse => json(429, "Too Many Requests"),
  /** The function threw, returned a result API Gateway cannot read, or Lambda refused the invocation. */
  integrationFailure: (): HttpResponse => json(500, "Internal Server Error"),
  /** No answer from the function within the integration timeout. */
  integrationTimeout: (): HttpResponse => json(503, "Service Unavailable"),
};

/**
 * `Bearer scope="" error="invalid_token" error_description="…"`, API Gateway's challenge. The reason
 * is one of the authorizer's own sentences, but it goes inside a quoted-string (RFC 9110 §5.6.4), so
 * quotes, backslashes and anything outside visible ASCII are dropped rather than trusted.
 */
export function bearerChallenge(reason: string): string {
  const description = reason.replace(/["\\]/g, "").replace(/[^\x20-\x7e]/g, "");
  return `Bearer scope="" error="invalid_token" error_description="${description}"`;
}
