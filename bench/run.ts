/**
 * `npm run bench`: runs every section, starts what they need and stops it, and writes the table to
 * docs/BENCHMARKS.md. Benchmarks, not tests: nothing fails on a slow machine. A section that cannot
 * run yet (its code is not written) or fails says n/a with the reason; the others still run.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { pathToFileURL } from "node:url";
import { repoRoot } from "./bundle";
import { runCold } from "./cold";
import { runCost } from "./cost";
import { runE2e } from "./e2e";
import { runFirstRequest } from "./first-request";
import { goalsMarkdown, sectionMarkdown, toSection, unavailable, type Section } from "./report";
import { runStartup } from "./startup";
import { startBenchDynamoDb, type BenchDynamoDb } from "./support/dynamodb";
import { runWarm, type WarmOutcome } from "./warm";

const started = performance.now();
/**
 * `npm run bench -- --only e2e,startup` runs those sections alone and prints them without touching
 * docs/BENCHMARKS.md (for profiling and iterating; the page is only written by a full run).
 */
const onlyArg = process.argv.indexOf("--only");
const only = onlyArg === -1 ? undefined : (process.argv[onlyArg + 1] ?? "").split(",").filter(Boolean);
const sections = new Map<string, Section>();
/** The order sections appear in the report (they run in another order: cheapest dependencies first). */
const reportOrder = ["cold", "first", "warm", "e2e", "likes", "thumbnails", "client", "console", "startup", "durability", "cost"];

const log = (message: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${message}\n`);

/** Runs one section with a time limit; any failure becomes an n/a row with its reason. */
async function section(key: string, title: string, limitSeconds: number, run: () => Promise<Section>): Promise<Section> {
  if (only && !only.includes(key)) return unavailable(title, "skipped (--only)");
  log(`${title}…`);
  const sectionStarted = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let result: Section;
  try {
    result = await Promise.race([
      run(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`took longer than ${limitSeconds} s`)), limitSeconds * 1000))),
    ]);
  } catch (error) {
    result = unavailable(title, `failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 1500));
  } finally {
    clearTimeout(timer);
  }
  result.seconds = (performance.now() - sectionStarted) / 1000;
  sections.set(key, result);
  log(`${title}: ${result.unavailable ? `n/a (${result.unavailable.slice(0, 200)})` : "done"} in ${result.seconds.toFixed(0)} s`);
  return result;
}

/** bench/likes.ts and bench/thumbnails.ts are written by others: run them when they exist. */
async function external(file: string, exportName: string, title: string): Promise<Section> {
  const path = `${repoRoot}bench/${file}`;
  if (!existsSync(path)) return unavailable(title, `bench/${file} does not exist yet`);
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const run = module[exportName];
  if (typeof run !== "function") return unavailable(title, `bench/${file} does not export ${exportName}()`);
  const result = toSection(title, await (run as () => Promise<unknown>)());
  result.notes.push(`Figures from bench/${file} (${exportName}()).`);
  return result;
}

function machine(): string[] {
  const cpu = cpus();
  const git = (args: string[]) => {
    try {
      return execFileSync("git", args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "";
    }
  };
  // `java -version` writes to stderr.
  const java = spawnSync("java", ["-version"], { encoding: "utf8" });
  const javaVersion = `${java.stderr ?? ""}${java.stdout ?? ""}`.trim();
  const javaLine = javaVersion.split("\n")[0] ?? "";
  const commit = git(["rev-parse", "--short", "HEAD"]);
  const dirty = git(["status", "--porcelain"]) ? " with uncommitted changes" : "";
  return [
    `- Date: ${new Date().toISOString()}`,
    `- Node ${process.version} (Lambda target: nodejs22.x arm64); Java: ${javaLine || "n/a"}`,
    `- Machine: ${cpu[0]?.model ?? "unknown CPU"}, ${cpu.length} cores, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory, Linux ${release()}`,
    `- Code: ${commit ? `commit ${commit}${dirty}` : "not a git checkout"}`,
  ];
}

/** The 1-minute load average: on a shared machine it says how much else was running. */
const load = () => loadavg()[0]?.toFixed(1) ?? "n/a";
const loadAtStart = load();

let dynamo: BenchDynamoDb | undefined;
async function stopDynamo() {
  const server = dynamo;
  dynamo = undefined;
  await server?.stop();
}
process.once("SIGINT", () => {
  log("interrupted: stopping what the bench started");
  void stopDynamo().finally(() => process.exit(130));
});

async function main() {
  const header = machine();

  await section("cold", "Cold: bundle size and import time", 300, async () => (await runCold()).section);

  let warm: WarmOutcome | undefined;
  try {
    log("starting the bench's DynamoDB Local…");
    dynamo = await startBenchDynamoDb();
    const benchDynamo = dynamo;
    await section("warm", "Warm: in-process GET /users/{id} through the exported handler", 150, async () => {
      warm = await runWarm(benchDynamo);
      return warm.section;
    });
    await section("first", "Cold: first GET /users/{id} in a fresh process", 120, () => runFirstRequest(benchDynamo));
    await section("cost", "Cost on paper", 10, async () => runCost(warm));
    await section("e2e", "Offline end to end", 300, () => runE2e(benchDynamo));
  } catch (error) {
    for (const [key, title] of [["warm", "Warm"], ["cost", "Cost on paper"], ["e2e", "Offline end to end"]] as const) {
      if (!sections.has(key)) sections.set(key, unavailable(title, `DynamoDB Local did not start: ${String(error)}`));
    }
  } finally {
    await stopDynamo();
  }

  await section("likes", "Likes", 120, () => external("likes.ts", "runLikesBench", "Likes"));
  await section("thumbnails", "Thumbnails", 90, () => external("thumbnails.ts", "runThumbnailsBench", "Thumbnails"));
  await section("client", "Client: browser bundle and a consumer's compile", 420, () => external("client.ts", "runClientBench", "Client: browser bundle and a consumer's compile"));
  await section("console", "Web console", 420, () => external("console.ts", "runConsoleBench", "Web console: initial JavaScript and time to first users"));
  await section("startup", "Startup: `npm run dev` to ready", 480, () => runStartup());
  await section("durability", "Durability: acknowledged writes after kill -9", 420, () => external("durability.ts", "runDurabilityBench", "Durability"));

  const ordered = reportOrder.flatMap((key) => (sections.has(key) ? [sections.get(key) as Section] : []));
  const totalSeconds = (performance.now() - started) / 1000;
  const markdown = [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (bench/run.ts); rerun it to refresh this page. Figures are medians with their spread",
    "(range for fewer than 10 samples, else the interquartile range); every ratio was measured side by side in the",
    "same run, since absolute times drift on a shared machine. Benchmarks, not tests: nothing here fails a build.",
    "",
    ...header,
    `- Load average (1 min) at start → end: ${loadAtStart} → ${load()} on ${cpus().length} cores (other work on the machine shows here)`,
    `- Bench duration: ${totalSeconds.toFixed(0)} s (${ordered.map((s) => `${s.title.split(":")[0]} ${(s.seconds ?? 0).toFixed(0)} s`).join(", ")})`,
    "",
    goalsMarkdown(ordered),
    ...ordered.map(sectionMarkdown),
    // Profiles are taken apart from the run (bench/profile.ts; they slow what they measure): their
    // written-up findings are kept in bench/analysis.md and carried into the page unchanged.
    ...(existsSync(`${repoRoot}bench/analysis.md`) ? [readFileSync(`${repoRoot}bench/analysis.md`, "utf8").trimEnd(), ""] : []),
  ].join("\n");
  process.stdout.write(`${markdown}\n`);
  if (only) return log(`partial run (--only ${only.join(",")}): docs/BENCHMARKS.md left as it was`);
  writeFileSync(`${repoRoot}docs/BENCHMARKS.md`, `${markdown.trimEnd()}\n`);
  log(`wrote docs/BENCHMARKS.md in ${totalSeconds.toFixed(0)} s`);
}

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    await stopDynamo();
    console.error(error);
    process.exit(1);
  },
);
