import type { ChildProcess } from "node:child_process";

/**
 * Ties a plain-Node child (s3rver, the Vite dev server) to this process: killed if this process
 * exits without stopping it, so it never outlives the runtime holding its port. The returned stop
 * asks it over IPC (`{ type: "stop" }`; SIGTERM without a channel) and kills it after 1 s.
 */
export function superviseChild(child: ChildProcess): () => Promise<void> {
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  return async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    if (child.connected) child.send({ type: "stop" });
    else child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 1000);
    await gone;
    clearTimeout(timer);
  };
}

/**
 * The environment for a child that serves loopback HTTP and makes no TLS connection: without
 * NODE_EXTRA_CA_CERTS, which Node reads and parses as each process starts (~80 ms of CPU for a
 * system-wide bundle, on a start that is bound by CPU) for TLS the child never does.
 */
export function loopbackChildEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _unused, ...rest } = env;
  return rest;
}
