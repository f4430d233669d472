/** Avatar uploads: S3 ObjectCreated under the upload prefix → thumbnails. */
import { accessFor, functionArgs } from "./config";
import { manifest } from "./manifest";
import { bucket, table } from "./storage";

const spec = manifest.notifications.uploads;

export const uploadsSubscriber = new sst.aws.Function(manifest.functions.uploads.name, {
  ...functionArgs(manifest.functions.uploads),
  // S3 invokes asynchronously: Lambda retries a failed event this many times.
  retries: spec.retryAttempts,
  ...accessFor(manifest.functions.uploads, { Users: table, Avatars: bucket }),
  // sharp ships a native binary: install it for linux-arm64 next to the bundle instead.
  nodejs: { install: ["sharp"] },
});

bucket.notify({
  notifications: [
    {
      name: "uploads",
      function: uploadsSubscriber.arn,
      events: [...spec.events],
      filterPrefix: spec.filterPrefix,
    },
  ],
});
