import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { inject } from "vitest";
import { createUsersTable } from "../../../local/src/resources/table";
import { localCredentials } from "../../../local/src/servers/dynamodb";

/**
 * A fresh users table on the run's DynamoDB Local, created from the infra manifest, so each test
 * file starts empty without restarting the database.
 */
export async function createTestTable(prefix = "test") {
  const client = new DynamoDBClient({ endpoint: inject("dynamoEndpoint"), region: "us-east-1", credentials: localCredentials });
  const tableName = `${prefix}-${crypto.randomUUID()}`;
  await createUsersTable(client, tableName);
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { client, documents, tableName };
}
