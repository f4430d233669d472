import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot } from "./paths";
import { isRunning } from "./servers/pid-file";

/**
 * The runtime's scratch space, under node_modules/.cache/users-local/<kind>/ rather than the OS's
 * temp folder: what a runtime killed with SIGKILL could not remove stays inside the project (`npm ci`
 * drops it) and the next start removes it. Each entry is named `<name>-<pid>-<n>[.ext]` after the
 * process that made it, so a start can tell which owners are gone.
 */
export function scratchDir(kind: string): string {
  return join(repoRoot, "node_modules/.cache/users-local", kind);
}

let counter = 0;
const swept = new Map<string, Promise<void>>();

/** A fresh name in `kind` for this process (`<name>-<pid>-<n><ext>`); entries of dead owners go first. */
export async function scratchPath(kind: string, name: string, ext = ""): Promise<string> {
  const dir = scratchDir(kind);
  await mkdir(dir, { recursive: true });
  if (!swept.has(dir)) swept.set(dir, sweepDeadOwners(dir));
  await swept.get(dir);
  return join(dir, `${name}-${process.pid}-${++counter}${ext}`);
}

async function sweepDeadOwners(dir: string): Promise<void> {
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    const pid = Number(/-(\d+)-\d+(\.\w+)?$/.exec(entry)?.[1]);
    if (pid && pid !== process.pid && !isRunning(pid)) await rm(join(dir, entry), { recursive: true, force: true });
  }
}
