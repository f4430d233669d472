/**
 * Thumbnails benchmark (not a test): how long the upload subscriber's image work takes for a
 * 2000×2000 JPEG, beside the cheapest thing sharp can do with that file (decode it to raw pixels),
 * measured side by side in the same run, and the memory it needs.
 *
 *   npx tsx bench/thumbnails.ts            # prints a markdown table
 *   BENCH_RUNS=31 npx tsx bench/thumbnails.ts
 *
 * `npm run bench` (bench/run.ts) imports `runThumbnailsBench()` and adds its section to docs/BENCHMARKS.md.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import sharp from "sharp";
import { makeThumbnails } from "../packages/core/src/avatars/processing";
import { manifest } from "../infra/manifest";
import { checkGoal, sectionMarkdown, type Section } from "./report";
import { formatBytes, formatRatio, formatSummary, pairedRatios, round, summarize } from "./stats";

const SIDE = 2000;
/** The goal: the three thumbnails cost at most twice a plain decode. */
const GOAL_RATIO = 2;

/**
 * A photo-like 2000×2000 JPEG: gradients plus deterministic noise, so the decoder has real entropy
 * to chew on (a flat colour would decode unrealistically fast).
 */
async function photoLikeJpeg(): Promise<Buffer> {
  const pixels = Buffer.alloc(SIDE * SIDE * 3);
  let seed = 0x2545f491;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const noise = (seed >>> 24) % 48;
      const i = (y * SIDE + x) * 3;
      pixels[i] = ((x * 255) / SIDE + noise) & 255;
      pixels[i + 1] = ((y * 255) / SIDE + noise) & 255;
      pixels[i + 2] = (((x + y) * 127) / SIDE + noise) & 255;
    }
  }
  return sharp(pixels, { raw: { width: SIDE, height: SIDE, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

type Operation = "decode" | "thumbnails";
const operations: Record<Operation, (jpeg: Buffer) => Promise<unknown>> = {
  decode: (jpeg) => sharp(jpeg).raw().toBuffer(),
  thumbnails: (jpeg) => makeThumbnails(jpeg),
};

/**
 * Peak RSS of a fresh Node process that loads sharp and the image, then runs one operation a few
 * times: a process's RSS never shrinks back, so peaks are only comparable one process each.
 */
async function peakRssOf(operation: Operation, jpegPath: string): Promise<{ idle: number; peak: number }> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", tsx, fileURLToPath(import.meta.url)], {
    env: { ...process.env, THUMBNAILS_BENCH_CHILD: operation, THUMBNAILS_BENCH_INPUT: jpegPath },
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { idle: number; peak: number };
}

async function childMain(operation: Operation, jpegPath: string) {
  const jpeg = await readFile(jpegPath);
  await sharp(Buffer.alloc(3 * 64 * 64), { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer(); // libvips loaded
  const idle = process.memoryUsage.rss();
  for (let i = 0; i < 5; i++) await operations[operation](jpeg);
  process.stdout.write(`${JSON.stringify({ idle, peak: process.resourceUsage().maxRSS * 1024 })}\n`);
}

const timed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

export async function runThumbnailsBench(runs = Number(process.env.BENCH_RUNS ?? 21)): Promise<Section> {
  const jpeg = await photoLikeJpeg();
  const decodeOnly = () => operations.decode(jpeg);
  const thumbnails = () => makeThumbnails(jpeg);

  // Warm both paths (libvips caches, code paths) before measuring.
  for (let i = 0; i < 2; i++) {
    await decodeOnly();
    await thumbnails();
  }

  const decodeMs: number[] = [];
  const thumbnailsMs: number[] = [];
  for (let round_ = 0; round_ < runs; round_++) {
    // Alternate which goes first so neither always runs on a warmer (or more loaded) machine.
    if (round_ % 2 === 0) {
      decodeMs.push(await timed(decodeOnly));
      thumbnailsMs.push(await timed(thumbnails));
    } else {
      thumbnailsMs.push(await timed(thumbnails));
      decodeMs.push(await timed(decodeOnly));
    }
  }

  const directory = await mkdtemp(join(tmpdir(), "thumbnails-bench-"));
  let rss: Record<Operation, { idle: number; peak: number }>;
  try {
    const jpegPath = join(directory, "input.jpg");
    await writeFile(jpegPath, jpeg);
    rss = { decode: await peakRssOf("decode", jpegPath), thumbnails: await peakRssOf("thumbnails", jpegPath) };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }

  const output = await thumbnails();
  const ratio = pairedRatios(thumbnailsMs, decodeMs);
  const decode = summarize(decodeMs);
  const made = summarize(thumbnailsMs);
  const lambdaMemory = manifest.functions.uploads.memoryMb * 1024 * 1024;
  const describeRss = ({ idle, peak }: { idle: number; peak: number }) => `${formatBytes(peak)} (+${formatBytes(peak - idle)} over idle)`;

  return {
    title: "Thumbnails",
    rows: [
      { figure: `64/128/256 px WebP thumbnails of a ${SIDE}×${SIDE} JPEG`, value: formatSummary(made, "ms"), baseline: `decode only: ${formatSummary(decode, "ms")}`, ratio: formatRatio(ratio), goal: `≤ ${GOAL_RATIO}×` },
      { figure: "peak RSS, a process making thumbnails", value: describeRss(rss.thumbnails), baseline: `decode only: ${describeRss(rss.decode)}` },
      { figure: "uploads function memory (manifest)", value: formatBytes(lambdaMemory) },
      { figure: "input JPEG / output WebP sizes", value: `${formatBytes(jpeg.length)} → ${["64", "128", "256"].map((size) => formatBytes(output[size as "64"].length)).join(", ")}` },
    ],
    notes: [
      "Peak RSS: one fresh process per operation (RSS never shrinks back), 5 runs each; idle is the process with node, sharp and the image loaded.",
      `Median of ${runs} rounds after 2 warm-up rounds; each round runs both back to back (order alternating), and the ratio is the median of the per-round ratios.`,
      "makeThumbnails decodes once: EXIF rotation, centre crop to 256 px (JPEG shrink-on-load keeps that cheap), then 128 and 64 px from that square.",
      `sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}; sharp concurrency ${sharp.concurrency()}.`,
    ],
    goals: [checkGoal(`thumbnails ≤ ${GOAL_RATIO}× a decode-only baseline`, ratio.median, GOAL_RATIO, (value) => `${round(value)}×`)],
  };
}

const child = process.env.THUMBNAILS_BENCH_CHILD as Operation | undefined;
if (child) {
  await childMain(child, process.env.THUMBNAILS_BENCH_INPUT ?? "");
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const section = await runThumbnailsBench();
  process.stdout.write(sectionMarkdown(section));
  for (const goal of section.goals) process.stdout.write(`- Goal: ${goal.goal}: ${goal.measured} (${goal.met ? "met" : "not met"})\n`);
}
