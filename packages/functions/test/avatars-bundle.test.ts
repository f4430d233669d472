import { describe, expect, it } from "vitest";
import { bundleMetafile } from "./support/bundle";

/**
 * sharp is a native module that only the uploads function ships (infra/uploads.ts installs it for
 * linux-arm64). The API imports the avatar grant code, so that code must never pull sharp in:
 * bundled the way the deploy bundles, the API may not contain it, and the subscriber must.
 */
const inputsOf = async (entry: string) => {
  const metafile = await bundleMetafile(new URL(entry, import.meta.url), { external: ["sharp"] });
  // Every module in the bundle, and every import left outside it (sharp is marked external).
  return Object.entries(metafile.inputs).flatMap(([path, input]) => [path, ...input.imports.filter((i) => i.external).map((i) => i.path)]);
};

describe("where sharp is bundled", () => {
  it("stays out of the API function", async () => {
    const inputs = await inputsOf("../src/api/handler.ts");
    expect(inputs.some((input) => input.includes("avatars/use-cases"))).toBe(true);
    expect(inputs.filter((input) => input.includes("sharp") || input.includes("avatars/processing"))).toEqual([]);
  });

  it("is in the uploads function", async () => {
    const inputs = await inputsOf("../src/uploads/handler.ts");
    expect(inputs.some((input) => input.includes("avatars/processing/thumbnails"))).toBe(true);
    expect(inputs).toContain("sharp");
  });
});
