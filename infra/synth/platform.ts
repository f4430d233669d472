/**
 * SST's platform code (its components, and the @pulumi/* packages they run on) as `sst install`
 * writes it to .sst/platform. Installed only when missing or of another version than package.json's.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pinnedSstVersion, platformDir, root, workDir } from "./paths";

export function installedPlatformVersion(): string | undefined {
  const file = join(platformDir, "version");
  const ready = existsSync(file) && existsSync(join(platformDir, "node_modules/@pulumi/pulumi/package.json"));
  return ready ? readFileSync(file, "utf8").trim() : undefined;
}

/** Runs `sst install` if needed; returns how long it took (0 when the platform was current). */
export function ensurePlatform(log: (line: string) => void = () => {}): number {
  const wanted = pinnedSstVersion();
  if (installedPlatformVersion() === wanted) return 0;
  return withLock(() => {
    if (installedPlatformVersion() === wanted) return 0;
    log(`sst install (platform ${installedPlatformVersion() ?? "missing"}, package.json pins ${wanted})…`);
    const started = performance.now();
    const result = spawnSync("npx", ["--no-install", "sst", "install"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      env: {
        ...process.env,
        // Any stage will do: install only reads the app's providers. No network, no telemetry.
        SST_STAGE: "dev",
        SST_SKIP_DEPENDENCY_CHECK: "1",
        SST_NO_BUN: "1",
        SST_TELEMETRY_DISABLED: "1",
      },
    });
    if (result.status !== 0 || installedPlatformVersion() !== wanted) {
      throw new Error(`sst install failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
    return performance.now() - started;
  });
}

/** One installer at a time across processes (test files run in parallel workers). */
function withLock<T>(fn: () => T): T {
  mkdirSync(workDir, { recursive: true });
  const lock = join(workDir, "install.lock");
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the longest install is left over from a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 10 * 60_000) rmdirSync(lock);
      if (Date.now() > deadline) throw new Error(`${lock} held for 10 minutes`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    return fn();
  } finally {
    rmdirSync(lock);
  }
}
