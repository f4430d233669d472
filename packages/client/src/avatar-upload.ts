import type { InferRequestType, InferResponseType } from "hono/client";
import { ApiError, readProblem } from "./errors";
import { unwrap, type UsersClient } from "./index";

type AvatarRoute = UsersClient["users"][":id"]["avatar"]["$post"];
export type AvatarContentType = InferRequestType<AvatarRoute>["json"]["contentType"];
export type AvatarUploadGrant = InferResponseType<AvatarRoute, 201>;

export interface UploadAvatarOptions {
  /** Default: the file's own `type` (a browser `File` has one). */
  contentType?: AvatarContentType | undefined;
  /** The file name sent with the form (storage ignores it; the server picks the key). */
  filename?: string | undefined;
  /** For the storage POST; the API call uses the client's own fetch. Default: the global fetch. */
  fetch?: typeof fetch | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Uploads an avatar in the API's two steps: ask for a signed upload, then POST the form straight
 * to storage. Resolves with the grant once storage has the file; the thumbnails appear on the
 * user shortly after. A refusal from either step is an `ApiError` (storage's XML error becomes
 * the problem's `detail`).
 */
export async function uploadAvatar(client: UsersClient, userId: string, file: Blob, options: UploadAvatarOptions = {}): Promise<AvatarUploadGrant> {
  const contentType = options.contentType ?? (file.type as AvatarContentType);
  if (!contentType) throw new TypeError("uploadAvatar: the file has no type; pass contentType (image/jpeg, image/png or image/webp)");

  const grant = await unwrap(
    client.users[":id"].avatar.$post({ param: { id: userId }, json: { contentType, contentLength: file.size } }, options.signal ? { init: { signal: options.signal } } : undefined),
  );

  const form = new FormData();
  for (const [name, value] of Object.entries(grant.upload.fields)) form.append(name, value);
  // Storage reads the policy fields first and ignores anything after the file: it must come last.
  form.append("file", file.type === contentType ? file : new Blob([file], { type: contentType }), options.filename ?? "avatar");

  const response = await (options.fetch ?? globalThis.fetch)(grant.upload.url, {
    method: grant.upload.method,
    body: form,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!response.ok) throw new ApiError(response.status, await readProblem(response));
  await response.body?.cancel();
  return grant;
}
