import { randomBytes } from "node:crypto";

/** An authorization request waiting for the person to sign in (the sign-in form carries only its id). */
export interface PendingSignIn {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string;
  state: string | null;
  nonce: string | null;
}

/** What a code or a refresh token stands for: who signed in, for which client, with which scopes. */
export interface Grant {
  clientId: string;
  sub: string;
  scopes: string[];
  /** Seconds since the epoch: the ID token's `auth_time`. */
  authTime: number;
  /** Every refresh token descending from one sign-in shares it; revoking one revokes them all. */
  family: string;
}

export interface IssuedCode extends Grant {
  redirectUri: string;
  codeChallenge: string;
  nonce: string | null;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
  used: boolean;
}

export const lifetimes = {
  /** Long enough to type a name; the page says to start again after. */
  signInSeconds: 10 * 60,
  /** Cognito's authorization codes also live 5 minutes. */
  codeSeconds: 5 * 60,
  /** Cognito's default refresh-token validity. */
  refreshSeconds: 30 * 24 * 60 * 60,
} as const;

/**
 * The issuer's short-lived state, in memory: pending sign-ins, codes and refresh tokens. Codes and
 * refresh tokens are single use; presenting a used one again is treated as theft (RFC 6749 §4.1.2,
 * RFC 9700 §4.14.2) and revokes every token of its sign-in. A restart forgets them all (sign in again).
 */
export class GrantStore {
  private readonly pending = new Map<string, Entry<PendingSignIn>>();
  private readonly codes = new Map<string, Entry<IssuedCode>>();
  private readonly refreshTokens = new Map<string, Entry<Grant>>();
  private readonly revokedFamilies = new Set<string>();

  private readonly now: () => number;

  constructor(now: () => number = () => Date.now()) {
    this.now = now;
  }

  startSignIn(request: PendingSignIn): string {
    return this.put(this.pending, request, lifetimes.signInSeconds);
  }

  /** The pending sign-in, once: a form cannot be submitted twice. */
  finishSignIn(id: string): PendingSignIn | undefined {
    const entry = this.live(this.pending, id);
    this.pending.delete(id);
    return entry?.value;
  }

  /** A pending sign-in still valid, without consuming it (to show the page again after a typo). */
  peekSignIn(id: string): PendingSignIn | undefined {
    return this.live(this.pending, id)?.value;
  }

  issueCode(code: IssuedCode): string {
    return this.put(this.codes, code, lifetimes.codeSeconds);
  }

  /** The code's grant the first time it is presented; a second presentation revokes its sign-in. */
  redeemCode(code: string): IssuedCode | undefined {
    return this.redeem(this.codes, code);
  }

  issueRefreshToken(grant: Grant): string {
    return this.put(this.refreshTokens, grant, lifetimes.refreshSeconds);
  }

  /** Rotation: each refresh token works once; the reuse of a spent one revokes its whole family. */
  redeemRefreshToken(token: string): Grant | undefined {
    return this.redeem(this.refreshTokens, token);
  }

  /** RFC 7009: revoking a refresh token ends its sign-in. Unknown tokens are ignored, as the RFC asks. */
  revoke(token: string, clientId: string): void {
    const entry = this.refreshTokens.get(token);
    if (entry && entry.value.clientId === clientId) this.revokedFamilies.add(entry.value.family);
  }

  newFamily(): string {
    return randomBytes(16).toString("base64url");
  }

  private put<T>(map: Map<string, Entry<T>>, value: T, seconds: number): string {
    this.sweep(map);
    const id = randomBytes(32).toString("base64url");
    map.set(id, { value, expiresAt: this.now() + seconds * 1000, used: false });
    return id;
  }

  private redeem<T extends Grant>(map: Map<string, Entry<T>>, id: string): T | undefined {
    const entry = this.live(map, id);
    if (!entry || this.revokedFamilies.has(entry.value.family)) return undefined;
    if (entry.used) {
      this.revokedFamilies.add(entry.value.family);
      return undefined;
    }
    entry.used = true;
    return entry.value;
  }

  private live<T>(map: Map<string, Entry<T>>, id: string): Entry<T> | undefined {
    const entry = map.get(id);
    return entry && entry.expiresAt > this.now() ? entry : undefined;
  }

  /** Drops expired entries so a long `npm run dev` does not grow without bound. */
  private sweep<T>(map: Map<string, Entry<T>>): void {
    const now = this.now();
    for (const [id, entry] of map) if (entry.expiresAt <= now) map.delete(id);
  }
}
