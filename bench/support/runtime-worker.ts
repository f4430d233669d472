/**
 * Runs the offline runtime (`start()` from packages/local) in a process of its own, so the load
 * generator in the bench process does not share its event loop. Talks to ../e2e.ts over IPC:
 * sends `{ ready }` once started, answers `"rss"` with its resident memory, stops on `"stop"` (or
 * when the bench goes away). Its stdout (a log line per invocation, as under `npm run dev`) goes to
 * /dev/null.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { start } from "../../packages/local/src/index";

export interface RuntimeReady {
  apiUrl: string;
  dynamoEndpoint: string;
  tableName: string;
  token: string;
}

async function main() {
  // BENCH_RUNTIME_IAM=off: the same runtime with IAM not enforced, to price the IAM layer.
  const runtime = await start({ inMemory: true, ports: "free", watch: false, ...(process.env.BENCH_RUNTIME_IAM === "off" ? { iam: false } : {}) });
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await runtime.stop();
    process.exit(code);
  };
  // The main thread's event-loop delay (the HTTP front, the authorizer, the sandboxes' messages all run on it).
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  process.on("message", (message) => {
    if (message === "rss") process.send?.({ rss: process.memoryUsage().rss });
    if (message === "loop-delay") {
      const ms = (ns: number) => ns / 1e6;
      process.send?.({ loopDelay: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max), mean: ms(loopDelay.mean) } });
      loopDelay.reset();
    }
    if (message === "busy") {
      // Busy time of each thread so far: the main thread (front, IAM layer, poller) and every function's sandboxes.
      const functions = Object.fromEntries(Object.entries(runtime.functions).map(([key, host]) => [key, host.busyMs()]));
      process.send?.({ busy: { main: performance.eventLoopUtilization().active, ...functions } });
    }
    if (message === "stop") void stop(0);
  });
  process.on("disconnect", () => void stop(0));
  try {
    if (!runtime.issuer) throw new Error("the runtime started without its local issuer");
    const token = await runtime.issuer.sign({ sub: "bench", scope: "users:read users:write likes:write", expiresIn: "1h" });
    const ready: RuntimeReady = { apiUrl: runtime.apiUrl, dynamoEndpoint: runtime.endpoints.dynamodb, tableName: runtime.resources.tableName, token };
    process.send?.({ ready });
  } catch (error) {
    process.send?.({ error: String(error) });
    await stop(1);
  }
}

main().catch((error: unknown) => {
  process.send?.({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
});
