import { beforeAll, describe, expect, it } from "vitest";
import { ApiError, unwrap } from "@users/client";
import { createApp } from "../src/api/app";
import { allScopes, authorizedEnv, createTestApp } from "./support/app";

let api: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  api = await createTestApp();
});

const newUser = (username: string) => ({ username, name: "  Alan Turing ", email: `${username}@example.com`, age: 41 });

describe("users routes through the typed client", () => {
  it("creates, reads, lists, patches and deletes a user", async () => {
    const { client } = api;
    const created = await client.users.$post({ json: newUser("alan") });
    expect(created.status).toBe(201);
    const user = await unwrap(created);
    expect(user.name).toBe("Alan Turing");
    expect(created.headers.get("location")).toBe(`/users/${user.id}`);
    expect(created.headers.get("etag")).toBe('"1"');

    expect(await unwrap(client.users[":id"].$get({ param: { id: user.id } }))).toEqual(user);
    expect(await unwrap(client.users["by-username"][":username"].$get({ param: { username: "alan" } }))).toEqual(user);

    const page = await unwrap(client.users.$get({ query: { limit: "100" } }));
    expect(page.items.map((u) => u.id)).toContain(user.id);

    const patched = await unwrap(client.users[":id"].$patch({ param: { id: user.id }, json: { age: 42 }, header: { "if-match": '"1"' } }));
    expect(patched).toMatchObject({ age: 42, version: 2 });

    const deleted = await client.users[":id"].$delete({ param: { id: user.id } });
    expect(deleted.status).toBe(204);
    const gone = await client.users[":id"].$get({ param: { id: user.id } });
    expect(gone.status).toBe(404);
  });

  it("answers health without a token", async () => {
    const response = await api.clientWith(undefined).health.$get();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});

describe("errors are problem+json", () => {
  const expectProblem = async (response: Response, status: number) => {
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: "about:blank", status, title: expect.any(String), detail: expect.any(String), requestId: expect.any(String) });
    expect(body.requestId).toBe(response.headers.get("x-request-id"));
    return body;
  };
  const send = (method: string, path: string, init: RequestInit = {}, env: object | null = authorizedEnv()) =>
    api.app.request(path, { method, ...init }, env ?? undefined);
  const json = (body: unknown) => ({ headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("400 lists every invalid field", async () => {
    const body = await expectProblem(await send("POST", "/users", json({ username: "No Caps!", name: "", email: "nope", age: 12 })), 400);
    expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(["age", "email", "name", "username"]);
    // Named as a reader names the request's parts, not by the validator's internal target.
    expect(body.detail).toMatch(/^invalid body: /);
    expect((await expectProblem(await send("GET", "/users?limit=0"), 400)).detail).toMatch(/^invalid query string: limit: /);
    expect((await expectProblem(await send("GET", "/users/not-an-id"), 400)).detail).toMatch(/^invalid path: id: /);
  });

  it("400 for unknown fields, an empty patch and a username change", async () => {
    const user = await unwrap(api.client.users.$post({ json: newUser("strict") }));
    await expectProblem(await send("POST", "/users", json({ ...newUser("extra"), admin: true })), 400);
    await expectProblem(await send("PATCH", `/users/${user.id}`, json({})), 400);
    const renamed = await expectProblem(await send("PATCH", `/users/${user.id}`, json({ username: "other" })), 400);
    expect(JSON.stringify(renamed.errors)).toContain("username cannot be changed");
  });

  it("400 for malformed JSON, bad limits, bad cursors, bad ids and bad If-Match", async () => {
    await expectProblem(await send("POST", "/users", { headers: { "content-type": "application/json" }, body: "{nope" }), 400);
    await expectProblem(await send("GET", "/users?limit=0"), 400);
    await expectProblem(await send("GET", "/users?limit=101"), 400);
    await expectProblem(await send("GET", "/users?cursor=%%%"), 400);
    await expectProblem(await send("GET", "/users/not-an-id"), 400);
    await expectProblem(await send("PATCH", "/users/01ARZ3NDEKTSV4RRFFQ69G5FAV", { ...json({ age: 30 }), headers: { "content-type": "application/json", "if-match": "3" } }), 400);
  });

  it("415 for a body that is not sent as JSON", async () => {
    const body = await expectProblem(await send("POST", "/users", { headers: { "content-type": "application/x-www-form-urlencoded" }, body: "username=x" }), 415);
    expect(body.detail).toContain("application/json");
  });

  it("409 when the username is taken", async () => {
    await unwrap(api.client.users.$post({ json: newUser("dupe") }));
    await expectProblem(await send("POST", "/users", json(newUser("dupe"))), 409);
  });

  it("412 when If-Match is stale, 404 when the user is missing", async () => {
    const user = await unwrap(api.client.users.$post({ json: newUser("stale") }));
    await unwrap(api.client.users[":id"].$patch({ param: { id: user.id }, json: { age: 50 }, header: {} }));
    await expectProblem(await send("PATCH", `/users/${user.id}`, { ...json({ age: 51 }), headers: { "content-type": "application/json", "if-match": '"1"' } }), 412);
    await expectProblem(await send("GET", "/users/01ARZ3NDEKTSV4RRFFQ69G5FAV"), 404);
    await expectProblem(await send("DELETE", "/users/01ARZ3NDEKTSV4RRFFQ69G5FAV"), 404);
  });

  it("413 for a body over 1 MiB", async () => {
    await expectProblem(await send("POST", "/users", json({ ...newUser("big"), name: "x".repeat(1024 * 1024) })), 413);
  });

  it("404 for an unknown route, 405 with Allow for a wrong method", async () => {
    await expectProblem(await send("GET", "/nowhere"), 404);
    const response = await send("PUT", "/users");
    await expectProblem(response, 405);
    expect(response.headers.get("allow")).toContain("POST");
  });

  it("401 without verified claims, 403 without the route's scope", async () => {
    await expectProblem(await send("GET", "/users", {}, null), 401);
    // A header cannot stand in for the authorizer.
    await expectProblem(await send("GET", "/users", { headers: { authorization: "Bearer whatever", "x-scopes": "users:read" } }, null), 401);
    const readOnly = authorizedEnv("reader", ["users:read"]);
    const body = await expectProblem(await send("POST", "/users", json(newUser("nope")), readOnly), 403);
    expect(body.detail).toContain("users:write");
    expect((await send("GET", "/users", {}, readOnly)).status).toBe(200);
    expect(allScopes).toContain("users:write");
  });

  it("500 hides internals and keeps the request id", async () => {
    // The one place a fake stands in: a use case that fails in a way no real adapter does on cue.
    const failing = new Proxy({} as never, {
      get: () => () => Promise.reject(new Error("ResourceNotFoundException: table users-secret-name at arn:aws:dynamodb")),
    });
    const response = await createApp({ users: failing, likes: failing, avatars: failing }).request("/users/01ARZ3NDEKTSV4RRFFQ69G5FAV", {}, authorizedEnv());
    const body = await expectProblem(response, 500);
    expect(JSON.stringify(body)).not.toMatch(/ResourceNotFound|secret|arn:|at /);
  });

  it("accepts Cognito's resource-server scope names", async () => {
    const cognito = authorizedEnv("machine", ["users-api/users:read"]);
    expect((await send("GET", "/users", {}, cognito)).status).toBe(200);
  });
});

describe("races through the API", () => {
  it("20 concurrent creates of one username: one 201, nineteen 409", async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, () => api.client.users.$post({ json: newUser("race_api") }).then((r): number => r.status)));
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
  });

  it("20 concurrent PATCHes with one If-Match: one 200, nineteen 412", async () => {
    const user = await unwrap(api.client.users.$post({ json: newUser("race_patch") }));
    const statuses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.client.users[":id"].$patch({ param: { id: user.id }, json: { age: 30 + i }, header: { "if-match": '"1"' } }).then((r): number => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(19);
  });

  it("ApiError carries the problem body", async () => {
    const error = await unwrap(api.client.users[":id"].$get({ param: { id: "01ARZ3NDEKTSV4RRFFQ69G5FAV" } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).problem.status).toBe(404);
  });
});
