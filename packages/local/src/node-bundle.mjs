// @ts-check
/**
 * How the offline runtime bundles code it runs: the runtime itself (bin/dev.mjs) and each function's
 * sandbox (lambda/sandbox-bundle.ts). Plain JavaScript, because the runtime's own launcher imports it
 * before any TypeScript can load.
 *
 * The workspace's own packages (`@users/*`, from their source) and relative modules are bundled;
 * every installed package stays an import that Node loads natively, as it would from the source file.
 */

/** @type {import("esbuild").Plugin} */
const installedPackagesExternal = {
  name: "installed-packages-external",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith("@users/") ? undefined : { path: args.path, external: true }));
  },
};

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
  plugins: [installedPackagesExternal],
  logLevel: "silent",
};

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
