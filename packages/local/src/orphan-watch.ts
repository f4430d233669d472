import { readFileSync } from "node:fs";
import { isRunning } from "./servers/pid-file";

/**
 * Calls `onOrphaned` once the process that started us — or any process above it — is gone.
 * `npm run dev` runs as npm → sh → node: killing npm (a CI script's `kill $!`) does not reach
 * this process, and without this check the runtime and its JVM would run on, holding the ports.
 */
export function watchForOrphaning(onOrphaned: () => void, intervalMs = 500): () => void {
  const parent = process.ppid;
  const ancestors = ancestorPids(parent);
  const timer = setInterval(() => {
    if (process.ppid !== parent || ancestors.some((pid) => !isRunning(pid))) {
      clearInterval(timer);
      onOrphaned();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The parent, its parent, and so on below init (Linux; elsewhere only the parent is watched). */
function ancestorPids(start: number): number[] {
  const pids: number[] = [];
  for (let pid = start; pid > 1 && pids.length < 16; ) {
    pids.push(pid);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      break;
    }
  }
  return pids;
}
