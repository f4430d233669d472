import { createServer } from "node:http";
import { createRequestHandler } from "local-aws-sqs";
import { localAccountId, localRegion } from "../names";
import { listenOnLoopback, closeNow } from "../ports";

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
  const port = await listenOnLoopback(server, options.port);
  // Queue URLs carry the port: tell the service the one it really got.
  service.PORT = port;
  service.HOSTNAME = "127.0.0.1";
  return {
    endpoint: `http://127.0.0.1:${port}`,
    // Long polls hold connections open; close() alone would wait for them.
    stop: () => closeNow(server),
  };
}
