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
import { formatRatio, formatSummary, round, summarize, type Summary } from "./stats";
import type { BenchDynamoDb } from "./support/dynamodb";
import { benchTableName } from "./support/lambda-env";
import { processesMentioning } from "./support/leftovers";
import { closedLoop, floorClient, httpLoad, type LoadFigures } from "./support/load";
import { rssOf } from "./support/processes";
import { busyCores } from "./support/busy";
import { cpuMeter, hostLine } from "./support/cpu";
import { startRuntime, type LoopDelay, type RunningRuntime } from "./support/runtime-process";
import { ladderSteps, measureLadder, startLadder, type Step, type StepFigures } from "./support/ladder";

const CONNECTIONS = 64;
const SECONDS = 10;
/** GET and its floor alternate in rounds this long, this many per pass (quiet, then loaded). */
const ROUND_SECONDS = 4;
const ROUNDS = 3;
const POST_SECONDS = 5;
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
export async function measureFloor(endpoint: string, tableName: string, ids: string[], which: keyof Floors, seconds = SECONDS): Promise<LoadFigures> {
  const connections = which === "get50" ? SDK_DEFAULT_SOCKETS : CONNECTIONS;
  const documents = floorClient(endpoint, connections);
  const nextId = cycle(ids);
  let n = 0;
  const tag = Date.now().toString(36);
  try {
    if (which === "get" || which === "get50") {
      return await closedLoop(() => documents.send(new GetCommand({ TableName: tableName, Key: { pk: `USER#${nextId()}`, sk: "PROFILE" }, ConsistentRead: true })), connections, seconds);
    }
    if (which === "put") {
      return await closedLoop(() => documents.send(new PutCommand({ TableName: tableName, Item: profileItem(ulid(), `fp_${tag}_${n++}`) })), CONNECTIONS, seconds);
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
    }, CONNECTIONS, seconds);
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

/** One pass of alternating GET and floor rounds, and what they cost. */
interface Pass {
  /** Per-round GET throughput ÷ floor throughput. */
  ratio: Summary;
  p99Ratio: Summary;
  getRps: Summary;
  floorRps: Summary;
  getP50: Summary;
  getP99: Summary;
  floorP50: Summary;
  floorP99: Summary;
  errors: number;
  total: number;
  floorErrors: number;
  /** CPU seconds per request, by process, through the front and for the floor. */
  getCpu: Record<string, number | undefined>;
  floorCpu: Record<string, number | undefined>;
  loopDelay?: LoopDelay;
  host: { before: string; after: string };
}

async function getPass(input: {
  getLoad: (seconds: number) => Promise<LoadFigures>;
  floor: () => Promise<LoadFigures>;
  pids: Record<string, number | undefined>;
  runtime: RunningRuntime;
}): Promise<Pass> {
  const before = hostLine();
  const gets: LoadFigures[] = [];
  const floors: LoadFigures[] = [];
  const getCpu: Record<string, number> = {};
  const floorCpu: Record<string, number> = {};
  const add = (into: Record<string, number>, used: Record<string, number | undefined>) => {
    for (const [name, seconds] of Object.entries(used)) if (seconds !== undefined) into[name] = (into[name] ?? 0) + seconds;
  };
  await input.runtime.loopDelay(); // resets the histogram
  let loopDelay: LoopDelay | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const runGet = async () => {
      const meter = cpuMeter(input.pids);
      gets.push(await input.getLoad(ROUND_SECONDS));
      add(getCpu, meter.stop());
      loopDelay = worstDelay(loopDelay, await input.runtime.loopDelay());
    };
    const runFloor = async () => {
      const meter = cpuMeter(input.pids);
      floors.push(await input.floor());
      add(floorCpu, meter.stop());
    };
    if (round % 2 === 0) {
      await runGet();
      await runFloor();
    } else {
      await runFloor();
      await runGet();
    }
  }
  const rate = (figures: LoadFigures) => figures.total / ROUND_SECONDS;
  const getTotal = gets.reduce((sum, figures) => sum + figures.total, 0);
  const floorTotal = floors.reduce((sum, figures) => sum + figures.total, 0);
  const perRequest = (cpu: Record<string, number>, total: number) =>
    Object.fromEntries(Object.entries(cpu).map(([name, seconds]) => [name, seconds / Math.max(total, 1)]));
  return {
    ratio: summarize(gets.map((figures, i) => rate(figures) / rate(floors[i]!))),
    p99Ratio: summarize(gets.map((figures, i) => figures.p99Ms / floors[i]!.p99Ms)),
    getRps: summarize(gets.map(rate)),
    floorRps: summarize(floors.map(rate)),
    getP50: summarize(gets.map((figures) => figures.p50Ms)),
    getP99: summarize(gets.map((figures) => figures.p99Ms)),
    floorP50: summarize(floors.map((figures) => figures.p50Ms)),
    floorP99: summarize(floors.map((figures) => figures.p99Ms)),
    errors: gets.reduce((sum, figures) => sum + figures.errors, 0),
    total: getTotal,
    floorErrors: floors.reduce((sum, figures) => sum + figures.errors, 0),
    getCpu: perRequest(getCpu, getTotal),
    floorCpu: perRequest(floorCpu, floorTotal),
    ...(loopDelay ? { loopDelay } : {}),
    host: { before, after: hostLine() },
  };
}

/**
 * The IAM layer's price (issue 13): GET through this runtime alternating, round by round, with GET
 * through a second runtime that does not enforce IAM, started beside it (its own DynamoDB Local, same
 * users seeded through its API). Its throughput takes the floor's place in the pass.
 */
async function measureIamCost(input: { getLoad: (seconds: number) => Promise<LoadFigures>; pids: Record<string, number | undefined>; runtime: RunningRuntime }): Promise<Pass> {
  const plain = await startRuntime({ iam: false });
  try {
    const ids = await seedThroughApi(plain.ready.apiUrl, plain.ready.token, SEEDED_USERS);
    const nextId = cycle(ids);
    const headers = { authorization: `Bearer ${plain.ready.token}` };
    const plainLoad = (seconds: number) => httpLoad({ url: plain.ready.apiUrl, method: "GET", headers, next: () => ({ path: `/users/${nextId()}` }), connections: CONNECTIONS, seconds });
    // As long as the first runtime ran before its first measured round would not be fair either: a
    // full pass's worth of load, so both are past their cold start and the JIT's first tiers.
    await plainLoad(WARMUP_SECONDS + ROUNDS * ROUND_SECONDS);
    return await getPass({ ...input, floor: () => plainLoad(ROUND_SECONDS) });
  } finally {
    await plain.stop();
  }
}

const ladderLabels: Record<Step, string> = {
  floor: "the floor: the SDK's GetItem straight to DynamoDB Local",
  sdk: "node:http + that GetItem + JSON, nothing else: the least a Node service making the handler's call does",
  raw: "node:http + an API Gateway event + the raw handler (no framework), in process",
  api: "node:http + an API Gateway event + the deployed API handler (Hono, zod, Powertools), in process",
  runtime: "the offline runtime: + the JWT authorizer, the sandbox (worker thread), the IAM layer",
};

/**
 * The gap, rung by rung (quiet host): the floor, ./support/ladder-server.ts's three servers on the
 * runtime's own DynamoDB Local and table, and the runtime, in rotating rounds.
 */
async function measureGap(input: { getLoad: (seconds: number) => Promise<LoadFigures>; ids: string[]; runtime: RunningRuntime; pids: Record<string, number | undefined> }) {
  const { dynamoEndpoint, tableName } = input.runtime.ready;
  const ladder = await startLadder(dynamoEndpoint, tableName);
  try {
    const nextId = cycle(input.ids);
    const rung = (port: number) => (seconds: number) =>
      httpLoad({ url: `http://127.0.0.1:${port}`, method: "GET", headers: {}, next: () => ({ path: `/users/${nextId()}` }), connections: CONNECTIONS, seconds });
    const load: Record<Step, (seconds: number) => Promise<LoadFigures>> = {
      floor: (seconds) => measureFloor(dynamoEndpoint, tableName, input.ids, "get", seconds),
      sdk: rung(ladder.ports.sdk),
      raw: rung(ladder.ports.raw),
      api: rung(ladder.ports.api),
      runtime: input.getLoad,
    };
    // Each server past its first requests and the JIT's first tiers, as the runtime already is.
    for (const step of ["sdk", "raw", "api"] as const) await load[step](WARMUP_SECONDS);
    const rungs = Object.fromEntries(ladder.pids.map((pid, i) => [`rungs ${i + 1}`, pid]));
    return await measureLadder({ load, pids: { ...input.pids, ...rungs }, rounds: ROUNDS, seconds: ROUND_SECONDS });
  } finally {
    await ladder.stop();
  }
}

function ladderRows(ladder: Record<Step, StepFigures>): Row[] {
  return ladderSteps.map((step) => {
    const figures = ladder[step];
    return {
      figure: `GET /users/{id}, rung by rung (quiet host): ${ladderLabels[step]}`,
      value: `${formatSummary(figures.rps, "req/s")}; p99 ${round(figures.p99Ms.median)} ms; errors ${figures.errors}`,
      ...(step === "floor" ? {} : { ratio: `${formatRatio(figures.ratio)} floor, p99 ${formatRatio(figures.p99Ratio)}` }),
      baseline: `CPU per request: ${cpuText(figures.cpu)}`,
    };
  });
}

function worstDelay(a: LoopDelay | undefined, b: LoopDelay | undefined): LoopDelay | undefined {
  if (!a || !b) return a ?? b;
  return { p50: Math.max(a.p50, b.p50), p99: Math.max(a.p99, b.p99), max: Math.max(a.max, b.max), mean: Math.max(a.mean, b.mean) };
}

const cpuText = (cpu: Record<string, number | undefined>) =>
  Object.entries(cpu)
    .map(([name, seconds]) => `${name} ${seconds === undefined ? "n/a" : `${round(seconds * 1e6)} µs`}`)
    .join(", ");

function passRows(label: string, pass: Pass): Row[] {
  const spread = (summary: Summary, unit: string) => formatSummary(summary, unit);
  return [
    {
      figure: `GET /users/{id}, ${label}: throughput`,
      value: spread(pass.getRps, "req/s"),
      baseline: `floor GetItem ${spread(pass.floorRps, "req/s")}`,
      ratio: `${formatRatio(pass.ratio)} floor`,
      goal: "≥ 0.8× floor",
    },
    {
      figure: `GET /users/{id}, ${label}: latency`,
      value: `p50 ${round(pass.getP50.median)} ms, p99 ${round(pass.getP99.median)} ms`,
      baseline: `floor p50 ${round(pass.floorP50.median)} ms, p99 ${round(pass.floorP99.median)} ms`,
      ratio: `p99 ${formatRatio(pass.p99Ratio)}`,
      goal: "p99 ≤ 1.3× floor's",
    },
    { figure: `GET /users/{id}, ${label}: errors (non-2xx, connection); floor errors`, value: `${pass.errors} of ${pass.total}; floor ${pass.floorErrors}`, goal: "0" },
    { figure: `GET /users/{id}, ${label}: CPU per request`, value: cpuText(pass.getCpu), baseline: `floor: ${cpuText(pass.floorCpu)}` },
    {
      figure: `GET /users/{id}, ${label}: runtime main thread's event-loop delay`,
      value: pass.loopDelay ? `p50 ${round(pass.loopDelay.p50)} ms, p99 ${round(pass.loopDelay.p99)} ms, max ${round(pass.loopDelay.max)} ms` : "n/a",
    },
    { figure: `GET /users/{id}, ${label}: host`, value: `${pass.host.before} → ${pass.host.after}` },
  ];
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

    // The function's sandboxes are warm and the JIT has seen the path before anything is measured.
    await getLoad(WARMUP_SECONDS);
    const rssBefore = await runtime.rss();
    const javaBefore = await rssOf(javaPid);
    const pids = { runtime: runtime.child.pid, jvm: javaPid, bench: process.pid };

    const quiet = await getPass({ getLoad, floor: () => measureFloor(dynamoEndpoint, tableName, ids, "get", ROUND_SECONDS), pids, runtime });
    const busy = busyCores(1);
    let loaded: Pass;
    try {
      loaded = await getPass({ getLoad, floor: () => measureFloor(dynamoEndpoint, tableName, ids, "get", ROUND_SECONDS), pids, runtime });
    } finally {
      await busy.stop();
    }
    const floorGet50 = await measureFloor(dynamoEndpoint, tableName, ids, "get50", ROUND_SECONDS);
    const iamCost = await measureIamCost({ getLoad, pids, runtime });
    const ladder = await measureGap({ getLoad, ids, runtime, pids });

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
      seconds: POST_SECONDS,
    });
    const floorPut = await measureFloor(dynamoEndpoint, tableName, ids, "put", POST_SECONDS);
    const floorTransact = await measureFloor(dynamoEndpoint, tableName, ids, "transact", POST_SECONDS);
    const rssAfter = await runtime.rss();
    const javaAfter = await rssOf(javaPid);
    const { leftovers } = await runtime.stop();
    stopped = true;
    if (leftovers.length > 0) notes.push(`Left behind by the runtime after stop() (killed by the bench): ${leftovers.join("; ")}.`);

    const postRatio = post.perSecond.median / floorTransact.perSecond.median;
    const rows: Row[] = [
      ...passRows("quiet host", quiet),
      ...passRows("loaded host (one core kept busy by the bench)", loaded),
      {
        figure: "POST /users: throughput",
        value: rps(post),
        baseline: `floor TransactWriteItems ${round(floorTransact.perSecond.median)} req/s`,
        ratio: `${round(postRatio)}× floor`,
      },
      { figure: "POST /users: latency", value: latency(post), baseline: `floor ${latency(floorTransact)}` },
      { figure: "POST /users: errors (non-2xx, connection)", value: errors(post), goal: "0" },
      {
        figure: "GET /users/{id}: what IAM enforcement costs (quiet host)",
        value: `with IAM ${formatSummary(iamCost.getRps, "req/s")}`,
        baseline: `the same runtime without IAM enforced (iam: false) ${formatSummary(iamCost.floorRps, "req/s")}`,
        ratio: `${formatRatio(iamCost.ratio)} without IAM`,
      },
      ...ladderRows(ladder),
      ...floorRows({ get50: floorGet50, put: floorPut, transact: floorTransact }),
      { figure: "runtime process RSS before → after the load", value: `${mib(rssBefore)} → ${mib(rssAfter)}` },
      { figure: "DynamoDB Local (JVM) RSS before → after", value: `${mib(javaBefore)} → ${mib(javaAfter)}` },
    ];
    notes.unshift(
      `The runtime runs in its own process (start({ inMemory: true, ports: "free" }); the API from its TypeScript source, as under npm run dev), ${SEEDED_USERS} users created through the API first, ${WARMUP_SECONDS} s of GET load as warm-up. autocannon and the floor's SDK client run in the bench process; all of it shares the machine's cores with DynamoDB Local's JVM.`,
      `GET and its floor alternate: ${ROUNDS} rounds of ${ROUND_SECONDS} s each (GET then floor, then floor then GET, …), so drift in what else runs on the machine hits both alike; each ratio is the median of the per-round ratios (throughput = requests completed ÷ seconds; p99 from each round's own latencies). The loaded pass repeats the rounds while a child process keeps one core busy (a tight loop at normal priority). The floor is the same GetItem (consistent) straight from an SDK client with ${CONNECTIONS} requests in flight.`,
      "CPU per request: user + system CPU time each process used during the rounds (all of its threads, from /proc), divided by the requests they completed; 'machine' is every busy core, other work on the host included. Through the front the runtime process does what the floor's bench process does (the SDK call) plus the HTTP front, the authorizer, the sandbox hop and the handler; the bench process runs autocannon instead of the SDK.",
      `Rung by rung: after the passes, the floor, three plain node:http servers, served by one worker process per core as the runtime spreads the API over a sandbox per core (bench/support/ladder-server.ts, node:cluster: the SDK GetItem alone; an API Gateway event and the raw handler; the same event and the deployed API handler, each in process, on the runtime's DynamoDB Local and table) and the runtime run ${ROUNDS} rounds of ${ROUND_SECONDS} s each, the order rotating by one per round, each rung warmed ${WARMUP_SECONDS} s first. A rung's ratio is the median of its per-round throughput ÷ that round's floor: the runtime can reach no higher than the rungs below it, since it does all of their work and more.`,
      "Ceiling assumed (docs/SCALE.md): none. DynamoDB Local enforces no partition limit and the offline gateway no throttle; on AWS the stage throttle (100 req/s, burst 200) would answer part of this load with 429, and the listing index's single partition key caps profile writes (creates, updates, like counters) at about 1,000/s across all users.",
      `The runtime runs the API in up to min(4, cores) sandboxes, each taking several concurrent invocations, each with the SDK's default pool of ${SDK_DEFAULT_SOCKETS} sockets; the ${SDK_DEFAULT_SOCKETS}-in-flight floor row shows what the pool size alone does to DynamoDB Local's rate. POST's fair floor is the two-put transaction it performs (${POST_SECONDS} s each); PutItem is shown as the single-write ceiling.`,
    );
    const goals = (label: string, pass: Pass) => [
      checkGoal(`GET ≥ 0.8× the GetItem floor (${label})`, pass.ratio.median, 0.8, (v) => `${round(v)}× (floor ${round(pass.floorRps.median)} req/s)`, { atLeast: true }),
      checkGoal(`GET p99 ≤ 1.3× the floor's p99 (${label})`, pass.p99Ratio.median, 1.3, (v) => `${round(v)}× (${round(pass.getP99.median)} ms vs ${round(pass.floorP99.median)} ms)`),
      checkGoal(`GET: 0 errors (${label})`, pass.errors, 0, (v) => `${v} of ${pass.total}`, { gap: 1 + pass.errors / Math.max(pass.total, 1) }),
    ];
    return {
      title,
      rows,
      notes,
      goals: [
        checkGoal("GET ≥ 0.7× the GetItem floor with IAM enforced (issue 13, quiet)", quiet.ratio.median, 0.7, (v) => `${round(v)}× (with IAM ÷ without, same run: ${round(iamCost.ratio.median)}×)`, { atLeast: true }),
        ...goals("quiet", quiet),
        ...goals("loaded", loaded),
        checkGoal("POST: 0 errors", post.errors, 0, (v) => `${v} of ${post.total}`, { gap: 1 + post.errors / Math.max(post.total, 1) }),
      ],
    };
  } finally {
    if (!stopped) await runtime.stop();
  }
}
