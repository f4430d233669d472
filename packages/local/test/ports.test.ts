import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freePort, holdFreePort, listenOnLoopback } from "../src/ports";

/** Whether something else can listen on the port now; closes what it opened. */
async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  try {
    await listenOnLoopback(server, port);
    await new Promise((done) => server.close(done));
    return true;
  } catch {
    return false;
  }
}

describe("a held free port", () => {
  it("lies below the kernel's ephemeral range, which outgoing connections take their local ports from", async () => {
    const [ephemeralLow] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    const holds = await Promise.all(Array.from({ length: 20 }, () => holdFreePort()));
    try {
      for (const { port } of holds) expect(port).toBeLessThan(ephemeralLow!);
      expect(new Set(holds.map(({ port }) => port)).size).toBe(holds.length);
    } finally {
      await Promise.all(holds.map((hold) => hold.release()));
    }
  });

  it("is never given twice to one process, even once released (freePort's callers listen later)", async () => {
    const ports = [];
    for (let i = 0; i < 300; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
  });

  it("cannot be taken by anything else until released, and is free once it is", async () => {
    const hold = await holdFreePort();
    expect(await canListen(hold.port)).toBe(false);
    await hold.release();
    await hold.release(); // a second release is harmless
    expect(await canListen(hold.port)).toBe(true);
  });
});

describe("free ports across processes", () => {
  // Test files run in parallel processes, and each listens on its ports seconds after asking.
  it("are never the same port in two processes asking at the same time", async () => {
    const children = [1, 2].map(() =>
      fork(fileURLToPath(new URL("./support/ports-process.ts", import.meta.url)), ["250"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    try {
      const [first, second] = await Promise.all(children.map((child) => new Promise<number[]>((resolve, reject) => {
        child.once("message", (ports) => resolve(ports as number[]));
        child.once("exit", (code) => reject(new Error(`a ports process exited (${code})`)));
      })));
      expect(first).toHaveLength(250);
      expect(second).toHaveLength(250);
      expect(first!.filter((port) => second!.includes(port))).toEqual([]);
    } finally {
      for (const child of children) child.kill();
    }
  });
});
