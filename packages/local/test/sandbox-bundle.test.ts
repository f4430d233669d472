import { spawnSync } from "node:child_process";
import { readFileSync, statSync, utimesSync } from "node:fs";
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decode } from "@jridgewell/sourcemap-codec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleForSandbox } from "../src/lambda/sandbox-bundle";
import { repoRoot } from "../src/paths";
import { scratchDir } from "../src/scratch";

/**
 * A function of its own, inside the project (its packages resolve from the repo's node_modules) and
 * outside node_modules (whose files the source map leaves out); .fixtures/ is git-ignored.
 */
const dir = join(repoRoot, "packages/local/test/.fixtures", `sandbox-bundle-${process.pid}`);
const entry = join(dir, `handler-${process.pid}.ts`);
const name = `test-bundle-${process.pid}`;
const source = `import { ulid } from "ulid";\nexport const handler = async () => ({ id: ulid(), where: new Error("here").stack });\n`;

const inlineMap = (code: string) =>
  JSON.parse(Buffer.from(/sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(code)![1]!, "base64").toString()) as { sources: string[]; mappings: string };

/** The sources that at least one segment of the map points into. */
const mappedSources = (map: { sources: string[]; mappings: string }) => new Set(decode(map.mappings).flat().map((segment) => map.sources[segment[1]!]));

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  await writeFile(entry, source);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  const built = scratchDir("functions");
  for (const file of await readdir(built)) if (file.startsWith(name)) await rm(join(built, file), { force: true });
});

describe("a sandbox's bundle", () => {
  it("holds the function and the packages it imports, with a source map of the project's own files only", async () => {
    const url = await bundleForSandbox(entry, name);
    const code = readFileSync(fileURLToPath(url), "utf8");
    expect(code).not.toMatch(/from\s*["']ulid["']/);
    const map = inlineMap(code);
    expect(map.sources.some((file) => file.includes("node_modules/ulid") || file.includes("/ulid/"))).toBe(true);
    const mapped = [...mappedSources(map)];
    expect(mapped.some((file) => file?.endsWith(`handler-${process.pid}.ts`))).toBe(true);
    expect(mapped.filter((file) => file?.includes("ulid"))).toEqual([]);
    // In a plain Node process with source maps on, as each sandbox runs (vitest rewrites stacks itself).
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", `process.setSourceMapsEnabled(true); const { handler } = await import(${JSON.stringify(url)}); console.log(JSON.stringify(await handler()));`], { encoding: "utf8" });
    const { id, where } = JSON.parse(run.stdout) as { id: string; where: string };
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(where).toContain(`handler-${process.pid}.ts:2`);
  });

  it("is made once and kept until a file it was built from changes", async () => {
    const file = fileURLToPath(await bundleForSandbox(entry, name));
    const first = statSync(file).mtimeMs;
    expect(fileURLToPath(await bundleForSandbox(entry, name))).toBe(file);
    expect(statSync(file).mtimeMs).toBe(first);

    const later = new Date(Date.now() + 2000);
    utimesSync(entry, later, later);
    expect(fileURLToPath(await bundleForSandbox(entry, name))).toBe(file);
    expect(statSync(file).mtimeMs).toBeGreaterThan(first);
  });

  it("leaves the packages it is told to as imports (those with native parts, which the main thread preloads)", async () => {
    const url = await bundleForSandbox(entry, `${name}-external`, ["ulid"]);
    expect(readFileSync(fileURLToPath(url), "utf8")).toMatch(/from\s*["']ulid["']/);
  });
});
