/**
 * The S3 side of avatars, apart from ./index so that importing the avatars domain does not load
 * the S3 SDK: the API loads this on its first avatar route or delete, not at cold start.
 */
export { createS3AvatarBlobStore, THUMBNAIL_CACHE_CONTROL, type S3AvatarBlobStoreOptions } from "./s3-blob-store";
export { s3ClientConfig } from "./s3-client";
