import type { ObjectCreatedEventName } from "../events/s3";

export interface ObjectCreation {
  eventName: ObjectCreatedEventName;
  bucket: string;
  key: string;
}

export interface S3Request {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

/** Query parameters that sign or label a request without changing what it does. */
const neutralParameter = /^(x-amz-|x-id$)/i;

/**
 * The object a request creates if it succeeds — PUT, POST form upload, copy, multipart completion —
 * or null (reads, deletes, bucket operations, sub-resources like ?acl, multipart parts).
 * Path-style addressing only, as the offline clients use (`forcePathStyle`).
 */
export async function objectCreationOf(request: S3Request): Promise<ObjectCreation | null> {
  const [bucketSegment = "", ...keySegments] = request.url.pathname.slice(1).split("/");
  const bucket = decode(bucketSegment);
  const key = decode(keySegments.join("/"));
  if (bucket === "") return null;
  const parameters = [...request.url.searchParams.keys()].filter((name) => !neutralParameter.test(name));

  if (request.method === "PUT" && key !== "" && parameters.length === 0) {
    return { eventName: request.headers["x-amz-copy-source"] ? "ObjectCreated:Copy" : "ObjectCreated:Put", bucket, key };
  }
  if (request.method === "POST" && key !== "" && parameters.length === 1 && parameters[0] === "uploadId") {
    return { eventName: "ObjectCreated:CompleteMultipartUpload", bucket, key };
  }
  if (request.method === "POST" && key === "" && parameters.length === 0 && isForm(request.headers["content-type"])) {
    const formKey = await formUploadKey(request);
    return formKey ? { eventName: "ObjectCreated:Post", bucket, key: formKey } : null;
  }
  return null;
}

/** S3's answers to a successful upload: 200, or for a POST form 201/204 or a 303 to success_action_redirect. */
export function isSuccessfulCreation(creation: ObjectCreation, status: number): boolean {
  if (creation.eventName === "ObjectCreated:Post") return [200, 201, 204, 303].includes(status);
  return status === 200;
}

function isForm(contentType: string | undefined): boolean {
  return contentType?.toLowerCase().startsWith("multipart/form-data") ?? false;
}

/** The form's `key` field, with `${filename}` replaced by the uploaded file's name, as S3 does. */
async function formUploadKey(request: S3Request): Promise<string | null> {
  const form = await parseForm(request);
  const key = form?.get("key");
  return typeof key === "string" ? key.replace(/\$\{filename\}/g, filenameOf(form!)) : null;
}

/**
 * s3rver stores a form upload under its `key` field verbatim, while S3 replaces `${filename}`: the
 * form re-encoded with the key S3 would use, or null when there is nothing to replace.
 */
export async function withFilenameSubstituted(request: S3Request): Promise<{ body: Buffer; contentType: string } | null> {
  const form = await parseForm(request);
  const key = form?.get("key");
  if (!form || typeof key !== "string" || !key.includes("${filename}")) return null;
  const rewritten = new FormData();
  for (const [name, value] of form.entries()) {
    rewritten.append(name, name === "key" ? key.replace(/\$\{filename\}/g, filenameOf(form)) : value);
  }
  const encoded = new Response(rewritten);
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get("content-type") ?? "" };
}

async function parseForm(request: S3Request): Promise<FormData | null> {
  try {
    return await new Response(Uint8Array.from(request.body), { headers: { "content-type": request.headers["content-type"] ?? "" } }).formData();
  } catch {
    return null;
  }
}

function filenameOf(form: FormData): string {
  const file = form.get("file");
  return file !== null && typeof file !== "string" ? file.name : "";
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
