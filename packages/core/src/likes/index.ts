export * from "./schema";
export { likeKey } from "./keys";
export type { LikePublisher } from "./publisher";
export type { LikeOutcome, LikeStore, NewLike } from "./store";
export { createDynamoLikeStore, type DynamoLikeStoreOptions } from "./dynamo-store";
export { MAX_ACTIONS_PER_TRANSACTION, MAX_LIKES_PER_TRANSACTION } from "./transaction-plan";
export { createLikeCounter, type LikeCounter } from "./counter";
export { createLikeUseCases, type LikeUseCases } from "./use-cases";
