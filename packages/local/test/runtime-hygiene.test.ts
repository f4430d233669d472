import { fork, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryLogger, portSettings, start } from "../src/index";
import type { RuntimePorts } from "../src/index";
import { freePort } from "../src/ports";

/** What a developer runs into around the runtime: a second start, a typo in a flag, busy ports. */
let dataDir: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "users-runtime-hygiene-"));
});
afterEach(async () => {
  // SIGTERM: the runtime stops what it started; a SIGKILL would orphan its DynamoDB Local JVM.
  await Promise.all(children.splice(0).map(stopChild));
  await rm(dataDir, { recursive: true, force: true });
});

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
}

async function freePorts(): Promise<RuntimePorts> {
  const names = Object.keys(portSettings) as (keyof RuntimePorts)[];
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await freePort()]))) as unknown as RuntimePorts;
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

/** What `npm run dev` runs. */
const devScript = fileURLToPath(new URL("../bin/dev.mjs", import.meta.url));

describe("one runtime per data folder", () => {
  it("refuses a second runtime on a data folder in use, naming the running one's pid; the first keeps running", { timeout: 120_000 }, async () => {
    const child = fork(fileURLToPath(new URL("./support/runtime-process.ts", import.meta.url)), [], {
      execArgv: ["--import", "tsx"],
      env: { ...process.env, RUNTIME_DATA_DIR: dataDir },
      stdio: "ignore",
    });
    children.push(child);
    const ports = await new Promise<RuntimePorts>((resolve, reject) => {
      child.once("message", (message: { ports: RuntimePorts }) => resolve(message.ports));
      child.once("exit", (code) => reject(new Error(`the runtime process exited (${code}) before it was ready`)));
    });

    const logger = createMemoryLogger();
    const failure = await start({ dataDir, ports: "free", logger }).catch((error: unknown) => error);
    expect(String(failure)).toContain(`another runtime (pid ${child.pid}) is using the data folder ${dataDir}`);
    // Refused before anything started, and the first runtime still serves.
    expect(logger.lines.some((line) => line.includes("DynamoDB Local"))).toBe(false);
    expect((await fetch(`http://127.0.0.1:${ports.api}/health`)).status).toBe(200);
  });

  it("takes over the lock a killed runtime left behind", { timeout: 120_000 }, async () => {
    await mkdir(join(dataDir, "run"), { recursive: true });
    // A pid no process has (above the kernel's pid_max).
    await writeFile(join(dataDir, "run", "runtime.lock"), JSON.stringify({ pid: 2 ** 22 + 1, since: "2026-01-01T00:00:00Z" }));
    const runtime = await start({ dataDir, ports: "free", logger: createMemoryLogger() });
    try {
      expect(JSON.parse(await readFile(join(dataDir, "run", "runtime.lock"), "utf8"))).toMatchObject({ pid: process.pid });
    } finally {
      await runtime.stop();
    }
    await expect(readFile(join(dataDir, "run", "runtime.lock"), "utf8")).rejects.toThrow(/ENOENT/);
  });
});

describe("npm run dev's command line", () => {
  it("answers an unknown flag with the usage and exit code 2, no stack trace", () => {
    const result = spawnSync(process.execPath, [devScript, "--in-memroy"], { encoding: "utf8", timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Unknown option '--in-memroy'");
    expect(result.stderr).toContain("Usage: npm run dev");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).not.toContain("DynamoDB Local");
  });

  it("names every busy port in one message, printed once, the console's and the CDN's included", { timeout: 60_000 }, async () => {
    const ports = await freePorts();
    const webPort = await freePort();
    const held = [...Object.entries(portSettings).map(([name, setting]) => ({ port: ports[name as keyof RuntimePorts], env: setting.env })), { port: webPort, env: "WEB_PORT" }];
    const blockers = await Promise.all(held.map(({ port }) => occupy(port)));
    try {
      const env = Object.fromEntries(held.map(({ port, env }) => [env, String(port)]));
      const result = spawnSync(process.execPath, [devScript, "--in-memory"], {
        encoding: "utf8",
        timeout: 60_000,
        env: { ...process.env, ...env, NO_COLOR: "1" },
      });
      expect(result.status).toBe(1);
      const output = `${result.stdout}${result.stderr}`;
      const messages = output.split("\n").filter((line) => line.includes("are busy"));
      expect(messages).toHaveLength(1);
      for (const { port, env } of held) {
        expect(messages[0]).toContain(`${port} for `);
        expect(messages[0]).toContain(`(${env})`);
      }
      expect(output).not.toContain("EADDRINUSE");
    } finally {
      for (const blocker of blockers) blocker.close();
    }
  });
});
