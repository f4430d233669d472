import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { userKey } from "../users/keys";
import { likeKey } from "./keys";
import type { LikeOutcome, LikeStore, NewLike } from "./store";

export interface DynamoLikeStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Transactions cancelled for a reason other than a failed condition (conflict, throttling), tried again this many times. */
  maxRetries?: number;
}

/** TransactWriteItems takes at most 100 actions: 99 like puts and the one count update. */
export const MAX_LIKES_PER_TRANSACTION = 99;

/**
 * Each like is a conditional put of its own item; the count is one `ADD likes :n` on the profile, in
 * the same transaction. So the count moves only with the items that were really created, and a like
 * stored once (by this batch, an earlier delivery, or a concurrent one) is never counted again.
 */
export function createDynamoLikeStore({ client, tableName, maxRetries = 5 }: DynamoLikeStoreOptions): LikeStore {
  const transaction = (userId: string, likes: readonly NewLike[]) =>
    new TransactWriteCommand({
      TransactItems: [
        ...likes.map((like) => ({
          Put: {
            TableName: tableName,
            Item: { ...likeKey(userId, like.likerId), likerId: like.likerId, likedAt: like.likedAt },
            ConditionExpression: "attribute_not_exists(pk)",
          },
        })),
        {
          Update: {
            TableName: tableName,
            Key: userKey(userId),
            UpdateExpression: "ADD likes :n",
            // Without it, ADD would create a bare profile item for a deleted user.
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeValues: { ":n": likes.length },
          },
        },
      ],
    });

  /** Writes up to 99 likes of one user until each has an outcome; rejects only when retries run out. */
  async function writeChunk(userId: string, likes: readonly NewLike[]): Promise<LikeOutcome[]> {
    const outcomes: LikeOutcome[] = new Array(likes.length);
    let pending = likes.map((like, index) => ({ like, index }));
    let retries = 0;
    while (pending.length > 0) {
      try {
        await client.send(transaction(userId, pending.map((p) => p.like)));
        for (const p of pending) outcomes[p.index] = { status: "counted" };
        break;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        // One reason per action, in order: the likes, then the count update.
        const reasons = error.CancellationReasons ?? [];
        if (reasons[pending.length]?.Code === "ConditionalCheckFailed") {
          for (const p of pending) outcomes[p.index] = { status: "user_not_found" };
          break;
        }
        const stored = pending.filter((_, i) => reasons[i]?.Code === "ConditionalCheckFailed");
        if (stored.length > 0) {
          // Those likes exist already: drop them and write the rest. Each round removes at least one,
          // so this ends.
          for (const p of stored) outcomes[p.index] = { status: "already_counted" };
          pending = pending.filter((_, i) => reasons[i]?.Code !== "ConditionalCheckFailed");
          continue;
        }
        // A concurrent batch writing this user's count, or throttling: the transaction changed
        // nothing, so trying it again is safe. Anything else (a validation error) will not heal.
        const transient = reasons.some((reason) => TRANSIENT_REASONS.has(reason.Code ?? ""));
        if (!transient || ++retries > maxRetries) throw error;
        await sleep(backoffMs(retries));
      }
    }
    return outcomes;
  }

  return {
    async addLikes(userId, likes) {
      const outcomes: LikeOutcome[] = [];
      // One chunk after the other: concurrent transactions on the same profile item would only
      // cancel each other.
      for (let start = 0; start < likes.length; start += MAX_LIKES_PER_TRANSACTION) {
        const chunk = likes.slice(start, start + MAX_LIKES_PER_TRANSACTION);
        try {
          outcomes.push(...(await writeChunk(userId, chunk)));
        } catch (error) {
          outcomes.push(...chunk.map((): LikeOutcome => ({ status: "failed", error })));
        }
      }
      return outcomes;
    },
  };
}

const TRANSIENT_REASONS = new Set(["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"]);

/** Full jitter, 25 ms doubling to at most 1 s: concurrent writers of one hot user spread out. */
const backoffMs = (retry: number) => Math.random() * Math.min(1000, 25 * 2 ** retry);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
