import { ThumbnailSizes, type User } from "./schema";

/** What a user looks like in the table. Storage fields never leave this module's callers. */
export interface UserItem {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
  id: string;
  username: string;
  name: string;
  email: string;
  age: number;
  likes?: number;
  avatar?: { updatedAt: string; uploadId: string } | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** The one place a stored item becomes the public User. */
export function toUser(item: Record<string, unknown>): User {
  const stored = item as unknown as UserItem;
  const avatar = stored.avatar
    ? {
        // Served through the API, which answers with a short-lived URL: stable links, private bucket.
        thumbnails: Object.fromEntries(ThumbnailSizes.map((size) => [size, `/users/${stored.id}/avatar/${size}`])) as Record<
          (typeof ThumbnailSizes)[number],
          string
        >,
        updatedAt: stored.avatar.updatedAt,
      }
    : null;
  // Validated on the way in; re-parsing every read would only cost time.
  return {
    id: stored.id,
    username: stored.username,
    name: stored.name,
    email: stored.email,
    age: stored.age,
    likes: stored.likes ?? 0,
    avatar,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
    version: stored.version,
  };
}
