/**
 * `npm run dev`: the whole system offline, until Ctrl-C.
 *
 *   npm run dev                   data kept in .data/ between runs
 *   npm run dev -- --in-memory    nothing on disk
 *   npm run dev -- --reset        empty the table, bucket and queue first
 */
import "./sdk-warning";
import { parseArgs } from "node:util";
import { createConsoleLogger } from "./log";
import { watchForOrphaning } from "./orphan-watch";
import { banner } from "./runtime/banner";
import { start } from "./runtime/start";
import type { Runtime } from "./runtime/start";
import { StartupError } from "./runtime/steps";

const usage = `Usage: npm run dev -- [--in-memory] [--reset] [--data-dir <dir>] [--allow-remote] [--no-console]

  --in-memory     keep nothing on disk: the table, the bucket and queued likes go when it stops
  --reset         empty the table, the bucket and the queue kept in the data folder before starting
  --data-dir      where data is kept (default .data/ at the repo root); one runtime per folder
  --allow-remote  accept DYNAMODB_ENDPOINT / S3_ENDPOINT / SQS_ENDPOINT that are not on loopback
  --no-console    do not serve the web console

Ports: PORT (API, 3000), ISSUER_PORT (3001), WEB_PORT (console, 5173), DYNAMODB_PORT (8000), S3_PORT (4569), SQS_PORT (9324).
See docs/OFFLINE.md.`;

const flags = readFlags();

/** The flags, or the usage and exit 2 on anything it does not know (a typo must not start something else). */
function readFlags() {
  try {
    return parseArgs({
      options: {
        "in-memory": { type: "boolean", default: false },
        reset: { type: "boolean", default: false },
        "data-dir": { type: "string" },
        "allow-remote": { type: "boolean", default: false },
        "no-console": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    console.error(`npm run dev: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    process.exit(2);
  }
}

if (flags.help) {
  console.log(usage);
  process.exit(0);
}

const log = createConsoleLogger();
let runtime: Runtime | undefined;
let stoppingSince: number | undefined;

/** Ctrl-C stops everything within 2 s; a second Ctrl-C (or a stuck stop) exits at once. */
function shutdown(signal: string): void {
  // A terminal's Ctrl-C can reach us twice (the group's SIGINT, and a relay by a wrapper such as tsx's
  // CLI when run through it): the same Ctrl-C, not a second one.
  if (stoppingSince !== undefined && Date.now() - stoppingSince < 500) return;
  if (stoppingSince !== undefined || !runtime) {
    // Exiting runs the exit hooks that kill DynamoDB Local's JVM; s3rver's child follows its IPC channel.
    process.exit(130);
  }
  stoppingSince = Date.now();
  log.info(`${signal}: stopping`);
  setTimeout(() => {
    log.warn("still stopping after 2 s: exiting anyway");
    process.exit(1);
  }, 1800).unref();
  runtime.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      log.error(String(error));
      process.exit(1);
    },
  );
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => shutdown(signal));
watchForOrphaning(() => shutdown("the process that started npm run dev is gone"));

try {
  runtime = await start({
    inMemory: flags["in-memory"],
    reset: flags.reset,
    ...(flags["data-dir"] ? { dataDir: flags["data-dir"] } : {}),
    ...(flags["allow-remote"] ? { allowRemote: true } : {}),
    // `npm run token` signs with the key on disk, in memory or not.
    issuerKeyOnDisk: true,
    watch: true,
    console: !flags["no-console"],
    logger: log,
  });
  // From the process's start, so the figure includes loading the runtime itself.
  console.log(banner(runtime, process.uptime() * 1000));
} catch (error) {
  // A failed step was logged by the start itself; anything else (a refused endpoint) is said here.
  if (!(error instanceof StartupError)) log.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
