import { ThumbnailSizes } from "../../users/schema";
import type { AvatarBlobStore } from "../blob-store";
import { parseUploadKey, uploadKey } from "../keys";
import type { AvatarRecords } from "../records";
import { MAX_AVATAR_BYTES, type Thumbnails } from "../schema";
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

/** Rounds of "make the thumbnails match the current avatar" before giving up to a retry. */
const MAX_RECONCILE_ROUNDS = 5;

export type UploadProcessor = ReturnType<typeof createUploadProcessor>;

/**
 * Turns an uploaded original into the user's avatar: thumbnails first, then the conditional update
 * of the user, so a user never points at thumbnails that do not exist yet. Every step can run
 * twice without harm (S3 delivers notifications at least once; Lambda retries failed events).
 */
export function createUploadProcessor({ records, blobs, now = () => new Date(), maxInputPixels = MAX_INPUT_PIXELS }: UploadProcessorOptions) {
  const thumbnailsOf = async (bytes: Uint8Array) => makeThumbnails(bytes, { maxInputPixels });

  /**
   * Thumbnail keys are fixed per user, so an older upload finishing late can overwrite the
   * thumbnails of a newer one. Whoever writes thumbnails runs this last: it rewrites them from the
   * current avatar until a round finds nothing to fix, so the last writer always leaves them right.
   */
  async function reconcile(userId: string, mine: { uploadId: string; thumbnails: Thumbnails }): Promise<"done" | "user_gone"> {
    for (let round = 0; round < MAX_RECONCILE_ROUNDS; round++) {
      const record = await records.find(userId);
      if (!record) return "user_gone";
      const current = record.uploadId;
      if (!current) return "done";
      const sources = await blobs.thumbnailSources(userId);
      if (ThumbnailSizes.every((size) => sources[size] === current)) return "done";
      let thumbnails = mine.thumbnails;
      if (current !== mine.uploadId) {
        const original = await blobs.getUpload(uploadKey(userId, current), MAX_AVATAR_BYTES);
        // The current avatar's original is kept until a newer one wins; if it is gone, so is the race.
        if (original.status !== "found") return "done";
        thumbnails = await thumbnailsOf(original.bytes);
      }
      await blobs.putThumbnails(userId, current, thumbnails);
    }
    throw new Error(`the thumbnails of user ${userId} kept changing during ${MAX_RECONCILE_ROUNDS} rounds`);
  }

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
    if (record.uploadId && record.uploadId > uploadId) {
      await blobs.deleteUpload(key);
      return { outcome: "superseded", userId, uploadId };
    }

    const original = await blobs.getUpload(key, MAX_AVATAR_BYTES);
    if (original.status === "missing") return { outcome: "missing", userId, uploadId };
    let thumbnails: Thumbnails;
    try {
      if (original.status === "too_large") throw new UnusableImageError(`the file is ${original.size} bytes, over the ${MAX_AVATAR_BYTES} limit`);
      thumbnails = await thumbnailsOf(original.bytes);
    } catch (error) {
      if (!(error instanceof UnusableImageError)) throw error;
      await blobs.deleteUpload(key);
      return { outcome: "rejected", userId, uploadId, reason: error.message };
    }

    await blobs.putThumbnails(userId, uploadId, thumbnails);
    const result = await records.set(userId, { uploadId, updatedAt: now().toISOString() });
    const settled = result === "no_user" ? "user_gone" : await reconcile(userId, { uploadId, thumbnails });
    if (settled === "user_gone") {
      await blobs.removeUserObjects(userId);
      return { outcome: "user_gone", userId, uploadId };
    }
    if (result === "newer_exists") {
      await blobs.deleteUpload(key);
      return { outcome: "superseded", userId, uploadId };
    }
    // This upload is the avatar: its original is kept, older ones are of no further use.
    await blobs.deleteUploadsBefore(userId, uploadId);
    return { outcome: "updated", userId, uploadId };
  };
}
