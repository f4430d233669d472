// @ts-check
/**
 * `npm run dev`: builds the runtime (src/dev.ts and what it imports) with esbuild, then runs it on
 * Node's own module loader, as the sandboxes run the functions. Under tsx's loader every module the
 * runtime imports — the AWS SDK, the emulators, the issuer — crossed tsx's hooks: about 1 CPU-second
 * more on a start that is bound by CPU on 2 cores. Building takes ~0.1 s.
 *
 * The output goes to packages/local/dist/, one level below the package as src/ is, so the runtime's
 * `import.meta.url` arithmetic (the repo root, installed packages) finds what it finds from the
 * source. Every file is named by its content hash and written whole under a temporary name first:
 * two runtimes starting at once never read each other's half-written files. When none of the
 * sources changed since the last build (dist/dev.json lists them with their modification times),
 * the runtime starts from that build without esbuild at all.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildMessages, installedPackagesExternal, nodeBundleOptions, recordBuild, requireBanner, unchangedBuild, writeWhole } from "../src/node-bundle.mjs";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const outdir = join(packageDir, "dist");
/** Builds left by earlier versions of the runtime are removed once nothing can still be running them. */
const keepOldBuildsMs = 7 * 24 * 3600 * 1000;
const lastBuild = join(outdir, "dev.json");

async function buildRuntime() {
  // Loaded only when there is something to build.
  const { build } = await import("esbuild");
  const result = await build({
    ...nodeBundleOptions,
    plugins: [installedPackagesExternal],
    banner: { js: requireBanner },
    entryPoints: [join(packageDir, "src/dev.ts")],
    outdir,
    entryNames: "[name]-[hash]",
    chunkNames: "chunk-[hash]",
    outExtension: { ".js": ".mjs" },
    // The runtime's own steps load their modules when they run (beside DynamoDB Local's JVM): kept lazy.
    splitting: true,
    write: false,
    metafile: true,
  });
  await mkdir(outdir, { recursive: true });
  // Chunks first: the entry, which imports them, appears last.
  const files = [...result.outputFiles].sort((a, b) => Number(basename(a.path).startsWith("dev-")) - Number(basename(b.path).startsWith("dev-")));
  for (const file of files) if (!existsSync(file.path)) await writeWhole(file.path, file.contents);
  const entry = files.at(-1)?.path;
  if (!entry) throw new Error("esbuild wrote no entry");
  await recordBuild(lastBuild, entry, Object.keys(result.metafile.inputs));
  await removeOldBuilds(new Set([...files.map((file) => file.path), lastBuild]));
  return entry;
}

/** @param {Set<string>} current */
async function removeOldBuilds(current) {
  for (const name of await readdir(outdir)) {
    const path = join(outdir, name);
    if (current.has(path)) continue;
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > keepOldBuildsMs) await rm(path, { force: true });
  }
}

let entry;
try {
  entry = (await unchangedBuild(lastBuild)) ?? (await buildRuntime());
} catch (error) {
  const text = buildMessages(error).join("\n");
  console.error(`npm run dev: the runtime does not build\n${text || String(error)}`);
  process.exit(1);
}
// Stack traces name the TypeScript source.
process.setSourceMapsEnabled(true);
await import(pathToFileURL(entry).href);
