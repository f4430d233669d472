import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { userKey } from "../users/keys";
import { classifyCancellation } from "./cancellation";
import { likeKey } from "./keys";
import type { LikeOutcome, LikeStore } from "./store";
import { planTransactions, type UserGroup } from "./transaction-plan";

export interface DynamoLikeStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Transactions cancelled only by conflicts or throttling, tried again this many times. */
  maxRetries?: number;
}

/**
 * Each like is a conditional put of its own item; each user's count is one `ADD likes :n` on its
 * profile, in the same transaction as that user's like puts. So a count moves only with the items
 * that were really created, and a like stored once (by this batch, an earlier delivery, or a
 * concurrent one) is never counted again.
 *
 * A whole batch, all its users together, goes in one transaction (more only past 100 actions), which
 * makes a full batch of 50 likes cost one request when nothing is stored yet and two when a
 * redelivery, a repeat or a deleted user cancels the first. The price: one user's cancellation
 * cancels the others' writes too, so they are written again in the next round; the reasons say
 * exactly which likes to drop, so each round settles at least one like or backs off.
 */
export function createDynamoLikeStore({ client, tableName, maxRetries = 5 }: DynamoLikeStoreOptions): LikeStore {
  const transaction = (groups: readonly UserGroup[]) =>
    new TransactWriteCommand({
      // The order is what `classifyCancellation` reads the reasons against: per group, its puts then its count.
      TransactItems: groups.flatMap(({ userId, likes }) => [
        ...likes.map(({ like }) => ({
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
      ]),
    });

  /** Writes one planned transaction until each of its likes has an outcome in `outcomes`. */
  async function commit(planned: UserGroup[], outcomes: LikeOutcome[]): Promise<void> {
    let pending = planned;
    let retries = 0;
    const failAll = (error: unknown) => {
      for (const group of pending) for (const { index } of group.likes) outcomes[index] = { status: "failed", error };
    };
    while (pending.length > 0) {
      try {
        await client.send(transaction(pending));
        for (const group of pending) for (const { index } of group.likes) outcomes[index] = { status: "counted" };
        return;
      } catch (error) {
        const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
        const { settled, remaining, transient } = classifyCancellation(pending, reasons, error);
        for (const { index, outcome } of settled) outcomes[index] = outcome;
        pending = remaining;
        // Something was settled: the rest is written again at once. Each such round removes at
        // least one like, so this ends.
        if (settled.length > 0) continue;
        // Only conflicts or throttling (a concurrent batch on one of these profiles): the transaction
        // changed nothing, so trying it again is safe.
        if (transient && ++retries <= maxRetries) {
          await sleep(backoffMs(retries));
          continue;
        }
        if (transient || pending.length === 1) return failAll(error);
        // An error that names no action: one user's data may be at fault (DynamoDB Local answers a
        // type mismatch in one update with a bare ValidationException for the whole request), and
        // it must not fail the other users' likes. Halving finds the culprit in a few requests; on
        // the usual path (one transaction per batch) this never runs.
        const half = Math.ceil(pending.length / 2);
        await commit(pending.slice(0, half), outcomes);
        await commit(pending.slice(half), outcomes);
        return;
      }
    }
  }

  return {
    async addLikes(likes) {
      const outcomes: LikeOutcome[] = new Array(likes.length);
      // One transaction after the other: those of one batch share a profile only when a user has
      // more than 99 likes, and then concurrent ones would just cancel each other.
      for (const planned of planTransactions(likes)) await commit(planned, outcomes);
      return outcomes;
    },
  };
}

/** Full jitter, 25 ms doubling to at most 1 s: concurrent writers of one hot user spread out. */
const backoffMs = (retry: number) => Math.random() * Math.min(1000, 25 * 2 ** retry);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
