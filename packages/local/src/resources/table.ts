import { CreateTableCommand, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { manifest } from "../../../../infra/manifest";

/** Creates the users table exactly as the manifest (and so the deployed stack) declares it. */
export async function createUsersTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const { table } = manifest;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: Object.keys(table.fields).map((name) => ({ AttributeName: name, AttributeType: "S" })),
        KeySchema: [
          { AttributeName: table.primaryIndex.hashKey, KeyType: "HASH" },
          { AttributeName: table.primaryIndex.rangeKey, KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: Object.entries(table.globalIndexes).map(([name, index]) => ({
          IndexName: name,
          KeySchema: [
            { AttributeName: index.hashKey, KeyType: "HASH" },
            { AttributeName: index.rangeKey, KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "ALL" },
        })),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
