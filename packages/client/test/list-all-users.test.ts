import { beforeAll, describe, expect, it } from "vitest";
import { createClient, listAllUsers, unwrap, type User } from "../src";
import { authorizedEnv, createTestApp } from "../../functions/test/support/app";

let api: Awaited<ReturnType<typeof createTestApp>>;
let created: User[];
/** GET /users requests the client made, with their query. */
const pageRequests: string[] = [];
let client: ReturnType<typeof createClient>;

beforeAll(async () => {
  api = await createTestApp();
  const env = authorizedEnv();
  // The in-process client, with every page request noted so the test can count round trips.
  client = createClient({
    baseUrl: "http://api.test",
    fetch: ((input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.pathname === "/users" && (init?.method ?? "GET") === "GET") pageRequests.push(url.search);
      return api.app.request(input, init, env);
    }) as typeof fetch,
  });
  created = [];
  for (let i = 0; i < 7; i++) {
    created.push(await unwrap(client.users.$post({ json: { username: `pager_${i}`, name: `Pager ${i}`, email: `pager${i}@example.com`, age: 30 + i } })));
  }
});

const collect = async (users: AsyncIterable<User>) => {
  const all: User[] = [];
  for await (const user of users) all.push(user);
  return all;
};

describe("listAllUsers", () => {
  it("yields every user across pages, newest first", async () => {
    pageRequests.length = 0;
    const all = await collect(listAllUsers(client, { pageSize: 3 }));
    expect(all.map((user) => user.username)).toEqual(created.map((user) => user.username).reverse());
    // 3 + 3 + 1: the last page says there is no next one.
    expect(pageRequests).toHaveLength(3);
    expect(pageRequests[0]).toBe("?limit=3");
    expect(pageRequests[1]).toMatch(/^\?limit=3&cursor=/);
  });

  it("requests no further page once the caller stops", async () => {
    pageRequests.length = 0;
    const firstFour: User[] = [];
    for await (const user of listAllUsers(client, { pageSize: 2 })) {
      firstFour.push(user);
      if (firstFour.length === 4) break;
    }
    expect(firstFour).toHaveLength(4);
    expect(pageRequests).toHaveLength(2);
  });

  it("resumes from a cursor", async () => {
    const first = await unwrap(client.users.$get({ query: { limit: "5" } }));
    const rest = await collect(listAllUsers(client, { pageSize: 100, cursor: first.nextCursor! }));
    expect([...first.items, ...rest].map((user) => user.id)).toEqual(created.map((user) => user.id).reverse());
  });

  it("throws the API's error as an ApiError", async () => {
    await expect(collect(listAllUsers(client, { pageSize: 1000 }))).rejects.toMatchObject({ name: "ApiError", status: 400 });
  });
});
