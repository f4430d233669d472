import type { LikeMessage } from "./schema";

/** Hands a like to whatever counts it later; the SQS adapter is one implementation. */
export interface LikePublisher {
  /** Resolves once the like is durably queued; rejects if it is not. */
  publish(like: LikeMessage): Promise<void>;
}
