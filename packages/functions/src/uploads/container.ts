import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { Logger } from "@aws-lambda-powertools/logger";
import { Resource } from "sst/resource";
import * as z from "zod";
import { createDynamoAvatarRecords, createS3AvatarBlobStore, s3ClientConfig } from "@users/core/avatars";
import { createUploadProcessor } from "@users/core/avatars/processing";
import type { UploadsSubscriberDependencies } from "./subscriber";

/** Resource names come from SST links, checked once at cold start so a bad deploy fails loudly. */
const Config = z.object({
  tableName: z.string().min(3),
  bucketName: z.string().min(3),
  /** Set when S3 is not AWS's (offline, LocalStack): such endpoints address buckets by path. */
  s3Endpoint: z.url().optional(),
});

/**
 * The upload subscriber's composition root: clients built once per container. Endpoints and
 * credentials come from the SDK's configuration chain, so the same code runs offline and on AWS.
 */
export function createUploadsDependencies(): UploadsSubscriberDependencies {
  const config = Config.parse({
    tableName: Resource.Users.name,
    bucketName: Resource.Avatars.name,
    s3Endpoint: process.env.AWS_ENDPOINT_URL_S3 || undefined,
  });
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  const s3 = new S3Client(s3ClientConfig({ customEndpoint: config.s3Endpoint }));
  return {
    processUpload: createUploadProcessor({
      records: createDynamoAvatarRecords({ client: documents, tableName: config.tableName }),
      blobs: createS3AvatarBlobStore({ client: s3, bucketName: config.bucketName }),
    }),
    bucketName: config.bucketName,
    logger: new Logger({ serviceName: "uploads-subscriber" }),
  };
}
