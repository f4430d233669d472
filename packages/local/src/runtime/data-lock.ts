import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commandLineOfSync, isRunning } from "../servers/pid-file";

/**
 * One runtime per data folder: two would run two DynamoDB Local JVMs on one database file and two
 * queues on one journal. The lock is a file naming the holder's pid; a holder that is gone (killed,
 * crashed) leaves a stale file the next start takes over.
 */
export class DataFolderInUseError extends Error {
  readonly dataDir: string;
  readonly holderPid: number;
  constructor(dataDir: string, holderPid: number) {
    super(
      `another runtime (pid ${holderPid}) is using the data folder ${dataDir}: stop it first, ` +
        "or start this one with --data-dir <another folder> or --in-memory",
    );
    this.name = "DataFolderInUseError";
    this.dataDir = dataDir;
    this.holderPid = holderPid;
  }
}

/** Data folders locked by this process (a second `start()` in one process is refused too). */
const heldHere = new Set<string>();

/** Takes the data folder's lock, or throws DataFolderInUseError; returns the function that releases it. */
export function lockDataFolder(dataDir: string): () => void {
  const path = join(dataDir, "run", "runtime.lock");
  if (heldHere.has(path)) throw new DataFolderInUseError(dataDir, process.pid);
  mkdirSync(join(dataDir, "run"), { recursive: true });
  for (let attempt = 0; !claim(path); attempt++) {
    const holder = holderOf(path);
    if (holder !== undefined && holder !== process.pid && isRuntime(holder)) throw new DataFolderInUseError(dataDir, holder);
    if (attempt > 0) throw new Error(`could not take the lock ${path}: remove it if no runtime is using ${dataDir}`);
    // Stale: its runtime is gone.
    rmSync(path, { force: true });
  }
  heldHere.add(path);
  const release = () => {
    process.removeListener("exit", release);
    if (!heldHere.delete(path)) return;
    if (holderOf(path) === process.pid) rmSync(path, { force: true });
  };
  process.once("exit", release);
  return release;
}

/**
 * Creates the lock with its content in one step: written under a name of its own, then linked into
 * place, which fails if the lock exists. A second start never reads a lock that is still empty.
 */
function claim(path: string): boolean {
  const draft = `${path}.${process.pid}`;
  writeFileSync(draft, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
  try {
    linkSync(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    rmSync(draft, { force: true });
  }
}

function holderOf(path: string): number | undefined {
  try {
    const { pid } = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown };
    return typeof pid === "number" && Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Running, and a Node process: after a reboot the pid may belong to something else entirely. */
function isRuntime(pid: number): boolean {
  if (!isRunning(pid)) return false;
  const command = commandLineOfSync(pid);
  return command === undefined || /node|tsx/.test(command);
}
