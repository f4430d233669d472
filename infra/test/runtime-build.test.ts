/** The synth's `Runtime.Build` answer fails as `sst deploy` would on a mistyped handler. */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { manifest } from "../manifest";
import { buildHandler } from "../synth/runtime-build";

const out = mkdtempSync(join(tmpdir(), "synth-build-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const input = (handler: string) => ({ functionID: "Fn", handler, runtime: "nodejs22.x", properties: { install: { sharp: "*" } } });

describe("Runtime.Build in the synth", () => {
  it("bundles the manifest's handler and points Lambda at its export", async () => {
    const result = await buildHandler(input(manifest.functions.likes.handler), out);
    expect(result.errors).toEqual([]);
    expect(result.handler).toBe("bundle.handler");
  });

  it("splits at dynamic imports when nodejs.splitting is set: bundle.mjs beside its chunks, each with its map", async () => {
    const result = await buildHandler({ functionID: "Api", handler: manifest.functions.api.handler, runtime: "nodejs22.x", properties: { splitting: true } }, out);
    expect(result.errors).toEqual([]);
    expect(result.handler).toBe("bundle.handler");
    const files = readdirSync(result.out);
    expect(files).toContain("bundle.mjs");
    expect(files.filter((file) => file.endsWith(".mjs")).length).toBeGreaterThan(1);
    expect(result.sourcemaps).toContain(join(result.out, "bundle.mjs.map"));
    expect(result.sourcemaps.length).toBe(files.filter((file) => file.endsWith(".mjs")).length);
  });

  it("refuses a handler path that does not exist", async () => {
    const result = await buildHandler(input("packages/functions/src/likes/handlr.handler"), out);
    expect(result.errors).toEqual(["Handler not found: packages/functions/src/likes/handlr.handler"]);
  });

  it("refuses an export the handler module does not have", async () => {
    const result = await buildHandler(input("packages/functions/src/likes/handler.main"), out);
    expect(result.errors.join()).toMatch(/does not export "main"/);
  });
});
