/**
 * What the upload subscriber does with an uploaded original. Its own entry point
 * (`@users/core/avatars/processing`) because it loads sharp, a native module only the uploads
 * function ships: the API imports `@users/core/avatars`, which never loads it.
 */
export { makeThumbnails, MAX_INPUT_PIXELS, UnusableImageError } from "./thumbnails";
export { createUploadProcessor, type UploadOutcome, type UploadProcessor, type UploadProcessorOptions } from "./process-upload";
