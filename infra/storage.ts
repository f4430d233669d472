/** The users table and the avatars bucket, as the manifest declares them. */
import { config, seconds } from "./config";
import { manifest } from "./manifest";

export const table = new sst.aws.Dynamo(manifest.table.name, {
  fields: manifest.table.fields,
  primaryIndex: manifest.table.primaryIndex,
  globalIndexes: manifest.table.globalIndexes,
  deletionProtection: config.isProd,
});

const { cors } = manifest.bucket;

/** Private (no public access, HTTPS only); browsers POST presigned forms straight to it. */
export const bucket = new sst.aws.Bucket(manifest.bucket.name, {
  cors: {
    allowMethods: [...cors.allowMethods],
    allowOrigins: [...cors.allowOrigins],
    allowHeaders: [...cors.allowHeaders],
    maxAge: seconds(cors.maxAge),
  },
  // SST empties buckets on removal; prod keeps its objects even if someone forces a removal.
  transform: config.isProd ? { bucket: { forceDestroy: false } } : undefined,
});
