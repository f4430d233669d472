import type { NewLike } from "./store";

/** TransactWriteItems takes at most 100 actions. */
export const MAX_ACTIONS_PER_TRANSACTION = 100;
/** A user's likes in one transaction leave room for that user's one count update. */
export const MAX_LIKES_PER_TRANSACTION = MAX_ACTIONS_PER_TRANSACTION - 1;

/** A like still to be written, with its index in the store's input. */
export interface PendingLike {
  index: number;
  like: NewLike;
}

/**
 * One user's share of a transaction: a conditional put per like, then one `ADD likes :n` with
 * `n = likes.length`. A group is never split across transactions, so the count moves exactly with
 * the like items that commit beside it.
 */
export interface UserGroup {
  userId: string;
  likes: PendingLike[];
}

/** Actions a transaction of these groups holds: each group's puts plus its count update. */
export const actionCount = (groups: readonly UserGroup[]) => groups.reduce((sum, group) => sum + group.likes.length + 1, 0);

/**
 * Packs a batch into as few transactions as the 100-action limit allows (first fit): a full batch
 * of 50 likes (the event source's size) is always one transaction, whatever the number of users.
 * Only a user with more than 99 likes is split, into groups that go to different transactions,
 * because one transaction may not update the same profile twice.
 */
export function planTransactions(likes: readonly NewLike[]): UserGroup[][] {
  const byUser = new Map<string, PendingLike[]>();
  likes.forEach((like, index) => {
    const pending = byUser.get(like.userId) ?? [];
    byUser.set(like.userId, pending);
    pending.push({ index, like });
  });

  const transactions: UserGroup[][] = [];
  for (const [userId, pending] of byUser) {
    for (let start = 0; start < pending.length; start += MAX_LIKES_PER_TRANSACTION) {
      const group: UserGroup = { userId, likes: pending.slice(start, start + MAX_LIKES_PER_TRANSACTION) };
      const fits = (transaction: UserGroup[]) =>
        !transaction.some((other) => other.userId === userId) && actionCount(transaction) + actionCount([group]) <= MAX_ACTIONS_PER_TRANSACTION;
      const target = transactions.find(fits);
      if (target) target.push(group);
      else transactions.push([group]);
    }
  }
  return transactions;
}
