import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, retryingFetch, unwrap } from "../src";
import { retryAfterMs } from "../src/retry-fetch";

/** A fetch that answers from a script and records what it was asked: the retry logic is pure. */
function scriptedFetch(...statuses: (number | [number, Record<string, string>])[]) {
  const calls: { method: string; body: string | null }[] = [];
  const fetch: typeof globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    calls.push({ method: request.method, body: request.body ? await request.text() : null });
    const next = statuses.shift() ?? 200;
    const [status, headers] = Array.isArray(next) ? next : [next, {}];
    return new Response(status === 204 ? null : JSON.stringify({ status }), { status, headers });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

/** Waits nothing, but remembers how long it was asked to wait. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

const half = () => 0.5;

describe("retryingFetch", () => {
  it("retries a GET answered 503 with doubling, jittered backoff until it succeeds", async () => {
    const { fetch, calls } = scriptedFetch(503, 503, 503, 200);
    const { waits, sleep } = recordingSleep();
    const response = await retryingFetch({ fetch, sleep, random: half, baseDelayMs: 100 })("http://api.test/users");
    expect(response.status).toBe(200);
    expect(calls).toHaveLength(4);
    expect(waits).toEqual([50, 100, 200]);
  });

  it("honours Retry-After in seconds and as an HTTP date", async () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    const { fetch } = scriptedFetch([429, { "retry-after": "2" }], [503, { "retry-after": "Tue, 01 Jan 2030 00:00:03 GMT" }], 200);
    const { waits, sleep } = recordingSleep();
    await retryingFetch({ fetch, sleep, random: () => 0, now: () => now })("http://api.test/users", { method: "DELETE" });
    expect(waits).toEqual([2000, 3000]);
  });

  it("adds jitter on top of Retry-After", async () => {
    const { fetch } = scriptedFetch([429, { "retry-after": "1" }], 200);
    const { waits, sleep } = recordingSleep();
    await retryingFetch({ fetch, sleep, random: half, baseDelayMs: 100 })("http://api.test/users");
    expect(waits).toEqual([1050]);
  });

  it("gives up after the last retry and returns the last answer", async () => {
    const { fetch, calls } = scriptedFetch(503, 503, 503);
    const { sleep } = recordingSleep();
    const response = await retryingFetch({ fetch, sleep, retries: 2 })("http://api.test/users");
    expect(response.status).toBe(503);
    expect(calls).toHaveLength(3);
  });

  it("returns at once when Retry-After asks for longer than maxDelayMs", async () => {
    const { fetch, calls } = scriptedFetch([429, { "retry-after": "3600" }], 200);
    const { waits, sleep } = recordingSleep();
    const response = await retryingFetch({ fetch, sleep, maxDelayMs: 5000 })("http://api.test/users");
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("3600");
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it.each(["POST", "PATCH"])("never retries a %s: the first attempt may have taken effect", async (method) => {
    const { fetch, calls } = scriptedFetch(503, 200);
    const { sleep } = recordingSleep();
    const response = await retryingFetch({ fetch, sleep })("http://api.test/users", { method, body: "{}" });
    expect(response.status).toBe(503);
    expect(calls).toHaveLength(1);
  });

  it.each([500, 502, 400, 404])("does not retry a %i", async (status) => {
    const { fetch, calls } = scriptedFetch(status, 200);
    const response = await retryingFetch({ fetch, sleep: recordingSleep().sleep })("http://api.test/users");
    expect(response.status).toBe(status);
    expect(calls).toHaveLength(1);
  });

  it("sends the body again on every attempt of a PUT, also from a Request", async () => {
    const { fetch, calls } = scriptedFetch(503, 200);
    await retryingFetch({ fetch, sleep: recordingSleep().sleep })(new Request("http://api.test/things/1", { method: "PUT", body: '{"a":1}' }));
    expect(calls).toEqual([
      { method: "PUT", body: '{"a":1}' },
      { method: "PUT", body: '{"a":1}' },
    ]);
  });

  it("stops waiting when the request is aborted", async () => {
    const { fetch, calls } = scriptedFetch(503, 200);
    const controller = new AbortController();
    const waiting = retryingFetch({ fetch, baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1 })("http://api.test/users", { signal: controller.signal });
    // Abort once the first answer is in and the wait has begun.
    await expect.poll(() => calls.length).toBe(1);
    controller.abort(new Error("user gave up"));
    await expect(waiting).rejects.toThrow("user gave up");
    expect(calls).toHaveLength(1);
  });

  it("reads Retry-After forms and ignores nonsense", () => {
    expect(retryAfterMs("0", 0)).toBe(0);
    expect(retryAfterMs(" 7 ", 0)).toBe(7000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("2015-10-21T07:27:00Z"))).toBe(60_000);
    expect(retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("2016-01-01T00:00:00Z"))).toBe(0);
    expect(retryAfterMs("soon", 0)).toBeUndefined();
    expect(retryAfterMs("-1", 0)).toBeUndefined();
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });
});

describe("retryingFetch under the typed client, over real HTTP", () => {
  let server: Server;
  let baseUrl: string;
  const seen: string[] = [];

  beforeAll(async () => {
    // Busy twice, then the page: what API Gateway's throttling looks like to a client.
    let busy = 2;
    server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      if (busy-- > 0) {
        response.writeHead(503, { "content-type": "application/problem+json", "retry-after": "0" });
        response.end(JSON.stringify({ type: "about:blank", title: "Service Unavailable", status: 503, detail: "busy", requestId: "r" }));
        return;
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ items: [], nextCursor: null }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("gets the page after two 503s", async () => {
    const client = createClient({ baseUrl, token: "t", fetch: retryingFetch({ baseDelayMs: 1 }) });
    const page = await unwrap(client.users.$get({ query: {} }));
    expect(page).toEqual({ items: [], nextCursor: null });
    expect(seen).toEqual(["GET /users", "GET /users", "GET /users"]);
  });
});
