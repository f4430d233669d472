import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Resource } from "sst/resource";
import * as z from "zod";
import { createDynamoUserStore, createUserUseCases } from "@users/core/users";
import type { ApiDependencies } from "./app";

/** Resource names come from SST links, checked once at cold start so a bad deploy fails loudly. */
const Config = z.object({ tableName: z.string().min(3) });

/**
 * The API Lambda's composition root: clients are built once per container and reused by every
 * request. Endpoints and credentials come from the SDK's own configuration chain
 * (AWS_ENDPOINT_URL_DYNAMODB and friends), so the same code runs offline and on AWS.
 */
export function createDependencies(): ApiDependencies {
  const config = Config.parse({ tableName: Resource.Users.name });
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    users: createUserUseCases({ store: createDynamoUserStore({ client: documents, tableName: config.tableName }) }),
  };
}
