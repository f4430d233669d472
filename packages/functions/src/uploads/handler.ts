import { createUploadsDependencies } from "./container";
import { createUploadsSubscriber } from "./subscriber";

/** The upload subscriber: S3 ObjectCreated notifications under `uploads/` → thumbnails and avatar. */
export const handler = createUploadsSubscriber(createUploadsDependencies());
