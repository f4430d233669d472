import type { User } from "./schema";

/** What the user use cases need from storage; the DynamoDB adapter is one implementation. */
export interface UserStore {
  /** Writes the user and claims its username atomically; `conflict` when the username is taken. */
  insert(user: User): Promise<void>;
  get(id: string): Promise<User | null>;
  getByUsername(username: string): Promise<User | null>;
  /** Newest first. `after` is the id of the last user of the previous page. */
  list(options: { limit: number; after?: string }): Promise<{ items: User[]; last: string | null }>;
  /**
   * Applies `changes`, bumps `version` and `updatedAt`. With `expectedVersion`, only if the stored
   * version still equals it (`precondition_failed` otherwise); `not_found` when there is no user.
   */
  update(id: string, changes: UserChanges, options: { now: string; expectedVersion?: number }): Promise<User>;
  /** Removes the user, its username claim and everything else kept under it; `not_found` if absent. */
  remove(id: string): Promise<User>;
}

export type UserChanges = Partial<Pick<User, "name" | "email" | "age">>;
