import { manifest } from "../../../../infra/manifest";
import { ThumbnailSizes, UserId, type ThumbnailSize } from "../users/schema";

/**
 * Where avatar objects live in the bucket. The server chooses every key: nothing a client sends
 * reaches one. Upload ids are ULIDs, so comparing two ids orders the grants that made them.
 */
const { uploadPrefix, thumbnailPrefix } = manifest.bucket;

export const uploadKey = (userId: string, uploadId: string) => `${uploadPrefix}${userId}/${uploadId}`;
export const userUploadsPrefix = (userId: string) => `${uploadPrefix}${userId}/`;

/**
 * Content-addressed and immutable: the key names the upload and a digest of the thumbnails' bytes,
 * so an object at a key never changes and any cache may keep it for good. Processing the same upload
 * again writes the same keys (same bytes) or new ones (a new encoder), never different bytes at one key.
 */
export const thumbnailKey = (userId: string, uploadId: string, digest: string, size: ThumbnailSize) =>
  `${thumbnailPrefix}${userId}/${uploadId}-${digest}/${size}.webp`;
export const userThumbnailsPrefix = (userId: string) => `${thumbnailPrefix}${userId}/`;

/** The thumbnails one upload made: what the user's avatar points to. */
export interface ThumbnailSet {
  uploadId: string;
  digest: string;
}

/**
 * The public URL of each thumbnail: the CDN (or its offline stand-in) serves the bucket's thumbnail
 * prefix at `<base>/<key>`, so the URL is the key under a base the composition root configures.
 */
export function thumbnailUrls(baseUrl: string, userId: string, set: ThumbnailSet): Record<ThumbnailSize, string> {
  const base = baseUrl.replace(/\/+$/, "");
  return Object.fromEntries(ThumbnailSizes.map((size) => [size, `${base}/${thumbnailKey(userId, set.uploadId, set.digest, size)}`])) as Record<
    ThumbnailSize,
    string
  >;
}

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

/** The upload a thumbnail key was made from, or null when the key is not one `thumbnailKey` makes. */
export function parseThumbnailKey(key: string): UploadRef | null {
  if (!key.startsWith(thumbnailPrefix)) return null;
  const parts = key.slice(thumbnailPrefix.length).split("/");
  if (parts.length !== 3) return null;
  const [userId, folder] = parts;
  const uploadId = folder?.split("-")[0];
  if (!UserId.safeParse(userId).success || !UserId.safeParse(uploadId).success) return null;
  return { userId: userId!, uploadId: uploadId! };
}
