// @ts-check
/**
 * How the offline runtime bundles code it runs: the runtime itself (bin/dev.mjs) and each function's
 * sandbox (lambda/sandbox-bundle.ts), and how it keeps a build until its sources change. Plain
 * JavaScript, because the runtime's own launcher imports it before any TypeScript can load.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { isBuiltin } from "node:module";
import { readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { decode, encode } from "@jridgewell/sourcemap-codec";

/**
 * The runtime's own build bundles the workspace's packages (`@users/*`, from their source) and
 * relative modules; every installed package stays outside, for Node to load natively.
 *
 * A CommonJS package is loaded with `require`, not `import`: on Node 20 an ES import of one costs
 * about twice the CPU (its entry is parsed to detect its format, then lexed for named exports,
 * following every re-export: the AWS SDK's clients re-export dozens of modules). Measured in a fresh
 * process, import against require: @aws-sdk/client-dynamodb 183–201 against 90–93 CPU-ms,
 * client-s3 289–300 against 162–169, client-sqs 201–204 against 123–124, on a start bound by CPU.
 * ES-module packages (and dual ones, for their `import` build) stay imports, and so does `import()`.
 * @type {import("esbuild").Plugin}
 */
export const installedPackagesExternal = {
  name: "installed-packages-external",
  setup(build) {
    const asRequire = "installed-commonjs";
    const probe = "installed-probe";
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      // The workspace's packages are bundled; a probe asks for esbuild's own resolution.
      if (args.path.startsWith("@users/") || args.pluginData === probe) return undefined;
      // A dynamic import() stays one: esbuild's split chunk for a CommonJS module would only have `default`.
      const keep = args.pluginData === asRequire || args.kind === "dynamic-import" || args.path.startsWith("node:") || isBuiltin(args.path);
      if (keep) return { path: args.path, external: true };
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, pluginData: probe });
      return resolved.errors.length === 0 && (await isCommonJs(resolved.path))
        ? { path: args.path, namespace: asRequire }
        : { path: args.path, external: true };
    });
    // A module that is only `module.exports = require(the package)`: esbuild then calls it through
    // the createRequire banner wherever the source imports the package.
    build.onLoad({ filter: /.*/, namespace: asRequire }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: "js",
      pluginData: asRequire,
    }));
  },
};

/**
 * Whether Node loads this file as CommonJS: `.cjs`, or `.js` under a package.json without
 * `"type": "module"`.
 * @param {string} file
 */
async function isCommonJs(file) {
  if (file.endsWith(".cjs")) return true;
  if (!file.endsWith(".js")) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = await readFile(resolve(dir, "package.json"), "utf8").catch(() => undefined);
    if (manifest !== undefined) return JSON.parse(manifest).type !== "module";
    if (dirname(dir) === dir) return true;
  }
}

/** Defines `require` in an ES module, for the CommonJS packages it loads (as SST's ESM bundles do). */
export const requireBanner = 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);';

/**
 * The esbuild options both share. Stack traces name the TypeScript source (inline source maps; the
 * process enables them).
 * @type {import("esbuild").BuildOptions}
 */
export const nodeBundleOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "inline",
  conditions: ["@users/source"],
  logLevel: "silent",
};

/**
 * The outputs of a build made with `sourcemap: "external"` and `write: false`, each script with an
 * inline source map of the project's own code only. With source maps on, Node parses a module's map
 * when it loads it: the AWS SDK's, bundled in, would cost as much as bundling it saves.
 * @param {import("esbuild").OutputFile[]} outputFiles
 * @param {string} packagesDir the node_modules folder whose files stay unmapped
 * @returns {{ path: string; contents: string }[]}
 */
export function withOwnSourceMaps(outputFiles, packagesDir) {
  const maps = new Map(outputFiles.filter((file) => file.path.endsWith(".map")).map((file) => [file.path, file.text]));
  return outputFiles
    .filter((file) => !file.path.endsWith(".map"))
    .map((file) => {
      const text = maps.get(`${file.path}.map`);
      if (text === undefined) return { path: file.path, contents: file.text };
      const map = JSON.parse(text);
      const own = map.sources.map((/** @type {string} */ source) => !resolve(dirname(file.path), source).startsWith(packagesDir));
      map.mappings = encode(decode(map.mappings).map((line) => line.filter((segment) => segment.length > 1 && own[/** @type {number} */ (segment[1])])));
      map.sourcesContent = map.sourcesContent?.map((/** @type {string} */ content, /** @type {number} */ i) => (own[i] ? content : null));
      const inline = Buffer.from(JSON.stringify(map)).toString("base64");
      return { path: file.path, contents: `${file.text}\n//# sourceMappingURL=data:application/json;base64,${inline}\n` };
    });
}

/**
 * Writes under a temporary name, then renames: a reader (another runtime starting) sees the old file
 * or the new one, never half of one.
 * @param {string} path
 * @param {string | Uint8Array} contents
 */
export async function writeWhole(path, contents) {
  const partial = `${path}.${randomUUID()}.partial`;
  await writeFile(partial, contents);
  await rename(partial, path);
}

/** @param {string[]} sources esbuild's input paths, relative to the working directory */
async function modificationTimes(sources) {
  return Object.fromEntries(await Promise.all(sources.map(async (source) => [resolve(source), (await stat(source)).mtimeMs])));
}

/**
 * Keeps a build until its sources change: `record` (a JSON file) lists the build's entry and the
 * modification time of every input esbuild read for it.
 * @param {string} record
 * @param {string} entry
 * @param {string[]} inputs esbuild's metafile inputs
 */
export async function recordBuild(record, entry, inputs) {
  // Files only: a plugin's virtual modules are named `namespace:path` (a drive letter is one letter).
  const files = inputs.filter((input) => !/^[\w-]{2,}:/.test(input));
  await writeWhole(record, JSON.stringify({ entry, sources: await modificationTimes(files) }));
}

/**
 * The entry of the build `record` describes, if it is still there and none of its inputs changed since.
 * @param {string} record
 * @returns {Promise<string | undefined>}
 */
export async function unchangedBuild(record) {
  const last = JSON.parse(await readFile(record, "utf8").catch(() => "null"));
  if (!last || !existsSync(last.entry)) return undefined;
  const now = await modificationTimes(Object.keys(last.sources)).catch(() => undefined);
  const same = now && Object.entries(last.sources).every(([source, mtime]) => now[source] === mtime);
  return same ? last.entry : undefined;
}

/**
 * esbuild's messages from a failed build, each with its file and line.
 * @param {unknown} error
 * @returns {string[]}
 */
export function buildMessages(error) {
  /** @type {{ text: string; location?: { file: string; line: number } | null }[]} */
  const messages = /** @type {any} */ (error)?.errors ?? [];
  return messages.map((m) => (m.location ? `${m.location.file}:${m.location.line}: ${m.text}` : m.text));
}
