import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { createAvatarUseCases, createDynamoAvatarRecords, createS3AvatarBlobStore } from "@users/core/avatars";
import { createLikeUseCases, createSqsLikePublisher } from "@users/core/likes";
import { createDynamoUserStore, createUserUseCases } from "@users/core/users";
import type { ApiDependencies } from "./app";

export interface ApiClients {
  documents: DynamoDBDocumentClient;
  s3: S3Client;
  sqs: SQSClient;
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
    blobs: createS3AvatarBlobStore({ client: clients.s3, bucketName: names.bucketName }),
    thumbnailBaseUrl: names.thumbnailBaseUrl,
  });
  const users = createUserUseCases({
    store: createDynamoUserStore({ client: clients.documents, tableName: names.tableName, thumbnailBaseUrl: names.thumbnailBaseUrl }),
    // After the user row is gone, so an upload finishing meanwhile finds no user and cleans up too.
    onRemoved: (user) => avatars.removeObjects(user.id),
  });
  const likes = createLikeUseCases({
    users,
    publisher: createSqsLikePublisher({ client: clients.sqs, queueUrl: names.likesQueueUrl }),
  });
  return { users, likes, avatars };
}
