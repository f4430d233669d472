/**
 * Bundles each Lambda the way the deploy does (SST's esbuild defaults for a Node ESM function:
 * minified, ESM, platform node, target node22, a createRequire banner for CommonJS dependencies)
 * into bench/dist/, which git ignores. Cold and warm both measure these files, not the TS sources.
 * The API is split at its dynamic imports, as its `nodejs.splitting` deploys it (infra/api.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const distDir = fileURLToPath(new URL("./dist/", import.meta.url));

export type BundleName = "api" | "likes" | "uploads" | "raw" | "express";

export const entries: Record<BundleName, { label: string; source: string; external?: string[]; splitting?: boolean }> = {
  api: { label: "API (Hono)", source: "packages/functions/src/api/handler.ts", splitting: true },
  likes: { label: "likes subscriber", source: "packages/functions/src/likes/handler.ts" },
  uploads: { label: "uploads subscriber", source: "packages/functions/src/uploads/handler.ts", external: ["sharp"] },
  raw: { label: "raw handler (no framework)", source: "bench/baselines/raw-handler.ts" },
  express: { label: "Express + serverless-http", source: "bench/baselines/express-handler.ts" },
};

export interface Bundle {
  name: BundleName;
  /** The entry module: what Lambda imports. */
  file: string;
  /** Every chunk, as deployed. */
  bytes: number;
  gzipBytes: number;
  /** The entry and the chunks it imports statically: what a cold start compiles. */
  coldBytes: number;
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
  const file = entry.splitting ? `${distDir}${name}/bundle.mjs` : `${distDir}${name}.mjs`;
  const started = performance.now();
  let metafile: Metafile | undefined;
  try {
    ({ metafile } = await build({
      metafile: true,
      entryPoints: [source],
      ...(entry.splitting ? { outdir: `${distDir}${name}`, splitting: true, entryNames: "bundle", outExtension: { ".js": ".mjs" } } : { outfile: file }),
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
  const outputs = metafile?.outputs ?? {};
  const contents = Buffer.concat(Object.keys(outputs).map((path) => readFileSync(join(repoRoot, path))));
  // The handler's own output (with splitting, dynamically imported modules are entry points too).
  const entryOutput = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === entry.source);
  const cold = new Set<string>();
  const visit = (path: string) => {
    if (cold.has(path) || !outputs[path]) return;
    cold.add(path);
    for (const imported of outputs[path].imports) if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
  };
  if (entryOutput) visit(entryOutput);
  const coldBytes = [...cold].reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0);
  const composition: Record<string, number> = {};
  for (const output of Object.values(outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      const origin = originOf(path);
      composition[origin] = (composition[origin] ?? 0) + input.bytesInOutput;
    }
  }
  return {
    ok: true,
    bundle: { name, file, bytes: contents.length, gzipBytes: gzipSync(contents).length, coldBytes, buildMs: performance.now() - started, composition },
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
