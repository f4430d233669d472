/**
 * Bundles each Lambda the way the deploy does (SST's esbuild defaults for a Node ESM function:
 * minified, ESM, platform node, target node22, a createRequire banner for CommonJS dependencies)
 * into bench/dist/, which git ignores. Cold and warm both measure these files, not the TS sources.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const distDir = fileURLToPath(new URL("./dist/", import.meta.url));

export type BundleName = "api" | "likes" | "uploads" | "raw" | "express";

export const entries: Record<BundleName, { label: string; source: string; external?: string[] }> = {
  api: { label: "API (Hono)", source: "packages/functions/src/api/handler.ts" },
  likes: { label: "likes subscriber", source: "packages/functions/src/likes/handler.ts" },
  uploads: { label: "uploads subscriber", source: "packages/functions/src/uploads/handler.ts", external: ["sharp"] },
  raw: { label: "raw handler (no framework)", source: "bench/baselines/raw-handler.ts" },
  express: { label: "Express + serverless-http", source: "bench/baselines/express-handler.ts" },
};

export interface Bundle {
  name: BundleName;
  file: string;
  bytes: number;
  gzipBytes: number;
  buildMs: number;
  /** Minified bytes in the output by origin: an npm package, or a source folder of this repo. */
  composition: Record<string, number>;
}

/** A missing source is not an error: those functions are still being written. */
export type BundleOutcome = { ok: true; bundle: Bundle } | { ok: false; reason: string };

const banner = "import{createRequire as __bench_createRequire}from'node:module';const require=__bench_createRequire(import.meta.url);";

const built = new Map<BundleName, Promise<BundleOutcome>>();

/** Builds once per run; later callers get the same file. */
export function bundle(name: BundleName): Promise<BundleOutcome> {
  let outcome = built.get(name);
  if (!outcome) {
    outcome = buildOnce(name);
    built.set(name, outcome);
  }
  return outcome;
}

async function buildOnce(name: BundleName): Promise<BundleOutcome> {
  const entry = entries[name];
  const source = `${repoRoot}${entry.source}`;
  if (!existsSync(source)) return { ok: false, reason: `${entry.source} does not exist yet` };
  const file = `${distDir}${name}.mjs`;
  const started = performance.now();
  let metafile: Metafile | undefined;
  try {
    ({ metafile } = await build({
      metafile: true,
      entryPoints: [source],
      outfile: file,
      bundle: true,
      minify: true,
      format: "esm",
      platform: "node",
      target: "node22",
      external: entry.external ?? [],
      banner: { js: banner },
      logLevel: "silent",
      absWorkingDir: repoRoot,
    }));
  } catch (error) {
    const message = (error as { errors?: { text: string }[] }).errors?.map((e) => e.text).join("; ") ?? String(error);
    return { ok: false, reason: `${entry.source} does not bundle: ${message.slice(0, 300)}` };
  }
  const contents = readFileSync(file);
  const composition: Record<string, number> = {};
  for (const output of Object.values(metafile?.outputs ?? {})) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const origin = originOf(path);
      composition[origin] = (composition[origin] ?? 0) + input.bytesInOutput;
    }
  }
  return {
    ok: true,
    bundle: { name, file, bytes: contents.length, gzipBytes: gzipSync(contents).length, buildMs: performance.now() - started, composition },
  };
}

/** `node_modules/@aws-sdk/client-s3/dist-es/x.js` → `@aws-sdk/client-s3`; `packages/functions/src/api/app.ts` → `packages/functions/src/api`. */
function originOf(path: string): string {
  const inModules = path.lastIndexOf("node_modules/");
  if (inModules >= 0) {
    const parts = path.slice(inModules + "node_modules/".length).split("/");
    return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
  }
  return path.split("/").slice(0, path.startsWith("packages/") ? 4 : 2).join("/");
}
