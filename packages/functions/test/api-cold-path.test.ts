import type { Metafile } from "esbuild";
import { describe, expect, it } from "vitest";
import { bundleMetafile } from "./support/bundle";

/**
 * The API defers its S3 and SQS adapters (src/api/compose.ts) and is deployed split at dynamic
 * imports (infra/api.ts: nodejs.splitting). Bundled that way, the entry and the chunks it imports
 * statically — what a cold start compiles — must not contain those SDKs; the deployed files must.
 */
function coldInputs(metafile: Metafile): string[] {
  const outputs = metafile.outputs;
  // The handler's own output: modules it imports dynamically are entry points of their own.
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint?.endsWith("src/api/handler.ts"));
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path) || !outputs[path]) return;
    seen.add(path);
    for (const imported of outputs[path].imports) if (imported.kind === "import-statement") visit(imported.path);
  };
  if (!entry) throw new Error("no output for the API handler");
  visit(entry);
  return [...seen].flatMap((path) => Object.keys(outputs[path]?.inputs ?? {}));
}

const s3OrSqs = (input: string) => /@aws-sdk\/(client-s3|client-sqs|s3-presigned-post|s3-request-presigner)\//.test(input);

describe("the API's cold start", () => {
  it("compiles DynamoDB's SDK but neither S3's nor SQS's, which ship as chunks loaded on first use", async () => {
    const metafile = await bundleMetafile(new URL("../src/api/handler.ts", import.meta.url), { splitting: true });
    const cold = coldInputs(metafile);
    expect(cold.some((input) => input.includes("@aws-sdk/client-dynamodb/"))).toBe(true);
    expect(cold.filter(s3OrSqs)).toEqual([]);
    const everything = Object.values(metafile.outputs).flatMap((output) => Object.keys(output.inputs));
    expect(everything.some((input) => input.includes("@aws-sdk/client-s3/"))).toBe(true);
    expect(everything.some((input) => input.includes("@aws-sdk/client-sqs/"))).toBe(true);
  });
});
