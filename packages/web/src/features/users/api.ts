import { queryOptions } from "@tanstack/react-query";
import type { User } from "@users/client";
import { api, unwrap } from "../../lib/api";

export const pageSize = 10;

export const usersPageQuery = (cursor: string | undefined) =>
  queryOptions({
    queryKey: ["users", "page", cursor ?? null],
    queryFn: () => unwrap(api.users.$get({ query: { limit: String(pageSize), ...(cursor ? { cursor } : {}) } })),
  });

export const userQuery = (id: string) =>
  queryOptions({
    queryKey: ["users", "one", id],
    queryFn: () => unwrap(api.users[":id"].$get({ param: { id } })),
  });

export const getUserByUsername = (username: string): Promise<User> =>
  unwrap(api.users["by-username"][":username"].$get({ param: { username } }));
