import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { Resource } from "sst/resource";
import * as z from "zod";
import { s3ClientConfig } from "@users/core/avatars";
import type { ApiDependencies } from "./app";
import { composeApi } from "./compose";

/** Resource names come from SST links, checked once at cold start so a bad deploy fails loudly. */
const Config = z.object({
  tableName: z.string().min(3),
  likesQueueUrl: z.url(),
  bucketName: z.string().min(3),
  /** Set when S3 is not AWS's (offline, LocalStack): such endpoints address buckets by path. */
  s3Endpoint: z.url().optional(),
});

/**
 * The API Lambda's composition root: clients are built once per container and reused by every
 * request. Endpoints and credentials come from the SDK's own configuration chain
 * (AWS_ENDPOINT_URL_DYNAMODB and friends), so the same code runs offline and on AWS.
 */
export function createDependencies(): ApiDependencies {
  const config = Config.parse({
    tableName: Resource.Users.name,
    likesQueueUrl: Resource.Likes.url,
    bucketName: Resource.Avatars.name,
    s3Endpoint: process.env.AWS_ENDPOINT_URL_S3 || undefined,
  });
  const clients = {
    documents: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    s3: new S3Client(s3ClientConfig({ customEndpoint: config.s3Endpoint })),
    sqs: new SQSClient({}),
  };
  return composeApi(clients, config);
}
