import { fork } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface S3rverServer {
  /** Where s3rver itself listens; clients go through the S3 front instead. */
  port: number;
  directory: string;
  stop(): Promise<void>;
}

export interface S3rverOptions {
  /** Objects are kept there; without it, in a temporary folder removed on stop. */
  directory?: string;
}

const childPath = fileURLToPath(new URL("./s3rver-child.ts", import.meta.url));
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** Starts s3rver in a child process on a free loopback port (see s3rver-child.ts for why a child). */
export async function startS3rver(options: S3rverOptions): Promise<S3rverServer> {
  const temporary = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), "users-s3-")));
  await mkdir(directory, { recursive: true });

  const child = fork(childPath, [], {
    execArgv: ["--openssl-legacy-provider", "--import", tsxLoader],
    env: { ...process.env, S3RVER_DIRECTORY: directory, S3RVER_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      if (child.connected) child.send({ type: "stop" });
      else child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 1000);
      await gone;
      clearTimeout(timer);
    }
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
