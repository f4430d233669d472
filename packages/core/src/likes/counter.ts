import type { LikeMessage } from "./schema";
import type { LikeOutcome, LikeStore } from "./store";

export interface LikeCounterOptions {
  store: LikeStore;
}

export type LikeCounter = ReturnType<typeof createLikeCounter>;

/**
 * Counts a batch of likes with one store write per liked user (not per like), which is what keeps
 * DynamoDB requests per like low when batches are full.
 */
export function createLikeCounter({ store }: LikeCounterOptions) {
  return {
    /** Never rejects: `outcomes[i]` says what became of `likes[i]`. */
    async count(likes: readonly LikeMessage[]): Promise<LikeOutcome[]> {
      // The same (user, liker) twice in one batch is written once: a transaction may not touch an
      // item twice, and the second copy would be `already_counted` anyway.
      const byUser = new Map<string, Map<string, { like: LikeMessage; indexes: number[] }>>();
      likes.forEach((like, index) => {
        const likers = byUser.get(like.userId) ?? new Map<string, { like: LikeMessage; indexes: number[] }>();
        byUser.set(like.userId, likers);
        const seen = likers.get(like.likerId);
        if (seen) seen.indexes.push(index);
        else likers.set(like.likerId, { like, indexes: [index] });
      });

      const outcomes: LikeOutcome[] = new Array(likes.length);
      await Promise.all(
        [...byUser].map(async ([userId, likers]) => {
          const distinct = [...likers.values()];
          const written = await store.addLikes(
            userId,
            distinct.map(({ like }) => ({ likerId: like.likerId, likedAt: like.likedAt })),
          );
          distinct.forEach(({ indexes }, i) => {
            const outcome = written[i] ?? { status: "failed", error: new Error("the store returned no outcome") };
            const [first, ...copies] = indexes;
            outcomes[first!] = outcome;
            // A copy shares its original's fate, except that it is not what got counted.
            for (const copy of copies) outcomes[copy] = outcome.status === "counted" ? { status: "already_counted" } : outcome;
          });
        }),
      );
      return outcomes;
    },
  };
}
