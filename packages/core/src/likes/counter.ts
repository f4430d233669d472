import type { LikeMessage } from "./schema";
import type { LikeOutcome, LikeStore } from "./store";

export interface LikeCounterOptions {
  store: LikeStore;
}

export type LikeCounter = ReturnType<typeof createLikeCounter>;

/**
 * Counts a batch of likes with one store write for the whole batch (the DynamoDB store makes it one
 * transaction for up to 100 actions), which is what keeps DynamoDB requests per like low when
 * batches are full, however many users they touch.
 */
export function createLikeCounter({ store }: LikeCounterOptions) {
  return {
    /** Never rejects: `outcomes[i]` says what became of `likes[i]`. */
    async count(likes: readonly LikeMessage[]): Promise<LikeOutcome[]> {
      // The same (user, liker) twice in one batch is written once: a transaction may not touch an
      // item twice, and the second copy would be `already_counted` anyway.
      const distinct = new Map<string, { like: LikeMessage; indexes: number[] }>();
      likes.forEach((like, index) => {
        const key = JSON.stringify([like.userId, like.likerId]);
        const seen = distinct.get(key);
        if (seen) seen.indexes.push(index);
        else distinct.set(key, { like, indexes: [index] });
      });

      const entries = [...distinct.values()];
      let written: LikeOutcome[];
      try {
        written = await store.addLikes(entries.map(({ like }) => ({ userId: like.userId, likerId: like.likerId, likedAt: like.likedAt })));
      } catch (error) {
        written = entries.map(() => ({ status: "failed", error }));
      }

      const outcomes: LikeOutcome[] = new Array(likes.length);
      entries.forEach(({ indexes }, i) => {
        const outcome = written[i] ?? { status: "failed", error: new Error("the store returned no outcome") };
        const [first, ...copies] = indexes;
        outcomes[first!] = outcome;
        // A copy shares its original's fate, except that it is not what got counted.
        for (const copy of copies) outcomes[copy] = outcome.status === "counted" ? { status: "already_counted" } : outcome;
      });
      return outcomes;
    },
  };
}
