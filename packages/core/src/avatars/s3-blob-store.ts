import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { ThumbnailSizes } from "../users/schema";
import type { AvatarBlobStore } from "./blob-store";
import { parseThumbnailKey, parseUploadKey, thumbnailKey, userThumbnailsPrefix, userUploadsPrefix } from "./keys";

export interface S3AvatarBlobStoreOptions {
  client: S3Client;
  bucketName: string;
}

/**
 * A thumbnail's key never names other bytes, so browsers and the CDN may keep it a year without
 * asking again. The CDN passes this header on as it is.
 */
export const THUMBNAIL_CACHE_CONTROL = "public, max-age=31536000, immutable";

export function createS3AvatarBlobStore({ client, bucketName: Bucket }: S3AvatarBlobStoreOptions): AvatarBlobStore {
  const keysUnder = async (Prefix: string) => {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken }));
      keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken);
    return keys;
  };

  const deleteKeys = async (keys: string[]) => {
    if (keys.length === 0) return;
    // DeleteObjects takes up to 1000 keys and reports failures per key instead of throwing.
    for (let i = 0; i < keys.length; i += 1000) {
      const { Errors } = await client.send(
        new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }),
      );
      if (Errors?.length) throw new Error(`could not delete ${Errors.length} avatar objects, e.g. ${Errors[0]?.Key}: ${Errors[0]?.Code}`);
    }
  };

  return {
    async presignUpload({ key, contentType, maxBytes, expiresInSeconds }) {
      return createPresignedPost(client, {
        Bucket,
        Key: key,
        // createPresignedPost turns every field into an exact-match condition: the bucket, this key,
        // the signing fields and Content-Type. S3 refuses a form that changes any of them.
        Conditions: [["content-length-range", 1, maxBytes]],
        Fields: { "Content-Type": contentType },
        Expires: expiresInSeconds,
      });
    },

    async getUpload(key, maxBytes) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        const size = object.ContentLength ?? 0;
        if (size > maxBytes) {
          await object.Body?.transformToWebStream().cancel();
          return { status: "too_large", size };
        }
        return { status: "found", bytes: (await object.Body?.transformToByteArray()) ?? new Uint8Array() };
      } catch (error) {
        if (isNotFound(error)) return { status: "missing" };
        throw error;
      }
    },

    async putThumbnails(userId, set, thumbnails) {
      await Promise.all(
        ThumbnailSizes.map((size) =>
          client.send(
            new PutObjectCommand({
              Bucket,
              Key: thumbnailKey(userId, set.uploadId, set.digest, size),
              Body: thumbnails[size],
              ContentType: "image/webp",
              CacheControl: THUMBNAIL_CACHE_CONTROL,
            }),
          ),
        ),
      );
    },

    async removeUpload(userId, uploadId) {
      const thumbnails = (await keysUnder(userThumbnailsPrefix(userId))).filter((key) => parseThumbnailKey(key)?.uploadId === uploadId);
      await deleteKeys([`${userUploadsPrefix(userId)}${uploadId}`, ...thumbnails]);
    },

    async removeUploadsBefore(userId, uploadId) {
      const keys = [...(await keysUnder(userUploadsPrefix(userId))), ...(await keysUnder(userThumbnailsPrefix(userId)))];
      const older = keys.filter((key) => {
        const ref = parseUploadKey(key) ?? parseThumbnailKey(key);
        return ref !== null && ref.uploadId < uploadId;
      });
      await deleteKeys(older);
    },

    async removeUserObjects(userId) {
      const keys = [...(await keysUnder(userUploadsPrefix(userId))), ...(await keysUnder(userThumbnailsPrefix(userId)))];
      await deleteKeys(keys);
    },
  };
}

/** NoSuchKey (GET) and NotFound (HEAD) alike: S3 answers both with 404. */
const isNotFound = (error: unknown) => error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404;
