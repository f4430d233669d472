/** Avatars for the API: grants, public thumbnail URLs, storage adapters. No image code (see ./processing). */
export * from "./schema";
export { uploadKey, thumbnailKey, thumbnailUrls, parseUploadKey, parseThumbnailKey, type ThumbnailSet, type UploadRef } from "./keys";
export type { AvatarBlobStore, PresignedUpload, StoredUpload } from "./blob-store";
export { createS3AvatarBlobStore, THUMBNAIL_CACHE_CONTROL } from "./s3-blob-store";
export type { AvatarRecords, SetAvatarResult, StoredAvatar } from "./records";
export { createDynamoAvatarRecords, storedAvatar } from "./dynamo-records";
export { createAvatarUseCases, type AvatarUseCases } from "./use-cases";
export { s3ClientConfig } from "./s3-client";
