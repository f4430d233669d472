import { createConnection, createServer, type Socket } from "node:net";
import { listenOnLoopback } from "../ports";
import { parseRequestHead, responseBytes, ResponseTracker, type RequestHead } from "./raw-http";

/** The layer's answer to a call it refuses (the service's own error, as bytes), or null to let it through. */
export type Gate = (head: RequestHead, body: Buffer) => Buffer | null;

export interface EnforcingProxy {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * A loopback proxy at the byte level: each client connection gets its own connection to `upstream`,
 * each request is read whole, shown to `gate`, and either answered with the gate's refusal or written
 * upstream byte for byte (head, signature and body unchanged), the answer streamed back as it comes.
 * Requests on one connection are handled in order, one at a time, as HTTP/1.1 requires.
 *
 * Bytes rather than node:http on both sides: the layer sits on every DynamoDB call a function makes,
 * and parsing and re-serializing each call twice cost more CPU than the check itself.
 */
export async function startEnforcingProxy(options: { port?: number; upstream: string; gate: Gate; label: string }): Promise<EnforcingProxy> {
  const upstream = new URL(options.upstream);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.once("close", () => sockets.delete(client));
    serve(client);
  });

  function serve(client: Socket) {
    let pending: Buffer = Buffer.alloc(0);
    let busy = false;
    let upstreamSocket: Socket | undefined;
    let tracker: ResponseTracker | undefined;
    let inFlight: Buffer | undefined;
    let answered = false;
    let retried = false;

    const fail = (status: number, message: string) => {
      if (!client.destroyed) client.end(responseBytes(status, status === 400 ? "Bad Request" : "Service Unavailable", { "content-type": "text/plain", connection: "close" }, `${options.label}: ${message}`));
    };

    const openUpstream = () => {
      const socket = createConnection({ host: upstream.hostname, port: Number(upstream.port) });
      socket.setNoDelay(true);
      socket.on("data", (chunk: Buffer) => {
        if (!tracker || socket !== upstreamSocket) return;
        answered = true;
        const used = tracker.push(chunk);
        client.write(used === chunk.length ? chunk : chunk.subarray(0, used));
        if (tracker.done) finish();
      });
      socket.on("error", () => undefined);
      socket.on("close", () => {
        if (socket !== upstreamSocket) return;
        upstreamSocket = undefined;
        if (!tracker) return;
        // Closed before answering, on a connection it had kept open: try once on a fresh one.
        if (!answered && !retried && inFlight) {
          retried = true;
          send(inFlight);
          return;
        }
        if (!answered) return fail(503, "the service closed the connection");
        // A response without a length ends when its connection does.
        if (tracker.untilClose) client.end();
        else client.destroy();
      });
      return socket;
    };

    const send = (bytes: Buffer) => {
      upstreamSocket ??= openUpstream();
      upstreamSocket.write(bytes);
    };

    const finish = () => {
      tracker = undefined;
      inFlight = undefined;
      busy = false;
      next();
    };

    const next = () => {
      while (!busy && !client.destroyed) {
        let head: RequestHead | undefined;
        try {
          head = parseRequestHead(pending);
        } catch (error) {
          return fail(400, error instanceof Error ? error.message : String(error));
        }
        if (!head) return;
        if (head.headers["transfer-encoding"]) return fail(400, "chunked request bodies are not supported");
        const length = Number(head.headers["content-length"] ?? 0);
        if (pending.length < head.length + length) {
          // The client waits for this before sending a body it announced with Expect: 100-continue.
          if (/100-continue/i.test(head.headers.expect ?? "") && !client.destroyed) client.write("HTTP/1.1 100 Continue\r\n\r\n");
          return;
        }
        const request = pending.subarray(0, head.length + length);
        const body = request.subarray(head.length);
        pending = pending.subarray(head.length + length);
        let refusal: Buffer | null;
        try {
          refusal = options.gate(head, body);
        } catch (error) {
          return fail(400, error instanceof Error ? error.message : String(error));
        }
        if (refusal) {
          client.write(refusal);
          continue;
        }
        busy = true;
        answered = false;
        retried = false;
        tracker = new ResponseTracker(head.method === "HEAD");
        // The client already had its 100 Continue from the layer: upstream gets the request whole.
        inFlight = head.headers.expect ? withoutExpect(request, head) : request;
        send(inFlight);
      }
    };

    client.setNoDelay(true);
    client.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      next();
    });
    client.on("error", () => undefined);
    client.on("close", () => upstreamSocket?.destroy());
  }

  const port = await listenOnLoopback(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function withoutExpect(request: Buffer, head: RequestHead): Buffer {
  const text = request.toString("latin1", 0, head.length).replace(/\r\nexpect:[^\r]*/i, "");
  return Buffer.concat([Buffer.from(text, "latin1"), request.subarray(head.length)]);
}

