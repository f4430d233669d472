/** The synth's `Runtime.Build` answer fails as `sst deploy` would on a mistyped handler. */
import { mkdtempSync, rmSync } from "node:fs";
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

  it("refuses a handler path that does not exist", async () => {
    const result = await buildHandler(input("packages/functions/src/likes/handlr.handler"), out);
    expect(result.errors).toEqual(["Handler not found: packages/functions/src/likes/handlr.handler"]);
  });

  it("refuses an export the handler module does not have", async () => {
    const result = await buildHandler(input("packages/functions/src/likes/handler.main"), out);
    expect(result.errors.join()).toMatch(/does not export "main"/);
  });
});
