import type { ThumbnailSet } from "./keys";

/** The avatar as stored on the user: which upload it came from and the digest in its thumbnails' keys. */
export interface StoredAvatar extends ThumbnailSet {
  updatedAt: string;
}

/** What the avatar use cases need from the users table: the user's current avatar, and setting it. */
export interface AvatarRecords {
  /** Null when there is no such user; `avatar` null when the user has no avatar. */
  find(userId: string): Promise<{ avatar: StoredAvatar | null } | null>;
  /**
   * Sets the user's avatar only if the user exists and its current avatar comes from an older
   * upload (or there is none). Never lets an older upload replace a newer one.
   */
  set(userId: string, avatar: StoredAvatar): Promise<SetAvatarResult>;
}

/** `set`: done; `already_set`: this upload is already the avatar (a retry); `newer_exists`; `no_user`. */
export type SetAvatarResult = "set" | "already_set" | "newer_exists" | "no_user";
