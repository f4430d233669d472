/**
 * `npm run build -w @users/client`: the package as other projects install it, in dist/:
 *
 * - dist/index.js: ESM, one file, `hono` left as an import (the only runtime dependency).
 * - dist/index.d.ts: one declaration file whose routes are already resolved. TypeScript 7 writes
 *   the declarations (it expands `createClient`'s inferred return type into plain object types),
 *   then rollup-plugin-dts bundles them into one file. The build fails if that file imports
 *   anything but hono's client types: a consumer's `tsc` must never reach the server's source, zod, the
 *   AWS SDK or Node's types.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(packageDir, "dist");
const require = createRequire(import.meta.url);

/**
 * What the bundled declarations may import: the client half of hono, the package's one dependency,
 * and its list of status codes (the type of a route that may answer any status).
 */
const ALLOWED_IMPORTS = new Set(["hono/client", "hono/utils/http-status"]);

export async function buildClient(): Promise<{ js: string; dts: string }> {
  rmSync(dist, { recursive: true, force: true });
  const js = join(dist, "index.js");
  const types = join(dist, "index.d.ts");

  await build({
    entryPoints: [join(packageDir, "src/index.ts")],
    outfile: js,
    bundle: true,
    format: "esm",
    // Browsers and Node ≥ 20 alike: nothing platform-specific is in the client.
    platform: "neutral",
    target: "es2022",
    external: ["hono", "hono/*"],
    legalComments: "none",
    logLevel: "warning",
  });

  // Inside the package, so the declarations resolve `hono` as the bundle's will.
  const declarations = join(dist, ".declarations");
  try {
    // The repo's own compiler (TypeScript 7), with the repo's settings.
    const tsc = join(dirname(require.resolve("typescript/package.json")), "bin/tsc");
    execFileSync(process.execPath, [tsc, "-p", join(packageDir, "tsconfig.build.json"), "--outDir", declarations], { stdio: "inherit" });
    const bundle = await rollup({
      input: join(declarations, "index.d.ts"),
      plugins: [dts()],
      onwarn: (warning) => {
        throw new Error(`rollup-plugin-dts: ${warning.message}`);
      },
    });
    await bundle.write({ file: types, format: "es" });
    await bundle.close();
  } finally {
    rmSync(declarations, { recursive: true, force: true });
  }

  checkSelfContained(types);
  return { js, dts: types };
}

/** Every import, `import("…")` type and triple-slash reference of the bundled declarations. */
export function declarationImports(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/\bfrom\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|\/\/\/\s*<reference\s+(?:types|path|lib)=["']([^"']+)["']/g)) {
    found.add(match[1] ?? match[2] ?? `reference:${match[3]}`);
  }
  return [...found].sort();
}

function checkSelfContained(types: string): void {
  const outside = declarationImports(readFileSync(types, "utf8")).filter((specifier) => !ALLOWED_IMPORTS.has(specifier));
  if (outside.length > 0) {
    throw new Error(`${relative(packageDir, types)} imports ${outside.join(", ")}: only ${[...ALLOWED_IMPORTS].join(", ")} may be imported`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { js, dts: types } = await buildClient();
  const lines = readFileSync(types, "utf8").split("\n").length;
  for (const [file, extra] of [[js, ""], [types, `, ${lines} lines`]] as const) {
    console.log(`${relative(packageDir, file)}  ${(statSync(file).size / 1024).toFixed(1)} KiB${extra}`);
  }
}
