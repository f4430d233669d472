/**
 * A loaded host, made on purpose: child processes that each keep one core busy (a tight loop at
 * normal priority), as a laptop's other work or a CI neighbour would. The sections that report a
 * "loaded" pass run their candidate and its floor again with these running.
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface BusyCores {
  stop(): Promise<void>;
}

export function busyCores(count = 1): BusyCores {
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    children.push(spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
  }
  return {
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once("exit", () => resolve());
              child.kill("SIGKILL");
            }),
        ),
      );
    },
  };
}
