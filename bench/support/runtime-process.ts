import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { repoRoot } from "../bundle";
import { leftoversMentioning } from "./leftovers";
import { exited, stopGroup } from "./processes";
import type { RuntimeReady } from "./runtime-worker";

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface RunningRuntime {
  ready: RuntimeReady;
  child: ChildProcess;
  rss(): Promise<number | undefined>;
  /** The runtime main thread's event-loop delay since the last call (ms), then resets it. */
  loopDelay(): Promise<LoopDelay | undefined>;
  /** Busy milliseconds so far of the runtime's main thread and of each function's sandboxes. */
  busy(): Promise<Record<string, number> | undefined>;
  stop(): Promise<{ leftovers: string[] }>;
}

/**
 * Starts the offline runtime in a process of its own (./runtime-worker.ts) and resolves once it
 * serves, with its URLs and a token; `iam: false` runs it without IAM enforced. `stop()` asks it to stop, forces it after 10 s, and kills
 * whatever of it is left (its JVM included), naming it.
 */
export async function startRuntime(options: { iam?: boolean } = {}): Promise<RunningRuntime> {
  const child = fork(fileURLToPath(new URL("./runtime-worker.ts", import.meta.url)), [], {
    cwd: repoRoot,
    // BENCH_CPU_PROF=<dir>: V8 CPU profiles of the runtime's main thread and of each sandbox (worker).
    execArgv: ["--import", "tsx", ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [])],
    env: { ...process.env, NO_COLOR: "1", ...(options.iam === false ? { BENCH_RUNTIME_IAM: "off" } : {}) },
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    detached: true,
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-3000)));
  const stopChild = async () => {
    if (child.connected) child.send("stop");
    const gone = await Promise.race([exited(child).then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]);
    if (!gone) await stopGroup(child, 3000);
  };
  const ready = await new Promise<RuntimeReady>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the runtime was not ready within 120 s: ${stderr.trim().slice(-800)}`)), 120_000);
    child.on("message", (message: { ready?: RuntimeReady; error?: string }) => {
      if (message.ready) {
        clearTimeout(timer);
        resolve(message.ready);
      } else if (message.error) {
        clearTimeout(timer);
        reject(new Error(`the runtime did not start: ${message.error.slice(0, 800)}`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the runtime exited (${code}) while starting: ${stderr.trim().slice(-800)}`));
    });
  }).catch(async (error: unknown) => {
    await stopChild();
    throw error;
  });
  const dynamoPort = new URL(ready.dynamoEndpoint).port;
  /** One IPC question, one answer (undefined after 5 s without one). */
  const ask = <T>(question: string, key: string) =>
    new Promise<T | undefined>((resolve) => {
      const onMessage = (message: Record<string, unknown>) => {
        if (message[key] === undefined) return;
        child.off("message", onMessage);
        resolve(message[key] as T);
      };
      child.on("message", onMessage);
      child.send(question);
      setTimeout(() => {
        child.off("message", onMessage);
        resolve(undefined);
      }, 5000);
    });
  return {
    ready,
    child,
    rss: () => ask<number>("rss", "rss"),
    loopDelay: () => ask<LoopDelay>("loop-delay", "loopDelay"),
    busy: () => ask<Record<string, number>>("busy", "busy"),
    stop: async () => {
      await stopChild();
      return { leftovers: await leftoversMentioning([dynamoPort]) };
    },
  };
}
