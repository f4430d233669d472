import { monotonicFactory } from "ulid";
import { notFound } from "../errors";
import { decodeCursor, encodeCursor } from "./cursor";
import type { CreateUserInput, ListUsersQuery, PatchUserInput, User, UserPage } from "./schema";
import type { UserStore } from "./store";

export interface UserUseCasesOptions {
  store: UserStore;
  /** Injected so tests can pin time. */
  now?: () => Date;
  /** Cleans up what the user owns outside the table (avatar objects) once the user is deleted. */
  onRemoved?: (user: User) => Promise<void>;
}

export type UserUseCases = ReturnType<typeof createUserUseCases>;

export function createUserUseCases({ store, now = () => new Date(), onRemoved }: UserUseCasesOptions) {
  const newId = monotonicFactory();

  const get = async (id: string): Promise<User> => {
    const user = await store.get(id);
    if (!user) throw notFound(`user ${id}`);
    return user;
  };

  return {
    async create(input: CreateUserInput): Promise<User> {
      const at = now();
      const timestamp = at.toISOString();
      const user: User = { id: newId(at.getTime()), ...input, likes: 0, avatar: null, createdAt: timestamp, updatedAt: timestamp, version: 1 };
      await store.insert(user);
      return user;
    },

    get,

    async getByUsername(username: string): Promise<User> {
      const user = await store.getByUsername(username);
      if (!user) throw notFound(`user "${username}"`);
      return user;
    },

    async list({ limit, cursor }: ListUsersQuery): Promise<UserPage> {
      const page = await store.list({ limit, after: cursor ? decodeCursor(cursor) : undefined });
      return { items: page.items, nextCursor: page.last ? encodeCursor(page.last) : null };
    },

    async patch(id: string, input: PatchUserInput, expectedVersion?: number): Promise<User> {
      const { username: _immutable, ...changes } = input;
      return store.update(id, changes, { now: now().toISOString(), expectedVersion });
    },

    async remove(id: string): Promise<User> {
      const user = await store.remove(id);
      // After the user is gone, so that an upload finishing meanwhile finds no user and cleans up too.
      await onRemoved?.(user);
      return user;
    },
  };
}
