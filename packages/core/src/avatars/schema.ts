import * as z from "zod";
import type { ThumbnailSize } from "../users/schema";

/** The single source of the avatar API's request and response types, and of its limits. */

export const AVATAR_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export const AvatarContentType = z.enum(AVATAR_CONTENT_TYPES);
export type AvatarContentType = z.infer<typeof AvatarContentType>;

/** 5 MiB: the largest original S3 will accept, whatever the client asks for. */
export const MAX_AVATAR_BYTES = 5 * 1024 * 1024;
/** How long a signed upload form stays usable. */
export const UPLOAD_GRANT_SECONDS = 300;

export const AvatarUploadRequest = z
  .strictObject({
    contentType: AvatarContentType,
    contentLength: z
      .int()
      .min(1)
      .max(MAX_AVATAR_BYTES, { error: `an avatar is at most ${MAX_AVATAR_BYTES} bytes (5 MiB)` })
      .meta({ description: "Size in bytes of the file to upload; S3 refuses a larger body" }),
  })
  .meta({ id: "AvatarUploadRequest" });
export type AvatarUploadRequest = z.infer<typeof AvatarUploadRequest>;

export const AvatarUploadGrant = z
  .object({
    // Bounded like every string of the API (SPEC §3); a signed policy with a session token fits well within.
    upload: z.object({
      url: z.url().max(2048),
      method: z.literal("POST"),
      fields: z.record(z.string().max(128), z.string().max(8192)).meta({ description: "Send every field, unchanged, before the file field" }),
    }),
    expiresAt: z.iso.datetime().max(40),
  })
  .meta({ id: "AvatarUploadGrant" });
export type AvatarUploadGrant = z.infer<typeof AvatarUploadGrant>;

/** The encoded thumbnails of one upload, by size. */
export type Thumbnails = Record<ThumbnailSize, Uint8Array>;
