import { execFile, fork, type ChildProcess } from "node:child_process";
import { repoRoot } from "../bundle";

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <args>` to completion in a fresh process; never throws on a non-zero exit. */
export function runNode(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: repoRoot, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * Runs a TypeScript worker (through tsx) in its own process and resolves with the one message it
 * sends back. Its stdout goes to /dev/null: handlers log a line per request, as on Lambda, and the
 * cost of writing it stays in the measurement without burying the bench's own output.
 */
export function runWorker<T>(file: string, env: Record<string, string>, timeoutMs: number, nodeFlags: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(file, [], {
      cwd: repoRoot,
      execArgv: ["--import", "tsx", ...nodeFlags],
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    let settled = false;
    child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const timer = setTimeout(() => {
      finish(() => reject(new Error(`worker ${file} took longer than ${timeoutMs / 1000} s`)));
      child.kill("SIGKILL");
    }, timeoutMs);
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      settle();
    };
    child.once("message", (message: { result?: T; error?: string }) => {
      finish(() => (message.error ? reject(new Error(message.error)) : resolve(message.result as T)));
    });
    child.once("exit", (code, signal) => finish(() => reject(new Error(`worker exited (${code ?? signal}) without a result: ${stderr.trim().slice(-1500)}`))));
  });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

/** True while any process of the group still exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a process started with `detached: true` (its own group) the way Ctrl-C does: SIGINT to the
 * whole group, then SIGKILL to whatever is left after the grace period. Resolves with how it ended.
 */
export async function stopGroup(child: ChildProcess, graceMs = 5000): Promise<{ clean: boolean; ms: number }> {
  const pgid = child.pid;
  if (pgid === undefined) return { clean: true, ms: 0 };
  const started = performance.now();
  try {
    process.kill(-pgid, "SIGINT");
  } catch {
    return { clean: true, ms: 0 };
  }
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const clean = !groupAlive(pgid);
  const ms = performance.now() - started;
  if (!clean) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Gone between the check and the kill.
    }
    while (groupAlive(pgid)) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { clean, ms };
}

/** Resident memory of a process, from /proc (Linux), in bytes; undefined when unreadable. */
export async function rssOf(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const { readFile } = await import("node:fs/promises");
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
