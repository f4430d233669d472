import { rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { buildMessages, nodeBundleOptions } from "../node-bundle.mjs";
import { scratchPath } from "../scratch";

/**
 * Sandboxes run a function as Lambda does, from a bundle of its code, not through a TypeScript
 * loader: esbuild bundles the function's own source (and the workspace's `@users/*` packages, from
 * their source) in a few tens of milliseconds, and leaves every installed package to Node, which
 * loads it natively. Through tsx's loader instead, each worker had a loader thread of its own and
 * every module of the AWS SDK crossed it: ~3 CPU-seconds for the API's cold start on 2 cores.
 *
 * Bundles live under node_modules/.cache, so the packages they import resolve from the repo's
 * node_modules as they would from the source file.
 */
const made = new Set<string>();
// Whatever this process bundled goes with it (a stopped host removes its own earlier).
process.once("exit", () => {
  for (const file of made) rmSync(file, { force: true });
});

export interface SandboxBundle {
  /** What the worker imports. */
  url: string;
  remove(): Promise<void>;
}

/** Bundles `entry` into a file of its own; rejects with esbuild's messages when it does not build. */
export async function bundleForSandbox(entry: string, name: string): Promise<SandboxBundle> {
  // Those of runtimes killed before they could remove them go first.
  const outfile = await scratchPath("sandboxes", name, ".mjs");
  try {
    await build({ ...nodeBundleOptions, entryPoints: [entry], outfile });
  } catch (error) {
    const text = buildMessages(error).join("; ");
    throw Object.assign(new Error(text || String(error)), { name: "Runtime.ImportModuleError" });
  }
  made.add(outfile);
  return {
    url: pathToFileURL(outfile).href,
    remove: async () => {
      made.delete(outfile);
      await rm(outfile, { force: true });
    },
  };
}
