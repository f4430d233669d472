import type { S3Refusal } from "./presigned-errors";
import { checkPostUpload } from "./presigned-post";
import { checkPresignedUrl } from "./presigned-url";

/**
 * The S3 front calls this before forwarding any request to s3rver, which enforces neither POST
 * policies nor presigned URLs. It answers what S3 would refuse (null lets the request through):
 *
 * - a POST form upload to the bucket URL: policy signature, expiry and every condition;
 * - a query-signed request (a presigned URL): signature and expiry.
 *
 * Header-signed requests (the SDK calls of the functions and the runtime) pass untouched.
 */
export async function checkPresignedRequest(req: {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
  bucket: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  /** The time to check expiry against; now by default. */
  now?: Date;
}): Promise<null | S3Refusal> {
  const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name.toLowerCase(), value]));
  if (headers.authorization) return null;
  if (req.url.searchParams.has("X-Amz-Signature") || req.url.searchParams.has("X-Amz-Algorithm")) {
    return checkPresignedUrl({ ...req, headers });
  }
  if (req.method === "POST" && isBucketRoot(req.url, req.bucket) && isForm(headers["content-type"])) {
    return checkPostUpload({ ...req, headers });
  }
  return null;
}

/** `POST /{bucket}` (path-style), the only address a POST form upload goes to. */
const isBucketRoot = (url: URL, bucket: string) => bucket !== "" && url.search === "" && /^\/[^/]+\/?$/.test(url.pathname);

const isForm = (contentType: string | undefined) => contentType?.toLowerCase().startsWith("multipart/form-data") ?? false;
