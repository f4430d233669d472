/** Avatars for the API: grants, public thumbnail URLs, the DynamoDB records. No S3 (see ./s3) and no image code (see ./processing). */
export * from "./schema";
export { uploadKey, thumbnailKey, thumbnailUrls, parseUploadKey, parseThumbnailKey, type ThumbnailSet, type UploadRef } from "./keys";
export type { AvatarBlobStore, PresignedUpload, StoredUpload } from "./blob-store";
export type { AvatarRecords, SetAvatarResult, StoredAvatar } from "./records";
export { createDynamoAvatarRecords, storedAvatar } from "./dynamo-records";
export { createAvatarUseCases, type AvatarUseCases } from "./use-cases";
