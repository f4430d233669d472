import type { JWTPayload } from "jose";

export type AuthorizerClaims = Record<string, string | number | boolean | string[]>;

/**
 * The claims as API Gateway hands them to a Lambda in `requestContext.authorizer.jwt.claims`: every
 * value a string (numbers and booleans printed, arrays as `[a b]`), so handlers written offline
 * parse them the way they must deployed.
 */
export function toAuthorizerClaims(payload: JWTPayload): AuthorizerClaims {
  const claims: AuthorizerClaims = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === null || value === undefined) continue;
    claims[name] = claimText(value);
  }
  return claims;
}

function claimText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `[${value.map(claimText).join(" ")}]`;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Scopes from `scope` (space separated) or, as API Gateway also reads, `scp`; null when there are none. */
export function scopesOf(payload: JWTPayload): string[] | null {
  const raw = payload.scope ?? payload.scp;
  const scopes =
    typeof raw === "string"
      ? raw.split(/\s+/)
      : Array.isArray(raw)
        ? raw.filter((scope): scope is string => typeof scope === "string")
        : [];
  const nonEmpty = scopes.filter((scope) => scope !== "");
  return nonEmpty.length > 0 ? nonEmpty : null;
}
