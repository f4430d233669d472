/**
 * Durability benchmark (not a test): `npx tsx bench/durability.ts`, or `runDurabilityBench()` from
 * `npm run bench`.
 *
 * How many acknowledged writes a `kill -9` loses, in one run:
 * - through the offline runtime on disk: users created (201), likes accepted (202) and avatar uploads
 *   stored (the presigned POST's 204), sent by concurrent clients until the runtime's whole process
 *   group (Node, DynamoDB Local's JVM, s3rver) is killed with SIGKILL; a new runtime on the same data
 *   folder then drains the queue and every acknowledged write is looked for;
 * - the baseline: plain SDK PutItems straight to DynamoDB Local on disk, its JVM killed with SIGKILL
 *   under the same kind of load, then restarted on the same files. A write DynamoDB Local itself
 *   acknowledged and then lost shows here, whatever the runtime does.
 * Each lost write is reported with how long before the kill it was acknowledged.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { fork, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { BatchGetItemCommand, CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import sharp from "sharp";
import { createMemoryLogger, localCredentials, portSettings, start, type Runtime, type RuntimePorts } from "../packages/local/src/index";
import { freePort } from "../packages/local/src/ports";
import { startDynamoDb } from "../packages/local/src/servers/dynamodb";

export interface DurabilityBenchOptions {
  /** Load before each kill (default 2500 ms; longer until enough writes were acknowledged). */
  loadMs?: number;
  /** Kill-and-restart rounds for the plain SDK baseline (default 3) and through the runtime (default 2). */
  baselineRounds?: number;
  runtimeRounds?: number;
  log?: (message: string) => void;
}

/** One kind of acknowledged write: how many were acknowledged, how many were gone after the restart. */
export interface LossFigure {
  kind: string;
  acknowledged: number;
  lost: number;
  /** For each lost write: ms between its acknowledgement and the kill. */
  lostAckedMsBeforeKill: number[];
}

const CHILD_ENV = "DURABILITY_BENCH_RUNTIME";
const common = { region: "us-east-1", credentials: localCredentials };

// ---- the runtime in a process of its own (this file, run by the bench with CHILD_ENV set) -----------

if (process.env[CHILD_ENV]) {
  const runtime = await start({
    dataDir: process.env[CHILD_ENV],
    ports: JSON.parse(process.env.DURABILITY_BENCH_PORTS!) as RuntimePorts,
    logger: createMemoryLogger(),
  });
  process.send?.({ ready: runtime.apiUrl });
}

export async function runDurabilityBench(options: DurabilityBenchOptions = {}) {
  const log = options.log ?? ((message: string) => process.stderr.write(`[durability bench] ${message}\n`));
  const loadMs = options.loadMs ?? 2500;
  const baseline: LossFigure = { kind: "PutItem straight to DynamoDB Local (plain SDK)", acknowledged: 0, lost: 0, lostAckedMsBeforeKill: [] };
  for (let round = 1; round <= (options.baselineRounds ?? 3); round++) {
    log(`baseline round ${round}: PutItems to DynamoDB Local, then SIGKILL`);
    add(baseline, await baselineRound(loadMs, round));
  }
  const figures: Record<string, LossFigure> = {
    users: { kind: "users created (201)", acknowledged: 0, lost: 0, lostAckedMsBeforeKill: [] },
    likes: { kind: "likes accepted (202), counted once after the restart", acknowledged: 0, lost: 0, lostAckedMsBeforeKill: [] },
    avatars: { kind: "avatar uploads stored (presigned POST 204)", acknowledged: 0, lost: 0, lostAckedMsBeforeKill: [] },
  };
  let countMismatches = 0;
  for (let round = 1; round <= (options.runtimeRounds ?? 2); round++) {
    log(`runtime round ${round}: users, likes and avatars under load, then SIGKILL of the whole runtime`);
    const result = await runtimeRound(loadMs, log);
    for (const key of Object.keys(figures)) add(figures[key]!, result.figures[key]!);
    countMismatches += result.countMismatches;
  }
  return report(baseline, Object.values(figures), countMismatches, loadMs);
}

function add(total: LossFigure, round: LossFigure): void {
  total.acknowledged += round.acknowledged;
  total.lost += round.lost;
  total.lostAckedMsBeforeKill.push(...round.lostAckedMsBeforeKill);
}

// ---- baseline: the SDK straight to DynamoDB Local -------------------------------------------------

async function baselineRound(loadMs: number, round: number): Promise<LossFigure> {
  const dir = await mkdtemp(join(tmpdir(), "users-durability-ddb-"));
  const port = await freePort();
  const table = "durability-baseline";
  try {
    const first = await startDynamoDb({ port, dbPath: dir });
    const client = new DynamoDBClient({ ...common, endpoint: first.endpoint, maxAttempts: 1 });
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      }),
    );
    const acked = new Map<string, number>();
    let next = 0;
    let killed = false;
    let killedAt = 0;
    const writers = Array.from({ length: 16 }, async () => {
      while (!killed) {
        const key = `r${round}-${next++}`;
        try {
          await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: key }, body: { S: "x".repeat(200) } } }));
          if (!killed) acked.set(key, performance.now());
        } catch {
          return;
        }
      }
    });
    await loadUntil(loadMs, () => acked.size >= 200);
    killed = true;
    killedAt = performance.now();
    process.kill(first.pid!, "SIGKILL");
    await Promise.all(writers);
    client.destroy();
    await first.stop();

    const second = await startDynamoDb({ port: await freePort(), dbPath: dir });
    const reader = new DynamoDBClient({ ...common, endpoint: second.endpoint });
    try {
      const keys = [...acked.keys()];
      const found = new Set<string>();
      for (let i = 0; i < keys.length; i += 100) {
        const { Responses } = await reader.send(
          new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys.slice(i, i + 100).map((pk) => ({ pk: { S: pk } })), ConsistentRead: true } } }),
        );
        for (const item of Responses?.[table] ?? []) found.add(item.pk!.S!);
      }
      const lost = keys.filter((key) => !found.has(key));
      return {
        kind: "baseline",
        acknowledged: keys.length,
        lost: lost.length,
        lostAckedMsBeforeKill: lost.map((key) => killedAt - acked.get(key)!),
      };
    } finally {
      reader.destroy();
      await second.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- through the runtime -------------------------------------------------------------------------

interface Seed {
  adminToken: string;
  likers: { id: string; token: string }[];
  likedUsers: string[];
}

async function runtimeRound(loadMs: number, log: (message: string) => void) {
  const dataDir = await mkdtemp(join(tmpdir(), "users-durability-runtime-"));
  const names = Object.keys(portSettings) as (keyof RuntimePorts)[];
  const ports = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await freePort()]))) as unknown as RuntimePorts;
  const apiUrl = `http://127.0.0.1:${ports.api}`;
  let child: ChildProcess | undefined;
  try {
    // A first runtime makes the users to like and signs the tokens (its key stays in the data folder).
    const seed = await seedRuntime(dataDir, ports);
    child = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, [CHILD_ENV]: dataDir, DURABILITY_BENCH_PORTS: JSON.stringify(ports) },
      stdio: ["ignore", "ignore", "ignore", "ipc"],
      // Its own process group: one kill takes Node, the JVM and s3rver together.
      detached: true,
    });
    await new Promise<void>((resolve, reject) => {
      child!.once("message", () => resolve());
      child!.once("exit", (code) => reject(new Error(`the runtime exited (${code}) while starting`)));
    });

    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: "#3366cc" } }).png().toBuffer();
    const users = new Map<string, number>();
    const likes = new Map<string, { userId: string; likerId: string; at: number }>();
    const avatars = new Map<string, number>();
    let killed = false;
    let killedAt = 0;
    let n = 0;
    const worker = async () => {
      try {
        while (!killed) {
          const i = n++;
          const created = await post(`${apiUrl}/users`, seed.adminToken, { username: `durable_${Date.now().toString(36)}_${i}`, name: `Durable ${i}`, email: `d${i}@example.com`, age: 30 });
          if (created.status !== 201 || killed) continue;
          const userId = ((await created.json()) as { id: string }).id;
          users.set(userId, performance.now());

          // A liker of its own per like: each (user, liker) pair counts once, so every 202 must add one.
          const liker = seed.likers[i];
          if (liker) {
            const likedUser = seed.likedUsers[i % seed.likedUsers.length]!;
            const liked = await post(`${apiUrl}/users/${likedUser}/likes`, liker.token);
            await liked.body?.cancel();
            if (liked.status === 202 && !killed) likes.set(`${likedUser}/${liker.id}`, { userId: likedUser, likerId: liker.id, at: performance.now() });
          }

          const grant = await post(`${apiUrl}/users/${userId}/avatar`, seed.adminToken, { contentType: "image/png", contentLength: png.length });
          if (grant.status !== 201 || killed) continue;
          const { upload } = (await grant.json()) as { upload: { url: string; fields: Record<string, string> } };
          const form = new FormData();
          for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
          form.append("file", new Blob([png], { type: "image/png" }), "avatar.png");
          const stored = await fetch(upload.url, { method: "POST", body: form });
          await stored.body?.cancel();
          if (stored.ok && !killed) avatars.set(upload.fields.key!, performance.now());
        }
      } catch {
        // The runtime is gone.
      }
    };
    const workers = Array.from({ length: 8 }, () => worker());
    await loadUntil(loadMs, () => users.size >= 20 && likes.size >= 20 && avatars.size >= 20);
    killed = true;
    killedAt = performance.now();
    process.kill(-child.pid!, "SIGKILL");
    await Promise.all(workers);
    await new Promise((resolve) => (child!.exitCode !== null || child!.signalCode !== null ? resolve(undefined) : child!.once("exit", resolve)));
    log(`killed after ${users.size} users, ${likes.size} likes, ${avatars.size} avatars acknowledged`);

    const runtime = await startWhenFree(dataDir, ports);
    try {
      return await verify(runtime, { users, likes, avatars, killedAt, seed });
    } finally {
      await runtime.stop();
    }
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, "SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function seedRuntime(dataDir: string, ports: RuntimePorts): Promise<Seed> {
  const runtime = await start({ dataDir, ports, logger: createMemoryLogger() });
  try {
    const adminToken = await runtime.issuer!.sign({ sub: "durability-admin", scope: "users:read users:write" });
    const likedUsers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await post(`${runtime.apiUrl}/users`, adminToken, { username: `liked_${Date.now().toString(36)}_${i}`, name: `Liked ${i}`, email: `l${i}@example.com`, age: 30 });
      if (response.status !== 201) throw new Error(`seed user: ${response.status} ${await response.text()}`);
      likedUsers.push(((await response.json()) as { id: string }).id);
    }
    // The liker is the token's subject: a token per like, signed up front.
    const likers = await Promise.all(
      Array.from({ length: 1500 }, async (_, k) => ({ id: `durable-liker-${k}`, token: await runtime.issuer!.sign({ sub: `durable-liker-${k}`, scope: "likes:write" }) })),
    );
    return { adminToken, likers, likedUsers };
  } finally {
    await runtime.stop();
  }
}

/** The runtime's ports may be held for a moment by the killed JVM's last threads. */
async function startWhenFree(dataDir: string, ports: RuntimePorts): Promise<Runtime> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await start({ dataDir, ports, logger: createMemoryLogger() });
    } catch (error) {
      if (Date.now() > deadline || !String(error).includes("busy")) throw error;
      await sleep(250);
    }
  }
}

async function verify(
  runtime: Runtime,
  acked: {
    users: Map<string, number>;
    likes: Map<string, { userId: string; likerId: string; at: number }>;
    avatars: Map<string, number>;
    killedAt: number;
    seed: Seed;
  },
) {
  const dynamodb = new DynamoDBClient({ ...common, endpoint: runtime.endpoints.dynamodb });
  const sqs = new SQSClient({ ...common, endpoint: runtime.endpoints.sqs });
  const s3 = new S3Client({ ...common, endpoint: runtime.endpoints.s3, forcePathStyle: true });
  const table = runtime.resources.tableName;
  const exists = async (pk: string, sk: string) =>
    Boolean((await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }))).Item);
  try {
    // Everything the queue still held is counted first.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { Attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: runtime.resources.queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
      );
      if (Attributes.ApproximateNumberOfMessages === "0" && Attributes.ApproximateNumberOfMessagesNotVisible === "0") break;
      if (Date.now() > deadline) throw new Error(`the queue was not drained after the restart: ${JSON.stringify(Attributes)}`);
      await sleep(200);
    }
    const lostUsers: number[] = [];
    for (const [id, at] of acked.users) if (!(await exists(`USER#${id}`, "PROFILE"))) lostUsers.push(acked.killedAt - at);
    const lostLikes: number[] = [];
    for (const like of acked.likes.values()) if (!(await exists(`USER#${like.userId}`, `LIKE#${like.likerId}`))) lostLikes.push(acked.killedAt - like.at);
    // Counted once: each liked user's count is exactly its like items.
    let countMismatches = 0;
    for (const userId of acked.seed.likedUsers) {
      const { Item } = await dynamodb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: `USER#${userId}` }, sk: { S: "PROFILE" } }, ConsistentRead: true }));
      const { Count } = await dynamodb.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :like)",
          ExpressionAttributeValues: { ":pk": { S: `USER#${userId}` }, ":like": { S: "LIKE#" } },
          ConsistentRead: true,
        }),
      );
      if (Number(Item?.likes?.N ?? 0) !== Count) countMismatches++;
    }
    const lostAvatars: number[] = [];
    for (const [key, at] of acked.avatars) {
      const found = await s3.send(new HeadObjectCommand({ Bucket: runtime.resources.bucketName, Key: key })).then(
        () => true,
        () => false,
      );
      if (!found) lostAvatars.push(acked.killedAt - at);
    }
    const figure = (kind: string, acknowledged: number, lost: number[]): LossFigure => ({ kind, acknowledged, lost: lost.length, lostAckedMsBeforeKill: lost });
    return {
      figures: {
        users: figure("users", acked.users.size, lostUsers),
        likes: figure("likes", acked.likes.size, lostLikes),
        avatars: figure("avatars", acked.avatars.size, lostAvatars),
      } as Record<string, LossFigure>,
      countMismatches,
    };
  } finally {
    dynamodb.destroy();
    sqs.destroy();
    s3.destroy();
  }
}

// ---- report ----------------------------------------------------------------------------------------

function report(baseline: LossFigure, runtime: LossFigure[], countMismatches: number, loadMs: number) {
  const lostText = (figure: LossFigure) =>
    figure.lost === 0
      ? `0 of ${figure.acknowledged} lost`
      : `${figure.lost} of ${figure.acknowledged} lost (acknowledged ${Math.round(Math.min(...figure.lostAckedMsBeforeKill))}–${Math.round(Math.max(...figure.lostAckedMsBeforeKill))} ms before the kill)`;
  const rows: { figure: string; value: string; baseline?: string; goal: string }[] = [
    ...runtime.map((figure) => ({ figure: `kill -9 of the runtime: ${figure.kind}`, value: lostText(figure), baseline: `plain SDK to DynamoDB Local: ${lostText(baseline)}`, goal: "0 lost" })),
    { figure: "liked users whose count differs from their like items after the restart", value: String(countMismatches), goal: "0" },
  ];
  const goals = [
    ...runtime.map((figure) => ({ goal: `no acknowledged write lost to kill -9: ${figure.kind}`, measured: `${figure.lost} of ${figure.acknowledged}`, met: figure.lost === 0, gap: figure.lost === 0 ? 1 : Number.POSITIVE_INFINITY })),
    { goal: "each like counted once after kill -9", measured: `${countMismatches} users off`, met: countMismatches === 0, gap: countMismatches === 0 ? 1 : Number.POSITIVE_INFINITY },
  ];
  const notes = [
    `Each round sends ${loadMs} ms of load from 8 concurrent clients (create a user → like another user as a new liker → upload the new user's avatar), then SIGKILLs the runtime's process group (Node, DynamoDB Local's JVM, s3rver) and starts a new runtime on the same data folder; a write counts as acknowledged if its answer arrived before the kill.`,
    "The baseline does the same to DynamoDB Local alone: 16 concurrent PutItems through the AWS SDK, SIGKILL of its JVM, a restart on the same -dbPath, and a consistent read of every acknowledged key.",
    "Likes are in the queue's journal (<data>/sqs/messages.jsonl) before the 202; the restart replays it and the subscriber counts what was not yet counted.",
  ];
  const markdown = ["| figure | value | beside | goal |", "|---|---|---|---|", ...rows.map((row) => `| ${row.figure} | ${row.value} | ${row.baseline ?? ""} | ${row.goal} |`)].join("\n");
  return { figures: { baseline, runtime, countMismatches }, rows, notes, goals, markdown };
}

// ---- helpers ---------------------------------------------------------------------------------------

function post(url: string, token: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** At least `ms` of load, and on a slow machine longer, until `enough()` (at most a minute). */
async function loadUntil(ms: number, enough: () => boolean): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < ms || (!enough() && performance.now() - started < 60_000)) await sleep(50);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

if (!process.env[CHILD_ENV] && import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await runDurabilityBench();
  console.log(result.markdown);
  console.log();
  for (const note of result.notes) console.log(`- ${note}`);
}
