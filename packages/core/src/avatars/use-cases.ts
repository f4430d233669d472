import { monotonicFactory } from "ulid";
import { notFound } from "../errors";
import type { ThumbnailSize } from "../users/schema";
import type { AvatarBlobStore } from "./blob-store";
import { thumbnailUrls, uploadKey } from "./keys";
import type { AvatarRecords } from "./records";
import { UPLOAD_GRANT_SECONDS, type AvatarUploadGrant, type AvatarUploadRequest } from "./schema";

export interface AvatarUseCasesOptions {
  records: AvatarRecords;
  blobs: AvatarBlobStore;
  /** Where the thumbnails are public (the CDN in front of the bucket's thumbnail prefix), from the composition root. */
  thumbnailBaseUrl: string;
  /** Injected so tests can pin time. */
  now?: () => Date;
}

export type AvatarUseCases = ReturnType<typeof createAvatarUseCases>;

/** What the API does with avatars: hand out upload grants, serve thumbnails, clean up. */
export function createAvatarUseCases({ records, blobs, thumbnailBaseUrl, now = () => new Date() }: AvatarUseCasesOptions) {
  const newUploadId = monotonicFactory();

  return {
    /** A presigned POST for one upload. The key is ours; the type and size limit are the request's. */
    async requestUpload(userId: string, request: AvatarUploadRequest): Promise<AvatarUploadGrant> {
      if (!(await records.find(userId))) throw notFound(`user ${userId}`);
      const at = now();
      const key = uploadKey(userId, newUploadId(at.getTime()));
      const { url, fields } = await blobs.presignUpload({
        key,
        contentType: request.contentType,
        maxBytes: request.contentLength,
        expiresInSeconds: UPLOAD_GRANT_SECONDS,
      });
      return { upload: { url, method: "POST", fields }, expiresAt: new Date(at.getTime() + UPLOAD_GRANT_SECONDS * 1000).toISOString() };
    },

    /** The public URL of a thumbnail; `not_found` for an unknown user or one without an avatar. */
    async thumbnailUrl(userId: string, size: ThumbnailSize): Promise<string> {
      const record = await records.find(userId);
      if (!record) throw notFound(`user ${userId}`);
      if (!record.avatar) throw notFound(`the avatar of user ${userId}`);
      return thumbnailUrls(thumbnailBaseUrl, userId, record.avatar)[size];
    },

    /** Deletes every avatar object of a user: run once the user is gone. */
    removeObjects(userId: string): Promise<void> {
      return blobs.removeUserObjects(userId);
    },
  };
}
