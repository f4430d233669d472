import { beforeAll, describe, expect, it } from "vitest";
import { ApiError, isApiError, unwrap } from "../src";
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
