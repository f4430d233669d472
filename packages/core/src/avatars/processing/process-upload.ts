import type { AvatarBlobStore } from "../blob-store";
import { parseUploadKey } from "../keys";
import type { AvatarRecords } from "../records";
import { MAX_AVATAR_BYTES, type Thumbnails } from "../schema";
import { thumbnailDigest } from "./thumbnail-digest";
import { makeThumbnails, MAX_INPUT_PIXELS, UnusableImageError } from "./thumbnails";

export interface UploadProcessorOptions {
  records: AvatarRecords;
  blobs: AvatarBlobStore;
  now?: () => Date;
  maxInputPixels?: number;
}

/**
 * What became of one uploaded object. Every permanent failure is an outcome, not an exception:
 * only transient errors (S3 or DynamoDB unavailable) are thrown, so that a retry can help.
 */
export type UploadOutcome =
  | { outcome: "ignored"; key: string; reason: string }
  | { outcome: "updated" | "superseded" | "missing" | "user_gone"; userId: string; uploadId: string }
  | { outcome: "rejected"; userId: string; uploadId: string; reason: string };

export type UploadProcessor = ReturnType<typeof createUploadProcessor>;

/**
 * Turns an uploaded original into the user's avatar: thumbnails first, under keys of their own
 * (upload id + content digest), then the conditional update of the user, so a user never points at
 * thumbnails that do not exist yet. Uploads never share a key, so two finishing in any order cannot
 * overwrite each other's thumbnails: the user's conditional update alone decides which one wins, and
 * the loser removes its own objects. Every step can run twice without harm (S3 delivers
 * notifications at least once; Lambda retries failed events).
 */
export function createUploadProcessor({ records, blobs, now = () => new Date(), maxInputPixels = MAX_INPUT_PIXELS }: UploadProcessorOptions) {
  return async function processUpload(key: string): Promise<UploadOutcome> {
    const ref = parseUploadKey(key);
    if (!ref) return { outcome: "ignored", key, reason: "not an avatar upload key" };
    const { userId, uploadId } = ref;

    const record = await records.find(userId);
    if (!record) {
      // Uploaded after (or while) the user was deleted: leave nothing of theirs behind.
      await blobs.removeUserObjects(userId);
      return { outcome: "user_gone", userId, uploadId };
    }
    if (record.avatar && record.avatar.uploadId > uploadId) {
      await blobs.removeUpload(userId, uploadId);
      return { outcome: "superseded", userId, uploadId };
    }

    const original = await blobs.getUpload(key, MAX_AVATAR_BYTES);
    if (original.status === "missing") return { outcome: "missing", userId, uploadId };
    let thumbnails: Thumbnails;
    try {
      if (original.status === "too_large") throw new UnusableImageError(`the file is ${original.size} bytes, over the ${MAX_AVATAR_BYTES} limit`);
      thumbnails = await makeThumbnails(original.bytes, { maxInputPixels });
    } catch (error) {
      if (!(error instanceof UnusableImageError)) throw error;
      await blobs.removeUpload(userId, uploadId);
      return { outcome: "rejected", userId, uploadId, reason: error.message };
    }

    const set = { uploadId, digest: thumbnailDigest(thumbnails) };
    await blobs.putThumbnails(userId, set, thumbnails);
    const result = await records.set(userId, { ...set, updatedAt: now().toISOString() });
    if (result === "no_user") {
      await blobs.removeUserObjects(userId);
      return { outcome: "user_gone", userId, uploadId };
    }
    if (result === "newer_exists") {
      await blobs.removeUpload(userId, uploadId);
      return { outcome: "superseded", userId, uploadId };
    }
    // This upload is the avatar: its original is kept (thumbnails can be remade from it), older uploads go.
    await blobs.removeUploadsBefore(userId, uploadId);
    return { outcome: "updated", userId, uploadId };
  };
}
