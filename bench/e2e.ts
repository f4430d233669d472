/**
 * Offline end to end: load on GET /users/{id} and POST /users through the offline runtime's HTTP
 * front (autocannon, 64 connections, 10 s each), beside the floor: the same DynamoDB Local answering
 * the same calls straight from the SDK at the same concurrency, in the same run, right after.
 */
import { existsSync, readFileSync } from "node:fs";
import { GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ulid } from "ulid";
import { repoRoot } from "./bundle";
import { checkGoal, type Row, type Section } from "./report";
import { formatSummary, round } from "./stats";
import type { BenchDynamoDb } from "./support/dynamodb";
import { benchTableName } from "./support/lambda-env";
import { processesMentioning } from "./support/leftovers";
import { closedLoop, floorClient, httpLoad, type LoadFigures } from "./support/load";
import { rssOf } from "./support/processes";
import { startRuntime } from "./support/runtime-process";

const CONNECTIONS = 64;
const SECONDS = 10;
const WARMUP_SECONDS = 3;
const SEEDED_USERS = 200;
const runtimeEntry = "packages/local/src/index.ts";

const title = `Offline end to end: ${CONNECTIONS} connections × ${SECONDS} s through the HTTP front`;

/** Why the runtime cannot be benchmarked yet, or undefined when it can. */
function runtimeMissing(): string | undefined {
  const file = `${repoRoot}${runtimeEntry}`;
  if (!existsSync(file)) return `${runtimeEntry} (the offline runtime's start()) does not exist yet`;
  if (!/export\s+(async\s+function\s+start\b|\{[^}]*\bstart\b)/.test(readFileSync(file, "utf8"))) return `${runtimeEntry} does not export start() yet`;
  return undefined;
}

/** Users created through the API, so the load reads what the API wrote. */
export async function seedThroughApi(apiUrl: string, token: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  const tag = Date.now().toString(36);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const response = await fetch(`${apiUrl}/users`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ username: `seed_${tag}_${i}`, name: `Seed ${i}`, email: `seed${i}@example.com`, age: 30 }),
      });
      const body = (await response.json()) as { id?: string };
      if (response.status !== 201 || !body.id) throw new Error(`seeding through the API failed: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
      ids.push(body.id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ids;
}

/** Users written straight to the table (the floor alone, when there is no runtime to write them). */
async function seedDirectly(documents: DynamoDBDocumentClient, tableName: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => ulid());
  for (const id of ids) await documents.send(new PutCommand({ TableName: tableName, Item: profileItem(id, `floor_${id.toLowerCase()}`) }));
  return ids;
}

function profileItem(id: string, username: string) {
  const now = new Date().toISOString();
  return { pk: `USER#${id}`, sk: "PROFILE", gsi1pk: "USERS", gsi1sk: id, id, username, name: "Floor", email: "floor@example.com", age: 30, likes: 0, createdAt: now, updatedAt: now, version: 1 };
}

const cycle = <T>(items: T[]) => {
  let i = 0;
  return () => items[i++ % items.length] as T;
};

interface Floors {
  get: LoadFigures;
  /** GetItem with the API's own ceiling on requests in flight: the SDK's default pool of 50 sockets. */
  get50: LoadFigures;
  put: LoadFigures;
  transact: LoadFigures;
}

/** @aws-sdk/client-dynamodb's NodeHttpHandler default: at most this many requests in flight per client. */
const SDK_DEFAULT_SOCKETS = 50;

/** The same calls the store makes, straight from the SDK: GetItem (consistent), PutItem, the create transaction. */
export async function measureFloor(endpoint: string, tableName: string, ids: string[], which: keyof Floors): Promise<LoadFigures> {
  const connections = which === "get50" ? SDK_DEFAULT_SOCKETS : CONNECTIONS;
  const documents = floorClient(endpoint, connections);
  const nextId = cycle(ids);
  let n = 0;
  const tag = Date.now().toString(36);
  try {
    if (which === "get" || which === "get50") {
      return await closedLoop(() => documents.send(new GetCommand({ TableName: tableName, Key: { pk: `USER#${nextId()}`, sk: "PROFILE" }, ConsistentRead: true })), connections, SECONDS);
    }
    if (which === "put") {
      return await closedLoop(() => documents.send(new PutCommand({ TableName: tableName, Item: profileItem(ulid(), `fp_${tag}_${n++}`) })), CONNECTIONS, SECONDS);
    }
    return await closedLoop(() => {
      const id = ulid();
      const username = `ft_${tag}_${n++}`;
      return documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: { pk: `USERNAME#${username}`, sk: "CLAIM", userId: id }, ConditionExpression: "attribute_not_exists(pk)" } },
            { Put: { TableName: tableName, Item: profileItem(id, username), ConditionExpression: "attribute_not_exists(pk)" } },
          ],
        }),
      );
    }, CONNECTIONS, SECONDS);
  } finally {
    documents.destroy();
  }
}

const rps = (figures: LoadFigures) => formatSummary(figures.perSecond, "req/s");
const latency = (figures: LoadFigures) => `p50 ${round(figures.p50Ms)} ms, p99 ${round(figures.p99Ms)} ms`;
const errors = (figures: LoadFigures) =>
  `${figures.errors} of ${figures.total}${figures.errors ? ` (${Object.entries(figures.errorKinds).map(([kind, count]) => `${kind}: ${count}`).join(", ")})` : ""}`;
const mib = (bytes: number | undefined) => (bytes === undefined ? "n/a" : `${round(bytes / 1024 / 1024)} MiB`);

function floorRows(floors: Partial<Floors>): Row[] {
  const rows: Row[] = [];
  const labels: Record<keyof Floors, string> = {
    get: `floor: GetItem (consistent), SDK → DynamoDB Local, ${CONNECTIONS} in flight`,
    get50: `floor: the same GetItem, ${SDK_DEFAULT_SOCKETS} in flight (the API's SDK pool)`,
    put: "floor: PutItem, SDK → DynamoDB Local",
    transact: "floor: TransactWriteItems of 2 conditional puts (what POST /users does)",
  };
  for (const key of ["get", "get50", "put", "transact"] as const) {
    const figures = floors[key];
    if (figures) rows.push({ figure: labels[key], value: `${rps(figures)}; ${latency(figures)}; errors ${errors(figures)}` });
  }
  return rows;
}

export async function runE2e(benchDynamo: BenchDynamoDb): Promise<Section> {
  const missing = runtimeMissing();
  if (missing) {
    // The floor alone still says what DynamoDB Local can do on this machine.
    const documents = floorClient(benchDynamo.endpoint, CONNECTIONS);
    const ids = await seedDirectly(documents, benchTableName, SEEDED_USERS);
    documents.destroy();
    const floors: Partial<Floors> = { get: await measureFloor(benchDynamo.endpoint, benchTableName, ids, "get"), put: await measureFloor(benchDynamo.endpoint, benchTableName, ids, "put") };
    return {
      title,
      rows: [
        { figure: "GET /users/{id} through the HTTP front", value: `n/a: ${missing}` },
        { figure: "POST /users through the HTTP front", value: `n/a: ${missing}` },
        ...floorRows(floors),
      ],
      notes: ["Only the floor ran, against the bench's own DynamoDB Local (in memory): the runtime's would be the same jar and settings."],
      goals: [],
    };
  }

  const runtime = await startRuntime();
  const notes: string[] = [];
  let stopped = false;
  try {
    const { apiUrl, token, dynamoEndpoint, tableName } = runtime.ready;
    const dynamoPort = new URL(dynamoEndpoint).port;
    const javaPid = (await processesMentioning([dynamoPort])).find((p) => /java/.test(p.command))?.pid;
    const ids = await seedThroughApi(apiUrl, token, SEEDED_USERS);
    const headers = { authorization: `Bearer ${token}` };
    const nextId = cycle(ids);
    const getLoad = (seconds: number) => httpLoad({ url: apiUrl, method: "GET", headers, next: () => ({ path: `/users/${nextId()}` }), connections: CONNECTIONS, seconds });

    // The function's sandbox is warm and the JIT has seen the path before anything is measured.
    await getLoad(WARMUP_SECONDS);
    const rssBefore = await runtime.rss();
    const javaBefore = await rssOf(javaPid);

    const get = await getLoad(SECONDS);
    const floorGet = await measureFloor(dynamoEndpoint, tableName, ids, "get");
    const floorGet50 = await measureFloor(dynamoEndpoint, tableName, ids, "get50");
    const tag = Date.now().toString(36);
    let n = 0;
    const post = await httpLoad({
      url: apiUrl,
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      next: () => {
        const i = n++;
        return { path: "/users", body: JSON.stringify({ username: `ld_${tag}_${i}`, name: `Load ${i}`, email: `load${i}@example.com`, age: 30 }) };
      },
      connections: CONNECTIONS,
      seconds: SECONDS,
    });
    const floorPut = await measureFloor(dynamoEndpoint, tableName, ids, "put");
    const floorTransact = await measureFloor(dynamoEndpoint, tableName, ids, "transact");
    const rssAfter = await runtime.rss();
    const javaAfter = await rssOf(javaPid);
    const { leftovers } = await runtime.stop();
    stopped = true;
    if (leftovers.length > 0) notes.push(`Left behind by the runtime after stop() (killed by the bench): ${leftovers.join("; ")}.`);

    const getRatio = get.perSecond.median / floorGet.perSecond.median;
    const postRatio = post.perSecond.median / floorTransact.perSecond.median;
    const rows: Row[] = [
      {
        figure: "GET /users/{id}: throughput",
        value: rps(get),
        baseline: `floor GetItem ${round(floorGet.perSecond.median)} req/s`,
        ratio: `${round(getRatio)}× floor`,
        goal: "≥ 0.7× floor",
      },
      { figure: "GET /users/{id}: latency", value: latency(get), baseline: `floor ${latency(floorGet)}`, goal: "p99 ≤ 100 ms" },
      { figure: "GET /users/{id}: errors (non-2xx, connection)", value: errors(get), goal: "0" },
      {
        figure: "POST /users: throughput",
        value: rps(post),
        baseline: `floor TransactWriteItems ${round(floorTransact.perSecond.median)} req/s`,
        ratio: `${round(postRatio)}× floor`,
      },
      { figure: "POST /users: latency", value: latency(post), baseline: `floor ${latency(floorTransact)}` },
      { figure: "POST /users: errors (non-2xx, connection)", value: errors(post), goal: "0" },
      ...floorRows({ get: floorGet, get50: floorGet50, put: floorPut, transact: floorTransact }),
      { figure: "runtime process RSS before → after the load", value: `${mib(rssBefore)} → ${mib(rssAfter)}` },
      { figure: "DynamoDB Local (JVM) RSS before → after", value: `${mib(javaBefore)} → ${mib(javaAfter)}` },
    ];
    notes.unshift(
      `The runtime runs in its own process (start({ inMemory: true, ports: "free" }); the API from its TypeScript source, as under npm run dev), ${SEEDED_USERS} users created through the API first, ${WARMUP_SECONDS} s of GET load as warm-up; then GET, the GetItem floors, POST, the PutItem and TransactWriteItems floors, back to back. autocannon and the floor's SDK client run in the bench process; all of it shares the machine's cores with DynamoDB Local's JVM.`,
      "Throughput is the median of per-second counts with their spread; latency quantiles are over every request. POST's fair floor is the two-put transaction it performs; PutItem is shown as the single-write ceiling.",
      `The runtime runs the API in up to min(4, cores) sandboxes, each taking several concurrent invocations, and each sandbox's SDK client keeps at most ${SDK_DEFAULT_SOCKETS} DynamoDB requests in flight (the SDK's default pool) while the floor's client keeps ${CONNECTIONS}; the ${SDK_DEFAULT_SOCKETS}-in-flight floor row shows how much the pool size alone changes DynamoDB Local's rate.`,
      `Little's law: ${CONNECTIONS} connections in a closed loop at ${round(get.perSecond.median)} req/s means ${round((CONNECTIONS * 1000) / get.perSecond.median)} ms per request on average, whatever the code does; ` +
        (floorGet.p99Ms > 100
          ? `the floor's own p99 is ${round(floorGet.p99Ms)} ms, so on this machine DynamoDB Local alone already misses the 100 ms p99 goal at this concurrency.`
          : `the floor's own p99 is ${round(floorGet.p99Ms)} ms.`),
    );
    return {
      title,
      rows,
      notes,
      goals: [
        checkGoal("GET ≥ 0.7× the GetItem floor", getRatio, 0.7, (v) => `${round(v)}×`, { atLeast: true }),
        checkGoal("GET p99 ≤ 100 ms", get.p99Ms, 100, (v) => `${round(v)} ms`),
        checkGoal("GET: 0 errors", get.errors, 0, (v) => `${v} of ${get.total}`, { gap: 1 + get.errors / Math.max(get.total, 1) }),
        checkGoal("POST: 0 errors", post.errors, 0, (v) => `${v} of ${post.total}`, { gap: 1 + post.errors / Math.max(post.total, 1) }),
      ],
    };
  } finally {
    if (!stopped) await runtime.stop();
  }
}
