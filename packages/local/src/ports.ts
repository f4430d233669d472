import type { Server as HttpServer } from "node:http";
import { createServer, type AddressInfo, type Server } from "node:net";

/** A port the OS says is free on loopback right now (used by tests; `dev` uses fixed defaults). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not read the free port"));
      });
    });
  });
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
