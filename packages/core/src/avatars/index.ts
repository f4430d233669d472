/** Avatars for the API: grants, thumbnail links, storage adapters. No image code (see ./processing). */
export * from "./schema";
export { uploadKey, thumbnailKey, parseUploadKey, type UploadRef } from "./keys";
export type { AvatarBlobStore, PresignedUpload, StoredUpload } from "./blob-store";
export { createS3AvatarBlobStore } from "./s3-blob-store";
export type { AvatarRecords, SetAvatarResult } from "./records";
export { createDynamoAvatarRecords } from "./dynamo-records";
export { createAvatarUseCases, type AvatarUseCases } from "./use-cases";
export { s3ClientConfig } from "./s3-client";
