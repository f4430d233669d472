/**
 * What happened to one like:
 * - `counted`: stored now and added to the user's count;
 * - `already_counted`: this liker's like of this user was stored before (a redelivery or a repeat);
 * - `user_not_found`: the user does not exist (deleted since the API accepted the like): dropped;
 * - `failed`: not written; the caller must let it be retried.
 */
export type LikeOutcome =
  | { status: "counted" | "already_counted" | "user_not_found" }
  | { status: "failed"; error: unknown };

export interface NewLike {
  userId: string;
  likerId: string;
  likedAt: string;
}

/** What the like counter needs from storage; the DynamoDB adapter is one implementation. */
export interface LikeStore {
  /**
   * Stores each like and adds the newly stored ones to their user's count, so that a liker is
   * counted at most once per user, ever. `likes` may span many users but holds each (user, liker)
   * pair at most once. Never rejects: the outcome of each like is returned at its index.
   */
  addLikes(likes: readonly NewLike[]): Promise<LikeOutcome[]>;
}
