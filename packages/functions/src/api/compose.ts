import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { createAvatarUseCases, createDynamoAvatarRecords, type AvatarBlobStore } from "@users/core/avatars";
import { createLikeUseCases, type LikePublisher } from "@users/core/likes";
import { createDynamoUserStore, createUserUseCases } from "@users/core/users";
import type { ApiDependencies } from "./app";
import { deferred } from "./deferred";

/**
 * What the adapters run on. S3 and SQS come as loaders, called on the first avatar route, delete or
 * like: a cold start that serves reads never loads their SDKs (see ./deferred).
 */
export interface ApiClients {
  documents: DynamoDBDocumentClient;
  s3: () => Promise<S3Client>;
  sqs: () => Promise<SQSClient>;
}

export interface ApiResourceNames {
  tableName: string;
  bucketName: string;
  likesQueueUrl: string;
  /** Where avatar thumbnails are public: the CDN in front of the bucket's thumbnail prefix. */
  thumbnailBaseUrl: string;
}

/** Wires the use cases over their adapters. Shared by the Lambda's composition root and the tests. */
export function composeApi(clients: ApiClients, names: ApiResourceNames): ApiDependencies {
  const avatars = createAvatarUseCases({
    records: createDynamoAvatarRecords({ client: clients.documents, tableName: names.tableName }),
    blobs: deferred<AvatarBlobStore>(async () => {
      const { createS3AvatarBlobStore } = await import("@users/core/avatars/s3");
      return createS3AvatarBlobStore({ client: await clients.s3(), bucketName: names.bucketName });
    }),
    thumbnailBaseUrl: names.thumbnailBaseUrl,
  });
  const users = createUserUseCases({
    store: createDynamoUserStore({ client: clients.documents, tableName: names.tableName, thumbnailBaseUrl: names.thumbnailBaseUrl }),
    // After the user row is gone, so an upload finishing meanwhile finds no user and cleans up too.
    onRemoved: (user) => avatars.removeObjects(user.id),
  });
  const likes = createLikeUseCases({
    users,
    publisher: deferred<LikePublisher>(async () => {
      const { createSqsLikePublisher } = await import("@users/core/likes/sqs");
      return createSqsLikePublisher({ client: await clients.sqs(), queueUrl: names.likesQueueUrl });
    }),
  });
  return { users, likes, avatars };
}
