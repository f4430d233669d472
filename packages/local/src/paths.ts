import { statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository root: handler paths in the manifest are relative to it, as SST reads them. Three
 * levels up from packages/local/src/ and from packages/local/dist/, where `npm run dev` runs its build.
 */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

/** The git-ignored folder where the runtime keeps data between runs. */
export const defaultDataDir = join(repoRoot, ".data");

export interface HandlerRef {
  /** Absolute path of the module. */
  modulePath: string;
  exportName: string;
}

const extensions = [".ts", ".mts", ".js", ".mjs"];

/**
 * `packages/functions/src/api/handler.handler` (SST's handler notation: module path, a dot, the
 * export) → the module file and the export name.
 */
export function resolveHandler(handler: string, root = repoRoot): HandlerRef {
  const dot = handler.lastIndexOf(".");
  if (dot <= 0) throw new Error(`handler "${handler}" must look like path/to/module.exportName`);
  const base = isAbsolute(handler) ? handler.slice(0, dot) : resolve(root, handler.slice(0, dot));
  const modulePath = [base, ...extensions.map((ext) => base + ext)].find(isFile) ?? `${base}.ts`;
  return { modulePath, exportName: handler.slice(dot + 1) };
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
