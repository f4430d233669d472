import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { GetObjectCommand, S3ServiceException } from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import { manifest } from "../../../../infra/manifest";
import { ids } from "../events/ids";
import { closeNow, listenOnLoopback } from "../ports";
import { s3ErrorXml } from "./xml-error";

export interface ThumbnailCdnOptions {
  /** 0 picks a free port. */
  port: number;
  /** A client that may read the bucket: the CDN's origin access, as CloudFront's OAC signs for it. */
  s3: S3Client;
  bucketName: string;
}

export interface ThumbnailCdn {
  /** The public base of thumbnail URLs: `<url>/<key>`, e.g. http://127.0.0.1:4570/thumbnails/… */
  url: string;
  stop(): Promise<void>;
}

const prefix = manifest.bucket.thumbnailPrefix;
/** Headers of the object that CloudFront passes on to the browser. */
const passedOn = ["content-type", "content-length", "cache-control", "etag", "last-modified"] as const;

/**
 * The deployed CDN, offline: CloudFront in front of the bucket's thumbnail prefix only. Anonymous
 * GET and HEAD of `/thumbnails/…` read the object with the CDN's own access; every other path, any
 * other method and a missing object get what CloudFront + a private S3 origin answer (S3's 403
 * AccessDenied, never a listing). The object's Cache-Control (public, immutable) reaches the browser.
 */
export async function startThumbnailCdn(options: ThumbnailCdnOptions): Promise<ThumbnailCdn> {
  const server = createServer((request, response) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
      response.end("origin unreachable");
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(403, { "content-type": "text/plain", allow: "GET, HEAD" });
      response.end("This distribution is not configured to allow the HTTP request method that was used for this request.");
      return;
    }
    const key = keyOf(request.url ?? "/");
    if (key === undefined) return accessDenied(response, request.url ?? "/");
    try {
      const object = await options.s3.send(
        new GetObjectCommand({
          Bucket: options.bucketName,
          Key: key,
          ...(request.headers["if-none-match"] ? { IfNoneMatch: request.headers["if-none-match"] } : {}),
        }),
      );
      const headers: Record<string, string> = { "x-content-type-options": "nosniff" };
      const values = {
        "content-type": object.ContentType,
        "content-length": object.ContentLength?.toString(),
        "cache-control": object.CacheControl,
        etag: object.ETag,
        "last-modified": object.LastModified?.toUTCString(),
      };
      for (const name of passedOn) if (values[name] !== undefined) headers[name] = values[name];
      response.writeHead(200, headers);
      if (request.method === "HEAD" || !object.Body) {
        await object.Body?.transformToWebStream().cancel();
        response.end();
        return;
      }
      response.end(Buffer.from(await object.Body.transformToByteArray()));
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 304) {
        response.writeHead(304, { etag: String(request.headers["if-none-match"]) });
        response.end();
        return;
      }
      // Without s3:ListBucket, S3 answers a missing key with 403 rather than 404: nothing is listed.
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return accessDenied(response, key);
      throw error;
    }
  }

  const port = await listenOnLoopback(server, options.port);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => closeNow(server),
  };
}

/** The object key a CDN path names, or undefined outside the thumbnail prefix (or for dot segments). */
function keyOf(rawUrl: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(new URL(rawUrl, "http://cdn").pathname);
  } catch {
    return undefined;
  }
  const key = path.slice(1);
  if (!key.startsWith(prefix) || key.split("/").some((segment) => segment === ".." || segment === ".")) return undefined;
  return key;
}

function accessDenied(response: ServerResponse, resource: string): void {
  response.writeHead(403, { "content-type": "application/xml" });
  response.end(s3ErrorXml({ code: "AccessDenied", message: "Access Denied", resource, requestId: ids.s3RequestId() }));
}
