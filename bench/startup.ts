/**
 * Startup: `npm run dev -- --in-memory` from spawn to the first `GET /health` 200 (the SPEC's
 * "ready": every resource answers) and to the banner it prints once the web console listens too,
 * then Ctrl-C (SIGINT to its process group) and the time until every process of the group is gone.
 * Cold each time: a fresh process tree on fresh ports.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { repoRoot } from "./bundle";
import type { Row, Section } from "./report";
import { checkGoal } from "./report";
import { formatSummary, round, summarize } from "./stats";
import { freePort } from "../packages/local/src/ports";
import { leftoversMentioning } from "./support/leftovers";
import { busyCores } from "./support/busy";
import { hostLine } from "./support/cpu";
import { stopGroup } from "./support/processes";

const RUNS = 5;
const LOADED_RUNS = 3;
const READY_TIMEOUT_MS = 60_000;
const devEntry = "packages/local/src/dev.ts";

/** Every port variable the runtime documents, each given a free port so runs never collide. */
export const runtimePortVariables = ["PORT", "ISSUER_PORT", "DYNAMODB_PORT", "S3_PORT", "SQS_PORT", "WEB_PORT"] as const;

export async function freeRuntimePorts(): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const name of runtimePortVariables) env[name] = String(await freePort());
  return env;
}

interface Run {
  readyMs: number;
  /** Spawn → the banner ("ready in … s — the users API runs offline at …"): the web console listens too. */
  bannerMs: number;
  stopMs: number;
  clean: boolean;
  /** The last line the runtime printed after Ctrl-C: says how its stop went. */
  lastLine: string;
  leftovers: string[];
}

async function startOnce(): Promise<Run> {
  const ports = await freeRuntimePorts();
  const started = performance.now();
  const child = spawn("npm", ["run", "dev", "--", "--in-memory"], {
    cwd: repoRoot,
    env: { ...process.env, ...ports, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  let afterStop = "";
  let stopping = false;
  let bannerMs: number | undefined;
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    if (bannerMs === undefined && /ready in [\d.]+ s —/.test(output)) bannerMs = performance.now() - started;
    if (stopping) afterStop = (afterStop + chunk.toString()).slice(-1000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exitedEarly = false;
  child.once("exit", () => (exitedEarly = true));

  try {
    const url = `http://127.0.0.1:${ports.PORT}/health`;
    for (;;) {
      if (exitedEarly) throw new Error(`npm run dev exited before it was ready: ${output.trim().slice(-800)}`);
      if (performance.now() - started > READY_TIMEOUT_MS) throw new Error(`not ready after ${READY_TIMEOUT_MS / 1000} s: ${output.trim().slice(-800)}`);
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
        await response.arrayBuffer();
        if (response.status === 200) break;
      } catch {
        // Not listening yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } catch (error) {
    await stopGroup(child, 3000);
    throw error;
  }
  const readyMs = performance.now() - started;
  while (bannerMs === undefined && !exitedEarly && performance.now() - started < READY_TIMEOUT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  stopping = true;
  const stopped = await stopGroup(child, 5000);
  // Timestamps vary; the message is what tells runs apart.
  const lastLine = (afterStop.trim().split("\n").at(-1) ?? "").replace(/^\d\d:\d\d:\d\d\.\d+\s+/, "");
  return { readyMs, bannerMs: bannerMs ?? Number.NaN, stopMs: stopped.ms, clean: stopped.clean, lastLine, leftovers: await leftoversMentioning(Object.values(ports)) };
}

export async function runStartup(): Promise<Section> {
  const title = "Startup: `npm run dev` to ready";
  if (!existsSync(`${repoRoot}${devEntry}`)) {
    return { title, rows: [], notes: [], goals: [], unavailable: `${devEntry} (the runtime's dev entry) does not exist yet` };
  }
  const quietHost = hostLine();
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await startOnce());
  const ready = summarize(runs.map((run) => run.readyMs));
  // The same start with one core kept busy, as on a laptop doing other things or a shared CI host.
  const loadedHost = hostLine();
  const busy = busyCores(1);
  const loadedRuns: Run[] = [];
  try {
    for (let i = 0; i < LOADED_RUNS; i++) loadedRuns.push(await startOnce());
  } finally {
    await busy.stop();
  }
  const loadedReady = summarize(loadedRuns.map((run) => run.readyMs));
  const banner = summarize(runs.map((run) => run.bannerMs));
  const loadedBanner = summarize(loadedRuns.map((run) => run.bannerMs));
  const stop = summarize(runs.map((run) => run.stopMs));
  const every = [...runs, ...loadedRuns];
  const unclean = every.filter((run) => !run.clean).length;
  const leftovers = every.flatMap((run) => run.leftovers);
  const rows: Row[] = [
    { figure: `spawn → GET /health 200, quiet host (${quietHost})`, value: formatSummary(ready, "ms"), goal: "≤ 3 s" },
    { figure: `spawn → GET /health 200, loaded host: one core kept busy by the bench (${loadedHost})`, value: formatSummary(loadedReady, "ms"), goal: "≤ 5 s" },
    { figure: "spawn → the banner (web console listening too), quiet host", value: formatSummary(banner, "ms") },
    { figure: "spawn → the banner (web console listening too), loaded host", value: formatSummary(loadedBanner, "ms") },
    { figure: "Ctrl-C (SIGINT to the group) → every process gone", value: formatSummary(stop, "ms"), goal: "≤ 2 s (issue 3)" },
    { figure: "runs that needed SIGKILL; processes left behind", value: `${unclean} of ${every.length}; ${leftovers.length}` },
  ];
  return {
    title,
    rows,
    notes: [
      `\`npm run dev -- --in-memory\` with ${runtimePortVariables.join(", ")} set to free ports; ${RUNS} cold starts in a row, each a fresh process tree (npm → node running the runtime's esbuild build, DynamoDB Local's JVM, emulators), then ${LOADED_RUNS} more while a child process keeps one core busy. DynamoDB Local's JVM maps a class-data-sharing archive built once in node_modules/.cache (packages/local/src/servers/dynamodb-cds.ts); earlier sections of the bench have made it by now.`,
      "Ready is the SPEC's: GET /health answers 200 once every resource (table, bucket, queues, functions, issuer) is up. The web console's Vite server starts beside the HTTP front (since session 7; before, the front waited for it), so the banner rows, which wait for the console too, are the time until a browser can open it.",
      `The runtime's last line after Ctrl-C, per run: ${runs.map((run) => `"${run.lastLine || "(nothing)"}"`).join(", ")}.`,
      ...(leftovers.length > 0 ? [`Left behind (and killed by the bench): ${leftovers.join("; ")}`] : []),
    ],
    goals: [
      checkGoal("npm run dev ready ≤ 3 s (quiet)", ready.median / 1000, 3, (v) => `${round(v)} s`),
      checkGoal("npm run dev ready ≤ 5 s (loaded: one core busy)", loadedReady.median / 1000, 5, (v) => `${round(v)} s`),
      checkGoal("Ctrl-C stops everything ≤ 2 s", stop.median / 1000, 2, (v) => `${round(v)} s`),
    ],
  };
}
