import { manifest } from "../../../../infra/manifest";
import { UserId, type ThumbnailSize } from "../users/schema";

/**
 * Where avatar objects live in the bucket. The server chooses every key: nothing a client sends
 * reaches one. Upload ids are ULIDs, so comparing two ids orders the grants that made them.
 */
const { uploadPrefix, thumbnailPrefix } = manifest.bucket;

export const uploadKey = (userId: string, uploadId: string) => `${uploadPrefix}${userId}/${uploadId}`;
export const userUploadsPrefix = (userId: string) => `${uploadPrefix}${userId}/`;

/** Deterministic per user and size: processing the same upload twice writes the same objects. */
export const thumbnailKey = (userId: string, size: ThumbnailSize) => `${thumbnailPrefix}${userId}/${size}.webp`;
export const userThumbnailsPrefix = (userId: string) => `${thumbnailPrefix}${userId}/`;

export interface UploadRef {
  userId: string;
  uploadId: string;
}

/** The user and upload an object key names, or null when the key is not one `uploadKey` makes. */
export function parseUploadKey(key: string): UploadRef | null {
  if (!key.startsWith(uploadPrefix)) return null;
  const parts = key.slice(uploadPrefix.length).split("/");
  if (parts.length !== 2) return null;
  const [userId, uploadId] = parts;
  if (!UserId.safeParse(userId).success || !UserId.safeParse(uploadId).success) return null;
  return { userId: userId!, uploadId: uploadId! };
}
