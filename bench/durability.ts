/**
 * Durability benchmark (not a test): `npx tsx bench/durability.ts`, or `runDurabilityBench()` from
 * `npm run bench`.
 *
 * How many acknowledged writes a `kill -9` loses, in one run:
 * - through the offline runtime on disk: users created (201), likes accepted (202) and avatar uploads
 *   stored (the presigned POST's 204), sent by concurrent clients until the runtime's whole process
 *   group (Node, DynamoDB Local's JVM, s3rver) is killed with SIGKILL; a new runtime on the same data
 *   folder then drains the queue and every acknowledged write is looked for;
 * - two baselines straight to DynamoDB Local on disk, its JVM killed with SIGKILL under load, then
 *   restarted on the same files: plain SDK PutItems, and TransactWriteItems shaped like the likes
 *   subscriber's (several users' conditional like puts and `ADD likes` counts per transaction, some
 *   cancelled by a repeated like as redeliveries are). A write DynamoDB Local itself acknowledged and
 *   then lost shows here, whatever the runtime does.
 * Each lost write is reported with how long before the kill it was acknowledged. A lost like is also
 * looked up in a copy of the queue's journal taken right after the kill (the restart compacts it):
 * deleted from the queue means the subscriber had an acknowledged write, so the store lost it;
 * still queued or absent means the queue lost it.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { fork, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type AttributeValue,
  BatchGetItemCommand,
  CreateTableCommand,
  type CreateTableCommandInput,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type TransactWriteItem,
} from "@aws-sdk/client-dynamodb";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import sharp from "sharp";
import { manifest } from "../infra/manifest";
import { createMemoryLogger, localCredentials, portSettings, start, type Runtime, type RuntimePorts } from "../packages/local/src/index";
import { freePort } from "../packages/local/src/ports";
import { startDynamoDb } from "../packages/local/src/servers/dynamodb";

export interface DurabilityBenchOptions {
  /** Load before each kill (default 2500 ms; longer until enough writes were acknowledged). */
  loadMs?: number;
  /** Kill-and-restart rounds for each plain SDK baseline (default 3) and through the runtime (default 2). */
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
  /** Baselines: writes (PutItems, or transactions) acknowledged in the last `recentMs` before a kill, and how many of those were lost. */
  recent?: { acknowledged: number; lost: number };
}

/** The window the baselines' losses fell in (11–13 ms before the kill, in the runs of 30 Nov 2026), with some margin. */
const recentMs = 20;

/** What the queue's journal, copied right after the kill, says became of a lost like's message. */
export interface LostLike {
  userId: string;
  likerId: string;
  ackedMsBeforeKill: number;
  /**
   * - `deleted`: the subscriber deleted it, which it does only once the like is counted or settled: the store
   *   acknowledged the write and lost it;
   * - `queued`: still on the likes queue at the kill, so the restart should have delivered it again;
   * - `dlq`: moved to the dead-letter queue;
   * - `absent`: no message for it in the journal: the queue lost it.
   */
  message: "deleted" | "queued" | "dlq" | "absent";
  receives: number;
  /** ms between the message's last receive by the subscriber and the kill. */
  lastReceivedMsBeforeKill?: number;
}

/** The transaction baseline's extra figures. */
export interface TransactionBaseline extends LossFigure {
  transactions: number;
  /** Transactions cancelled by a repeated like (then written again without it). */
  cancelledByRepeat: number;
  /** Transactions cancelled by a conflict with a concurrent one on the same profile (then tried again). */
  cancelledByConflict: number;
  /** Transactions whose like items were all gone after the restart, and how long before the kill each was acknowledged. */
  lostTransactionsMsBeforeKill: number[];
  /** Transactions acknowledged in the last 100 ms before the kill: how close the losses are to it. */
  lastTransactionsMsBeforeKill: number[];
  countMismatches: number;
  /** Errors other than cancellations before the kill (0 expected). */
  errors: string[];
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
    const result = await baselineRound(loadMs, round);
    add(baseline, result);
    log(`  ${result.acknowledged} PutItems acknowledged, ${result.lost} lost; in the last ${recentMs} ms before the kill ${result.recent?.acknowledged ?? 0} acknowledged, ${result.recent?.lost ?? 0} lost`);
  }
  const transactions = emptyTransactionBaseline("likes in TransactWriteItems straight to DynamoDB Local (plain SDK)");
  for (let round = 1; round <= (options.baselineRounds ?? 3); round++) {
    log(`transaction baseline round ${round}: subscriber-shaped TransactWriteItems to DynamoDB Local, then SIGKILL`);
    const result = await transactionBaselineRound(loadMs, round);
    add(transactions, result);
    transactions.transactions += result.transactions;
    transactions.cancelledByRepeat += result.cancelledByRepeat;
    transactions.cancelledByConflict += result.cancelledByConflict;
    transactions.countMismatches += result.countMismatches;
    transactions.lostTransactionsMsBeforeKill.push(...result.lostTransactionsMsBeforeKill);
    transactions.lastTransactionsMsBeforeKill.push(...result.lastTransactionsMsBeforeKill);
    transactions.errors.push(...result.errors);
    log(
      `  ${result.acknowledged} likes in ${result.transactions} transactions acknowledged, ${result.lost} likes lost in ${result.lostTransactionsMsBeforeKill.length} whole transactions${result.lostTransactionsMsBeforeKill.length > 0 ? ` (acknowledged ${result.lostTransactionsMsBeforeKill.map((ms) => Math.round(ms)).join(", ")} ms before the kill)` : ""}; transactions acknowledged in the last 100 ms: ${result.lastTransactionsMsBeforeKill.map((ms) => Math.round(ms)).join(", ") || "none"} ms before the kill; ${result.countMismatches} counts off`,
    );
  }
  const figures: Record<string, LossFigure> = {
    users: { kind: "users created (201)", acknowledged: 0, lost: 0, lostAckedMsBeforeKill: [] },
    likes: { kind: "likes accepted (202), counted once after the restart", acknowledged: 0, lost: 0, lostAckedMsBeforeKill: [] },
    avatars: { kind: "avatar uploads stored (presigned POST 204)", acknowledged: 0, lost: 0, lostAckedMsBeforeKill: [] },
  };
  let countMismatches = 0;
  let dlqMessages = 0;
  const lostLikes: LostLike[] = [];
  const atKill: Record<LostLike["message"], number> = { deleted: 0, queued: 0, dlq: 0, absent: 0 };
  for (let round = 1; round <= (options.runtimeRounds ?? 2); round++) {
    log(`runtime round ${round}: users, likes and avatars under load, then SIGKILL of the whole runtime`);
    const result = await runtimeRound(loadMs, log);
    for (const key of Object.keys(figures)) add(figures[key]!, result.figures[key]!);
    countMismatches += result.countMismatches;
    dlqMessages += result.dlqMessages;
    lostLikes.push(...result.lostLikes);
    for (const state of Object.keys(atKill) as LostLike["message"][]) atKill[state] += result.atKill[state];
    log(`  likes' messages at the kill: ${JSON.stringify(result.atKill)}; ${result.figures.likes!.lost} likes lost`);
    for (const like of result.lostLikes) log(`  lost like ${like.userId}/${like.likerId}: ${JSON.stringify(like)}`);
  }
  return report({ baseline, transactions, runtime: Object.values(figures), countMismatches, dlqMessages, lostLikes, atKill, loadMs });
}

function add(total: LossFigure, round: LossFigure): void {
  total.acknowledged += round.acknowledged;
  total.lost += round.lost;
  total.lostAckedMsBeforeKill.push(...round.lostAckedMsBeforeKill);
  if (round.recent) total.recent = { acknowledged: (total.recent?.acknowledged ?? 0) + round.recent.acknowledged, lost: (total.recent?.lost ?? 0) + round.recent.lost };
}

// ---- baseline: the SDK straight to DynamoDB Local -------------------------------------------------

async function baselineRound(loadMs: number, round: number): Promise<LossFigure> {
  const table = "durability-baseline";
  const acked = new Map<string, number>();
  let next = 0;
  return killedUnderLoad({
    prefix: "users-durability-ddb-",
    loadMs,
    table: {
      TableName: table,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    },
    enough: () => acked.size >= 200,
    writers: (client, killed) =>
      Array.from({ length: 16 }, async () => {
        while (!killed()) {
          const key = `r${round}-${next++}`;
          try {
            await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: key }, body: { S: "x".repeat(200) } } }));
            if (!killed()) acked.set(key, performance.now());
          } catch {
            return;
          }
        }
      }),
    verify: async (reader, killedAt) => {
      const keys = [...acked.keys()];
      const present = await itemsPresent(reader, table, keys.map((pk) => ({ pk: { S: pk } })));
      const found = new Set(present.map((item) => item.pk!.S!));
      const lost = keys.filter((key) => !found.has(key));
      const recent = keys.filter((key) => killedAt - acked.get(key)! <= recentMs);
      return {
        kind: "baseline",
        acknowledged: keys.length,
        lost: lost.length,
        lostAckedMsBeforeKill: lost.map((key) => killedAt - acked.get(key)!),
        recent: { acknowledged: recent.length, lost: recent.filter((key) => !found.has(key)).length },
      };
    },
  });
}

/**
 * DynamoDB Local on disk (a temporary folder) with `table`, written to by `writers` for at least
 * `loadMs` (longer until `enough()`), its JVM SIGKILLed, then started again on the same files:
 * `verify` reads what survived, told when the kill came.
 */
/** Whether a user's profile counts exactly the like items stored under it (each like counted once). */
async function countMatchesLikes(reader: DynamoDBClient, table: string, userId: string): Promise<boolean> {
  const { Item } = await reader.send(new GetItemCommand({ TableName: table, Key: { pk: { S: `USER#${userId}` }, sk: { S: "PROFILE" } }, ConsistentRead: true }));
  const { Count } = await reader.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :like)",
      ExpressionAttributeValues: { ":pk": { S: `USER#${userId}` }, ":like": { S: "LIKE#" } },
      ConsistentRead: true,
    }),
  );
  return Number(Item?.likes?.N ?? 0) === Count;
}

/** The items among `keys` the table holds, read consistently 100 keys at a time (BatchGetItem's limit), unprocessed keys asked again. */
async function itemsPresent(reader: DynamoDBClient, table: string, keys: Record<string, AttributeValue>[]): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, AttributeValue>[] = keys.slice(i, i + 100);
    while (pending.length > 0) {
      const { Responses, UnprocessedKeys } = await reader.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
      items.push(...(Responses?.[table] ?? []));
      pending = UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return items;
}

async function killedUnderLoad<T>(input: {
  prefix: string;
  loadMs: number;
  table: CreateTableCommandInput;
  prepare?: (client: DynamoDBClient) => Promise<void>;
  enough: () => boolean;
  writers: (client: DynamoDBClient, killed: () => boolean) => Promise<void>[];
  verify: (reader: DynamoDBClient, killedAt: number) => Promise<T>;
}): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), input.prefix));
  try {
    const first = await startDynamoDb({ port: await freePort(), dbPath: dir });
    const client = new DynamoDBClient({ ...common, endpoint: first.endpoint, maxAttempts: 1 });
    await client.send(new CreateTableCommand(input.table));
    await input.prepare?.(client);
    let killed = false;
    const writers = input.writers(client, () => killed);
    await loadUntil(input.loadMs, input.enough);
    killed = true;
    const killedAt = performance.now();
    process.kill(first.pid!, "SIGKILL");
    await Promise.all(writers);
    client.destroy();
    await first.stop();

    const second = await startDynamoDb({ port: await freePort(), dbPath: dir });
    const reader = new DynamoDBClient({ ...common, endpoint: second.endpoint });
    try {
      return await input.verify(reader, killedAt);
    } finally {
      reader.destroy();
      await second.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// ---- baseline: the likes subscriber's transactions, the SDK straight to DynamoDB Local ------------

function emptyTransactionBaseline(kind: string): TransactionBaseline {
  return {
    kind,
    acknowledged: 0,
    lost: 0,
    lostAckedMsBeforeKill: [],
    transactions: 0,
    cancelledByRepeat: 0,
    cancelledByConflict: 0,
    lostTransactionsMsBeforeKill: [],
    lastTransactionsMsBeforeKill: [],
    countMismatches: 0,
    errors: [],
  };
}

/**
 * What the subscriber writes per batch (packages/core/src/likes/dynamo-store.ts), without the runtime:
 * a batch of the event source's size (50 likes) over 5 users is one TransactWriteItems, per user its
 * like puts (`attribute_not_exists(pk)`) then `ADD likes :n` on the profile (`attribute_exists(pk)`).
 * About one batch in five repeats a like already stored, as a redelivery does: DynamoDB cancels the
 * transaction and it is written again without that like. A conflict with a concurrent transaction on the same
 * profile is tried again after a short backoff, as the store does.
 */
async function transactionBaselineRound(loadMs: number, round: number): Promise<TransactionBaseline> {
  const table = "durability-transactions";
  const users = Array.from({ length: 5 }, (_, i) => `tx-user-${i}`);
  const likeKey = (userId: string, likerId: string) => ({ pk: { S: `USER#${userId}` }, sk: { S: `LIKE#${likerId}` } });
  const profileKey = (userId: string) => ({ pk: { S: `USER#${userId}` }, sk: { S: "PROFILE" } });
  const result = emptyTransactionBaseline("transactions");
  /** Acknowledged likes, by `${userId}/${likerId}`, with when their transaction's answer arrived. */
  const acked = new Map<string, { userId: string; likerId: string; at: number; transaction: number }>();
  let next = 0;
  const transaction = (likes: { userId: string; likerId: string }[]): TransactWriteItem[] => {
    const byUser = new Map<string, string[]>();
    for (const { userId, likerId } of likes) byUser.set(userId, [...(byUser.get(userId) ?? []), likerId]);
    return [...byUser].flatMap(([userId, likers]) => [
      ...likers.map((likerId) => ({
        Put: { TableName: table, Item: { ...likeKey(userId, likerId), likerId: { S: likerId }, likedAt: { S: new Date().toISOString() } }, ConditionExpression: "attribute_not_exists(pk)" },
      })),
      {
        Update: {
          TableName: table,
          Key: profileKey(userId),
          UpdateExpression: "ADD likes :n",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":n": { N: String(likers.length) } },
        },
      },
    ]);
  };
  /** The likes in the order `transaction` puts them: what the cancellation reasons are read against. */
  const actionOrder = (likes: { userId: string; likerId: string }[]) => {
    const byUser = new Map<string, { userId: string; likerId: string }[]>();
    for (const like of likes) byUser.set(like.userId, [...(byUser.get(like.userId) ?? []), like]);
    return [...byUser.values()].flatMap((group) => [...group, undefined]);
  };
  return killedUnderLoad({
    prefix: "users-durability-ddb-tx-",
    loadMs,
    table: {
      TableName: table,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
    },
    prepare: async (client) => {
      for (const userId of users) await client.send(new PutItemCommand({ TableName: table, Item: { ...profileKey(userId), name: { S: userId } } }));
    },
    enough: () => acked.size >= 200,
    writers: (client, killed) =>
      Array.from({ length: 8 }, async () => {
        while (!killed()) {
          let batch = Array.from({ length: manifest.queue.batch.size }, () => ({ userId: users[Math.floor(Math.random() * users.length)]!, likerId: `r${round}-liker-${next++}` }));
          const stored = [...acked.values()];
          if (stored.length > 0 && Math.random() < 0.2) {
            const repeat = stored[Math.floor(Math.random() * stored.length)]!;
            // A redelivery: the same (user, liker) again, never twice in one batch.
            if (!batch.some((like) => like.userId === repeat.userId && like.likerId === repeat.likerId)) batch[0] = { userId: repeat.userId, likerId: repeat.likerId };
          }
          let conflicts = 0;
          while (batch.length > 0) {
            try {
              await client.send(new TransactWriteItemsCommand({ TransactItems: transaction(batch) }));
              if (killed()) return;
              const at = performance.now();
              const id = ++result.transactions;
              for (const like of batch) acked.set(`${like.userId}/${like.likerId}`, { ...like, at, transaction: id });
              break;
            } catch (error) {
              if (killed()) return;
              if (!(error instanceof TransactionCanceledException)) {
                result.errors.push(String(error));
                return;
              }
              const reasons = error.CancellationReasons ?? [];
              const order = actionOrder(batch);
              const repeated = new Set(order.filter((like, i) => like && reasons[i]?.Code === "ConditionalCheckFailed"));
              if (repeated.size > 0) {
                result.cancelledByRepeat++;
                batch = batch.filter((like) => !repeated.has(like));
                continue;
              }
              if (reasons.some((reason) => reason.Code === "TransactionConflict") && ++conflicts <= 8) {
                result.cancelledByConflict++;
                await sleep(Math.random() * Math.min(1000, 25 * 2 ** conflicts));
                continue;
              }
              result.errors.push(`cancelled: ${reasons.map((reason) => reason.Code ?? "?").join(",")}`);
              break;
            }
          }
        }
      }),
    verify: async (reader, killedAt) => {
      const likes = [...acked.values()];
      const present = await itemsPresent(reader, table, likes.map(({ userId, likerId }) => likeKey(userId, likerId)));
      const found = new Set(present.map((item) => `${item.pk!.S!.slice("USER#".length)}/${item.sk!.S!.slice("LIKE#".length)}`));
      const lost = likes.filter(({ userId, likerId }) => !found.has(`${userId}/${likerId}`));
      for (const userId of users) if (!(await countMatchesLikes(reader, table, userId))) result.countMismatches++;
      result.acknowledged = likes.length;
      result.lost = lost.length;
      result.lostAckedMsBeforeKill = lost.map((like) => killedAt - like.at);
      const ackedAt = new Map(likes.map((like) => [like.transaction, killedAt - like.at]));
      const lostTransactions = new Set(lost.map((like) => like.transaction));
      // A transaction is lost whole or not at all (the counts say so too): a partly found one would show here as not lost.
      result.lostTransactionsMsBeforeKill = [...lostTransactions].filter((id) => likes.every((like) => like.transaction !== id || lost.includes(like))).map((id) => ackedAt.get(id)!);
      result.lastTransactionsMsBeforeKill = [...ackedAt.values()].filter((ms) => ms <= 100).sort((a, b) => a - b);
      result.recent = {
        acknowledged: [...ackedAt.values()].filter((ms) => ms <= recentMs).length,
        lost: result.lostTransactionsMsBeforeKill.filter((ms) => ms <= recentMs).length,
      };
      return result;
    },
  });
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
    const killedAtWall = Date.now();
    process.kill(-child.pid!, "SIGKILL");
    await Promise.all(workers);
    await new Promise((resolve) => (child!.exitCode !== null || child!.signalCode !== null ? resolve(undefined) : child!.once("exit", resolve)));
    log(`killed after ${users.size} users, ${likes.size} likes, ${avatars.size} avatars acknowledged`);
    // Before the restart, which replays and compacts it: what the queue held, received and deleted at the kill.
    const journal = await readFile(join(dataDir, "sqs", "messages.jsonl"), "utf8").catch(() => "");

    const runtime = await startWhenFree(dataDir, ports);
    try {
      return await verify(runtime, { users, likes, avatars, killedAt, killedAtWall, seed, journal });
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
    /** Date.now() at the kill: the journal's receive times are wall-clock. */
    killedAtWall: number;
    seed: Seed;
    /** The queue's journal as the kill left it. */
    journal: string;
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
    const dlq = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: runtime.resources.dlqUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
    const lostLikes: LostLike[] = [];
    const messages = likeMessages(acked.journal, queueName(runtime.resources.queueUrl), queueName(runtime.resources.dlqUrl));
    // Where every acknowledged like's message stood at the kill: shows the journal copy was read.
    const atKill: Record<LostLike["message"], number> = { deleted: 0, queued: 0, dlq: 0, absent: 0 };
    for (const like of acked.likes.values()) {
      const message = messages.get(`${like.userId}/${like.likerId}`);
      atKill[message?.state ?? "absent"]++;
      if (await exists(`USER#${like.userId}`, `LIKE#${like.likerId}`)) continue;
      lostLikes.push({
        userId: like.userId,
        likerId: like.likerId,
        ackedMsBeforeKill: acked.killedAt - like.at,
        message: message?.state ?? "absent",
        receives: message?.receives ?? 0,
        ...(message?.lastReceivedAt !== undefined ? { lastReceivedMsBeforeKill: acked.killedAtWall - message.lastReceivedAt } : {}),
      });
    }
    // Counted once: each liked user's count is exactly its like items.
    let countMismatches = 0;
    for (const userId of acked.seed.likedUsers) if (!(await countMatchesLikes(dynamodb, table, userId))) countMismatches++;
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
        likes: figure("likes", acked.likes.size, lostLikes.map((like) => like.ackedMsBeforeKill)),
        avatars: figure("avatars", acked.avatars.size, lostAvatars),
      } as Record<string, LossFigure>,
      countMismatches,
      dlqMessages: Number(dlq.Attributes?.ApproximateNumberOfMessages ?? 0),
      lostLikes,
      atKill,
    };
  } finally {
    dynamodb.destroy();
    sqs.destroy();
    s3.destroy();
  }
}

/**
 * Each like's message as the journal tells it (packages/local/src/queue/journal.ts: `put`, `recv`,
 * `del`, `purge` lines), by `${userId}/${likerId}`. The kill can cut the last line short: it is skipped,
 * as the journal's own replay does. Nothing was compacted away: a round writes far fewer lines than
 * the journal's compaction threshold.
 */
function likeMessages(journal: string, queue: string, dlq: string) {
  const byId = new Map<string, { key: string; state: LostLike["message"]; receives: number; lastReceivedAt?: number }>();
  for (const line of journal.split("\n")) {
    let entry: { t: string; q: string; r?: { MessageId: string; MessageBody?: string }; m?: [string, number][]; at?: number; id?: string };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue;
    }
    if (entry.t === "put" && entry.r) {
      const seen = byId.get(entry.r.MessageId);
      if (entry.q === dlq && seen) seen.state = "dlq";
      else if (entry.q === queue) {
        const body = JSON.parse(String(entry.r.MessageBody)) as { userId: string; likerId: string };
        byId.set(entry.r.MessageId, { key: `${body.userId}/${body.likerId}`, state: "queued", receives: 0 });
      }
    } else if (entry.t === "recv" && entry.q === queue) {
      for (const [id, count] of entry.m ?? []) {
        const message = byId.get(id);
        if (message) {
          message.receives = count;
          message.lastReceivedAt = entry.at;
        }
      }
    } else if (entry.t === "del" && entry.q === queue && entry.id) {
      const message = byId.get(entry.id);
      if (message) message.state = "deleted";
    }
  }
  return new Map([...byId.values()].map((message) => [message.key, message]));
}

const queueName = (url: string) => new URL(url).pathname.split("/").filter(Boolean).at(-1) ?? "";

// ---- report ----------------------------------------------------------------------------------------

function report({
  baseline,
  transactions,
  runtime,
  countMismatches,
  dlqMessages,
  lostLikes,
  atKill,
  loadMs,
}: {
  baseline: LossFigure;
  transactions: TransactionBaseline;
  runtime: LossFigure[];
  countMismatches: number;
  dlqMessages: number;
  lostLikes: LostLike[];
  atKill: Record<LostLike["message"], number>;
  loadMs: number;
}) {
  const lostText = (figure: LossFigure) =>
    figure.lost === 0
      ? `0 of ${figure.acknowledged} lost`
      : `${figure.lost} of ${figure.acknowledged} lost (acknowledged ${Math.round(Math.min(...figure.lostAckedMsBeforeKill))}–${Math.round(Math.max(...figure.lostAckedMsBeforeKill))} ms before the kill)`;
  const states: Record<LostLike["message"], string> = {
    deleted: "message deleted by the subscriber: the store acknowledged it and lost it",
    queued: "message still queued at the kill: the restart's delivery did not count it",
    dlq: "message in the dead-letter queue",
    absent: "no message in the journal: the queue lost it",
  };
  const attribution = (Object.keys(states) as LostLike["message"][])
    .map((state) => [state, lostLikes.filter((like) => like.message === state).length] as const)
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${states[state]}`)
    .join("; ");
  const besides: Record<string, string | undefined> = {
    users: `DynamoDB Local alone: PutItem ${lostText(baseline)}; TransactWriteItems ${lostText(transactions)} likes`,
    likes: `DynamoDB Local alone, subscriber-shaped TransactWriteItems: ${lostText(transactions)} likes`,
  };
  const keys = ["users", "likes", "avatars"];
  const rows: { figure: string; value: string; baseline?: string; goal: string }[] = [
    ...runtime.map((figure, i) => ({
      figure: `kill -9 of the runtime: ${figure.kind}`,
      value: keys[i] === "likes" && lostLikes.length > 0 ? `${lostText(figure)}; ${attribution}` : lostText(figure),
      ...(besides[keys[i]!] ? { baseline: besides[keys[i]!] } : {}),
      goal: "0 lost",
    })),
    { figure: "liked users whose count differs from their like items after the restart", value: String(countMismatches), goal: "0" },
    { figure: "kill -9 of DynamoDB Local alone: PutItem (plain SDK, 16 writers)", value: lostText(baseline), goal: "0 lost" },
    {
      figure: "kill -9 of DynamoDB Local alone: likes in subscriber-shaped TransactWriteItems (plain SDK, 8 writers)",
      value: `${lostText(transactions)}, ${transactions.lostTransactionsMsBeforeKill.length} whole transactions of ${transactions.transactions}; ${transactions.countMismatches} counts off their like items`,
      goal: "0 lost",
    },
  ];
  const goals = [
    ...runtime.map((figure) => ({ goal: `no acknowledged write lost to kill -9: ${figure.kind}`, measured: `${figure.lost} of ${figure.acknowledged}`, met: figure.lost === 0, gap: figure.lost === 0 ? 1 : Number.POSITIVE_INFINITY })),
    { goal: "each like counted once after kill -9", measured: `${countMismatches} users off`, met: countMismatches === 0, gap: countMismatches === 0 ? 1 : Number.POSITIVE_INFINITY },
  ];
  const recentText = (figure: LossFigure, unit: string) =>
    `${unit} acknowledged in the last ${recentMs} ms before a kill: ${figure.recent?.acknowledged ?? 0}, of which lost: ${figure.recent?.lost ?? 0}`;
  const notes = [
    `Each round sends ${loadMs} ms of load from 8 concurrent clients (create a user → like another user as a new liker → upload the new user's avatar), then SIGKILLs the runtime's process group (Node, DynamoDB Local's JVM, s3rver) and starts a new runtime on the same data folder; a write counts as acknowledged if its answer arrived before the kill.`,
    `The PutItem baseline does the same to DynamoDB Local alone: 16 concurrent PutItems through the AWS SDK, SIGKILL of its JVM, a restart on the same -dbPath, and a consistent read of every acknowledged key. ${recentText(baseline, "PutItems")}.`,
    `The transaction baseline writes what the likes subscriber writes, without the runtime: 8 concurrent writers, each transaction a batch of ${manifest.queue.batch.size} likes (the event source's batch size) over 5 users (per user its conditional like puts, then \`ADD likes :n\` on the profile); about one batch in five repeats a stored like (a redelivery), which cancels it, and it is written again without that like. This run: ${transactions.transactions} transactions acknowledged, ${transactions.cancelledByRepeat} cancelled by a repeated like, ${transactions.cancelledByConflict} by a conflict (tried again); ${recentText(transactions, "transactions")} (whole)${transactions.errors.length > 0 ? `, ${transactions.errors.length} other errors before the kill (${[...new Set(transactions.errors)].slice(0, 3).join(" | ")})` : ""}. After the restart every acknowledged like item is looked for and each user's count compared with its like items.`,
    "Likes are in the queue's journal (<data>/sqs/messages.jsonl) before the 202; the restart replays it and the subscriber counts what was not yet counted. A copy of the journal taken right after the kill says what became of each lost like's message (deleted by the subscriber, which it does only after the like is counted or settled; still queued; in the DLQ; or absent).",
    `The acknowledged likes' messages at the kills, per the journal copies: ${atKill.deleted} deleted (counted), ${atKill.queued} still queued, ${atKill.dlq} in the DLQ, ${atKill.absent} absent. Dead-letter queue after the restarts: ${dlqMessages} messages.`,
    ...lostLikes.map(
      (like) =>
        `Lost like ${like.userId}/${like.likerId}: 202 ${Math.round(like.ackedMsBeforeKill)} ms before the kill; ${states[like.message]} (received ${like.receives}×${like.lastReceivedMsBeforeKill === undefined ? "" : `, last ${Math.round(like.lastReceivedMsBeforeKill)} ms before the kill`}).`,
    ),
  ];
  const markdown = ["| figure | value | beside | goal |", "|---|---|---|---|", ...rows.map((row) => `| ${row.figure} | ${row.value} | ${row.baseline ?? ""} | ${row.goal} |`)].join("\n");
  return { figures: { baseline, transactions, runtime, countMismatches, dlqMessages, lostLikes, atKill }, rows, notes, goals, markdown };
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
