/**
 * `Runtime.Build` as the CLI's Node runtime answers it (pkg/runtime/node/build.go): find the handler's
 * file, bundle it with esbuild (ESM, the runtime's target, sharp and `nodejs.install` packages
 * external) into the function's artifact directory, split into chunks at dynamic imports when
 * `nodejs.splitting` is set. A wrong path or a missing export is an error, as on `sst deploy`. What it does not do: `npm install` the `nodejs.install` packages (no network).
 */
import { build } from "esbuild";
import { existsSync } from "node:fs";
import { join, posix } from "node:path";
import { root } from "./paths";

export interface BuildInput {
  functionID: string;
  handler: string;
  runtime: string;
  properties?: { install?: Record<string, string>; architecture?: string; splitting?: boolean };
}

const TARGETS: Record<string, string> = { "nodejs24.x": "es2024", "nodejs22.x": "es2023", "nodejs20.x": "es2023" };
const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
const FORCE_EXTERNAL = ["sharp", "pg-native"];

export async function buildHandler(input: BuildInput, artifactsDir: string) {
  const parsed = posix.parse(input.handler);
  const exportName = parsed.ext.slice(1);
  const base = join(root, parsed.dir, parsed.name);
  const file = EXTENSIONS.map((ext) => base + ext).find((f) => existsSync(f));
  if (!file) return { handler: "", out: "", errors: [`Handler not found: ${input.handler}`], sourcemaps: [] };

  // Where the CLI puts it too: next to, never inside, the directory SST zips it into.
  const out = join(artifactsDir, `${input.functionID}-src`);
  const result = await build({
    entryPoints: [file],
    platform: "node",
    format: "esm",
    bundle: true,
    keepNames: true,
    metafile: true,
    sourcemap: "linked",
    target: TARGETS[input.runtime] ?? "es2023",
    mainFields: ["module", "main"],
    external: [...FORCE_EXTERNAL, ...Object.keys(input.properties?.install ?? {})],
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        `const require = topLevelCreateRequire(import.meta.url);`,
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        `const __filename = topLevelFileUrlToPath(import.meta.url)`,
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
      ].join("\n"),
    },
    // As build.go: one bundle.mjs, or with splitting an entry named bundle beside its .mjs chunks.
    ...(input.properties?.splitting
      ? { splitting: true, outdir: out, entryNames: "bundle", outExtension: { ".js": ".mjs" } }
      : { outfile: join(out, "bundle.mjs") }),
    write: true,
    absWorkingDir: root,
    logLevel: "silent",
  }).catch((error: { errors?: { text: string }[] }) => ({ errors: error.errors ?? [{ text: String(error) }], metafile: undefined }));
  const errors = result.errors.map((e) => e.text);
  // The handler's own output (with splitting, dynamically imported modules are entry points too).
  const outputs = Object.entries(result.metafile?.outputs ?? {});
  const exports = outputs.find(([path]) => path.endsWith("/bundle.mjs"))?.[1].exports ?? [];
  if (!errors.length && !exports.includes(exportName)) errors.push(`${input.handler}: ${file} does not export "${exportName}"`);
  return {
    handler: `bundle.${exportName}`,
    out,
    errors,
    // Every chunk's map, as build.go lists the output files ending in .map.
    sourcemaps: errors.length ? [] : Object.keys(result.metafile?.outputs ?? {}).filter((path) => path.endsWith(".map")).map((path) => join(root, path)),
  };
}
