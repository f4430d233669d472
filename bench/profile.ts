/**
 * `npx tsx bench/profile.ts [seconds]`: where the time goes per offline GET /users/{id}. Starts the
 * runtime with V8's CPU profiler on (main thread and every sandbox), drives GET load through the
 * HTTP front, then the GetItem floor, and prints CPU per request for each process (runtime, DynamoDB
 * Local's JVM, the load generator), the runtime's event-loop delay, and the profiles' self time by
 * origin. Not part of `npm run bench` (profiling slows what it measures); its findings are written
 * up in docs/BENCHMARKS.md.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measureFloor, seedThroughApi } from "./e2e";
import { cpuMeter, hostLine } from "./support/cpu";
import { summarizeProfiles } from "./support/cpu-profile";
import { processesMentioning } from "./support/leftovers";
import { httpLoad } from "./support/load";
import { startRuntime } from "./support/runtime-process";

const seconds = Number(process.argv[2] ?? 10);
const profiling = !process.argv.includes("--no-prof");
const dir = mkdtempSync(join(tmpdir(), "bench-prof-"));
if (profiling) process.env.BENCH_CPU_PROF = dir;

const us = (s: number | undefined, n: number) => (s === undefined ? "n/a" : `${Math.round((s * 1e6) / Math.max(n, 1))} µs`);

async function main() {
  console.log(`host: ${hostLine()}`);
  const runtime = await startRuntime();
  try {
    const { apiUrl, token, dynamoEndpoint, tableName } = runtime.ready;
    const java = (await processesMentioning([new URL(dynamoEndpoint).port])).find((p) => /java/.test(p.command))?.pid;
    const ids = await seedThroughApi(apiUrl, token, 200);
    let i = 0;
    const load = (s: number) =>
      httpLoad({ url: apiUrl, method: "GET", headers: { authorization: `Bearer ${token}` }, next: () => ({ path: `/users/${ids[i++ % ids.length]}` }), connections: 64, seconds: s });
    await load(3);
    await runtime.loopDelay();
    const pids = { runtime: runtime.child.pid, jvm: java, loadgen: process.pid };
    const getMeter = cpuMeter(pids);
    const busyBefore = await runtime.busy();
    const get = await load(seconds);
    const getCpu = getMeter.stop();
    const busyAfter = await runtime.busy();
    const delay = await runtime.loopDelay();
    const floorMeter = cpuMeter(pids);
    const floor = await measureFloor(dynamoEndpoint, tableName, ids, "get");
    const floorCpu = floorMeter.stop();
    console.log(`host after: ${hostLine()}`);
    console.log(`GET: ${get.perSecond.median} req/s p50 ${get.p50Ms} p99 ${get.p99Ms} (n=${get.total}); floor ${floor.perSecond.median} req/s p50 ${floor.p50Ms} p99 ${floor.p99Ms} (n=${floor.total}); ratio ${(get.perSecond.median / floor.perSecond.median).toFixed(3)}`);
    console.log(`CPU per GET through the front: ${Object.entries(getCpu).map(([k, v]) => `${k} ${us(v, get.total)}`).join(", ")}`);
    console.log(`CPU per floor GetItem:         ${Object.entries(floorCpu).map(([k, v]) => `${k} ${us(v, floor.total)}`).join(", ")}`);
    if (busyBefore && busyAfter) {
      const perGet = Object.keys(busyAfter).map((thread) => `${thread} ${Math.round(((busyAfter[thread]! - (busyBefore[thread] ?? 0)) * 1000) / Math.max(get.total, 1))} µs`);
      console.log(`runtime threads busy per GET:  ${perGet.join(", ")} (event-loop utilization; "api" = its sandboxes)`);
    }
    console.log(`runtime main-thread event-loop delay during GET: ${JSON.stringify(delay)}`);
    await runtime.stop();
    if (profiling) {
      for (const summary of summarizeProfiles(dir)) {
        console.log(`\n${summary.file.split("/").at(-1)}: busy ${Math.round(summary.busyMs)} of ${Math.round(summary.totalMs)} ms sampled`);
        console.log(`  by origin: ${summary.byOrigin.slice(0, 14).map(([k, v]) => `${k} ${Math.round(v)}`).join(", ")}`);
        console.log(`  by function: ${summary.byFunction.slice(0, 12).map(([k, v]) => `${k} ${Math.round(v)}`).join("; ")}`);
      }
    }
  } finally {
    await runtime.stop();
    if (!process.argv.includes("--keep")) rmSync(dir, { recursive: true, force: true });
    else console.log(`profiles kept in ${dir}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
