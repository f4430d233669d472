/** The `sst` CLI, its platform code and the `sst` SDK the functions import must be one version. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));

describe("sst version", () => {
  it("is the same exact version in every package.json, and the installed one", () => {
    const manifests = [
      join(root, "package.json"),
      ...readdirSync(join(root, "packages"), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => join(root, "packages", e.name, "package.json"))
        .filter((file) => existsSync(file)),
    ];
    const versions = new Map<string, string>();
    for (const file of manifests) {
      const pkg = readJson(file);
      for (const field of ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"]) {
        const version = pkg[field]?.sst;
        if (version) versions.set(`${file.slice(root.length + 1)} ${field}`, version);
      }
    }
    expect(versions.size).toBeGreaterThan(0);
    for (const [where, version] of versions) expect(version, where).toMatch(/^\d+\.\d+\.\d+$/);
    expect(new Set(versions.values()).size, JSON.stringify(Object.fromEntries(versions))).toBe(1);
    expect(readJson(join(root, "node_modules/sst/package.json")).version).toBe([...versions.values()][0]);
  });
});
