/**
 * Bundles sst.config.ts the way the SST CLI does (pkg/js/js.go, pkg/project/{project,run}.go): one
 * bundle that evaluates `app()`, one that runs `run()` through SST's `src/auto/run.ts` with the
 * `aws` and `sst` globals prepended to every project file and `src/shim/run.js` injected. Bundles are
 * written inside .sst/platform so their `@pulumi/*` imports resolve to the platform's packages.
 */
import { build, type Plugin } from "esbuild";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { configPath, platformDir, root, workDir } from "./paths";

// The CLI's banner: the bundle is ESM but bundled CommonJS code still calls require and __dirname.
const BANNER = `
import { createRequire as topLevelCreateRequire } from 'module';
const require = topLevelCreateRequire(import.meta.url);
import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"
const __filename = topLevelFileUrlToPath(import.meta.url)
const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))
`;

// What the CLI keeps out of the bundle: loaded from .sst/platform/node_modules at run time.
const EXTERNAL = ["@pulumi/*", "undici", "@pulumiverse/*", "@sst-provider/*", "@aws-sdk/*", "esbuild", "archiver", "glob", "vite"];

async function bundle(outfile: string, code: string, options: { banner?: string; define?: Record<string, string>; inject?: string[]; globals?: string }) {
  const globals: Plugin = {
    name: "inject-globals",
    setup(b) {
      b.onLoad({ filter: /\.(js|ts|jsx|tsx)$/ }, async (args) => {
        if (!options.globals || args.path.startsWith(workDir)) return undefined;
        return { contents: `${options.globals}\n${await readFile(args.path, "utf8")}`, loader: "default" };
      });
    },
  };
  const result = await build({
    stdin: { contents: code, resolveDir: root, sourcefile: "eval.ts", loader: "ts" },
    banner: { js: BANNER + (options.banner ?? "") },
    mainFields: ["module", "main"],
    format: "esm",
    platform: "node",
    sourcemap: "linked",
    nodePaths: [join(platformDir, "node_modules")],
    plugins: [globals],
    external: EXTERNAL,
    define: options.define,
    inject: options.inject,
    outfile,
    write: true,
    bundle: true,
    logLevel: "silent",
  });
  if (result.errors.length) throw new Error(result.errors.map((e) => e.text).join("\n"));
  return outfile;
}

/** A bundle whose default export is `app({ stage })`, as the CLI evaluates it before anything else. */
export function bundleApp(outfile: string, stage: string) {
  return bundle(
    outfile,
    `import mod from ${JSON.stringify(configPath)};\nexport default await mod.app({ stage: ${JSON.stringify(stage)} });`,
    { banner: "function $config(input) { return input }" },
  );
}

/** A bundle that runs the program when imported; its default export is `run()`'s outputs. */
export function bundleRun(outfile: string, app: object, cli: object, dev: boolean) {
  return bundle(
    outfile,
    `import { run } from ${JSON.stringify(join(platformDir, "src/auto/run.ts"))};
import mod from ${JSON.stringify(configPath)};
const result = await run(mod.run);
export default result;`,
    {
      define: { $app: JSON.stringify(app), $cli: JSON.stringify(cli), $dev: String(dev) },
      inject: [join(platformDir, "src/shim/run.js")],
      globals: `import * as aws from "@pulumi/aws";\nimport * as sst from ${JSON.stringify(join(platformDir, "src/components"))};`,
    },
  );
}
