import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFunctionHost } from "../src/lambda/function-host";
import type { FunctionHost, FunctionSpec } from "../src/lambda/function-host";
import { createMemoryLogger } from "../src/log";
import { watchSources } from "../src/runtime/watch";

/** Functions run as Lambda runs them: own sandbox and environment, timeouts enforced, fresh code after a change. */
let dir: string;
const hosts: FunctionHost[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "users-function-host-"));
  // An ES module package, as packages/functions is.
  await writeFile(join(dir, "package.json"), JSON.stringify({ type: "module" }));
});
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.stop()));
  await rm(dir, { recursive: true, force: true });
});

async function hostFor(source: string, overrides: Partial<FunctionSpec> = {}) {
  const modulePath = join(dir, "handler.ts");
  await writeFile(modulePath, source);
  const logger = createMemoryLogger();
  const host = createFunctionHost(
    {
      name: "Test",
      physicalName: "users-local-Test",
      handler: { modulePath, exportName: "handler" },
      timeoutSeconds: 5,
      memoryMb: 128,
      env: { GREETING: "hello from the function's own environment" },
      ...overrides,
    },
    logger,
  );
  hosts.push(host);
  return { host, logger, modulePath };
}

describe("the function host", () => {
  it("gives the function its own environment and a Lambda context, and logs each invocation", async () => {
    const { host, logger } = await hostFor(
      `export const handler = async (event: { n: number }, context: { functionName: string; getRemainingTimeInMillis(): number }) =>
        ({ n: event.n + 1, greeting: process.env.GREETING, fn: context.functionName, left: context.getRemainingTimeInMillis() });`,
    );
    const result = (await host.invoke({ n: 1 }, { summary: "add one" })) as Record<string, unknown>;
    expect(result).toMatchObject({ n: 2, greeting: "hello from the function's own environment", fn: "users-local-Test" });
    expect(result.left).toBeGreaterThan(0);
    expect(result.left).toBeLessThanOrEqual(5000);
    expect(process.env.GREETING).toBeUndefined();
    expect(logger.invocations).toEqual([expect.objectContaining({ functionName: "Test", summary: "add one", outcome: "ok" })]);
  });

  it("runs the code as it is on disk after a reload", async () => {
    const { host, modulePath } = await hostFor(`export const handler = async () => "v1";`);
    expect(await host.invoke({})).toBe("v1");
    const changed = new Promise<string>((resolve) => {
      const stop = watchSources([dir], (file) => {
        stop();
        resolve(file);
      });
    });
    await writeFile(modulePath, `export const handler = async () => "v2";`);
    expect(await changed).toBe("handler.ts");
    expect(await host.invoke({})).toBe("v1"); // until told to reload, the warm sandbox keeps its code
    host.reload();
    expect(await host.invoke({})).toBe("v2");
  });

  it("stops an invocation at the function's timeout, then starts a fresh sandbox", async () => {
    const { host } = await hostFor(
      `let calls = 0;
       export const handler = async () => { calls += 1; if (calls === 1) await new Promise(() => {}); return calls; };`,
      { timeoutSeconds: 0.3 },
    );
    await expect(host.invoke({})).rejects.toThrow("Task timed out after 0.30 seconds");
    // A new sandbox: module state starts over, as after Lambda discards an environment.
    await expect(host.invoke({})).rejects.toThrow("Task timed out");
  });

  it("starts another sandbox when concurrent invocations pile up, up to maxSandboxes", async () => {
    // Each sandbox has its own module state: the id tells which one answered.
    const { host } = await hostFor(
      `const sandbox = Math.random().toString(36).slice(2);
       export const handler = async () => { await new Promise((resolve) => setTimeout(resolve, 50)); return sandbox; };`,
      { maxSandboxes: 2 },
    );
    await host.warm();
    const burst = () => Promise.all(Array.from({ length: 12 }, () => host.invoke({})));
    const first = new Set(await burst()); // the second sandbox starts cold while the first serves the burst
    expect(first.size).toBe(1);
    let seen = new Set<unknown>();
    for (let round = 0; round < 50 && seen.size < 2; round++) seen = new Set([...seen, ...(await burst())]);
    expect(seen.size).toBe(2);
    expect(new Set([...seen, ...(await burst()), ...(await burst())]).size).toBe(2); // never more than maxSandboxes
  });

  it("reports thrown errors and modules that cannot load as failed invocations", async () => {
    const thrown = await hostFor(`export const handler = async () => { throw new TypeError("bad input"); };`);
    await expect(thrown.host.invoke({})).rejects.toMatchObject({ name: "TypeError", message: "bad input" });

    const missing = await hostFor(`export const other = 1;`);
    await expect(missing.host.invoke({})).rejects.toThrow(/does not export a function named "handler"/);
    expect(missing.logger.lines.some((line) => line.includes("cannot load"))).toBe(true);
  });
});
