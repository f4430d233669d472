import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { buildMessages, nodeBundleOptions, recordBuild, requireBanner, unchangedBuild, withOwnSourceMaps, writeWhole } from "../node-bundle.mjs";
import { repoRoot } from "../paths";
import { scratchDir } from "../scratch";

/**
 * Sandboxes run a function as Lambda does: from one bundle of its code and of the packages it
 * imports, on Node's own loader. Bundled like the deployed function, the API's cold start is one file
 * to compile: ~0.3 CPU-s to import it, against ~0.7 with the AWS SDK's hundreds of CommonJS modules
 * left to Node (their compile, cjs-module-lexer, module-format detection). Packages with native parts
 * (`external`: sharp) stay imports; the main thread preloads them.
 *
 * Its source map covers the project's own code only (stack traces name the TypeScript source), since
 * a map of the whole SDK costs as much to parse at load as bundling saves.
 *
 * Bundling the packages costs esbuild ~0.6 s, so the bundle is kept on disk (under
 * node_modules/.cache, so `npm ci` drops it), one file per function and entry, and made again only
 * when a file it was built from has changed (the record beside it lists their modification times).
 * A rebuild replaces the file whole: sandboxes already running keep the code they loaded; the next
 * ones load the new code.
 */
export async function bundleForSandbox(entry: string, name: string, external: readonly string[] = []): Promise<string> {
  const key = createHash("sha256").update(JSON.stringify([entry, external])).digest("hex").slice(0, 12);
  const dir = scratchDir("functions");
  const outfile = join(dir, `${name}-${key}.mjs`);
  const record = `${outfile}.json`;
  if (!(await unchangedBuild(record))) {
    let result;
    try {
      result = await build({
        ...nodeBundleOptions,
        entryPoints: [entry],
        outfile,
        sourcemap: "external",
        external: [...external],
        // The packages' CommonJS `require` of Node's built-ins.
        banner: { js: requireBanner },
        write: false,
        metafile: true,
      });
    } catch (error) {
      const text = buildMessages(error).join("; ");
      throw Object.assign(new Error(text || String(error)), { name: "Runtime.ImportModuleError" });
    }
    await mkdir(dir, { recursive: true });
    const [script] = withOwnSourceMaps(result.outputFiles, join(repoRoot, "node_modules"));
    await writeWhole(outfile, script!.contents);
    await recordBuild(record, outfile, Object.keys(result.metafile.inputs));
  }
  return pathToFileURL(outfile).href;
}
