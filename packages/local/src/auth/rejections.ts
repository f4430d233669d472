import { errors } from "jose";

type Reason =
  | "missing"
  | "malformed"
  | "algorithm"
  | "no-kid"
  | "audience"
  | "issued-in-future"
  | "keys-unavailable";

/** A refusal decided by the authorizer itself rather than by jose. */
export class TokenRejected extends Error {
  readonly reason: Reason;
  constructor(reason: Reason) {
    super(reason);
    this.reason = reason;
  }
}

const reasons: Record<Reason, string> = {
  missing: "the request has no bearer token in its Authorization header",
  malformed: "the bearer token is not a well-formed JWT",
  algorithm: "the token is not signed with an accepted algorithm",
  "no-kid": "the token names no signing key (kid)",
  // API Gateway's own words for this one (docs/OFFLINE.md, "Gateway errors").
  audience: "the token does not have a valid audience",
  "issued-in-future": "the token was issued in the future",
  "keys-unavailable": "the issuer's signing keys could not be fetched",
};

/**
 * A readable reason for a 401, sent as the `error_description` of its `WWW-Authenticate` header, as
 * API Gateway's JWT authorizer does. Written here rather than passed on from jose, so no part of the token
 * (nor what an attacker put in its header) is ever echoed back.
 */
export function rejectionMessage(error: unknown): string {
  if (error instanceof TokenRejected) return reasons[error.reason];
  if (error instanceof errors.JWTExpired) return "the token has expired";
  if (error instanceof errors.JWTClaimValidationFailed) return claimMessage(error.claim);
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return reasons.algorithm;
  if (error instanceof errors.JWKSNoMatchingKey) return "the token was signed with a key the issuer does not publish";
  if (error instanceof errors.JWKSMultipleMatchingKeys) return "the token names its signing key ambiguously";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token signature is invalid";
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return reasons["keys-unavailable"];
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return reasons.malformed;
  if (error instanceof TypeError) return reasons["keys-unavailable"]; // fetch failed: issuer unreachable
  return "the token is invalid";
}

function claimMessage(claim: string): string {
  switch (claim) {
    case "iss":
      return "the token was issued by an issuer this API does not trust";
    case "nbf":
      return "the token is not valid yet";
    case "exp":
      return "the token has no valid expiry";
    default:
      // No quotes: the reason travels inside a quoted-string of the 401's WWW-Authenticate header.
      return `the token's ${claim} claim is invalid`;
  }
}
