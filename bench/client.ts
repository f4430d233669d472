/**
 * The typed client as other projects get it (issue 12):
 *
 * - Browser bundle: everything @users/client exports, bundled for the browser with esbuild
 *   (minified, then gzip), beside hono's own `hc` alone (what the typed client adds on top of it)
 *   and a typical page's imports (createClient + unwrap, tree-shaken).
 * - A consumer's `tsc` on one file that calls every route (packages/client/test/consumer/
 *   every-route.ts): against the packed declarations (dist/index.d.ts) beside the same file
 *   against the client's source types (which pull in the server's source, zod and the AWS SDK).
 *   Rounds alternate the two; the ratio is per round.
 *
 * Run alone: `npx tsx bench/client.ts`; `npm run bench` runs it as the "client" section.
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { buildClient } from "../packages/client/scripts/build";
import { checkGoal, type Row, type Section } from "./report";
import { formatBytes, formatRatio, formatSummary, pairedRatios, summarize } from "./stats";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
const ROUNDS = 5;
const BUNDLE_GOAL_BYTES = 6 * 1024;
const TSC_GOAL_RATIO = 0.5;

interface Weighed {
  minified: number;
  gzip: number;
}

async function browserBundle(contents: string, resolveDir: string): Promise<Weighed> {
  const result = await build({
    stdin: { contents, resolveDir, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return { minified: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

/** Median wall time of `tsc --noEmit` in each project, alternating, plus the files each compiles. */
async function compileTimes(projects: { packed: string; source: string }) {
  const run = promisify(execFile);
  const times = { packed: [] as number[], source: [] as number[] };
  const files = { packed: 0, source: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (["packed", "source"] as const) : (["source", "packed"] as const);
    for (const which of order) {
      const started = performance.now();
      const { stdout } = await run(process.execPath, [tsc, "--noEmit", "--extendedDiagnostics", "-p", projects[which]], { maxBuffer: 16 * 1024 * 1024 });
      times[which].push(performance.now() - started);
      files[which] = Number(/^Files:\s+(\d+)/m.exec(stdout)?.[1] ?? Number.NaN);
    }
  }
  return { times, files };
}

/**
 * Two scratch projects with one tsconfig between them (strict, bundler resolution, DOM + Node
 * types), differing only in where `@users/client` comes from.
 */
async function consumerProjects(scratch: string, dist: { js: string; dts: string }) {
  const every = join(repoRoot, "packages/client/test/consumer/every-route.ts");
  const compilerOptions = {
    target: "es2023",
    lib: ["ES2023", "DOM"],
    module: "esnext",
    moduleResolution: "bundler",
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ["node"],
    typeRoots: [join(repoRoot, "node_modules/@types")],
  };

  const packed = join(scratch, "packed");
  await mkdir(join(packed, "node_modules/@users/client/dist"), { recursive: true });
  await cp(join(repoRoot, "packages/client/package.json"), join(packed, "node_modules/@users/client/package.json"));
  await cp(dist.js, join(packed, "node_modules/@users/client/dist/index.js"));
  await cp(dist.dts, join(packed, "node_modules/@users/client/dist/index.d.ts"));
  await symlink(join(repoRoot, "node_modules/hono"), join(packed, "node_modules/hono"), "dir");
  await cp(every, join(packed, "every-route.ts"));
  await writeFile(join(packed, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["every-route.ts"] }));

  // The source: as a symlinked workspace checkout (`npm install ../users-api/packages/client`) was.
  const source = join(scratch, "source");
  await mkdir(source);
  await cp(every, join(source, "every-route.ts"));
  await writeFile(
    join(source, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { ...compilerOptions, customConditions: ["@users/source"], paths: { "@users/client": [join(repoRoot, "packages/client/src/index.ts")] } },
      files: ["every-route.ts"],
    }),
  );
  return { packed: join(packed, "tsconfig.json"), source: join(source, "tsconfig.json") };
}

export async function runClientBench(): Promise<Section> {
  const dist = await buildClient();
  const distDir = join(repoRoot, "packages/client/dist");

  const everything = await browserBundle(`export * from "./index.js";`, distDir);
  const typical = await browserBundle(`export { createClient, unwrap } from "./index.js";`, distDir);
  const honoAlone = await browserBundle(`export { hc } from "hono/client";`, distDir);

  const scratch = await mkdtemp(join(tmpdir(), "users-client-bench-"));
  let compiled: Awaited<ReturnType<typeof compileTimes>>;
  try {
    compiled = await compileTimes(await consumerProjects(scratch, dist));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const packedTime = summarize(compiled.times.packed);
  const sourceTime = summarize(compiled.times.source);
  const ratio = pairedRatios(compiled.times.packed, compiled.times.source);

  const weigh = (w: Weighed) => `${formatBytes(w.gzip)} gzip (${formatBytes(w.minified)} minified)`;
  const rows: Row[] = [
    {
      figure: "Browser bundle: all of @users/client with hono/client",
      value: weigh(everything),
      baseline: `hono/client's hc alone: ${weigh(honoAlone)}`,
      ratio: `${(everything.gzip / honoAlone.gzip).toFixed(2)}×`,
      goal: "≤ 6 KiB gzip",
    },
    { figure: "Browser bundle: createClient + unwrap only (tree-shaken)", value: weigh(typical), baseline: weigh(honoAlone), ratio: `${(typical.gzip / honoAlone.gzip).toFixed(2)}×` },
    {
      figure: "Consumer `tsc --noEmit`, one file calling every route: packed types",
      value: `${formatSummary(packedTime, "ms")}, ${compiled.files.packed} files`,
      baseline: `source types: ${formatSummary(sourceTime, "ms")}, ${compiled.files.source} files`,
      ratio: formatRatio(ratio),
      goal: "≤ 0.5× source",
    },
  ];
  return {
    title: "Client: browser bundle and a consumer's compile",
    rows,
    notes: [
      "Bundles: esbuild, platform browser, ES2022, minified; gzip level 9. The baseline is hono's own client, which @users/client wraps.",
      `Compile: the repo's tsc (TypeScript 7) on packages/client/test/consumer/every-route.ts, ${ROUNDS} alternating rounds; the ratio is per round. Source types are what a consumer compiled before the package had a build (the server's source, zod, the AWS SDK and Powertools types).`,
    ],
    goals: [
      checkGoal("client browser bundle ≤ 6 KiB gzip", everything.gzip, BUNDLE_GOAL_BYTES, formatBytes),
      checkGoal("consumer tsc, packed ≤ 0.5× source types", ratio.median, TSC_GOAL_RATIO, (value) => `${value.toFixed(2)}×`),
    ],
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const section = await runClientBench();
  for (const row of section.rows) console.log(`${row.figure}\n  ${row.value}\n  baseline: ${row.baseline ?? "-"}  ratio: ${row.ratio ?? "-"}${row.goal ? `  goal: ${row.goal}` : ""}`);
  for (const goal of section.goals) console.log(`${goal.met ? "met" : "NOT met"}: ${goal.goal} (${goal.measured})`);
}
