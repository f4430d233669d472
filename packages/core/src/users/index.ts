export * from "./schema";
export type { UserStore, UserChanges } from "./store";
export { createDynamoUserStore } from "./dynamo-store";
export { createUserUseCases, type UserUseCases } from "./use-cases";
export { userKey, usernameKey } from "./keys";
export { toUser, type UserItem } from "./item";
