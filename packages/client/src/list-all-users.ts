import type { InferResponseType } from "hono/client";
import { unwrap, type UsersClient } from "./index";

export type User = InferResponseType<UsersClient["users"]["$get"], 200>["items"][number];

export interface ListAllUsersOptions {
  /** Users per request, 1–100 (default 100: fewest round trips). */
  pageSize?: number | undefined;
  /** Resume after a page you already have: its `nextCursor`. */
  cursor?: string | undefined;
}

/**
 * Every user, newest first, fetched a page at a time as you iterate:
 * `for await (const user of listAllUsers(client, { pageSize: 50 })) …`. Stop early with `break`
 * and no further page is requested. Errors are `ApiError`s, as from `unwrap`.
 */
export async function* listAllUsers(client: UsersClient, { pageSize = 100, cursor }: ListAllUsersOptions = {}): AsyncGenerator<User, void, undefined> {
  let next = cursor;
  do {
    const page = await unwrap(client.users.$get({ query: { limit: pageSize, ...(next ? { cursor: next } : {}) } }));
    yield* page.items;
    next = page.nextCursor ?? undefined;
  } while (next);
}
