import * as z from "zod";
import { UserId } from "../users/schema";

/**
 * Who liked: the token's `sub`. Bounded so the like item's sort key (`LIKE#<likerId>`) stays well
 * under DynamoDB's 1024-byte limit even in 4-byte UTF-8.
 */
export const LikerId = z.string().min(1).max(200);

/**
 * The message on the likes queue: the contract between the API (producer) and the subscriber
 * (consumer), checked on both sides. Not strict on purpose: a consumer still on the old code keeps
 * reading messages from a producer that already added a field.
 */
export const LikeMessage = z
  .object({
    userId: UserId,
    likerId: LikerId,
    likedAt: z.iso.datetime(),
  })
  .meta({ id: "LikeMessage" });
export type LikeMessage = z.infer<typeof LikeMessage>;

/** An SQS body as it arrives: a JSON string holding a `LikeMessage`. */
export const LikeMessageBody = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "the body is not JSON" });
      return z.NEVER;
    }
  })
  .pipe(LikeMessage);

/** The one way a like becomes a queue body: validated, so a bad message never leaves the producer. */
export const encodeLikeMessage = (like: LikeMessage) => JSON.stringify(LikeMessage.parse(like));
