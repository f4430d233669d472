import { Logger } from "@aws-lambda-powertools/logger";
import { Resource } from "sst/resource";
import * as z from "zod";
import { createDynamoAvatarRecords } from "@users/core/avatars";
import { createS3AvatarBlobStore } from "@users/core/avatars/s3";
import { createUploadProcessor } from "@users/core/avatars/processing";
import { documentClient } from "../clients/dynamodb";
import { s3Client } from "../clients/s3";
import type { UploadsSubscriberDependencies } from "./subscriber";

/** Resource names come from SST links, checked once at cold start so a bad deploy fails loudly. */
const Config = z.object({
  tableName: z.string().min(3),
  bucketName: z.string().min(3),
});

/** The upload subscriber's composition root: clients built once per container. */
export function createUploadsDependencies(): UploadsSubscriberDependencies {
  const config = Config.parse({
    tableName: Resource.Users.name,
    bucketName: Resource.Avatars.name,
  });
  const documents = documentClient();
  return {
    processUpload: createUploadProcessor({
      records: createDynamoAvatarRecords({ client: documents, tableName: config.tableName }),
      blobs: createS3AvatarBlobStore({ client: s3Client(), bucketName: config.bucketName }),
    }),
    bucketName: config.bucketName,
    logger: new Logger({ serviceName: "uploads-subscriber" }),
  };
}
