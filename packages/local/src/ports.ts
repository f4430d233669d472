import type { Server as HttpServer } from "node:http";
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";

/**
 * Where free ports are looked for: below the kernel's ephemeral range. A port from inside it (what
 * listen(0) hands out) can be taken, between the check and the real listen, by any outgoing
 * connection on the machine as its local port — under a parallel test run, often enough to fail CI.
 */
const searchRange = (() => {
  let ephemeralLow = 49152; // IANA's, and macOS's
  try {
    ephemeralLow = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || ephemeralLow;
  } catch {
    // not Linux
  }
  return { low: 15000, high: Math.min(ephemeralLow, 49152) - 1 };
})();

/** Every port holdFreePort() has given this process: none is given twice. */
const handedOut = new Set<number>();

/**
 * How long a port handed out stays reserved against other processes: freePort()'s callers (test
 * files, run in parallel processes) listen on it seconds later, after a JVM has started.
 */
const reservationMs = 60_000;

/**
 * Reserves a port against every other process that uses this module, for `reservationMs`: a listener
 * on a Linux abstract socket named after the port. Two processes cannot both listen on one name,
 * and the kernel drops the name when its process dies, so nothing is left behind. Elsewhere there
 * is no abstract namespace, and only this process's own record (`handedOut`) applies.
 */
function reserveAcrossProcesses(port: number): Promise<boolean> {
  if (process.platform !== "linux") return Promise.resolve(true);
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(`\0users-local-port-${port}`, () => {
      setTimeout(() => server.close(), reservationMs).unref();
      resolve(true);
    });
  });
}

/** A free loopback port, still held by a listener of ours until `release` (which resolves once it is free again). */
export interface PortHold {
  port: number;
  release(): Promise<void>;
}

/**
 * Holds a free loopback port: a random one below the ephemeral range, listened on until released,
 * so nothing else (another test file's runtime, an outgoing connection) takes it meanwhile.
 */
export async function holdFreePort(): Promise<PortHold> {
  const { low, high } = searchRange;
  for (let attempt = 0; attempt < 50 && high - low > 1000; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    // A port this process handed out before may be free again but about to be listened on: e.g.
    // six freePort() calls for one runtime's ports, none listening yet.
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    // Another test process may have handed this port out and not listen on it yet.
    if (!(await reserveAcrossProcesses(port))) continue;
    const hold = await tryHold(port);
    if (hold) return hold;
  }
  const hold = await tryHold(0);
  if (!hold) throw new Error("could not find a free port on 127.0.0.1");
  return hold;
}

function tryHold(port: number): Promise<PortHold | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => {
      let released: Promise<void> | undefined;
      resolve({
        port: (server.address() as AddressInfo).port,
        release: () => (released ??= new Promise((done) => server.close(() => done()))),
      });
    });
  });
}

/** A port free on loopback right now (used by tests; `dev` uses fixed defaults). Prefer a held one when something else listens later. */
export async function freePort(): Promise<number> {
  const hold = await holdFreePort();
  await hold.release();
  return hold.port;
}

/** Rejects with a readable message when something already listens on the port. */
export function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "EADDRINUSE"
            ? `port ${port} for ${what} is busy: stop what uses it or choose another port`
            : `cannot listen on port ${port} for ${what}: ${error.message}`,
        ),
      ),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/**
 * Checks every port at once and rejects with one message naming each busy port once (a second start
 * should not reveal them one at a time), e.g. `port 3000 for the API (PORT) is busy: …`. A port given
 * to two services is refused too, even when free.
 */
export async function assertPortsFree(ports: readonly { port: number; what: string }[]): Promise<void> {
  const byPort = new Map<number, string[]>();
  for (const { port, what } of ports) byPort.set(port, [...(byPort.get(port) ?? []), what]);
  const distinct = [...byPort.entries()];
  const results = await Promise.allSettled(distinct.map(([port, whats]) => assertPortFree(port, whats.join(" and "))));
  const busy: string[] = [];
  const problems: string[] = [];
  results.forEach((result, index) => {
    const [port, whats] = distinct[index]!;
    if (result.status === "rejected") {
      if (String(result.reason).includes("is busy")) busy.push(`${port} for ${whats.join(" and ")}`);
      else problems.push(result.reason instanceof Error ? result.reason.message : String(result.reason));
    } else if (whats.length > 1 && port !== 0) {
      problems.push(`port ${port} is set for both ${whats.join(" and ")}: give each its own`);
    }
  });
  if (busy.length === 1) problems.unshift(`port ${busy[0]} is busy: stop what uses it or choose another port`);
  if (busy.length > 1) problems.unshift(`ports ${busy.slice(0, -1).join(", ")} and ${busy.at(-1)} are busy: stop what uses them or choose other ports`);
  if (problems.length > 0) throw new Error(problems.join("; "));
}

/** Listens on loopback (port 0 picks a free one) and resolves with the port it got; rejects on EADDRINUSE. */
export function listenOnLoopback(server: Server, port: number, host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.removeListener("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Closes the server now: open keep-alive connections are cut rather than waited for. */
export function closeNow(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
