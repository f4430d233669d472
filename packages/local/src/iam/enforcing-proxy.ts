import { Agent, createServer, request as httpRequest } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { closeNow, listenOnLoopback } from "../ports";

/** Answers a call itself (a refusal) or lets it through (null). */
export type Gate = (request: IncomingMessage, body: Buffer, response: ServerResponse) => boolean;

export interface EnforcingProxy {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * A loopback HTTP proxy that reads each call whole, lets `gate` refuse it in the service's own wire
 * format, and forwards the rest unchanged (headers, signature and body) to `upstream`, streaming the
 * answer back. Upstream connections are kept alive: the emulators behind it (DynamoDB Local's
 * Jetty, local-aws-sqs) close idle sockets cleanly, and a connect per call would cost throughput.
 */
export async function startEnforcingProxy(options: { port?: number; upstream: string; gate: Gate; label: string }): Promise<EnforcingProxy> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      let answered: boolean;
      try {
        answered = options.gate(request, body, response);
      } catch (error) {
        response.writeHead(500, { "content-type": "text/plain" });
        response.end(`${options.label}: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      if (!answered) forward(request, body, response);
    });
  });

  function forward(request: IncomingMessage, body: Buffer, response: ServerResponse, retried = false) {
    const headers = { ...request.headers };
    delete headers.connection;
    delete headers["keep-alive"];
    const outgoing = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: request.method, path: request.url, headers, agent },
      (incoming) => {
        response.writeHead(incoming.statusCode ?? 502, incoming.rawHeaders);
        incoming.pipe(response);
      },
    );
    outgoing.once("error", (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the emulator closed just as it was reused: the call never reached it.
      if (!retried && error.code === "ECONNRESET" && outgoing.reusedSocket) return forward(request, body, response, true);
      if (response.headersSent) return void response.destroy(error);
      response.writeHead(503, { "content-type": "text/plain" });
      response.end(`${options.label}: ${error.message}`);
    });
    outgoing.end(body);
  }

  const port = await listenOnLoopback(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      agent.destroy();
      await closeNow(server);
    },
  };
}
