import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient, GetItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { exited, fixedPorts, forkRuntime, killGroup, waitUntilFree } from "./support/killable-runtime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { likeKey } from "@users/core/likes";
import { userKey } from "@users/core/users";
import { createMemoryLogger, localCredentials, portSettings, start } from "../src/index";
import type { Runtime, RuntimePorts } from "../src/index";

/**
 * SPEC: a 202 is a promise. Likes are accepted by a runtime on disk, which is then stopped the hard
 * way (SIGKILL of its whole process group, JVM included) or with Ctrl-C (SIGINT to `npm run dev`);
 * the next runtime on the same data folder counts every accepted like, each exactly once.
 */
let dataDir: string;
const running: Runtime[] = [];
const children: ChildProcess[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "users-likes-durability-"));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) killGroup(child);
  await Promise.all(running.splice(0).map((runtime) => runtime.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

interface Like {
  userId: string;
  likerId: string;
  token: string;
}

async function startHere(ports: RuntimePorts): Promise<Runtime> {
  const runtime = await start({ dataDir, ports, logger: createMemoryLogger() });
  running.push(runtime);
  return runtime;
}

/** Users made, and liker tokens signed, by a first runtime on the data folder (its key stays there). */
async function prepare(ports: RuntimePorts, users: number, likersPerUser: number): Promise<Like[]> {
  const runtime = await startHere(ports);
  const admin = await runtime.issuer!.sign({ sub: "durability-admin", scope: "users:read users:write" });
  const stamp = Date.now().toString(36);
  const userIds: string[] = [];
  for (let i = 0; i < users; i++) {
    const response = await fetch(`${runtime.apiUrl}/users`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ username: `durable_${stamp}_${i}`, name: `Durable ${i}`, email: `durable${i}@example.com`, age: 30 }),
    });
    expect(response.status).toBe(201);
    userIds.push(((await response.json()) as { id: string }).id);
  }
  const likes: Like[] = [];
  for (let liker = 0; liker < likersPerUser; liker++) {
    const likerId = `durable-liker-${liker}`;
    const token = await runtime.issuer!.sign({ sub: likerId, scope: "likes:write" });
    for (const userId of userIds) likes.push({ userId, likerId, token });
  }
  await runtime.stop();
  running.splice(running.indexOf(runtime), 1);
  return likes;
}

/**
 * Sends the likes `concurrency` at a time until they are all sent or `stop` says so; returns those
 * answered 202. A request cut off by the kill is not accepted (it may still be counted, once).
 */
async function sendLikes(apiUrl: string, likes: Like[], concurrency: number, onAccepted: (count: number) => void): Promise<Like[]> {
  const accepted: Like[] = [];
  let next = 0;
  let halted = false;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!halted && next < likes.length) {
        const like = likes[next++]!;
        try {
          const response = await fetch(`${apiUrl}/users/${like.userId}/likes`, { method: "POST", headers: { authorization: `Bearer ${like.token}` } });
          if (response.status === 202) {
            accepted.push(like);
            onAccepted(accepted.length);
          }
          await response.body?.cancel();
        } catch {
          // The runtime is gone: nothing more is accepted.
          halted = true;
        }
      }
    }),
  );
  return accepted;
}

/** Waits until the queue is empty, then checks every accepted like is stored and every user's count matches its like items. */
async function expectCountedOnce(runtime: Runtime, accepted: Like[]): Promise<void> {
  const common = { region: "us-east-1", credentials: localCredentials };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: runtime.endpoints.dynamodb });
  const sqs = new SQSClient({ ...common, endpoint: runtime.endpoints.sqs });
  const table = runtime.resources.tableName;
  try {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: runtime.resources.queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
      );
      if (Attributes.ApproximateNumberOfMessages === "0" && Attributes.ApproximateNumberOfMessagesNotVisible === "0") break;
      if (Date.now() > deadline) throw new Error(`the queue still holds messages: ${JSON.stringify(Attributes)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const missing: Like[] = [];
    for (const like of accepted) {
      const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: marshal(likeKey(like.userId, like.likerId)), ConsistentRead: true }));
      if (!Item) missing.push(like);
    }
    expect(missing).toEqual([]);
    for (const userId of new Set(accepted.map((like) => like.userId))) {
      const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: marshal(userKey(userId)), ConsistentRead: true }));
      const { Count } = await dynamodb.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :like)",
          ExpressionAttributeValues: { ":pk": { S: userKey(userId).pk }, ":like": { S: "LIKE#" } },
          ConsistentRead: true,
        }),
      );
      // Counted once: the user's count is exactly its like items, and holds at least the accepted ones.
      expect(Number(Item?.likes?.N)).toBe(Count);
      expect(Count).toBeGreaterThanOrEqual(accepted.filter((like) => like.userId === userId).length);
    }
  } finally {
    dynamodb.destroy();
    sqs.destroy();
  }
}

function marshal(key: Record<string, string>) {
  return Object.fromEntries(Object.entries(key).map(([name, value]) => [name, { S: value }]));
}

/** What DynamoDB Local's JVM could leave in the temp folder: its perf-data file, an extracted sqlite4java library. */
async function tempLeftovers(jvmPid: number, since: number): Promise<string[]> {
  const leftovers: string[] = [];
  for (const dir of new Set([tmpdir(), "/tmp"])) {
    for (const entry of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, entry);
      if (entry.startsWith("hsperfdata_") && (await readdir(path).catch(() => [] as string[])).includes(String(jvmPid))) leftovers.push(`${path}/${jvmPid}`);
      if (/^sqlite-.*libsqlite4java/.test(entry) && (await stat(path)).mtimeMs >= since - 60_000) leftovers.push(path);
    }
  }
  return leftovers;
}

describe("a 202 is a promise", () => {
  it("every like accepted before a SIGKILL of the whole runtime is counted once after a restart", { timeout: 240_000 }, async () => {
    const ports = await fixedPorts();
    const likes = await prepare(ports, 5, 40);

    const { child, ready } = forkRuntime({ dataDir, ports });
    children.push(child);
    await ready;

    const jvmPid = (JSON.parse(await readFile(join(dataDir, "run", (await readdir(join(dataDir, "run"))).find((file) => file.startsWith("dynamodb-"))!), "utf8")) as { pid: number }).pid;
    const startedAt = Date.now();

    // Killed under load: once 60 likes are accepted, with more in flight and some being counted.
    const accepted = await sendLikes(`http://127.0.0.1:${ports.api}`, likes, 12, (count) => {
      if (count === 60) killGroup(child);
    });
    await exited(child);
    await waitUntilFree(Object.values(ports));
    // A JVM killed outright leaves in the temp folder whatever it meant to delete at exit: there is none.
    expect(await tempLeftovers(jvmPid, startedAt)).toEqual([]);
    expect(accepted.length).toBeGreaterThanOrEqual(60);
    expect(accepted.length).toBeLessThan(likes.length);

    const next = await startHere(ports);
    await expectCountedOnce(next, accepted);
  });

  it("Ctrl-C (SIGINT to npm run dev) loses no accepted like", { timeout: 240_000 }, async () => {
    const ports = await fixedPorts();
    const likes = await prepare(ports, 4, 10);

    const portEnv = Object.fromEntries(Object.entries(portSettings).map(([name, setting]) => [setting.env, String(ports[name as keyof RuntimePorts])]));
    const dev = spawn(process.execPath, [fileURLToPath(new URL("../bin/dev.mjs", import.meta.url)), "--data-dir", dataDir], {
      env: { ...process.env, ...portEnv, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    children.push(dev);
    let output = "";
    await new Promise<void>((resolve, reject) => {
      dev.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("ready in")) resolve();
      });
      dev.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      dev.once("exit", (code) => reject(new Error(`npm run dev exited (${code}) before it was ready:\n${output}`)));
    });

    // All accepted, most still waiting in the queue's batching window when Ctrl-C comes.
    const accepted = await sendLikes(`http://127.0.0.1:${ports.api}`, likes, 8, () => undefined);
    expect(accepted).toHaveLength(likes.length);
    dev.kill("SIGINT");
    await exited(dev);
    expect(output).toContain("SIGINT: stopping");
    // It stopped what it started: no DynamoDB Local pid file, no lock left in the data folder.
    expect(await readdir(join(dataDir, "run"))).toEqual([]);
    await waitUntilFree(Object.values(ports));

    const next = await startHere(ports);
    await expectCountedOnce(next, accepted);
  });
});
