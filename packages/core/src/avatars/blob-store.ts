import type { Thumbnails } from "./schema";
import type { ThumbnailSet } from "./keys";

/** What the avatar use cases need from object storage; the S3 adapter is one implementation. */
export interface AvatarBlobStore {
  /** A form that lets its holder POST exactly one object: this key, this type, at most `maxBytes`. */
  presignUpload(input: { key: string; contentType: string; maxBytes: number; expiresInSeconds: number }): Promise<PresignedUpload>;
  /** The uploaded original, unless it is gone or larger than `maxBytes` (then not downloaded). */
  getUpload(key: string, maxBytes: number): Promise<StoredUpload>;
  /** Writes all sizes under their content-addressed keys, as public, immutable objects. */
  putThumbnails(userId: string, set: ThumbnailSet, thumbnails: Thumbnails): Promise<void>;
  /** Deletes one upload's original and every thumbnail made from it. */
  removeUpload(userId: string, uploadId: string): Promise<void>;
  /** Deletes the user's originals and thumbnails of every upload whose id sorts before `uploadId`. */
  removeUploadsBefore(userId: string, uploadId: string): Promise<void>;
  /** Deletes every avatar object of the user: originals and thumbnails. */
  removeUserObjects(userId: string): Promise<void>;
}

export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
}

export type StoredUpload = { status: "found"; bytes: Uint8Array } | { status: "missing" } | { status: "too_large"; size: number };
