import { beforeAll, describe, expect, inject, it } from "vitest";
import { ApiError, createClient, isApiError, unwrap } from "../src";
import { authorizedEnv, createTestApp } from "../../functions/test/support/app";

let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  api = await createTestApp();
});

const caught = (promise: Promise<unknown>) => promise.then(() => expect.fail("expected a rejection"), (error: unknown) => error);

describe("typed errors", () => {
  it("turns a problem+json answer into an ApiError to branch on by status", async () => {
    const error = await caught(unwrap(api.client.users[":id"].$get({ param: { id: "01J9ZQ4X8K3M5N7P9R1T3V5X7Z" } })));
    expect(isApiError(error)).toBe(true);
    expect(isApiError(error, 404)).toBe(true);
    expect(isApiError(error, [400, 404])).toBe(true);
    expect(isApiError(error, 409)).toBe(false);
    if (!isApiError(error)) throw error;
    expect(error.problem).toMatchObject({ status: 404, title: "Not Found", type: "about:blank" });
    expect(error.problem.requestId).toEqual(expect.any(String));
  });

  it("carries the field errors of a 400", async () => {
    const error = await caught(unwrap(api.client.users.$post({ json: { username: "NO", name: "", email: "x", age: 3 } })));
    expect(isApiError(error, 400)).toBe(true);
    expect([...new Set((error as ApiError).problem.errors?.map((field) => field.path))].sort()).toEqual(["age", "email", "name", "username"]);
  });

  it("tells a 409 from a 403", async () => {
    const json = { username: `taken_${Date.now()}`, name: "Ada", email: "ada@example.com", age: 36 };
    await unwrap(api.client.users.$post({ json }));
    expect(isApiError(await caught(unwrap(api.client.users.$post({ json }))), 409)).toBe(true);

    const readOnly = api.clientWith(authorizedEnv("reader", ["users:read"]));
    expect(isApiError(await caught(unwrap(readOnly.users.$post({ json }))), 403)).toBe(true);
  });

  it("is false for anything that is not an ApiError", () => {
    expect(isApiError(new Error("boom"))).toBe(false);
    expect(isApiError({ status: 404, problem: {} }, 404)).toBe(false);
    expect(isApiError(undefined)).toBe(false);
  });
});

/** A client whose every answer is `answer`: the shapes below are what API Gateway sends before the API runs. */
const answering = (answer: () => Response) => createClient({ baseUrl: "https://gateway.test", fetch: (async () => answer()) as typeof fetch });
const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

describe("errors from API Gateway itself become the same ApiError", () => {
  // HTTP API JWT authorizer: 401 {"message":"Unauthorized"}, the reason in WWW-Authenticate (RFC 6750 §3).
  it("reads a refused token's reason from WWW-Authenticate", async () => {
    const api = answering(() =>
      json(401, { message: "Unauthorized" }, { "www-authenticate": 'Bearer scope="" error="invalid_token" error_description="the token has expired"', "apigw-requestid": "Ab1cDEfGhIjKlM=" }),
    );
    const error = await caught(unwrap(api.users.$get({ query: {} })));
    if (!isApiError(error, 401)) throw error;
    expect({ status: error.status, title: error.title, detail: error.detail, requestId: error.requestId }).toEqual({
      status: 401,
      title: "Unauthorized",
      detail: "the token has expired",
      requestId: "Ab1cDEfGhIjKlM=",
    });
    expect(error.problem).toMatchObject({ type: "about:blank", status: 401, title: "Unauthorized" });
    expect(error.message).toBe("401 Unauthorized: the token has expired");
  });

  it.each([
    [429, "Too Many Requests"],
    [500, "Internal Server Error"],
    [503, "Service Unavailable"],
    [413, "Request Entity Too Large"],
  ])("turns %i {message: %j} into status, title and detail", async (status, message) => {
    const error = await caught(unwrap(answering(() => json(status, { message })).health.$get()));
    if (!isApiError(error, status)) throw error;
    expect([error.title, error.detail, error.problem.status]).toEqual([message, message, status]);
  });

  it("keeps a non-JSON answer's text as the detail, under the status's own title", async () => {
    const api = answering(() => new Response("<html>Bad Gateway</html>", { status: 502, statusText: "Bad Gateway" }));
    const error = await caught(unwrap(api.health.$get()));
    if (!isApiError(error, 502)) throw error;
    expect([error.title, error.detail]).toEqual(["Bad Gateway", "<html>Bad Gateway</html>"]);
  });

  it("an answer without a token from the running offline API is a 401 ApiError with a title and a detail", async () => {
    const error = await caught(unwrap(createClient({ baseUrl: inject("apiUrl") }).users.$get({ query: { limit: 1 } })));
    if (!isApiError(error, 401)) throw error;
    expect(error.title).toBe("Unauthorized");
    expect(error.detail).not.toBe("");
  });
});
