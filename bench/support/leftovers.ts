import { readdir, readFile } from "node:fs/promises";

export interface ProcessInfo {
  pid: number;
  command: string;
}

/**
 * Live processes that carry one of the given unique port values as a command-line argument (a JVM's
 * `-port 8123`) or as a `*PORT=` variable in their environment (everything a runtime we started
 * spawned inherits it). Finds our own processes and nothing else.
 */
export async function processesMentioning(ports: string[]): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  const wanted = ports.filter(Boolean);
  if (wanted.length === 0) return found;
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const [cmdline, environ] = await Promise.all([
      readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""),
      readFile(`/proc/${pid}/environ`, "utf8").catch(() => ""),
    ]);
    const args = cmdline.split("\0");
    const vars = environ.split("\0");
    const mentions = wanted.some((port) => args.includes(port) || vars.some((entry) => entry.endsWith(`PORT=${port}`)));
    if (mentions) found.push({ pid, command: args.join(" ").trim().slice(0, 120) });
  }
  return found;
}

/** The stragglers of a run that should be over: killed, and named so the report can say so. */
export async function leftoversMentioning(ports: string[]): Promise<string[]> {
  const found = await processesMentioning(ports);
  for (const { pid } of found) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  return found.map(({ pid, command }) => `${pid} ${command}`);
}
