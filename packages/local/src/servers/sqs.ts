import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequestHandler } from "local-aws-sqs";
import { localAccountId, localRegion } from "../names";

export interface SqsServer {
  endpoint: string;
  stop(): Promise<void>;
}

/** local-aws-sqs on loopback: SQS's JSON and query protocols, visibility timeouts and redrive, in memory. */
export async function startSqs(options: { port: number }): Promise<SqsServer> {
  const { service, requestHandler } = createRequestHandler({
    port: options.port,
    hostname: "127.0.0.1",
    region: localRegion,
    accountId: localAccountId,
    // Deleting and recreating a queue at once is what tests do; AWS's 60-second wait only slows them.
    emulateQueueCreationLifecycle: false,
  });
  // Our own server rather than createSqsServer: its promise never settles when the port is busy.
  const server = createServer((request, response) => void requestHandler(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  // Queue URLs carry the port: tell the service the one it really got.
  service.PORT = port;
  service.HOSTNAME = "127.0.0.1";
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        // Long polls hold connections open; close() alone would wait for them.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
