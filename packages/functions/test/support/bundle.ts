import { build, type Metafile } from "esbuild";

/**
 * What esbuild makes of a function's handler, bundled the way the deploy bundles it (ESM, platform
 * node, target node22; `splitting` as `nodejs.splitting` sets it), in memory: its metafile.
 */
export async function bundleMetafile(entry: URL, options: { splitting?: boolean; external?: string[] } = {}): Promise<Metafile> {
  const { metafile } = await build({
    entryPoints: [entry.pathname],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node22",
    write: false,
    metafile: true,
    logLevel: "silent",
    external: options.external ?? [],
    ...(options.splitting ? { splitting: true, outdir: "/virtual/out" } : {}),
  });
  return metafile;
}
