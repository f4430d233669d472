import { accessDenied, invalidAccessKeyId, refusal, signatureDoesNotMatch, unsupportedAuthorization, type S3Refusal } from "./presigned-errors";
import { decodePolicy, evaluatePolicy } from "./presigned-policy";
import { credentialScopeProblem, parseAmzDate, parseCredential, sameSignature, s3Signer, scopeDate, SIGV4_ALGORITHM, type Credentials } from "./presigned-signing";

export interface PostUploadRequest {
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
  bucket: string;
  credentials: Credentials;
  region: string;
  now?: Date;
}

interface ParsedForm {
  /** The fields before the file, in order, names as sent. S3 ignores everything after the file. */
  fields: Array<{ name: string; value: string }>;
  file: { size: number; name: string | null } | null;
  fileCount: number;
}

const invalidArgument = (message: string) => refusal(400, "InvalidArgument", message);
const missingField = (name: string) =>
  invalidArgument(`Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`);

/** The SigV4 form fields, in the order S3 asks for them when one is missing. */
const REQUIRED_SIGV4_FIELDS = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature", "Policy"] as const;

/**
 * A browser-style POST upload (multipart/form-data to the bucket URL), checked as S3 checks it:
 * the form, the signing fields, the policy's signature (SigV4 over the base64 text as sent), then
 * the policy's expiration and every condition against the fields and the actual file size.
 */
export async function checkPostUpload(request: PostUploadRequest): Promise<S3Refusal | null> {
  const form = await parseForm(request);
  if (!form) return refusal(400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data.");
  if (form.fileCount !== 1) return invalidArgument("POST requires exactly one file upload per request.");

  const field = (name: string) => form.fields.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase())?.value;
  if (field("key") === undefined) return missingField("key");

  const signing = ["x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"].some((name) => field(name) !== undefined);
  if (!signing) {
    // Signature version 2 fields, or nothing at all: an anonymous upload, refused by a private bucket.
    return field("AWSAccessKeyId") !== undefined || field("signature") !== undefined ? unsupportedAuthorization() : accessDenied();
  }
  const missing = REQUIRED_SIGV4_FIELDS.find((name) => field(name) === undefined);
  if (missing) return missingField(missing);
  const [algorithm, credential, amzDate, signature, policy] = REQUIRED_SIGV4_FIELDS.map((name) => field(name)!) as [string, string, string, string, string];

  if (algorithm !== SIGV4_ALGORITHM) return invalidArgument(`X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}"`);
  const scope = parseCredential(credential);
  const scopeProblem = credentialScopeProblem(scope, request.region);
  if (scopeProblem || !scope) return invalidArgument(scopeProblem ?? "");
  if (!parseAmzDate(amzDate)) return invalidArgument("X-Amz-Date must be formated via ISO8601 Long format");
  if (scope.accessKeyId !== request.credentials.accessKeyId) return invalidAccessKeyId();

  // The string to sign is the policy field exactly as sent, before any decoding.
  const expected = await s3Signer(request.credentials, request.region).sign(policy, {
    signingDate: scopeDate(scope) ?? undefined,
    signingRegion: scope.region,
    signingService: "s3",
  });
  if (!sameSignature(expected, signature)) return signatureDoesNotMatch();

  const decoded = decodePolicy(policy);
  if ("status" in decoded) return decoded;
  return evaluatePolicy(decoded, {
    bucket: request.bucket,
    fields: form.fields,
    fileSize: form.file?.size ?? 0,
    now: request.now ?? new Date(),
  });
}

async function parseForm({ url, headers, body }: PostUploadRequest): Promise<ParsedForm | null> {
  let entries: Array<[string, FormDataEntryValue]>;
  try {
    const request = new Request(url, { method: "POST", headers: { "content-type": headers["content-type"] ?? "" }, body: new Uint8Array(body) });
    entries = [...(await request.formData()).entries()];
  } catch {
    return null;
  }
  const fields: ParsedForm["fields"] = [];
  let file: ParsedForm["file"] = null;
  let fileCount = 0;
  for (const [name, value] of entries) {
    if (name.toLowerCase() === "file") {
      fileCount++;
      // A file part without a filename arrives as text; it is the content all the same.
      file ??= typeof value === "string" ? { size: Buffer.byteLength(value), name: null } : { size: value.size, name: value.name };
      continue;
    }
    if (fileCount === 0) fields.push({ name, value: typeof value === "string" ? value : value.name });
  }
  // S3 expands ${filename} (the name without any path) before it checks the policy; with no
  // filename at all it leaves the variable as it is.
  const filename = file?.name?.split(/[/\\]/).pop();
  const expanded = filename === undefined ? fields : fields.map(({ name, value }) => ({ name, value: value.replaceAll("${filename}", filename) }));
  return { fields: expanded, file, fileCount };
}
