import { Agent, createServer, request as httpRequest } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { AwsCredentials } from "../aws";
import { ids } from "../events/ids";
import { localRegion } from "../names";
import { isSuccessfulCreation, objectCreationOf, withFilenameSubstituted } from "./object-created";
import type { ObjectCreation } from "./object-created";
import type { NotificationJournal, PendingNotification } from "./notification-journal";
import { memoryNotificationJournal } from "./notification-journal";
import { checkPresignedRequest } from "./presigned-check";
import type { Iam } from "../iam/authorizer";
import { s3AccessKeyIdOf, s3Decision } from "../iam/s3-gate";
import { s3ErrorXml } from "./xml-error";
import { listenOnLoopback, closeNow } from "../ports";

/** An object that now exists, with what S3 reports about it in a notification. */
export interface CreatedObject extends ObjectCreation {
  size: number;
  eTag: string;
  sourceIp: string;
  requestId: string;
  hostId: string;
  eventTime: Date;
  /**
   * To call once the subscriber is done with it (succeeded, or dropped after its last retry): it
   * leaves the journal. Never called (a stop, a kill first), the next start delivers it again.
   */
  done(): void;
}

export interface S3FrontOptions {
  port: number;
  /** s3rver (or another S3-compatible endpoint on loopback), e.g. http://127.0.0.1:4570 */
  upstream: string;
  credentials: AwsCredentials;
  region?: string;
  /**
   * Called after the response is sent, never awaited by the upload; errors are the callee's. It must
   * be ready when the front starts: the notifications an earlier run left pending are delivered then.
   */
  onObjectCreated?: (object: CreatedObject) => void;
  /** The bucket's notification configuration: which creations notify (default: all of them). */
  notifies?: (creation: ObjectCreation) => boolean;
  /**
   * Where notifications are recorded before the upload is answered, until `done`; its pending ones
   * are delivered when the front starts. Default: kept in memory only.
   */
  journal?: NotificationJournal;
  /** Default: s3/presigned-check.ts. */
  check?: typeof checkPresignedRequest;
  /** Functions' calls are checked against their roles (iam/); without it, every signed call passes. */
  iam?: Iam;
}

export interface S3Front {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * The S3 endpoint clients and functions see: a proxy in front of s3rver that (1) checks presigned
 * requests and POST policies as S3 does, (2) forwards everything else untouched (Host included, so
 * SigV4 signatures still match), and (3) after a successful object creation emits the notification
 * S3 would — asynchronously, so the upload's response never waits for a subscriber.
 */
export async function startS3Front(options: S3FrontOptions): Promise<S3Front> {
  const region = options.region ?? localRegion;
  const check = options.check ?? checkPresignedRequest;
  const upstream = new URL(options.upstream);
  // A fresh connection per forwarded request: with Node's default keep-alive agent, a request sent on
  // a socket that s3rver is just closing as idle fails with ECONNRESET (seen as a rare 503 in tests).
  // On loopback the extra connect costs next to nothing.
  const upstreamAgent = new Agent({ keepAlive: false });
  const journal = options.journal ?? memoryNotificationJournal();
  const upstreamClient = new S3Client({
    endpoint: options.upstream,
    region,
    credentials: options.credentials,
    forcePathStyle: true,
    maxAttempts: 1,
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const headers = flatHeaders(request);
    const url = new URL(request.url ?? "/", `http://${headers.host ?? "127.0.0.1"}`);
    const bucket = safeDecode(url.pathname.split("/")[1] ?? "");
    const requestId = ids.s3RequestId();
    const hostId = ids.s3HostId();

    // A presigned request is checked with the secret of the key that signed it (a function's, or the admin's).
    const signer = options.iam?.credentialsOf(s3AccessKeyIdOf({ method: request.method ?? "GET", url, headers, body }) ?? "");
    const refused = await check({ method: request.method ?? "GET", url, headers, body, bucket, credentials: signer ?? options.credentials, region });
    if (refused) {
      response.writeHead(refused.status, { "content-type": "application/xml", "x-amz-request-id": requestId, "x-amz-id-2": hostId });
      response.end(s3ErrorXml({ code: refused.code, message: refused.message, resource: url.pathname, requestId }));
      return;
    }

    const s3Request = { method: request.method ?? "GET", url, headers, body };
    const creation = await objectCreationOf(s3Request);
    const decision = options.iam ? s3Decision(options.iam, s3Request, request.url ?? "/", creation?.eventName === "ObjectCreated:Post" ? creation.key : undefined) : null;
    if (decision?.refused) {
      response.writeHead(403, { "content-type": "application/xml", "x-amz-request-id": requestId, "x-amz-id-2": hostId });
      response.end(s3ErrorXml({ code: decision.refused.code, message: decision.refused.message, resource: url.pathname, requestId }));
      return;
    }
    const rewritten = creation?.eventName === "ObjectCreated:Post" ? await withFilenameSubstituted(s3Request) : null;
    const outgoingHeaders = { ...request.headers };
    if (rewritten) {
      outgoingHeaders["content-type"] = rewritten.contentType;
      outgoingHeaders["content-length"] = String(rewritten.body.length);
      delete outgoingHeaders["transfer-encoding"];
    }
    if (decision?.authorization) outgoingHeaders.authorization = decision.authorization;
    const notifies = creation !== null && options.onObjectCreated !== undefined && (options.notifies?.(creation) ?? true);
    // Set by the callback below: declared so, or TypeScript takes it for undefined after the await.
    let accepted = undefined as PendingNotification | undefined;
    await forward(request, outgoingHeaders, rewritten?.body ?? body, response, { requestId, hostId }, decision?.path, decision?.notFound403, (status) => {
      if (!notifies || !creation || !isSuccessfulCreation(creation, status)) return;
      const sourceIp = request.socket.remoteAddress?.replace(/^::ffff:/, "") ?? "127.0.0.1";
      accepted = { id: requestId, ...creation, sourceIp, requestId, hostId, eventTime: new Date().toISOString() };
      // On file before the client has its answer: an uploader told "stored" is owed its notification.
      journal.accepted(accepted);
    });
    // After the response: S3 delivers notifications asynchronously.
    if (accepted) deliverSoon(accepted);
  }

  function deliverSoon(notification: PendingNotification): void {
    const notify = options.onObjectCreated;
    if (!notify) return;
    const { id, eventName, bucket, key, sourceIp, requestId, hostId } = notification;
    setImmediate(() => {
      upstreamClient.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
        (head) =>
          notify({
            eventName,
            bucket,
            key,
            size: head.ContentLength ?? 0,
            eTag: head.ETag ?? "",
            sourceIp,
            requestId,
            hostId,
            eventTime: new Date(notification.eventTime),
            done: () => journal.finished(id),
          }),
        (error: unknown) => {
          // Deleted in between: S3 would still notify, but there is nothing to read. Any other failure
          // (s3rver stopping) leaves it pending for the next start.
          const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
          if (status === 404 || (error as { name?: string }).name === "NotFound") journal.finished(id);
        },
      );
    });
  }

  /** Streams s3rver's answer back and resolves with its status once the client has it. */
  function forward(
    request: IncomingMessage,
    headers: IncomingMessage["headers"],
    body: Buffer,
    response: ServerResponse,
    trace: { requestId: string; hostId: string },
    path = request.url,
    notFound403?: string,
    /** Called with s3rver's status just before it is sent on to the client. */
    beforeAnswer?: (status: number) => void,
  ) {
    return new Promise<number>((resolve) => {
      // The body is already here in full; the client's 100-continue handshake is over.
      delete headers.expect;
      delete headers.connection;
      const outgoing = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: request.method, path, headers, agent: upstreamAgent },
        (incoming) => {
          if (incoming.statusCode === 404 && notFound403) {
            incoming.resume();
            response.writeHead(403, { "content-type": "application/xml", "x-amz-request-id": trace.requestId, "x-amz-id-2": trace.hostId });
            response.end(request.method === "HEAD" ? undefined : s3ErrorXml({ code: "AccessDenied", message: notFound403, resource: request.url ?? "/", requestId: trace.requestId }));
            return resolve(403);
          }
          const raw = [...incoming.rawHeaders];
          if (!incoming.headers["x-amz-request-id"]) raw.push("x-amz-request-id", trace.requestId, "x-amz-id-2", trace.hostId);
          try {
            beforeAnswer?.(incoming.statusCode ?? 502);
          } catch (error) {
            // Not recorded, so not promised: the client is told to try again rather than "stored".
            incoming.resume();
            response.writeHead(500, { "content-type": "application/xml", "x-amz-request-id": trace.requestId, "x-amz-id-2": trace.hostId });
            response.end(s3ErrorXml({ code: "InternalError", message: `could not record the upload: ${String(error)}`, resource: request.url ?? "/", requestId: trace.requestId }));
            return resolve(500);
          }
          response.writeHead(incoming.statusCode ?? 502, raw);
          incoming.pipe(response);
          response.once("finish", () => resolve(incoming.statusCode ?? 502));
          response.once("close", () => resolve(incoming.statusCode ?? 502));
        },
      );
      outgoing.once("error", (error) => {
        if (!response.headersSent) {
          response.writeHead(503, { "content-type": "application/xml" });
          response.end(s3ErrorXml({ code: "ServiceUnavailable", message: `s3rver: ${error.message}`, resource: request.url ?? "/", requestId: trace.requestId }));
        } else {
          response.destroy(error);
        }
        resolve(503);
      });
      outgoing.end(body);
    });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      response.writeHead(500, { "content-type": "application/xml" });
      response.end(s3ErrorXml({ code: "InternalError", message: String(error), resource: request.url ?? "/", requestId: ids.s3RequestId() }));
    });
  });
  const port = await listenOnLoopback(server, options.port);
  // What an earlier run accepted and its subscriber never finished (a stop, a kill): owed still.
  for (const notification of journal.takePending()) deliverSoon(notification);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      (upstreamClient.destroy(), closeNow(server)),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Lower-cased names, repeated values joined with commas. */
function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  return headers;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
