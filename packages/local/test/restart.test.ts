import { fork } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryLogger, localCredentials, start } from "../src/index";
import type { Runtime, StartOptions } from "../src/index";
import { freePort } from "../src/ports";
import { isRunning } from "../src/servers/pid-file";

/** Persistence in a data folder of the test's own, and what a crashed runtime leaves behind. */
let dataDir: string;
const running: Runtime[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "users-runtime-test-"));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((runtime) => runtime.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

async function startOnDisk(options: { reset?: boolean; ports?: StartOptions["ports"] } = {}) {
  const runtime = await start({ dataDir, ports: options.ports ?? "free", logger: createMemoryLogger(), ...(options.reset ? { reset: true } : {}) });
  running.push(runtime);
  return runtime;
}

function clients(runtime: Runtime) {
  const common = { region: "us-east-1", credentials: localCredentials };
  return {
    dynamodb: new DynamoDBClient({ ...common, endpoint: runtime.endpoints.dynamodb }),
    s3: new S3Client({ ...common, endpoint: runtime.endpoints.s3, forcePathStyle: true }),
  };
}

async function readBack(runtime: Runtime) {
  const { dynamodb, s3 } = clients(runtime);
  const item = await dynamodb.send(new GetItemCommand({ TableName: runtime.resources.tableName, Key: { pk: { S: "USER#1" }, sk: { S: "PROFILE" } } }));
  const object = await s3
    .send(new GetObjectCommand({ Bucket: runtime.resources.bucketName, Key: "uploads/kept.txt" }))
    .then((response) => response.Body!.transformToString(), (error: unknown) => (error instanceof NoSuchKey ? undefined : Promise.reject(error)));
  dynamodb.destroy();
  s3.destroy();
  return { item: item.Item?.name?.S, object };
}

describe("data on disk", () => {
  it("keeps the table and the bucket across a restart, and --reset empties them", async () => {
    const first = await startOnDisk();
    const { dynamodb, s3 } = clients(first);
    await dynamodb.send(new PutItemCommand({ TableName: first.resources.tableName, Item: { pk: { S: "USER#1" }, sk: { S: "PROFILE" }, name: { S: "Ada" } } }));
    await s3.send(new PutObjectCommand({ Bucket: first.resources.bucketName, Key: "uploads/kept.txt", Body: "still here" }));
    dynamodb.destroy();
    s3.destroy();
    await first.stop();

    const second = await startOnDisk();
    expect(await readBack(second)).toEqual({ item: "Ada", object: "still here" });
    await second.stop();

    const third = await startOnDisk({ reset: true });
    expect(await readBack(third)).toEqual({ item: undefined, object: undefined });
  });

  it("clears the DynamoDB Local a SIGKILLed runtime left behind instead of failing on its port", { timeout: 60_000 }, async () => {
    const dynamodbPort = await freePort();
    const child = fork(fileURLToPath(new URL("./support/runtime-process.ts", import.meta.url)), [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, RUNTIME_DATA_DIR: dataDir, RUNTIME_PORTS: JSON.stringify({ dynamodb: dynamodbPort, api: 0, s3: 0, sqs: 0, issuer: 0, cdn: 0 }) },
      stdio: "ignore",
    });
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`the runtime process exited (${code}) before it was ready`)));
    });
    const pidFiles = (await readdir(join(dataDir, "run"))).filter((file) => file.startsWith("dynamodb-"));
    const javaPid = (JSON.parse(await readFile(join(dataDir, "run", pidFiles[0]!), "utf8")) as { pid: number }).pid;

    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    // Nothing could stop the JVM: it outlives its runtime, holding the port.
    expect(isRunning(javaPid)).toBe(true);

    const next = await startOnDisk({ ports: { dynamodb: dynamodbPort, api: 0, s3: 0, sqs: 0, issuer: 0, cdn: 0 } });
    expect(next.endpoints.dynamodb).toBe(`http://127.0.0.1:${dynamodbPort}`);
    expect(isRunning(javaPid)).toBe(false);
  });
});
