/** Where the synth finds the project and SST's platform code (`sst install` writes .sst/platform). */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const configPath = join(root, "sst.config.ts");
export const workDir = join(root, ".sst");
export const platformDir = join(workDir, "platform");

/** The sst version package.json pins: the CLI refuses to run any other, so the platform must match it. */
export function pinnedSstVersion(): string {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const version = pkg.devDependencies?.sst ?? pkg.dependencies?.sst;
  if (!version) throw new Error("package.json does not depend on sst");
  return version;
}
