import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { logger } from "../src/api/request-log";
import { authorizedEnv, createTestApp } from "./support/app";

let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  api = await createTestApp();
});
afterEach(() => {
  vi.restoreAllMocks();
  logger.setLogLevel("SILENT");
});

/** Runs one request with the logger on and returns the JSON lines it wrote. */
async function linesWritten(request: () => Response | Promise<Response>) {
  logger.setLogLevel("INFO");
  const lines: string[] = [];
  const capture = (chunk: unknown) => (lines.push(String(chunk)), true);
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  const response = await request();
  return { response, logs: lines.flatMap((chunk) => chunk.split("\n")).filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("request log", () => {
  it("writes one structured line per request, with the route but never the token or the body", async () => {
    const secret = "s3cr3t-name-in-body";
    const env = authorizedEnv();
    const { response, logs } = await linesWritten(() =>
      api.app.request(
        "/users",
        { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer tok.en.value" }, body: JSON.stringify({ username: "logged", name: secret, email: "l@example.com", age: 30 }) },
        env,
      ),
    );
    expect(response.status).toBe(201);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ message: "request", method: "POST", route: "/users", status: 201, requestId: env.event.requestContext.requestId });
    expect(logs[0]?.durationMs).toEqual(expect.any(Number));
    expect(JSON.stringify(logs)).not.toContain(secret);
    expect(JSON.stringify(logs)).not.toContain("tok.en.value");
  });

  it("logs the route pattern, not the path with ids in it", async () => {
    const { logs } = await linesWritten(() => api.app.request("/users/01ARZ3NDEKTSV4RRFFQ69G5FAV", {}, authorizedEnv()));
    expect(logs[0]).toMatchObject({ route: "/users/:id", status: 404 });
  });
});
