import { manifest } from "../../../infra/manifest";

/** The SST app name (sst.config.ts) and the stage the offline runtime plays. */
export const appName = manifest.app.name;
export const localStage = "local";

/** Cosmetic but real-shaped: ARNs and queue URLs carry them as AWS's do. */
export const localAccountId = "123456789012";
export const localRegion = "us-east-1";

/**
 * Credentials every local server accepts: s3rver insists on `S3RVER`, and DynamoDB Local accepts any
 * alphanumeric key (sharedDb makes it irrelevant otherwise).
 */
export const localCredentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

export interface ResourceNames {
  table: string;
  bucket: string;
  queue: string;
  dlq: string;
  functions: { api: string; likes: string; uploads: string };
}

/** Physical names as a stage derives them: `<app>-<stage>-<Name>`; bucket names must be lower case. */
export function resourceNames(stage = localStage): ResourceNames {
  const physical = (name: string) => `${appName}-${stage}-${name}`;
  return {
    table: physical(manifest.table.name),
    bucket: physical(manifest.bucket.name).toLowerCase(),
    queue: physical(manifest.queue.name),
    dlq: physical(manifest.queue.dlq.name),
    functions: {
      api: physical(manifest.functions.api.name),
      likes: physical(manifest.functions.likes.name),
      uploads: physical(manifest.functions.uploads.name),
    },
  };
}

export const arn = {
  queue: (name: string, region = localRegion) => `arn:aws:sqs:${region}:${localAccountId}:${name}`,
  bucket: (name: string) => `arn:aws:s3:::${name}`,
  function: (name: string, region = localRegion) => `arn:aws:lambda:${region}:${localAccountId}:function:${name}`,
};
