import type { Iam } from "./authorizer";
import { accessKeyIdOf } from "./authorizer";
import { deniedMessage } from "./denials";
import { allows, type IamRequest } from "./policy";
import { s3Requests } from "./s3-requests";

export interface S3Call {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

/** The key that signed an S3 call: its Authorization header, a presigned URL, or a POST form's policy. */
export function s3AccessKeyIdOf(call: S3Call): string | undefined {
  const fromHeader = accessKeyIdOf(call.headers.authorization);
  if (fromHeader) return fromHeader;
  const credential = call.url.searchParams.get("X-Amz-Credential");
  if (credential) return credential.split("/")[0];
  if (call.method === "POST" && call.headers["content-type"]?.toLowerCase().startsWith("multipart/form-data")) {
    return /name="x-amz-credential"\r\n(?:[^\r\n]+\r\n)*\r\n([^/\r\n]+)\//i.exec(call.body.toString("latin1"))?.[1];
  }
  return undefined;
}

export type S3Decision =
  | { refused: { code: "AccessDenied"; message: string } }
  | {
      refused?: undefined;
      path: string;
      authorization: string | undefined;
      /** A read of a missing key by a role without s3:ListBucket: S3 answers 403, not 404 (this message). */
      notFound403?: string;
    };

/**
 * A function's S3 call, checked against its role (a presigned URL or POST form as the function that
 * signed it; a form upload as s3:PutObject on the key it creates), then made acceptable to s3rver,
 * which knows one key: the key id is swapped for the emulator's (s3rver does not check SigV4
 * signatures; the front has already checked presigned ones). null: not a function's call
 * (the admin, anonymous requests, unknown keys, which s3rver refuses itself).
 */
export function s3Decision(iam: Iam, call: S3Call, rawPath: string, formKey: string | undefined): S3Decision | null {
  const keyId = s3AccessKeyIdOf(call);
  const identity = iam.functionOf(keyId);
  if (!identity || !keyId) return null;
  const { operation, requests } = s3Requests(call);
  const asked: IamRequest[] =
    operation === "PostObject" && formKey !== undefined ? [{ action: "s3:PutObject", resource: `arn:aws:s3:::${bucketOf(call.url)}/${formKey}` }] : requests;
  const refused = iam.authorize(identity, `s3 ${operation}`, asked);
  if (refused) return { refused: { code: "AccessDenied", message: deniedMessage(identity.principal, refused) } };
  const admin = iam.admin.accessKeyId;
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html: without s3:ListBucket a
  // missing key is a 403, so a caller cannot learn what does not exist.
  const listBucket = { action: "s3:ListBucket", resource: `arn:aws:s3:::${bucketOf(call.url)}` };
  const hidesMissing = (operation === "GetObject" || operation === "HeadObject") && !allows(identity.statements, listBucket);
  return {
    path: rawPath.replace(`X-Amz-Credential=${keyId}`, `X-Amz-Credential=${admin}`),
    authorization: call.headers.authorization?.replace(`Credential=${keyId}/`, `Credential=${admin}/`),
    ...(hidesMissing ? { notFound403: deniedMessage(identity.principal, listBucket) } : {}),
  };
}

function bucketOf(url: URL): string {
  const segment = url.pathname.split("/")[1] ?? "";
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
