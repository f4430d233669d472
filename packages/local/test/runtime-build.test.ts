import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installedPackagesExternal, nodeBundleOptions, requireBanner } from "../src/node-bundle.mjs";
import { repoRoot } from "../src/paths";

/**
 * How `npm run dev` builds the runtime (bin/dev.mjs): installed packages stay outside the build,
 * CommonJS ones loaded with `require` (half the CPU of an ES import of them on Node 20), ES modules
 * and `import()` left to Node's ES loader. Inside the project, so packages resolve from its
 * node_modules; .fixtures/ is git-ignored.
 */
const dir = join(repoRoot, "packages/local/test/.fixtures", `runtime-build-${process.pid}`);
const entry = join(dir, "entry.ts");
const source = `
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { z } from "zod";
const { SQSClient } = await import("@aws-sdk/client-sqs");
console.log(JSON.stringify({ dynamodb: typeof DynamoDBClient, zod: typeof z.object, sqs: typeof SQSClient }));
`;

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  await writeFile(entry, source);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("the runtime's build", () => {
  it("requires CommonJS packages, imports ES modules and keeps import() as it is; all of them load", async () => {
    const result = await build({
      ...nodeBundleOptions,
      sourcemap: false,
      plugins: [installedPackagesExternal],
      banner: { js: requireBanner },
      entryPoints: [entry],
      outdir: dir,
      outExtension: { ".js": ".mjs" },
      splitting: true,
    });
    expect(result.errors).toEqual([]);
    const code = readFileSync(join(dir, "entry.mjs"), "utf8");

    expect(code).toContain('__require("@aws-sdk/client-dynamodb")');
    expect(code).not.toMatch(/from "@aws-sdk\/client-dynamodb"/);
    expect(code).toMatch(/from "zod"/);
    expect(code).toContain('import("@aws-sdk/client-sqs")');

    const run = spawnSync(process.execPath, [join(dir, "entry.mjs")], { encoding: "utf8", env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ dynamodb: "function", zod: "function", sqs: "function" });
  });
});
