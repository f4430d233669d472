import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { freePort } from "../../packages/local/src/ports";
import { createUsersTable } from "../../packages/local/src/resources/table";
import { startDynamoDb } from "../../packages/local/src/servers/dynamodb";
import { benchTableName } from "./lambda-env";

export interface BenchDynamoDb {
  endpoint: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** The bench's own DynamoDB Local (in memory, free loopback port) with the users table as deployed. */
export async function startBenchDynamoDb(): Promise<BenchDynamoDb> {
  const server = await startDynamoDb({ port: await freePort() });
  try {
    const client = new DynamoDBClient({ endpoint: server.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    await createUsersTable(client, benchTableName);
    client.destroy();
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
