/**
 * Warm: per-request time through each exported Lambda handler, in process, with full API Gateway v2
 * events, against the bench's DynamoDB Local; and a path that stops at validation (no DynamoDB call)
 * to isolate the framework's own overhead.
 */
import { fileURLToPath } from "node:url";
import { bundle, type BundleName } from "./bundle";
import type { Row, Section } from "./report";
import { formatRatio, formatSummary, pairedDifferences, pairedRatios, summarize, type Summary } from "./stats";
import type { BenchDynamoDb } from "./support/dynamodb";
import { handlerEnvironment } from "./support/lambda-env";
import { runWorker } from "./support/processes";
import type { WarmConfig, WarmResult, WarmScenario } from "./support/warm-worker";

const ROUNDS = 15;
const labels: Partial<Record<BundleName, string>> = { api: "API (Hono)", raw: "raw handler", express: "Express + serverless-http" };

export const warmScenarios: WarmScenario[] = [
  { name: "GET /users/{id} → 200 (one DynamoDB GetItem)", method: "GET", path: "/users/{id}", expectStatus: 200, iterations: 200, warmup: 300 },
  { name: "GET /users/not-a-ulid → 400 (validation only, no DynamoDB)", method: "GET", path: "/users/not-a-ulid", expectStatus: 400, iterations: 2000, warmup: 3000 },
];

export interface WarmOutcome {
  section: Section;
  /** Time per GET /users/{id} in ms, and bytes logged per request: the cost section bills them. */
  apiGetMs?: Summary;
  rawGetMs?: Summary;
  apiLogBytes?: number;
  rawLogBytes?: number;
}

export async function runWarm(dynamo: BenchDynamoDb): Promise<WarmOutcome> {
  const bundles: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of ["api", "raw", "express"] as const) {
    const outcome = await bundle(name);
    if (outcome.ok) bundles[name] = outcome.bundle.file;
    else missing.push(`${labels[name]}: ${outcome.reason}`);
  }
  const title = "Warm: in-process GET /users/{id} through the exported handler";
  if (!bundles.api || !bundles.raw) {
    return { section: { title, rows: [], notes: [], goals: [], unavailable: missing.join("; ") } };
  }

  const config: WarmConfig = { bundles, scenarios: warmScenarios, rounds: ROUNDS };
  const result = await runWorker<WarmResult>(
    fileURLToPath(new URL("./support/warm-worker.ts", import.meta.url)),
    handlerEnvironment({ AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, BENCH_WARM_CONFIG: JSON.stringify(config) }),
    140_000,
    ["--expose-gc"],
  );

  const rows: Row[] = [];
  const notes: string[] = [];
  let apiGetMs: Summary | undefined;
  let rawGetMs: Summary | undefined;
  for (const scenario of warmScenarios) {
    const samples = result.samples[scenario.name] ?? {};
    const raw = samples.raw ?? [];
    const wrong = result.mismatches[scenario.name] ?? {};
    const rawFirst = Object.entries(samples).sort(([a], [b]) => Number(b === "raw") - Number(a === "raw"));
    for (const [name, micros] of rawFirst) {
      const label = labels[name as BundleName] ?? name;
      const mismatch = wrong[name];
      if (mismatch) notes.push(`${label} answered ${scenario.name} with ${mismatch}: its figure there is not comparable.`);
      const own = summarize(micros);
      if (name === "api" && scenario.expectStatus === 200) apiGetMs = summarize(micros.map((us) => us / 1000));
      if (name === "raw" && scenario.expectStatus === 200) rawGetMs = summarize(micros.map((us) => us / 1000));
      if (name === "raw") {
        rows.push({ figure: `${scenario.name}: ${label}`, value: formatSummary(own, "µs") });
        continue;
      }
      const overhead = pairedDifferences(micros, raw);
      rows.push({
        figure: `${scenario.name}: ${label}`,
        value: formatSummary(own, "µs"),
        baseline: `raw ${formatSummary(summarize(raw), "µs")}`,
        ratio: formatRatio(pairedRatios(micros, raw)),
      });
      rows.push({ figure: `${scenario.name}: ${label} overhead over raw`, value: formatSummary(overhead, "µs per request") });
    }
  }
  notes.unshift(
    `Each sample is the mean of one batch (${warmScenarios.map((s) => `${s.iterations} invocations for ${s.path}`).join(", ")}), after a warm-up; ${ROUNDS} rounds alternate the handlers in a rotating order; overhead and ratio are medians of per-round differences and ratios.`,
    "Bundled handlers (as deployed) run in a child process whose stdout is /dev/null: each handler writes its one log line per request, as on Lambda. Each invocation gets a fresh event (new requestId) built outside the timed loop.",
    `Heap retained per request after a full GC, over 5000 validation-path invocations: ${Object.entries(result.retainedBytesPerRequest)
      .map(([name, bytes]) => `${labels[name as BundleName] ?? name} ${Math.round(bytes)} B`)
      .join(", ")} (near 0 = nothing kept; a steady kilobyte or more per request is a leak that grows a warm container's memory).`,
    `Log output per GET /users/{id}: ${Object.entries(result.logBytesPerRequest)
      .map(([name, bytes]) => `${labels[name as BundleName] ?? name} ${Math.round(bytes)} B`)
      .join(", ")}.`,
    `Worker RSS after the runs: ${Math.round(result.rssMb)} MiB (all three handlers loaded).`,
  );
  return {
    section: { title, rows, notes, goals: [] },
    apiGetMs,
    rawGetMs,
    apiLogBytes: result.logBytesPerRequest.api,
    rawLogBytes: result.logBytesPerRequest.raw,
  };
}
