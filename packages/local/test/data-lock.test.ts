import { spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataFolderInUseError, lockDataFolder } from "../src/runtime/data-lock";

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "users-data-lock-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const lockFile = () => join(dataDir, "run", "runtime.lock");

describe("the data folder's lock", () => {
  it("is created whole, naming this process, and leaves no draft beside it", async () => {
    const release = lockDataFolder(dataDir);
    try {
      expect(JSON.parse(await readFile(lockFile(), "utf8"))).toMatchObject({ pid: process.pid });
      expect(await readdir(join(dataDir, "run"))).toEqual(["runtime.lock"]);
    } finally {
      release();
    }
    await expect(readFile(lockFile())).rejects.toThrow(/ENOENT/);
  });

  it("is refused while a running node process holds it, naming its pid", async () => {
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      await mkdir(join(dataDir, "run"), { recursive: true });
      await writeFile(lockFile(), JSON.stringify({ pid: holder.pid }));
      expect(() => lockDataFolder(dataDir)).toThrow(DataFolderInUseError);
      expect(() => lockDataFolder(dataDir)).toThrow(`pid ${holder.pid}`);
    } finally {
      holder.kill("SIGKILL");
    }
  });

  it("is taken over from a holder that is gone", async () => {
    const gonePid = spawnSync(process.execPath, ["-e", ""]).pid!;
    await mkdir(join(dataDir, "run"), { recursive: true });
    await writeFile(lockFile(), JSON.stringify({ pid: gonePid }));
    const release = lockDataFolder(dataDir);
    try {
      expect(JSON.parse(await readFile(lockFile(), "utf8"))).toMatchObject({ pid: process.pid });
    } finally {
      release();
    }
  });
});
