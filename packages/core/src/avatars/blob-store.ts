import type { ThumbnailSize } from "../users/schema";
import type { Thumbnails } from "./schema";

/** What the avatar use cases need from object storage; the S3 adapter is one implementation. */
export interface AvatarBlobStore {
  /** A form that lets its holder POST exactly one object: this key, this type, at most `maxBytes`. */
  presignUpload(input: { key: string; contentType: string; maxBytes: number; expiresInSeconds: number }): Promise<PresignedUpload>;
  /** A short-lived GET link to one thumbnail. */
  presignThumbnail(userId: string, size: ThumbnailSize, expiresInSeconds: number): Promise<string>;
  /** The uploaded original, unless it is gone or larger than `maxBytes` (then not downloaded). */
  getUpload(key: string, maxBytes: number): Promise<StoredUpload>;
  deleteUpload(key: string): Promise<void>;
  /** Deletes the user's originals whose upload id sorts before `uploadId`. */
  deleteUploadsBefore(userId: string, uploadId: string): Promise<void>;
  /** Writes all sizes, each tagged with the upload it was made from. */
  putThumbnails(userId: string, uploadId: string, thumbnails: Thumbnails): Promise<void>;
  /** Which upload each stored thumbnail was made from (null: none stored). */
  thumbnailSources(userId: string): Promise<Record<ThumbnailSize, string | null>>;
  /** Deletes every avatar object of the user: originals and thumbnails. */
  removeUserObjects(userId: string): Promise<void>;
}

export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
}

export type StoredUpload = { status: "found"; bytes: Uint8Array } | { status: "missing" } | { status: "too_large"; size: number };
