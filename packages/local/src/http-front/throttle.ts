/** A stage's throttling settings, as `infra/manifest.ts` gives them to the deployed stage. */
export interface ThrottleSettings {
  /** Steady-state requests per second. */
  rateLimit: number;
  /** The bucket's size: how many requests may arrive at once. */
  burstLimit: number;
}

/**
 * API Gateway's throttle: a token bucket per stage, one token per request, refilled at `rateLimit`
 * per second up to `burstLimit`. `take()` is false when the request must be refused (429).
 */
export function tokenBucket(settings: ThrottleSettings, now: () => number = () => performance.now()) {
  let tokens = settings.burstLimit;
  let last = now();
  return {
    take(): boolean {
      const at = now();
      tokens = Math.min(settings.burstLimit, tokens + ((at - last) / 1000) * settings.rateLimit);
      last = at;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
