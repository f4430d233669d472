import type { IamRequest } from "./policy";

/** Subresources of a bucket request and the action each needs (the ones an SDK may send). */
const bucketSubresources: Record<string, Record<string, string>> = {
  GET: { cors: "GetBucketCORS", notification: "GetBucketNotification", policy: "GetBucketPolicy", location: "GetBucketLocation", acl: "GetBucketAcl", tagging: "GetBucketTagging", versioning: "GetBucketVersioning", lifecycle: "GetLifecycleConfiguration", website: "GetBucketWebsite", uploads: "ListBucketMultipartUploads", versions: "ListBucketVersions" },
  PUT: { cors: "PutBucketCORS", notification: "PutBucketNotification", policy: "PutBucketPolicy", acl: "PutBucketAcl", tagging: "PutBucketTagging", versioning: "PutBucketVersioning", lifecycle: "PutLifecycleConfiguration", website: "PutBucketWebsite" },
  DELETE: { cors: "PutBucketCORS", policy: "DeleteBucketPolicy", tagging: "PutBucketTagging", lifecycle: "PutLifecycleConfiguration", website: "DeleteBucketWebsite" },
};
const objectSubresources: Record<string, Record<string, string>> = {
  GET: { acl: "GetObjectAcl", tagging: "GetObjectTagging", uploadId: "ListMultipartUploadParts", attributes: "GetObjectAttributes" },
  PUT: { acl: "PutObjectAcl", tagging: "PutObjectTagging" },
  DELETE: { tagging: "DeleteObjectTagging", uploadId: "AbortMultipartUpload" },
};

/**
 * The IAM requests of one path-style S3 call. Objects: GET and HEAD → s3:GetObject, PUT (a part, a
 * copy's destination) and the multipart POSTs → s3:PutObject, DELETE → s3:DeleteObject, on
 * `arn:aws:s3:::<bucket>/<key>`; a copy also reads its source (s3:GetObject). Buckets: listing
 * (ListObjects, ListObjectsV2) and HeadBucket → s3:ListBucket on `arn:aws:s3:::<bucket>`; POST
 * ?delete (DeleteObjects) → s3:DeleteObject on each key it names.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html (HEAD needs s3:GetObject)
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html (s3:DeleteObject per key)
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html (s3:ListBucket)
 */
export function s3Requests(call: { method: string; url: URL; headers: Record<string, string | undefined>; body: Buffer }): { operation: string; requests: IamRequest[] } {
  const [bucketPart = "", ...keyParts] = call.url.pathname.slice(1).split("/");
  const bucket = decode(bucketPart);
  const key = keyParts.map(decode).join("/");
  const method = call.method.toUpperCase();
  const query = call.url.searchParams;
  const bucketArn = `arn:aws:s3:::${bucket}`;
  const one = (operation: string, action: string, resource: string) => ({ operation, requests: [{ action: `s3:${action}`, resource }] });

  if (bucket === "") return one("ListBuckets", "ListAllMyBuckets", "*");
  if (keyParts.length === 0 || key === "") {
    if (method === "POST" && query.has("delete")) {
      const keys = [...call.body.toString("utf8").matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((match) => unescapeXml(match[1] ?? ""));
      return { operation: "DeleteObjects", requests: keys.map((name) => ({ action: "s3:DeleteObject", resource: `${bucketArn}/${name}` })) };
    }
    const sub = Object.entries(bucketSubresources[method] ?? {}).find(([name]) => query.has(name));
    if (sub) return one(sub[1], sub[1], bucketArn);
    if (method === "GET" || method === "HEAD") return one(method === "HEAD" ? "HeadBucket" : query.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects", "ListBucket", bucketArn);
    if (method === "PUT") return one("CreateBucket", "CreateBucket", bucketArn);
    if (method === "DELETE") return one("DeleteBucket", "DeleteBucket", bucketArn);
    // A browser's form POST: authorized as whoever signed its policy (the front names the key).
    return one("PostObject", "PutObject", `${bucketArn}/*`);
  }

  const objectArn = `${bucketArn}/${key}`;
  const sub = Object.entries(objectSubresources[method] ?? {}).find(([name]) => query.has(name));
  if (sub) return one(sub[1], sub[1], objectArn);
  switch (method) {
    case "GET":
      return one("GetObject", "GetObject", objectArn);
    case "HEAD":
      return one("HeadObject", "GetObject", objectArn);
    case "DELETE":
      return one("DeleteObject", "DeleteObject", objectArn);
    case "POST":
      return one(query.has("uploads") ? "CreateMultipartUpload" : "CompleteMultipartUpload", "PutObject", objectArn);
    case "PUT": {
      if (query.has("partNumber")) return one("UploadPart", "PutObject", objectArn);
      const source = call.headers["x-amz-copy-source"];
      if (!source) return one("PutObject", "PutObject", objectArn);
      const from = decode(source.split("?")[0] ?? "").replace(/^\//, "");
      return { operation: "CopyObject", requests: [{ action: "s3:PutObject", resource: objectArn }, { action: "s3:GetObject", resource: `arn:aws:s3:::${from}` }] };
    }
    default:
      return one(method, method, objectArn);
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#x([0-9a-fA-F]+)|#(\d+));/g, (_, name: string, hex?: string, dec?: string) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    if (dec) return String.fromCodePoint(Number(dec));
    return { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" }[name] ?? "";
  });
}
