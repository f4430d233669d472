import { storedAvatar } from "../avatars/dynamo-records";
import { thumbnailUrls } from "../avatars/keys";
import type { User } from "./schema";

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
  /** `digest` names the thumbnails' content-addressed keys (absent on avatars stored before it: shown as none). */
  avatar?: { updatedAt: string; uploadId: string; digest?: string } | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/**
 * The one place a stored item becomes the public User. Thumbnail URLs are public (a CDN in front of
 * the bucket's thumbnail prefix) under `thumbnailBaseUrl`, which the composition root configures.
 */
export function toUser(item: Record<string, unknown>, thumbnailBaseUrl = ""): User {
  const stored = item as unknown as UserItem;
  const current = storedAvatar(stored.avatar);
  const avatar = current ? { thumbnails: thumbnailUrls(thumbnailBaseUrl, stored.id, current), updatedAt: current.updatedAt } : null;
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
