import { userKey } from "../users/keys";

/**
 * A like lives in the liked user's partition, one item per liker: the item's existence is what makes
 * "liking twice counts once" hold, and deleting the user's partition deletes its likes.
 */
export const likeKey = (userId: string, likerId: string) => ({ pk: userKey(userId).pk, sk: `LIKE#${likerId}` });
