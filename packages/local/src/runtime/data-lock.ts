import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commandLineOfSync, isRunning } from "../servers/pid-file";

/**
 * One runtime per data folder: two would run two DynamoDB Local JVMs on one database file and two
 * queues on one journal. The lock is a file naming the holder's pid; a holder that is gone (killed,
 * crashed) leaves a stale file the next start takes over.
 */
export class DataFolderInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `another runtime (pid ${holderPid}) is using the data folder ${dataDir}: stop it first, ` +
        "or start this one with --data-dir <another folder> or --in-memory",
    );
    this.name = "DataFolderInUseError";
  }
}

/** Data folders locked by this process (a second `start()` in one process is refused too). */
const heldHere = new Set<string>();

/** Takes the data folder's lock, or throws DataFolderInUseError; returns the function that releases it. */
export function lockDataFolder(dataDir: string): () => void {
  const path = join(dataDir, "run", "runtime.lock");
  if (heldHere.has(path)) throw new DataFolderInUseError(dataDir, process.pid);
  mkdirSync(join(dataDir, "run"), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify({ pid: process.pid, since: new Date().toISOString() }), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      const holder = holderOf(path);
      if (holder !== undefined && holder !== process.pid && isRuntime(holder)) throw new DataFolderInUseError(dataDir, holder);
      // Stale: its runtime is gone.
      rmSync(path, { force: true });
    }
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
