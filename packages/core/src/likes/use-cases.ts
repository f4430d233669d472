import type { UserUseCases } from "../users/use-cases";
import type { LikePublisher } from "./publisher";
import type { LikeMessage } from "./schema";

export interface LikeUseCasesOptions {
  users: Pick<UserUseCases, "get">;
  publisher: LikePublisher;
  /** Injected so tests can pin time. */
  now?: () => Date;
}

export type LikeUseCases = ReturnType<typeof createLikeUseCases>;

/** The API side of likes: accept now, count later (the queue subscriber runs `LikeCounter`). */
export function createLikeUseCases({ users, publisher, now = () => new Date() }: LikeUseCasesOptions) {
  return {
    /** `not_found` for an unknown user; resolves once the like is queued. */
    async like(userId: string, likerId: string): Promise<LikeMessage> {
      await users.get(userId);
      const like: LikeMessage = { userId, likerId, likedAt: now().toISOString() };
      await publisher.publish(like);
      return like;
    },
  };
}
