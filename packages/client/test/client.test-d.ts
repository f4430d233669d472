import { describe, expectTypeOf, it } from "vitest";
import { createClient, unwrap, type UsersClient } from "../src";

// Type-level tests: `npm test` fails when the client stops inferring the API's types.
declare const client: UsersClient;

describe("client types follow the routes", () => {
  it("infers the User from GET /users/:id", async () => {
    const user = await unwrap(client.users[":id"].$get({ param: { id: "x" } }));
    expectTypeOf(user.username).toEqualTypeOf<string>();
    expectTypeOf(user.likes).toEqualTypeOf<number>();
    expectTypeOf(user.avatar).toEqualTypeOf<{ thumbnails: { "64": string; "128": string; "256": string }; updatedAt: string } | null>();
  });

  it("infers the page of GET /users", async () => {
    const page = await unwrap(client.users.$get({ query: {} }));
    expectTypeOf(page.nextCursor).toEqualTypeOf<string | null>();
    expectTypeOf(page.items).toBeArray();
  });

  it("checks request bodies", () => {
    expectTypeOf(client.users.$post).parameter(0).toHaveProperty("json").toEqualTypeOf<{ username: string; name: string; email: string; age: number }>();
    // @ts-expect-error age is a number
    void client.users.$post({ json: { username: "a", name: "b", email: "c", age: "d" } });
  });

  it("narrows on status", async () => {
    const response = await client.users.$post({ json: { username: "a", name: "b", email: "c@d.e", age: 20 } });
    if (response.status === 201) expectTypeOf((await response.json()).version).toEqualTypeOf<number>();
  });

  it("accepts a token or a token getter", () => {
    expectTypeOf(createClient).parameter(0).toHaveProperty("getToken").toEqualTypeOf<(() => string | Promise<string>) | undefined>();
  });
});
