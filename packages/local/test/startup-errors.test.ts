import { createServer } from "node:net";
import type { Server } from "node:net";
import { describe, expect, it } from "vitest";
import { createMemoryLogger, start, StartupError } from "../src/index";
import { assertPortFree, freePort } from "../src/ports";

/** A start that cannot succeed says why, and leaves nothing running. */
function occupy(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

async function freePorts() {
  return { api: await freePort(), dynamodb: await freePort(), s3: await freePort(), sqs: await freePort(), issuer: await freePort(), cdn: await freePort() };
}

describe("startup errors", () => {
  it("a busy port is a clear error naming the port and its variable, before anything starts", async () => {
    const ports = await freePorts();
    const blocker = await occupy(ports.api);
    const logger = createMemoryLogger();
    try {
      const failure = await start({ inMemory: true, ports, logger }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StartupError);
      expect((failure as Error).message).toBe(
        `could not start (ports): port ${ports.api} for the API (PORT) is busy: stop what uses it or choose another port`,
      );
      expect(logger.lines.some((line) => line.includes("DynamoDB Local"))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it("a step that fails stops what the steps before it started", async () => {
    const ports = await freePorts();
    const unreachableSqs = `http://127.0.0.1:${await freePort()}`;
    const failure = await start({ inMemory: true, ports, endpoints: { sqs: unreachableSqs }, logger: createMemoryLogger() }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StartupError);
    expect((failure as StartupError).step).toMatch(/queues .*functions/);
    // DynamoDB Local, the S3 front and the issuer had started: all stopped again.
    await Promise.all([ports.dynamodb, ports.s3, ports.issuer].map((port) => assertPortFree(port, "a test")));
  });

  it("refuses endpoints off this machine unless told otherwise", async () => {
    await expect(start({ endpoints: { sqs: "https://sqs.us-east-1.amazonaws.com" }, logger: createMemoryLogger() })).rejects.toThrow(
      /refusing the sqs endpoint https:\/\/sqs\.us-east-1\.amazonaws\.com.*--allow-remote/,
    );
  });
});
