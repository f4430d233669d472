/**
 * The parent's side of ./runtime-process.ts: a runtime in a process group of its own, so one
 * SIGKILL takes it, its JVM and s3rver together, as `kill -9` of `npm run dev`'s group does.
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RuntimePorts, StartOptions } from "../../src/index";
import { portSettings } from "../../src/index";
import { assertPortFree, freePort } from "../../src/ports";

/** Fixed for a whole test: tokens name their issuer's URL, port included, and grants the S3 front's. */
export async function fixedPorts(): Promise<RuntimePorts> {
  const names = Object.keys(portSettings) as (keyof RuntimePorts)[];
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await freePort()]))) as unknown as RuntimePorts;
}

/** The child at once (to clean up whatever happens), and when its runtime serves on `ports`. */
export function forkRuntime(input: { dataDir: string; ports: RuntimePorts; options?: StartOptions }): { child: ChildProcess; ready: Promise<void> } {
  const child = fork(fileURLToPath(new URL("./runtime-process.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    env: {
      ...process.env,
      RUNTIME_DATA_DIR: input.dataDir,
      RUNTIME_PORTS: JSON.stringify(input.ports),
      ...(input.options ? { RUNTIME_OPTIONS: JSON.stringify(input.options) } : {}),
    },
    stdio: "ignore",
    detached: true,
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`the runtime process exited (${code}) before it was ready`)));
  });
  return { child, ready };
}

export function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, "SIGKILL");
  } catch {
    // Already gone.
  }
}

export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });

/** A killed JVM's threads may hold its port for a moment after its main thread is gone. */
export async function waitUntilFree(ports: number[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (const port of ports) {
    while (await assertPortFree(port, "a test").then(() => false, () => true)) {
      if (Date.now() > deadline) throw new Error(`port ${port} is still busy`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
