import { spawn } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { scratchPath } from "../scratch";
import { loopbackChildEnv, superviseChild } from "./node-child";

export interface S3rverServer {
  /** Where s3rver itself listens; clients go through the S3 front instead. */
  port: number;
  directory: string;
  stop(): Promise<void>;
}

export interface S3rverOptions {
  /** Objects are kept there; without it, in a scratch folder removed on stop (or by the next start, after a kill). */
  directory?: string;
}

const s3rverUrl = pathToFileURL(createRequire(import.meta.url).resolve("s3rver")).href;

/**
 * The child's program, plain JavaScript run by plain Node: under tsx (as s3rver-child.ts) the child
 * took about 0.9 CPU-seconds to listen, without it about 0.4 — s3rver is hundreds of small CommonJS
 * modules, each of which tsx's hooks would see — and the runtime's start is bound by CPU on 2 cores.
 * It exits when its parent goes, even on SIGKILL, because the IPC channel closes.
 */
const childProgram = `
const { default: S3rver } = await import(${JSON.stringify(s3rverUrl)});
const server = new S3rver({
  address: "127.0.0.1",
  port: Number(process.env.S3RVER_PORT ?? 0),
  silent: true,
  directory: process.env.S3RVER_DIRECTORY,
  // Path-style only: the S3 front in front of it always addresses buckets by path.
  vhostBuckets: false,
});
const address = await server.run();
process.send?.({ type: "listening", port: address.port });
const stop = () => void server.close().finally(() => process.exit(0));
process.on("message", (message) => {
  if (message?.type === "stop") stop();
});
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", stop);
`;

/**
 * Starts s3rver in a child process on a free loopback port. A child, started with
 * `--openssl-legacy-provider`: s3rver's ListObjectsV2 continuation tokens use DES, which Node ≥ 17
 * only has with the legacy provider, so a truncated listing answers 500 without it; a child keeps
 * that flag out of the runtime's own process (and out of vitest's).
 */
export async function startS3rver(options: S3rverOptions): Promise<S3rverServer> {
  const temporary = options.directory === undefined;
  const directory = options.directory ?? (await scratchPath("s3", "objects"));
  await mkdir(directory, { recursive: true });

  const child = spawn(process.execPath, ["--openssl-legacy-provider", "--input-type=module", "--eval", childProgram], {
    env: { ...loopbackChildEnv(process.env), S3RVER_DIRECTORY: directory, S3RVER_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const stopChild = superviseChild(child);
  const stop = async () => {
    await stopChild();
    if (temporary) await rm(directory, { recursive: true, force: true });
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once("message", (message: { type?: string; port?: number }) => {
        if (message.type === "listening" && typeof message.port === "number") resolve(message.port);
      });
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`s3rver exited (${code}) while starting:\n${output.trim()}`)));
    });
    return { port, directory, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
