/** The users table and the avatars bucket, as the manifest declares them. */
import { cdnArn, consoleOrigins, serveThumbnails } from "./cdn";
import { config, seconds } from "./config";
import { manifest } from "./manifest";

export const table = new sst.aws.Dynamo(manifest.table.name, {
  fields: manifest.table.fields,
  primaryIndex: manifest.table.primaryIndex,
  globalIndexes: manifest.table.globalIndexes,
  deletionProtection: config.isProd,
});

const { cors } = manifest.bucket;

/**
 * Private (no public access, HTTPS only); browsers POST presigned forms straight to it, from the
 * console's origins. The CDN alone may read it, and only the thumbnail prefix.
 */
export const bucket = new sst.aws.Bucket(manifest.bucket.name, {
  cors: {
    allowMethods: [...cors.allowMethods],
    // The manifest's local origins plus the deployed site's.
    allowOrigins: consoleOrigins,
    allowHeaders: [...cors.allowHeaders],
    maxAge: seconds(cors.maxAge),
  },
  policy: [
    {
      actions: ["s3:GetObject"],
      principals: [{ type: "service", identifiers: ["cloudfront.amazonaws.com"] }],
      paths: [`${manifest.bucket.thumbnailPrefix}*`],
      conditions: [{ test: "StringEquals", variable: "AWS:SourceArn", values: [cdnArn] }],
    },
  ],
  // SST empties buckets on removal; prod keeps its objects even if someone forces a removal.
  transform: config.isProd ? { bucket: { forceDestroy: false } } : undefined,
});

serveThumbnails(bucket);
