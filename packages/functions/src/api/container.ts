import { Resource } from "sst/resource";
import * as z from "zod";
import { documentClient } from "../clients/dynamodb";
import type { ApiDependencies } from "./app";
import { composeApi } from "./compose";

/** Resource names come from SST links, checked once at cold start so a bad deploy fails loudly. */
const Config = z.object({
  tableName: z.string().min(3),
  likesQueueUrl: z.url(),
  bucketName: z.string().min(3),
  thumbnailBaseUrl: z.url(),
});

/**
 * The API Lambda's composition root: clients are built once per container and reused by every
 * request; S3's and SQS's on first use (each loader is called once, by the adapter it feeds).
 */
export function createDependencies(): ApiDependencies {
  const config = Config.parse({
    tableName: Resource.Users.name,
    likesQueueUrl: Resource.Likes.url,
    bucketName: Resource.Avatars.name,
    thumbnailBaseUrl: Resource.Cdn.url,
  });
  return composeApi(
    {
      documents: documentClient(),
      s3: () => import("../clients/s3").then(({ s3Client }) => s3Client()),
      sqs: () => import("@aws-sdk/client-sqs").then(({ SQSClient }) => new SQSClient({})),
    },
    config,
  );
}
