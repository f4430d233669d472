import { BucketAlreadyOwnedByYou, CreateBucketCommand, PutBucketCorsCommand } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { manifest } from "../../../../infra/manifest";

/**
 * The avatars bucket with the manifest's CORS rules, so browsers can POST presigned forms to it
 * (from `origins`, default the manifest's).
 */
export async function createAvatarsBucket(client: S3Client, bucketName: string, origins?: readonly string[]): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucketName }));
  } catch (error) {
    if (!(error instanceof BucketAlreadyOwnedByYou) && (error as { name?: string }).name !== "BucketAlreadyExists") throw error;
  }
  const { cors } = manifest.bucket;
  await client.send(
    new PutBucketCorsCommand({
      Bucket: bucketName,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedMethods: [...cors.allowMethods],
            AllowedOrigins: [...(origins ?? cors.allowOrigins)],
            AllowedHeaders: [...cors.allowHeaders],
            MaxAgeSeconds: cors.maxAge,
          },
        ],
      },
    }),
  );
}
