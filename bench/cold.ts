/**
 * Cold: bundle size and the time a fresh `node` process takes to import each Lambda's bundle (its
 * init phase: module graph, SDK clients, app construction), side by side with the raw and Express
 * baselines. Rounds interleave the candidates so drift hits them all alike.
 */
import { pathToFileURL } from "node:url";
import { bundle, entries, type Bundle, type BundleName } from "./bundle";
import { checkGoal, type Row, type Section } from "./report";
import { formatBytes, formatRatio, formatSummary, pairedRatios, round, summarize } from "./stats";
import { handlerEnvironment } from "./support/lambda-env";
import { runNode } from "./support/processes";

const ROUNDS = 15;

/** Runs in the fresh process: import time, and time since the process began (node boot + import). */
const probe = `
const started = performance.now();
const module = await import(process.env.BENCH_MODULE);
const ready = performance.now();
if (typeof module.handler !== "function") throw new Error("the bundle exports no handler function");
console.log(JSON.stringify({ importMs: ready - started, sinceStartMs: ready, rss: process.memoryUsage().rss }));
`;

interface Timing {
  importMs: number;
  sinceStartMs: number;
  rss: number;
}

export interface ColdResult {
  section: Section;
  bundles: Partial<Record<BundleName, Bundle>>;
}

export async function runCold(): Promise<ColdResult> {
  const names = Object.keys(entries) as BundleName[];
  const bundles: Partial<Record<BundleName, Bundle>> = {};
  const missing: string[] = [];
  for (const name of names) {
    const outcome = await bundle(name);
    if (outcome.ok) bundles[name] = outcome.bundle;
    else missing.push(`${entries[name].label}: ${outcome.reason}`);
  }

  const timings = new Map<BundleName, Timing[]>();
  const failures = new Map<BundleName, string>();
  const present = names.filter((name) => bundles[name]);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no candidate always runs first (or right after a heavy one).
    const order = present.map((_, i) => present[(i + round) % present.length] as BundleName);
    for (const name of order) {
      if (failures.has(name)) continue;
      const file = bundles[name]?.file ?? "";
      const run = await runNode(["--input-type=module", "-e", probe], handlerEnvironment({ BENCH_MODULE: pathToFileURL(file).href }));
      const line = run.stdout.trim().split("\n").at(-1) ?? "";
      if (run.code !== 0 || !line.startsWith("{")) {
        failures.set(name, `import failed: ${(run.stderr.trim().split("\n").find((l) => /Error/.test(l)) ?? run.stderr.trim()).slice(0, 300)}`);
        continue;
      }
      const list = timings.get(name) ?? [];
      list.push(JSON.parse(line) as Timing);
      timings.set(name, list);
    }
  }

  const importMs = (name: BundleName) => (failures.has(name) ? [] : (timings.get(name) ?? []).map((t) => t.importMs));
  const rows: Row[] = [];
  const raw = bundles.raw;
  for (const name of names) {
    const built = bundles[name];
    const label = entries[name].label;
    if (!built) {
      rows.push({ figure: `${label}: size`, value: "n/a" }, { figure: `${label}: import`, value: "n/a" });
      continue;
    }
    const isApi = name === "api";
    const sizeRatio = raw && name !== "raw" ? `${round(built.bytes / raw.bytes)}× (gzip ${round(built.gzipBytes / raw.gzipBytes)}×)` : undefined;
    rows.push({
      figure: `${label}: size (minified; gzip)`,
      value: `${formatBytes(built.bytes)}; ${formatBytes(built.gzipBytes)}`,
      baseline: sizeRatio ? `raw ${formatBytes(raw?.bytes ?? 0)}; ${formatBytes(raw?.gzipBytes ?? 0)}` : undefined,
      ratio: sizeRatio,
      goal: isApi ? "≤ 1.3× raw" : undefined,
    });
    if (built.coldBytes !== built.bytes) {
      rows.push({
        figure: `${label}: compiled at cold start (entry + its static chunks; S3 and SQS load on first use)`,
        value: formatBytes(built.coldBytes),
        baseline: raw ? `raw, all of it eager: ${formatBytes(raw.bytes)}` : undefined,
        ratio: raw ? `${round(built.coldBytes / raw.bytes)}×` : undefined,
      });
    }
    const failure = failures.get(name);
    const own = importMs(name);
    const importRatio = name !== "raw" && own.length > 0 && importMs("raw").length > 0 ? pairedRatios(own, importMs("raw")) : undefined;
    rows.push({
      figure: `${label}: import in a fresh node`,
      value: failure ? `n/a (${failure})` : formatSummary(summarize(own), "ms"),
      baseline: importRatio ? `raw ${formatSummary(summarize(importMs("raw")), "ms")}` : undefined,
      ratio: importRatio ? formatRatio(importRatio) : undefined,
      goal: isApi ? "≤ 1.15× raw" : undefined,
    });
    if (!failure) {
      const sinceStart = (timings.get(name) ?? []).map((t) => t.sinceStartMs);
      const rss = (timings.get(name) ?? []).map((t) => t.rss / 1024 / 1024);
      rows.push({ figure: `${label}: process start → handler ready; RSS`, value: `${formatSummary(summarize(sinceStart), "ms")}; ${round(summarize(rss).median)} MiB` });
    }
  }

  if (bundles.api && raw) rows.push(...compositionRows(bundles.api, raw));

  const section: Section = {
    title: "Cold: bundle size and import time",
    rows,
    goals: [],
    notes: [
      `esbuild: bundle, minify, ESM, platform node, target node22, a createRequire banner as SST adds; sharp external for the uploads function; the API split at its dynamic imports as deployed (nodejs.splitting), so its S3 and SQS adapters and SDKs are chunks loaded on the first avatar route, delete or like. The raw baseline imports all three SDKs eagerly, as the API did before: the API's import ratio includes that deferral, and the compiled-at-cold-start row shows its bytes. Import time = \`await import(bundle)\` in a fresh \`node\` (${ROUNDS} rounds, candidates interleaved and rotated); ratios are medians of per-round ratios.`,
      "Baselines implement every SPEC route with the same SDK calls (DynamoDB, SQS SendMessage, S3 presigned POST/GET) and a scope check; they skip zod, problem+json, 405/413, ETag/If-Match, Powertools and the OpenAPI routes. Express runs the raw baseline's route bodies, so Express vs raw is Express alone.",
      ...missing.map((reason) => `n/a: ${reason}.`),
    ],
  };

  const api = bundles.api;
  if (api && raw) section.goals.push(checkGoal("API bundle ≤ 1.3× raw (minified bytes)", api.bytes / raw.bytes, 1.3, (v) => `${round(v)}×`));
  if (importMs("api").length > 0 && importMs("raw").length > 0) {
    section.goals.push(checkGoal("API import ≤ 1.15× raw", pairedRatios(importMs("api"), importMs("raw")).median, 1.15, (v) => `${round(v)}×`));
  }
  return { section, bundles };
}

/** Where the API's bytes come from, and what it carries that the raw baseline does not. */
function compositionRows(api: Bundle, raw: Bundle): Row[] {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  const largest = Object.entries(api.composition).sort(([, a], [, b]) => b - a).slice(0, 8);
  const added = Object.entries(api.composition)
    .map(([origin, bytes]) => [origin, bytes - (raw.composition[origin] ?? 0)] as const)
    .sort(([, a], [, b]) => b - a);
  const more = added.filter(([, delta]) => delta > 1024).slice(0, 8);
  const less = added.filter(([, delta]) => delta < -1024).slice(-4);
  return [
    { figure: "API bundle: largest parts (minified)", value: largest.map(([origin, bytes]) => `${origin} ${kib(bytes)}`).join(", ") },
    {
      figure: "API bundle vs raw: what differs",
      value: `more: ${more.map(([origin, delta]) => `${origin} +${kib(delta)}`).join(", ") || "nothing"}; less: ${less.map(([origin, delta]) => `${origin} ${kib(delta)}`).join(", ") || "nothing"}`,
    },
  ];
}
