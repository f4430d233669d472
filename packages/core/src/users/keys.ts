/**
 * The single-table layout. Every item of a user (profile, likes received) shares the partition
 * `USER#<id>`, so deleting a user is one Query away; usernames are claimed by their own items so
 * uniqueness is a conditional put inside a transaction.
 */
export const userKey = (id: string) => ({ pk: `USER#${id}`, sk: "PROFILE" });
export const usernameKey = (username: string) => ({ pk: `USERNAME#${username}`, sk: "CLAIM" });
/** All users share one GSI partition; ULIDs sort by creation time, so the sort key is the id. */
export const byCreatedAtKey = (id: string) => ({ gsi1pk: "USERS", gsi1sk: id });
export const BY_CREATED_AT_INDEX = "byCreatedAt";
