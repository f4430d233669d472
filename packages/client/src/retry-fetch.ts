/**
 * A `fetch` that retries idempotent requests answered 429 or 503, for `createClient({ fetch })`:
 * exponential backoff with full jitter, or the server's `Retry-After` when it gives one. POST and
 * PATCH are never retried: the first attempt may have taken effect.
 */

export interface RetryOptions {
  /** The fetch to wrap. Default: the global fetch. */
  fetch?: typeof fetch | undefined;
  /** Attempts after the first (default 3). */
  retries?: number | undefined;
  /** The first backoff's upper bound (default 200 ms); it doubles per attempt. */
  baseDelayMs?: number | undefined;
  /** No single wait is longer: a `Retry-After` beyond it returns the answer instead (default 10 s). */
  maxDelayMs?: number | undefined;
  /** Seams for tests. */
  random?: (() => number) | undefined;
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  now?: (() => number) | undefined;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);
const RETRYABLE = new Set([429, 503]);

export function retryingFetch(options: RetryOptions = {}): typeof fetch {
  const doFetch = options.fetch ?? globalThis.fetch;
  const { retries = 3, baseDelayMs = 200, maxDelayMs = 10_000, random = Math.random, sleep = abortableSleep, now = Date.now } = options;

  const retrying = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    if (!IDEMPOTENT.has(method)) return doFetch(input, init);

    for (let attempt = 0; ; attempt++) {
      // A Request's body can be read once: each attempt sends a copy.
      const response = await doFetch(input instanceof Request ? input.clone() : input, init);
      if (!RETRYABLE.has(response.status) || attempt >= retries) return response;

      const backoff = random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
      const asked = retryAfterMs(response.headers.get("retry-after"), now());
      // The server knows best; jitter on top still spreads clients that were told the same time.
      const delay = asked === undefined ? backoff : asked + random() * baseDelayMs;
      if (delay > maxDelayMs) return response;
      // Release the connection before waiting.
      await response.body?.cancel();
      await sleep(delay, init?.signal ?? (input instanceof Request ? input.signal : undefined));
    }
  };
  return retrying as typeof fetch;
}

/** `Retry-After` is seconds or an HTTP date (RFC 9110 §10.2.3); anything else is ignored. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // HTTP dates start with the day's name; `Date.parse` alone would read "-1" as a year.
  const date = /^[A-Za-z]{3}/.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
