import type { CancellationReason } from "@aws-sdk/client-dynamodb";
import type { LikeOutcome } from "./store";
import type { UserGroup } from "./transaction-plan";

/** Reasons that say the transaction changed nothing and may succeed if simply tried again. */
const TRANSIENT = new Set(["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"]);
const CONDITION_FAILED = "ConditionalCheckFailed";

export interface Classification {
  /** Likes whose fate the reasons settle for good, by input index. */
  settled: { index: number; outcome: LikeOutcome }[];
  /** The groups minus their settled likes (empty groups left out): what to write again. */
  remaining: UserGroup[];
  /** Some action was cancelled only by a conflict or throttling. */
  transient: boolean;
}

/**
 * Reads a cancelled transaction's reasons, which DynamoDB gives one per action in the order sent:
 * for each group, its like puts, then its count update.
 *
 * - a failed profile condition: the user does not exist, so all of its likes are `user_not_found`;
 * - a failed like condition: that like is stored already (`already_counted`), so it leaves the group
 *   and the group's `:n` drops by one when it is written again;
 * - a conflict or throttling: nothing to settle, the caller backs off and retries;
 * - any other reason: the like (or, on the profile, the whole group) is `failed`.
 *
 * The cancelled transaction wrote nothing, so any subset of it can be written again safely.
 */
export function classifyCancellation(groups: readonly UserGroup[], reasons: readonly CancellationReason[], error: unknown): Classification {
  const settled: Classification["settled"] = [];
  const remaining: UserGroup[] = [];
  let transient = false;
  let offset = 0;
  for (const group of groups) {
    const likeCodes = group.likes.map((_, i) => reasons[offset + i]?.Code ?? "None");
    const countCode = reasons[offset + group.likes.length]?.Code ?? "None";
    offset += group.likes.length + 1;
    transient ||= [...likeCodes, countCode].some((code) => TRANSIENT.has(code));

    if (countCode === CONDITION_FAILED) {
      for (const { index } of group.likes) settled.push({ index, outcome: { status: "user_not_found" } });
      continue;
    }
    if (isPermanentFailure(countCode)) {
      for (const { index } of group.likes) settled.push({ index, outcome: { status: "failed", error } });
      continue;
    }
    const kept = group.likes.filter(({ index }, i) => {
      const code = likeCodes[i]!;
      if (code === CONDITION_FAILED) settled.push({ index, outcome: { status: "already_counted" } });
      else if (isPermanentFailure(code)) settled.push({ index, outcome: { status: "failed", error } });
      else return true;
      return false;
    });
    if (kept.length > 0) remaining.push({ userId: group.userId, likes: kept });
  }
  return { settled, remaining, transient };
}

const isPermanentFailure = (code: string) => code !== "None" && code !== CONDITION_FAILED && !TRANSIENT.has(code);
