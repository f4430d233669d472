import { Hono } from "hono";
import { CreateUserInput, ListUsersQuery, PatchUserInput, type UserUseCases } from "@users/core/users";
import type { ApiEnv } from "../env";
import { IdParam, IfMatch, UsernameParam } from "../params";
import { validate } from "../validate";

const etag = (version: number) => `"${version}"`;

export const userRoutes = (users: UserUseCases) =>
  new Hono<ApiEnv>()
    .post("/users", validate("json", CreateUserInput), async (c) => {
      const user = await users.create(c.req.valid("json"));
      return c.json(user, 201, { location: `/users/${user.id}`, etag: etag(user.version) });
    })
    .get("/users", validate("query", ListUsersQuery), async (c) => c.json(await users.list(c.req.valid("query")), 200))
    .get("/users/by-username/:username", validate("param", UsernameParam), async (c) => {
      const user = await users.getByUsername(c.req.valid("param").username);
      return c.json(user, 200, { etag: etag(user.version) });
    })
    .get("/users/:id", validate("param", IdParam), async (c) => {
      const user = await users.get(c.req.valid("param").id);
      return c.json(user, 200, { etag: etag(user.version) });
    })
    .patch("/users/:id", validate("param", IdParam), validate("header", IfMatch), validate("json", PatchUserInput), async (c) => {
      const user = await users.patch(c.req.valid("param").id, c.req.valid("json"), c.req.valid("header")["if-match"]);
      return c.json(user, 200, { etag: etag(user.version) });
    })
    .delete("/users/:id", validate("param", IdParam), async (c) => {
      await users.remove(c.req.valid("param").id);
      return c.body(null, 204);
    });

