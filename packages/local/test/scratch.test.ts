import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir, scratchPath } from "../src/scratch";

describe("scratch space", () => {
  it("is inside the project, names entries after this process, and removes those of processes that are gone", async () => {
    const kind = `test-${process.pid}`;
    const dir = scratchDir(kind);
    try {
      const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
      const leftover = join(dir, `objects-${deadPid}-1`);
      const mine = join(dir, `objects-${process.pid}-999`);
      await mkdir(join(leftover, "bucket"), { recursive: true });
      await mkdir(mine, { recursive: true });

      const path = await scratchPath(kind, "objects");

      expect(path.startsWith(join(process.cwd(), "node_modules/.cache/users-local"))).toBe(true);
      expect(path).toMatch(new RegExp(`objects-${process.pid}-\\d+$`));
      expect(existsSync(leftover)).toBe(false);
      expect(existsSync(mine)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
