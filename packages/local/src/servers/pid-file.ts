import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * Pid files for the processes the runtime starts outside Node (DynamoDB Local's JVM). A runtime that
 * was killed (SIGKILL, a crashed terminal) cannot stop its children; the next start reads these files
 * and stops the ones whose owner is gone, instead of failing on a busy port.
 */
interface PidRecord {
  pid: number;
  /** The Node process that started it: while that one lives, the child is not stale. */
  ownerPid: number;
  port: number;
  /** A fragment of the child's command line, checked before killing so a reused pid is never hit. */
  marker: string;
}

// By hand, not zod: this runs before DynamoDB Local spawns, and importing zod there delayed it by ~0.5 s.
const isPid = (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0;
function parsePidRecord(value: unknown): PidRecord | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { pid, ownerPid, port, marker } = value as Record<string, unknown>;
  return isPid(pid) && isPid(ownerPid) && Number.isInteger(port) && typeof marker === "string" && marker.length > 0
    ? { pid, ownerPid, port: port as number, marker }
    : undefined;
}

/** A pid file cut short (its writer killed mid-write) is as good as none. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function writePidFile(dir: string, name: string, record: PidRecord): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}-${record.pid}.pid`);
  await writeFile(path, JSON.stringify(record));
  return path;
}

/** Synchronous, for `process.on("exit")`. */
export function removePidFileSync(path: string): void {
  rmSync(path, { force: true });
}

/** Stops every child recorded in `dir` whose owner no longer runs; returns the ports they held. */
export async function clearStaleChildren(dir: string, name: string): Promise<number[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((file) => file.startsWith(`${name}-`) && file.endsWith(".pid"));
  const cleared: number[] = [];
  for (const file of files) {
    const path = join(dir, file);
    const record = parsePidRecord(parseJson(await readFile(path, "utf8").catch(() => "")));
    if (!record) {
      await rm(path, { force: true });
      continue;
    }
    const { pid, ownerPid, port, marker } = record;
    if (isRunning(ownerPid)) continue;
    if (isRunning(pid) && (await commandLineOf(pid)).includes(marker)) {
      process.kill(pid, "SIGKILL");
      await waitUntilGone(pid);
      cleared.push(port);
    }
    await rm(path, { force: true });
  }
  return cleared;
}

/** Whether the process runs; a zombie (killed, not yet reaped by its new parent) does not. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

/**
 * A zombie has exited but nobody reaped it. For a JVM the main thread turns zombie while its other
 * threads still exit and still hold its sockets, so every thread must be gone.
 */
function isZombie(pid: number): boolean {
  try {
    const tasks = readdirSync(`/proc/${pid}/task`);
    return tasks.every((task) => {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, "utf8");
      return /^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2));
    });
  } catch {
    return false;
  }
}

/** The process's command line from /proc; undefined where there is no /proc (or it is gone). */
export function commandLineOfSync(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return undefined;
  }
}

async function commandLineOf(pid: number): Promise<string> {
  const proc = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => undefined);
  if (proc !== undefined) return proc.replace(/\0/g, " ");
  // No /proc (macOS): ask ps.
  const { stdout } = await promisify(execFile)("ps", ["-p", String(pid), "-o", "command="]).catch(() => ({ stdout: "" }));
  return stdout;
}

async function waitUntilGone(pid: number, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}
